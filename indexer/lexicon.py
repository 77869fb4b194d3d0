"""The index's vocabulary as written, for suggestions.

Two fields hold each distinct word of a document once (folded: accents, case
and elision removed, not stemmed):

- ``spell``: the folded word ("zaporijia"), so Whoosh's Levenshtein automaton
  finds the indexed words near a misspelt one in a few milliseconds, and a
  prefix scan gives completions with their document counts;
- ``lexicon``: ``folded<US>Written`` ("zaporijia<US>Zaporijia") for the words
  written otherwise than folded (capitals, accents), to show the most common
  spelling; a word written as it folds needs no entry (its count is the rest of
  the folded word's), which keeps the field to about a third of the words.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from .analysis import (
    _COMBINING,
    WORD_PATTERN,
    WORD_PATTERN_COMBINING,
    StopFilter,
    WordMemo,
    word_filters,
)

SEP = "\x1f"  # the ASCII unit separator: never in a word
MIN_LETTERS = 2


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
    return _prefix_memo().normalize(text)[0].replace("ż", "z")


def fold(word: str) -> tuple[str, int]:
    """A word folded (accents, case, elision; "" for a stop word), and how much of its
    start the elision cut ("l'Ukraine" -> ("ukraine", 2)). Polish ż, which the chain
    keeps for its spelling rules, is z here, as the press writes it (Żurek, Zurek)."""
    folded, cut = _memo().normalize(word)
    return (folded.replace("ż", "z") if "ż" in folded else folded), cut


@lru_cache(maxsize=2)
def words_of(text: str) -> tuple[tuple[str, str], ...]:
    """(folded, written) for each distinct word of ``text`` worth suggesting, in order.

    Remembered for the last texts: the ``spell`` and ``lexicon`` fields of a
    document are made from the same text, one after the other."""
    pattern = WORD_PATTERN_COMBINING if _COMBINING.search(text) else WORD_PATTERN
    out: dict[tuple[str, str], None] = {}
    for word in pattern.findall(text):
        folded, cut = fold(word)
        if len(folded) >= MIN_LETTERS and not folded.isdigit():
            out[folded, word[cut:]] = None
    return tuple(out)


class LexiconTokenizer(Tokenizer):
    """Each distinct word of a text once: as ``folded<SEP>written``, or with
    ``written=False`` as the folded word alone."""

    def __init__(self, written: bool = True):
        self.written = written

    def __call__(self, value: str, mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(mode=mode)
        t.positions = t.chars = False
        t.boost = 1.0
        seen: set[str] = set()
        for folded, written in words_of(value):
            if not self.written:
                term = folded
            elif written != folded:
                term = f"{folded}{SEP}{written}"
            else:
                continue
            if term not in seen:
                seen.add(term)
                t.text = term
                t.stopped = False
                yield t

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.written == self.written

    __hash__ = None
