"""Shared fixtures: indexes built in temporary folders, and a CLI runner."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from veille.corpus import CORPUS_DIR
from veille.indexer.analysis import build_analyzer
from veille.indexer.build import index_paths
from veille.indexer.store import open_index
from veille.query.cli import cli
from veille.query.search import Options, search

DATA = Path(__file__).parent / "data"
BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

from serving import started_server  # noqa: E402, F401  (bench/serving.py, shared with the tests)


@pytest.fixture(scope="session")
def analyzer():
    return build_analyzer()


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    """Write {file name: text} into folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return folder


@pytest.fixture
def make_index(tmp_path):
    """Build an index of {file name: text} and return its folder."""
    counter = iter(range(1000))

    def build(articles: dict[str, str], **kwargs) -> Path:
        n = next(counter)
        docs = write_articles(tmp_path / f"docs{n}", articles)
        directory = tmp_path / f"index{n}"
        index_paths(directory, [docs], **kwargs)
        return directory

    return build


def index_of(tmp_path_factory, articles: dict[str, str]) -> Path:
    """An index of {file name: text} in a temporary folder (for a module's fixture)."""
    docs = write_articles(tmp_path_factory.mktemp("docs"), articles)
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [docs])
    return directory


def hit_names(result) -> list[str]:
    """The file names of a result's hits, in order."""
    return [Path(h.path).name for h in result.hits]


def corpus_plus(tmp_path_factory, extra: dict[str, str]) -> Path:
    """An index of the bundled articles plus {file name: text}; returns its folder."""
    docs = tmp_path_factory.mktemp("docs")
    for source in CORPUS_DIR.glob("*.txt"):
        (docs / source.name).write_bytes(source.read_bytes())
    write_articles(docs, extra)
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [docs])
    return directory


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("corpus") / "index"
    index_paths(directory, [CORPUS_DIR])
    return directory


def found(directory: Path, query: str, limit: int = 100, match: str = "any") -> list[str]:
    """File names of the documents that match query, best first (stories not collapsed)."""
    options = Options(collapse=False, match=match)
    result = search(open_index(directory), query, limit=limit, options=options)
    return [Path(h.path).name for h in result.hits]


@pytest.fixture
def run(corpus_index):
    """Run the CLI in-process against the bundled-corpus index."""
    runner = CliRunner()

    def invoke(*args, index: Path | None = None, env: dict | None = None):
        full_env = {"VEILLE_INDEX": str(index or corpus_index), "NO_COLOR": None}
        full_env.update(env or {})
        return runner.invoke(cli, list(args), env=full_env, catch_exceptions=False)

    return invoke


def json_hits(result) -> list[str]:
    return [Path(h["path"]).name for h in json.loads(result.stdout)["hits"]]


def veille_command() -> str:
    """The installed `veille` script of the Python running the tests."""
    beside = Path(sys.executable).parent / "veille"
    exe = str(beside) if beside.exists() else shutil.which("veille")
    assert exe, "the veille command is not installed"
    return exe
