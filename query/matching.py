"""Which documents a query's clauses match, and in which tiers.

``--match all``: every clause is required (grep's precision).

``--match any`` (the default), as Elasticsearch's ``match`` query and web search
engines do for typed questions:

1. **complete** matches, the documents that hold every deciding clause, come
   first, ranked by BM25F;
2. **partial** matches follow when the complete ones do not fill the page,
   ranked by how much of the query they cover (each clause weighted by how rare
   it is, as BM25's IDF weighs it) plus their BM25F score.

Deciding clauses are the plain words and groups (role ``ranked``). Question
words (``soft``) only add to the score; required clauses, exclusions and
filters hold in both tiers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.collectors import WrappingCollector
from whoosh.matching.wrappers import WrappingMatcher

from .parser import EXCLUDED, FILTER, RANKED, REQUIRED, SOFT, Clause, ParsedQuery, combine

MATCH_MODES = ("any", "all")

# How much covering the query weighs against BM25F in the partial tier: a
# document covering the whole query gets COVERAGE_WEIGHT on top of its BM25F
# score, one covering half of it (by IDF) half as much. Large (1000), it ranks by
# coverage first and BM25F second; 30, tuned with bench/relevance.py on the first
# half of each question set (bench/results/relevance-tuning.md), lets a much
# better BM25F score outrank one more rare word.
COVERAGE_WEIGHT = 30.0


@dataclass
class Plan:
    """The queries of a search: the complete tier, and the partial one if any."""

    complete: wq.Query | None
    partial: wq.Query | None
    deciding: list[Clause]
    bonuses: list[float] = field(default_factory=list)  # each deciding clause's, in partial

    def bm25(self, score: float, lacking: list[Clause]) -> float:
        """A partial hit's score without its coverage bonus: BM25F, as complete hits show."""
        gone = {id(c) for c in lacking}
        pairs = zip(self.deciding, self.bonuses, strict=True)
        return score - sum(b for c, b in pairs if id(c) not in gone)


def plan(
    parsed: ParsedQuery,
    reader,
    match: str = "any",
    extra: wq.Query | None = None,
    soft_decides: bool = False,
    families: Callable[[Clause], wq.Query | None] | None = None,
) -> Plan:
    """The complete and partial queries of ``parsed``; ``extra`` (a date range, a source)
    narrows both.
    With ``soft_decides``, question words count as the other words do; ``families``
    gives a deciding clause's word family, if any."""
    if match not in MATCH_MODES:
        raise ValueError(f"match must be one of {', '.join(MATCH_MODES)}")
    clauses = parsed.clauses
    held = [c for c in clauses if c.role in (REQUIRED, EXCLUDED, FILTER)]  # in every tier
    fixed = [c.query for c in held] + ([extra] if extra is not None else [])
    deciding = [c for c in clauses if c.role == RANKED]
    soft = [c for c in clauses if c.role == SOFT]
    if match == "all" or soft_decides or not deciding:  # question words alone: they decide
        deciding, soft = deciding + soft, []
    if not deciding and not held:
        return Plan(None, None, [])
    # Word families (query/families.py) add to the score of the documents either tier
    # finds; in the partial tier they also find documents by themselves.
    related = [q for q in map(families, deciding) if q is not None] if families else []
    complete = _with_optional(combine(fixed + [c.query for c in deciding]), soft)
    if related and complete is not None:
        complete = wq.AndMaybe(complete, wq.Or(related))
    partial = None
    # Filters and dates narrow; a required word or phrase is what a document must hold.
    positive = any(c.role == REQUIRED for c in clauses)
    if match == "any" and (len(deciding) > 1 or (deciding and positive)):
        weights = coverage_weights(reader, deciding)
        bonuses = [COVERAGE_WEIGHT * w / sum(weights) for w in weights]
        bonused = [Bonus(c.query, b) for c, b in zip(deciding, bonuses, strict=True)]
        alternatives = wq.Or(bonused + related)
        if positive:  # what is required decides; the words only rank
            partial = wq.AndMaybe(combine(fixed), alternatives)
        else:
            partial = combine(fixed + [alternatives])
        return Plan(complete, _with_optional(partial, soft), deciding, bonuses)
    return Plan(complete, partial, deciding)


# How much question words weigh against the other words, where they only add to the
# score: at 0.1 they break ties, and a search need not visit the documents they
# could lift into the page (their maximum score bounds what is skipped). Measured
# with bench/relevance.py on the first halves (service-public / piaf): 1.0 -> 0.870 /
# 0.792, 0.1 -> 0.869 / 0.792, the same ranking; 0.1 for the speed.
SOFT_WEIGHT = 0.1


def _with_optional(q: wq.Query | None, soft: list[Clause]) -> wq.Query | None:
    if q is None or not soft:
        return q
    queries = [c.query for c in soft]
    return wq.AndMaybe(q, wq.Or(queries, boost=SOFT_WEIGHT))


def coverage_weights(reader, clauses: list[Clause]) -> list[float]:
    """Each clause's weight in the coverage: BM25's IDF of its most common term."""
    n = max(reader.doc_count(), 1)
    weights = []
    for clause in clauses:
        df = max((reader.doc_frequency(f, t) for f, t in clause_terms(clause, reader)), default=0)
        weights.append(math.log(1 + (n - df + 0.5) / (df + 0.5)))
    return weights


def clause_terms(clause: Clause, reader) -> set[tuple[str, bytes]]:
    """The (field, term) pairs a clause searches, computed once a clause."""
    terms = getattr(clause, "_terms", None)
    if terms is None:
        terms = {
            (f, t if isinstance(t, bytes) else t.encode("utf-8"))
            for leaf in clause.query.leaves()
            for f, t in leaf.expanded_terms(reader, phrases=True)
        }
        clause._terms = terms
    return terms


def lacking(clauses: list[Clause], matched: set[tuple[str, bytes]], reader) -> list[Clause]:
    """The clauses none of whose terms a hit matched."""
    return [c for c in clauses if not (clause_terms(c, reader) & matched)]


class Bonus(wq.WrappingQuery):
    """Its child's matches, each scored ``bonus`` above the child's own score."""

    def __init__(self, child: wq.Query, bonus: float):
        super().__init__(child)
        self.bonus = bonus

    def __eq__(self, other):
        return type(self) is type(other) and (self.child, self.bonus) == (other.child, other.bonus)

    __hash__ = wq.WrappingQuery.__hash__

    def _rewrap(self, child):
        return Bonus(child, self.bonus)

    def matcher(self, searcher, context=None):
        m = self.child.matcher(searcher, context)
        if not m.is_active():
            return m
        return BonusMatcher(m, self.bonus)


class BonusMatcher(WrappingMatcher):
    def __init__(self, child, bonus: float):
        super().__init__(child)
        self.bonus = bonus

    def copy(self):
        return BonusMatcher(self.child.copy(), self.bonus)

    def _replacement(self, newchild):
        return BonusMatcher(newchild, self.bonus)

    def score(self):
        return self.child.score() + self.bonus

    def max_quality(self):
        return self.child.max_quality() + self.bonus

    def block_quality(self):
        return self.child.block_quality() + self.bonus

    def skip_to_quality(self, minquality):
        return self.child.skip_to_quality(minquality - self.bonus)


class Excluding(WrappingCollector):
    """Leaves out documents of some stories (or some documents): those of the
    complete tier, when the partial tier is collected after it."""

    def __init__(self, child, stories: set[str], docnums: set[int]):
        super().__init__(child)
        self.stories = stories
        self.docnums = docnums
        self.column = None

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        reader = subsearcher.reader()
        has_story = self.stories and reader.has_column("story")
        self.column = reader.column_reader("story") if has_story else None

    def matches(self):
        column, stories, docnums, offset = self.column, self.stories, self.docnums, self.offset
        for sub_docnum in self.child.matches():
            if sub_docnum + offset in docnums:
                continue
            if column is not None and column[sub_docnum] in stories:
                continue
            yield sub_docnum
