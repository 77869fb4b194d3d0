"""Index folders given by odd paths: the root, '.', a symbolic link, inside the indexed folder."""

from __future__ import annotations

from click.testing import CliRunner

from veille.query.cli import cli

from ..conftest import found, write_articles


def run_index(*args: str):
    return CliRunner().invoke(cli, ["index", *args])


def test_the_root_of_the_file_system_is_refused_in_one_line(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    result = run_index("--index", "/", str(docs))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: / is the root of the file system: give the index a folder of its own"
    ]
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_current_folder_can_hold_the_index(tmp_path, monkeypatch):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    result = run_index("--index", ".", str(docs))
    assert result.exit_code == 0, result.output
    assert found(tmp_path / "here", "Kiev") == ["a.txt"]
    assert not list(tmp_path.glob("here.*"))


def test_a_current_folder_holding_other_files_is_refused_in_one_line(tmp_path, monkeypatch):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    monkeypatch.chdir(docs)
    result = run_index("--index", ".", str(docs))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {docs} exists and is not a veille index; not touching it"
    ]


def test_a_rebuild_through_a_symbolic_link_swaps_the_real_folder(tmp_path):
    old = write_articles(tmp_path / "old", {"a.txt": "Kiev\nA"})
    new = write_articles(tmp_path / "new", {"b.txt": "Lviv\nB"})
    assert run_index("--index", str(tmp_path / "ix"), str(old)).exit_code == 0
    link = tmp_path / "l"
    link.symlink_to("ix")
    result = run_index("--index", str(link), "--rebuild", str(new))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == tmp_path / "ix"
    assert found(tmp_path / "ix", "Lviv") == ["b.txt"]
    assert found(tmp_path / "ix", "Kiev") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ix.lock", "ix", "l", "new", "old"]
    again = run_index("--index", str(link), "--rebuild", str(old))  # and again, without clean-up
    assert again.exit_code == 0, again.output
    assert found(link, "Kiev") == ["a.txt"]


def test_an_index_inside_the_indexed_folder_is_not_read_as_articles(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    for options in ([], [], ["--rebuild"]):
        result = run_index("--index", str(docs / "ix"), *options, str(docs))
        assert result.exit_code == 0, result.output
        assert "warning" not in result.stderr
    assert found(docs / "ix", "Kiev") == ["a.txt"]
