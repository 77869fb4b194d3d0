"""The index's vocabulary as written, for suggestions.

Two fields hold each distinct word of a document once (folded: accents, case
and elision removed, not stemmed):

- ``spell``: the folded word ("zaporijia"), so Whoosh's Levenshtein automaton
  finds the indexed words near a misspelt one in a few milliseconds, and a
  prefix scan gives completions with their document counts;
- ``lexicon``: ``folded<US>Written`` ("zaporijia<US>Zaporijia"), the spellings
  documents use for each folded word, to show the most common one.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from .analysis import _COMBINING, WORD_PATTERN, WORD_PATTERN_COMBINING, WordMemo, stemming_chain

SEP = "\x1f"  # the ASCII unit separator: never in a word
MIN_LETTERS = 2


@lru_cache(maxsize=1)
def _memo() -> WordMemo:
    return next(item for item in stemming_chain().items if isinstance(item, WordMemo))


def fold(word: str) -> tuple[str, int]:
    """A word folded (accents, case, elision; "" for a stop word), and how much of its
    start the elision cut ("l'Ukraine" -> ("ukraine", 2))."""
    return _memo().normalize(word, morph=False)


def words_of(text: str) -> Iterator[tuple[str, str]]:
    """(folded, written) for each word of ``text`` worth suggesting."""
    pattern = WORD_PATTERN_COMBINING if _COMBINING.search(text) else WORD_PATTERN
    for word in pattern.findall(text):
        folded, cut = fold(word)
        if len(folded) >= MIN_LETTERS and not folded.isdigit():
            yield folded, word[cut:]


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
            term = f"{folded}{SEP}{written}" if self.written else folded
            if term not in seen:
                seen.add(term)
                t.text = term
                t.stopped = False
                yield t

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.written == self.written

    __hash__ = None
