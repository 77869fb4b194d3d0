"""Passages and marks: what a reader sees of each hit."""

from __future__ import annotations

from veille.query.snippets import (
    find_matches,
    leading_text,
    mark_all,
    passages,
    to_html,
    to_plain,
)


def best(text, analyzer, terms, **kwargs):
    return passages(text, find_matches(text, analyzer, frozenset(terms)), **kwargs)


FILLER = "Une phrase sans rapport avec la recherche. " * 12


def test_the_best_passage_holds_the_most_different_terms(analyzer):
    text = f"Kiev seule ici. {FILLER} Kiev et Odessa ensemble. {FILLER} Odessa seule."
    segments = best(text, analyzer, {"kiv", "odesa"}, count=1)
    assert [t for t, marked in segments if marked] == ["Kiev", "Odessa"]


def test_passages_come_in_text_order_joined_by_an_ellipsis(analyzer):
    text = f"Kiev au début. {FILLER} Kyiv à la fin."
    plain = to_plain(best(text, analyzer, {"kiv"}))
    assert plain.index("Kiev") < plain.index("Kyiv") and " … " in plain


def test_passages_stop_reading_once_they_have_every_wanted_term(analyzer):
    calls = []

    class CountingAnalyzer:
        def spans(self, text):
            for span in analyzer.spans(text):
                calls.append(span)
                yield span

    text = f"Kiev un. {FILLER} Kiev deux. {FILLER} Kiev trois. " + FILLER * 20
    segments = best(text, CountingAnalyzer(), {"kiv"}, wanted={"kiv"})
    assert [t for t, marked in segments if marked] == ["Kiev", "Kiev"]
    every = sum(1 for _ in analyzer(text))
    assert len(calls) < every / 4


def test_a_several_word_synonym_is_marked_whole(analyzer):
    segments = best("L'Union européenne décide.", analyzer, {"ue"})
    assert ("Union européenne", True) in segments


def test_passages_keep_the_original_spelling_and_escape_html(analyzer):
    html = to_html(best("<b>Sécurité</b> & garanties", analyzer, {"securit"}))
    assert html == "&lt;b&gt;<mark>Sécurité</mark>&lt;/b&gt; &amp; garanties"


def test_no_match_gives_no_passage_and_the_start_of_the_text_instead(analyzer):
    assert best("Rien à voir.", analyzer, {"kiv"}) == []
    assert to_plain(leading_text("mot " * 100)).endswith(" …")


def test_mark_all_keeps_line_breaks(analyzer):
    segments = mark_all("Kiev\n\nOdessa", analyzer, {"odesa"})
    assert segments == [("Kiev\n\n", False), ("Odessa", True)]
