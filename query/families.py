"""Word families: indexed words that share a query word's Snowball stem.

veille's own stemmer removes inflection only (garanties -> garanti), so that
*commune* never matches *communiste*. Questions, though, often use a verb
where the answer uses a noun (adopter / adoption, massacrées / massacre).
With the default matching, the words of a query word's family (those the
Snowball French stemmer, Lucene's and Elasticsearch's French stemmer, cuts to
the same stem) add a little to a document's score: a document that holds only
*adoption* can rank among the partial matches of *adopter*, and still says
that it lacks *adopter*. Names (words the index mostly writes with a capital)
have no family: *Limoges* never reaches *limoger*.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import Stemmer
from whoosh import query as wq

from veille.indexer.analysis import VeilleAnalyzer
from veille.indexer.lexicon import Vocabulary, fold

from .matching import clause_terms
from .parser import Clause
from .suggest import common_spelling, searcher_vocabulary

# How much a family word weighs against the query's own word (BM25F scores are
# multiplied by it). Tuned with bench/relevance.py on the first half of each set
# (service-public / piaf nDCG@10): none 0.869 / 0.792, 0.3 0.874 / 0.796,
# 0.5 0.874 / 0.797, 1.0 0.867 / 0.798.
FAMILY_WEIGHT = 0.5
MIN_STEM = 4  # shorter stems join words of unrelated meaning (mer / mère, pot / pote)
SCAN_WORDS = 400  # indexed words read for one query word, at most
SCAN_QUERY = 2000  # indexed words read for one query, at most (a query has up to 64 words)
LONGER_BY = 8  # letters a family word has beyond the stem, at most (-issements)
MAX_FAMILY = 16  # index terms one query word's family adds, at most
# A family word held by more than this share of the documents (and more than
# COMMON_FLOOR of them: a small index costs nothing) is left out: it adds many
# documents to score and little to their rank. At 0.05: nDCG@10 as with every
# family word (0.874 / 0.797 on the first halves), and the benchmark's questions
# at 100k articles 25.5 ms (p50) against 41.7 with every family word and 24.1
# without families; at 0.01, 0.870 / 0.796.
COMMON_SHARE = 0.05
COMMON_FLOOR = 1000
NAME_EVIDENCE = 3  # documents from which the index's capitals say a word is a name

_local = threading.local()  # a Stemmer object is not safe to share between threads


def snowball(word: str) -> str:
    """The Snowball French stem of a lower-case word (accents kept: they steer it)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("french")
    return stemmer.stemWord(word)


def family_terms(
    word: str,
    analyzer: VeilleAnalyzer,
    vocabulary: Vocabulary,
    own: set[str],
    first: bool = False,
    scan: int = SCAN_WORDS,
) -> tuple[list[str], int]:
    """The index terms of the indexed words that share ``word``'s Snowball stem,
    ``own`` (the word's own terms) left out, none for a name; and how many indexed
    words it read (at most ``scan``). ``first``: the word starts the query (its
    capital says nothing)."""
    folded, cut = fold(word)
    written = word[cut:]
    if not written.isalpha() or _named(written, folded, vocabulary, first):
        return [], 0
    stem = snowball(written.lower())
    start, _ = fold(stem)
    if len(start) < MIN_STEM:
        return [], 0
    found: set[str] = set()
    candidates = vocabulary.spellings_with_prefix(start, scan)
    for candidate, spellings in candidates:
        if candidate == folded or len(candidate) > len(start) + LONGER_BY:
            continue
        if _mostly_capitalized(spellings):
            continue
        common = common_spelling(spellings).lower()
        if snowball(common) != stem:
            continue
        found.update(analyzer.terms(common, mode="query"))
        if len(found - own) >= MAX_FAMILY:
            break
    return sorted(found - own)[:MAX_FAMILY], len(candidates)


def _named(word: str, folded: str, vocabulary: Vocabulary, first: bool) -> bool:
    """Whether a query word is a name: the index mostly writes it with a capital, or,
    where the index has it in fewer than ``NAME_EVIDENCE`` documents (a title's first
    word is capitalized too), the query writes it so after its first word."""
    spellings = vocabulary.spellings(folded)
    if sum(spellings.values()) >= NAME_EVIDENCE:
        return _mostly_capitalized(spellings)
    return word[:1].isupper() and not first


def _mostly_capitalized(spellings: dict[str, int]) -> bool:
    """Whether more documents write a word with a capital than without."""
    capitals = sum(n for w, n in spellings.items() if w[:1].isupper())
    return capitals > sum(spellings.values()) - capitals


def family_finder(
    searcher, analyzer: VeilleAnalyzer, fields: tuple[str, ...], text: str = ""
) -> Callable[[Clause], wq.Query | None]:
    """For a clause of one plain word, a query for its family's terms in ``fields``,
    weighed ``FAMILY_WEIGHT``; None for other clauses and words without a family
    (for every clause when ``FAMILY_WEIGHT`` is 0). ``text`` is the query as typed."""
    vocabulary = searcher_vocabulary(searcher)
    reader = searcher.reader()
    most = max(COMMON_SHARE * reader.doc_count(), COMMON_FLOOR)
    found: dict[str, list[str]] = {}  # a question loosened is planned again
    left = SCAN_QUERY

    def family(clause: Clause) -> wq.Query | None:
        nonlocal left
        label = clause.label
        if FAMILY_WEIGHT <= 0 or not label or " " in label:
            return None
        if not all(isinstance(q, wq.Term) for q in clause.query.leaves()):
            return None  # a phrase, a prefix, a typo-tolerant word
        if label not in found:
            own = {t.decode("utf-8") for _, t in clause_terms(clause, reader)}
            first = text.lstrip().startswith(label)
            scan = min(left, SCAN_WORDS)
            terms, read = family_terms(label, analyzer, vocabulary, own, first, scan)
            left -= read
            found[label] = [
                t for t in terms if 0 < max(reader.doc_frequency(f, t) for f in fields) <= most
            ]
        terms = found[label]
        if not terms:
            return None
        return wq.Or([wq.Term(f, t) for t in terms for f in fields], boost=FAMILY_WEIGHT)

    return family
