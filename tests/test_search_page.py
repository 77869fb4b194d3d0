"""The server's search page as a newsroom meets it: in French or English, with filters by
source and dates, and clear about what it shows (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import webtest

from veille.indexer.build import index_paths
from veille.query.pages import all_labels
from veille.query.wsgi import make_app

from .conftest import write_articles


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> webtest.TestApp:
    docs = write_articles(
        tmp_path_factory.mktemp("docs"),
        {
            f"2024-03-0{n}-kharkov-{source}.json": json.dumps(
                {
                    "title": f"Frappes sur Kharkov, jour {n}",
                    "body": f"La ville de Kharkov a été frappée le jour {n}. Garanties.",
                    "source": source,
                    "date": f"2024-03-0{n}",
                }
            )
            for n, source in ((1, "cbc.ca"), (2, "lemonde.fr"), (3, "cbc.ca"), (4, "afp.com"))
        },
    )
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [docs])
    return webtest.TestApp(make_app(directory))


def names(res) -> list[str]:
    return [a.text for a in res.html.select("ol > li > a:first-child")]


def test_the_page_speaks_the_browser_s_language_or_the_one_asked(app):
    french = app.get("/", {"q": "Kharkov"}, headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert french.html.html["lang"] == "fr"
    assert french.html.select_one("label[for=q]").text == all_labels()["fr"]["search_label"]
    assert "4 résultats" in french.html.select_one("[role=status]").text
    english = app.get("/", {"q": "Kharkov"}, headers={"Accept-Language": "de, en;q=0.8"})
    assert english.html.html["lang"] == "en" and "4 results" in english.text
    preferred = app.get("/", {"q": "Kharkov"}, headers={"Accept-Language": "en;q=0.4, fr;q=0.9"})
    assert preferred.html.html["lang"] == "fr"
    asked = app.get("/", {"q": "Kharkov", "lang": "fr"}, headers={"Accept-Language": "en"})
    assert asked.html.html["lang"] == "fr"
    # a link the French page gives keeps French
    doc = asked.click(href="/doc", index=0)
    assert doc.html.html["lang"] == "fr" and "Retour aux résultats" in doc.text


def test_every_language_has_every_label():
    labels = all_labels()
    assert set(labels["fr"]) == set(labels["en"])
    assert all(text.strip() for table in labels.values() for text in table.values())


def test_results_can_be_narrowed_by_source_and_dates_and_the_filters_are_kept(app):
    res = app.get("/", {"q": "Kharkov", "limit": 1})
    sources = [o["value"] for o in res.html.select("select#source option")]
    assert sources == ["", "afp.com", "cbc.ca", "lemonde.fr"]  # "All sources", then those found
    form = res.forms[0]
    form["source"] = "cbc.ca"
    form["since"] = "2024-03-02"
    narrowed = form.submit()
    assert names(narrowed) == ["Frappes sur Kharkov, jour 3"]
    assert narrowed.html.select_one("select#source option[selected]")["value"] == "cbc.ca"
    assert narrowed.html.select_one("input#since")["value"] == "2024-03-02"
    both = app.get("/", {"q": "Kharkov", "source": "cbc.ca", "limit": 1})
    assert names(both) == ["Frappes sur Kharkov, jour 3"] or names(both) == [
        "Frappes sur Kharkov, jour 1"
    ]
    following = both.click("Next")
    assert "source=cbc.ca" in following.request.url
    assert len(names(following)) == 1 and names(following) != names(both)
    assert app.get("/search", {"q": "Kharkov", "source": "afp.com"}).json["total"] == 1


def test_a_page_past_the_last_says_so_and_links_back(app):
    res = app.get("/", {"q": "Kharkov", "page": 9})
    status = res.html.select_one("[role=status]").text
    assert "Page 9 is past the last page of results" in status
    assert not res.html.select("ol > li")
    first = res.click("Go to the first page")
    assert len(names(first)) == 4
    french = app.get("/", {"q": "Kharkov", "page": 9, "lang": "fr"})
    assert "La page 9 est au-delà de la dernière page" in french.text


def test_a_partial_search_says_so_on_the_page(tmp_path):
    docs = write_articles(
        tmp_path / "docs", {f"a{i}.txt": f"Kiev {i}\nKyiv {i}" for i in range(300)}
    )
    index_paths(tmp_path / "ix", [docs])
    app = webtest.TestApp(make_app(tmp_path / "ix", time_limit=0))
    assert "these results are partial" in app.get("/", {"q": "Kiev"}).text


def test_a_file_date_is_marked_in_the_page_s_language(tmp_path):
    docs = write_articles(tmp_path / "docs", {"sans-date.txt": "Kiev\nUne dépêche sans date."})
    index_paths(tmp_path / "ix", [docs])
    app = webtest.TestApp(make_app(tmp_path / "ix"))
    assert "(file date)" in app.get("/", {"q": "Kiev"}).text
    assert "(date du fichier)" in app.get("/", {"q": "Kiev", "lang": "fr"}).text
    path = app.get("/search", {"q": "Kiev"}).json["hits"][0]["path"]
    assert "(date du fichier)" in app.get("/doc", {"path": path, "lang": "fr"}).text
    assert Path(path).name == "sans-date.txt"
