"""A server under steady load while the corpus is re-indexed: no failed request, nothing lost.

A fixed number of rounds and of searches, however fast or busy the machine: the
test checks answers, not speed (the soak's figures are for bench/soak.py).
"""

from __future__ import annotations

import pytest

from ..conftest import veille_command

ROUNDS = 4  # the third is a --rebuild
CLIENTS = 3
SEARCHES_EACH = 40


@pytest.mark.parametrize("workers", [1, 2])
def test_reindexing_under_load_fails_no_request_and_loses_no_document(tmp_path, workers):
    import soak  # bench/soak.py

    assert soak.VEILLE == veille_command()
    report = soak.soak(
        seconds=0,
        clients=CLIENTS,
        workers=workers,
        threads=3,
        start_docs=60,
        per_round=5,
        pause=0.2,
        work=tmp_path,
        min_rounds=ROUNDS,
        min_requests=SEARCHES_EACH,
    )
    assert (report["reindex_rounds"], report["rebuilds"]) == (ROUNDS, 1), report
    assert report["requests"] >= CLIENTS * SEARCHES_EACH, report
    assert report["failed_requests"] == 0, report["failures"]
    assert report["rounds_never_visible"] == 0  # every re-index seen without a restart
    assert report["lost_documents"] == 0, report["lost"]
