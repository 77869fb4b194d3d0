"""The query language, parsed into Whoosh queries through the index's own analysis chain.

    kiev zelensky            all words required
    "garanties de sécurité"  a phrase (straight, curly or « » quotes)
    kherson OR kharkiv       either; OR binds tighter than the implicit AND
    NOT russie, -russie      without
    (a OR b) c               grouping
    title:kiev, title:"…"    one field (title or body)
    source:cbc.ca, lang:en   only documents of that source, or in that language
    ukrain*                  words starting with ukrain

The parser is hand-written rather than Whoosh's QueryParser so that every
malformed query gets one clear error, nesting and size are bounded, and runs of
plain words go through the chain together (so "Union européenne" meets the
synonym UE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq

from veille.indexer.analysis import VeilleAnalyzer
from veille.indexer.metadata import source_name

from .limits import MAX_QUERY_CHARS
from .phrase import FastPhrase

FIELDS = ("title", "body")
FILTERS = {"source": "source", "lang": "language", "language": "language"}  # name -> field
MAX_DEPTH = 32
MAX_TERMS = 64
MIN_PREFIX = 2
MAX_PREFIX_EXPANSION = 500

QUOTES = {'"': '"', "“": "”", "”": "”", "«": "»", "„": "“"}


class QueryError(ValueError):
    """A query that cannot be run; the message says why, in one line."""


@dataclass
class Lexeme:
    kind: str  # "(", ")", "OR", "AND", "NOT", "word", "phrase"
    text: str = ""
    field: str | None = None
    negated: bool = False


_FIELD_PREFIX = re.compile(r"([A-Za-z]+):(?=\S)")


def lex(text: str) -> list[Lexeme]:
    out: list[Lexeme] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "()":
            out.append(Lexeme(c))
            i += 1
            continue
        negated = False
        if c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-":
            negated = True
            i += 1
            if text[i] == "(":
                out.append(Lexeme("NOT"))
                continue
        field = None
        m = _FIELD_PREFIX.match(text, i)
        if m and (m.group(1).lower() in FIELDS or m.group(1).lower() in FILTERS):
            field = m.group(1).lower()
            i = m.end()
            if text[i] in "()":
                raise QueryError(f'{field}: applies to one word or a "phrase", not to parentheses')
        if text[i] in QUOTES:
            close = QUOTES[text[i]]
            end = text.find(close, i + 1)
            if end < 0:  # an unclosed quote runs to the end, as in most search boxes
                end = n
            out.append(Lexeme("phrase", text[i + 1 : end], field, negated))
            i = end + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in '()"“”«»„':
            j += 1
        if j == i:  # a lone closing quote or the like: not a word
            i += 1
            continue
        word = text[i:j]
        i = j
        if word in ("OR", "AND", "NOT") and field is None and not negated:
            out.append(Lexeme(word))
        else:
            out.append(Lexeme("word", word, field, negated))
    return out


class QueryBuilder:
    """Turn a query string into a Whoosh query, analysing text with the index's chain."""

    def __init__(self, analyzer: VeilleAnalyzer, reader=None, fuzzy: bool = False):
        self.analyzer = analyzer
        self.reader = reader  # to bound prefix expansion and expand typos; optional
        self.fuzzy = fuzzy  # plain words also match indexed words a typo or two away
        self.terms = 0

    def parse(self, text: str) -> wq.Query:
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"query too long ({len(text)} characters, at most {MAX_QUERY_CHARS})")
        if not text.strip():
            raise QueryError("empty query")
        self.lexemes = lex(text)
        self.i = 0
        self.terms = 0
        q = self._and_expr(depth=0)
        if self.i < len(self.lexemes):
            raise QueryError("unbalanced parenthesis: ')' without a matching '('")
        if q is None:
            raise QueryError("the query has no searchable word (only stop words or punctuation)")
        return q

    # grammar -------------------------------------------------------------

    def _peek(self, offset: int = 0) -> Lexeme | None:
        k = self.i + offset
        return self.lexemes[k] if k < len(self.lexemes) else None

    def _and_expr(self, depth: int) -> wq.Query | None:
        parts: list[wq.Query] = []
        while True:
            lx = self._peek()
            if lx is None or lx.kind == ")":
                break
            if lx.kind == "AND":
                self.i += 1
                nxt = self._peek()
                if not parts or nxt is None or nxt.kind in (")", "AND", "OR"):
                    raise QueryError("AND needs a word on each side")
                continue
            if lx.kind == "OR":
                raise QueryError("OR needs a word on each side")
            run = self._plain_run()
            q = self._words(run) if run else self._or_expr(depth)
            if q is not None:
                parts.append(q)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _plain_run(self) -> list[str]:
        """Consecutive plain words not bound to an OR: analysed together."""
        run: list[str] = []
        while True:
            lx, after = self._peek(), self._peek(1)
            if not (lx and _plain(lx)) or (after and after.kind == "OR"):
                break
            run.append(lx.text)
            self.i += 1
        return run

    def _or_expr(self, depth: int) -> wq.Query | None:
        options = [self._unary(depth)]
        while (lx := self._peek()) is not None and lx.kind == "OR":
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise QueryError("OR needs a word on each side")
            options.append(self._unary(depth))
        options = [q for q in options if q is not None]
        if not options:
            return None
        return options[0] if len(options) == 1 else wq.Or(options)

    def _unary(self, depth: int) -> wq.Query | None:
        lx = self._peek()
        if lx is None:
            raise QueryError("the query ends where a word was expected")
        if lx.kind == "NOT":
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise QueryError("NOT needs a word after it")
            inner = self._unary(depth + 1)
            return wq.Not(inner) if inner is not None else None
        if lx.kind == "(":
            if depth >= MAX_DEPTH:
                raise QueryError(f"parentheses nested more than {MAX_DEPTH} deep")
            self.i += 1
            inner = self._and_expr(depth + 1)
            closing = self._peek()
            if closing is None or closing.kind != ")":
                raise QueryError("unbalanced parenthesis: '(' is never closed")
            self.i += 1
            return inner
        if lx.kind in ("OR", "AND", ")"):
            raise QueryError(f"unexpected {lx.kind if lx.kind != ')' else repr(')')}")
        self.i += 1
        fields = (lx.field,) if lx.field else FIELDS
        if lx.field in FILTERS:
            q = _filter(lx.field, lx.text)
        elif lx.kind == "phrase":
            q = self._phrase(lx.text, fields)
        elif "*" in lx.text or "?" in lx.text:
            q = self._prefix(lx.text, fields)
        else:
            q = self._words([lx.text], fields)
        if q is not None and lx.negated:
            return wq.Not(q)
        return q

    # leaves -----------------------------------------------------------------

    def _analyse(self, text: str) -> list:
        tokens = []
        for t in self.analyzer(text, mode="query", chars=True):
            tokens.append(
                _Tok(t.text, t.startchar, getattr(t, "span", 0), getattr(t, "alternatives", None))
            )
        return tokens

    def _words(self, words: list[str], fields=FIELDS) -> wq.Query | None:
        """Plain words: each word required; a word of several tokens is a phrase."""
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
        queries = [self._unit(unit, fields, words[unit[0].word]) for unit in units]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else wq.And(queries)

    def _phrase(self, text: str, fields=FIELDS) -> wq.Query | None:
        tokens = self._analyse(text)
        return self._unit(tokens, fields) if tokens else None

    def _unit(self, tokens: list, fields, word: str = "") -> wq.Query:
        first = tokens[0]
        if first.alternatives and first.span == len(tokens):
            runs = list(first.alternatives)
        else:
            runs = [tuple(t.text for t in tokens)]
        self.terms += sum(len(r) for r in runs) * len(fields)
        if self.terms > MAX_TERMS * len(FIELDS):
            raise QueryError(f"too many words in the query (at most {MAX_TERMS})")
        if self.fuzzy and word and len(runs) == 1 and len(runs[0]) == 1:
            from .suggest import fuzzy_term

            options = [
                fuzzy_term(self.reader, self.analyzer, field, runs[0][0], word) for field in fields
            ]
            return options[0] if len(options) == 1 else wq.Or(options)
        options = [_sequence(field, run) for run in runs for field in fields]
        return options[0] if len(options) == 1 else wq.Or(options)

    def _prefix(self, word: str, fields) -> wq.Query:
        stem, star, rest = word.partition("*")
        if not star or rest or "?" in word:
            raise QueryError(f"{word!r}: only a * at the end of a word is supported, as in ukrain*")
        words = self.analyzer.unstemmed(stem)
        if len(words) != 1 or len(words[0]) < MIN_PREFIX:
            raise QueryError(f"{word!r}: put at least {MIN_PREFIX} letters before the *")
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
        self.terms += len(fields)
        options = [wq.Prefix(field, prefix) for field in fields]
        return options[0] if len(options) == 1 else wq.Or(options)


@dataclass
class _Tok:
    text: str
    start: int
    span: int
    alternatives: list | None
    word: int = 0


def _plain(lx: Lexeme) -> bool:
    return (
        lx.kind == "word"
        and lx.field is None
        and not lx.negated
        and "*" not in lx.text
        and "?" not in lx.text
    )


def _filter(name: str, value: str) -> wq.Query:
    """``source:cbc.ca`` or ``lang:fr``: the stored value, as the indexer wrote it."""
    value = value.strip()
    if not value:
        example = "cbc.ca" if name == "source" else "fr"
        raise QueryError(f"{name}: needs a value, as in {name}:{example}")
    field = FILTERS[name]
    value = source_name(value, None) if field == "source" else value.lower()
    return wq.Term(field, value, boost=0.0)  # narrows, never ranks


def _sequence(field: str, run: tuple[str, ...]) -> wq.Query:
    if len(run) == 1:
        return wq.Term(field, run[0])
    return FastPhrase(field, list(run))


def parse_query(
    text: str, analyzer: VeilleAnalyzer, reader=None, fuzzy: bool = False
) -> wq.Query:
    """Parse ``text`` into a Whoosh query; raise QueryError with a one-line reason.

    With ``fuzzy``, plain words of 5 letters or more also match indexed words one
    edit away (two from 9 letters), never from or to a name of distinct-names.txt.
    """
    return QueryBuilder(analyzer, reader, fuzzy).parse(text)
