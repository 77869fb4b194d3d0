"""A phrase query that checks word positions with set arithmetic.

Whoosh's own ``Phrase`` builds a ``Span`` object for every position of every
word in every candidate document, which makes phrases of common words the
slowest queries by far. This one intersects the documents that hold all the
words, like Whoosh, then keeps those where the words' positions line up, using
sets of integers.
"""

from __future__ import annotations

from collections.abc import Iterable

from whoosh import query as wq
from whoosh.matching import IntersectionMatcher, NullMatcher
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.util import make_binary_tree


class FastPhrase(wq.Phrase):
    """Words in a row (slop 1), in one field that stores positions."""

    def matcher(self, searcher, context=None):
        fieldname = self.fieldname
        if fieldname not in searcher.schema or not self.words:
            return NullMatcher()
        reader = searcher.reader()
        field = searcher.schema[fieldname]
        for word in self.words:
            if (fieldname, field.to_bytes(word)) not in reader:
                return NullMatcher()
        matchers = [wq.Term(fieldname, word).matcher(searcher, context) for word in self.words]
        if len(matchers) == 1:
            return matchers[0]
        return PhraseMatcher(matchers)


class PhraseMatcher(SpanWrappingMatcher):
    """Matches documents where the words of ``matchers`` stand at consecutive positions."""

    def __init__(self, matchers):
        self.ms = matchers
        super().__init__(make_binary_tree(IntersectionMatcher, matchers))

    def copy(self):
        return self.__class__([m.copy() for m in self.ms])

    def replace(self, minquality=0):
        return self if self.is_active() else NullMatcher()

    def _get_spans(self):
        starts = phrase_starts(m.value_as("positions") for m in self.ms)
        last = len(self.ms) - 1
        return [Span(p, p + last) for p in sorted(starts)]


def phrase_starts(positions: Iterable[Iterable[int]]) -> set[int]:
    """Where the words stand in a row: the positions of the first word that the second
    follows, the third after it, and so on. ``positions`` gives each word's positions
    in order, and is read only as long as some start is left."""
    starts: set[int] | None = None
    for offset, word in enumerate(positions):
        shifted = {p - offset for p in word}
        starts = shifted if starts is None else starts & shifted
        if not starts:
            return set()
    return starts or set()
