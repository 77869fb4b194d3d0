"""Malformed and hostile queries get one clear error; Whoosh-Reloaded's pitfalls are guarded."""

from __future__ import annotations

import itertools
import string

import pytest
from whoosh import query as wq

from veille.indexer.store import open_index
from veille.query.parser import MAX_DEPTH, MAX_PREFIX_EXPANSION, QueryError, lex, parse_query
from veille.query.search import search


@pytest.mark.parametrize(
    "text, message",
    [
        ("NOT OR x", "NOT needs a word after it"),  # IndexError inside Whoosh's parser
        ("kiev OR", "OR needs a word on each side"),
        ("OR kiev", "OR needs a word on each side"),
        ("kiev OR OR kyiv", "OR needs a word on each side"),
        ("kiev NOT", "NOT needs a word after it"),
        ("AND kiev", "AND needs a word on each side"),
        ("(kiev", r"'\(' is never closed"),
        ("kiev)", r"'\)' without a matching '\('"),
        ("", "empty query"),
        ("   ", "empty query"),
        ("de la", "no searchable word"),
        ("*ment", "only a \\* at the end"),
        ("*a*", "only a \\* at the end"),
        ("ki?v", "only a \\* at the end"),
        ("k*", "at least 2 letters"),
        ("title:(kiev)", "not to parentheses"),
    ],
)
def test_bad_queries_get_one_clear_error(analyzer, text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text, analyzer)


def test_deep_nesting_is_refused_not_a_recursion_error(analyzer):
    with pytest.raises(QueryError):  # RecursionError inside Whoosh's own parser
        parse_query("(" * 5000 + "kiev" + ")" * 5000, analyzer)
    with pytest.raises(QueryError, match="nested more than"):
        parse_query("(" * 400 + "kiev" + ")" * 400, analyzer)
    assert parse_query("(" * MAX_DEPTH + "kiev" + ")" * MAX_DEPTH, analyzer)


def test_long_queries_and_many_terms_are_refused(analyzer):
    with pytest.raises(QueryError, match="too long"):
        parse_query("kiev " * 1000, analyzer)
    words = " ".join("".join(p) for p in itertools.islice(itertools.product("bcdf", repeat=4), 100))
    with pytest.raises(QueryError, match="too many words"):
        parse_query(words, analyzer)


def test_prefixes_matching_too_many_words_are_refused(make_index):
    words = ["ab" + "".join(p) for p in itertools.product(string.ascii_lowercase, repeat=2)]
    assert len(words) > MAX_PREFIX_EXPANSION
    directory = make_index({"many.txt": "Mots\n" + " ".join(words)})
    with pytest.raises(QueryError, match="type more letters"):
        search(open_index(directory), "ab*")
    assert search(open_index(directory), "abz*").total == 1


def test_unknown_field_prefixes_are_plain_text(analyzer):
    q = parse_query("http://kiev", analyzer)
    assert "kiv" in {t for _, t in q.iter_all_terms()}


def test_lexer_reads_operators_only_in_capitals():
    kinds = [lx.kind for lx in lex("kiev or kyiv OR kharkiv")]
    assert kinds == ["word", "word", "word", "OR", "word"]


def test_plain_words_search_title_and_body(analyzer):
    q = parse_query("kiev", analyzer)
    assert isinstance(q, wq.Or)
    assert {t.fieldname for t in q.subqueries} == {"title", "body"}


def test_a_several_word_synonym_becomes_one_term(analyzer):
    q = parse_query("Union européenne", analyzer)
    assert {t for _, t in q.iter_all_terms()} == {"ue"}
