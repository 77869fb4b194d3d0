"""Queries of words matched from arrays: exact best hits, and Python only per hit.

Every word of a query is an ``Or`` of terms (``title:guerr OR body:guerr``, and a
name's spellings); Whoosh walks such a query as a tree of union and intersection
matchers, scoring each posting with a Python BM25F call, and skips blocks by
bounds that can drop one of the best documents (a block of one word is judged
by the current block of the other). At 100,000 articles that tree was most of a
query's time, and 10 of 159 word queries of the bench lost a top-10 hit.

A query made only of terms, phrases, ``Or``, ``And``, ``AndMaybe`` and ``Bonus``
(every word query, in both tiers) is evaluated per segment with NumPy over whole
posting lists (the ids and weights of ``VeilleCodec``'s blocks), BM25F computed
operation for operation as Whoosh does, into one list of matches and scores that
``ArrayMatcher`` walks with small blocks of known best scores. A phrase gives the
documents holding all its words, scored as Whoosh scores it; their positions are
checked only for the documents the walk reaches, so blocks skipped by their
score are never checked. The terms each hit matched (snippets, missing words)
are bits kept per posting.

It pays where lists are long: a query whose terms hold fewer postings than
``EAGER_MIN`` in a segment, a segment written by Whoosh's codec, or a query with
other parts (prefixes, ranges, exclusions) is left to Whoosh, though each ``Or``
of terms in it is still one array matcher. A process loads NumPy at its second
search, or at its first if the lists are long enough to pay for the import
(``veille search`` on a small index never loads it).
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Iterator, Mapping

from whoosh import collectors, matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.matching.mcore import Matcher
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25FScorer

from veille.indexer.postings import (
    LENGTH_OF_BYTE,
    VeilleCodec,
    WholeList,
    positions_together,
    read_whole_list,
)

from .matching import Bonus
from .phrase import FastPhrase

# Postings (summed over a query's terms in one segment) from which reading them whole
# pays, once NumPy is loaded; and from which it pays to load NumPy (60-100 ms) in a
# process that has not yet.
EAGER_MIN = 1_000
EAGER_MIN_COLD = 20_000
# Postings per block of the merged list, for block-quality skipping.
BLOCK = 8
# Phrase candidates whose positions are read and compared together (see _Phrase).
CHECKED_TOGETHER = 64
# Terms a query may have: which of them a document matched is kept as bits of an int64.
MAX_TERMS = 62
# A process that searches more than once (a server, a library user, an interactive
# session) loads NumPy at its second search: only a one-shot `veille search` is
# spared the import.
_searches = 0


def count_search() -> None:
    """Notes a search; at the second one in this process, loads NumPy."""
    global _searches
    _searches += 1
    if _searches == 2:
        import numpy  # noqa: F401


class EagerOr(wq.Or):
    """Whoosh's ``Or`` of terms, matched from arrays where the lists are long."""

    def _matcher(self, subs, searcher, context):
        m = _array_matcher(self, searcher, context)
        if m is None:
            plain = wq.Or(subs, boost=self.boost, minmatch=self.minmatch, scale=self.scale)
            return plain.matcher(searcher, context)
        return m


class EagerTree(wq.WrappingQuery):
    """A query of words (terms, phrases, ``Or``, ``And``, ``AndMaybe``, ``Bonus``)
    matched as a whole from arrays where its lists are long: one exact list of
    matches and scores, where Whoosh's tree of matchers skips blocks by bounds that
    can drop a document of the top N."""

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
    if type(node) is wq.Term:
        return not node.minquality
    if type(node) is FastPhrase:
        return all(isinstance(w, str) for w in node.words)
    if _plain_or(node) or type(node) is wq.And:
        return all(_words_only(s) for s in node.subqueries)
    if type(node) is wq.AndMaybe:
        return _words_only(node.a) and _words_only(node.b)
    if type(node) is Bonus:
        return _words_only(node.child)
    return False


def _terms(node) -> list[tuple[str, str]]:
    """The (field, word) pairs of ``node``'s terms and phrases."""
    pairs = []
    for leaf in node.leaves():
        if type(leaf) is wq.Term:
            pairs.append((leaf.fieldname, leaf.text))
        elif type(leaf) is FastPhrase:
            pairs += [(leaf.fieldname, word) for word in leaf.words]
    return pairs


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
    for fieldname, text in terms:
        btext = _bytes(searcher, fieldname, text)
        if btext is not None and (fieldname, btext) in reader:
            postings += reader.doc_frequency(fieldname, btext)
    if postings < (EAGER_MIN if "numpy" in sys.modules else EAGER_MIN_COLD):
        return None
    weighting = context.weighting if context is not None else searcher.weighting
    evaluation = _Evaluation(searcher, reader, weighting)
    lists = evaluation.lists(q)
    if lists is None:
        return None
    return evaluation.matcher(lists, q)


def _bytes(searcher, fieldname: str, text) -> bytes | None:
    if fieldname not in searcher.schema:
        return None
    try:
        return searcher.schema[fieldname].to_bytes(text)
    except ValueError:
        return None


class _Evaluation:
    """Evaluates a query of words over one segment's postings, as NumPy arrays: each
    node gives its matching ids (sorted), their scores, and bits naming the terms
    matched; scores add up as Whoosh's matchers add them.

    A phrase gives the documents holding all its words, scored as Whoosh scores it
    (the words' BM25F summed), before their positions are checked: the matcher
    checks a document's positions only when the search reaches it, and then scores
    that document again over the query's tree (``rescore``). Blocks skipped by their
    best score need no check: a phrase's score is never above its words'."""

    def __init__(self, searcher, reader, weighting):
        import numpy as np

        self.np = np
        self.searcher, self.reader, self.weighting = searcher, reader, weighting
        self.terms: list[tuple[str, bytes]] = []
        self.leaves: dict[int, tuple] = {}  # a leaf node's (ids, scores, bits)
        self.phrases: dict[int, _Phrase] = {}  # a phrase node's candidates and check
        self.unchecked = 0  # bits of the phrases' words: documents to check
        self.listed: dict[int, list] = {}  # a term leaf's ids as a list, for rescore

    def lists(self, node):
        kind = type(node)
        if kind is wq.Term:
            self.leaves[id(node)] = found = self._term(node)
            return found
        if kind is FastPhrase:
            self.leaves[id(node)] = found = self._phrase(node)
            return found
        if kind is Bonus:
            found = self.lists(node.child)
            if found is not None:
                found = (found[0], found[1] + node.bonus, found[2])
            return found
        if kind is wq.AndMaybe:
            found = self._and_maybe(node)
        elif kind is wq.And:
            found = self._all(node.subqueries)
        else:
            found = self._any(node.subqueries)
        if found is not None and _boosted(node):
            found = (found[0], found[1] * node.boost, found[2])
        return found

    def _empty(self):
        np = self.np
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)

    def _bit(self, fieldname: str, btext) -> int:
        self.terms.append((fieldname, btext))
        return 1 << (len(self.terms) - 1)

    def _postings(self, fieldname: str, btext: bytes, boost: float):
        """A term's WholeList and its BM25F scores (None: not a BM25F field)."""
        np = self.np
        reader = self.reader
        terminfo = reader.term_info(fieldname, btext)
        fmt = self.searcher.schema[fieldname].format
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            postings = WholeList(
                np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64), values
            )
        else:
            offset, length = terminfo.extent()
            if isinstance(length, tuple):  # Whoosh's W3TermInfo.from_bytes leaves it unpacked
                (length,) = length
            postings = read_whole_list(
                reader._terms._postfile, offset, length, fmt.fixed_value_size()
            )
        if boost == 0 or self.weighting is None:  # a filter, or a boolean context
            return postings, np.zeros(len(postings.ids))
        scorer = self.weighting.scorer(self.searcher, fieldname, btext)
        if type(scorer) is not BM25FScorer:
            return postings, None
        weights = postings.weights
        lengths = _field_lengths(reader, fieldname)[postings.ids]
        # BM25F as whoosh.scoring.bm25 computes it, operation for operation.
        idf, k1, b, avgfl = scorer.idf, scorer.K1, scorer.B, scorer.avgfl
        scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))
        if boost != 1.0:
            scores = scores * boost
        return postings, scores

    def _term(self, term):
        np = self.np
        btext = _bytes(self.searcher, term.fieldname, term.text)
        bit = self._bit(term.fieldname, btext)
        if btext is None or (term.fieldname, btext) not in self.reader:
            return self._empty()
        postings, scores = self._postings(term.fieldname, btext, term.boost)
        if scores is None:
            return None
        return postings.ids, scores, np.full(len(scores), bit, dtype=np.int64)

    def _phrase(self, node):
        """The documents holding every word of the phrase, to be checked (see above)."""
        np = self.np
        fieldname = node.fieldname
        btexts = [_bytes(self.searcher, fieldname, word) for word in node.words]
        bits = [self._bit(fieldname, btext) for btext in btexts]
        if not btexts or any(b is None or (fieldname, b) not in self.reader for b in btexts):
            return self._empty()
        words = []
        result = None
        at = []  # for each word, where each candidate stands in its list
        for btext, bit in zip(btexts, bits, strict=True):
            postings, scores = self._postings(fieldname, btext, 1.0)
            if scores is None:
                return None
            words.append(postings)
            part = (postings.ids, scores, np.full(len(scores), bit, dtype=np.int64))
            if result is None:
                result, at = part, [np.arange(len(scores))]
                continue
            result, left, right = self._intersect(result, part)
            at = [a[left] for a in at] + [right]
        if len(words) > 1:
            mask = sum(bits)
            fmt = self.searcher.schema[fieldname].format
            self.phrases[id(node)] = _Phrase(mask, result[0], at, words, fmt)
            self.unchecked |= mask
        return result

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

    def _intersect(self, result, part):
        """The ids both hold, their scores summed; and where they stand in each."""
        ids, left, right = self.np.intersect1d(result[0], part[0], True, return_indices=True)
        both = ids, result[1][left] + part[1][right], result[2][left] | part[2][right]
        return both, left, right

    def _all(self, subqueries):
        """Intersection: the ids every child holds, their scores summed."""
        result = None
        for sub in subqueries:
            part = self.lists(sub)
            if part is None:
                return None
            result = part if result is None else self._intersect(result, part)[0]
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

    def rescore(self, node, docnum: int):
        """(score, bits) of one document over the tree once its phrases are checked, or
        None if it does not match."""
        kind = type(node)
        leaf = self.leaves.get(id(node))
        if leaf is not None:
            ids, scores, bits = leaf
            phrase = self.phrases.get(id(node))
            if phrase is not None:
                if not phrase.holds(docnum):
                    return None
                i = bisect_left(phrase.candidates, docnum)
            else:
                listed = self.listed.get(id(node))
                if listed is None:
                    listed = self.listed[id(node)] = ids.tolist()
                i = bisect_left(listed, docnum)
                if i == len(listed) or listed[i] != docnum:
                    return None
            return float(scores[i]), int(bits[i])
        if kind is Bonus:
            found = self.rescore(node.child, docnum)
            return None if found is None else (found[0] + node.bonus, found[1])
        if kind is wq.AndMaybe:
            first = self.rescore(node.a, docnum)
            if first is None:
                return None
            second = self.rescore(node.b, docnum)
            found = first if second is None else (first[0] + second[0], first[1] | second[1])
        else:
            found = None
            for sub in node.subqueries:
                part = self.rescore(sub, docnum)
                if part is None:
                    if kind is wq.And:
                        return None
                    continue
                found = part if found is None else (found[0] + part[0], found[1] | part[1])
            if found is None:
                return None
        if _boosted(node):
            found = (found[0] * node.boost, found[1])
        return found

    def matcher(self, lists, root) -> ArrayMatcher:
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
        check = None
        if self.phrases:
            unchecked = self.unchecked
            phrases = list(self.phrases.values())

            def check(docnum: int, docbits: int):
                if not docbits & unchecked:
                    return True
                failing = 0  # the words of the phrases found not to hold
                for p in phrases:
                    if docbits & p.mask == p.mask and not p.holds(docnum):
                        failing |= p.mask
                if not failing:  # every phrase it is a candidate of holds: kept as scored
                    return True
                if not docbits & ~failing:  # each word's bit is its own leaf's
                    return None  # it matched nothing else
                return self.rescore(root, docnum)

        return ArrayMatcher(
            ids.tolist(), scores.tolist(), bits.tolist(), blockmax.tolist(), self.terms, check
        )


def _boosted(node) -> bool:
    """Whether Whoosh applies the boost of this compound: only when it has several children."""
    several = type(node) is wq.AndMaybe or len(getattr(node, "subqueries", ())) > 1
    return several and node.boost != 1.0


class _Phrase:
    """A phrase's candidates (documents holding all its words) and the check that its
    words stand at consecutive positions, as query.phrase.PhraseMatcher checks them.

    Candidates are checked CHECKED_TOGETHER at a time, from the one the walk asks
    about: their positions go into arrays of (candidate, position less the word's
    place in the phrase), which NumPy intersects word after word."""

    def __init__(self, mask: int, candidates, at, words, fmt):
        self.mask = mask  # the bits of its words
        self.candidates = candidates.tolist()
        self.at = [a.tolist() for a in at]
        self.words, self.fmt = words, fmt
        self.known: dict[int, bool] = {}

    def holds(self, docnum: int) -> bool:
        found = self.known.get(docnum)
        if found is None:
            k = bisect_left(self.candidates, docnum)
            if k == len(self.candidates) or self.candidates[k] != docnum:
                found = self.known[docnum] = False
            else:
                found = self._check(k, min(k + CHECKED_TOGETHER, len(self.candidates)))
        return found

    def _check(self, first: int, end: int) -> bool:
        """Check candidates ``first`` to ``end`` (excluded); whether the first holds."""
        import numpy as np

        count = end - first
        common = None
        for place, (postings, at) in enumerate(zip(self.words, self.at, strict=True)):
            positions, lengths = positions_together(postings.values(at[first:end]), self.fmt)
            which = np.repeat(np.arange(count, dtype=np.int64), lengths)
            # Every candidate's positions of a word are distinct, so are these keys.
            keys = (which << 32) | (positions + (len(self.words) - place))
            common = keys if common is None else np.intersect1d(common, keys, True)
            if not len(common):
                break
        held = set((common >> 32).tolist())
        known, candidates = self.known, self.candidates
        for j in range(count):
            known[candidates[first + j]] = j in held
        return 0 in held


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
        table = np.array(LENGTH_OF_BYTE, dtype=np.float64)
        found = cache[fieldname] = table[codes]
    return found


class ArrayMatcher(Matcher):
    """Walks merged postings held in lists: ids, scores, the terms matched (bits).

    ``check(docnum, bits)``, where a query has phrases, is asked about each document
    the walk stops at: True keeps it as it is, None drops it, (score, bits) keeps it
    scored so."""

    def __init__(self, ids, scores, bits, blockmax, terms, check=None, i=0, checked=None):
        self._ids, self._scores, self._bits = ids, scores, bits
        self._blockmax, self._terms = blockmax, terms
        self._n = len(ids)
        self._i = i
        self._max = max(blockmax) if blockmax else 0.0
        self._views = [TermView(self, 1 << k, term) for k, term in enumerate(terms)]
        self._check = check
        self._checked = checked if checked is not None else bytearray(self._n if check else 0)
        self._settle()

    def __repr__(self):
        return f"ArrayMatcher({len(self._terms)} terms, {self._n} postings)"

    def _settle(self):
        """Moves on from the current posting to the first that its check keeps."""
        check = self._check
        if check is None:
            return
        ids, checked = self._ids, self._checked
        while self._i < self._n:
            i = self._i
            if checked[i]:
                return
            kept = check(ids[i], self._bits[i])
            if kept is None:
                self._i += 1
                continue
            if kept is not True:
                self._scores[i], self._bits[i] = kept
            checked[i] = 1
            return

    def is_active(self):
        return self._i < self._n

    def id(self):
        return self._ids[self._i]

    def score(self):
        return self._scores[self._i]

    def weight(self):
        return self._scores[self._i]

    def next(self):
        block = self._i // BLOCK
        self._i += 1
        self._settle()
        return self._i // BLOCK != block  # a new block: the collector checks its quality

    def skip_to(self, targetid):
        if self._i >= self._n:
            raise matching.ReadTooFar
        if targetid > self._ids[self._i]:
            self._i = bisect_left(self._ids, targetid, self._i)
            self._settle()

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
            self._settle()
        return skipped

    def replace(self, minquality=0):
        if not self.is_active() or (minquality and self._max < minquality):
            return matching.NullMatcher()
        return self

    def copy(self):
        return ArrayMatcher(
            self._ids,
            self._scores,
            self._bits,
            self._blockmax,
            self._terms,
            self._check,
            self._i,
            self._checked,
        )

    def supports(self, astype):
        return False

    def term_matchers(self):
        return iter(self._views)

    def current_bits(self) -> int:
        """The terms the current match holds, as bits of ``terms``."""
        return self._bits[self._i]

    @property
    def terms(self) -> list:
        return self._terms

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
        walker = self.copy()
        while walker.is_active():
            yield walker.id()
            walker.next()


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


class MatchedTerms(collectors.TermsCollector):
    """Whoosh's ``TermsCollector`` (the terms each match holds, for snippets and missing
    words), which asks every term of the query about every match: from an
    ``ArrayMatcher`` it keeps the match's bits, and names the terms of a hit when asked."""

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.bits: dict[int, tuple[int, list]] = {}  # global docnum: (bits, terms)
        self._array = None

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        matcher = self.child.matcher
        self._array = matcher if isinstance(matcher, ArrayMatcher) else None

    def collect(self, sub_docnum):
        array = self._array
        if array is None:
            return super().collect(sub_docnum)
        self.child.collect(sub_docnum)
        self.bits[self.child.offset + sub_docnum] = (array.current_bits(), array.terms)

    def results(self):
        r = self.child.results()
        r.docterms = DocTerms(self.docterms, self.bits)
        r.termdocs = TermDocs(r.docterms)
        return r


class DocTerms(Mapping):
    """Global docnum -> the (field, term) pairs it matched: Whoosh's lists, then bits."""

    def __init__(self, lists: dict[int, list], bits: dict[int, tuple[int, list]]):
        self._lists, self._bits = lists, bits

    def __getitem__(self, docnum: int) -> list:
        found = self._lists.get(docnum)
        if found is not None:
            return found
        bits, terms = self._bits[docnum]
        return [term for k, term in enumerate(terms) if bits >> k & 1]

    def __iter__(self) -> Iterator[int]:
        yield from self._lists
        yield from (docnum for docnum in self._bits if docnum not in self._lists)

    def __len__(self) -> int:
        return len(self._lists) + sum(1 for docnum in self._bits if docnum not in self._lists)


class TermDocs(Mapping):
    """(field, term) -> the global docnums that matched it, built from ``DocTerms`` when
    first read (veille reads terms by hit only)."""

    def __init__(self, docterms: Mapping):
        self._docterms = docterms
        self._built: dict | None = None

    def _table(self) -> dict:
        if self._built is None:
            self._built = {}
            for docnum, terms in self._docterms.items():
                for term in terms:
                    self._built.setdefault(term, []).append(docnum)
        return self._built

    def __getitem__(self, term):
        return self._table()[term]

    def __iter__(self):
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())
