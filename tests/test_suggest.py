"""Did-you-mean, completions and typo tolerance, all from the index's own words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from webtest import TestApp

from veille.corpus import CORPUS_DIR
from veille.indexer.build import index_paths
from veille.indexer.lexicon import fold
from veille.indexer.store import index_analyzer, open_index
from veille.query.cli import cli
from veille.query.suggest import completions, correction, searcher_vocabulary
from veille.query.wsgi import make_app

from .conftest import DATA, write_articles


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    kiel = write_articles(
        tmp_path_factory.mktemp("kiel"),
        {"kiel.txt": "Escale à Kiel\nLe port de Kiel accueille la flotte de la Baltique."},
    )
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [CORPUS_DIR, DATA / "similar-distinct", kiel])
    return directory


def search(archive: Path, *args: str):
    return CliRunner().invoke(cli, ["search", "--index", str(archive), *args])


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("Zaporijai", "Zaporijia"),
        ("Medvdev", "Medvedev"),
        ("Medvdev Zaporijai", "Medvedev Zaporijia"),
    ],
)
def test_did_you_mean(archive, typed, meant):
    shown = search(archive, typed)
    assert f"Did you mean: {meant}?" in shown.stderr
    data = json.loads(search(archive, "--json", typed).stdout)
    assert data["suggestion"] == meant
    assert json.loads(search(archive, "--json", meant).stdout)["total"] >= max(data["total"], 1)


def test_a_stem_that_finds_the_word_s_documents_gets_no_suggestion(run):
    """`securit` finds the bundled story through its stem, as sécurité would."""
    shown = run("search", "garanties de securit")
    assert shown.exit_code == 0 and "Did you mean" not in shown.stderr
    data = json.loads(run("search", "--json", "securit").stdout)
    assert data["total"] >= 1 and data["suggestion"] is None


def test_no_suggestion_for_words_the_index_has_or_nothing_near(archive):
    for query in ("Zaporijia", "Kharkov sous la neige", "Kiev"):
        assert json.loads(search(archive, "--json", query).stdout)["suggestion"] is None


def test_a_distinct_name_is_never_offered_for_another(archive):
    data = json.loads(search(archive, "--json", "Kielo").stdout)
    assert data["suggestion"] is None  # Kiel is one edit away, but Kiev is two


def test_a_mistyped_distinct_name_gets_the_name_though_typo_tolerance_never_reaches_it(archive):
    data = json.loads(search(archive, "--json", "Kharkiw").stdout)
    assert data["suggestion"] == "Kharkiv"
    assert json.loads(search(archive, "--json", "--fuzzy", "Kharkiw").stdout)["total"] == 0


def test_no_suggestion_for_another_spelling_of_an_indexed_word(run):
    """The bundled articles spell Zelenskyy; Zelenski finds them already."""
    data = json.loads(run("search", "--json", "Zelenski").stdout)
    assert data["total"] >= 1 and data["suggestion"] is None


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç", min_size=3, max_size=12))
def test_every_suggested_word_is_an_indexed_word(word):
    ix = open_index(ARCHIVE[0])
    with ix.searcher() as searcher:
        vocabulary = searcher_vocabulary(searcher)
        suggested = correction(vocabulary, index_analyzer(ix), word)
        if suggested is not None:
            for meant in suggested.split():
                assert fold(meant)[0] in vocabulary


ARCHIVE: list[Path] = []


@pytest.fixture(autouse=True)
def _remember_archive(archive):
    ARCHIVE[:] = [archive]


def test_typo_tolerance_is_opt_in_and_spares_distinct_names(archive):
    assert json.loads(search(archive, "--json", "Medvdev").stdout)["total"] == 0
    fuzzy = json.loads(search(archive, "--json", "--fuzzy", "Medvdev").stdout)
    assert fuzzy["total"] == 1
    long_word = json.loads(search(archive, "--json", "--fuzzy", "Zaporijjiaa").stdout)
    assert long_word["total"] >= 1  # two edits from 9 letters
    short = json.loads(search(archive, "--json", "--fuzzy", "Kerch").stdout)
    assert short["total"] == 0  # under 5 letters: no tolerance
    for query in ("Kiev", "Kyiv", "Kiyev", "Kieve"):
        hits = json.loads(search(archive, "--json", "--fuzzy", "--no-collapse", query).stdout)
        assert all(Path(h["path"]).name != "kiel.txt" for h in hits["hits"]), query
    kiel = json.loads(search(archive, "--json", "--fuzzy", "Kielo").stdout)
    assert kiel["total"] == 0  # nor from Kiel's neighbours to Kiel


def test_completions_rank_words_by_documents_in_their_usual_spelling(archive):
    with open_index(archive).searcher() as searcher:
        words = searcher_vocabulary(searcher)
        assert completions(words, "zapo") == ["Zaporijia", "Zaporizhzhia"]
        analyzer = index_analyzer(open_index(archive))
        # one spelling per variant group, the most used: they find the same documents
        assert completions(words, "zapo", analyzer=analyzer) == ["Zaporijia"]
        assert completions(words, "garanties de SECU")[0] == "sécurité"
        assert completions(words, "l'Ukr")[0] == "Ukraine"
        assert completions(words, "za") == []  # two letters are not enough
        assert len(completions(words, "con", limit=3)) == 3


def test_the_http_api_suggests_and_completes(archive):
    app = TestApp(make_app(archive))
    data = app.get("/suggest", {"prefix": "la centrale de zapo"}).json
    assert data["completions"] == ["Zaporijia"]  # one spelling of the place
    assert app.get("/search", {"q": "Medvdev"}).json["suggestion"] == "Medvedev"
    assert app.get("/search", {"q": "Medvdev", "fuzzy": "1"}).json["total"] == 1
    assert app.get("/suggest", status=400).json["error"].startswith("missing prefix")
    assert app.get("/suggest", {"prefix": "x" * 2000}, status=400).json["error"]
    assert app.get("/suggest", {"prefix": "zapo", "limit": "0"}, status=400).json["error"]
    page = app.get("/", {"q": "Zaporijai"}).html
    (link,) = page.select("p.suggestion a")
    assert link.text == "Zaporijia" and link["href"] == "/?q=Zaporijia"


def completions_of(directory: Path, prefix: str) -> list[str]:
    with open_index(directory).searcher() as searcher:
        return completions(searcher_vocabulary(searcher), prefix)


def test_the_vocabulary_follows_files_added_changed_and_removed(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {
            "a.txt": "Marioupol assiégée\nLa ville de Marioupol est encerclée.",
            "b.txt": "Marinka tombe\nLes combats à Marinka se poursuivent.",
        },
    )
    directory = tmp_path / "index"
    index_paths(directory, [docs])
    assert set(completions_of(directory, "mari")) == {"Marioupol", "Marinka"}
    (docs / "b.txt").unlink()
    (docs / "a.txt").write_text("Marioupol\nLa ville de Marioupol, puis Marhanets.", "utf-8")
    index_paths(directory, [docs])
    assert completions_of(directory, "mari") == ["Marioupol"]  # Marinka's only file is gone
    assert completions_of(directory, "marh") == ["Marhanets"]  # a word of the changed file
    again = tmp_path / "rebuilt"
    index_paths(again, [docs])
    assert words_file(directory).read_text("utf-8") == words_file(again).read_text("utf-8")


def words_file(directory: Path) -> Path:
    """The vocabulary file of an index's last commit (the only one left after a rebuild)."""
    ix = open_index(directory)
    return directory / f"words-{ix.latest_generation()}.tsv"


def test_a_lost_vocabulary_file_costs_suggestions_only_and_the_next_run_restores_it(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Zaporijia\nLa centrale de Zaporijia."})
    directory = tmp_path / "index"
    index_paths(directory, [docs])
    words_file(directory).unlink()
    data = json.loads(search(directory, "--json", "Zaporijai").stdout)
    assert data["total"] == 0 and data["suggestion"] is None  # no words to suggest from
    assert json.loads(search(directory, "--json", "Zaporijia").stdout)["total"] == 1
    write_articles(docs, {"b.txt": "Kherson\nLe pont de Kherson."})
    index_paths(directory, [docs])
    assert json.loads(search(directory, "--json", "Zaporijai").stdout)["suggestion"] == "Zaporijia"
    rebuilt = tmp_path / "rebuilt"
    index_paths(rebuilt, [docs])
    assert words_file(directory).read_text("utf-8") == words_file(rebuilt).read_text("utf-8")
    assert len(list(directory.glob("words-*.tsv"))) <= 2  # this commit's and the one before
