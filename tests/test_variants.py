"""Every spelling of tests/data/dev.tsv and dev-world.tsv finds the others of its
group; confusable names (dev-confusables.tsv, dev-world-confusables.tsv) never meet.

The files are copies of the development sets of ../shared/variants/."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from .conftest import DATA, found


def rows(name: str) -> list[list[str]]:
    with open(DATA / name, encoding="utf-8") as f:
        return [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]


GROUPS: dict[str, list[str]] = {}
for group, spelling, _note in rows("dev.tsv") + rows("dev-world.tsv"):
    GROUPS.setdefault(group, []).append(spelling)
SPELLINGS = [(g, s) for g, spellings in GROUPS.items() for s in spellings]
CONFUSABLES = [
    tuple(r[:2]) for r in rows("dev-confusables.tsv") + rows("dev-world-confusables.tsv")
]


def file_name(spelling: str) -> str:
    return f"{abs(hash(spelling))}.txt"


def article(spelling: str) -> str:
    return f"Dépêche du matin\nLe correspondant écrit depuis {spelling} ce matin.\n"


@pytest.fixture(scope="module")
def spelling_index(tmp_path_factory):
    """One article per spelling, each naming only that spelling."""
    from veille.indexer.build import index_paths

    docs = tmp_path_factory.mktemp("spellings")
    names = {s for _, s in SPELLINGS} | {s for pair in CONFUSABLES for s in pair}
    for s in names:
        (docs / file_name(s)).write_text(article(s), "utf-8")
    directory = Path(tmp_path_factory.mktemp("spelling-index")) / "index"
    index_paths(directory, [docs])
    return directory


def test_the_fixture_has_every_group():
    assert {"kyiv", "zaporizhzhia", "luhansk", "zelensky", "putin", "kharkiv"} <= set(GROUPS)
    assert {"lviv", "khrushchev", "prigozhin", "warsaw"} <= set(GROUPS)  # dev-world
    assert ("Minsk", "Pinsk") in CONFUSABLES


@pytest.mark.parametrize("group, spelling", SPELLINGS, ids=[s for _, s in SPELLINGS])
def test_each_spelling_finds_every_spelling_of_its_group_and_nothing_else(
    spelling_index, group, spelling
):
    hits = set(found(spelling_index, spelling))
    assert hits == {file_name(s) for s in GROUPS[group]}


@pytest.mark.parametrize("a, b", CONFUSABLES + [(b, a) for a, b in CONFUSABLES])
def test_confusable_names_never_find_each_other(spelling_index, a, b):
    hits = found(spelling_index, a)
    assert file_name(a) in hits
    assert file_name(b) not in hits
