"""Saved pages and exports as readers see them (issue 15): the headline once, the site's
own name for the source, and a broken export line's whole reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import webtest

from veille.indexer.build import index_paths
from veille.indexer.documents import read_file
from veille.indexer.store import index_stats, open_index
from veille.query.search import Options, search
from veille.query.wsgi import make_app

from .conftest import write_articles

HEADLINE = "Russian drones strike Kharkiv overnight, injuring 12"
PARAGRAPHS = [
    "Russian drones struck residential districts of Kharkiv overnight on Aug. 24, injuring "
    "at least 12 people, including two children, Governor Oleh Syniehubov said.",
    "Emergency crews worked through the morning to clear the rubble of a five-storey "
    "building in the Saltivskyi district and to search for residents trapped under it.",
    "Russia has stepped up its attacks on Ukraine's second-largest city in recent weeks, "
    "as talks on a ceasefire have stalled and air defence interceptors remain scarce.",
]


def news_page(headline: str, paragraphs: list[str], site: str | None, url: str) -> str:
    """A page as a browser saves it: menus, share buttons and footer around the article."""
    site_meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{headline} - {site or "News"}</title>
<meta property="og:title" content="{headline}">
<meta property="og:type" content="article">
{site_meta}
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="2025-08-24T08:15:00+03:00">
<link rel="canonical" href="{url}">
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/ukraine">Ukraine</a></nav>
<form><input type="search" placeholder="Search"></form></header>
<main>
<article>
<h1>{headline}</h1>
<p class="byline">by Daria Shulzhenko</p>
{body}
</article>
<div class="share">Share this article: Facebook X Telegram</div>
</main>
<footer><p>Copyright 2025 {site or "News"}. All rights reserved.</p>
<p>Subscribe to our newsletter</p></footer>
</body>
</html>
"""


@pytest.fixture
def pages(tmp_path) -> Path:
    """A Kyiv Independent page, a Le Journal page, and an export that spells its sources
    in lower case (as a scraper might)."""
    record = {
        "title": "Kharkiv schools move underground",
        "body": "Kharkiv opened another underground school this week, the city said.",
        "source": "le journal",
        "url": "https://www.lejournal.example/kharkiv-ecoles",
    }
    return write_articles(
        tmp_path / "docs",
        {
            "kharkiv-drones.html": news_page(
                HEADLINE, PARAGRAPHS, "Kyiv Independent", "https://kyivindependent.com/kharkiv"
            ),
            "kharkiv-metro.html": news_page(
                "Le métro de Kharkiv sert d'abri",
                [
                    "Les habitants de Kharkiv passent de nouveau la nuit dans le métro, où la "
                    "ville a installé des lits et des salles de classe pour les enfants.",
                    "La mairie dit que les stations accueillent chaque nuit plusieurs milliers "
                    "de personnes depuis le début des frappes de drones sur la ville.",
                ],
                "Le Journal",
                "https://www.lejournal.example/kharkiv-metro",
            ),
            "export.jsonl": json.dumps(record) + "\n",
        },
    )


def test_a_saved_page_does_not_repeat_its_headline_at_the_top_of_its_text(pages):
    (doc,), warnings = read_file(pages / "kharkiv-drones.html")
    assert warnings == []
    assert doc.title == HEADLINE
    assert doc.body.splitlines()[0] == PARAGRAPHS[0]
    assert HEADLINE not in doc.body


def test_the_document_page_shows_the_headline_once(pages, tmp_path):
    index_paths(tmp_path / "ix", [pages])
    app = webtest.TestApp(make_app(tmp_path / "ix"))
    (hit,) = app.get("/search", {"q": "Saltivskyi"}).json["hits"]
    page = app.get("/doc", {"path": hit["path"]}).text
    after_heading = page.split(f"<h1>{HEADLINE}</h1>", 1)[1]
    assert HEADLINE not in after_heading
    assert PARAGRAPHS[0][:40] in after_heading


def test_a_lead_that_starts_with_the_headline_words_is_kept_whole(tmp_path):
    lead = f"{HEADLINE} as air defences ran short, the city said."
    docs = write_articles(
        tmp_path / "docs",
        {"lead.html": news_page(HEADLINE, [lead, *PARAGRAPHS], None, "https://x.example/a")},
    )
    (doc,), _ = read_file(docs / "lead.html")
    assert doc.body.splitlines()[0] == lead


def test_the_headline_line_is_recognised_whatever_its_case_and_spacing():
    from veille.indexer.formats import without_title_line

    body = "RUSSIAN drones  strike\u00a0Kharkiv overnight, injuring 12\nFirst paragraph."
    assert without_title_line(body, HEADLINE) == "First paragraph."
    assert without_title_line("Russian drones strike Kharkiv\nText.", HEADLINE) == (
        "Russian drones strike Kharkiv\nText."
    )


def test_the_source_keeps_the_sites_own_spelling(pages, tmp_path):
    (page,), _ = read_file(pages / "kharkiv-drones.html")
    assert page.source == "Kyiv Independent"
    index_paths(tmp_path / "ix", [pages])
    ix = open_index(tmp_path / "ix")
    result = search(ix, "Kharkiv", options=Options(collapse=False))
    shown = {Path(h.path).name.split("#")[0]: h.source for h in result.hits}
    assert shown == {
        "kharkiv-drones.html": "Kyiv Independent",
        "kharkiv-metro.html": "Le Journal",
        "export.jsonl": "le journal",  # as the export spells it
    }
    # one source, counted once, under its most common spelling
    assert result.facets["source"] == {"Le Journal": 2, "Kyiv Independent": 1}
    assert index_stats(tmp_path / "ix")["sources"] == {"Le Journal": 2, "Kyiv Independent": 1}


def test_a_host_taken_from_the_address_stays_in_lower_case(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {"a.html": news_page(HEADLINE, PARAGRAPHS, None, "https://WWW.Kyiv-Post.example/a")},
    )
    (doc,), _ = read_file(docs / "a.html")
    assert doc.source == "kyiv-post.example"


@pytest.mark.parametrize(
    "query",
    [
        'Kharkiv source:"Kyiv Independent"',
        'Kharkiv source:"kyiv independent"',
        'Kharkiv source:"KYIV INDEPENDENT"',
    ],
)
def test_source_filters_ignore_case(pages, tmp_path, query):
    index_paths(tmp_path / "ix", [pages])
    result = search(open_index(tmp_path / "ix"), query, options=Options(collapse=False))
    assert [Path(h.path).name for h in result.hits] == ["kharkiv-drones.html"]


@pytest.mark.parametrize("source", ["Le Journal", "le journal", "www.Le Journal"])
def test_the_source_option_and_the_servers_source_parameter_ignore_case(pages, tmp_path, source):
    index_paths(tmp_path / "ix", [pages])
    ix = open_index(tmp_path / "ix")
    options = Options(collapse=False, source=source)
    names = sorted(Path(h.path).name for h in search(ix, "Kharkiv", options=options).hits)
    assert names == ["export.jsonl#line-1", "kharkiv-metro.html"]
    app = webtest.TestApp(make_app(tmp_path / "ix"))
    data = app.get("/search", {"q": "Kharkiv", "source": source, "collapse": "0"}).json
    assert sorted(h["source"] for h in data["hits"]) == ["Le Journal", "le journal"]


def test_a_one_word_source_filter_ignores_case(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {"a.html": news_page(HEADLINE, PARAGRAPHS, "Ukrinform", "https://ukrinform.example/a")},
    )
    index_paths(tmp_path / "ix", [docs])
    ix = open_index(tmp_path / "ix")
    for query in ("Kharkiv source:Ukrinform", "Kharkiv source:ukrinform"):
        assert [h.source for h in search(ix, query).hits] == ["Ukrinform"], query


BROKEN_LINE = '{"title": "Kharkiv'  # the string never ends


@pytest.fixture
def streamed(monkeypatch):
    """Exports of any size are streamed (as those of 8 MB or more are)."""
    monkeypatch.setattr("veille.indexer.documents.STREAM_FROM_BYTES", 0)


def export_with_bad_lines(folder: Path) -> Path:
    good = [json.dumps({"title": f"Note {i}", "body": "Kharkiv"}) for i in (1, 2)]
    huge_number = '{"title": "Note 4", "views": ' + "9" * 5000 + "}"
    lines = [good[0], good[1], BROKEN_LINE, huge_number]
    return write_articles(folder, {"export.jsonl": "\n".join(lines) + "\n"}) / "export.jsonl"


EXPECTED_LINE_WARNINGS = [
    "line 3 skipped, not JSON: Unterminated string starting at column 11 (char 10)",
    "line 4 skipped, not JSON: Exceeds the limit (4300 digits) for integer string conversion: "
    "value has 5000 digits",
]


def test_a_broken_export_line_is_named_with_the_whole_reason(tmp_path):
    export = export_with_bad_lines(tmp_path / "docs")
    warnings: list[str] = []
    summary = index_paths(tmp_path / "ix", [export.parent], warn=warnings.append)
    assert summary.indexed == 2
    assert warnings == [f"{export}: {w}" for w in EXPECTED_LINE_WARNINGS]


def test_a_broken_line_of_a_streamed_export_is_named_with_the_whole_reason(tmp_path, streamed):
    export = export_with_bad_lines(tmp_path / "docs")
    warnings: list[str] = []
    summary = index_paths(tmp_path / "ix", [export.parent], warn=warnings.append)
    assert summary.indexed == 2
    assert warnings == [f"{export}: {w}" for w in EXPECTED_LINE_WARNINGS]


def test_a_broken_json_file_is_named_with_the_line_column_and_reason(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {
            "array.json": '[{"title": "Note 1", "body": "Kharkiv"},\n {"title": "Note 2}]',
            "a.txt": "Kharkiv\nText.",
        },
    )
    warnings: list[str] = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    assert summary.skipped == 1
    assert warnings == [
        f"{docs / 'array.json'}: skipped, not valid JSON: Unterminated string starting at "
        "line 2, column 12 (char 52)"
    ]


def test_a_record_holding_a_line_separator_character_is_read_whole(tmp_path):
    record = {"title": "Kharkiv", "body": "Drones over Kharkiv.\u2028Then over Odesa.\u0085End."}
    docs = write_articles(
        tmp_path / "docs", {"export.jsonl": json.dumps(record, ensure_ascii=False) + "\n"}
    )
    (doc,), warnings = read_file(docs / "export.jsonl")
    assert warnings == []
    assert "Then over Odesa." in doc.body
