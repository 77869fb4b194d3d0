"""What people type is searched: questions, punctuation, half-written syntax (issue 11).

Documents holding every word come first; documents holding some of them follow,
each saying which words it lacks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import webtest

from veille.indexer.store import open_index
from veille.query.search import Options, search
from veille.query.wsgi import make_app

from .conftest import DATA, hit_names, index_of

ARTICLES = {
    "both.txt": "Médiation familiale\nLa médiation familiale aide les parents séparés.",
    "mediation.txt": "Médiation de voisinage\nUne médiation entre voisins règle le conflit.",
    "family.txt": "Allocations familiales\nLes allocations familiales sont versées chaque mois.",
    "family2.txt": "Vie familiale\nLa vie familiale et le travail se concilient mal.",
    "weather.txt": "Météo\nIl pleut sur Paris et la Seine monte.",
    "howto.txt": "Comment faire\nComment cuisiner des pâtes quand on est pressé.",
}
QUESTION = "Qu'est-ce que la médiation familiale ?"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return index_of(tmp_path_factory, ARTICLES)


def test_a_question_finds_every_word_first_then_most_of_them(index):
    result = search(open_index(index), QUESTION)
    assert hit_names(result)[0] == "both.txt"
    assert result.hits[0].missing == []
    # médiation is rarer than familiale (2 documents against 3): its partial hit leads
    assert hit_names(result)[1:] == ["mediation.txt", "family.txt", "family2.txt"]
    assert [h.missing for h in result.hits[1:]] == [["familiale"], ["médiation"], ["médiation"]]
    assert result.complete == 1 and result.total == 4


def test_partial_matches_are_counted_as_far_as_the_page_needs(index, run):
    ix = open_index(index)
    first = search(ix, QUESTION, limit=2, options=Options(facets=False))
    assert hit_names(first) == ["both.txt", "mediation.txt"]
    assert first.total == 2 and first.total_is_lower_bound
    assert first.summary() == "2+ matches: 1 with every word, 1+ with some"
    second = search(ix, QUESTION, limit=2, page=2, options=Options(facets=False))
    assert hit_names(second) == ["family.txt", "family2.txt"]
    # every partial match fits on the page: the count is exact
    whole = search(ix, QUESTION, limit=10, options=Options(facets=False))
    assert whole.total == 4 and not whole.total_is_lower_bound
    # counts by month count the same matches as the total
    faceted = search(ix, QUESTION, limit=2, options=Options(facets=True))
    assert faceted.total == 2 and faceted.total_is_lower_bound
    assert sum(faceted.facets["month"].values()) == 2
    page = webtest.TestApp(make_app(index)).get("/", {"q": QUESTION, "limit": "2", "facets": "0"})
    assert "2+ results" in page.text and "Next" in page.text


def test_question_words_never_decide_a_match(index):
    # howto.txt holds "comment" and "est", the question's only other words
    assert "howto.txt" not in hit_names(search(open_index(index), "Comment est la médiation ?"))
    # alone, they are what the query asks for
    assert hit_names(search(open_index(index), "comment ?")) == ["howto.txt"]


def test_match_all_keeps_only_documents_with_every_word(index):
    result = search(open_index(index), QUESTION, options=Options(match="all"))
    assert hit_names(result) == []  # "est" (of qu'est-ce) is required too
    result = search(open_index(index), "médiation familiale", options=Options(match="all"))
    assert hit_names(result) == ["both.txt"] and result.total == 1


def test_plus_makes_a_word_required(index):
    result = search(open_index(index), "+familiale médiation")
    assert hit_names(result)[0] == "both.txt"
    assert "mediation.txt" not in hit_names(result)
    assert set(hit_names(result)[1:]) == {"family.txt", "family2.txt"}


def test_exclusions_and_phrases_hold_in_partial_matches(index):
    excluded = search(open_index(index), "médiation familiale -allocations")
    assert "family.txt" not in hit_names(excluded)
    result = search(open_index(index), '"vie familiale" médiation')
    assert hit_names(result) == ["family2.txt"]  # the phrase is required, médiation ranks
    assert result.hits[0].missing == ["médiation"]


def test_a_phrase_nobody_wrote_is_searched_as_its_words(index):
    result = search(open_index(index), '"médiation scolaire" familiale')
    assert result.relaxed
    assert hit_names(result)[0] == "both.txt"


def test_loosening_a_phrase_keeps_hyphenated_words_and_exclusions(index):
    result = search(open_index(index), '"médiation scolaire" vie-familiale -allocations')
    assert result.relaxed
    assert "family2.txt" in hit_names(result) and "family.txt" not in hit_names(result)
    result = search(open_index(index), '"médiation scolaire" familiale -"vie familiale"')
    assert result.relaxed
    assert hit_names(result)[0] == "both.txt" and "family2.txt" not in hit_names(result)


def test_a_query_that_is_only_a_phrase_is_never_loosened(index):
    result = search(open_index(index), '"familiale médiation"')
    assert result.total == 0 and not result.relaxed


def test_nothing_matched_says_so_without_refusing(index):
    result = search(open_index(index), "xylophone ?")
    assert result.total == 0 and not result.hits


TYPED = [
    QUESTION,
    "Facebook : mon compte",
    "médiation OR",
    "OR médiation",
    "(médiation",
    "médiation)",
    "NOT OR médiation",
    "médiation NOT",
    "médiation - familiale",
    "médiation *",
    "*ation",
    "médi?tion",
    '"médiation',
    "médiation”",
    "title:(médiation)",
    "médiation AND",
    "+",
    "!!! ???",
    '(")',  # the quote runs to the end and takes the closing parenthesis with it
    '-(")',
    'médiation ("familiale)',
]


@pytest.mark.parametrize("text", TYPED)
def test_typed_text_is_searched_never_refused(run, index, text):
    result = run("search", "--", text, index=index)
    assert result.exit_code in (0, 1), result.output
    assert "Error" not in result.output


@pytest.mark.parametrize(
    "text", ["(médiation", "médiation)", "médiation OR", "NOT OR médiation", "médiation ?"]
)
def test_stray_syntax_is_punctuation(index, text):
    ix = open_index(index)
    assert hit_names(search(ix, text)) == hit_names(search(ix, "médiation"))


def test_a_corrected_question_keeps_its_own_question_mark(run):
    result = run("search", "Qu'est-ce que Medvdev ?")
    assert "Did you mean: Qu'est-ce que Medvedev ?\n" in result.stderr


def test_usage_errors_still_exit_2(run, index):
    assert run("search", "--limit", "0", "kiev", index=index).exit_code == 2
    assert run("search", "--match", "some", "kiev", index=index).exit_code == 2


def test_terminal_and_json_say_what_a_partial_hit_lacks(run, index):
    result = run("search", QUESTION, index=index)
    assert result.exit_code == 0
    assert result.stdout.startswith("4 matches: 1 with every word, 3 with some")
    assert "   Missing: familiale" in result.stdout
    data = json.loads(run("search", "--json", QUESTION, index=index).stdout)
    assert data["complete"] == 1 and data["total"] == 4
    assert data["hits"][0]["missing"] == []
    assert data["hits"][1]["missing"] == ["familiale"]


def test_http_matches_partially_and_strictly(index):
    app = webtest.TestApp(make_app(index))
    data = app.get("/search", {"q": QUESTION}).json
    assert data["hits"][1]["missing"] == ["familiale"]
    strict = app.get("/search", {"q": "médiation familiale", "match": "all"}).json
    assert [Path(h["path"]).name for h in strict["hits"]] == ["both.txt"]
    bad = app.get("/search", {"q": "x", "match": "some"}, expect_errors=True)
    assert bad.status_int == 400 and "match" in bad.json["error"]
    page = app.get("/", {"q": QUESTION}).text
    assert '<p class="missing">Missing: <s>familiale</s></p>' in page


def relevance_queries() -> list[str]:
    folder = DATA / "relevance-queries"
    return [
        line.partition("\t")[2]
        for tsv in sorted(folder.glob("*.tsv"))
        for line in tsv.read_text("utf-8").splitlines()
    ]


def test_every_question_of_the_relevance_sets_gets_an_answer(run, corpus_index):
    """Each query of ../shared/relevance (copied in tests/data), as typed, through the CLI
    and GET /search: exit 0 or 1, HTTP 200."""
    queries = relevance_queries()
    assert len(queries) > 4000
    app = webtest.TestApp(make_app(corpus_index))
    for text in queries:
        result = run("search", "--", text)
        assert result.exit_code in (0, 1), (text, result.output)
        response = app.get("/search", {"q": text, "facets": "0"}, expect_errors=True)
        assert response.status_int == 200, (text, response.text)


def _news(n: int) -> dict[str, str]:
    """n articles that all say "budget", each a different number of times."""
    return {
        f"b{i:03}.txt": f"Article {i}\n" + "Le budget de la ville. " * (1 + i % 7) + f"Mot{i}."
        for i in range(n)
    }


def test_a_total_past_the_counting_cap_is_a_lower_bound_with_the_same_best_hits(
    make_index, run, monkeypatch
):
    import veille.query.search as search_module

    directory = make_index(_news(300))
    exact = search(open_index(directory), "budget", limit=10, options=Options(facets=False))
    assert exact.total == 300 and not exact.total_is_lower_bound

    monkeypatch.setattr(search_module, "EXACT_TOTAL", 50)
    capped = search(open_index(directory), "budget", limit=10, options=Options(facets=False))
    assert capped.total == 50 and capped.total_is_lower_bound
    assert capped.summary() == "50+ matches"
    assert [h.path for h in capped.hits] == [h.path for h in exact.hits]

    assert "50+ matches" in run("search", "budget", index=directory).stdout
    app = webtest.TestApp(make_app(directory))
    data = app.get("/search", {"q": "budget", "facets": "0"}).json
    assert data["total"] == 50 and data["total_is_lower_bound"] is True

    # Counts by month count the same matches as the total.
    faceted = search(open_index(directory), "budget", limit=10, options=Options(facets=True))
    assert faceted.total == 50 and faceted.total_is_lower_bound
    assert sum(faceted.facets["month"].values()) == 50
