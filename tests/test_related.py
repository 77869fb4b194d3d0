"""Related stories: more-like-this over a document's key terms, its own story left out."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import ANY

import pytest
from click.testing import CliRunner
from webtest import TestApp

from veille.corpus import CORPUS_DIR
from veille.indexer.build import index_paths
from veille.query.cli import cli
from veille.query.wsgi import make_app

from .conftest import DATA

CBC = CORPUS_DIR / "carney-kyiv-visit-cbc.txt"
SIMILAR = DATA / "similar-distinct"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [CORPUS_DIR, SIMILAR])
    return directory


def related_names(mixed: Path, document: str, *args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["related", "--index", str(mixed), "--json", document, *args])
    assert result.exit_code == 0, result.output
    return [Path(h["path"]).name for h in json.loads(result.stdout)["hits"]]


def test_the_same_topic_comes_first_and_the_own_story_never(mixed):
    names = related_names(mixed, str(SIMILAR / "zaporijia-centrale-juin.txt"))
    assert names[0] == "zaporijia-centrale-octobre.txt"  # the other article on the plant
    assert "zaporijia-centrale-juin.txt" not in names
    carney = related_names(mixed, str(CBC))
    assert "carney-kyiv-visit-rivedin.txt" not in carney  # its own story: another version
    assert carney[0].startswith("otan-")  # Carney's visit is about NATO's help
    assert len(related_names(mixed, str(CBC), "--limit", "2")) == 2


def test_an_unknown_document_exits_2(mixed):
    result = CliRunner().invoke(cli, ["related", "--index", str(mixed), "nothing-here.txt"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: no document 'nothing-here.txt' in the index (use its path or id)"
    )


def test_the_terminal_lists_titles_with_provenance(mixed):
    out = CliRunner().invoke(cli, ["related", "--index", str(mixed), str(CBC)]).stdout
    assert out.startswith('Stories like "Carney rencontrera Zelenskyy')
    assert "1. " in out and "(score " in out


def test_the_http_api(mixed):
    app = TestApp(make_app(mixed))
    doc_id = str((SIMILAR / "kharkiv-drones-mars.txt").resolve())
    data = app.get("/related", {"id": doc_id, "limit": 3}).json
    # ids are paths inside the indexed folders, never the server's own
    assert data["id"].endswith("similar-distinct/kharkiv-drones-mars.txt")
    assert not data["id"].startswith("/") and len(data["hits"]) == 3
    assert app.get("/related", {"id": data["id"], "limit": 3}).json == {**data, "took_ms": ANY}
    assert Path(data["hits"][0]["path"]).name == "kharkiv-drones-mai.txt"
    assert app.get("/related", status=400).json["error"].startswith("missing document")
    missing = app.get("/related", {"id": "/etc/passwd"}, status=404).json
    assert missing["error"] == (
        "no document '/etc/passwd' in the index (use a path a search returned)"
    )


def test_a_document_is_named_by_its_file_name_or_a_path_relative_to_here(
    mixed, tmp_path, monkeypatch
):
    expected = related_names(mixed, str(SIMILAR / "zaporijia-centrale-juin.txt"))
    assert related_names(mixed, "zaporijia-centrale-juin.txt") == expected
    assert related_names(mixed, "similar-distinct/zaporijia-centrale-juin.txt") == expected
    monkeypatch.chdir(SIMILAR.parent)
    assert related_names(mixed, "./similar-distinct/zaporijia-centrale-juin.txt") == expected


def test_an_ambiguous_or_unknown_file_name_is_one_error_line(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "depeche.txt").write_text("Titre\nLe texte de Kiev.", "utf-8")
    directory = tmp_path / "index"
    index_paths(directory, [tmp_path / "a", tmp_path / "b"])
    runner = CliRunner()
    both = runner.invoke(cli, ["related", "--index", str(directory), "depeche.txt"])
    assert both.exit_code == 2
    assert "names 2 indexed documents" in both.stderr and "a/depeche.txt" in both.stderr
    assert len(both.stderr.strip().splitlines()) == 1
    one = runner.invoke(cli, ["related", "--index", str(directory), "a/depeche.txt"])
    assert one.exit_code in (0, 1) and not one.stderr.startswith("Error")
    none = runner.invoke(cli, ["related", "--index", str(directory), "absente.txt"])
    assert none.exit_code == 2 and "no document 'absente.txt'" in none.stderr
