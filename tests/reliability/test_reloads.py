"""Re-indexing under a running application leaks no file handles (issue 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import webtest

from veille.indexer.build import index_paths
from veille.query.wsgi import make_app

from ..conftest import write_articles


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts /proc/self/fd (Linux)")
def test_reloads_close_what_they_opened(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a0.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    app = webtest.TestApp(make_app(tmp_path / "ix"))
    assert app.get("/search?q=Kiev").json["total"] == 1
    baseline = open_files()
    for i in range(1, 16):
        write_articles(docs, {f"a{i}.txt": f"Kiev\n{i}"})
        index_paths(tmp_path / "ix", [docs], rebuild=(i % 5 == 0))
        assert app.get("/search?q=Kiev").json["total"] == i + 1
    assert open_files() <= baseline + 2


def test_a_searcher_keeps_answering_after_a_rebuild_deletes_its_files(tmp_path):
    """A server thread may be mid-search when `veille index --rebuild` removes the old
    folder: every file a search reads was opened with the searcher, so it still works."""
    from veille.indexer.store import index_analyzer, open_index
    from veille.query.search import Options, open_searcher, run_search

    from ..conftest import write_articles

    docs = write_articles(
        tmp_path / "docs", {"a.txt": "Kiev\nTexte sur Kiev.", "b.txt": "Odessa\nPort."}
    )
    index_paths(tmp_path / "ix", [docs])
    ix = open_index(tmp_path / "ix")
    searcher = open_searcher(ix)
    index_paths(tmp_path / "ix", [docs], rebuild=True)  # the old segment files are deleted
    result = run_search(searcher, index_analyzer(ix), "Kiev", options=Options(facets=True))
    assert [h.title for h in result.hits] == ["Kiev"] and result.facets["month"]
    searcher.close()
