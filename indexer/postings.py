"""Posting blocks that a query reads part by part.

Whoosh's own codec (W3) pickles a block's document numbers, weights and positions
together and compresses the pickle as one piece, so a query that only walks
document numbers (every AND, every count) unpickles every position of every block
it touches, and skips through a block one posting at a time. At 100,000 articles
that decoding was most of a query's time.

``VeilleCodec`` writes the same postings as three parts, each a flat array or a
byte string compressed alone, behind a fixed-size block header:

- document numbers: deltas in the narrowest array type that holds them;
- weights: nothing when every weight is 1, one number when all are equal, else
  an array (whole numbers in bytes or shorts, others as floats);
- values (positions): their lengths and their bytes, as Whoosh encodes them.

Its matcher decodes only the part asked for and finds a document number inside a
block by bisection. Everything else (term index, columns, stored fields, inlined
postings of rare words) is Whoosh's W3 format unchanged; a segment written by W3
stays readable, since each segment remembers the codec that wrote it, and the
next merge rewrites it in this one.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from bisect import bisect_left
from itertools import accumulate, chain
from operator import itemgetter, methodcaller, sub
from pickle import dumps

from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PostingsWriter,
    W3TermInfo,
    _lenfield,
)
from whoosh.formats import Positions, tokens
from whoosh.matching import ReadTooFar
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

# A block: its length (int, negative for the last block of a list), then this
# header, then the three parts. Fields: postings in the block, last document
# number, highest weight (a double, so block-quality skipping never
# underestimates it), smallest and largest field length (Whoosh's length bytes),
# the array types of ids and weights (or, for weights, one of _WEIGHT_ONES and
# _WEIGHT_SAME), and the byte sizes of the three parts with a flag byte saying
# which are compressed.
_HEADER = struct.Struct("<HIdBBccIIIB")
_IDS_ZIPPED, _WEIGHTS_ZIPPED, _VALUES_ZIPPED = 1, 2, 4
# A part shorter than this is stored as it is: zlib would not pay for itself.
_MIN_ZIP = 64
_ZLIB_LEVEL = 3
# The weights part when it is not an array.
_WEIGHT_ONES = b"1"  # every weight is 1.0: no bytes
_WEIGHT_SAME = b"="  # every weight is the same: one double
_LIST_MAGIC = b"VEL1"  # first bytes of a posting list written by this codec


def _narrowest(values) -> str:
    """The array type code of the smallest unsigned integers that hold every value."""
    top = max(values)
    if top < 1 << 8:
        return "B"
    if top < 1 << 16:
        return "H"
    return "I"


def _block_at(data: bytes, at: int) -> tuple[int, tuple]:
    """The block starting at ``at`` in ``data``: its length (negative for a list's
    last block) and its header's fields."""
    length = int.from_bytes(data[at : at + _INT_SIZE], "big", signed=True)  # Whoosh's write_int
    return length, _HEADER.unpack_from(data, at + _INT_SIZE)


def _unzipped(part: bytes, zipped) -> bytes:
    return zlib.decompress(part) if zipped else part


def _maybe_zip(data: bytes) -> tuple[bytes, bool]:
    if len(data) < _MIN_ZIP:
        return data, False
    packed = zlib.compress(data, _ZLIB_LEVEL)
    if len(packed) >= len(data):
        return data, False
    return packed, True


class VeilleCodec(W3Codec):
    """Whoosh's W3 codec with posting blocks split into separately decoded parts."""

    def field_writer(self, storage, segment):
        return FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors: keep Whoosh's own blocks
            return super().postings_writer(dbfile, byteids=byteids)
        return SplitPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=0,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return SplitLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class FieldWriter(W3FieldWriter):
    """Whoosh's W3 field writer, with the loop that writes a segment's sorted postings
    made lean: each field's lengths read once as a list (Whoosh asks the length
    column for every posting, 4% of indexing), a posting handed straight to the
    postings writer. It writes the same terms and postings as Whoosh's loop."""

    def add_postings(self, schema, lengths, items):
        postwriter = None
        lastfn = lasttext = None
        lengths_of: list = []
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lastfn is not None and fieldname < lastfn:
                    raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                postwriter = self._postwriter
                fmt = self._format
                lastfn, lasttext = fieldname, None
                lengths_of = [] if lengths is None else _lengths(lengths, fieldname)
            if docnum == -1:  # Whoosh's spelling-word items: not postings
                continue
            if btext != lasttext:
                if lasttext is not None:
                    if btext < lasttext:
                        raise OutOfOrderError(f"Term {fieldname}:{lasttext!r} .. {btext!r}")
                    self.finish_term()
                self._btext = btext
                postwriter.start_postings(fmt, W3TermInfo())
                lasttext = btext
            length = lengths_of[docnum] if docnum < len(lengths_of) else 0
            postwriter.add_posting(docnum, weight, b"" if value is None else value, length)
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


# The field length each of Whoosh's length bytes stands for.
LENGTH_OF_BYTE = tuple(map(byte_to_length, range(256)))


def _lengths(lengths, fieldname: str) -> list:
    """Every document's length in ``fieldname`` as ``doc_field_length`` gives it (None
    for a length byte of 0), or [] for a field without lengths (0 for every document)."""
    column = lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return []
    table = (None, *LENGTH_OF_BYTE[1:])
    return [table[b] for b in column]


class SplitPostingsWriter(W3PostingsWriter):
    """Writes each block as a fixed header and three parts (ids, weights, values).

    It keeps count of where it writes instead of asking the file twice a term (a
    system call each, 3% of indexing): nothing else writes to the postings file
    while a field's terms are written."""

    def __init__(self, postfile, *args, **kwargs):
        super().__init__(postfile, *args, **kwargs)
        self._offset = postfile.tell()

    def start_postings(self, format_, terminfo):
        if self._terminfo:
            raise RuntimeError("start_postings called inside a term")
        self._format = format_
        self._blockcount = 0
        self._new_block()
        self._terminfo = terminfo
        self._startoffset = self._offset

    def finish_postings(self):
        terminfo = self._terminfo
        if not self._blockcount and len(self._ids) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inline(self._ids, self._weights, self._values)
        else:
            if self._ids:
                self._write_block(last=True)
            terminfo.set_extent(self._startoffset, self._offset - self._startoffset)
        self._terminfo = None
        return terminfo

    def add_posting(self, id_, weight, vbytes, length=None):
        """W3's, without its type checks (the postings come from the writer's own pool)."""
        ids = self._ids
        if len(ids) >= self._blocklimit:
            self._write_block()
            ids = self._ids
        ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(_LIST_MAGIC)
            self._offset += len(_LIST_MAGIC)
        self._terminfo.add_block(self)

        ids = self._ids
        deltas = array("I", (b - a for a, b in zip((0, *ids), ids, strict=False)))
        idcode = _narrowest(deltas)
        idbytes, idzip = _maybe_zip(array(idcode, deltas).tobytes())
        weightcode, weightbytes = self._weight_part()
        weightbytes, weightzip = _maybe_zip(weightbytes)
        valuebytes, valuezip = _maybe_zip(self._values_part())
        flags = (
            (_IDS_ZIPPED if idzip else 0)
            | (_WEIGHTS_ZIPPED if weightzip else 0)
            | (_VALUES_ZIPPED if valuezip else 0)
        )
        header = _HEADER.pack(
            len(ids),
            ids[-1],
            self._maxweight,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
            idcode.encode(),
            weightcode,
            len(idbytes),
            len(weightbytes),
            len(valuebytes),
            flags,
        )
        blocklength = len(header) + len(idbytes) + len(weightbytes) + len(valuebytes)
        postfile = self._postfile
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(header)
        postfile.write(idbytes)
        postfile.write(weightbytes)
        postfile.write(valuebytes)
        self._offset += _INT_SIZE + blocklength
        self._blockcount += 1
        self._new_block()

    def _weight_part(self) -> tuple[bytes, bytes]:
        weights = self._weights
        first = weights[0]
        if all(w == first for w in weights):
            if first == 1.0:
                return _WEIGHT_ONES, b""
            return _WEIGHT_SAME, struct.pack("<d", first)
        if all(w.is_integer() and w >= 0 for w in weights):
            code = _narrowest(int(w) for w in weights)
            return code.encode(), array(code, (int(w) for w in weights)).tobytes()
        return b"f", weights.tobytes()

    def _values_part(self) -> bytes:
        fixedsize = self._format.fixed_value_size()
        values = self._values
        if fixedsize == 0 or not values:
            return b""
        if fixedsize is not None and fixedsize > 0:
            return b"".join(values)
        lengths = array("I", map(len, values))
        code = _narrowest(lengths)
        return code.encode() + array(code, lengths).tobytes() + b"".join(values)


class SplitLeafMatcher(W3LeafMatcher):
    """Reads SplitPostingsWriter's blocks, decoding a part only when it is asked for."""

    def _read_header(self):
        postfile = self._postfile
        postfile.seek(self._startoffset)
        magic = postfile.read(4)
        if magic != _LIST_MAGIC:
            raise ValueError(f"not a veille posting list: {magic!r}")
        self._baseoffset = self._startoffset + 4

    def _goto(self, position):
        self._ids = None
        self._weights = None
        self._values = None
        self._i = 0
        length, header = _block_at(self._postfile.get(position, _INT_SIZE + _HEADER.size), 0)
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + _INT_SIZE + length
        (
            self._blocklength,
            self._maxid,
            self._maxweight,
            minlength,
            maxlength,
            self._idcode,
            self._weightcode,
            idsize,
            weightsize,
            valuesize,
            self._flags,
        ) = header
        self._minlength = byte_to_length(minlength)
        self._maxlength = byte_to_length(maxlength)
        self._idoffset = position + _INT_SIZE + _HEADER.size
        self._idsize = idsize
        self._weightoffset = self._idoffset + idsize
        self._weightsize = weightsize
        self._valueoffset = self._weightoffset + weightsize
        self._valuesize = valuesize

    def _part(self, offset: int, size: int, zipped: bool) -> bytes:
        return _unzipped(self._postfile.get(offset, size), zipped)

    def _read_ids(self):
        data = self._part(self._idoffset, self._idsize, self._flags & _IDS_ZIPPED)
        self._ids = tuple(accumulate(array(self._idcode.decode(), data)))

    def _read_weights(self):
        code = self._weightcode
        count = self._blocklength
        if code == _WEIGHT_ONES:
            self._weights = (1.0,) * count
            return
        data = self._part(self._weightoffset, self._weightsize, self._flags & _WEIGHTS_ZIPPED)
        if code == _WEIGHT_SAME:
            self._weights = struct.unpack("<d", data) * count
        else:
            self._weights = array(code.decode(), data)

    def _read_values(self):
        if self._fixedsize == 0:
            self._values = (None,) * self._blocklength
            return
        data = self._part(self._valueoffset, self._valuesize, self._flags & _VALUES_ZIPPED)
        self._values = _split_values(data, self._blocklength, self._fixedsize)

    def skip_to(self, targetid):
        """Moves to the first posting at or after ``targetid``: blocks by their last
        id, then a bisection inside the block."""
        if self._atend or self._i >= self._blocklength:
            raise ReadTooFar
        ids = self._ids
        if ids is None:
            self._read_ids()
            ids = self._ids
        if targetid <= ids[self._i]:
            return
        if targetid > self._maxid:
            while True:
                self._next_block()
                if self._atend:
                    return
                if targetid <= self._maxid:
                    break
            self._read_ids()
            ids = self._ids
        self._i = bisect_left(ids, targetid, self._i)


def _split_values(data: bytes, count: int, fixedsize) -> tuple:
    """A block's values part as one bytes value a posting."""
    if fixedsize == 0:
        return (None,) * count
    if fixedsize is not None and fixedsize > 0:
        return tuple(data[i : i + fixedsize] for i in range(0, len(data), fixedsize))
    if not data:
        return (b"",) * count
    code = data[:1].decode()
    width = array(code).itemsize
    lengths = array(code, data[1 : 1 + width * count])
    ends = list(accumulate(lengths, initial=1 + width * count))
    return tuple(map(data.__getitem__, map(slice, ends, ends[1:])))


class WholeList:
    """A posting list read in one piece: document numbers and weights as NumPy arrays
    (int64, float64), each posting's value (positions) decoded when asked for."""

    def __init__(self, ids, weights, values=None, blocks=(), data=b"", fixedsize=None):
        self.ids, self.weights = ids, weights
        self._values = values  # every value, when the list was inlined in its term info
        self._blocks = list(blocks)  # (first posting, values offset, size, zipped, count)
        self._firsts = [block[0] for block in self._blocks]
        self._data, self._fixedsize = data, fixedsize
        self._decoded: dict[int, tuple] = {}

    def value(self, index: int) -> bytes:
        """The value of the posting at ``index`` in the list."""
        if self._values is not None:
            return self._values[index]
        first, values = self._block_of(index)
        return values[index - first]

    def values(self, indices) -> list[bytes]:
        """The values of the postings at ``indices`` (in ascending order)."""
        if self._values is not None:
            return list(map(self._values.__getitem__, indices))
        out = []
        first = end = 0
        values: tuple = ()
        for index in indices:
            if not first <= index < end:
                first, values = self._block_of(index)
                end = first + len(values)
            out.append(values[index - first])
        return out

    def _block_of(self, index: int) -> tuple[int, tuple]:
        """The first posting of the block holding ``index``, and the block's values."""
        b = bisect_left(self._firsts, index + 1) - 1
        first, start, size, zipped, count = self._blocks[b]
        values = self._decoded.get(b)
        if values is None:
            part = _unzipped(self._data[start : start + size], zipped)
            values = self._decoded[b] = _split_values(part, count, self._fixedsize)
        return first, values


# Whoosh's Positions format writes a value as the count of its positions (4 bytes),
# then a protocol-2 pickle of the list of their deltas: "\x80\x02" "]q\x00", the
# items ("K\x05a" for one, "(K\x05K=...e" for several), and "." at the end.
_PICKLED_LIST = b"\x80\x02]q\x00"
_STARTS_AS_PICKLED = methodcaller("startswith", _PICKLED_LIST, _INT_SIZE)
_ENDS_AS_PICKLED = methodcaller("endswith", b".")
_INNER_PICKLE = itemgetter(slice(_INT_SIZE + 2, -1))  # a posting's list from its "]"


class VeillePositions(Positions):
    """Whoosh's ``Positions`` format (the same bytes, read by Whoosh's code), its values
    made with less Python per word: most words of an article occur once, and the
    value of a single position is made once per process. Building values was 12% of
    indexing on one writer."""

    def word_values(self, value, analyzer, **kwargs):
        boost = self.field_boost
        positions: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        kwargs["positions"] = True
        kwargs["boosts"] = True
        for t in tokens(value, analyzer, kwargs):
            text = t.text
            found = positions.get(text)
            if found is None:
                positions[text] = [t.pos]
                weights[text] = 0.0 + t.boost
            else:
                found.append(t.pos)
                weights[text] += t.boost
        single = _SINGLE
        for word, found in positions.items():
            if len(found) == 1:
                encoded = single.get(found[0])
                if encoded is None:
                    encoded = self.encode(found)
                    if found[0] < _SINGLE_MAX:
                        single[found[0]] = encoded
            else:
                deltas = [found[0], *map(sub, found[1:], found)]
                encoded = pack_uint(len(deltas)) + dumps(deltas, 2)
            yield word, len(found), weights[word] * boost, encoded


# The values of single positions kept (those of the first words of an article).
_SINGLE: dict[int, bytes] = {}
_SINGLE_MAX = 1 << 16


def positions_together(values: list[bytes], fmt):
    """The positions of many postings of a field, decoded together: one int64 array of
    every posting's positions one after the other, and one of how many each has.

    For Whoosh's ``Positions`` format the pickled lists are joined as the items of one
    outer list, so one ``pickle.loads`` decodes them all, and NumPy sums the deltas;
    any other format is decoded a posting at a time."""
    import pickle

    import numpy as np

    count = len(values)
    if (
        type(fmt) in (Positions, VeillePositions)
        and all(map(_STARTS_AS_PICKLED, values))
        and all(map(_ENDS_AS_PICKLED, values))
    ):
        whole = b"".join([b"\x80\x02]q\x01(", *map(_INNER_PICKLE, values), b"e."])
        deltas = pickle.loads(whole)
        lengths = np.fromiter(map(len, deltas), np.int64, count)
        summed = np.cumsum(np.fromiter(chain.from_iterable(deltas), np.int64, lengths.sum()))
        before = np.concatenate(([0], summed))[np.cumsum(lengths) - lengths]
        return summed - np.repeat(before, lengths), lengths
    lists = [fmt.decode_positions(v) for v in values]
    lengths = np.fromiter(map(len, lists), np.int64, count)
    return np.fromiter(chain.from_iterable(lists), np.int64, lengths.sum()), lengths


def read_whole_list(postfile, offset: int, length: int, fixedsize=None) -> WholeList:
    """A posting list read in one piece, for a query that scores a whole list at once;
    ``fixedsize`` is the field format's value size, for reading values."""
    import numpy as np

    data = postfile.get(offset, length)
    if data[:4] != _LIST_MAGIC:
        raise ValueError(f"not a veille posting list: {data[:4]!r}")
    ids, weights, blocks = [], [], []
    position = 4
    first = 0
    while position < len(data):
        blocklength, header = _block_at(data, position)
        count, _, _, _, _, idcode, weightcode, idsize, weightsize, valuesize, flags = header
        start = position + _INT_SIZE + _HEADER.size
        part = _unzipped(data[start : start + idsize], flags & _IDS_ZIPPED)
        ids.append(np.cumsum(np.frombuffer(part, dtype=idcode.decode()), dtype=np.int64))
        if weightcode == _WEIGHT_ONES:
            weights.append(np.ones(count))
        else:
            part = data[start + idsize : start + idsize + weightsize]
            part = _unzipped(part, flags & _WEIGHTS_ZIPPED)
            if weightcode == _WEIGHT_SAME:
                weights.append(np.full(count, struct.unpack("<d", part)[0]))
            else:
                weights.append(np.frombuffer(part, dtype=weightcode.decode()).astype(np.float64))
        valuestart = start + idsize + weightsize
        blocks.append((first, valuestart, valuesize, flags & _VALUES_ZIPPED, count))
        first += count
        position += _INT_SIZE + abs(blocklength)
        if blocklength < 0:
            break
    return WholeList(np.concatenate(ids), np.concatenate(weights), None, blocks, data, fixedsize)
