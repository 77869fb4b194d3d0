"""Indexing again reads only what changed, removes what is gone, and says what it did."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from veille.indexer.build import index_paths
from veille.query.cli import cli

from .conftest import found, veille_command, write_articles


def generation(ix: Path) -> int:
    """The index's commit number (its table of contents)."""
    return max(int(p.name.split("_")[-1].split(".")[0]) for p in ix.glob("_MAIN_*.toc"))


def counts(summary) -> tuple[int, int, int, int, int]:
    return summary.added, summary.updated, summary.removed, summary.unchanged, summary.skipped


def test_an_unchanged_folder_is_not_read_or_written_again(tmp_path, monkeypatch):
    docs = write_articles(
        tmp_path / "docs", {f"a{i}.txt": f"Kiev {i}\nTexte {i}." for i in range(5)}
    )
    first = index_paths(tmp_path / "ix", [docs])
    assert counts(first) == (5, 0, 0, 0, 0)
    before = generation(tmp_path / "ix")
    opened: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self) or real(self))
    again = index_paths(tmp_path / "ix", [docs])
    assert counts(again) == (0, 0, 0, 5, 0) and again.documents == 5
    assert opened == []  # not one file was read
    assert generation(tmp_path / "ix") == before  # and nothing was committed


def test_changed_new_and_deleted_files_are_counted_and_applied(tmp_path):
    docs = write_articles(
        tmp_path / "docs", {"a.txt": "Kiev\nA", "b.txt": "Kiev\nB", "c.txt": "Kiev\nC"}
    )
    index_paths(tmp_path / "ix", [docs])
    (docs / "a.txt").write_text("Odessa\nA réécrit")
    os.utime(docs / "a.txt", (1, 1))
    (docs / "b.txt").unlink()
    write_articles(docs, {"d.txt": "Kiev\nD"})
    summary = index_paths(tmp_path / "ix", [docs])
    assert counts(summary) == (1, 1, 1, 1, 0) and summary.documents == 3
    assert sorted(found(tmp_path / "ix", "Kiev")) == ["c.txt", "d.txt"]
    assert found(tmp_path / "ix", "Odessa") == ["a.txt"]


def test_a_touched_file_with_the_same_bytes_is_unchanged(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    os.utime(docs / "a.txt", (1_000_000, 1_000_000))
    assert counts(index_paths(tmp_path / "ix", [docs])) == (0, 0, 0, 1, 0)


def test_only_files_under_the_given_paths_can_be_removed(tmp_path):
    one = write_articles(tmp_path / "one", {"a.txt": "Kiev\nA"})
    two = write_articles(tmp_path / "two", {"b.txt": "Kiev\nB"})
    index_paths(tmp_path / "ix", [one])
    index_paths(tmp_path / "ix", [two])
    (two / "b.txt").unlink()
    summary = index_paths(tmp_path / "ix", [two])
    assert summary.removed == 1
    assert found(tmp_path / "ix", "Kiev") == ["a.txt"]  # one/ was not given: left alone


def test_a_record_dropped_from_an_export_leaves_the_index(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    export = docs / "export.jsonl"
    export.write_text('{"title": "Kiev"}\n{"title": "Odessa"}\n')
    index_paths(tmp_path / "ix", [docs])
    export.write_text('{"title": "Odessa"}\n')
    os.utime(export, (1, 1))
    assert counts(index_paths(tmp_path / "ix", [docs])) == (0, 1, 0, 0, 0)
    assert found(tmp_path / "ix", "Kiev") == []
    assert found(tmp_path / "ix", "Odessa") == ["export.jsonl#line-1"]


def test_the_summary_line_and_json(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA", "b.txt": ""})
    runner = CliRunner()
    args = ["index", "--index", str(tmp_path / "ix"), str(docs)]
    first = runner.invoke(cli, args)
    assert first.stdout.startswith(
        "files: 1 added, 0 updated, 0 removed, 0 unchanged, 1 skipped; 1 document in the index ("
    )
    data = json.loads(runner.invoke(cli, [*args, "--json"]).stdout)
    assert {k: data[k] for k in ("added", "unchanged", "skipped", "documents")} == {
        "added": 0,
        "unchanged": 1,
        "skipped": 1,
        "documents": 1,
    }


def test_no_progress_bar_when_piped(tmp_path):
    docs = write_articles(tmp_path / "docs", {f"a{i}.txt": f"Kiev\n{i}" for i in range(30)})
    piped = CliRunner().invoke(cli, ["index", "--index", str(tmp_path / "ix"), str(docs)])
    assert piped.exit_code == 0 and "indexing" not in piped.stderr


def index_on_a_terminal(tmp_path: Path, count: int, progress_after: str) -> tuple[str, str]:
    """Run `veille index` on ``count`` articles with its stderr on a pseudo-terminal;
    return what the terminal showed and what went to stdout."""
    docs = write_articles(
        tmp_path / "docs",
        {
            f"n{i:04d}.txt": f"Odessa {i}\n" + " ".join(f"mot{i}x{j}" for j in range(50))
            for i in range(count)
        },
    )
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [veille_command(), "index", "--index", str(tmp_path / "ix"), str(docs)],
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
        env={**os.environ, "VEILLE_PROGRESS_AFTER": progress_after},
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    out = proc.communicate(timeout=120)[0]
    os.close(leader)
    assert proc.returncode == 0
    return seen.decode("utf-8", "replace"), out


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_progress_bar_shows_on_a_terminal(tmp_path):
    """The bar shown at once (VEILLE_PROGRESS_AFTER=0), however fast the machine."""
    screen, out = index_on_a_terminal(tmp_path, 40, "0")
    assert "indexing" in screen and "40/40" in screen and "writing the index" in screen
    assert out.startswith("files: 40 added,")  # the summary still goes to stdout, whole


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_run_shorter_than_the_delay_shows_no_progress_bar(tmp_path):
    screen, out = index_on_a_terminal(tmp_path, 40, "3600")
    assert "indexing" not in screen and "writing the index" not in screen
    assert out.startswith("files: 40 added,")


def test_a_bad_progress_delay_is_one_line(tmp_path):
    result = CliRunner().invoke(
        cli, ["index", "--index", str(tmp_path / "ix"), "--progress-after", "soon"]
    )
    assert result.exit_code == 2 and "'soon' is not a valid float" in result.output


def test_stats_reports_documents_sources_and_dates(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "e.jsonl").write_text(
        '{"title": "Kiev", "source": "cbc.ca", "date": "2025-08-24"}\n'
        '{"title": "Odessa", "source": "cbc.ca", "date": "2025-09-02"}\n'
        '{"title": "Lviv", "url": "https://www.lemonde.fr/x", "date": "2024-12-31"}\n'
    )
    index_paths(tmp_path / "ix", [docs])
    result = CliRunner().invoke(cli, ["stats", "--index", str(tmp_path / "ix"), "--json"])
    data = json.loads(result.stdout)
    assert (data["documents"], data["files"]) == (3, 1)
    assert data["sources"] == {"cbc.ca": 2, "lemonde.fr": 1}
    assert (data["first_date"], data["last_date"]) == ("2024-12-31", "2025-09-02")
    assert data["size_bytes"] > 0 and data["last_update"]
    text = CliRunner().invoke(cli, ["stats", "--index", str(tmp_path / "ix")]).stdout
    assert "documents    3 from 1 files" in text and "dates        2024-12-31 to 2025-09-02" in text
    missing = CliRunner().invoke(cli, ["stats", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no index at" in missing.stderr


def test_runs_that_merge_segments_keep_every_document_its_story_and_title(tmp_path):
    """Each run writes a segment and Whoosh merges small ones at commit: what a merge
    copies (the columns a search reads) must come through whole."""
    from veille.indexer.store import open_index
    from veille.query.search import search

    docs = tmp_path / "docs"
    ix = tmp_path / "ix"
    for n in range(8):
        write_articles(docs, {f"k{n}.txt": f"Kherson, jour {n}\nLe pont de Kherson, jour {n}."})
        index_paths(ix, [docs])
        result = search(open_index(ix), "Kherson", limit=20)
        assert sorted(Path(h.path).name for h in result.hits) == [f"k{i}.txt" for i in range(n + 1)]
        assert {h.title for h in result.hits} == {f"Kherson, jour {i}" for i in range(n + 1)}
    assert len(open_index(ix)._segments()) < 8  # merged on the way
