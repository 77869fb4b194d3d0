"""Word families: a question's verb or plural meets the answer's noun (issue 11).

A document that holds only another word of a query word's Snowball family
(adoption for adopter) ranks among the partial matches, after those holding the
word itself, and says that it lacks the word. Names have no family.
"""

from __future__ import annotations

import pytest

from veille.indexer.store import open_index
from veille.query.search import Options, search

from .conftest import hit_names, index_of

ARTICLES = {
    "both.txt": "Adopter un chat\nPour adopter un chat, contactez un refuge.",
    "noun.txt": "Au refuge\nL'adoption d'un chat demande du temps.",
    "cat.txt": "Au soleil\nLe chat du refuge dort au soleil.",
    "child.txt": "En famille\nL'adoption d'un enfant prend des années.",
    "weather.txt": "Météo\nIl pleut sur Paris et la Seine monte.",
    "limoges.txt": "Porcelaine de Limoges\nLa porcelaine de Limoges se vend. Limoges l'expose.",
    "fired.txt": "Le préfet\nLe ministre veut limoger le préfet.",
    "match.txt": "Football\nLimoges bat Tours au stade.",
    "train.txt": "Trains\nLe train pour Limoges part à midi.",
}
QUESTION = "Comment adopter un chat ?"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return index_of(tmp_path_factory, ARTICLES)


def test_a_question_meets_the_answers_other_form_of_a_word(index):
    result = search(open_index(index), QUESTION, options=Options(collapse=False))
    assert hit_names(result) == ["both.txt", "noun.txt", "cat.txt", "child.txt"]
    # adoption is of adopter's family: it lifts noun.txt over cat.txt and finds
    # child.txt, but neither holds the word the reader typed, and both say so
    assert [h.missing for h in result.hits] == [[], ["adopter"], ["adopter"], ["adopter", "chat"]]
    assert result.complete == 1


def test_a_family_word_is_highlighted_where_it_stands_for_the_query_word(index):
    result = search(open_index(index), QUESTION, options=Options(collapse=False))
    hit = next(h for h in result.hits if h.path.endswith("noun.txt"))
    assert [text for text, marked in hit.snippet if marked] == ["adoption", "chat"]


def test_strict_matching_ignores_families(index):
    strict = search(open_index(index), "adopter chat", options=Options(match="all", collapse=False))
    assert hit_names(strict) == ["both.txt"]


def test_a_single_word_finds_only_documents_that_hold_it(index):
    # one word has no partial matches: the documents of its family are not found
    result = search(open_index(index), "adopter", options=Options(collapse=False))
    assert hit_names(result) == ["both.txt"]


def test_a_name_has_no_family(index):
    # Limoges is a name (the documents write it with a capital, however the query
    # does): the Snowball stem it shares with limoger (limog) would otherwise bring
    # fired.txt in
    for query in ("Limoges porcelaine", "porcelaine de Limoges", "porcelaine limoges"):
        result = search(open_index(index), query, options=Options(collapse=False))
        assert hit_names(result)[0] == "limoges.txt", query
        assert sorted(hit_names(result)[1:]) == ["match.txt", "train.txt"], query


def test_the_index_words_a_query_reads_for_families_are_bounded(index, monkeypatch):
    import veille.query.families as families

    # a query of 64 words could otherwise read 400 indexed words for each of them
    monkeypatch.setattr(families, "SCAN_QUERY", 0)
    result = search(open_index(index), QUESTION, options=Options(collapse=False))
    assert hit_names(result) == ["both.txt", "cat.txt", "noun.txt"]
