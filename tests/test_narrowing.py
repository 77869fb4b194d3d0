"""Narrowing and ordering results: sources, languages, dates, newest first, facet counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from webtest import TestApp

from veille.indexer.build import index_paths
from veille.query.cli import cli
from veille.query.wsgi import make_app

RECORDS = [
    {"title": "Kiev en août", "body": "Drones sur Kiev.", "source": "cbc.ca", "date": "2025-08-24"},
    {
        "title": "Kyiv in September",
        "body": "The drones over Kyiv.",
        "source": "bbc.co.uk",
        "date": "2025-09-10",
    },
    {
        "title": "Київ у жовтні",
        "body": "Kiev encore.",
        "url": "https://www.cbc.ca/x",
        "date": "2025-10-02",
    },
    {"title": "Odessa", "body": "Port.", "source": "cbc.ca", "date": "2025-10-05"},
    {"title": "Lviv", "body": "Gare.", "source": "x.org", "url": "javascript:alert(1)"},
]


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> Path:
    docs = tmp_path_factory.mktemp("docs")
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS)
    (docs / "wire.jsonl").write_text(lines + "\n", "utf-8")
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [docs])
    return directory


def search(dated: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["search", "--index", str(dated), "--json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def titles(data: dict) -> list[str]:
    return [h["title"] for h in data["hits"]]


def test_dates_narrow_the_results_both_days_included(dated):
    assert sorted(titles(search(dated, "Kiev", "--since", "2025-09-10"))) == [
        "Kyiv in September",
        "Київ у жовтні",
    ]
    assert titles(search(dated, "Kiev", "--until", "2025-08-24")) == ["Kiev en août"]
    assert search(dated, "Kiev", "--since", "2026-01-01")["total"] == 0


def test_newest_first(dated):
    data = search(dated, "Kiev", "--sort", "date")
    assert titles(data) == ["Київ у жовтні", "Kyiv in September", "Kiev en août"]
    assert data["sort"] == "date" and all(h["score"] is None for h in data["hits"])
    assert [h["date"] for h in data["hits"]] == ["2025-10-02", "2025-09-10", "2025-08-24"]


def test_facets_count_every_match_by_source_and_month(dated):
    data = search(dated, "Kiev", "--limit", "1")
    assert data["total"] == 3 and len(data["hits"]) == 1
    assert data["facets"] == {
        "source": {"cbc.ca": 2, "bbc.co.uk": 1},
        "month": {"2025-10": 1, "2025-09": 1, "2025-08": 1},
    }


def test_source_and_language_filters(dated):
    assert sorted(titles(search(dated, "Kiev", "source:cbc.ca"))) == [
        "Kiev en août",
        "Київ у жовтні",
    ]
    assert titles(search(dated, "--", "Kiev", "-source:www.CBC.ca")) == ["Kyiv in September"]
    assert titles(search(dated, "source:bbc.co.uk")) == ["Kyiv in September"]


def test_the_terminal_shows_source_and_date(dated):
    out = CliRunner().invoke(cli, ["search", "--index", str(dated), "Odessa"]).stdout
    assert "   cbc.ca · 2025-10-05 · " in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "24/08/2025"], "'24/08/2025' does not match the format '%Y-%m-%d'"),
        (["--sort", "popularity"], "'popularity' is not one of 'relevance', 'date'"),
        (["--since", "2025-10-01", "--until", "2025-09-01"], "--since is after --until"),
    ],
)
def test_bad_dates_and_sorts_exit_2(dated, args, message):
    result = CliRunner().invoke(cli, ["search", "--index", str(dated), "Kiev", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_the_http_api_takes_the_same_options(dated):
    app = TestApp(make_app(dated))
    data = app.get("/search", {"q": "Kiev", "since": "2025-09-01", "sort": "date", "facets": "1"})
    assert titles(data.json) == ["Київ у жовтні", "Kyiv in September"]
    assert data.json["facets"]["source"] == {"bbc.co.uk": 1, "cbc.ca": 1}
    assert "facets" not in app.get("/search", {"q": "Kiev", "facets": "0"}).json
    for params, error in [
        ({"since": "août"}, "since must be a date written YYYY-MM-DD"),
        ({"until": "2025-13-01"}, "until must be a date written YYYY-MM-DD"),
        ({"sort": "random"}, "sort must be one of: relevance, date"),
        ({"facets": "yes"}, "facets must be 0 or 1"),
    ]:
        assert app.get("/search", {"q": "Kiev", **params}, status=400).json["error"] == error
    page = app.get("/", {"q": "Kiev", "since": "2025-10-01"})
    assert "1 result" in page.text and "Київ у жовтні" in page.text
    page = app.get("/", {"q": "Kiev", "source": "x", "since": "2025-10-01"})
    assert "No results" in page.text  # the page filters by source too


def test_pages_show_source_date_and_only_web_links(dated):
    app = TestApp(make_app(dated))
    results = app.get("/", {"q": "Kiev en août"}).text
    assert "cbc.ca · 2025-08-24 · " in results
    hits = app.get("/search", {"q": "Київ OR Lviv", "limit": 10}).json["hits"]
    paths = {h["title"]: h["path"] for h in hits}
    page = app.get("/doc", {"path": paths["Київ у жовтні"]}).text
    assert '<a href="https://www.cbc.ca/x" rel="noopener noreferrer">' in page
    assert "cbc.ca · 2025-10-02 · " in page
    trap = app.get("/doc", {"path": paths["Lviv"]}).text
    assert "javascript:" not in trap and "x.org · " in trap
