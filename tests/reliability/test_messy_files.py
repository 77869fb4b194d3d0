"""Messy folders: every file is indexed or skipped with a warning naming it; the run completes."""

from __future__ import annotations

import array
import errno
import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import webtest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veille.indexer.build import index_paths
from veille.indexer.store import open_index
from veille.query.cli import cli
from veille.query.wsgi import make_app

from ..conftest import found, write_articles


def test_a_symlink_loop_does_not_hang_the_walk(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    (docs / "loop").symlink_to(docs, target_is_directory=True)
    summary = index_paths(tmp_path / "ix", [docs])
    assert summary.indexed == 1


def index_cli(index: Path, *args: str):
    return CliRunner().invoke(cli, ["index", "--index", str(index), *args])


def test_a_json_file_of_100000_nested_brackets_is_skipped_with_a_warning(tmp_path):
    docs = write_articles(tmp_path / "docs", {"good.txt": "Kiev\nLisible."})
    (docs / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (docs / "deep.jsonl").write_text('{"title": "Kiev ligne"}\n' + "[" * 100_000 + "\n")
    result = index_cli(tmp_path / "ix", str(docs))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {docs / 'deep.json'}: skipped, lists and objects nested too deeply to read",
        f"warning: {docs / 'deep.jsonl'}: line 2 skipped, lists and objects nested too deeply "
        "to read",
    ]
    assert sorted(found(tmp_path / "ix", "Kiev")) == ["deep.jsonl#line-1", "good.txt"]


def test_a_record_with_a_900_deep_field_is_indexed_without_that_field(tmp_path):
    deep: object = "fond"
    for _ in range(900):
        deep = {"niveau": deep}
    record = {"title": "Trêve à Kherson", "body": "Les combats ont cessé.", "tags": [["a"]]}
    docs = write_articles(tmp_path / "docs", {"good.txt": "Kiev\nLisible."})
    (docs / "export.jsonl").write_text(json.dumps(record | {"meta": deep}) + "\n")
    result = index_cli(tmp_path / "ix", str(docs))
    assert result.exit_code == 0, result.output  # the commit pickled it: RecursionError
    assert result.stderr == (
        f"warning: {docs / 'export.jsonl'}: line 1: field 'meta' left out, "
        "nested deeper than 64 levels\n"
    )
    assert found(tmp_path / "ix", "Kiev") == ["good.txt"]
    assert found(tmp_path / "ix", "Kherson") == ["export.jsonl#line-1"]
    stored = open_index(tmp_path / "ix").searcher().document(path=f"{docs}/export.jsonl#line-1")
    assert stored["extra"] == {"tags": [["a"]]}


def test_json_escapes_of_half_characters_are_replaced(tmp_path):
    docs = write_articles(tmp_path / "docs", {"good.txt": "Kiev\nLisible."})
    record = '{"title": "Kiev \\udce9 Odessa", "body": "mot \\ud800", "x": ["\\udc00"]}\n'
    (docs / "export.jsonl").write_text(record + '{"title": "Kiev \\ud83d\\ude00 emoji"}\n')
    result = index_cli(tmp_path / "ix", str(docs))
    assert (result.exit_code, result.stderr) == (0, "")  # UnicodeEncodeError at the commit
    searched = CliRunner().invoke(
        cli, ["search", "--index", str(tmp_path / "ix"), "--json", "Kiev"]
    )
    titles = {hit["title"] for hit in json.loads(searched.stdout)["hits"]}
    assert titles == {"Kiev", "Kiev \ufffd Odessa", "Kiev \U0001f600 emoji"}


def test_a_file_name_that_is_not_utf8_is_indexed_and_shown_with_escapes(tmp_path):
    docs = write_articles(tmp_path / "docs", {"good.txt": "Kiev\nLisible."})
    name = os.fsdecode(b"caf\xe9-odessa.txt")  # Latin-1 bytes, as an old archive has them
    (docs / name).write_text("Odessa\nUn café sur le port.", "utf-8")
    shown = f"{docs}/caf\\xe9-odessa.txt"
    ix = tmp_path / "ix"
    result = index_cli(ix, str(docs))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("files: 2 added,")
    searched = CliRunner().invoke(cli, ["search", "--index", str(ix), "--json", "café"])
    assert [hit["path"] for hit in json.loads(searched.stdout)["hits"]] == [shown]
    related = CliRunner().invoke(cli, ["related", "--index", str(ix), str(docs / name)])
    assert related.output == "No other story like 'Odessa'.\n"  # it was found by its path
    page = webtest.TestApp(make_app(ix)).get("/doc", {"path": shown})
    assert "Un café sur le port." in page.text
    (docs / name).write_text("Odessa\nUn thé sur le port.", "utf-8")
    assert index_cli(ix, str(docs)).stdout.startswith("files: 0 added, 1 updated,")
    (docs / name).unlink()
    assert index_cli(ix, str(docs)).stdout.startswith("files: 0 added, 0 updated, 1 removed,")


def test_a_link_to_itself_is_skipped_when_updating_an_index(tmp_path):
    docs = write_articles(tmp_path / "docs", {"good.txt": "Kiev\nLisible."})
    assert index_cli(tmp_path / "ix", str(docs)).exit_code == 0
    write_articles(docs, {"new.txt": "Kiev\nNouveau."})
    (docs / "self.txt").symlink_to(docs / "self.txt")
    result = index_cli(tmp_path / "ix", str(docs))
    assert result.exit_code == 0, result.output  # Path.resolve raised RuntimeError
    assert result.stderr == (
        f"warning: {docs / 'self.txt'}: skipped, cannot read: Too many levels of symbolic links\n"
    )
    assert sorted(found(tmp_path / "ix", "Kiev")) == ["good.txt", "new.txt"]


def test_links_out_of_the_folders_are_skipped_unless_followed(tmp_path):
    secret = write_articles(tmp_path / "private", {"passwd.txt": "root\nKiev secret"})
    docs = write_articles(tmp_path / "docs", {"sub/real.txt": "Kiev\nDedans."})
    (docs / "passwd.txt").symlink_to(secret / "passwd.txt")
    (docs / "alias.txt").symlink_to(docs / "sub" / "real.txt")  # inside: indexed, once
    result = index_cli(tmp_path / "ix", str(docs))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"warning: {docs / 'passwd.txt'}: skipped, a link to {secret / 'passwd.txt'}, "
        "outside the folders indexed (--follow-links)\n"
    )
    assert result.stdout.startswith("files: 1 added, 0 updated, 0 removed, 0 unchanged, 1 skipped;")
    assert found(tmp_path / "ix", "Kiev") == ["real.txt"]
    followed = index_cli(tmp_path / "ix", "--follow-links", str(docs))
    assert (followed.exit_code, followed.stderr) == (0, "")
    assert sorted(found(tmp_path / "ix", "Kiev")) == ["passwd.txt", "real.txt"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_and_binaries_still_skipped(tmp_path, encoding):
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "Trêve à Odessa\nLe gouvernement a annoncé des garanties de sécurité à Kiev.\n"
    (docs / "note.txt").write_bytes(text.encode(encoding))  # no byte-order mark
    (docs / "program.txt").write_bytes(Path(sys.executable).resolve().read_bytes()[:65536])
    (docs / "samples.txt").write_bytes(array.array("h", range(5000)).tobytes())  # zeros as UTF-16
    warnings: list[str] = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    assert (summary.indexed, summary.skipped) == (1, 2)
    name = encoding.upper()
    assert warnings == [
        f"{docs / 'note.txt'}: read as {name} (no byte-order mark)",
        f"{docs / 'program.txt'}: skipped, binary file, not text",
        f"{docs / 'samples.txt'}: skipped, binary file, not text",
    ]
    assert found(tmp_path / "ix", "sécurité") == ["note.txt"]
    assert found(tmp_path / "ix", "trêve") == ["note.txt"]


def deny(monkeypatch, target: Path, call: str) -> None:
    """Make ``target`` unreadable: chmod 000, or, as root (whom chmod does not stop),
    make ``call`` ('read_bytes' or 'scandir') fail on it as the system would."""
    if os.geteuid() != 0:
        target.chmod(0)
        monkeypatch.undo  # noqa: B018  (nothing to patch)
        return
    denied = OSError(errno.EACCES, "Permission denied", str(target))
    if call == "read_bytes":
        real = Path.read_bytes

        def read_bytes(self):
            if self == target:
                raise denied
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    else:
        real_scandir = os.scandir

        def scandir(path="."):
            if not isinstance(path, int) and Path(path) == target:  # shutil.rmtree passes fds
                raise denied
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_files_and_folders_are_skipped_with_a_warning(tmp_path, monkeypatch):
    docs = write_articles(
        tmp_path / "docs",
        {"ok.txt": "Kiev\nLisible.", "secret.txt": "Kiev\nInterdit.", "closed/in.txt": "Kiev\nX"},
    )
    deny(monkeypatch, docs / "secret.txt", "read_bytes")
    deny(monkeypatch, docs / "closed", "scandir")
    warnings: list[str] = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    (docs / "secret.txt").chmod(0o644)
    (docs / "closed").chmod(0o755)
    assert (summary.indexed, summary.skipped) == (1, 2)
    assert f"{docs / 'secret.txt'}: skipped, cannot read: Permission denied" in warnings
    assert f"{docs / 'closed'}: skipped, cannot list the folder: Permission denied" in warnings
    assert found(tmp_path / "ix", "Kiev") == ["ok.txt"]


def test_a_file_that_vanishes_during_indexing_is_skipped_with_a_warning(tmp_path, monkeypatch):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA", "gone.txt": "Kiev\nB"})
    import veille.indexer.build as build

    listed = build.find_files

    def list_then_delete(paths, *args):
        files = list(listed(paths, *args))
        (docs / "gone.txt").unlink()  # deleted after the folder was listed, before it is read
        return iter(files)

    monkeypatch.setattr(build, "find_files", list_then_delete)
    result = CliRunner().invoke(cli, ["index", "--index", str(tmp_path / "ix"), str(docs)])
    assert result.exit_code == 0
    assert f"warning: {docs / 'gone.txt'}: skipped, cannot read: No such file or directory" in (
        result.stderr
    )
    assert result.stdout.startswith("files: 1 added, 0 updated, 0 removed, 0 unchanged, 1 skipped;")
    assert found(tmp_path / "ix", "Kiev") == ["a.txt"]


def test_a_50_mb_file_is_indexed_whole(tmp_path):
    words = " ".join(f"remplissage{i % 5000}" for i in range(1000)) + "\n"
    big = tmp_path / "docs" / "big.txt"
    big.parent.mkdir()
    lines = ["Archive complète", "Kiev au début."]
    lines += [words] * (50 * 1024 * 1024 // len(words))
    lines.append("Odessa à la fin.")
    big.write_text("\n".join(lines), "utf-8")
    assert big.stat().st_size >= 50 * 1024 * 1024
    summary = index_paths(tmp_path / "ix", [big.parent])
    assert summary.indexed == 1
    assert found(tmp_path / "ix", "Kiev") == ["big.txt"]
    assert found(tmp_path / "ix", "Odessa") == ["big.txt"]  # the last line, 50 MB in


def cpu_limited(code: str, seconds: int) -> subprocess.CompletedProcess:
    """Run Python ``code`` in a process the system stops after ``seconds`` of CPU time."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))

    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
    )


def test_a_1_mb_markdown_line_is_read_in_linear_time(tmp_path):
    """Emphasis markers that never close cost one pass (by regular expression: 54 s for 99 KB).

    A parser shows them as they are, as a reader of the rendered page sees them."""
    line = "Le *gouvernement a annoncé _des garanties à Kiev, " * (1_000_000 // 51)
    text = f"# Une ligne démesurée\n\n{line}[Odessa](https://example.org/ville) tient.\n"
    docs = write_articles(tmp_path / "docs", {"long.md": text})
    proc = cpu_limited(
        f"""
        import time
        from pathlib import Path
        from veille.indexer.documents import read_file
        started = time.process_time()
        (doc,), _ = read_file(Path({str(docs / "long.md")!r}))
        print(time.process_time() - started)
        print(doc.title)
        print(doc.body[-40:])
        """,
        seconds=30,  # on the regular expressions it ran for minutes
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    seconds, title, end = proc.stdout.splitlines()
    assert float(seconds) < 5  # about 0.6 s of process time measured; generous for a busy machine
    assert title == "Une ligne démesurée"
    assert end.endswith("des garanties à Kiev, Odessa tient.")  # markup gone, text kept
    index_paths(tmp_path / "ix", [docs])
    assert found(tmp_path / "ix", "Odessa") == ["long.md"]


MARKER = "zorglub"
# One index serves all the examples of a test (each replaces the document), as a
# folder re-indexed day after day does.
EXAMPLES = dict(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@settings(**EXAMPLES)
@given(before=st.text(max_size=300), after=st.text(max_size=300))
def test_any_text_around_a_word_keeps_the_word_findable(tmp_path, before, after):
    """Whatever Unicode surrounds it, a word on its own line is indexed and found."""
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "doc.txt").write_text(f"{before}\n{MARKER}\n{after}", "utf-8", errors="surrogatepass")
    warnings: list[str] = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    if "\x00" in before + after:  # NUL bytes make it binary: skipped, and said so
        assert summary.skipped == 1 and "binary file" in warnings[0]
    else:
        assert summary.indexed == 1
        assert found(tmp_path / "ix", MARKER) == ["doc.txt"]


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".jsonl", ".json"])
@settings(**EXAMPLES)
@given(data=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_any_bytes_are_indexed_or_skipped_with_a_warning(tmp_path, suffix, data):
    """Whatever a file of each kind holds, the run completes and accounts for it."""
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / f"doc{suffix}").write_bytes(data)
    warnings: list[str] = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    assert summary.added + summary.updated + summary.unchanged + summary.skipped == 1
    if summary.skipped:
        assert warnings and warnings[-1].startswith(f"{docs / f'doc{suffix}'}: skipped, ")
