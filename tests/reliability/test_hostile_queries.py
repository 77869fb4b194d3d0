"""Arbitrary query strings get results or one clear error, never a crash (issue 5, first part)."""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille.query.parser import QueryError
from veille.query.search import search
from veille.query.wsgi import make_app

SYNTAX = ["(", ")", '"', "“", "»", "OR", "AND", "NOT", "-", "*", "?", "title:", "body:", "foo:"]
WORDS = ["Kiev", "Київ", "sécurité", "de", "la", "cessez-le-feu", "Union", "européenne", "ukr"]

query_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(SYNTAX + WORDS + list(string.punctuation)), max_size=30).map(" ".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=30).map("".join),
)

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(text=query_text)
def test_search_answers_or_refuses_in_one_line(corpus_index, text):
    from veille.indexer.store import open_index

    try:
        result = search(open_index(corpus_index), text)
    except QueryError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
    else:
        assert 0 <= len(result.hits) <= 10 and result.total >= len(result.hits)


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    from veille.corpus import CORPUS_DIR
    from veille.indexer.build import index_paths

    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [CORPUS_DIR])
    return webtest.TestApp(make_app(directory))


@SETTINGS
@given(text=query_text)
def test_http_answers_200_or_400_with_json(http, text):
    res = http.get("/search?q=" + quote(text, safe=""), expect_errors=True)
    assert res.status_int in (200, 400), res.text
    assert res.content_type == "application/json"
    if res.status_int == 400:
        assert res.json["error"]
