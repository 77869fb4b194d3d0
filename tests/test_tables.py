"""The synonym file format: groups, one-way rules, several-word entries, errors."""

from __future__ import annotations

import pytest

from veille.indexer.analysis import build_analyzer
from veille.indexer.tables import TableError, parse_synonyms, word_list


def split(text):
    return tuple(text.lower().split())


def test_comments_and_blank_lines_are_ignored():
    table = parse_synonyms("# heading\n\notan, nato  # trailing comment\n", "f", split)
    assert set(table.rules) == {"otan", "nato"}


def test_groups_sharing_an_entry_are_merged():
    table = parse_synonyms("a, b\nc, d\nb, c\n", "f", split)
    canonicals = {rule.canonical for rules in table.rules.values() for rule in rules}
    assert canonicals == {"a"}


def test_several_word_entries_are_matched_longest_first():
    table = parse_synonyms("ue, union europeenne\nunion, syndicat\n", "f", split)
    assert [len(r.match) for r in table.rules["union"]] == [2, 1]


def test_entries_that_normalize_alike_are_allowed(analyzer):
    table = parse_synonyms("Poutine, Putin\n", "f", lambda t: analyzer.terms(t))
    assert list(table.rules) == ["putin"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("otan\n", "line 1: 'otan' needs at least two entries"),
        ("otan, nato\nfoo,, bar\n", "line 2: empty entry"),
        ("x => y => z\n", "line 1: more than one '=>'"),
        ("kremlin =>\n", "line 1: empty entry"),
        ("ok, fine\nde, la\n", "line 2: 'de' has no searchable word"),
        ("kremlin => moscou\nmoscou => kremlin\n", "line 2: the one-way rules make a cycle"),
        (
            "kremlin => moscou\nmoscou => russie\nkiev => odessa\nrussie => kremlin\n",
            "line 4: .*cycle .kremlin => moscou => russie => kremlin.",
        ),
    ],
)
def test_malformed_lines_are_reported_with_their_number(text, message, analyzer):
    with pytest.raises(TableError, match=message.replace("(", r"\(")) as err:
        parse_synonyms(text, "my-synonyms.txt", lambda t: analyzer.terms(t))
    assert str(err.value).startswith("my-synonyms.txt, line")


def test_a_replacement_table_changes_what_matches():
    custom = build_analyzer("Kremlin, Moscou\n", None)
    assert custom.terms("Moscou") == custom.terms("Kremlin")
    assert build_analyzer().terms("Moscou") != build_analyzer().terms("Kremlin")


def test_word_lists_skip_comments():
    assert word_list("# c\nde\n\nla # x\n") == frozenset({"de", "la"})
