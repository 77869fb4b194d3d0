"""Suggestions from the index's own vocabulary: did-you-mean, completions, typo tolerance.

Every word suggested is a word of the index (its vocabulary file, see
indexer/lexicon.py), shown in its most common spelling. Near words are found
with RapidFuzz's edit distance (C++) over the indexed words of the same first
letter: measured against SymSpell (bench/spelling.py), it needs nothing built
when a search starts, where SymSpell's index took 2.3 s and 152 MiB for
60,000 words.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from veille.indexer.analysis import VeilleAnalyzer
from veille.indexer.lexicon import Vocabulary, fold, fold_prefix, vocabulary_path
from veille.indexer.tables import data_text, word_list

COMPLETIONS = 8
MIN_PREFIX = 3  # two letters match thousands of words: too slow to rank, too vague to help
SCAN_TERMS = 5000  # vocabulary words read for one completion, at most
MIN_WORD = 3  # shorter words are never corrected
TWO_EDITS_FROM = 8  # letters from which a correction may be two edits away
FEW_RESULTS = 3  # a query with fewer hits gets a did-you-mean
MAX_CORRECTED = 3  # a query with more words the index lacks gets no did-you-mean
_EDGES = '"“”«»„()[]{}.,;:!?-'


def searcher_vocabulary(searcher) -> Vocabulary:
    """The vocabulary of the commit a searcher reads, opened once per searcher."""
    found = getattr(searcher, "veille_vocabulary", None)
    if found is None:
        folder = searcher._ix.storage.folder
        found = Vocabulary(vocabulary_path(folder, searcher.reader().generation()))
        searcher.veille_vocabulary = found
    return found


def common_spelling(spellings: dict[str, int]) -> str:
    return min(spellings, key=lambda w: (-spellings[w], w))


def completions(
    vocabulary: Vocabulary,
    prefix: str,
    limit: int = COMPLETIONS,
    analyzer: VeilleAnalyzer | None = None,
) -> list[str]:
    """Indexed words that complete the last word of ``prefix``, most used first, each in
    its most common spelling. With the index's ``analyzer``, words it makes the same
    terms of (Zaporijia, Zaporizhzhia; garantie, garanties) are offered once, as the
    most used of them: they find the same documents."""
    words = prefix.split()
    if not words:
        return []
    start = fold_prefix(words[-1].strip(_EDGES))
    if len(start) < MIN_PREFIX:
        return []
    found = vocabulary.with_prefix(start)[:SCAN_TERMS]
    found.sort(key=lambda pair: (-pair[1], pair[0]))
    out: list[str] = []
    groups: set[tuple[str, ...]] = set()
    for folded, _ in found:
        spellings = vocabulary.spellings(folded)
        if not spellings:
            continue
        word = common_spelling(spellings)
        if analyzer is not None:
            group = analyzer.terms(word, mode="query")
            if group in groups:
                continue
            groups.add(group)
        out.append(word)
        if len(out) == limit:
            break
    return out


def unknown_word(vocabulary: Vocabulary, folded: str) -> bool:
    """Whether a folded word is one a did-you-mean would correct: the index lacks it, and
    it is long enough and not a number."""
    return len(folded) >= MIN_WORD and not folded.isdigit() and folded not in vocabulary


def near_words(vocabulary: Vocabulary, folded: str, distance: int) -> list[tuple[str, int, int]]:
    """(word, edits, documents) of the indexed words at most ``distance`` edits from
    ``folded`` (a swap of two letters is one edit), with the same first letter."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    words, documents = vocabulary.starting_with(folded[0])
    found = process.extract(folded, words, scorer=OSA.distance, score_cutoff=distance, limit=None)
    return [(word, edits, documents[i]) for word, edits, i in found]


def correct_word(vocabulary: Vocabulary, analyzer: VeilleAnalyzer, word: str) -> str | None:
    """The most used indexed word one edit from ``word`` (two for long words), which the
    index lacks, spelled as most documents spell it; None if the index has the word, or
    another spelling of it (Zelenski for Zelenskyy finds the same documents), or nothing
    close. A distinct name (distinct-names.txt) is never corrected, and offered only when
    no other is as near: Kiev is not Kiel, Kharkiw is Kharkiv."""
    folded, _ = fold(word)
    if not unknown_word(vocabulary, folded):
        return None
    protected = _protected(analyzer)
    typed = analyzer.terms(word, mode="query")
    if protected.intersection(typed):
        return None
    distance = 2 if len(folded) >= TWO_EDITS_FROM else 1
    candidates = closest_words(vocabulary, analyzer, folded, distance)
    if any(terms == typed for _, terms in candidates):
        return None  # another spelling of an indexed word: the query finds its documents
    for candidate, terms in candidates:
        if protected.intersection(terms) and _near_another_name(analyzer, folded, terms, distance):
            continue
        return common_spelling(vocabulary.spellings(candidate))
    return None


def closest_words(
    vocabulary: Vocabulary, analyzer: VeilleAnalyzer, folded: str, distance: int
) -> list[tuple[str, tuple[str, ...]]]:
    """(word, its query terms) of the indexed words at most ``distance`` edits from
    ``folded``: the closest first, however rare; then the most used. A word is read as
    the documents most often write it (Bâle, a name, not bale, a word)."""
    near = sorted(near_words(vocabulary, folded, distance), key=lambda c: (c[1], -c[2], c[0]))
    found = []
    for word, _, _ in near:
        spellings = vocabulary.spellings(word)
        written = common_spelling(spellings) if spellings else word
        found.append((word, analyzer.terms(written, mode="query")))
    return found


def _near_another_name(
    analyzer: VeilleAnalyzer, folded: str, terms: tuple[str, ...], distance: int
) -> bool:
    """Whether a distinct name other than the one of ``terms`` is within ``distance`` + 1
    edits of ``folded``: then the word may be a typo of either, and neither is offered
    (Kielo is one edit from Kiel and two from Kiev). Kharkiw, near no other, gets
    Kharkiv, although typo tolerance never reaches a distinct name."""
    from rapidfuzz.distance import OSA

    return any(
        OSA.distance(folded, other) <= distance + 1 and not others.intersection(terms)
        for other, others in _distinct_names(analyzer)
    )


def _distinct_names(analyzer: VeilleAnalyzer) -> list[tuple[str, frozenset[str]]]:
    """(folded name, its query terms) of each distinct name, read once per analyzer."""
    cache = analyzer.__dict__.setdefault("_distinct_names", [])
    if not cache:
        for name in sorted(word_list(data_text("distinct-names.txt"))):
            cache.append((fold(name)[0], frozenset(analyzer.terms(name, mode="query"))))
    return cache


def correction(vocabulary: Vocabulary, analyzer: VeilleAnalyzer, text: str) -> str | None:
    """``text`` with each word the index lacks replaced by its closest indexed word, or
    None if no word changed. Operators, fields and prefixes are left as they are."""
    parts = re.split(r"(\s+)", text)
    unknown = []
    for i, part in enumerate(parts):
        word = part.strip(_EDGES)
        if not word or part in ("OR", "AND", "NOT") or ":" in word or "*" in word:
            continue
        if unknown_word(vocabulary, fold(word)[0]):
            unknown.append((i, part, word))
    if len(unknown) > MAX_CORRECTED:
        return None  # not a typo or two: a question about what the index does not hold
    changed = False
    for i, part, word in unknown:
        better = correct_word(vocabulary, analyzer, word)
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


def near_terms(
    vocabulary: Vocabulary, analyzer: VeilleAnalyzer, term: str, word: str, limit: int
) -> list[str]:
    """The terms of the indexed words a typo or two from the query word ``word`` (whose
    term is ``term``), closest then most used first, at most ``limit``; never from or to
    a distinct name. Found in the vocabulary (RapidFuzz), not by walking the postings'
    terms of every segment."""
    distance = max_edits(word)
    folded = fold(word)[0]
    protected = _protected(analyzer)
    if limit <= 0 or distance == 0 or not folded or term in protected:
        return []
    out: list[str] = []
    for candidate, terms in closest_words(vocabulary, analyzer, folded, distance):
        if candidate == folded or protected.intersection(terms):
            continue
        out.extend(t for t in terms if t != term and t not in out)
        if len(out) >= limit:
            break
    return out[:limit]


def fuzzy_query(field: str, term: str, near: list[str]) -> wq.Query:
    """``term``, or it and its near terms (worth half as much)."""
    if not near:
        return wq.Term(field, term)
    return wq.Or([wq.Term(field, term)] + [wq.Term(field, t, boost=0.5) for t in near])
