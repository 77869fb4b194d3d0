"""A word's alternatives (its fields, its spellings) matched as one list, scored with NumPy.

Every word of a query is an ``Or`` of terms: ``title:guerr OR body:guerr``, and a
name adds its variant spellings. Whoosh walks such an ``Or`` as a tree of union
matchers, two Python calls deep per term and per posting, and scores each
posting with a Python BM25F call; at 100,000 articles a two-word AND spent most
of its time there. ``EagerOr`` reads the postings of its terms whole (the ids
and weights parts of ``VeilleCodec``'s blocks, never the positions), computes
the same BM25F formula over arrays, and merges them into one sorted list that a
matcher walks by index. Scores, the terms each document matched (for snippets
and ``missing``) and block-quality skipping are those of Whoosh's tree.

It pays where lists are long: an ``Or`` whose terms hold fewer postings than
``EAGER_MIN`` in a segment, or a segment written by Whoosh's own codec, is left
to Whoosh. NumPy is imported only by a search that needs it (``veille search``
on a small index never does).
"""

from __future__ import annotations

import sys
from bisect import bisect_left

from whoosh import matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.matching.mcore import Matcher
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

from veille.indexer.postings import VeilleCodec, read_whole_list

# Postings (summed over an Or's terms in one segment) from which reading them whole
# pays, once NumPy is loaded; and from which it pays to load NumPy (60-100 ms) in a
# process that has not yet.
EAGER_MIN = 1_000
EAGER_MIN_COLD = 20_000
# Postings per block of the merged list, for block-quality skipping.
BLOCK = 8
# Terms an Or may have: which of them a document matched is kept as bits of an int64.
MAX_TERMS = 62


class EagerOr(wq.Or):
    """Whoosh's ``Or`` of terms, matched from arrays where the lists are long."""

    def _matcher(self, subs, searcher, context):
        m = _array_matcher(self, searcher, context)
        if m is None:
            plain = wq.Or(subs, boost=self.boost, minmatch=self.minmatch, scale=self.scale)
            return plain.matcher(searcher, context)
        return m


class EagerTree(wq.WrappingQuery):
    """A query of words (terms, ``Or``, ``And``, ``AndMaybe``, ``Bonus``) matched as a
    whole from arrays where its lists are long: one exact list of matches and scores,
    where Whoosh's tree of matchers skips blocks by bounds that can drop a document
    of the top N (a block of one word is skipped by the current block of the other)."""

    def _rewrap(self, child):
        return EagerTree(child)

    def matcher(self, searcher, context=None):
        m = _array_matcher(self.child, searcher, context)
        return self.child.matcher(searcher, context) if m is None else m


def eager(q: wq.Query) -> wq.Query:
    """``q`` matched from arrays where that pays: as a whole when it is only words,
    else each ``Or`` of plain terms in it."""
    if q is None:
        return q

    def convert(node):
        if _plain_or(node) and all(type(s) is wq.Term for s in node.subqueries):
            return EagerOr(node.subqueries, boost=node.boost)
        return node

    converted = q.accept(convert)
    return EagerTree(converted) if _words_only(converted) else converted


def _plain_or(node) -> bool:
    return (
        isinstance(node, wq.Or)
        and type(node) in (wq.Or, EagerOr)
        and not (node.minmatch or node.scale)
    )


def _words_only(node) -> bool:
    from .matching import Bonus

    if type(node) is wq.Term:
        return not node.minquality
    if _plain_or(node) or type(node) is wq.And:
        return all(_words_only(s) for s in node.subqueries)
    if type(node) is wq.AndMaybe:
        return _words_only(node.a) and _words_only(node.b)
    if type(node) is Bonus:
        return _words_only(node.child)
    return False


def _terms(node) -> list:
    return [leaf for leaf in node.leaves() if type(leaf) is wq.Term]


def _array_matcher(q, searcher, context):
    """An ArrayMatcher for ``q`` in this segment, or None where Whoosh does better
    (short lists, a segment of Whoosh's codec, another weighting, too many terms)."""
    reader = searcher.reader()
    if not isinstance(reader, SegmentReader) or not isinstance(reader.codec(), VeilleCodec):
        return None
    terms = _terms(q)
    if len(terms) > MAX_TERMS:
        return None
    postings = 0
    for term in terms:
        btext = _bytes(searcher, term)
        if btext is not None and (term.fieldname, btext) in reader:
            postings += reader.doc_frequency(term.fieldname, btext)
    if postings < (EAGER_MIN if "numpy" in sys.modules else EAGER_MIN_COLD):
        return None
    weighting = context.weighting if context is not None else searcher.weighting
    evaluation = _Evaluation(searcher, reader, weighting)
    lists = evaluation.lists(q)
    if lists is None:
        return None
    return evaluation.matcher(lists)


def _bytes(searcher, term) -> bytes | None:
    if term.fieldname not in searcher.schema:
        return None
    try:
        return searcher.schema[term.fieldname].to_bytes(term.text)
    except ValueError:
        return None


class _Evaluation:
    """Evaluates a query of words over one segment's postings, as NumPy arrays: each
    node gives its matching ids (sorted), their scores, and bits naming the terms
    matched; scores add up as Whoosh's matchers add them."""

    def __init__(self, searcher, reader, weighting):
        import numpy as np

        self.np = np
        self.searcher, self.reader, self.weighting = searcher, reader, weighting
        self.terms: list[tuple[str, bytes]] = []

    def lists(self, node):
        from .matching import Bonus

        kind = type(node)
        if kind is wq.Term:
            found = self._term(node)
        elif kind is Bonus:
            found = self.lists(node.child)
            if found is not None:
                found = (found[0], found[1] + node.bonus, found[2])
            return found
        elif kind is wq.AndMaybe:
            found = self._and_maybe(node)
        elif kind is wq.And:
            found = self._all(node.subqueries)
        else:
            found = self._any(node.subqueries)
        # Whoosh applies a compound's boost only when it has several children.
        several = kind is wq.AndMaybe or len(getattr(node, "subqueries", ())) > 1
        if found is not None and kind is not wq.Term and several and node.boost != 1.0:
            found = (found[0], found[1] * node.boost, found[2])
        return found

    def _empty(self):
        np = self.np
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)

    def _term(self, term):
        np = self.np
        bit = 1 << len(self.terms)
        btext = _bytes(self.searcher, term)
        self.terms.append((term.fieldname, btext))
        reader = self.reader
        if btext is None or (term.fieldname, btext) not in reader:
            return self._empty()
        if term.boost == 0 or self.weighting is None:  # a filter, or a boolean context
            scorer = None
        else:
            scorer = self.weighting.scorer(self.searcher, term.fieldname, btext)
            if type(scorer) is not BM25FScorer:
                return None
        terminfo = reader.term_info(term.fieldname, btext)
        if terminfo.is_inlined():
            ids, weights, _ = terminfo.inlined_postings()
            ids, weights = np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
        else:
            offset, length = terminfo.extent()
            if isinstance(length, tuple):  # Whoosh's W3TermInfo.from_bytes leaves it unpacked
                (length,) = length
            ids, weights = read_whole_list(reader._terms._postfile, offset, length)
        if scorer is None:
            scores = np.zeros(len(ids))
        else:
            lengths = _field_lengths(reader, term.fieldname)[ids]
            # BM25F as whoosh.scoring.bm25 computes it, operation for operation.
            idf, k1, b, avgfl = scorer.idf, scorer.K1, scorer.B, scorer.avgfl
            scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))
            if term.boost != 1.0:
                scores = scores * term.boost
        return ids, scores, np.full(len(ids), bit, dtype=np.int64)

    def _any(self, subqueries):
        """Union: every id of any child, its scores summed (in the children's order)."""
        np = self.np
        parts = [self.lists(s) for s in subqueries]
        if any(p is None for p in parts):
            return None
        ids = np.concatenate([p[0] for p in parts])
        if not len(ids):
            return self._empty()
        scores = np.concatenate([p[1] for p in parts])
        bits = np.concatenate([p[2] for p in parts])
        order = np.argsort(ids, kind="stable")
        ids, scores, bits = ids[order], scores[order], bits[order]
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        return ids[starts], np.add.reduceat(scores, starts), np.bitwise_or.reduceat(bits, starts)

    def _all(self, subqueries):
        """Intersection: the ids every child holds, their scores summed."""
        np = self.np
        result = None
        for sub in subqueries:
            part = self.lists(sub)
            if part is None:
                return None
            if result is None:
                result = part
                continue
            ids, left, right = np.intersect1d(result[0], part[0], True, return_indices=True)
            result = (
                ids,
                result[1][left] + part[1][right],
                result[2][left] | part[2][right],
            )
        return result

    def _and_maybe(self, node):
        """The first child's ids, with the second's score added where it matches too."""
        np = self.np
        first, second = self.lists(node.a), self.lists(node.b)
        if first is None or second is None:
            return None
        ids, scores, bits = first[0], first[1].copy(), first[2].copy()
        _, left, right = np.intersect1d(ids, second[0], True, return_indices=True)
        scores[left] += second[1][right]
        bits[left] |= second[2][right]
        return ids, scores, bits

    def matcher(self, lists) -> ArrayMatcher:
        np = self.np
        ids, scores, bits = lists
        reader = self.reader
        if reader.has_deletions() and len(ids):
            deleted = np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64)
            keep = ~np.isin(ids, deleted)
            ids, scores, bits = ids[keep], scores[keep], bits[keep]
        if len(scores):
            blockmax = np.maximum.reduceat(scores, np.arange(0, len(scores), BLOCK))
        else:
            blockmax = scores
        return ArrayMatcher(
            ids.tolist(), scores.tolist(), bits.tolist(), blockmax.tolist(), self.terms
        )


def _field_lengths(reader: SegmentReader, fieldname: str):
    """Every document's length in ``fieldname`` (as BM25F reads it), cached on the reader."""
    import numpy as np

    cache = reader.__dict__.setdefault("_veille_lengths", {})
    found = cache.get(fieldname)
    if found is None:
        count = reader.doc_count_all()
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        codes = np.zeros(count, dtype=np.uint8)
        if column is not None:
            raw = getattr(column, "reader", column)  # under store.WholeColumn
            stored = min(raw._count, count)
            codes[:stored] = np.frombuffer(raw._dbfile.get(raw._basepos, stored), dtype=np.uint8)
        table = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
        found = cache[fieldname] = table[codes]
    return found


class ArrayMatcher(Matcher):
    """Walks merged postings held in lists: ids, scores, the terms matched (bits)."""

    def __init__(self, ids, scores, bits, blockmax, terms, i=0):
        self._ids, self._scores, self._bits = ids, scores, bits
        self._blockmax, self._terms = blockmax, terms
        self._n = len(ids)
        self._i = i
        self._max = max(blockmax) if blockmax else 0.0
        self._views = [TermView(self, 1 << k, term) for k, term in enumerate(terms)]

    def __repr__(self):
        return f"ArrayMatcher({len(self._terms)} terms, {self._n} postings)"

    def is_active(self):
        return self._i < self._n

    def id(self):
        return self._ids[self._i]

    def score(self):
        return self._scores[self._i]

    def weight(self):
        return self._scores[self._i]

    def next(self):
        self._i += 1
        return self._i % BLOCK == 0  # a new block: the collector checks its quality again

    def skip_to(self, targetid):
        if self._i >= self._n:
            raise matching.ReadTooFar
        if targetid > self._ids[self._i]:
            self._i = bisect_left(self._ids, targetid, self._i)

    def supports_block_quality(self):
        return True

    def max_quality(self):
        return self._max

    def block_quality(self):
        return self._blockmax[self._i // BLOCK]

    def skip_to_quality(self, minquality):
        block = self._i // BLOCK
        skipped = 0
        blocks = len(self._blockmax)
        while block < blocks and self._blockmax[block] <= minquality:
            block += 1
            skipped += 1
        if skipped:
            self._i = min(block * BLOCK, self._n)
        return skipped

    def replace(self, minquality=0):
        if not self.is_active() or (minquality and self._max < minquality):
            return matching.NullMatcher()
        return self

    def copy(self):
        return ArrayMatcher(
            self._ids, self._scores, self._bits, self._blockmax, self._terms, self._i
        )

    def supports(self, astype):
        return False

    def term_matchers(self):
        return iter(self._views)

    def matching_terms(self, id=None):
        if not self.is_active():
            return
        if id is None:
            id = self.id()
        elif id != self.id():
            return
        bits = self._bits[self._i]
        for view in self._views:
            if bits & view.bit:
                yield view.term()

    def all_ids(self):
        i = self._i
        while i < self._n:
            yield self._ids[i]
            i += 1


class TermView(Matcher):
    """One term of an ArrayMatcher, as Whoosh's TermsCollector asks for it: active
    with its parent, at the parent's document when that document holds the term."""

    def __init__(self, parent: ArrayMatcher, bit: int, term):
        self._parent, self.bit, self._term = parent, bit, term

    def term(self):
        return self._term

    def is_active(self):
        return self._parent.is_active()

    def id(self):
        parent = self._parent
        return parent._ids[parent._i] if parent._bits[parent._i] & self.bit else -1
