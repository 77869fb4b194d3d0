"""Text details that hide words or reach the terminal: invisible format characters
inside words, and control characters in what the command line prints."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.indexer.analysis import build_analyzer, split_words, word_texts
from veille.indexer.store import open_index
from veille.query.cli import cli
from veille.query.search import Options, search
from veille.query.snippets import to_html

from .conftest import found, index_of

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
    return index_of(tmp_path_factory, INVISIBLE)


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


OSC_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b2J"
HOSTILE = f"{OSC_TITLE}Kherson {CLEAR}talks{C1_CSI}\x07\x85\r"
# What a terminal acts on: ESC, BEL, CR and the other C0 controls but tab and
# newline, DEL and C1. Our own bold and strikethrough are SGR sequences, removed first.
OUR_STYLES = re.compile(r"\x1b\[[0-9;]*m")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory):
    from veille.indexer.build import index_paths

    from .conftest import write_articles

    record = {
        "title": f"Kherson {CLEAR}report",
        "body": f"Kherson{OSC_TITLE} grain talks {C1_CSI}.",
        "source": f"evil{OSC_TITLE}.example",
    }
    docs = write_articles(
        tmp_path_factory.mktemp("docs"),
        {
            "hostile.txt": f"{HOSTILE}\n\nThe Kherson {OSC_TITLE}grain talks{CLEAR} "
            f"resumed{C1_CSI}.\n",
            f"name{CLEAR}.txt": "Kherson grain\n\nKherson grain talks, again, in Odessa.\n",
            "export.jsonl": json.dumps(record) + "\n",
        },
    )
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [docs])
    return directory


def terminal_output(index: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, [*args, "--index", str(index)], color=True, env={"NO_COLOR": None}
    )
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("search", "--no-collapse", "Kherson talks"), "Kherson talks"),
        (("search", "--no-collapse", f"Kherson {CLEAR}talks{OSC_TITLE}"), "Kherson"),
        (("search", "Kherson", "grain", "zzyzx"), "Missing: zzyzx"),
        (("search", f"nothing{OSC_TITLE}"), "No match for 'nothing"),
        (("stats",), "evil.example"),
        (("analyze", f"Kherson {OSC_TITLE}{C1_CSI}talks"), "Kherson"),
    ],
)
def test_the_command_line_prints_no_control_character_from_documents_or_queries(
    hostile_index, args, expected
):
    shown = terminal_output(hostile_index, *args)
    plain = OUR_STYLES.sub("", shown)
    assert expected in plain
    assert not CONTROLS.search(plain), repr(shown)


def test_hits_keep_their_text_without_the_control_characters(hostile_index):
    shown = terminal_output(hostile_index, "search", "--no-collapse", "Kherson talks")
    plain = OUR_STYLES.sub("", shown)
    assert "Kherson talks" in plain  # the title, as the terminal would have shown it
    assert "grain talks resumed." in plain
    assert "pwned" not in plain
    assert "name.txt" in plain  # the file name, without its escape sequence


def test_related_prints_no_control_character(hostile_index):
    from veille.indexer.store import open_index as open_ix

    with open_ix(hostile_index).searcher() as searcher:
        path = next(
            f["path"]
            for f in searcher.all_stored_fields()
            if f["path"].endswith(".txt") and "hostile" in f["path"]
        )
    shown = terminal_output(hostile_index, "related", path)
    assert not CONTROLS.search(OUR_STYLES.sub("", shown)), repr(shown)


def test_json_output_escapes_every_control_character(hostile_index):
    shown = terminal_output(hostile_index, "search", "--json", "--no-collapse", "Kherson")
    assert not CONTROLS.search(shown), repr(shown)
    titles = {hit["title"] for hit in json.loads(shown)["hits"]}
    assert f"Kherson {CLEAR}report" in titles  # JSON keeps the data, escaped


def test_warnings_and_errors_name_files_without_their_control_characters(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / f"bad{OSC_TITLE}.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (docs / "good.txt").write_text("Kherson\n\nKherson grain talks.\n", "utf-8")
    runner = CliRunner()
    indexed = runner.invoke(cli, ["index", "--index", str(tmp_path / "ix"), str(docs)], color=True)
    assert indexed.exit_code == 0, indexed.output
    assert "warning:" in indexed.output and "bad0;pwned.txt" not in indexed.output
    assert "bad.txt" in indexed.output
    missing = runner.invoke(
        cli, ["related", "--index", str(tmp_path / "ix"), f"nowhere{CLEAR}.txt"], color=True
    )
    assert missing.exit_code == 2 and "nowhere" in missing.output
    for output in (indexed.output, missing.output):
        assert not CONTROLS.search(OUR_STYLES.sub("", output)), repr(output)


_PIECES = ["sécu", "\u00ad", "rité", "l'", "’", "Ukraine", "e\u0301", "\u200b", " ", "\n", "-"]
_PIECES += ["ʼ", "Kyiv", "\ufeff", "1945"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_indexing_and_highlighting_split_text_into_the_same_words(text):
    """Indexing finds a text's words without their offsets (quicker); snippets find them
    with offsets: both must see the same words, format characters and accents included,
    or a highlighted word would not be the one that matched."""
    analyzer = build_analyzer()
    assert list(word_texts(text)) == [word for word, _, _ in split_words(text)]
    indexed = [t.text for t in analyzer(text, positions=True, mode="index")]
    shown = [t.text for t in analyzer(text, positions=True, chars=True, mode="index")]
    assert indexed == shown
