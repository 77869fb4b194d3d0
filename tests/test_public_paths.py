"""The service never shows where the server keeps its files (issue 15): documents are
named by their path inside the indexed folder, linked at --public-url where the files
are published; and a refused origin is logged once, with the flag that allows it."""

from __future__ import annotations

import json
import logging

import pytest
import webtest
from click.testing import CliRunner

from veille.indexer.build import index_paths
from veille.query.cli import cli
from veille.query.wsgi import make_app

from .conftest import write_articles


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("srv") / "archive"
    write_articles(
        root,
        {
            "2024/03/kharkov.txt": "Frappes sur Kharkov\nLa ville de Kharkov a été frappée.",
            "2024/04/kharkov-bis.txt": "Kharkov encore\nKharkov sous les drones, Zaporijia aussi.",
            "web.json": json.dumps(
                {"title": "Kharkov en ligne", "body": "Kharkov.", "url": "https://ex.org/k"}
            ),
        },
    )
    index_paths(root.parent / "ix", [root])
    return root


def test_no_answer_of_the_service_names_the_server_s_folders(archive):
    app = webtest.TestApp(make_app(archive.parent / "ix"))
    data = app.get("/search", {"q": "Kharkov", "collapse": "0"}).json
    paths = sorted(h["path"] for h in data["hits"])
    assert paths == ["2024/03/kharkov.txt", "2024/04/kharkov-bis.txt", "web.json#record-1"]
    shown = [
        app.get("/search", {"q": "Kharkov"}).text,
        app.get("/", {"q": "Kharkov"}).text,
        app.get("/doc", {"path": "2024/03/kharkov.txt", "q": "Kharkov"}).text,
        app.get("/related", {"id": "2024/03/kharkov.txt"}).text,
    ]
    for body in shown:
        assert str(archive) not in body and str(archive.parent) not in body
    page = app.get("/", {"q": "Kharkov"})
    doc = page.click(href="kharkov.txt", index=0)
    assert "La ville de <mark>Kharkov</mark>" in doc.text  # a link of the page opens it


def test_public_url_links_each_file_where_it_is_published(archive):
    app = webtest.TestApp(make_app(archive.parent / "ix", public_url="https://intranet/archive/"))
    hits = app.get("/search", {"q": "Kharkov", "collapse": "0"}).json["hits"]
    urls = {h["path"]: h["url"] for h in hits}
    assert urls["2024/03/kharkov.txt"] == "https://intranet/archive/2024/03/kharkov.txt"
    assert urls["web.json#record-1"] == "https://ex.org/k"  # its own address first
    doc = app.get("/doc", {"path": "2024/03/kharkov.txt"})
    assert doc.html.select_one('a[href="https://intranet/archive/2024/03/kharkov.txt"]')


def test_the_terminal_on_the_machine_itself_shows_the_whole_path(archive):
    out = CliRunner().invoke(cli, ["search", "--index", str(archive.parent / "ix"), "Kharkov"])
    assert str(archive) in out.stdout


def test_a_refused_origin_is_logged_once_with_the_flag_that_allows_it(archive, caplog):
    app = webtest.TestApp(make_app(archive.parent / "ix", cors_origins=["https://ok.example"]))
    caplog.set_level(logging.WARNING, logger="veille.server")
    for _ in range(3):
        app.get("/search", {"q": "Kharkov"}, headers={"Origin": "https://other.example"})
    app.get("/search", {"q": "Kharkov"}, headers={"Origin": "https://ok.example"})
    warnings = [r.getMessage() for r in caplog.records if r.name == "veille.server"]
    assert warnings == [
        "refused a request from pages of https://other.example (not an allowed origin): "
        "allow them with --cors-origin https://other.example"
    ]


def test_the_module_application_takes_the_public_url_from_the_environment(archive, monkeypatch):
    from veille.query.wsgi import app_from_environment

    monkeypatch.setenv("VEILLE_INDEX", str(archive.parent / "ix"))
    monkeypatch.setenv("VEILLE_PUBLIC_URL", "https://intranet/archive")
    app = webtest.TestApp(app_from_environment())
    hits = app.get("/search", {"q": "Kharkov", "collapse": "0"}).json["hits"]
    urls = {h["path"]: h["url"] for h in hits}
    assert urls["2024/03/kharkov.txt"] == "https://intranet/archive/2024/03/kharkov.txt"
