"""Versions of one story are grouped at index time; unrelated articles never are."""

from __future__ import annotations

import os
import random
import zlib
from pathlib import Path

import pytest

from veille.corpus import CORPUS_DIR
from veille.indexer.build import index_paths
from veille.indexer.store import StoreError, open_index

from .conftest import BENCH, DATA, write_articles  # noqa: F401  (BENCH puts bench/ on the path)


def stories(ix: Path) -> dict[str, str]:
    """{file name: story} of every document."""
    with open_index(ix).searcher() as s:
        return {Path(d["path"]).name: d["story"] for d in s.all_stored_fields()}


def test_the_two_bundled_renderings_are_one_story(tmp_path):
    index_paths(tmp_path / "ix", [CORPUS_DIR])
    found = stories(tmp_path / "ix")
    assert len(found) == 2 and len(set(found.values())) == 1


def test_same_topic_different_events_are_different_stories(tmp_path):
    index_paths(tmp_path / "ix", [DATA / "similar-distinct", CORPUS_DIR])
    found = stories(tmp_path / "ix")
    distinct = [v for k, v in found.items() if not k.startswith("carney")]
    assert len(distinct) == 6 and len(set(distinct)) == 6
    assert found["carney-kyiv-visit-cbc.txt"] == found["carney-kyiv-visit-rivedin.txt"]


def test_unrelated_generated_articles_are_never_grouped_but_edited_copies_are(tmp_path):
    from generate import ArticleGenerator

    gen = ArticleGenerator(seed=21)
    articles = {f"g{i:03d}.txt": gen.article() for i in range(200)}
    rng = random.Random(2)
    for i in range(0, 200, 20):  # ten edited copies: a fifth of the sentences dropped
        sentences = articles[f"g{i:03d}.txt"].split(". ")
        articles[f"copy-of-g{i:03d}.txt"] = ". ".join(s for s in sentences if rng.random() > 0.2)
    index_paths(tmp_path / "ix", [write_articles(tmp_path / "docs", articles)])
    found = stories(tmp_path / "ix")
    originals = [v for k, v in found.items() if k.startswith("g")]
    assert len(set(originals)) == 200
    for i in range(0, 200, 20):
        assert found[f"copy-of-g{i:03d}.txt"] == found[f"g{i:03d}.txt"]


def test_a_version_indexed_later_joins_the_story(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    rivedin = CORPUS_DIR / "carney-kyiv-visit-rivedin.txt"
    (docs / rivedin.name).write_bytes(rivedin.read_bytes())
    index_paths(tmp_path / "ix", [docs])
    cbc = CORPUS_DIR / "carney-kyiv-visit-cbc.txt"
    (docs / cbc.name).write_bytes(cbc.read_bytes())
    summary = index_paths(tmp_path / "ix", [docs])
    assert summary.added == 1
    found = stories(tmp_path / "ix")
    assert found[cbc.name] == found[rivedin.name]
    (docs / cbc.name).write_text("Autre chose\n" + " ".join(f"mot{j}" for j in range(60)))
    os.utime(docs / cbc.name, (1, 1))
    index_paths(tmp_path / "ix", [docs])  # rewritten into another story: it leaves this one
    found = stories(tmp_path / "ix")
    assert found[cbc.name] != found[rivedin.name]


def test_runs_that_keep_stories_in_files_group_alike_and_leave_no_file(tmp_path, monkeypatch):
    """Past a run's worth of documents, band keys and signatures wait in files inside the
    index (stories-*.tmp): copies indexed in the same run or a later one still join
    their original, and no such folder outlives a run, even one killed outright."""
    from generate import ArticleGenerator

    monkeypatch.setattr("veille.indexer.stories.BLOCK", 4)
    monkeypatch.setattr("veille.indexer.stories.BandTable.RUN_SLOTS", 4)
    monkeypatch.setattr("veille.indexer.build.STORY_BATCH_DOCS", 3)
    gen = ArticleGenerator(seed=5)
    articles = {f"g{i:02d}.txt": gen.article() for i in range(20)}
    for i in (1, 9):  # copies in the same run, many documents after their original
        articles[f"zcopy-of-g{i:02d}.txt"] = articles[f"g{i:02d}.txt"] + " Mise à jour."
    docs = write_articles(tmp_path / "docs", articles)
    ix = tmp_path / "ix"
    index_paths(ix, [docs])
    (docs / "zlater-of-g02.txt").write_text(articles["g02.txt"] + " Dernière heure.")
    leftover = ix / "stories-killed.tmp"  # what a run killed with SIGKILL leaves
    leftover.mkdir()
    (leftover / "run-0.keys").write_bytes(b"\0" * 16)
    summary = index_paths(ix, [docs])
    assert summary.added == 1
    found = stories(ix)
    assert len({v for k, v in found.items() if k.startswith("g")}) == 20
    for copy, original in (
        ("zcopy-of-g01", "g01"),
        ("zcopy-of-g09", "g09"),
        ("zlater-of-g02", "g02"),
    ):
        assert found[f"{copy}.txt"] == found[f"{original}.txt"]
    assert not list(ix.glob("stories-*"))
    user_folder = tmp_path / "not-an-index"
    (user_folder / "stories-mine.tmp").mkdir(parents=True)
    with pytest.raises(StoreError):
        index_paths(user_folder, [docs])
    assert (user_folder / "stories-mine.tmp").is_dir()  # only an index's own are removed


def test_short_texts_are_their_own_story(tmp_path):
    index_paths(
        tmp_path / "ix", [write_articles(tmp_path / "d", {"a.txt": "Kiev\nA", "b.txt": "Kiev\nA"})]
    )
    assert len(set(stories(tmp_path / "ix").values())) == 2


def test_a_searcher_that_answered_many_searches_answers_as_a_new_one(make_index):
    """A server's searcher reads the columns it uses whole once searches have asked it
    for as many values as the index has documents: stories, facets and ranking stay
    the same as a fresh searcher's."""
    import json as _json

    from veille.indexer.store import index_analyzer, open_index
    from veille.query.search import open_searcher, run_search

    topics = [
        "les hôpitaux manquent de générateurs, de médicaments et de chirurgiens depuis "
        "que la centrale thermique a été touchée mardi soir",
        "le métro sert d'abri aux familles pendant les alertes nocturnes, avec des lits "
        "de camp, une bibliothèque et une école improvisée sur les quais",
        "les universités reprennent les cours en ligne malgré les coupures de courant, "
        "et les étudiants étrangers rentrent chez eux par la Pologne",
        "les agriculteurs déminent leurs champs avant les semis de printemps, aidés par "
        "des sapeurs norvégiens et des chiens entraînés",
        "le festival de musique se tient dans une station souterraine, où deux mille "
        "spectateurs ont applaudi un orchestre symphonique",
        "les ingénieurs réparent le réseau électrique sous les bombardements, en posant "
        "des câbles provisoires entre les transformateurs détruits",
    ]
    articles = {}
    for n in range(24):
        story = n % 6  # six stories of four versions each
        record = {
            "title": f"Frappes sur Kharkiv : {topics[story][:30]}",
            "body": f"Après les frappes sur Kharkiv, {topics[story]}.",
            "source": ["afp.fr", "lemonde.fr", "cbc.ca"][n % 3],
            "date": f"2025-0{1 + n % 4}-15",
        }
        articles[f"a{n:02}.jsonl"] = _json.dumps(record)
    ix = open_index(make_index(articles))
    analyzer = index_analyzer(ix)

    def answer(searcher):
        result = run_search(searcher, analyzer, "Kharkiv frappes", limit=10)
        return [(h.path, round(h.score, 6), h.duplicates) for h in result.hits], result.facets

    served = open_searcher(ix)
    answers = [answer(served) for _ in range(4)]  # the columns are read whole on the way
    assert all(a == answers[0] for a in answers)
    with open_searcher(ix) as fresh:
        assert answer(fresh) == answers[0]
    hits, facets = answers[0]
    assert len(hits) == 6 and all(len(dups) == 3 for _, _, dups in hits)
    assert facets["source"] == {"afp.fr": 8, "cbc.ca": 8, "lemonde.fr": 8}


def edited_versions(
    rng: random.Random, vocabulary: list[str], stories: int, words: int
) -> list[tuple[str, list[str]]]:
    """Three versions of each of ``stories`` texts (s{story}v{version}.txt), each with
    one word of its own: documents that must share a story, by three."""
    documents = []
    for story in range(stories):
        text = rng.sample(vocabulary, words)
        for version in range(3):
            edited = list(text)
            edited[rng.randrange(words)] = f"variante{story}x{version}"
            documents.append((f"s{story}v{version}.txt", edited))
    return documents


def versions_share_their_story(documents: list[tuple[str, list[str]]], found: list[str]) -> bool:
    groups: dict[str, set[str]] = {}
    for (path, _), story in zip(documents, found, strict=True):
        groups.setdefault(path.split("v")[0], set()).add(story)
    return all(len(s) == 1 for s in groups.values())


def test_stories_are_found_alike_in_the_recent_band_keys_and_the_sorted_ones(monkeypatch):
    """Band keys wait in a dict and are merged into sorted arrays every so often (large
    runs): where a key is kept never changes which story a document joins."""
    from veille.indexer.stories import BandTable, StoryFinder

    rng = random.Random(7)
    documents = edited_versions(rng, [f"mot{n}" for n in range(2000)], stories=12, words=60)
    rng.shuffle(documents)

    def stories() -> list[str]:
        finder = StoryFinder()
        return [finder.assign(path, words)[0] for path, words in documents]

    in_the_dict = stories()
    monkeypatch.setattr(BandTable, "FLUSH_AT", 64)  # merged after every document
    in_the_arrays = stories()
    assert in_the_arrays == in_the_dict
    monkeypatch.setattr(BandTable, "RUN_SLOTS", 8)  # a full run is set aside every 8
    in_many_runs = stories()
    assert in_many_runs == in_the_dict
    assert len(set(in_the_dict)) == 12 and versions_share_their_story(documents, in_the_dict)


def test_stories_are_found_alike_when_full_runs_are_kept_in_files(monkeypatch, tmp_path):
    """A large run sets its full runs of band keys and signatures aside in files and
    assigns documents in batches: no story changes, however the documents are cut."""
    from veille.indexer import stories as module
    from veille.indexer.stories import BandTable, StoryFinder, sketch

    rng = random.Random(11)
    vocabulary = [f"mot{n}" for n in range(3000)]
    documents = edited_versions(rng, vocabulary, stories=40, words=50)
    documents += [(f"seul{n}.txt", rng.sample(vocabulary, 50)) for n in range(30)]
    documents += [(f"court{n}.txt", ["un", "titre"]) for n in range(5)]  # too short to tell
    rng.shuffle(documents)
    one_by_one = StoryFinder()
    expected = [one_by_one.assign(path, words)[0] for path, words in documents]

    monkeypatch.setattr(module, "BLOCK", 8)
    monkeypatch.setattr(BandTable, "RUN_SLOTS", 8)
    for batch in (1, 5, 64):
        finder = StoryFinder(spill_to=tmp_path)
        got = []
        for start in range(0, len(documents), batch):
            items = [(path, *sketch(words)) for path, words in documents[start : start + batch]]
            got += [story for story, _ in finder.assign_sketched(items)]
        assert got == expected
        assert len(finder.spilled) == finder.count // 8  # every full run is in files
        assert all(block is None for block in finder.signatures.blocks[: finder.count // 8])
    assert versions_share_their_story(documents, expected)
    assert len(set(expected)) == 40 + 30 + 5


@pytest.mark.parametrize("count", [0, 1, 2, 700])
def test_signatures_are_those_that_indexes_already_hold(count):
    """A signature is the MinHash its definition gives, computed here with Python's
    integers, so documents indexed now are compared rightly with those indexed by
    earlier versions of veille (whose signatures are stored)."""
    from veille.indexer.stories import MAX_HASH, NUM_PERM, PRIME, _permutations, signature

    rng = random.Random(count)
    words = [
        rng.choice(["kyiv", "zelensky", "gaz", "accord", "été", "ż"]) + str(rng.randrange(9))
        for _ in range(count)
    ]
    pairs = {" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1))}
    a, b = _permutations()
    expected = [
        min(
            ((zlib.crc32(p.encode()) * int(a[k]) + int(b[k])) % 2**64 % PRIME) & MAX_HASH
            for p in pairs
        )
        for k in range(NUM_PERM)
    ]
    assert signature(words).tolist() == expected


def test_a_stop_that_comes_as_soon_as_the_stories_folder_exists_leaves_no_folder(
    tmp_path, monkeypatch
):
    """A Ctrl-C just as a run makes its folder of spilled stories (the moment a test
    stopping runs picks, since it is the run's first write) once left the folder
    behind in the index: the folder goes however early the stop comes."""
    from veille.indexer.stories import spilled_stories

    real = os.mkdir

    def made_then_stopped(path, *args, **kwargs):
        real(path, *args, **kwargs)
        raise KeyboardInterrupt  # a stop that lands as soon as the folder exists

    monkeypatch.setattr(os, "mkdir", made_then_stopped)
    with pytest.raises(KeyboardInterrupt):
        with spilled_stories(tmp_path):
            pass
    assert list(tmp_path.iterdir()) == []
