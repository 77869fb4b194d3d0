"""The WSGI application through WebTest: every route, every error, CORS, escaping, reloads."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import webtest

from veille.indexer.build import index_paths
from veille.query import wsgi
from veille.query.wsgi import MAX_LIMIT, make_app

from .conftest import corpus_plus, write_articles

XSS_TITLE = "<script>alert(1)</script> Kiev"
XSS_BODY = 'Texte <img src=x onerror="alert(2)"> sur Kiev </mark><script>alert(3)</script>.'


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return corpus_plus(tmp_path_factory, {"xss.txt": f"{XSS_TITLE}\n{XSS_BODY}\n"})


@pytest.fixture
def app(index_dir):
    return webtest.TestApp(make_app(index_dir, cors_origins=["https://intranet.example"]))


def names(data: dict) -> set[str]:
    return {Path(h["path"]).name for h in data["hits"]}


def test_search_returns_the_cli_json_shape_plus_took_ms(app, run, index_dir):
    res = app.get("/search", {"q": "Zaporijia", "facets": "1"})
    assert res.status_int == 200 and res.content_type == "application/json"
    data = res.json
    assert isinstance(data["took_ms"], float)
    cli = json.loads(run("search", "--json", "Zaporijia", index=index_dir).stdout)
    # the same answer, but paths inside the indexed folder: the server's own stay private
    for hit in cli["hits"]:
        hit["path"] = Path(hit["path"]).name
        for version in hit["duplicates"]:
            version["path"] = Path(version["path"]).name
    assert {k: v for k, v in data.items() if k != "took_ms"} == cli
    (hit,) = data["hits"]  # one story, its other version listed under it
    versions = {Path(hit["path"]).name} | {Path(d["path"]).name for d in hit["duplicates"]}
    assert versions == {"carney-kyiv-visit-rivedin.txt", "carney-kyiv-visit-cbc.txt"}


def test_limit_and_page(app):
    first = app.get("/search", {"q": "Kiev", "limit": 1, "collapse": 0}).json
    second = app.get("/search", {"q": "Kiev", "limit": 1, "page": 2, "collapse": 0}).json
    assert first["total"] == 3 and len(first["hits"]) == 1
    assert first["hits"][0]["path"] != second["hits"][0]["path"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "missing query"),
        ({"q": ""}, "missing query"),
        ({"q": "   "}, "missing query"),
        ({"q": "kiev", "match": "most"}, "match must be one of: any, all"),
        ({"q": "kiev", "limit": "ten"}, "limit must be a whole number from 1 to 100"),
        ({"q": "kiev", "limit": "0"}, "limit must be"),
        ({"q": "kiev", "limit": "-1"}, "limit must be"),
        ({"q": "kiev", "limit": str(MAX_LIMIT + 1)}, "limit must be"),
        ({"q": "kiev", "page": "0"}, "page must be"),
        ({"q": "kiev", "page": "1.5"}, "page must be"),
        ({"q": "kiev", "page": "100000"}, "page must be"),
        ({"q": "k" * 1001}, "query too long"),
    ],
)
def test_bad_requests_get_400_with_a_json_error(app, params, message):
    res = app.get("/search", params, status=400)
    assert res.content_type == "application/json"
    assert message in res.json["error"]


def test_repeated_parameters_are_refused(app):
    res = app.get("/search?q=kiev&q=kyiv", status=400)
    assert "more than once" in res.json["error"]


def test_bad_percent_encoding_is_refused(app):
    assert "UTF-8" in app.get("/search?q=%ff%fe", status=400).json["error"]
    assert app.get("/search?q=%ED%A0%80", status=400).json["error"]  # a lone surrogate


def test_oversized_query_strings_are_refused(app):
    res = app.get("/search?q=" + "a" * 5000, status=414)
    assert "longer than" in res.json["error"]


@pytest.mark.parametrize("path", ["/nope", "/search/", "/widget.js.map", "/assets/widget.js"])
def test_unknown_paths_get_404_json(app, path):
    assert app.get(path, status=404).json["error"].startswith("no such page")


@pytest.mark.parametrize(
    "path",
    [
        "/widget.js/../../setup.cfg",
        "/../setup.cfg",
        "/%2e%2e/%2e%2e/setup.cfg",
        "/widget.js%2f..%2f..%2fsetup.cfg",
        "/style.css/../wsgi.py",
        "//etc/passwd",
    ],
)
def test_no_file_outside_the_assets_is_served(app, path):
    res = app.get(path, status=404, expect_errors=True)
    assert res.content_type == "application/json"
    assert "metadata" not in res.text and "root:" not in res.text


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_405(app, method):
    res = app.request("/search?q=kiev", method=method, status=405)
    assert res.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert "not allowed" in res.json["error"]


def test_head_answers_without_a_body(app):
    res = app.head("/search?q=kiev")
    assert res.status_int == 200 and res.body == b""


def test_snippets_escape_document_text_and_keep_only_marks(app):
    data = app.get("/search", {"q": "Kiev onerror", "match": "all"}).json
    (hit,) = data["hits"]
    assert hit["title"] == XSS_TITLE  # JSON carries the title as text
    snippet = hit["snippet"]
    assert "<img" not in snippet and "<script" not in snippet
    assert "&lt;img src=x <mark>onerror</mark>" in snippet
    assert snippet.count("<mark>") == 2 and "&lt;/mark&gt;" in snippet


def test_the_search_page_works_without_javascript(app):
    res = app.get("/")
    assert res.content_type == "text/html"
    form = res.forms[0]
    form["q"] = "Zaporijia"
    results = form.submit()
    assert results.status_int == 200
    assert results.html.find("input", {"name": "q"})["value"] == "Zaporijia"
    assert len(results.html.select("ol > li")) == 1  # one story
    (other,) = results.html.select("ol > li .versions a")  # and its other version
    assert other["href"].startswith("/doc?path=") and "Carney" in other.text
    assert results.html.select("mark")


def test_the_search_page_escapes_queries_and_documents(app):
    res = app.get("/", {"q": 'Kiev "><script>alert(4)</script>'})
    assert "<script>alert(" not in res.text
    assert "<img" not in res.text
    res = app.get("/", {"q": "Kiev onerror"})
    assert "<script>alert(" not in res.text and "&lt;script&gt;alert(1)" in res.text


def test_html_has_a_restrictive_content_security_policy(app):
    res = app.get("/")
    csp = res.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert res.headers["X-Content-Type-Options"] == "nosniff"


def test_the_search_page_shows_query_errors(app):
    res = app.get("/", {"q": "x" * 1001}, status=400)
    assert "query too long" in res.html.select_one(".error").text


def test_the_search_page_pages(app):
    res = app.get("/", {"q": "Kiev", "limit": 1})
    nxt = res.click("Next")
    assert nxt.html.select_one("ol")["start"] == "2"


def test_document_page_shows_the_indexed_text_with_highlights(app):
    hit = app.get("/search", {"q": "Putin"}).json["hits"][0]
    res = app.get("/doc", {"path": hit["path"], "q": "Putin"})
    assert "<mark>Poutine</mark>" in res.text
    assert res.html.h1.text == hit["title"]


def test_document_page_needs_an_indexed_path(app):
    assert app.get("/doc", {"path": "/etc/passwd"}, status=404).json["error"]
    assert app.get("/doc", status=400).json["error"]


def test_document_page_escapes_the_document(app):
    path = next(h["path"] for h in app.get("/search", {"q": "onerror"}).json["hits"])
    res = app.get("/doc", {"path": path})
    assert "<script>" not in res.text and "<img" not in res.text


def test_widget_and_style_are_served(app):
    js = app.get("/widget.js")
    assert js.content_type == "application/javascript"
    assert "data-target" in js.text and "fetch(" in js.text
    assert app.get("/style.css").content_type == "text/css"


def test_healthz_reports_documents_and_last_update(app):
    data = app.get("/healthz").json
    assert data["status"] == "ok" and data["documents"] == 3
    assert data["last_update"].endswith("+00:00")


def test_healthz_and_search_without_an_index_answer_503(tmp_path):
    app = webtest.TestApp(make_app(tmp_path / "missing"))
    assert app.get("/healthz", status=503).json["status"] == "unavailable"
    assert "no index" in app.get("/search?q=kiev", status=503).json["error"]


def test_cors_only_for_configured_origins(app):
    allowed = app.get("/search?q=kiev", headers={"Origin": "https://intranet.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://intranet.example"
    assert allowed.headers["Vary"] == "Origin"
    other = app.get("/search?q=kiev", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    same = app.get("/search?q=kiev")
    assert "Access-Control-Allow-Origin" not in same.headers


def test_no_cors_by_default(index_dir):
    app = webtest.TestApp(make_app(index_dir))
    res = app.get("/search?q=kiev", headers={"Origin": "https://intranet.example"})
    assert "Access-Control-Allow-Origin" not in res.headers


def test_preflight(app):
    ok = app.options(
        "/search",
        headers={
            "Origin": "https://intranet.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert ok.status_int == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://intranet.example"
    assert "GET" in ok.headers["Access-Control-Allow-Methods"]
    assert ok.headers["Access-Control-Allow-Headers"] == "content-type"
    denied = app.options(
        "/search",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        status=403,
    )
    assert denied.json["error"] == "origin not allowed"


def test_any_origin_with_a_star(index_dir):
    app = webtest.TestApp(make_app(index_dir, ["*"]))
    res = app.get("/search?q=kiev", headers={"Origin": "https://x.example"})
    assert res.headers["Access-Control-Allow-Origin"] == "*"


def test_server_errors_are_logged_and_answered_with_json(app, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(wsgi, "run_search", boom)
    res = app.get("/search?q=kiev", status=500)
    assert res.json == {"error": "internal server error"}
    assert "secret detail" not in res.text and "Traceback" not in res.text
    assert "secret detail" in caplog.text


def test_new_documents_are_served_without_a_restart(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    server = make_app(tmp_path / "ix")
    app = webtest.TestApp(server)
    assert app.get("/search?q=Kyiv").json["total"] == 1
    assert app.get("/search?q=Kyiv").json["total"] == 1
    opened = server.pool.opened
    write_articles(docs, {"b.txt": "Kyiv\nB"})
    index_paths(tmp_path / "ix", [docs])
    assert app.get("/search?q=Kiev&collapse=0").json["total"] == 2
    assert server.pool.opened == opened + 1
    index_paths(tmp_path / "ix", [docs / "a.txt"], rebuild=True)  # a new folder swapped in
    assert app.get("/search?q=Kiev").json["total"] == 1
    assert app.get("/healthz").json["documents"] == 1


def test_each_thread_gets_its_own_searcher(index_dir):
    server = make_app(index_dir)
    app = webtest.TestApp(server)
    totals, errors = [], []

    def worker():
        try:
            for _ in range(5):
                totals.append(app.get("/search?q=Zaporijia&collapse=0").json["total"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and totals == [2] * 20
    assert server.pool.opened == 4


def test_module_application_reads_the_environment(monkeypatch, index_dir):
    monkeypatch.setenv("VEILLE_INDEX", str(index_dir))
    monkeypatch.setenv("VEILLE_CORS_ORIGINS", "https://a.example, https://b.example")
    app = wsgi.app_from_environment()
    assert app.index_dir == index_dir
    assert app.cors_origins == {"https://a.example", "https://b.example"}
