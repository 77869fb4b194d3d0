"""The one analysis chain that indexing and querying share.

    WordTokenizer | AccentFoldingFilter | LowercaseFilter | ElisionFilter
      | ApostropheFilter | StopFilter | FrenchStemFilter | VariantKeyFilter
      | SynonymFilter(variants) | SynonymFilter(synonyms) | PositionFilter

Each filter does one thing and can be used alone. Tokens carry ``posinc``
(1 for a new position, 0 for a token stacked on the previous one, as in
Lucene); ``PositionFilter`` turns that into positions at the end, so dropping
stop words never leaves a gap and phrases match across them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from unidecode import unidecode
from whoosh.analysis import CompositeAnalyzer, Filter, LowercaseFilter, Token, Tokenizer

from .stemming import french_light_stem
from .tables import SynonymTable, data_text, parse_synonyms, word_list
from .variants import variant_key

ANALYSIS_VERSION = 1  # bump when the chain changes what an index holds

_LETTER = r"(?:[^\W_]|[\u0300-\u036f])"
# A word is letters and digits, with apostrophes inside it (l'Ukraine, Lugans'k).
# Hyphens split words, so cessez-le-feu is three tokens in a row: a phrase.
WORD_PATTERN = re.compile(rf"{_LETTER}+(?:['’ʼ]{_LETTER}+)*")
_NOT_ASCII_WORD = re.compile(r"[^A-Za-z0-9']+")


class WordTokenizer(Tokenizer):
    """Split text into words; punctuation, quotes and guillemets never become tokens."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for match in WORD_PATTERN.finditer(value):
            t.text = match.group()
            t.posinc = 1
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Transliterate to ASCII letters, digits, apostrophes (sécurité -> securite, Київ -> Kiyiv)."""
    return _NOT_ASCII_WORD.sub("", unidecode(text))


class AccentFoldingFilter(Filter):
    """Fold accents, ligatures and other scripts to ASCII through unidecode."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            if t.text:
                yield t


class ElisionFilter(Filter):
    """Remove French elided articles and pronouns: l'ukraine -> ukraine, qu'il -> il."""

    def __init__(self, elisions: frozenset[str]):
        self.elisions = elisions

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        elisions = self.elisions
        for t in tokens:
            cut = t.text.find("'")
            if cut > 0 and t.text[:cut] in elisions:
                t.text = t.text[cut + 1 :]
                if t.chars:  # the prefix is ASCII, so as long in the original
                    t.startchar += cut + 1
            yield t


class ApostropheFilter(Filter):
    """Drop the apostrophes left inside words (soft signs): lugans'k -> lugansk."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            if "'" in t.text:
                t.text = t.text.replace("'", "")
            if t.text:
                yield t


class StopFilter(Filter):
    """Drop stop words; the positions that follow close up behind them."""

    def __init__(self, stopwords: frozenset[str]):
        self.stopwords = stopwords

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        stopwords = self.stopwords
        for t in tokens:
            if t.text not in stopwords:
                yield t


class FrenchStemFilter(Filter):
    """Reduce words to a light French stem (garanties -> garanti)."""

    is_morph = True

    def __init__(self):
        self.stem = lru_cache(maxsize=200_000)(french_light_stem)

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        stem = self.stem
        for t in tokens:
            t.text = stem(t.text)
            yield t


class VariantKeyFilter(Filter):
    """Replace each stem with its variant key (zaporizhzhia -> zaporijia), except listed stems."""

    def __init__(self, exceptions: frozenset[str]):
        self.exceptions = exceptions
        self._cache: dict[str, str] = {}

    def key(self, stem: str) -> str:
        key = self._cache.get(stem)
        if key is None:
            key = stem if stem in self.exceptions else variant_key(stem)
            if len(self._cache) < 200_000:
                self._cache[stem] = key
        return key

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        key = self.key
        for t in tokens:
            t.text = key(t.text)
            yield t


class SynonymFilter(Filter):
    """Apply a synonym table (see ``indexer.tables``).

    A one-word entry of an equivalence group is replaced by the group's token.
    A several-word entry keeps its words, and when indexing the group's token is
    stacked on its first word, so both the words and the group match. When
    querying, the first token of a matched run gets ``span`` (how many tokens
    the run covers) and ``alternatives`` (token runs any of which may match);
    the query builder uses them when the run is the whole query word or phrase.
    """

    def __init__(self, table: SynonymTable):
        self.table = table

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        rules = self.table.rules
        if not rules:
            yield from tokens
            return
        longest = self.table.longest
        stream = iter(tokens)
        window: list[Token] = []
        while True:
            if not window:
                t = next(stream, None)
                if t is None:
                    return
                if t.text not in rules:
                    yield t
                    continue
                window.append(t.copy())
            while len(window) < longest:
                t = next(stream, None)
                if t is None:
                    break
                window.append(t.copy())
            head = window[0]
            rule = self._longest_match(window)
            if rule is None:
                yield window.pop(0)
                while window and window[0].text not in rules:
                    yield window.pop(0)
                continue
            run = window[: len(rule.match)]
            del window[: len(rule.match)]
            yield from self._apply(rule, run, head.mode == "query")

    def _longest_match(self, window: list[Token]):
        for rule in self.table.rules.get(window[0].text, ()):
            n = len(rule.match)
            if n <= len(window) and all(
                window[i].text == rule.match[i] and (i == 0 or window[i].posinc) for i in range(n)
            ):
                return rule
        return None

    @staticmethod
    def _apply(rule, run: list[Token], querying: bool) -> Iterator[Token]:
        first = run[0]
        if len(run) == 1 and rule.canonical:
            first.text = rule.canonical
        if querying:
            alternatives = []
            if rule.expansions:
                alternatives = [tuple(t.text for t in run), *rule.expansions]
            elif len(run) > 1 and rule.canonical:
                alternatives = [(rule.canonical,)]
            if alternatives:
                first.span = len(run)
                first.alternatives = alternatives
            yield from run
            return
        yield first
        if len(run) > 1 and rule.canonical:
            stacked = first.copy()
            stacked.text = rule.canonical
            stacked.posinc = 0
            if hasattr(run[-1], "endchar"):
                stacked.endchar = run[-1].endchar
            yield stacked
        yield from run[1:]


class PositionFilter(Filter):
    """Number positions from each token's ``posinc``."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        pos = -1
        for t in tokens:
            pos += t.posinc
            t.pos = max(pos, 0)
            yield t


class VeilleAnalyzer(CompositeAnalyzer):
    """The full chain; pickles (into an index's schema) as the texts of its two tables."""

    def __init__(self, *items, synonyms_text: str, variants_text: str):
        super().__init__(*items)
        self.synonyms_text = synonyms_text
        self.variants_text = variants_text

    def __reduce__(self):
        return (build_analyzer, (self.synonyms_text, self.variants_text))

    def __eq__(self, other):
        return (
            isinstance(other, VeilleAnalyzer)
            and self.synonyms_text == other.synonyms_text
            and self.variants_text == other.variants_text
        )

    __hash__ = None

    def terms(self, text: str, mode: str = "index") -> tuple[str, ...]:
        """Return the token texts of ``text``, stacked tokens included."""
        return tuple(t.text for t in self(text, mode=mode))


def stemming_chain() -> CompositeAnalyzer:
    """The chain up to the stems: tokens, folding, elision, stop words, stemming."""
    return (
        WordTokenizer()
        | AccentFoldingFilter()
        | LowercaseFilter()
        | ElisionFilter(word_list(data_text("elisions.txt")))
        | ApostropheFilter()
        | StopFilter(word_list(data_text("stopwords.txt")))
        | FrenchStemFilter()
    )


def base_chain() -> CompositeAnalyzer:
    """The chain up to the variant key: everything but the two tables."""
    return stemming_chain() | VariantKeyFilter(word_list(data_text("variant-exceptions.txt")))


def default_synonyms_text() -> str:
    return data_text("synonyms.txt")


def default_variants_text() -> str:
    return data_text("variants.txt")


@lru_cache(maxsize=8)
def build_analyzer(
    synonyms_text: str | None = None,
    variants_text: str | None = None,
    synonyms_source: str = "synonyms file",
    variants_source: str = "variants file",
) -> VeilleAnalyzer:
    """Build the chain with the given synonym and variant tables (the shipped ones by default).

    Raises ``tables.TableError`` naming ``*_source`` and the line of a bad entry.
    """
    if synonyms_text is None:
        synonyms_text = default_synonyms_text()
    if variants_text is None:
        variants_text = default_variants_text()
    base = base_chain()

    def analyze_with(chain):
        return lambda text: tuple(t.text for t in chain(text) if t.posinc)

    variants = SynonymFilter(parse_synonyms(variants_text, variants_source, analyze_with(base)))
    with_variants = base | variants
    synonyms = SynonymFilter(
        parse_synonyms(synonyms_text, synonyms_source, analyze_with(with_variants))
    )
    return VeilleAnalyzer(
        *(with_variants | synonyms | PositionFilter()).items,
        synonyms_text=synonyms_text,
        variants_text=variants_text,
    )
