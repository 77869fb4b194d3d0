"""The installed `veille` command: exit codes, output formats, errors, index location."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from veille.corpus import CORPUS_DIR
from veille.query.cli import cli

from .conftest import json_hits, veille_command, write_articles

R = "carney-kyiv-visit-rivedin.txt"
C = "carney-kyiv-visit-cbc.txt"


def test_search_prints_ranked_hits_with_snippets(run):
    result = run("search", "--no-collapse", "Zaporijia")
    assert result.exit_code == 0
    assert result.stdout.startswith("2 matches (showing 1-2)")
    assert "1. " in result.stdout and "2. " in result.stdout
    assert R in result.stdout and C in result.stdout
    assert "Zaporizhzhia" in result.stdout and "Zaporijia" in result.stdout


def test_versions_of_one_story_are_one_hit(run):
    result = run("search", "Zaporijia")
    assert result.stdout.startswith("1 match (showing 1-1)")
    data = json.loads(run("search", "--json", "Zaporijia").stdout)
    (hit,) = data["hits"]
    (other,) = hit["duplicates"]
    assert {Path(hit["path"]).name, Path(other["path"]).name} == {R, C}
    assert f"   +1 other version ({other['source'] or Path(other['path']).name})" in result.stdout
    ranked = json.loads(run("search", "--json", "--no-collapse", "Zaporijia").stdout)["hits"]
    assert ranked[0]["path"] == hit["path"]  # the best-ranked version leads


def test_highlights_are_bold_on_a_terminal_and_plain_otherwise(corpus_index):
    runner = CliRunner()
    env = {"VEILLE_INDEX": str(corpus_index), "NO_COLOR": None}
    colored = runner.invoke(cli, ["search", "Kyiv"], env=env, color=True)
    assert "\x1b[1mKiev\x1b[0m" in colored.stdout
    piped = runner.invoke(cli, ["search", "Kyiv"], env=env)
    assert "\x1b[" not in piped.stdout and "Kiev" in piped.stdout
    no_color = runner.invoke(cli, ["search", "Kyiv"], env={**env, "NO_COLOR": "1"}, color=True)
    assert "\x1b[" not in no_color.stdout


def test_json_output_is_one_object(run):
    result = run("search", "--json", "Putin")
    data = json.loads(result.stdout)
    assert set(data) >= {"query", "total", "page", "hits"}
    assert (data["query"], data["total"], data["page"]) == ("Putin", 1, 1)
    (hit,) = data["hits"]
    assert set(hit) >= {"path", "title", "score", "snippet"}
    assert Path(hit["path"]).name == R
    assert "<mark>Poutine</mark>" in hit["snippet"]


def test_limit_and_page(run):
    first = json_hits(run("search", "--json", "--no-collapse", "--limit", "1", "Kiev"))
    second = json_hits(
        run("search", "--json", "--no-collapse", "--limit", "1", "--page", "2", "Kiev")
    )
    assert len(first) == len(second) == 1 and first != second
    empty = run("search", "--json", "--no-collapse", "--limit", "1", "--page", "3", "Kiev")
    assert empty.exit_code == 0 and json.loads(empty.stdout)["hits"] == []


@pytest.mark.parametrize(
    "args", [["--limit", "0", "Kiev"], ["--limit", "5000", "Kiev"], ["--page", "0", "Kiev"], []]
)
def test_bad_arguments_exit_2(run, args):
    result = run("search", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_no_match_exits_1(run):
    result = run("search", "Kharkiv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No match" in result.stderr


@pytest.mark.parametrize("query", ["kiev " * 250, " ".join(f"mot{n}" for n in range(100))])
def test_queries_too_long_or_too_big_exit_2_with_one_line(run, query):
    result = run("search", query)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: ")


@pytest.mark.parametrize("query", ["NOT OR x", "(kiev", "*ment", "de la"])
def test_malformed_syntax_is_searched_as_words(run, query):
    result = run("search", query)
    assert result.exit_code in (0, 1)
    assert "Error" not in result.output


def test_search_builds_the_bundled_index_when_there_is_none(tmp_path):
    env = {"VEILLE_INDEX": None, "XDG_DATA_HOME": str(tmp_path / "data")}
    result = CliRunner().invoke(cli, ["search", "Kiev"], env=env)
    assert result.exit_code == 0
    assert "indexing the bundled articles" in result.stderr
    assert "1 match" in result.stdout and "+1 other version" in result.stdout


def test_the_index_lives_in_the_user_data_folder_by_default(tmp_path):
    env = {"VEILLE_INDEX": None, "XDG_DATA_HOME": str(tmp_path / "data")}
    result = CliRunner().invoke(cli, ["search", "--json", "Kiev"], env=env)
    assert result.exit_code == 0
    assert (tmp_path / "data" / "veille" / "index" / "veille.json").exists()


def test_index_option_beats_the_environment(tmp_path, corpus_index):
    result = CliRunner().invoke(
        cli,
        ["search", "--index", str(corpus_index), "Kiev"],
        env={"VEILLE_INDEX": str(tmp_path / "elsewhere")},
    )
    assert result.exit_code == 0 and not (tmp_path / "elsewhere").exists()


def test_index_command_reports_a_summary_and_warnings(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\ntexte", "empty.txt": ""})
    result = CliRunner().invoke(cli, ["index", "--index", str(tmp_path / "ix"), str(docs)])
    assert result.exit_code == 0
    assert result.stdout.startswith("files: 1 added, 0 updated, 0 removed, 0 unchanged, 1 skipped;")
    assert "warning: " in result.stderr and "empty.txt: skipped, empty file" in result.stderr


def test_index_command_json(tmp_path):
    docs = write_articles(tmp_path / "docs", {"a.txt": "Kiev\ntexte"})
    result = CliRunner().invoke(
        cli, ["index", "--json", "--index", str(tmp_path / "ix"), str(docs)]
    )
    data = json.loads(result.stdout)
    assert (data["indexed"], data["skipped"]) == (1, 0)


def test_index_with_a_missing_path_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["index", "--index", str(tmp_path / "ix"), "nope"])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_a_malformed_synonym_file_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "syn.txt"
    bad.write_text("otan, nato\nkiev\n")
    result = CliRunner().invoke(
        cli, ["index", "--index", str(tmp_path / "ix"), "--synonyms", str(bad), str(CORPUS_DIR)]
    )
    assert result.exit_code == 2
    assert f"{bad}, line 2" in result.stderr
    assert not (tmp_path / "ix").exists()


def test_a_synonym_file_adds_to_the_shipped_one_unless_told_not_to(tmp_path):
    syn = tmp_path / "syn.txt"
    syn.write_text("Carney, premier ministre canadien\n")
    runner = CliRunner()
    ix = str(tmp_path / "ix")
    indexed = runner.invoke(cli, ["index", "--index", ix, "--synonyms", str(syn), str(CORPUS_DIR)])
    assert indexed.exit_code == 0
    hits = runner.invoke(
        cli, ["search", "--index", ix, "--json", "--no-collapse", "premier ministre canadien"]
    )
    assert set(json_hits(hits)) == {R, C}
    assert runner.invoke(cli, ["search", "--index", ix, "NATO"]).exit_code == 0  # OTAN, shipped
    only = ["index", "--rebuild", "--index", ix, "--synonyms", str(syn), "--no-default-synonyms"]
    only.append(str(CORPUS_DIR))
    assert runner.invoke(cli, only).exit_code == 0
    assert runner.invoke(cli, ["search", "--index", ix, "NATO"]).exit_code == 1
    assert runner.invoke(cli, ["search", "--index", ix, "premier ministre canadien"]).exit_code == 0


def test_a_variant_line_joins_a_spelling_to_a_shipped_group(tmp_path):
    variants = tmp_path / "variants.txt"
    variants.write_text("Chornobyl, Czarnobylu\n")  # Polish "of Chornobyl"
    # The shipped table joins Chornobyl and Chernobyl (too small for the gazetteer).
    words = ["Czarnobylu", "Chernobyl"]
    result = CliRunner().invoke(cli, ["analyze", "--variants", str(variants), *words])
    tokens = [line.split()[1] for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and tokens[0] == tokens[1]
    assert result.stdout.splitlines()[0].endswith("(your variant table)")
    assert result.stdout.splitlines()[1].endswith("(variant table)")  # the shipped one
    alone = ["analyze", "--variants", str(variants), "--no-default-variants", *words]
    tokens = [line.split()[1] for line in CliRunner().invoke(cli, alone).stdout.splitlines()]
    assert tokens[0] != tokens[1]


def test_writing_into_a_folder_that_is_not_an_index_exits_2(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.md").write_text("x")
    result = CliRunner().invoke(cli, ["index", "--index", str(tmp_path / "mine"), str(CORPUS_DIR)])
    assert result.exit_code == 2 and "not a veille index" in result.stderr
    result = CliRunner().invoke(cli, ["search", "--index", str(tmp_path / "mine"), "Kiev"])
    assert result.exit_code == 2 and "not a veille index" in result.stderr


def test_analyze_shows_why_spellings_meet(run):
    result = run("analyze", "Zaporizhzhia", "Zaporijia", "l’OTAN")
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[0][1] == lines[1][1] and lines[2][1] == "otan"
    assert lines[2][2] == "OTAN"


def test_analyze_says_where_each_token_comes_from(run):
    text = "garanties Khrouchtchev Lemberg Hamas Chernobyl NATO"
    result = json.loads(run("analyze", "--json", text).stdout)
    assert [(t["source"], t["origin"]) for t in result["tokens"]] == [
        ("garanties", "word"),  # folded and stemmed
        ("Khrouchtchev", "spelling rule"),  # French ou, tch and ch: Khrushchev
        ("Lemberg", "gazetteer"),  # German for Lviv
        ("Hamas", "name"),  # kept from the stemmer: not Hama, a city
        ("Chernobyl", "variant table"),  # no rule joins it to Chornobyl: the table does
        ("NATO", "synonym table"),  # a translation of OTAN
    ]
    assert "(spelling rule)" in run("analyze", "Khrouchtchev").stdout


def test_analyze_json_and_query_mode(run):
    index_mode = json.loads(run("analyze", "--json", "Union européenne").stdout)
    assert [t["token"] for t in index_mode["tokens"]] == ["union", "ue", "europen"]
    query_mode = json.loads(run("analyze", "--json", "--mode", "query", "Union européenne").stdout)
    assert [t["token"] for t in query_mode["tokens"]] == ["union", "europen"]


def test_the_installed_command_runs_from_any_folder(tmp_path):
    exe = veille_command()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}  # the default index
    env.pop("VEILLE_INDEX", None)
    env.pop("NO_COLOR", None)
    ok = subprocess.run(
        [exe, "search", "--json", "--no-collapse", "Київ"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert {Path(h["path"]).name for h in json.loads(ok.stdout)["hits"]} == {R, C}
    assert "indexing the bundled articles" in ok.stderr
    bad = subprocess.run(
        [exe, "search", "x" * 1001], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert bad.stderr == "Error: query too long (1001 characters, at most 1000)\n"
    none = subprocess.run([exe, "search", "Kiel"], cwd=tmp_path, env=env, capture_output=True)
    assert none.returncode == 1
