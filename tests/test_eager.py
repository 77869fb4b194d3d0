"""Queries of words matched from arrays answer exactly as Whoosh's matchers do."""

from __future__ import annotations

import random

import pytest

import veille.query.search as search_module
from veille.indexer.build import index_paths
from veille.indexer.store import index_analyzer, open_index
from veille.query.eager import EagerTree, eager
from veille.query.matching import plan
from veille.query.parser import parse
from veille.query.search import Options, open_searcher, search

from .conftest import write_articles

WORDS = (
    "guerre paix Kiev Kyiv Moscou accord sécurité garanties troupes sommet "
    "ministre élections frontière réfugiés sanctions pétrole marché"
).split()

QUERIES = [
    "Kiev",
    "guerre paix",
    "Kyiv sécurité garanties",
    "Qu'est-ce que les garanties de sécurité ?",
    "Comment les sanctions touchent le pétrole de Moscou ?",
    "Quand la guerre et la paix ?",
    "+guerre paix",
    "title:guerre paix",
    "guerre -paix",
    "Kiev OR Moscou",
    '"accord de paix" Kiev',
    "guerre sommet --match-all",
]


def _articles(count: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    articles = {}
    for n in range(count):
        title = " ".join(rng.sample(WORDS, 3))
        filler = ["de", "la", "le", "et", "quand", "comment"]
        body = " ".join(rng.choices(WORDS + filler, k=rng.randint(5, 60)))
        articles[f"a{n:03}.txt"] = f"{title}\n{body}\n"
    return articles


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("eager")
    docs = write_articles(folder / "docs", _articles(300, seed=3))
    index_paths(folder / "ix", [docs])
    return folder / "ix"


def _answers(directory, monkeypatch, arrays: bool):
    """Every query's hits (path, score, missing words, snippet) and total."""
    if arrays:
        monkeypatch.setattr("veille.query.eager.EAGER_MIN", 0)
        monkeypatch.setattr("veille.query.eager.EAGER_MIN_COLD", 0)
    else:
        monkeypatch.setattr(search_module, "eager", lambda q: q)
    answers = {}
    for text in QUERIES:
        match = "all" if text.endswith("--match-all") else "any"
        query = text.removesuffix(" --match-all")
        for collapse in (True, False):
            result = search(
                open_index(directory),
                query,
                limit=20,
                options=Options(match=match, collapse=collapse),
            )
            answers[text, collapse] = (
                [(h.path, round(h.score, 9), h.missing, h.snippet) for h in result.hits],
                result.total,
            )
    monkeypatch.undo()
    return answers


def test_answers_are_those_of_whooshs_matchers(index, monkeypatch):
    with_arrays = _answers(index, monkeypatch, arrays=True)
    without = _answers(index, monkeypatch, arrays=False)
    assert with_arrays == without
    assert all(hits for hits, _ in with_arrays.values())


def test_a_query_of_words_is_matched_as_a_whole(index):
    ix = open_index(index)
    with open_searcher(ix) as searcher:
        reader = searcher.reader()
        analyzer = index_analyzer(ix)
        words = plan(parse("guerre paix", analyzer, reader), reader)
        phrase = plan(parse('"accord de paix" Kiev', analyzer, reader), reader)
        prefix = plan(parse("garant* Kiev", analyzer, reader), reader)
    assert isinstance(eager(words.complete), EagerTree)
    assert isinstance(eager(words.partial), EagerTree)
    assert isinstance(eager(phrase.complete), EagerTree)
    assert not isinstance(eager(prefix.complete), EagerTree)  # prefixes stay Whoosh's


@pytest.mark.parametrize("query", QUERIES[:-1])
def test_skipping_what_cannot_reach_the_page_never_changes_it(index, monkeypatch, query):
    """Past the exact count, blocks whose best score cannot enter the page are skipped
    (and phrases in them never checked): the page is the one a full count gives."""
    monkeypatch.setattr("veille.query.eager.EAGER_MIN", 0)
    monkeypatch.setattr("veille.query.eager.EAGER_MIN_COLD", 0)
    pages = []
    for exact in (3, 10**9):
        monkeypatch.setattr(search_module, "EXACT_TOTAL", exact)
        result = search(open_index(index), query, limit=10, options=Options(collapse=False))
        pages.append([(h.path, round(h.score, 9)) for h in result.hits])
    assert pages[0] == pages[1]
    assert pages[0]


def test_removed_documents_are_not_found(tmp_path, monkeypatch):
    monkeypatch.setattr("veille.query.eager.EAGER_MIN", 0)
    articles = _articles(120, seed=5)
    articles["gone.txt"] = "Kiev guerre\nKiev guerre Kiev guerre paix\n"
    docs = write_articles(tmp_path / "docs", articles)
    index_paths(tmp_path / "ix", [docs])
    assert "gone.txt" in _names(tmp_path / "ix", "Kiev guerre")
    (docs / "gone.txt").unlink()
    index_paths(tmp_path / "ix", [docs])
    names = _names(tmp_path / "ix", "Kiev guerre")
    assert names and "gone.txt" not in names


def _names(directory, query: str) -> list[str]:
    result = search(open_index(directory), query, 200, options=Options(collapse=False))
    return [h.path.rsplit("/", 1)[-1] for h in result.hits]


def test_the_terms_each_match_holds_are_whooshs(index, monkeypatch):
    """MatchedTerms keeps an array match's terms as bits: read back by document
    and by term, they are what Whoosh's TermsCollector records."""
    from whoosh import collectors

    from veille.query.eager import MatchedTerms

    monkeypatch.setattr("veille.query.eager.EAGER_MIN", 0)
    monkeypatch.setattr("veille.query.eager.EAGER_MIN_COLD", 0)
    ix = open_index(index)
    with open_searcher(ix) as searcher:
        reader = searcher.reader()
        tiers = plan(parse("Kyiv sécurité garanties", index_analyzer(ix), reader), reader)
        query = eager(tiers.partial)
        assert isinstance(query, EagerTree)
        ours = MatchedTerms(collectors.TopCollector(1000))
        searcher.search_with_collector(query, ours)
        theirs = collectors.TermsCollector(collectors.TopCollector(1000))
        searcher.search_with_collector(tiers.partial, theirs)
        mine, whooshs = ours.results(), theirs.results()
        assert ours.bits  # kept as bits, not asked term by term
        assert len(mine) > 50 and {h.docnum for h in mine} == {h.docnum for h in whooshs}
        for hit in mine:
            assert sorted(mine.docterms[hit.docnum]) == sorted(whooshs.docterms[hit.docnum])
        assert {t: sorted(d) for t, d in mine.termdocs.items()} == {
            t: sorted(d) for t, d in whooshs.termdocs.items()
        }
        assert len(mine.docterms) == len(whooshs.docterms)
