"""Bad configuration (tables, index folders) is reported in one line that names the file."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
import whoosh.filedb.filestore
from click.testing import CliRunner
from webtest import TestApp

from veille.corpus import CORPUS_DIR
from veille.indexer.build import index_paths
from veille.query.cli import cli
from veille.query.wsgi import make_app

from ..conftest import write_articles


def veille(*args: str):
    return CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1"})


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "table, line",
    [
        (b"otan, nato\nkiev\n", "line 2: 'kiev' needs at least two entries"),
        (b"kremlin => moscou\nmoscou => kremlin\n", "line 2: the one-way rules make a cycle"),
        (b"otan, nato\n\xff\n", "not UTF-8 (byte 0xff at offset 11); save it as UTF-8"),
    ],
    ids=["malformed", "cycle", "not-utf8"],
)
@pytest.mark.parametrize("option", ["--synonyms", "--variants"])
def test_a_bad_table_names_its_file_and_line(tmp_path, table, line, option):
    path = tmp_path / "table.txt"
    path.write_bytes(table)
    message = one_error_line(veille("index", "--index", str(tmp_path / "ix"), option, str(path)))
    assert str(path) in message and line in message
    assert not (tmp_path / "ix").exists()  # nothing was created


@pytest.fixture
def built(tmp_path) -> Path:
    ix = tmp_path / "ix"
    index_paths(ix, [write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})])
    return ix


def test_an_index_from_another_version_is_refused_by_every_command(built, tmp_path):
    (built / "veille.json").write_text(json.dumps({"analysis_version": 999}))
    for args in (["search", "Kiev"], ["index", str(tmp_path / "docs")], ["analyze", "Kiev"]):
        message = one_error_line(veille(*args, "--index", str(built)))
        assert message == (
            f"Error: the index at {built} was built by another version of veille: "
            "run `veille index --rebuild PATH...` on the folders it holds"
        )
    answer = TestApp(make_app(built)).get("/search?q=Kiev", status=503)
    assert "another version of veille" in answer.json["error"]
    rebuilt = veille("index", "--rebuild", "--index", str(built), str(tmp_path / "docs"))
    assert rebuilt.exit_code == 0
    assert veille("search", "--index", str(built), "Kiev").exit_code == 0


def test_a_damaged_index_is_reported_not_crashed_on(built):
    for toc in built.glob("_MAIN_*.toc"):
        toc.write_bytes(toc.read_bytes()[:40])
    message = one_error_line(veille("search", "--index", str(built), "Kiev"))
    assert message.startswith(f"Error: cannot open the index at {built}")


@pytest.mark.parametrize("command", [["search", "Kiev"], ["index", str(CORPUS_DIR)], ["serve"]])
def test_a_folder_that_is_not_an_index_is_named(tmp_path, command):
    folder = tmp_path / "notes"
    write_articles(folder, {"mine.md": "keep me"})
    message = one_error_line(veille(*command, "--index", str(folder)))
    assert message == f"Error: {folder} exists and is not a veille index; not touching it" or (
        message == f"Error: {folder} is not a veille index"
    )
    assert (folder / "mine.md").read_text() == "keep me"


def test_a_read_only_index_is_searched_but_not_written(built, tmp_path, monkeypatch):
    """Searching never writes; writing says why it cannot and leaves the index as it was."""
    more = write_articles(tmp_path / "more", {"b.txt": "Kiev\nB"})
    if os.geteuid() != 0:
        built.chmod(0o555)
    else:  # root writes through permissions: refuse as a read-only folder would
        denied = OSError(errno.EROFS, "Read-only file system")

        def refuse(*args, **kwargs):
            raise denied

        monkeypatch.setattr(whoosh.filedb.filestore.FileStorage, "create_file", refuse)
        monkeypatch.setattr(whoosh.filedb.filestore.FileStorage, "lock", refuse)
    try:
        message = one_error_line(veille("index", "--index", str(built), str(more)))
        assert message.startswith(f"Error: cannot write the index at {built}: ")
        assert message.endswith("; the last committed index is unchanged")
        result = veille("search", "--index", str(built), "--json", "Kiev")
        assert result.exit_code == 0
        assert [Path(h["path"]).name for h in json.loads(result.stdout)["hits"]] == ["a.txt"]
    finally:
        built.chmod(0o755)
