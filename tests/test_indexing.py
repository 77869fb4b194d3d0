"""Reading files and writing the index: encodings, skips, replacement, failures."""

from __future__ import annotations

import json
import os
import random

import pytest
import whoosh.writing

from veille.indexer.boilerplate import clean_article
from veille.indexer.build import index_paths
from veille.indexer.store import StoreError, open_index

from .conftest import found, write_articles


def test_title_is_the_first_non_empty_line():
    cleaned = clean_article("\n\n  Titre  \nCorps\nsuite\n")
    assert (cleaned.title, cleaned.body) == ("Titre", "Corps\nsuite")


def test_folders_are_read_recursively_and_only_article_files(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {
            "a.txt": "Kiev A\nx",
            "sub/b.TXT": "Kiev B\ny",
            "sub/c.md": "# Kiev C\nz",
            "sub/d.csv": "Kiev,D\n",
            ".hidden.txt": "Kiev E\n",
        },
    )
    summary = index_paths(tmp_path / "ix", [docs])
    assert summary.indexed == 3
    assert sorted(found(tmp_path / "ix", "Kiev")) == ["a.txt", "b.TXT", "c.md"]


@pytest.mark.parametrize(
    "encoding, warning",
    [("cp1252", "not valid UTF-8, read as Windows-1252"), ("utf-16", "read as UTF-16")],
)
def test_other_encodings_are_read_with_a_warning(tmp_path, encoding, warning):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "f.txt").write_bytes("Sécurité à Kiev\nGaranties de sécurité\n".encode(encoding))
    warnings = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    assert summary.indexed == 1
    assert any("f.txt" in w and warning in w for w in warnings)
    assert found(tmp_path / "ix", '"garanties de sécurité"') == ["f.txt"]
    assert found(tmp_path / "ix", "Kyiv securite") == ["f.txt"]


def test_utf8_byte_order_mark_is_not_part_of_the_title(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bom.txt").write_bytes("\ufeffKiev\ncorps".encode())
    index_paths(tmp_path / "ix", [docs])
    ix = open_index(tmp_path / "ix")
    with ix.searcher() as s:
        assert [d["title"] for d in s.all_stored_fields()] == ["Kiev"]


def test_empty_and_binary_files_are_skipped_with_a_warning(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    (docs / "blank.txt").write_text("\n  \n")
    (docs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (docs / "good.txt").write_text("Kiev\ncorps")
    warnings = []
    summary = index_paths(tmp_path / "ix", [docs], warn=warnings.append)
    assert (summary.indexed, summary.skipped) == (1, 3)
    assert summary.line().startswith(
        "files: 1 added, 0 updated, 0 removed, 0 unchanged, 3 skipped; 1 document in the index ("
    )
    joined = "\n".join(warnings)
    assert "empty.txt: skipped, empty file" in joined
    assert "blank.txt: skipped, empty file" in joined
    assert "binary.txt: skipped, binary file" in joined


def test_documents_keep_path_size_and_modification_time(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\ncorps"})
    os.utime(docs / "a.txt", (1_700_000_000, 1_700_000_000))
    index_paths(tmp_path / "ix", [docs])
    with open_index(tmp_path / "ix").searcher() as s:
        (fields,) = list(s.all_stored_fields())
    assert fields["path"] == str((docs / "a.txt").resolve())
    assert fields["size"] == len("Kiev\ncorps")
    assert fields["mtime"] == 1_700_000_000


def test_indexing_again_replaces_documents(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nancien texte"})
    index_paths(tmp_path / "ix", [docs])
    (docs / "a.txt").write_text("Kiev\nnouveau texte")
    index_paths(tmp_path / "ix", [docs])
    index_paths(tmp_path / "ix", [docs / "a.txt"])
    assert found(tmp_path / "ix", "Kiev") == ["a.txt"]
    assert found(tmp_path / "ix", "nouveau") == ["a.txt"]
    assert found(tmp_path / "ix", "ancien") == []


def test_new_paths_add_to_what_is_indexed(tmp_path):
    one = write_articles(tmp_path / "one", {"a.txt": "Kiev\nA"})
    two = write_articles(tmp_path / "two", {"b.txt": "Kiev\nB"})
    index_paths(tmp_path / "ix", [one])
    index_paths(tmp_path / "ix", [two])
    assert sorted(found(tmp_path / "ix", "Kiev")) == ["a.txt", "b.txt"]


def test_rebuild_starts_from_scratch(tmp_path):
    one = write_articles(tmp_path / "one", {"a.txt": "Kiev\nA"})
    two = write_articles(tmp_path / "two", {"b.txt": "Kiev\nB"})
    index_paths(tmp_path / "ix", [one])
    index_paths(tmp_path / "ix", [two], rebuild=True)
    assert found(tmp_path / "ix", "Kiev") == ["b.txt"]


def test_a_failed_commit_keeps_the_index_whole_and_unlocked(tmp_path, monkeypatch):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    more = write_articles(tmp_path / "more", {"b.txt": "Kiev\nB"})

    def disk_full(self, segments):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(whoosh.writing.SegmentWriter, "_commit_toc", disk_full)
    with pytest.raises(StoreError, match="disk is full.*last committed index is unchanged"):
        index_paths(tmp_path / "ix", [more])
    monkeypatch.undo()
    assert found(tmp_path / "ix", "Kiev") == ["a.txt"]
    index_paths(tmp_path / "ix", [more])  # the lock was released
    assert sorted(found(tmp_path / "ix", "Kiev")) == ["a.txt", "b.txt"]


def test_a_failed_rebuild_keeps_the_old_index(tmp_path, monkeypatch):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    monkeypatch.setattr(whoosh.writing.SegmentWriter, "_commit_toc", lambda self, s: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        index_paths(tmp_path / "ix", [docs], rebuild=True)
    monkeypatch.undo()
    assert found(tmp_path / "ix", "Kiev") == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ix.lock", "docs", "ix"]


def test_a_folder_that_is_not_an_index_is_never_overwritten(tmp_path):
    target = tmp_path / "notes"
    target.mkdir()
    (target / "keep.md").write_text("mine")
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    with pytest.raises(StoreError, match="not a veille index"):
        index_paths(target, [docs])
    assert (target / "keep.md").read_text() == "mine"
    with pytest.raises(StoreError, match="not a veille index"):
        open_index(target)


def test_an_index_from_another_version_asks_for_a_rebuild(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    (tmp_path / "ix" / "veille.json").write_text(json.dumps({"analysis_version": 0}))
    with pytest.raises(StoreError, match="--rebuild"):
        open_index(tmp_path / "ix")
    index_paths(tmp_path / "ix", [docs], rebuild=True)
    assert found(tmp_path / "ix", "Kiev") == ["a.txt"]


def test_the_index_remembers_its_synonyms(tmp_path):
    from veille.indexer.analysis import build_analyzer

    docs = write_articles(tmp_path / "docs", {"a.txt": "Moscou\nLe Kremlin a parlé."})
    index_paths(tmp_path / "ix", [docs], analyzer=build_analyzer("Kremlin, Moscou\n", None))
    more = write_articles(tmp_path / "more", {"b.txt": "Kremlin\ntexte"})
    index_paths(tmp_path / "ix", [more])  # no table given: the index's own is kept
    assert sorted(found(tmp_path / "ix", "Moscou")) == ["a.txt", "b.txt"]
    with pytest.raises(StoreError, match="--rebuild"):
        index_paths(tmp_path / "ix", [more], analyzer=build_analyzer(None, None))


def test_segments_are_separate_files_that_searchers_map_instead_of_copying(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\nA"})
    index_paths(tmp_path / "ix", [docs])
    names = [p.name for p in (tmp_path / "ix").iterdir()]
    assert not any(name.endswith(".seg") for name in names)  # no compound file
    assert any(name.endswith(".pst") for name in names)


def test_a_document_indexed_again_and_again_stays_searchable(tmp_path):
    """Each update leaves the older copies deleted in their segments; search skips them."""
    docs = tmp_path / "docs"
    for text in ["Kiev", "Kiev\nÝh", "x\nKiev\n", "\nKiev\nÝh"]:
        write_articles(docs, {"doc.txt": text})
        index_paths(tmp_path / "ix", [docs])
        assert found(tmp_path / "ix", "Kiev") == ["doc.txt"]


def test_seeding_pythons_random_does_not_make_segments_overwrite_each_other(tmp_path):
    """Whoosh names segments with `random`; a program that seeds it must not lose documents."""
    for name in ("a.txt", "b.txt"):
        random.seed(42)
        index_paths(tmp_path / "ix", [write_articles(tmp_path / name, {name: f"Kiev\n{name}"})])
    assert sorted(found(tmp_path / "ix", "Kiev")) == ["a.txt", "b.txt"]


def test_an_index_opens_with_its_chain_as_built_and_follows_edited_question_words(
    tmp_path, monkeypatch
):
    """The chain is pickled with what parsing its tables made (opening an index does
    not analyse them again); a word list edited since is read again."""
    import veille.indexer.analysis as analysis
    from veille.indexer.store import index_analyzer

    ix = tmp_path / "ix"
    index_paths(ix, [write_articles(tmp_path / "docs", {"a.txt": "Kiev\nLa ville."})])
    built = analysis.build_analyzer()
    opened = index_analyzer(open_index(ix))
    sample = "Kyiv, Kiew, l'OTAN et Zaporojie ; où est Kharkov ?"
    for mode in ("index", "query"):
        assert opened.terms(sample, mode=mode) == built.terms(sample, mode=mode)
    questions = ("question-words.txt", "query")
    assert opened.list_terms(*questions) == built.list_terms(*questions)
    why = frozenset(built.terms("pourquoi", mode="query"))
    assert why < opened.list_terms(*questions)

    real = analysis.data_text
    monkeypatch.setattr(
        analysis,
        "data_text",
        lambda name: "pourquoi\n" if name == "question-words.txt" else real(name),
    )
    assert index_analyzer(open_index(ix)).list_terms(*questions) == why
