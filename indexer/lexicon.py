"""The index's vocabulary as written, for suggestions: each word, its documents, its spellings.

Beside the Whoosh index, each commit has one sorted plain-text file,
``words-<generation>.tsv``, a line per word folded (accents, case and elision
removed, not stemmed), with the number of documents holding it and, for the
spellings that differ from the folded word, their own counts::

    zaporijia<TAB>12<TAB>Zaporijia<TAB>11

It is written with the commit (never kept as postings: they doubled the
index's postings and cost 40% of indexing time) and read by binary search,
so a search opens it without loading it. Did-you-mean and completions are
served from it (query/suggest.py).
"""

from __future__ import annotations

import os
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .analysis import BoundedMemo, StopFilter, WordMemo, word_filters, word_texts
from .gazetteer import SortedTable
from .variants import plain_letters

MIN_LETTERS = 2
FILE_PATTERN = "words-{}.tsv"


@lru_cache(maxsize=1)
def _memo() -> WordMemo:
    """The chain's per-word filters but the stemmer and variant key, remembered per word."""
    return WordMemo(*(f for f in word_filters(variant_key=False) if not f.is_morph))


@lru_cache(maxsize=1)
def _prefix_memo() -> WordMemo:
    """The same filters without the stop words: "par" starts "parti" as typed."""
    return WordMemo(*(f for f in _memo().filters if not isinstance(f, StopFilter)))


def fold_prefix(text: str) -> str:
    """The start of a word as typed, folded like the lexicon's words (stop words kept)."""
    return plain_letters(_prefix_memo().normalize(text)[0])


def fold(word: str) -> tuple[str, int]:
    """A word folded (accents, case, elision; "" for a stop word), and how much of its
    start the elision cut ("l'Ukraine" -> ("ukraine", 2)), in ASCII (``plain_letters``)."""
    folded, cut = _memo().normalize(word)
    return plain_letters(folded), cut


def suggested_pair(word: str) -> tuple[str, str] | None:
    """(folded, written) of a word worth suggesting; None for a stop word, a number or
    a single letter."""
    folded, cut = fold(word)
    if len(folded) >= MIN_LETTERS and not folded.isdigit():
        return folded, word[cut:]
    return None


# ``suggested_pair`` of each word met, so a word recurring across documents is folded
# once (a third of indexing's word counting went into folding again).
_PAIRS = BoundedMemo(suggested_pair)


def words_of(text: str) -> tuple[tuple[str, str], ...]:
    """(folded, written) for each distinct word of ``text`` worth suggesting, in order."""
    pairs = dict.fromkeys(map(_PAIRS.__getitem__, dict.fromkeys(word_texts(text))))
    pairs.pop(None, None)
    return tuple(pairs)


class WordCounts:
    """Documents per word and per spelling, kept up to date as documents come and go."""

    def __init__(self) -> None:
        self.documents: Counter[str] = Counter()
        self.spellings: Counter[tuple[str, str]] = Counter()  # only those not as folded

    def add(self, title: str, body: str, sign: int = 1) -> None:
        """Count the words of a document (``sign=-1``: of a document removed)."""
        pairs = words_of(f"{title}\n{body}")
        folded = {pair[0] for pair in pairs}
        written = [pair for pair in pairs if pair[0] != pair[1]]
        if sign > 0:
            self.documents.update(folded)
            self.spellings.update(written)
        else:
            self.documents.subtract(folded)
            self.spellings.subtract(written)

    def lines(self) -> list[str]:
        """The table's lines, sorted, without the words no document holds any more."""
        written: dict[str, list[str]] = {}
        for (folded, spelling), n in sorted(self.spellings.items()):
            if n > 0:
                written.setdefault(folded, []).append(f"\t{spelling}\t{n}")
        return [
            f"{folded}\t{n}" + "".join(written.get(folded, ()))
            for folded, n in sorted(self.documents.items())
            if n > 0
        ]

    def write(self, path: Path) -> None:
        """Write the table at ``path`` whole (through a temporary file, then renamed)."""
        partial = path.with_name(path.name + ".part")
        try:
            with open(partial, "w", encoding="utf-8") as out:
                for line in self.lines():
                    out.write(line + "\n")
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    @classmethod
    def read(cls, path: Path) -> WordCounts:
        """The counts of a table written by ``write``; OSError if it cannot be read."""
        counts = cls()
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                folded, _, rest = line.rstrip("\n").partition("\t")
                counts.documents[folded], spellings = _counts(rest)
                for spelling, m in spellings.items():
                    counts.spellings[folded, spelling] = m
        return counts


def _spellings(folded: str, rest: str) -> dict[str, int]:
    """{written form: documents} from a word's line after the word (see
    ``Vocabulary.spellings``)."""
    total, out = _counts(rest)
    left = total - sum(out.values())
    if left > 0 or not out:
        out[folded] = max(left, 1)
    return out


def _counts(rest: str) -> tuple[int, dict[str, int]]:
    """A word's documents and {spelling: documents}, from its line after the word."""
    total, *pairs = rest.split("\t")
    return int(total), {
        spelling: int(n) for spelling, n in zip(pairs[::2], pairs[1::2], strict=True)
    }


def vocabulary_path(directory: Path | str, generation: int) -> Path:
    """The vocabulary file of an index's commit (its table of contents' generation)."""
    return Path(directory) / FILE_PATTERN.format(generation)


def remove_unused_vocabularies(directory: Path, generation: int) -> None:
    """Delete the vocabulary files of commits before the previous one (a searcher opened
    on that one may still be reading its file), and of commits a stopped run never made."""
    for path in Path(directory).glob(FILE_PATTERN.format("*")):
        number = path.name[len("words-") : -len(".tsv")]
        if not number.isdigit() or not generation - 1 <= int(number) <= generation:
            path.unlink(missing_ok=True)


class Vocabulary(SortedTable):
    """The vocabulary of one commit, looked up in its sorted file without loading it
    (a missing file reads as an empty vocabulary: suggestions are then not offered)."""

    SPLIT_AFTER = float("inf")

    def __init__(self, path: Path):
        super().__init__(path, presorted=True)
        self._by_letter: dict[str, tuple[list[str], list[int]]] = {}

    def spellings(self, folded: str) -> dict[str, int]:
        """{written form: documents} of a folded word; empty if the index does not have it.

        Only spellings that differ from the folded word are listed; the folded spelling
        gets the documents left over (a document using both counts twice)."""
        line = self.get(folded)
        return {} if line is None else _spellings(folded, line)

    def spellings_with_prefix(self, prefix: str, limit: int) -> list[tuple[str, dict[str, int]]]:
        """(word, its ``spellings``) of the first ``limit`` words that start with
        ``prefix``, read from their lines at once."""
        out = []
        for line in self.lines_with_prefix(prefix)[:limit]:
            word, _, rest = line.partition("\t")
            out.append((word, _spellings(word, rest)))
        return out

    def with_prefix(self, prefix: str) -> list[tuple[str, int]]:
        """(word, documents) of the words that start with ``prefix``, in order."""
        out = []
        for line in self.lines_with_prefix(prefix):
            word, _, rest = line.partition("\t")
            out.append((word, int(rest.partition("\t")[0])))
        return out

    def starting_with(self, letter: str) -> tuple[list[str], list[int]]:
        """The words that start with ``letter`` and their documents (kept once read)."""
        found = self._by_letter.get(letter)
        if found is None:
            pairs = self.with_prefix(letter)
            found = [w for w, _ in pairs], [n for _, n in pairs]
            self._by_letter[letter] = found
        return found

    def __contains__(self, folded: str) -> bool:
        return self.get(folded) is not None
