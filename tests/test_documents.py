"""Real-world documents: page leftovers removed, formats read, metadata kept (issue 6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from veille.corpus import CORPUS_DIR
from veille.indexer.boilerplate import clean_article
from veille.indexer.build import index_paths
from veille.indexer.documents import read_file
from veille.indexer.store import open_index
from veille.query.search import search

from .conftest import DATA, found, write_articles

RIVEDIN = CORPUS_DIR / "carney-kyiv-visit-rivedin.txt"
CBC = CORPUS_DIR / "carney-kyiv-visit-cbc.txt"
BOILERPLATE = [
    "Home Monde",
    "by News Team",
    "0 comment",
    "You may also like",
    "Leave a Comment",
    "Our Company",
    "Rivedin Provides news from the source",
    "Laest News",
    "All Right Reserved",
    "Update Required Flash plugin",
    "Flash plugin",
    "00:00",
    "Unlock left",
]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("bundled") / "ix"
    index_paths(directory, [CORPUS_DIR])
    return directory


def test_the_rivedin_title_is_the_headline_not_the_breadcrumb():
    (doc,), _ = read_file(RIVEDIN)
    assert doc.title == (
        "Carney parle de garanties de sécurité avec Zelenskyy à Kyiv, réitère "
        "éventuellement fournir des troupes canadiennes"
    )


@pytest.mark.parametrize("leftover", BOILERPLATE)
def test_page_leftovers_are_not_searchable(bundled, leftover):
    assert found(bundled, f'"{leftover}"') == []


def body_paragraphs(path: Path) -> list[str]:
    """The article's own paragraphs: after the headline, before "You may also like"."""
    text = path.read_text("utf-8")
    text = text.split("You may also like")[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line for line in lines[2:] if line not in ("by News Team", "0 comment")]


def test_every_sentence_of_the_rivedin_article_is_still_searchable(bundled):
    paragraphs = body_paragraphs(RIVEDIN)
    assert len(paragraphs) > 30
    for paragraph in paragraphs:
        words = re.sub(r'["“”«»„()|]', " ", paragraph).split()[:8]
        assert "carney-kyiv-visit-rivedin.txt" in found(bundled, '"' + " ".join(words) + '"'), (
            paragraph
        )


def test_a_trailing_site_line_is_the_source_not_text(bundled):
    (doc,), _ = read_file(CBC)
    assert doc.source == "cbc.ca"
    assert not doc.body.rstrip().endswith("cbc.ca")
    assert found(bundled, "source:cbc.ca") == ["carney-kyiv-visit-cbc.txt"]
    assert found(bundled, "source:CBC.ca Zelenskyy") == ["carney-kyiv-visit-cbc.txt"]
    assert found(bundled, "cbc") == []


def test_boilerplate_rules_only_cut_the_end_in_the_second_half():
    text = "Titre\nLeave a Comment\n" + "\n".join(f"Phrase {i}." for i in range(10))
    assert "Phrase 9." in clean_article(text).body  # early: kept, it is the text
    late = "Titre\n" + "\n".join(f"Phrase {i}." for i in range(10)) + "\nLeave a Comment\nFooter"
    assert clean_article(late).body.endswith("Phrase 9.")


def test_an_html_page_gives_its_article_title_date_and_source(tmp_path):
    page = DATA / "pages" / "kyiv-visit.html"
    (doc,), warnings = read_file(page)
    assert warnings == []
    assert doc.title == "Carney à Kyiv : les garanties de sécurité au menu"
    assert (doc.date.date().isoformat(), doc.date_from) == ("2025-08-24", "document")
    assert doc.source == "Le Quotidien"
    assert doc.url == "https://www.lequotidien.example/monde/carney-kyiv"
    assert doc.language == "fr"
    index_paths(tmp_path / "ix", [page.parent])
    assert found(tmp_path / "ix", "Zaporizhzhia") == ["kyiv-visit.html"]
    assert found(tmp_path / "ix", '"véhicules blindés"') == ["kyiv-visit.html"]
    for leftover in ("crustacés", "myrtilles", "infolettre", "témoins", "LinkedIn", "Accueil"):
        assert found(tmp_path / "ix", leftover) == [], leftover


def test_markdown_takes_its_title_from_the_first_heading_and_drops_markup(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {
            "note.md": "---\ndate: 2025-09-02\nsource: Notes internes\n---\n\n"
            "Intro avant le titre.\n\n# Revue : *Kharkiv* sous les drones\n\n"
            "Selon [un rapport](https://example.org/rapport-secret), **Kharkiv** a été visée.\n"
            "![carte](carte.png)\n\n- premier point\n- second point\n",
            "plain.md": "Sans titre Markdown\nUn texte simple sur Odessa.\n",
        },
    )
    (note,), _ = read_file(docs / "note.md")
    assert note.title == "Revue : Kharkiv sous les drones"
    assert "un rapport, Kharkiv a été visée." in note.body
    assert "**" not in note.body and "](" not in note.body
    assert (note.date.date().isoformat(), note.date_from, note.source) == (
        "2025-09-02",
        "document",
        "Notes internes",
    )
    index_paths(tmp_path / "ix", [docs])
    assert found(tmp_path / "ix", "rapport-secret") == []
    assert found(tmp_path / "ix", "Odessa") == ["plain.md"]


def test_json_exports_give_one_document_per_record(tmp_path):
    records = [
        {
            "title": "Trêve à Kherson",
            "body": "Les combats ont cessé à Kherson.",
            "date": "2025-08-01",
            "url": "https://www.rferl.org/a/truce",
            "section": "monde",
            "tags": ["trêve"],
        },
        {
            "title": "Kharkiv",
            "text": "Des drones au-dessus de Kharkiv.",
            "source": "Kyiv Independent",
        },
    ]
    docs = tmp_path / "docs"
    docs.mkdir()
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (docs / "export.jsonl").write_text(lines[0] + "\n{not json\n\n" + lines[1] + "\n", "utf-8")
    (docs / "array.json").write_text(json.dumps([{"title": "Odessa", "content": "Port."}, 7]))
    warnings: list[str] = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    assert summary.indexed == 3 and summary.added == 2
    assert (
        f"{docs / 'export.jsonl'}: line 2 skipped, not JSON: Expecting property name enclosed "
        "in double quotes at column 2 (char 1)"
    ) in warnings
    assert f"{docs / 'array.json'}: record 2 skipped, no title or body" in warnings
    ix = open_index(tmp_path / "ix")
    result = search(ix, "Kherson")
    (hit,) = result.hits
    assert hit.path == f"{docs / 'export.jsonl'}#line-1"
    assert (hit.source, hit.url, hit.date_from) == (
        "rferl.org",
        "https://www.rferl.org/a/truce",
        "document",
    )
    with ix.searcher() as s:
        assert s.document(path=hit.path)["extra"] == {"section": "monde", "tags": ["trêve"]}
    assert [h.path for h in search(ix, "source:kyiv independent").hits] == []  # one word only
    assert [h.source for h in search(ix, 'source:"Kyiv Independent"').hits] == ["Kyiv Independent"]
    assert [h.path for h in search(ix, "Odessa").hits] == [f"{docs / 'array.json'}#record-1"]


def test_an_english_article_is_marked_english(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {
            "en.txt": "Carney in Kyiv\nThe prime minister said that the aid was for the army and "
            "that it would be paid by the end of the year, with more to come from allies.",
            "fr.txt": "Carney à Kyiv\nLe premier ministre a dit que les alliés de l'Ukraine sont "
            "prêts et que la paix est pour eux une priorité dans la région, selon lui.",
        },
    )
    index_paths(tmp_path / "ix", [docs])
    assert found(tmp_path / "ix", "Kyiv lang:en") == ["en.txt"]
    assert found(tmp_path / "ix", "Kyiv lang:fr") == ["fr.txt"]


def test_a_date_that_cannot_be_read_falls_back_to_the_file_with_a_warning(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "x.jsonl").write_text(json.dumps({"title": "Kiev", "date": "hier soir"}) + "\n")
    (doc,), warnings = read_file(docs / "x.jsonl")
    assert doc.date_from == "file" and doc.date is not None
    assert warnings == ["date 'hier soir' not understood: the file's date is used"]
