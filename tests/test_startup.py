"""The deferred standard-library modules of `veille` start-up stay transparent."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


def test_a_search_does_not_import_asyncio_or_urllib_request(tmp_path):
    from veille.corpus import CORPUS_DIR
    from veille.indexer.build import index_paths

    index_paths(tmp_path / "ix", [CORPUS_DIR])
    proc = run(
        f"""
        import sys
        from veille.query.startup import defer_unused_imports
        defer_unused_imports()
        from pathlib import Path
        from veille.indexer.store import open_index
        from veille.query.search import search
        assert search(open_index(Path({str(tmp_path / "ix")!r})), "Kiev").total == 1  # one story
        deferred = ("asyncio", "urllib.request", "whoosh.lang.morph_en", "whoosh.lang.porter")
        for name in (*deferred, "html"):
            module = sys.modules[name]
            assert type(module).__name__ == "DeferredModule", name
            assert module.__dict__["_deferred_real"] is None, name
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok\n"


def test_the_real_modules_load_on_first_use():
    proc = run(
        """
        from veille.query.startup import defer_unused_imports
        defer_unused_imports()
        import asyncio
        import urllib.request

        async def answer():
            return 42

        assert asyncio.run(answer()) == 42
        assert urllib.request.Request("http://127.0.0.1/").host == "127.0.0.1"
        import sys
        assert type(sys.modules["asyncio"]).__name__ == "module"
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok\n"


def test_a_submodule_of_a_deferred_package_imports(tmp_path):
    """Markdown files are read with markdown-it-py, which imports html.entities."""
    (tmp_path / "note.md").write_text("# Revue *Kharkiv*\n\nSelon [un rapport](x), Kharkiv.\n")
    proc = run(
        f"""
        from veille.query.startup import defer_unused_imports
        defer_unused_imports()
        import html.entities
        assert html.entities.html5["amp;"] == "&"
        from pathlib import Path
        from veille.indexer.documents import read_file
        (doc,), _ = read_file(Path({str(tmp_path / "note.md")!r}))
        print(doc.title)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Revue Kharkiv\n"


def test_one_search_on_a_small_index_does_not_load_numpy_and_a_second_does(tmp_path):
    """A one-shot `veille search` is spared NumPy's import; a process that goes on
    searching loads it for the array evaluation of long posting lists."""
    from veille.corpus import CORPUS_DIR
    from veille.indexer.build import index_paths

    index_paths(tmp_path / "ix", [CORPUS_DIR])
    proc = run(
        f"""
        import sys
        from pathlib import Path
        from veille.indexer.store import open_index
        from veille.query.search import search
        ix = open_index(Path({str(tmp_path / "ix")!r}))
        assert search(ix, "Kiev garanties").total == 1
        print("numpy" in sys.modules)
        assert search(ix, "Kiev garanties").total == 1
        print("numpy" in sys.modules)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "False\nTrue\n"
