"""The query language, parsed into clauses through the index's own analysis chain.

    kiev zelensky            documents with both words first, then those with one of them
    +kiev zelensky           kiev required, zelensky ranks
    "garanties de sécurité"  a phrase (straight, curly or « » quotes), required
    kherson OR kharkiv       either; OR binds tighter than the implicit AND
    NOT russie, -russie      without
    (a OR b) c               grouping
    title:kiev, title:"…"    one field (title or body), required
    source:cbc.ca, lang:en   only documents of that source, or in that language
    ukrain*                  words starting with ukrain

Only characters that form unambiguous syntax are syntax. Everything else is
punctuation, as in Elasticsearch's ``simple_query_string``: a question mark, a
colon followed by a space, a lone ``-`` or ``*``, an unbalanced quote or
parenthesis, a dangling ``OR`` or ``NOT``. Typed text is therefore always
searched as its words; only a query too long or too broad to run is refused.

The parser is hand-written rather than Whoosh's QueryParser so that nesting and
size are bounded, and runs of plain words go through the chain together (so
"Union européenne" meets the synonym UE). It gives a list of clauses, each with a
role; ``matching.py`` decides from the roles which documents match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice, product

from whoosh import query as wq

from veille.indexer.analysis import VeilleAnalyzer, as_written
from veille.indexer.metadata import source_key

from .limits import MAX_QUERY_CHARS
from .phrase import FastPhrase

FIELDS = ("title", "body")
FILTERS = {"source": "source", "lang": "language", "language": "language"}  # name -> field
MAX_DEPTH = 32
MAX_TERMS = 64
MIN_PREFIX = 2
MAX_PREFIX_EXPANSION = 500  # indexed words one prefix may stand for (per field)
MAX_PREFIX_EXPANSION_TOTAL = 1000  # and all the prefixes of a query together
MAX_NEAR_TERMS = 50  # near terms of all the words of a fuzzy query together
MAX_READING_RUNS = 8  # a phrase of words that read two ways: at most this many spellings

QUOTES = {'"': '"', "“": "”", "”": "”", "«": "»", "„": "“"}
_BREAKS = '()"“”«»„'

# What a clause does to a document (see matching.py):
RANKED = "ranked"  # a plain word or group: the more of these a document holds, the better
SOFT = "soft"  # a question word (comment, quel…): adds to the score, never decides a match
REQUIRED = "required"  # +word, a "phrase", title:word: the document must hold it
EXCLUDED = "excluded"  # -word, NOT word: the document must not hold it
FILTER = "filter"  # source:, lang:: narrows without ranking


class QueryError(ValueError):
    """A query that cannot be run; the message says why, in one line."""


@dataclass
class Lexeme:
    kind: str  # "(", ")", "OR", "AND", "NOT", "word", "phrase"
    text: str = ""
    field: str | None = None
    negated: bool = False
    required: bool = False  # written +word
    start: int = 0  # where it stands in the query
    end: int = 0


@dataclass
class Clause:
    """One part of a query as typed (a word, a phrase, a group), with its role."""

    query: wq.Query
    role: str
    label: str = ""  # as the user typed it, to say what a partial hit lacks


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)
    loose_phrases: bool = False  # it has "phrases" that could be searched as their words

    def strict(self) -> wq.Query | None:
        """Every clause required: the query as ``--match all`` runs it."""
        return combine([c.query for c in self.clauses])


def combine(queries: list[wq.Query]) -> wq.Query | None:
    """All of ``queries`` (None for none)."""
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else wq.And(queries)


_FIELD_PREFIX = re.compile(r"([A-Za-z]+):(?=[^\s()])")
_EUPHONIC_T = re.compile(r"(?<=\w)-t-(?=\w)", re.IGNORECASE)  # a-t-il, tombe-t-elle


def _paired(lexemes: list[Lexeme]) -> list[Lexeme]:
    """The lexemes without the parentheses that pair with none, or that stand more than
    MAX_DEPTH deep: those are punctuation. A parenthesis inside a phrase is no lexeme."""
    keep: set[int] = set()
    stack: list[int] = []
    for k, lx in enumerate(lexemes):
        if lx.kind == "(":
            stack.append(k)
        elif lx.kind == ")" and stack:
            opening = stack.pop()
            if len(stack) < MAX_DEPTH:
                keep.update((opening, k))
    return [lx for k, lx in enumerate(lexemes) if lx.kind not in ("(", ")") or k in keep]


def lex(text: str) -> list[Lexeme]:
    """Split a query into lexemes; characters that form no syntax are left to the
    analysis chain, which drops punctuation."""
    out: list[Lexeme] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "()":
            out.append(Lexeme(c, start=i, end=i + 1))
            i += 1
            continue
        start = i
        negated = required = False
        if c in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+":
            negated, required = c == "-", c == "+"
            i += 1
            if text[i] == "(":  # -( excludes a group, +( requires it
                out.append(Lexeme("(", negated=negated, required=required, start=start, end=i + 1))
                i += 1
                continue
        field = None
        m = _FIELD_PREFIX.match(text, i)
        if m and (m.group(1).lower() in FIELDS or m.group(1).lower() in FILTERS):
            field = m.group(1).lower()
            i = m.end()
        if text[i] in QUOTES:
            close = QUOTES[text[i]]
            end = text.find(close, i + 1)
            if end < 0:  # an unclosed quote runs to the end, as in most search boxes
                end = n
            phrase = text[i + 1 : end]
            out.append(Lexeme("phrase", phrase, field, negated, required, start, end + 1))
            i = end + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _BREAKS:
            j += 1
        if j == i:  # a lone closing quote or the like: punctuation
            i += 1
            continue
        word = text[i:j]
        i = j
        if word in ("OR", "AND", "NOT") and field is None and not (negated or required):
            out.append(Lexeme(word, start=start, end=j))
        else:
            out.append(Lexeme("word", word, field, negated, required, start, j))
    return _paired(out)


class QueryBuilder:
    """Turn a query string into clauses, analysing text with the index's chain."""

    def __init__(
        self,
        analyzer: VeilleAnalyzer,
        reader=None,
        fuzzy: bool = False,
        phrases_as_words: bool = False,
        vocabulary=None,
    ):
        self.analyzer = analyzer
        self.vocabulary = vocabulary  # the index's words, for typo tolerance (fuzzy)
        self.near_left = MAX_NEAR_TERMS  # near terms still allowed, for the whole query
        self.expanded = 0  # indexed words the query's prefixes stand for, in all
        self.phrases_as_words = phrases_as_words  # plain "phrases" become their words
        self.reader = reader  # to bound prefix expansion and expand typos; optional
        self.fuzzy = fuzzy  # plain words also match indexed words a typo or two away
        self.soft_terms = analyzer.list_terms("question-words.txt", mode="query")
        self.terms = 0
        self.text = ""

    def parse(self, text: str) -> ParsedQuery:
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(text)} characters, at most {MAX_QUERY_CHARS})")
        if not text.strip():
            raise QueryError("empty query")
        self.text = text
        self.lexemes = []
        loose = False
        for lx in lex(text):
            if _loose_phrase(lx):
                loose = True
                if self.phrases_as_words:
                    self.lexemes += _words_of_phrase(lx)
                    continue
            self.lexemes.append(lx)
        self.i = 0
        self.terms = 0
        clauses: list[Clause] = []
        while self.i < len(self.lexemes):  # a ')' at the top level cannot be: lex pairs them
            clauses += self._and_expr(depth=0)
            self.i += 1
        return ParsedQuery(text, clauses, loose)

    # grammar -------------------------------------------------------------

    def _peek(self, offset: int = 0) -> Lexeme | None:
        k = self.i + offset
        return self.lexemes[k] if k < len(self.lexemes) else None

    def _and_expr(self, depth: int) -> list[Clause]:
        """Clauses up to the end or a closing parenthesis; AND and a dangling OR are
        punctuation."""
        clauses: list[Clause] = []
        while (lx := self._peek()) is not None and lx.kind != ")":
            if lx.kind in ("AND", "OR"):
                self.i += 1
                continue
            run = self._plain_run()
            if run:
                clauses += self._words(run)
            elif (clause := self._or_expr(depth)) is not None:
                clauses.append(clause)
        return clauses

    def _plain_run(self) -> list[Lexeme]:
        """Consecutive plain words not bound to an OR: analysed together."""
        run: list[Lexeme] = []
        while True:
            lx = self._peek()
            if not (lx and _plain(lx)) or self._or_follows(self.i + 1):
                break
            run.append(lx)
            self.i += 1
        return run

    def _or_follows(self, k: int) -> bool:
        """Whether lexeme ``k`` is an OR with an operand after it (ORs in a row are one)."""
        if k >= len(self.lexemes) or self.lexemes[k].kind != "OR":
            return False
        while k < len(self.lexemes) and self.lexemes[k].kind in ("OR", "AND"):
            k += 1
        return k < len(self.lexemes) and _operand(self.lexemes[k])

    def _or_expr(self, depth: int) -> Clause | None:
        start = self._peek().start
        options = [self._unary(depth)]
        end = self.lexemes[self.i - 1].end
        while (lx := self._peek()) is not None and lx.kind == "OR":
            self.i += 1
            while (lx := self._peek()) is not None and lx.kind in ("OR", "AND"):
                self.i += 1
            if not _operand(lx):
                break  # a trailing OR is punctuation
            options.append(self._unary(depth))
            end = self.lexemes[self.i - 1].end
        options = [c for c in options if c is not None]
        if len(options) <= 1:
            return options[0] if options else None
        roles = {c.role for c in options}
        role = FILTER if roles == {FILTER} else RANKED
        return Clause(wq.Or([c.query for c in options]), role, self.text[start:end])

    def _unary(self, depth: int) -> Clause | None:
        lx = self._peek()
        self.i += 1
        if lx.kind == "NOT":
            if not _operand(self._peek()):
                return None  # a dangling NOT is punctuation
            inner = self._unary(depth + 1)
            return Clause(wq.Not(inner.query), EXCLUDED, inner.label) if inner else None
        if lx.kind == "(":  # lex pairs parentheses and bounds their depth
            inner = combine([c.query for c in self._and_expr(depth + 1)])
            closing = self._peek()
            self.i += 1
            if inner is None:
                return None
            label = self.text[lx.start : closing.end]
            if lx.negated:
                return Clause(wq.Not(inner), EXCLUDED, label)
            return Clause(inner, REQUIRED if lx.required else RANKED, label)
        if lx.kind not in ("word", "phrase"):
            return None
        label = self.text[lx.start : lx.end]
        fields = (lx.field,) if lx.field in FIELDS else FIELDS
        role = EXCLUDED if lx.negated else REQUIRED if (lx.required or lx.field) else RANKED
        if lx.field in FILTERS:
            q = _filter(lx.field, lx.text)
            role = EXCLUDED if lx.negated else FILTER
        elif lx.kind == "phrase":
            q = self._phrase(lx.text, fields)
            role = EXCLUDED if lx.negated else REQUIRED
        else:
            q = self._prefix(lx.text, fields) or combine(
                [c.query for c in self._words([lx], fields)]
            )
        if q is None:
            return None
        return Clause(wq.Not(q) if lx.negated else q, role, label)

    # leaves -----------------------------------------------------------------

    def _analyse(self, text: str) -> list:
        tokens = []
        for t in self.analyzer(text, mode="query", chars=True):
            tokens.append(
                _Tok(
                    t.text,
                    t.startchar,
                    getattr(t, "span", 0),
                    getattr(t, "alternatives", None),
                    getattr(t, "readings", None),
                )
            )
        return tokens

    def _words(self, lexemes: list[Lexeme], fields=FIELDS) -> list[Clause]:
        """Plain words, one clause each; a word of several tokens is a phrase, and words
        that a several-word synonym joins are one clause."""
        words = [_EUPHONIC_T.sub("-", lx.text) for lx in lexemes]
        text = " ".join(words)
        starts, offset = [], 0
        for w in words:
            starts.append(offset)
            offset += len(w) + 1
        tokens = self._analyse(text)
        for t in tokens:
            t.word = sum(1 for s in starts if s <= t.start) - 1
        units, i = [], 0
        while i < len(tokens):
            unit = [tokens[i]]
            need = max(tokens[i].span - 1, 0)
            i += 1
            while i < len(tokens) and (need > 0 or tokens[i].word == unit[-1].word):
                need = max(need - 1, 0)
                unit.append(tokens[i])
                i += 1
            units.append(unit)
        clauses = []
        for unit in units:
            first, last = lexemes[unit[0].word], lexemes[unit[-1].word]
            texts = {t.text for t in unit} | {w for run in unit[0].alternatives or () for w in run}
            role = SOFT if texts <= self.soft_terms else RANKED
            query = self._unit(unit, fields, words[unit[0].word])
            clauses.append(Clause(query, role, self.text[first.start : last.end]))
        return clauses

    def _phrase(self, text: str, fields=FIELDS) -> wq.Query | None:
        tokens = self._analyse(text)
        return self._unit(tokens, fields) if tokens else None

    def _unit(self, tokens: list, fields, word: str = "") -> wq.Query:
        first = tokens[0]
        if first.alternatives and first.span == len(tokens):
            runs = list(first.alternatives)
        elif any(t.readings for t in tokens):  # a phrase with a word that reads two ways
            choices = [t.readings or (t.text,) for t in tokens]
            runs = list(islice(product(*choices), MAX_READING_RUNS))
        else:
            runs = [tuple(t.text for t in tokens)]
        self.terms += sum(len(r) for r in runs) * len(fields)
        if self.terms > MAX_TERMS * len(FIELDS):
            raise QueryError(f"too many words in the query (at most {MAX_TERMS})")
        if self.fuzzy and word and len(runs) == 1 and len(runs[0]) == 1:
            from .suggest import fuzzy_query, near_terms

            term = runs[0][0]
            near = []
            if self.vocabulary is not None:
                near = near_terms(self.vocabulary, self.analyzer, term, word, self.near_left)
                self.near_left -= len(near)
            options = [fuzzy_query(field, term, near) for field in fields]
            return options[0] if len(options) == 1 else wq.Or(options)
        options = [_sequence(field, run) for run in runs for field in fields]
        return options[0] if len(options) == 1 else wq.Or(options)

    def _prefix(self, word: str, fields) -> wq.Query | None:
        """``ukrain*``; None when the word is not a prefix query (then it is a plain word)."""
        stem, star, rest = word.partition("*")
        if not star or rest or "?" in word:
            return None
        words = self.analyzer.unstemmed(stem)
        if len(words) != 1 or len(words[0]) < MIN_PREFIX:
            return None
        prefix = words[0]
        if self.reader is not None:
            for field in fields:
                count = 0
                for _ in self.reader.expand_prefix(field, prefix):
                    count += 1
                    if count > MAX_PREFIX_EXPANSION:
                        raise QueryError(
                            f"{word!r} matches more than {MAX_PREFIX_EXPANSION} words: "
                            "type more letters before the *"
                        )
                self.expanded += count
                if self.expanded > MAX_PREFIX_EXPANSION_TOTAL:
                    raise QueryError(
                        f"the query's prefixes match more than {MAX_PREFIX_EXPANSION_TOTAL} "
                        "words in all: type more letters before each *, or fewer prefixes"
                    )
        # A place the gazetteer names is indexed as its place's token: Moscou* finds it.
        plain = self.analyzer.plain(stem)
        spelling = plain[0] if len(plain) == 1 else ""
        written = as_written(stem, spelling) if spelling else ""
        places = self.analyzer.places_with_prefix(prefix, spelling, written=written)
        self.terms += len(fields) * (1 + len(places))
        options = [wq.Prefix(field, prefix) for field in fields]
        options += [wq.Term(field, place) for place in places for field in fields]
        return options[0] if len(options) == 1 else wq.Or(options)


@dataclass
class _Tok:
    text: str
    start: int
    span: int
    alternatives: list | None
    readings: tuple[str, ...] | None = None  # the keys of a word that reads two ways
    word: int = 0


def _plain(lx: Lexeme) -> bool:
    return (
        lx.kind == "word"
        and lx.field is None
        and not lx.negated
        and not lx.required
        and not lx.text.endswith("*")
    )


def _loose_phrase(lx: Lexeme) -> bool:
    """A "phrase" written alone: no field, not negated, not +required."""
    return lx.kind == "phrase" and lx.field is None and not (lx.negated or lx.required)


def _words_of_phrase(lx: Lexeme) -> list[Lexeme]:
    """The words of a phrase as plain word lexemes, where they stand in the query."""
    base = lx.start + 1  # after the opening quote
    return [
        Lexeme("word", m[0], start=base + m.start(), end=base + m.end())
        for m in re.finditer(r"\S+", lx.text)
    ]


def _operand(lx: Lexeme | None) -> bool:
    """Whether ``lx`` can stand after OR or NOT."""
    return lx is not None and lx.kind not in (")", "OR", "AND")


def _filter(name: str, value: str) -> wq.Query | None:
    """``source:cbc.ca`` or ``lang:fr``: the indexed value (in lower case)."""
    value = value.strip()
    if not value:
        return None
    field = FILTERS[name]
    value = source_key(value) if field == "source" else value.lower()
    return wq.Term(field, value, boost=0.0)  # narrows, never ranks


def _sequence(field: str, run: tuple[str, ...]) -> wq.Query:
    if len(run) == 1:
        return wq.Term(field, run[0])
    return FastPhrase(field, list(run))


def parse(
    text: str,
    analyzer: VeilleAnalyzer,
    reader=None,
    fuzzy: bool = False,
    phrases_as_words: bool = False,
    vocabulary=None,
) -> ParsedQuery:
    """Parse ``text`` into clauses; raise QueryError only for a query that is empty, too
    long or too broad to run (typed text is never refused for its syntax).

    With ``fuzzy`` and the index's ``vocabulary``, plain words of 5 letters or more also
    match indexed words one edit away (two from 9 letters), never from or to a name of
    distinct-names.txt; MAX_NEAR_TERMS such words in all, the first words' first.
    With ``phrases_as_words``, quoted phrases written alone are searched as their words.
    """
    return QueryBuilder(analyzer, reader, fuzzy, phrases_as_words, vocabulary).parse(text)


def parse_query(
    text: str, analyzer: VeilleAnalyzer, reader=None, fuzzy: bool = False, vocabulary=None
) -> wq.Query:
    """The query with every clause required (``--match all``); QueryError if it has no
    searchable word."""
    q = parse(text, analyzer, reader, fuzzy, vocabulary=vocabulary).strict()
    if q is None:
        raise QueryError("the query has no searchable word (only stop words or punctuation)")
    return q
