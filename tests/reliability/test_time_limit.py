"""A search that runs past its time limit stops and says so (issue 5)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from veille.indexer.store import open_index
from veille.query import cli as cli_module
from veille.query.search import search


def test_a_search_past_its_time_limit_stops_and_is_marked_partial(make_index, monkeypatch):
    directory = make_index({f"a{i}.txt": f"Kiev {i}\nKyiv texte {i}" for i in range(600)})
    whole = search(open_index(directory), "Kiev", time_limit=10)
    assert (whole.total, whole.partial) == (600, False)
    cut = search(open_index(directory), "Kiev", time_limit=0)
    assert cut.partial and 0 < cut.total < 600 and len(cut.hits) == 10
    assert cut.as_json()["partial"] is True

    monkeypatch.setattr(cli_module, "CLI_SEARCH_SECONDS", 0)
    result = CliRunner().invoke(
        cli_module.cli, ["search", "--json", "--index", str(directory), "Kiev"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["partial"] is True
    assert "results are partial" in result.stderr
