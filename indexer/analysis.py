"""The one analysis chain that indexing and querying share.

    WordTokenizer
      | WordMemo(AccentFoldingFilter, LowercaseFilter, ElisionFilter, ApostropheFilter,
                 StopFilter, FrenchStemFilter, VariantKeyFilter)
      | SynonymFilter(variants) | SynonymFilter(synonyms) | PositionFilter

Each filter does one thing and can be used alone. The per-word filters run
inside ``WordMemo``, which applies them once per distinct word. Tokens carry ``posinc``
(1 for a new position, 0 for a token stacked on the previous one, as in
Lucene); ``PositionFilter`` turns that into positions at the end, so dropping
stop words never leaves a gap and phrases match across them.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable, Container, Iterable, Iterator
from functools import lru_cache

import regex
from unidecode import unidecode
from whoosh.analysis import CompositeAnalyzer, Filter, Token, Tokenizer

from .gazetteer import (
    MIN_NAME,
    SPELLED,
    WRITTEN,
    SortedTable,
    shipped_exceptions,
    shipped_gazetteer,
)
from .stemming import french_light_stem
from .tables import (
    DATA_DIR,
    SynonymTable,
    data_text,
    parse_synonyms,
    strip_comment,
    word_list,
)
from .variants import KEPT_LETTERS, variant_key

ANALYSIS_VERSION = 5  # bump when the chain changes what an index holds
# The data files the chain reads: an index remembers their fingerprint, so an edited
# rule or a regenerated gazetteer asks for a rebuild instead of silently missing.
CHAIN_DATA = (
    "elisions.txt",
    "stopwords.txt",
    "spelling-rules.txt",
    "pinyin-syllables.txt",
    "variant-exceptions.txt",
    "gazetteer.txt",
    "distinct-names.txt",
)

# A word is letters and digits, with apostrophes inside it (l'Ukraine, Lugans'k).
# Hyphens split words, so cessez-le-feu is three tokens in a row: a phrase.
# Underscores are dropped by folding, so they never join words.
WORD_PATTERN = re.compile(r"\w+(?:['’ʼ]\w+)*")
# Text with combining accents (decomposed é = e + U+0301) needs the slower pattern.
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LETTER = r"(?:\w|[\u0300-\u036f])"
WORD_PATTERN_COMBINING = re.compile(rf"{_LETTER}+(?:['’ʼ]{_LETTER}+)*")
_NOT_ASCII_WORD = re.compile(rf"[^A-Za-z0-9'{KEPT_LETTERS}]+")
# Format characters (Unicode category Cf: soft hyphen, zero-width space, joiners,
# byte-order mark, direction marks…) are invisible: inside a word they do not split
# it (sécu\u00adrité is sécurité). `regex` knows the category (and finds none in
# 2.7 MB of French in 10 ms; a 163-character class in `re` takes 53 ms).
_FORMAT = regex.compile(r"\p{Cf}+")
_APOSTROPHES = ("", "'", "’", "ʼ")


def split_words(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of ``text`` with where it starts and ends, format characters left out
    of its text (the offsets still span them)."""
    pattern = WORD_PATTERN_COMBINING if _COMBINING.search(text) else WORD_PATTERN
    if not _FORMAT.search(text):
        for match in pattern.finditer(text):
            yield match[0], match.start(), match.end()
        return
    yield from _join_across_format(text, pattern.finditer(text))


def _join_across_format(text: str, matches: Iterable[re.Match]) -> Iterator[tuple[str, int, int]]:
    """The words of ``matches``, those that only format characters separate joined."""
    start = end = None
    for match in matches:
        if end is not None and _joins(text[end : match.start()]):
            end = match.end()
            continue
        if end is not None:
            yield _FORMAT.sub("", text[start:end]), start, end
        start, end = match.span()
    if end is not None:
        yield _FORMAT.sub("", text[start:end]), start, end


def _joins(gap: str) -> bool:
    """Whether the gap between two words is format characters (and an apostrophe)."""
    visible = _FORMAT.sub("", gap)
    return visible != gap and visible in _APOSTROPHES


@lru_cache(maxsize=4)
def word_texts(text: str) -> tuple[str, ...]:
    """The words of ``text``, format characters left out (see ``split_words``).

    The last few texts are remembered: indexing reads a document's words for
    stories and again for the vocabulary (a text is hashed far faster than split)."""
    if not _FORMAT.search(text):
        pattern = WORD_PATTERN_COMBINING if _COMBINING.search(text) else WORD_PATTERN
        return tuple(pattern.findall(text))
    return tuple(word for word, _, _ in split_words(text))


@lru_cache(maxsize=1)
def data_fingerprint() -> str:
    """A checksum of the data files the chain reads (``CHAIN_DATA``)."""
    crc = 0
    for name in CHAIN_DATA:
        crc = zlib.crc32((DATA_DIR / name).read_bytes(), crc)
    return f"{crc:08x}"


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
        # Without character offsets (indexing) the words alone are found: quicker.
        words = split_words(value) if chars else ((w, 0, 0) for w in word_texts(value))
        return word_tokens(
            words,
            positions,
            chars,
            keeporiginal,
            removestops,
            start_char,
            mode,
            **kwargs,
        )


def word_tokens(
    words: Iterable[tuple[str, int, int]],
    positions: bool = False,
    chars: bool = False,
    keeporiginal: bool = False,
    removestops: bool = True,
    start_char: int = 0,
    mode: str = "",
    **kwargs,
) -> Iterator[Token]:
    """``WordTokenizer``'s tokens of words already split (``split_words``' triples)."""
    t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
    t.boost = 1.0
    for word, start, end in words:
        t.text = word
        t.posinc = 1
        if keeporiginal:
            t.original = t.text
        if chars:
            t.startchar = start_char + start
            t.endchar = start_char + end
        yield t


def _chain_spans(words: list[tuple[str, int, int]], filters) -> Iterator[tuple[str, int, int]]:
    """Run split words through ``filters`` (a chain without its tokenizer) when indexing."""
    tokens = word_tokens(words, chars=True, mode="index")
    for f in filters:
        tokens = f(tokens)
    for t in tokens:
        yield t.text, t.startchar, t.endchar


def fold(text: str) -> str:
    """Transliterate to ASCII letters, digits, apostrophes (sécurité -> securite, Київ -> Kiyiv);
    the letters the spelling rules read two ways stay (``KEPT_LETTERS``): Polish ż, the
    č, ć, š and ž of Czech and South Slavic names (đ is dž), and a Cyrillic г that may be
    g or h (ɣ)."""
    if text.isascii():
        return text if text.isalnum() else _NOT_ASCII_WORD.sub("", text)
    if _GREEK.search(text):
        from .greek import greek_to_latin  # on first use: start-up stays short

        text = greek_to_latin(text)
    if not text.translate(_LATIN_TO_NONE):  # only Latin letters: a table lookup suffices
        return _NOT_ASCII_WORD.sub("", text.translate(_LATIN))
    if _CYRILLIC.search(text):
        russian = _RUSSIAN.search(text)
        text = _SOFT_SIGN_BEFORE_VOWEL.sub("й", text).translate(_CYRILLIC_SPELLING)
        if _UKRAINIAN.search(text):
            text = text.translate(_UKRAINIAN_H)
        elif not russian:
            text = text.translate(_SERBIAN).translate(_EITHER_H)
    return _NOT_ASCII_WORD.sub("", "".join(_transliterated(text)))


def _transliterated(text: str) -> Iterator[str]:
    """unidecode's transliteration, but for the letters the spelling rules read."""
    for part in _KEPT.split(text.translate(_LATIN)):
        yield part if _KEPT.fullmatch(part) else unidecode(part)


# unidecode's own transliteration of the Latin letters (U+0080 to U+024F) as a
# str.translate table: French words fold in C instead of unidecode's Python loop.
_LATIN = {c: unidecode(chr(c)) for c in range(0x80, 0x250)}
# Polish ż stays for the spelling rules, which read it both as z (Żurek, written
# Zurek in the press) and as zh (Prigożyn for Prigozhin); they leave ASCII.
_LATIN.update({ord("ż"): "ż", ord("Ż"): "ż"})
# Czech, Slovak and South Slavic č, ć, š and ž stay too: the rules read them both as
# the press writes them without accents (Vucic, Caputova) and as Russian does (Вучич,
# Чапутова); Serbian and Croatian đ is dž (Đoković, Djokovic, Джокович).
_LATIN.update({ord(c): c.lower() for c in "čČćĆšŠžŽ"})
_LATIN.update({ord("đ"): "dž", ord("Đ"): "dž"})
# Azerbaijani ə is a, as English, French and Russian write it (Əliyev: Aliyev, Алиев);
# unidecode makes it @.
_LATIN.update({ord("ə"): "a", ord("Ə"): "A"})
_KEPT = re.compile(f"([{KEPT_LETTERS}])")
_LATIN_TO_NONE = {c: None for c in range(0x250)}
# Cyrillic as English and French news spell it: soft and hard signs are dropped
# (Львів -> Lviv, not L'viv) or, before a vowel, read as y (Запорожье ->
# Zaporozhye), ё is e (Хрущёв -> Khrushchev), and in a Ukrainian
# word (one with і, ї, є or ґ) г is h (Горлівка -> Horlivka), not Russian g.
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")  # Greek letters: indexer/greek.py reads them
_CYRILLIC_SPELLING = str.maketrans({"ь": "", "Ь": "", "ъ": "", "Ъ": "", "ё": "е", "Ё": "Е"})
_SOFT_SIGN_BEFORE_VOWEL = re.compile("[ьъЬЪ](?=[еёюяиЕЁЮЯИ])")
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
_UKRAINIAN_H = str.maketrans({"г": "h", "Г": "H"})
# In a word that has neither Ukrainian letters nor Russian ones (ы, э, ъ, ё), г may be
# either (Шмигаль is Shmyhal, a Ukrainian name): it stays as ɣ for the spelling
# rules, which read it both as g and as h.
_RUSSIAN = re.compile("[ыэъёЫЭЪЁ]")
# Serbian Cyrillic letters as Serbian writes them in Latin (Ђоковић is Đoković).
_SERBIAN = str.maketrans(
    {"ђ": "đ", "Ђ": "Đ", "ћ": "ć", "Ћ": "Ć", "џ": "dž", "Џ": "Dž", "ј": "j", "Ј": "J",
     "љ": "lj", "Љ": "Lj", "њ": "nj", "Њ": "Nj"}
)  # fmt: skip
EITHER_H = "ɣ"
_EITHER_H = str.maketrans({"г": EITHER_H, "Г": EITHER_H})


class TokenFilter(Filter):
    """A filter that changes each token on its own: ``transform`` gives the new text, or
    an empty string to drop the token. Such filters can run inside ``WordMemo``."""

    def transform(self, text: str) -> str:
        raise NotImplementedError

    def start_cut(self, before: str, after: str) -> int:
        """How many characters the transform removed from the start of the word."""
        return 0

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            text = self.transform(t.text)
            if text:
                if t.chars:
                    t.startchar += self.start_cut(t.text, text)
                t.text = text
                yield t


class AccentFoldingFilter(TokenFilter):
    """Fold accents, ligatures and other scripts to ASCII through unidecode."""

    def transform(self, text: str) -> str:
        return fold(text)


class LowercaseFilter(TokenFilter):
    def transform(self, text: str) -> str:
        return text.lower()


class ElisionFilter(TokenFilter):
    """Remove French elided articles and pronouns: l'ukraine -> ukraine, qu'il -> il."""

    def __init__(self, elisions: frozenset[str]):
        self.elisions = elisions

    def transform(self, text: str) -> str:
        cut = text.find("'")
        if cut > 0 and text[:cut] in self.elisions:
            return text[cut + 1 :]
        return text

    def start_cut(self, before: str, after: str) -> int:
        return len(before) - len(after)  # the prefix is ASCII, so as long in the original


class ApostropheFilter(TokenFilter):
    """Drop the apostrophes left inside words (soft signs): lugans'k -> lugansk."""

    def transform(self, text: str) -> str:
        return text.replace("'", "") if "'" in text else text


class StopFilter(TokenFilter):
    """Drop stop words; the positions that follow close up behind them."""

    def __init__(self, stopwords: frozenset[str]):
        self.stopwords = stopwords

    def transform(self, text: str) -> str:
        return "" if text in self.stopwords else text


class NameFilter(TokenFilter):
    """Recognize names before the stemmer, as Lucene's KeywordMarkerFilter does.

    A spelling the gazetteer lists becomes its place's token (Lemberg, Lwów and
    Львів -> lviv). A word of the variant tables, or a word whose plural-less
    form would be a place (Hamas, not Hama), keeps its own spelling: only the
    spelling rules apply to it. ``name`` returns None for other words, which go
    on to the stemmer; inside ``WordMemo`` a name ends the chain.
    """

    is_morph = True

    def __init__(self, gazetteer: SortedTable, keywords: frozenset[str] = frozenset()):
        self.gazetteer = gazetteer
        self.keywords = keywords

    def place(self, text: str, spelled: bool = True) -> str | None:
        """The token of the place this word names, if the gazetteer lists it: as it is
        spelled (``=wien``, a name whose key is a word's), or by its keys."""
        if len(text) < MIN_NAME or not text.isalpha():
            return None
        if spelled and (place := self.gazetteer.get(SPELLED + text)) is not None:
            return place
        for key in variant_key(text).split(" "):
            place = self.gazetteer.get(key)
            if place is not None:
                return place
        return None

    def place_written(self, text: str, word: str) -> str | None:
        """``place``, or the place of ``word`` as it was written, before folding, if the
        gazetteer lists it so (``~londres``: Londres, not the French londrès)."""
        place = self.place(text)
        if place is None and len(text) >= MIN_NAME and (written := as_written(word, text)):
            place = self.gazetteer.get(WRITTEN + written)
        return place

    def name(self, text: str, word: str = "") -> str | None:
        """The token of ``text`` if it is a name, else None; ``word`` is the word as it
        was written, for the names listed as written."""
        if not text.isalpha():
            return None
        place = self.place_written(text, word)
        if place is not None:
            return place
        if text in self.keywords:
            return variant_key(text)
        if text[-1] in "sx":  # a plural's form without it is a place: not a plural (Hamas)
            stem = french_light_stem(text)
            if stem != text and self.place(stem, spelled=False) is not None:
                return variant_key(text)
        return None

    def transform(self, text: str) -> str:
        """``name`` without the word as written: alone, the filter never finds a name
        listed as written (``WordMemo`` passes the word)."""
        return self.name(text) or text


def as_written(word: str, folded: str) -> str:
    """A word as written, lower-case and with its accents composed, without an elided
    article or what is no letter (l’Ukraine, -> ukraine), or "" when that does not
    fold to ``folded``."""
    written = unicodedata.normalize("NFC", word).casefold()
    for apostrophe in _APOSTROPHES[1:]:
        written = written.rpartition(apostrophe)[2]
    written = "".join(c for c in written if c.isalpha())
    return written if written and fold(written) == folded else ""


class FrenchStemFilter(TokenFilter):
    """Reduce words to a light French stem (garanties -> garanti)."""

    is_morph = True

    def transform(self, text: str) -> str:
        return french_light_stem(text)


class VariantKeyFilter(TokenFilter):
    """Replace each stem with its variant key (zaporizhzhia -> zaporijia), except listed stems."""

    def __init__(self, exceptions: Container[str]):
        self.exceptions = exceptions

    def transform(self, text: str) -> str:
        return text if text in self.exceptions else variant_key(text)


class BoundedMemo(dict):
    """``make(word)`` of each word asked for, remembered; emptied past ``MAX_WORDS``
    words, so that memory stays bounded over an archive of any size."""

    MAX_WORDS = 500_000

    def __init__(self, make: Callable[[str], object]):
        super().__init__()
        self.make = make

    def __missing__(self, word: str):
        if len(self) >= self.MAX_WORDS:
            self.clear()
        found = self[word] = self.make(word)
        return found


class WordMemo(Filter):
    """Run a sequence of ``TokenFilter``s once per distinct word and remember the result.

    Most words of a news archive recur, so this makes the per-token work of the
    chain a dictionary look-up. ``no_morph`` results (stemming skipped, for
    prefix queries) are computed by ``normalize(text, morph=False)``.
    """

    MAX_WORDS = 500_000

    def __init__(self, *filters: TokenFilter):
        self.filters = filters
        self._memo: dict[str, tuple[str, int]] = {}

    def normalize(self, text: str, morph: bool = True) -> tuple[str, int]:
        """Return the word's final text ("" if dropped) and how much was cut from its start."""
        if morph:
            found = self._memo.get(text)
            if found is not None:
                return found
        out, cut = text, 0
        for f in self.filters:
            if not morph and f.is_morph:
                continue
            if isinstance(f, NameFilter):
                name = f.name(out, text)
                if name is not None:  # a name: no stemming, no other rule
                    out = name
                    break
                continue
            new = f.transform(out)
            if not new:
                out = ""
                break
            cut += f.start_cut(out, new)
            out = new
        if morph:
            if len(self._memo) >= self.MAX_WORDS:
                self._memo.clear()
            self._memo[text] = (out, cut)
        return out, cut

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        memo = self._memo
        normalize = self.normalize
        for t in tokens:
            found = memo.get(t.text) or normalize(t.text)
            if found[0]:
                if found[1] and t.chars:
                    t.startchar += found[1]
                t.text = found[0]
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
        # Words whose only rule is "replace me by my group's token" need no look-ahead.
        self.replace = {
            first: rules[0].canonical
            for first, rules in table.rules.items()
            if len(rules) == 1
            and len(rules[0].match) == 1
            and rules[0].canonical
            and not rules[0].expansions
        }
        self.lookahead = frozenset(table.rules) - frozenset(self.replace)

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        if not self.table.rules:
            yield from tokens
            return
        rules, replace, lookahead = self.table.rules, self.replace, self.lookahead
        longest = self.table.longest
        stream = iter(tokens)
        window: list[Token] = []
        while True:
            if not window:
                t = next(stream, None)
                if t is None:
                    return
                if t.text not in lookahead:
                    canonical = replace.get(t.text)
                    if canonical is not None:
                        t.text = canonical
                        _forget_readings(t)
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
        _forget_readings(first)  # the table's group stands for the word now
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


def _forget_readings(token: Token) -> None:
    """Drop the readings ``ReadingsFilter`` gave a query token (a copy of its own)."""
    if getattr(token, "readings", None):
        token.readings = token.alternatives = None
        token.span = 0


class ReadingsFilter(Filter):
    """Make tokens of a word that reads two ways (``variant_key`` gave it two keys,
    joined by a space): stacked tokens when indexing, alternatives when querying."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            if " " not in t.text:
                yield t
                continue
            keys = t.text.split(" ")
            first = t.copy()
            first.text = keys[0]
            if t.mode == "query":
                first.span = 1
                first.alternatives = [(key,) for key in keys]
                first.readings = tuple(keys)  # for the query builder, inside phrases too
                yield first
                continue
            stacked = []
            for key in keys[1:]:
                other = t.copy()
                other.text = key
                other.posinc = 0
                stacked.append(other)
            yield first
            yield from stacked


class PositionFilter(Filter):
    """Number positions from each token's ``posinc``."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        pos = -1
        for t in tokens:
            pos += t.posinc
            t.pos = max(pos, 0)
            yield t


class VeilleAnalyzer(CompositeAnalyzer):
    """The full chain; pickles (into an index's schema) as the texts of its two tables
    and what parsing them made, so opening an index does not analyse them again."""

    def __init__(self, *items, synonyms_text: str, variants_text: str, keywords=frozenset()):
        super().__init__(*items)
        self.synonyms_text = synonyms_text
        self.variants_text = variants_text
        self.keywords = keywords

    def __reduce__(self):
        variants, synonyms = (f.table for f in self.items if isinstance(f, SynonymFilter))
        for name, mode in PICKLED_LISTS:
            self.list_terms(name, mode)
        lists = {
            (name, mode): (_checksum(data_text(name)), terms)
            for (name, mode), terms in self.__dict__["_list_terms"].items()
        }
        parsed = (self.keywords, variants, synonyms, lists)
        return (restore_analyzer, (self.synonyms_text, self.variants_text, parsed))

    def __eq__(self, other):
        return (
            isinstance(other, VeilleAnalyzer)
            and self.synonyms_text == other.synonyms_text
            and self.variants_text == other.variants_text
        )

    __hash__ = None

    @property
    def memo(self) -> WordMemo:
        """The chain's per-word filters, with what they remember."""
        return next(item for item in self.items if isinstance(item, WordMemo))

    def spans(self, text: str) -> Iterator[tuple[str, int, int]]:
        """Each token the chain makes of ``text`` when indexing, as (text, start, end):
        the same as running the chain with ``chars=True``, faster. A word that starts
        no rule of several words in either table is looked up on its own; the
        stretches around the words that do go through the chain's filters."""
        memo = self.memo
        known, normalize = memo._memo, memo.normalize
        replaced, settled = self._replacements()
        filters = self.items[1:]
        stretch: list[tuple[str, int, int]] = []
        plain_run = 0  # plain words since the stretch's last rule word
        for word, start, end in split_words(text):
            norm, cut = known.get(word) or normalize(word)
            if not stretch:
                if not norm:
                    continue  # a stop word
                if " " not in norm:
                    final = replaced.get(norm, norm)
                    if final is not None:
                        yield final, start + cut, end
                        continue
            keys = [replaced.get(key, key) for key in norm.split(" ")]
            plain = None not in keys
            if plain and not stretch:
                for key in keys:
                    yield key, start + cut, end
                continue
            stretch.append((word, start, end))
            plain_run = plain_run + (norm != "") if plain else 0
            if plain_run >= settled:
                yield from _chain_spans(stretch, filters)
                stretch, plain_run = [], 0
        if stretch:
            yield from _chain_spans(stretch, filters)

    def _replacements(self) -> tuple[dict[str, str | None], int]:
        """What the two tables make of a lone word when it starts a rule (``None``: a
        rule of several words may apply), and after how many plain words no rule
        begun before can still be matching."""
        cached = self.__dict__.get("_replaced")
        if cached is None:
            variants, synonyms = (f for f in self.items if isinstance(f, SynonymFilter))
            replaced: dict[str, str | None] = {}
            for word in set(variants.table.rules) | set(synonyms.table.rules):
                if word in variants.lookahead:
                    replaced[word] = None
                    continue
                spelled = variants.replace.get(word, word)
                replaced[word] = (
                    None
                    if spelled in synonyms.lookahead
                    else synonyms.replace.get(spelled, spelled)
                )
            settled = variants.table.longest + synonyms.table.longest
            cached = self._replaced = (replaced, settled)
        return cached

    def terms(self, text: str, mode: str = "index") -> tuple[str, ...]:
        """Return the token texts of ``text``, stacked tokens included."""
        return tuple(t.text for t in self(text, mode=mode))

    def list_terms(self, name: str, mode: str = "index") -> frozenset[str]:
        """The terms this chain makes of the words of ``indexer/data/NAME`` (computed once)."""
        cache = self.__dict__.setdefault("_list_terms", {})
        if (name, mode) not in cache:
            words = word_list(data_text(name))
            cache[name, mode] = frozenset(t for w in words for t in self.terms(w, mode=mode))
        return cache[name, mode]

    def origin(self, token: str, source: str) -> str:
        """How a token came from the text it stands for: ``word`` (folded and
        stemmed), ``spelling rule`` (the variant key changed the stem), ``gazetteer``
        (a place's spelling), ``name`` (a name kept from the stemmer), ``variant
        table`` or ``synonym table`` (a group of a shipped table), ``your variant
        table`` or ``your synonym table`` (a group the shipped tables lack)."""
        memo = self.memo
        if " " not in source.strip():
            word = source
            for word_filter in memo.filters:
                if not word:
                    break
                if isinstance(word_filter, NameFilter):
                    name = word_filter.name(word, source)
                    if name is not None:  # the chain ends here, with the name
                        if token in name.split(" "):
                            placed = word_filter.place_written(word, source)
                            return "gazetteer" if placed else "name"
                        break
                    continue
                changed = word_filter.transform(word)
                if isinstance(word_filter, VariantKeyFilter) and token in changed.split(" "):
                    return "word" if changed == word else "spelling rule"
                word = changed
            if token in word.split(" "):
                return "word"
        variants, synonyms = (item for item in self.items if isinstance(item, SynonymFilter))
        for name, table in (("variant table", variants.table), ("synonym table", synonyms.table)):
            if any(r.canonical == token for rules in table.rules.values() for r in rules):
                shipped = build_analyzer()
                if self == shipped or token in shipped.terms(source):
                    return name
                return f"your {name}"
        return "word"

    def places_with_prefix(
        self, prefix: str, spelling: str = "", limit: int = 20, written: str = ""
    ) -> list[str]:
        """The tokens of the places one of whose spellings' keys starts with ``prefix``
        (``moscu`` for Moscou*: Moscow's), or one of whose names kept as spelled starts
        with ``spelling`` (``aalt`` for Aalt*), or as written with ``written`` (``bâl``
        for Bâl*: Basel's), at most ``limit``."""
        if len(prefix) < MIN_NAME:
            return []
        names = [f for f in self.memo.filters if isinstance(f, NameFilter)]
        if not names:
            return []
        gazetteer = names[0].gazetteer
        found = gazetteer.values_with_prefix(prefix, limit)
        if len(spelling) >= MIN_NAME:
            found += gazetteer.values_with_prefix(SPELLED + spelling, limit)
        if len(written) >= MIN_NAME:
            found += gazetteer.values_with_prefix(WRITTEN + written, limit)
        return list(dict.fromkeys(found))[:limit]

    def plain(self, text: str) -> list[str]:
        """The words of ``text`` spelled plainly: folded, lower-case, without elision,
        as the gazetteer's names kept as spelled are."""
        filters = []
        for word_filter in self.memo.filters:
            if isinstance(word_filter, NameFilter):
                break
            filters.append(word_filter)
        words = []
        for token in self.items[0](text):
            word = token.text
            for word_filter in filters:
                word = word and word_filter.transform(word)
            if word:
                words.append(word)
        return words

    def words(self, text: str) -> list[str]:
        """The words of ``text`` as the per-word filters leave them (folded, stemmed,
        variant keys; a word's first key if it reads two ways), without synonyms or
        positions: the cheap form of the analysed text that near-duplicate detection
        compares."""
        firsts = self.__dict__.get("_first_keys")
        if firsts is None:
            memo = self.memo
            firsts = self.__dict__["_first_keys"] = BoundedMemo(
                lambda word: memo.normalize(word)[0].split(" ", 1)[0]
            )
        return [key for key in map(firsts.__getitem__, word_texts(text)) if key]

    def unstemmed(self, text: str) -> list[str]:
        """The words of ``text`` normalized but not stemmed (for prefix queries)."""
        memo = self.memo
        words = (memo.normalize(t.text, morph=False)[0] for t in self.items[0](text))
        return [w.split(" ", 1)[0] for w in words if w]


def plain_word_filters() -> list[TokenFilter]:
    """The per-word filters that only spell a word plainly: folding, case, elision, stop words."""
    return [
        AccentFoldingFilter(),
        LowercaseFilter(),
        ElisionFilter(word_list(data_text("elisions.txt"))),
        ApostropheFilter(),
        StopFilter(word_list(data_text("stopwords.txt"))),
    ]


def word_filters(
    variant_key: bool = True, names: bool = True, keywords: frozenset[str] = frozenset()
) -> list[TokenFilter]:
    """The per-word filters, in order: plain spelling, names, stem, variant key."""
    filters = plain_word_filters()
    if names:
        filters.append(NameFilter(shipped_gazetteer(), keywords))
    filters.append(FrenchStemFilter())
    if variant_key:
        filters.append(VariantKeyFilter(shipped_exceptions()))
    return filters


def name_chain() -> CompositeAnalyzer:
    """The chain up to plain spelling: tokens folded, lower-case, without elision."""
    return WordTokenizer() | WordMemo(*plain_word_filters())


def stemming_chain() -> CompositeAnalyzer:
    """The chain up to the stems, for dictionary words: no names, no variant key."""
    return WordTokenizer() | WordMemo(*word_filters(variant_key=False, names=False))


def base_chain(keywords: frozenset[str] = frozenset()) -> CompositeAnalyzer:
    """The chain up to the variant key: everything but the two tables.
    ``keywords`` are plain spellings kept from the stemmer (the variant tables' words)."""
    return WordTokenizer() | WordMemo(*word_filters(keywords=keywords)) | ReadingsFilter()


def table_words(text: str) -> frozenset[str]:
    """The plain spellings of the words of a synonyms-format table (its names)."""
    chain = name_chain()
    entries = (e for line in text.splitlines() for e in re.split(r",|=>", strip_comment(line)))
    return frozenset(t.text for entry in entries for t in chain(entry) if t.text.isalpha())


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
    keywords = table_words(variants_text) | table_words(data_text("distinct-names.txt"))
    base = base_chain(keywords)

    def analyze_with(chain):
        return lambda text: tuple(t.text for t in chain(text) if t.posinc)

    variants = SynonymFilter(parse_synonyms(variants_text, variants_source, analyze_with(base)))
    with_variants = base | variants
    synonyms = SynonymFilter(
        parse_synonyms(synonyms_text, synonyms_source, analyze_with(with_variants))
    )
    return _full_chain(with_variants | synonyms, synonyms_text, variants_text, keywords)


def _full_chain(
    chain: CompositeAnalyzer, synonyms_text: str, variants_text: str, keywords: frozenset[str]
) -> VeilleAnalyzer:
    """The chain with its positions numbered, remembering what it was made from."""
    return VeilleAnalyzer(
        *(chain | PositionFilter()).items,
        synonyms_text=synonyms_text,
        variants_text=variants_text,
        keywords=keywords,
    )


def restore_analyzer(synonyms_text: str, variants_text: str, parsed: tuple) -> VeilleAnalyzer:
    """The chain an index was built with, from its pickled tables as parsed then (an
    index whose data files changed since is refused before: see store._check_meta)."""
    keywords, variants, synonyms, lists = parsed
    chain = base_chain(keywords) | SynonymFilter(variants) | SynonymFilter(synonyms)
    analyzer = _full_chain(chain, synonyms_text, variants_text, keywords)
    # The word lists' terms, unless a list was edited since (question words are not
    # index data: editing them needs no rebuild).
    analyzer._list_terms = {
        key: terms
        for key, (checksum, terms) in lists.items()
        if checksum == _checksum(data_text(key[0]))
    }
    return analyzer


# The word lists a search reads, whose terms are pickled with the chain.
PICKLED_LISTS = (("question-words.txt", "query"), ("distinct-names.txt", "index"))


def _checksum(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))
