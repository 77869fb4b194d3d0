"""Suggestions from the index's own vocabulary: did-you-mean, completions, typo tolerance.

Every word suggested is a word of the index (its ``lexicon`` field, see
indexer/lexicon.py), shown in its most common spelling.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from veille.indexer.analysis import VeilleAnalyzer
from veille.indexer.lexicon import SEP, fold, fold_prefix

COMPLETIONS = 8
MIN_PREFIX = 3  # two letters match thousands of words: too slow to rank, too vague to help
SCAN_TERMS = 5000  # lexicon terms read for one completion, at most
MIN_WORD = 3  # shorter words are never corrected
TWO_EDITS_FROM = 8  # letters from which a correction may be two edits away (a swap is two)
FEW_RESULTS = 3  # a query with fewer hits gets a did-you-mean
MAX_EXPANSIONS = 50
MAX_CORRECTED = 3  # a query with more words the index lacks gets no did-you-mean
_EDGES = "\"“”«»„()[]{}.,;:!?-"


def _spellings(reader, folded: str, total: int | None = None) -> dict[str, int]:
    """{written form: documents} of a folded word; empty if the index does not have it.

    The lexicon lists only spellings that differ from the folded word; the folded
    spelling gets the documents left over (a document using both counts twice)."""
    if total is None:
        total = reader.doc_frequency("spell", folded)
    if not total:
        return {}
    out = {}
    for term, info in reader.iter_prefix("lexicon", folded + SEP):
        written = term.decode("utf-8").partition(SEP)[2]
        out[written] = info.doc_frequency()
    rest = total - sum(out.values())
    if rest > 0 or not out:
        out[folded] = max(rest, 1)
    return out


def common_spelling(spellings: dict[str, int]) -> str:
    return min(spellings, key=lambda w: (-spellings[w], w))


def completions(reader, prefix: str, limit: int = COMPLETIONS) -> list[str]:
    """Indexed words that complete the last word of ``prefix``, most used first, each in
    its most common spelling."""
    words = prefix.split()
    if not words:
        return []
    start = fold_prefix(words[-1].strip(_EDGES))
    if len(start) < MIN_PREFIX:
        return []
    counts: list[tuple[int, str]] = []
    for n, (term, info) in enumerate(reader.iter_prefix("spell", start)):
        if n >= SCAN_TERMS:
            break
        counts.append((-info.doc_frequency(), term.decode("utf-8")))
    counts.sort()
    out = []
    for negative, folded in counts[:limit]:
        spellings = _spellings(reader, folded, -negative)
        if spellings:
            out.append(common_spelling(spellings))
    return out


def unknown_word(reader, folded: str) -> bool:
    """Whether a folded word is one a did-you-mean would correct: the index lacks it, and
    it is long enough and not a number."""
    return len(folded) >= MIN_WORD and not folded.isdigit() and ("spell", folded) not in reader


def correct_word(reader, analyzer: VeilleAnalyzer, word: str) -> str | None:
    """The most used indexed word one edit from ``word`` (two for long words), which the
    index lacks (found with Whoosh's Levenshtein automaton, first letter kept), spelled
    as most documents spell it; None if the index has the word or nothing close. A
    distinct name (distinct-names.txt) is never corrected nor offered: Kiev is not Kiel."""
    folded, _ = fold(word)
    if not unknown_word(reader, folded):
        return None
    protected = _protected(analyzer)
    if protected.intersection(analyzer.terms(word)):
        return None
    best, best_count = None, 0
    for distance in (1, 2) if len(folded) >= TWO_EDITS_FROM else (1,):
        for candidate in reader.terms_within("spell", folded, distance, prefix=1):
            count = reader.doc_frequency("spell", candidate)
            if count > best_count and not protected.intersection(analyzer.terms(candidate)):
                best, best_count = candidate, count
        if best:
            break  # the closest words first, however rare
    return common_spelling(_spellings(reader, best)) if best else None


def correction(reader, analyzer: VeilleAnalyzer, text: str) -> str | None:
    """``text`` with each word the index lacks replaced by its closest indexed word, or
    None if no word changed. Operators, fields and prefixes are left as they are."""
    parts = re.split(r"(\s+)", text)
    unknown = []
    for i, part in enumerate(parts):
        word = part.strip(_EDGES)
        if not word or part in ("OR", "AND", "NOT") or ":" in word or "*" in word:
            continue
        if unknown_word(reader, fold(word)[0]):
            unknown.append((i, part, word))
    if len(unknown) > MAX_CORRECTED:
        return None  # not a typo or two: a question about what the index does not hold
    changed = False
    for i, part, word in unknown:
        better = correct_word(reader, analyzer, word)
        if better:
            parts[i] = part.replace(word, better)
            changed = True
    return "".join(parts) if changed else None


# typo tolerance ------------------------------------------------------------


def max_edits(word: str) -> int:
    """Edits allowed for a query word: 1 from 5 letters, 2 from 9 (as Meilisearch does)."""
    letters = sum(c.isalpha() for c in word)
    return 2 if letters >= 9 else 1 if letters >= 5 else 0


def _protected(analyzer: VeilleAnalyzer) -> frozenset[str]:
    """The index terms of the distinct names, as this chain makes them."""
    return analyzer.list_terms("distinct-names.txt")


def fuzzy_term(reader, analyzer: VeilleAnalyzer, field: str, term: str, word: str) -> wq.Query:
    """``term`` or indexed terms a few edits from it, never from or to a distinct name."""
    distance = max_edits(word)
    protected = _protected(analyzer)
    if reader is None or distance == 0 or term in protected:
        return wq.Term(field, term)
    near = [
        t
        for t in reader.terms_within(field, term, distance, prefix=1)
        if t != term and t not in protected
    ][:MAX_EXPANSIONS]
    if not near:
        return wq.Term(field, term)
    return wq.Or([wq.Term(field, term)] + [wq.Term(field, t, boost=0.5) for t in near])
