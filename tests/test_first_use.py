"""A new user's first week: the bundled articles are a demonstration that the user's own
files replace, and an index folder that is named but holds nothing is an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from veille.corpus import CORPUS_DIR
from veille.indexer.build import index_paths
from veille.indexer.store import META_FILE
from veille.query.cli import cli

from .conftest import write_articles

BUNDLED = {path.name for path in CORPUS_DIR.glob("*.txt")}
REMOVED = "the bundled articles were removed from the index: it now holds your files"


@pytest.fixture
def home(tmp_path) -> dict:
    """The environment of a user with no index yet, whose default index is in tmp_path."""
    return {"VEILLE_INDEX": None, "XDG_DATA_HOME": str(tmp_path / "data"), "NO_COLOR": "1"}


def default_index(tmp_path) -> Path:
    return tmp_path / "data" / "veille" / "index"


def veille(env: dict, *args: str):
    return CliRunner().invoke(cli, list(args), env=env)


def hit_names(result) -> set[str]:
    return {Path(hit["path"]).name for hit in json.loads(result.stdout)["hits"]}


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture
def articles(tmp_path) -> Path:
    return write_articles(
        tmp_path / "articles",
        {"kharkiv.txt": "Frappes sur Kharkiv\nLa ville de Kharkiv et Kiev sous les frappes."},
    )


def test_the_quick_start_then_your_own_folder_leaves_only_your_files(home, tmp_path, articles):
    first = veille(home, "search", "--json", "--no-collapse", "Kiev")
    assert first.exit_code == 0 and hit_names(first) == BUNDLED
    assert "indexing the bundled articles" in first.stderr

    indexed = veille(home, "index", str(articles))
    assert indexed.exit_code == 0, indexed.output
    assert indexed.stderr.strip().splitlines() == [REMOVED]
    assert hit_names(veille(home, "search", "--json", "--no-collapse", "Kiev")) == {"kharkiv.txt"}
    assert json.loads(veille(home, "stats", "--json").stdout)["documents"] == 1

    more = write_articles(tmp_path / "more", {"lviv.txt": "Lviv\nKiev et Lviv."})
    again = veille(home, "index", str(more))  # the index is the user's now: files add up
    assert again.exit_code == 0 and REMOVED not in again.stderr
    found = veille(home, "search", "--json", "--no-collapse", "Kiev")
    assert hit_names(found) == {"kharkiv.txt", "lviv.txt"}


def test_a_first_rebuild_with_your_tables_replaces_the_bundled_articles(home, tmp_path, articles):
    assert veille(home, "search", "Kiev").exit_code == 0
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("Kharkiv, deuxième ville\n", "utf-8")
    indexed = veille(home, "index", "--json", "--synonyms", str(synonyms), str(articles))
    assert indexed.exit_code == 0, indexed.output
    assert REMOVED in indexed.stderr and json.loads(indexed.stdout)["documents"] == 1
    found = veille(home, "search", "--json", "--no-collapse", "deuxième ville")
    assert hit_names(found) == {"kharkiv.txt"}


def test_the_bundled_folder_you_index_yourself_stays(home, articles):
    own = veille(home, "index", str(CORPUS_DIR))
    assert own.exit_code == 0 and REMOVED not in own.stderr
    indexed = veille(home, "index", str(articles))
    assert indexed.exit_code == 0 and REMOVED not in indexed.stderr
    found = veille(home, "search", "--json", "--no-collapse", "Kiev")
    assert hit_names(found) == BUNDLED | {"kharkiv.txt"}


def test_the_bundled_articles_never_enter_an_index_of_your_files(tmp_path, articles):
    """A search filling a new default index while `veille index` fills it with the user's
    files: whichever writes second, the user's files are what the index holds."""
    directory = tmp_path / "ix"
    index_paths(directory, [articles])
    summary = index_paths(directory, [CORPUS_DIR], demonstration=True)
    assert summary.documents == 1
    assert "demonstration" not in json.loads((directory / META_FILE).read_text())


def test_the_bundled_articles_of_an_older_veille_are_indexed_again(home, tmp_path):
    assert veille(home, "search", "Kiev").exit_code == 0
    meta_file = default_index(tmp_path) / META_FILE
    meta = json.loads(meta_file.read_text())
    meta_file.write_text(json.dumps({**meta, "schema_version": meta["schema_version"] - 1}))
    result = veille(home, "search", "--json", "--no-collapse", "Kiev")
    assert result.exit_code == 0, result.output
    assert hit_names(result) == BUNDLED
    assert json.loads(meta_file.read_text())["schema_version"] == meta["schema_version"]


@pytest.mark.parametrize("rebuild", [[], ["--rebuild"]], ids=["update", "rebuild"])
def test_index_without_a_path_indexes_nothing_and_says_how(tmp_path, articles, rebuild):
    directory = tmp_path / "ix"
    index_paths(directory, [articles])
    message = one_error_line(veille({}, "index", *rebuild, "--index", str(directory)))
    assert message == (
        f"Error: give the files or folders to index: veille index --index {directory} PATH..."
    )
    new = tmp_path / "new"
    message = one_error_line(veille({}, "index", "--index", str(new)))
    assert message.endswith(f"veille index --index {new} PATH...")
    assert not new.exists()
    found = veille({}, "search", "--index", str(directory), "--json", "--no-collapse", "Kiev")
    assert hit_names(found) == {"kharkiv.txt"}  # the bundled articles are not in it


def test_plain_index_without_a_path_indexes_nothing(home, tmp_path):
    message = one_error_line(veille(home, "index"))
    assert message == "Error: give the files or folders to index: veille index PATH..."
    assert not default_index(tmp_path).exists()


def test_a_mistyped_index_folder_is_an_error_naming_it(tmp_path):
    mistyped = tmp_path / "mistyped" / "path"
    message = one_error_line(veille({}, "search", "--index", str(mistyped), "Kiev"))
    assert message == (
        f"Error: no index at {mistyped}: run `veille index --index {mistyped} PATH...` first"
    )
    assert not (tmp_path / "mistyped").exists()


def test_an_index_folder_named_by_the_environment_is_not_filled_either(tmp_path):
    mistyped = tmp_path / "archive-typo"
    message = one_error_line(veille({"VEILLE_INDEX": str(mistyped)}, "search", "Kiev"))
    assert message == (
        f"Error: no index at {mistyped} (VEILLE_INDEX): run `veille index PATH...` first"
    )
    assert not mistyped.exists()


@pytest.mark.parametrize(
    "command",
    [["stats"], ["related", "a.txt"], ["analyze", "Kiev"], ["serve", "--port", "0"]],
    ids=["stats", "related", "analyze", "serve"],
)
def test_every_command_names_a_given_folder_that_holds_no_index(tmp_path, command):
    mistyped = tmp_path / "mistyped"
    message = one_error_line(veille({}, *command, "--index", str(mistyped)))
    assert message == (
        f"Error: no index at {mistyped}: run `veille index --index {mistyped} PATH...` first"
    )
    assert not mistyped.exists()


def test_analyze_without_any_index_uses_the_default_chain(home, tmp_path):
    result = veille(home, "analyze", "--json", "Kiev", "Kyiv")
    assert result.exit_code == 0, result.output
    kiev, kyiv = json.loads(result.stdout)["tokens"]  # the shipped tables join them
    assert kiev["token"] == kyiv["token"]
    assert not default_index(tmp_path).exists()
