"""Text details that hide words or reach the terminal: invisible format characters
inside words, and control characters in what the command line prints."""

from __future__ import annotations

import pytest

from veille.indexer.store import open_index
from veille.query.search import Options, search
from veille.query.snippets import to_html

from .conftest import found

SOFT_HYPHEN = "\u00ad"
INVISIBLE = {
    "soft.txt": f"Sécu{SOFT_HYPHEN}rité\n\nLa sécu{SOFT_HYPHEN}rité des centrales est garantie.\n",
    "zwsp.txt": "Visite\n\nLe président Zelen\u200bsky reçoit ses alliés.\n",
    "zwj.txt": "Accord\n\nUn cessez\u200d-le-feu à Odes\u2060sa, annoncé par Ky\u200civ.\n",
    "bom.txt": "\ufeffRapport\n\nLes négo\ufeffciations reprennent à Genève.\n",
    "plain.txt": "Sécurité\n\nLa sécurité alimentaire et Zelensky à Genève.\n",
}


@pytest.fixture(scope="module")
def invisible_index(tmp_path_factory):
    from veille.indexer.build import index_paths

    from .conftest import write_articles

    docs = write_articles(tmp_path_factory.mktemp("docs"), INVISIBLE)
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [docs])
    return directory


def test_a_soft_hyphen_inside_a_word_does_not_split_it(invisible_index):
    assert set(found(invisible_index, "sécurité")) == {"soft.txt", "plain.txt"}
    assert set(found(invisible_index, "securite")) == {"soft.txt", "plain.txt"}


def test_zero_width_characters_inside_a_word_do_not_split_it(invisible_index):
    assert set(found(invisible_index, "Zelensky")) == {"zwsp.txt", "plain.txt"}
    assert found(invisible_index, "Odessa") == ["zwj.txt"]
    assert found(invisible_index, "Kyiv") == ["zwj.txt"]
    assert found(invisible_index, "négociations") == ["bom.txt"]
    assert found(invisible_index, '"cessez-le-feu"') == ["zwj.txt"]


def test_a_query_holding_format_characters_finds_the_plain_spelling(invisible_index):
    assert set(found(invisible_index, f"sécu{SOFT_HYPHEN}rité")) == {"soft.txt", "plain.txt"}
    assert set(found(invisible_index, "Zelen\u200bsky")) == {"zwsp.txt", "plain.txt"}
    assert set(found(invisible_index, "\ufeffGen\u200dève")) == {"bom.txt", "plain.txt"}


def test_the_pieces_of_a_split_word_are_no_words_of_their_own(invisible_index):
    assert found(invisible_index, "rité") == []
    assert found(invisible_index, "sky") == []


def test_highlights_mark_the_whole_word_as_written(invisible_index):
    result = search(
        open_index(invisible_index), "sécurité Zelensky", options=Options(collapse=False)
    )
    marked = {text for hit in result.hits for text, matched in hit.snippet if matched}
    assert f"sécu{SOFT_HYPHEN}rité" in marked and "Zelen\u200bsky" in marked
    assert {"sécurité", "Zelensky"} <= marked  # the plain document, as written
    soft = next(hit for hit in result.hits if hit.path.endswith("soft.txt"))
    assert f"La <mark>sécu{SOFT_HYPHEN}rité</mark> des centrales" in to_html(soft.snippet)


def test_suggestions_learn_the_word_not_its_pieces(invisible_index):
    from veille.indexer.lexicon import words_of

    assert ("securite", "sécurité") in words_of(f"La sécu{SOFT_HYPHEN}rité")
    assert not {"secu", "rite"} & {folded for folded, _ in words_of(f"sécu{SOFT_HYPHEN}rité")}

