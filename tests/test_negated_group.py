"""A negated group, -(A OR B): documents mentioning either are left out, whichever
way they spell it, through search() and the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from veille.query.cli import cli

from .conftest import found, index_of

ARTICLES = {
    "kiev.txt": "Port de Kiev\n\nLes céréales partent du port de Kiev.\n",
    "odessa.txt": "Port d'Odessa\n\nLes céréales partent du port d'Odessa.\n",
    "spellings.txt": "Ports\n\nLes céréales partent de Kyiv et d'Odesa.\n",
    "kharkiv.txt": "Kharkiv\n\nLes céréales de Kharkiv attendent.\n",
    "lviv.txt": "Lviv\n\nLes céréales de Lviv attendent.\n",
}


@pytest.fixture(scope="module")
def grain_index(tmp_path_factory):
    return index_of(tmp_path_factory, ARTICLES)


@pytest.mark.parametrize(
    "query",
    [
        "céréales -(Kiev OR Odessa)",
        "-(Kiev OR Odessa) céréales",
        "céréales NOT (Kiev OR Odessa)",
        "céréales -(Kyiv OR Odesa)",
    ],
)
def test_a_negated_group_leaves_out_documents_mentioning_either(grain_index, query):
    assert sorted(found(grain_index, query)) == ["kharkiv.txt", "lviv.txt"]


def test_a_negated_group_of_two_words_leaves_out_only_documents_with_both(grain_index):
    assert sorted(found(grain_index, "céréales -(Kiev Odessa)")) == [
        "kharkiv.txt",
        "kiev.txt",
        "lviv.txt",
        "odessa.txt",
    ]


def test_the_command_line_leaves_out_a_negated_group(grain_index):
    result = CliRunner().invoke(
        cli, ["search", "--index", str(grain_index), "--no-collapse", "céréales -(Kiev OR Odessa)"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 matches")
    assert "kharkiv.txt" in result.stdout and "lviv.txt" in result.stdout
    for name in ("kiev.txt", "odessa.txt", "spellings.txt"):
        assert name not in result.stdout
