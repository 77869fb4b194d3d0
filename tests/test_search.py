"""Query syntax, ranking, paging and snippets, on small purpose-made corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from veille.indexer.store import open_index
from veille.query.search import search

from .conftest import found

ARTICLES = {
    "kyiv-title.txt": "Frappes sur Kyiv\nLa nuit a été longue pour les habitants.\n",
    "kyiv-body.txt": "Nouvelles du front\nDes drones ont visé Kiev et Odessa cette nuit.\n",
    "kharkiv.txt": "Kharkiv sous le feu\nLa ville de Kharkiv a été bombardée.\n",
    "treve.txt": "Une trêve fragile\nLes deux camps ont accepté un cessez-le-feu.\n",
    "otan.txt": "Sommet de l'OTAN\nLes alliés de l'Alliance atlantique se réunissent.\n",
    "ue.txt": "Bruxelles\nL'Union européenne prépare de nouvelles sanctions.\n",
    "escape.txt": "Un titre <b>gras</b>\nLe texte <script>alert(1)</script> parle de Kiev.\n",
}


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    from veille.indexer.build import index_paths

    docs = tmp_path_factory.mktemp("docs")
    for name, text in ARTICLES.items():
        (docs / name).write_text(text, "utf-8")
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [docs])
    return directory


def test_documents_with_every_word_come_first(ix):
    assert found(ix, "Kiev Odessa")[0] == "kyiv-body.txt"
    assert set(found(ix, "Kiev Odessa")[1:]) == {"kyiv-title.txt", "escape.txt"}


def test_match_all_requires_every_word(ix):
    assert found(ix, "Kiev Odessa", match="all") == ["kyiv-body.txt"]


def test_or_finds_either(ix):
    assert set(found(ix, "Odessa OR Kharkiv")) == {"kyiv-body.txt", "kharkiv.txt"}


def test_or_binds_tighter_than_the_implicit_and(ix):
    assert found(ix, "drones Kharkiv OR Odessa", match="all") == ["kyiv-body.txt"]
    assert found(ix, "drones Kharkiv OR Odessa") == ["kyiv-body.txt", "kharkiv.txt"]


@pytest.mark.parametrize("query", ["Kiev NOT Odessa", "Kiev -Odessa", "Kiev AND NOT Odessa"])
def test_not_and_minus_exclude(ix, query):
    assert set(found(ix, query)) == {"kyiv-title.txt", "escape.txt"}


def test_a_negation_alone_returns_everything_else(ix):
    kiev = {"kyiv-title.txt", "kyiv-body.txt", "escape.txt"}
    assert set(found(ix, "-Kiev")) == set(ARTICLES) - kiev


def test_parentheses_group(ix):
    assert set(found(ix, "(Kharkiv OR trêve) -bombardée")) == {"treve.txt"}


def test_title_field_prefix(ix):
    assert found(ix, "title:Kyiv") == ["kyiv-title.txt"]
    assert found(ix, 'title:"trêve fragile"') == ["treve.txt"]


def test_title_matches_rank_above_body_matches(ix):
    assert found(ix, "Kyiv")[0] == "kyiv-title.txt"


def test_phrases_must_be_in_order(ix):
    assert found(ix, '"deux camps"') == ["treve.txt"]
    assert found(ix, '"camps deux"') == []


@pytest.mark.parametrize("quote", ['"{}"', "“{}”", "«{}»", '"{}'])
def test_every_kind_of_quote_makes_a_phrase(ix, quote):
    assert found(ix, quote.format("deux camps")) == ["treve.txt"]


def test_a_hyphenated_word_is_a_phrase_and_its_parts_are_words(ix):
    assert found(ix, "cessez-le-feu") == ["treve.txt"]
    assert found(ix, "feu") == ["kharkiv.txt", "treve.txt"] or set(found(ix, "feu")) == {
        "kharkiv.txt",
        "treve.txt",
    }


def test_synonyms_join_translations_and_several_word_entries(ix):
    assert found(ix, "NATO") == ["otan.txt"]
    assert found(ix, "UE") == ["ue.txt"]
    assert found(ix, "Union européenne") == ["ue.txt"]
    assert found(ix, "ceasefire") == ["treve.txt"]


def test_a_several_word_synonym_inside_a_longer_phrase_matches_its_words(ix):
    assert found(ix, '"L\'Union européenne prépare"') == ["ue.txt"]


def test_prefix_search(ix):
    assert set(found(ix, "bombard*")) == {"kharkiv.txt"}
    assert set(found(ix, "zapo*")) == set()


def test_paging_splits_hits_without_repeats(ix):
    q = "Kiev OR Kharkiv OR trêve OR OTAN"
    every = [h.path for h in search(open_index(ix), q, limit=100).hits]
    pages = [h.path for p in (1, 2, 3, 4) for h in search(open_index(ix), q, limit=2, page=p).hits]
    assert len(every) == 6 and pages == every
    beyond = search(open_index(ix), q, limit=2, page=9)
    assert beyond.total == 6 and beyond.hits == []


def test_snippets_highlight_words_matched_through_a_variant(ix):
    hit = search(open_index(ix), "Kyiv", limit=10).hits
    body_hit = next(h for h in hit if Path(h.path).name == "kyiv-body.txt")
    assert ("Kiev", True) in body_hit.snippet
    assert "<mark>Kiev</mark>" in body_hit.as_json()["snippet"]


def test_snippets_highlight_a_several_word_synonym_whole(ix):
    hit = search(open_index(ix), "UE").hits[0]
    assert "<mark>Union européenne</mark>" in hit.as_json()["snippet"]


def test_snippets_keep_accents_and_escape_markup(ix):
    hit = search(open_index(ix), "Kiev script").hits
    snippet = next(h for h in hit if Path(h.path).name == "escape.txt").as_json()["snippet"]
    assert "<script>" not in snippet
    assert "&lt;" in snippet and "<mark>Kiev</mark>" in snippet


def test_a_title_only_match_shows_the_start_of_the_body(ix):
    hit = search(open_index(ix), "title:Kyiv").hits[0]
    assert "habitants" in "".join(text for text, _ in hit.snippet)
