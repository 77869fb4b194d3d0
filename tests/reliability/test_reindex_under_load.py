"""A server under steady load while the corpus is re-indexed: no failed request, nothing lost."""

from __future__ import annotations

import pytest

from ..conftest import veille_command


@pytest.mark.parametrize("workers", [1, 2])
def test_reindexing_under_load_fails_no_request_and_loses_no_document(tmp_path, workers):
    import soak  # bench/soak.py

    assert soak.VEILLE == veille_command()
    report = soak.soak(
        seconds=6,
        clients=3,
        workers=workers,
        threads=3,
        start_docs=60,
        per_round=5,
        pause=0.2,
        work=tmp_path,
        min_rounds=4,  # a busy machine gets the same rounds, in more time
    )
    assert report["reindex_rounds"] >= 4 and report["rebuilds"] >= 1, report
    assert report["requests"] > 100, report
    assert report["failed_requests"] == 0, report["failures"]
    assert report["rounds_never_visible"] == 0  # answers switched without a restart
    assert report["lost_documents"] == 0, report["lost"]
