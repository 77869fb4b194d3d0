"""Malformed and hostile queries get one clear error; Whoosh-Reloaded's pitfalls are guarded."""

from __future__ import annotations

import itertools
import string

import pytest
from whoosh import query as wq

from veille.indexer.store import open_index
from veille.query.parser import (
    MAX_DEPTH,
    MAX_PREFIX_EXPANSION,
    QueryError,
    lex,
    parse,
    parse_query,
)
from veille.query.search import search


@pytest.mark.parametrize(
    "text, words",
    [
        ("NOT OR x", {"x"}),  # IndexError inside Whoosh's parser
        ("kiev OR", {"kiv"}),
        ("OR kiev", {"kiv"}),
        ("kiev NOT", {"kiv"}),
        ("AND kiev", {"kiv"}),
        ("(kiev", {"kiv"}),
        ("kiev)", {"kiv"}),
        ("*ment", {"ment"}),
        ("*a* kiev", {"kiv"}),
        ("ki?v", {"ki", "v"}),
        ("k*", {"k"}),
        ("title:(kiev)", {"titl", "kiv"}),
        ("Facebook : mon compte", {"facebok", "compt"}),
        ("kiev - russie", {"kiv", "rusia"}),
        ("Qu'est-ce que la médiation familiale ?", {"est", "mediation", "familial"}),
    ],
)
def test_malformed_syntax_is_punctuation(analyzer, text, words):
    parsed = parse(text, analyzer)
    assert {t for c in parsed.clauses for _, t in c.query.iter_all_terms()} == words
    assert all(c.role in ("ranked", "soft") for c in parsed.clauses)


def test_kherson_or_kharkiv_is_one_clause_and_a_dangling_or_is_dropped(analyzer):
    parsed = parse("drones kherson OR kharkiv OR", analyzer)
    assert [c.label for c in parsed.clauses] == ["drones", "kherson OR kharkiv"]


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_query_is_an_error(analyzer, text):
    with pytest.raises(QueryError, match="empty query"):
        parse(text, analyzer)


def test_a_query_of_stop_words_has_no_clause(analyzer):
    assert parse("de la ?", analyzer).clauses == []
    with pytest.raises(QueryError, match="no searchable word"):
        parse_query("de la", analyzer)


def test_deep_nesting_is_bounded_not_a_recursion_error(analyzer):
    # RecursionError inside Whoosh's own parser; here parentheses past 32 are punctuation
    assert parse_query("(" * 400 + "kiev" + ")" * 400, analyzer)
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
