"""Posting blocks read part by part: what a query sees is what was written."""

from __future__ import annotations

import random

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter, W3TermInfo
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.formats import Characters, Positions
from whoosh.qparser import QueryParser

from veille.corpus import CORPUS_DIR
from veille.indexer.analysis import build_analyzer
from veille.indexer.build import index_paths
from veille.indexer.pool import ChunkedPostingPool
from veille.indexer.postings import (
    SplitPostingsWriter,
    VeilleCodec,
    VeillePositions,
    positions_together,
)
from veille.indexer.store import make_schema, open_index

from .conftest import found, write_articles


def _postings(count: int, seed: int):
    """``count`` postings with growing document numbers, mixed weights and positions."""
    rng = random.Random(seed)
    docnum, postings = 0, []
    for _ in range(count):
        docnum += rng.choice([1, 1, 2, 7, 300, 70_000])
        positions = sorted(rng.sample(range(5000), rng.randint(1, 6)))
        weight = rng.choice([float(len(positions)), len(positions) * 2.5])
        postings.append((docnum, weight, positions))
    return postings


def _write_and_read(postings, codec=None):
    codec = codec or VeilleCodec()
    fmt = Positions()
    storage = RamStorage()
    with storage.create_file("p.pst") as out:
        writer = codec.postings_writer(out)
        writer.start_postings(fmt, codec_terminfo())
        for docnum, weight, positions in postings:
            writer.add_posting(docnum, weight, fmt.encode(positions), 10)
        terminfo = writer.finish_postings()
    matcher = codec.postings_reader(storage.open_file("p.pst"), terminfo, fmt)
    return matcher, fmt, storage.file_length("p.pst")


def codec_terminfo():
    return W3TermInfo()


@pytest.mark.parametrize("count", [2, 128, 129, 1000])
def test_every_posting_reads_back_as_written(count):
    postings = _postings(count, seed=count)
    matcher, fmt, _ = _write_and_read(postings)
    read = []
    while matcher.is_active():
        read.append((matcher.id(), matcher.weight(), fmt.decode_positions(matcher.value())))
        matcher.next()
    assert read == postings


@pytest.mark.parametrize("seed", range(5))
def test_skipping_lands_on_the_first_document_at_or_after_the_target(seed):
    postings = _postings(700, seed=seed)
    ids = [docnum for docnum, _, _ in postings]
    matcher, _, _ = _write_and_read(postings)
    rng = random.Random(seed)
    targets = sorted(rng.sample(range(ids[-1] + 10), 60))
    for target in targets:
        expected = next((i for i in ids if i >= target), None)
        if expected is None:
            if matcher.is_active():
                matcher.skip_to(target)
            assert not matcher.is_active()
            break
        matcher.skip_to(target)
        assert matcher.id() == expected


def test_postings_take_less_room_than_whooshs_own_blocks():
    postings = _postings(5000, seed=1)
    sizes = []
    for codec in (VeilleCodec(), W3Codec()):
        sizes.append(_write_and_read(postings, codec)[2])
    assert sizes[0] < sizes[1]


def test_phrases_and_scores_are_those_of_whooshs_blocks():
    """The same documents indexed with both codecs answer alike."""
    schema = Schema(body=TEXT(phrase=True, stored=True))
    texts = [
        " ".join(random.Random(i).choices(["guerre", "paix", "kiev", "accord", "en"], k=12))
        for i in range(600)
    ]
    queries = ('"guerre en kiev"', "guerre AND accord", "paix OR kiev", "kiev NOT paix")
    parser = QueryParser("body", schema)
    answers = []
    for codec in (VeilleCodec(), W3Codec()):
        ix = RamStorage().create_index(schema)
        with ix.writer(codec=codec) as w:
            for text in texts:
                w.add_document(body=text)
        with ix.searcher() as s:
            hits = [s.search(parser.parse(q), limit=None) for q in queries]
            answers.append([[(h.docnum, round(h.score, 9)) for h in result] for result in hits])
    assert answers[0] == answers[1]
    assert all(answers[0])


class _AskingWriter(SplitPostingsWriter):
    """veille's blocks, each list's place in the file asked of the file as W3 does."""

    start_postings = W3PostingsWriter.start_postings
    finish_postings = W3PostingsWriter.finish_postings


class _WhooshLoop(VeilleCodec):
    """veille's blocks written through Whoosh's own loop over the sorted postings."""

    def field_writer(self, storage, segment):
        return W3FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _AskingWriter(dbfile, blocklimit=self._blocklimit, compression=0)


def test_postings_and_term_table_are_written_byte_for_byte_as_whooshs_loop_and_format_write_them(
    tmp_path,
):
    """veille's lean writing loop (lengths read once, values made faster by
    VeillePositions, each list's place in the file counted, not asked) writes the very
    files that Whoosh's loop and Positions format write from the same articles: a
    phrase or a score can only come out the same."""
    analyzer = build_analyzer()
    texts = [path.read_text("utf-8") for path in sorted(CORPUS_DIR.glob("*.txt"))]
    texts += [
        " ".join(random.Random(i).choices(["Kiev", "guerre", "l'Ukraine", "paix"], k=40))
        for i in range(300)
    ]
    files = []
    for name, codec, fields in (
        ("lean", VeilleCodec(), make_schema(analyzer)),
        ("whoosh", _WhooshLoop(), _whoosh_positions(make_schema(analyzer))),
    ):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), fields)
        with ix.writer(codec=codec, compound=False) as w:
            for n, text in enumerate(texts):
                title, _, body = text.partition("\n")
                w.add_document(path=f"{n}.txt", title=title, body=body)
        files.append(
            {
                path.suffix: path.read_bytes()
                for path in (tmp_path / name).iterdir()
                if path.suffix in (".pst", ".trm")
            }
        )
    assert set(files[0]) == {".pst", ".trm"}
    assert files[0] == files[1]
    assert isinstance(make_schema(analyzer)["body"].format, VeillePositions)


def _whoosh_positions(schema):
    for name in ("title", "body"):
        schema[name].format = Positions(field_boost=schema[name].format.field_boost)
    return schema


def test_an_index_written_by_whooshs_codec_stays_searchable_beside_new_segments(
    tmp_path, monkeypatch
):
    """An index of an earlier veille (W3 blocks) answers as before, and answers
    together with the segments that later commits write in the new blocks."""
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nguerre à Kiev"})
    monkeypatch.setattr("veille.indexer.store.VeilleCodec", W3Codec)
    index_paths(tmp_path / "ix", [docs])
    monkeypatch.undo()
    assert _codecs(tmp_path / "ix") == {W3Codec}
    assert found(tmp_path / "ix", "Kyiv") == ["a.txt"]
    write_articles(docs, {"b.txt": "Kyiv\nla guerre à Kyiv"})
    index_paths(tmp_path / "ix", [docs])
    assert sorted(found(tmp_path / "ix", '"guerre à Kiev"')) == ["a.txt", "b.txt"]
    assert _codecs(tmp_path / "ix") == {W3Codec, VeilleCodec}


def _codecs(directory) -> set[type]:
    return {type(segment.codec()) for segment in open_index(directory)._segments()}


@pytest.mark.parametrize("maxfiles", [128, 3])
def test_postings_spilled_in_chunks_come_back_sorted_and_whole(tmp_path, monkeypatch, maxfiles):
    """A writer's buffer that spills many runs of several chunks (and, with few files
    allowed open, merges runs into runs) gives back every posting once, in order."""
    monkeypatch.setattr("veille.indexer.pool.CHUNK", 50)
    rng = random.Random(7)
    postings = [
        (
            rng.choice(["title", "body"]),
            f"w{rng.randrange(500)}".encode(),
            rng.randrange(10**6),
            float(rng.randint(1, 9)),
            rng.choice([None, bytes(rng.randrange(4))]),
        )
        for _ in range(5000)
    ]
    pool = ChunkedPostingPool(FileStorage(str(tmp_path)), segment=None)
    pool.limit = 20_000  # bytes as Whoosh estimates them: a run every ~150 postings
    for posting in postings:
        pool.add(posting)
    assert len(pool.runs) > 20
    assert list(pool.items(maxfiles=maxfiles)) == sorted(postings)
    assert not list(tmp_path.iterdir())  # every run file removed once read


def test_an_index_written_through_spilled_runs_answers_as_one_held_in_memory(tmp_path, monkeypatch):
    articles = {
        f"{n}.txt": f"Article {n}\nKiev, Kyiv et Київ : "
        + " ".join(f"mot{n * k % 97}" for k in range(60))
        for n in range(40)
    }
    docs = write_articles(tmp_path / "docs", articles)
    index_paths(tmp_path / "memory", [docs], procs=1)
    monkeypatch.setattr("veille.indexer.store.WRITER_MEMORY_MB", 0.005)  # 5 KB: dozens of runs
    spilled = []
    write_run = ChunkedPostingPool._write_run

    def counted(pool, f, items):
        spilled.append(f)
        write_run(pool, f, items)

    monkeypatch.setattr(ChunkedPostingPool, "_write_run", counted)
    index_paths(tmp_path / "spilled", [docs], procs=1)
    assert len(spilled) > 10
    for query in ["Kyiv", "mot5", '"Kiev Kyiv"', "article", "mot3 mot96"]:
        assert found(tmp_path / "spilled", query) == found(tmp_path / "memory", query)
        assert found(tmp_path / "memory", query)


def test_positions_decoded_together_are_those_of_each_posting():
    """Positions of many postings decoded in one go (as phrase checks read them) equal
    Whoosh's decoding of each: single positions, empty lists, lists longer than the
    pickler's batches of 1,000, and positions of every integer width."""
    rng = random.Random(3)
    lists = [[], [0], [5], [70_000], [2**31 + 5], sorted(rng.sample(range(10**6), 1500))]
    lists += [
        sorted(rng.sample(range(rng.choice([50, 5000, 10**9])), rng.randint(1, 9)))
        for _ in range(300)
    ]
    for fmt in (Positions(), Characters()):
        values = [
            fmt.encode([(p, p * 2, p * 2 + 1) for p in found])
            if isinstance(fmt, Characters)
            else fmt.encode(found)
            for found in lists
        ]
        positions, lengths = positions_together(values, fmt)
        assert lengths.tolist() == [len(found) for found in lists]
        assert positions.tolist() == [p for found in lists for p in found]
        assert [fmt.decode_positions(v) for v in values] == lists  # Whoosh's own decoding
