"""The benchmark scripts keep working: a tiny --quick run, and a deterministic generator."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import BENCH


def test_the_generator_is_deterministic_and_names_every_spelling(tmp_path):
    from generate import ArticleGenerator, name_spellings

    first = [ArticleGenerator(seed=3).article() for _ in range(1)]
    again = [ArticleGenerator(seed=3).article() for _ in range(1)]
    other = [ArticleGenerator(seed=4).article() for _ in range(1)]
    assert first == again and first != other
    gen = ArticleGenerator(seed=3)
    text = " ".join(gen.article() for _ in range(200))
    assert 300 < len(text.split()) / 200 < 600
    assert all(name in text for name in name_spellings())


def test_the_query_set_file_matches_its_generator():
    from queries import QUERIES, load_queries, make_queries

    assert load_queries(QUERIES) == make_queries()
    kinds = {kind for kind, _ in load_queries(QUERIES)}
    expected = {"single", "and", "phrase", "variant", "unaccented", "accented", "nohit"}
    assert kinds == expected | {"question"}


def test_quick_run_prints_and_writes_its_report(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--quick",
            "--size",
            "30",
            "--data",
            str(tmp_path / "data"),
            "--out",
            str(tmp_path / "out"),
            "--load-seconds",
            "0.5",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "30-quick.json").read_text())
    data = report["sizes"]["30"]
    peers = {row["peer"] for row in data["indexing"]}
    assert {"veille", "whoosh", "sqlite-fts5"} <= peers
    assert data["queries"]["veille"]["queries_with_hits"] > 100
    assert all(level["errors"] == 0 and level["requests"] > 0 for level in data["server"]["levels"])
    assert report["bundled"]["cli"]["veille_ms"]["median"] > 0
    assert data["suggest"]["completions"]["n"] > 100  # the prefixes of the query set
    markdown = (tmp_path / "out" / "30-quick.md").read_text()
    assert "| veille | 1 |" in markdown and "query latency" in markdown
    assert "Completions (`GET /suggest`'s work) on the 30 articles" in markdown
    assert "| veille |" in proc.stdout


def test_a_benchmark_table_replaces_only_what_stands_between_its_readme_markers(tmp_path):
    from readme import replace_between

    readme = tmp_path / "README.md"
    readme.write_text("# Title\n<!-- t -->\nold table\n<!-- /t -->\nkept text\n", "utf-8")
    assert replace_between("t", "| new | table |\n", readme)
    assert readme.read_text("utf-8") == (
        "# Title\n<!-- t -->\n| new | table |\n\n<!-- /t -->\nkept text\n"
    )
    # a README without the markers is left as it was
    assert not replace_between("other", "x", readme)
    assert "| new | table |" in readme.read_text("utf-8")
    assert not replace_between("t", "x", tmp_path / "missing.md")


def test_respelled_questions_spell_one_name_differently_in_documents_and_queries():
    from relevance import respelled_set

    docs = [
        ("d1", "Visite", "Le ministre Carney arrive à Ottawa."),
        ("d2", "Autre", "Carney parle."),
        ("d3", "Sans", "Rien à voir."),
    ]
    queries = [("q1", "Quand Carney arrive-t-il ?"), ("q2", "Qui parle ?")]
    qrels = [("q1", "d1", 1), ("q2", "d2", 1)]
    groups = [["Kyiv", "Kiev"], ["Odesa", "Odessa"]]
    renamed, originals, respelled = respelled_set(docs, queries, qrels, groups)
    assert originals == [("q1", "Quand Carney arrive-t-il ?")]  # q2 names nothing
    assert [d[2] for d in renamed] == [
        "Le ministre Kyiv arrive à Ottawa.",
        "Kiev parle.",
        "Rien à voir.",
    ]
    assert respelled == [("q1~0", "Quand Kyiv arrive-t-il ?"), ("q1~1", "Quand Kiev arrive-t-il ?")]


def test_the_name_benchmark_counts_found_spellings_and_confusables_that_meet(tmp_path):
    from variants import markdown, measure

    groups = tmp_path / "groups.tsv"
    groups.write_text("lviv\tLviv\nlviv\tLemberg\nlviv\tLwów\nriga\tRiga\nriga\tRyga\n", "utf-8")
    confusables = tmp_path / "confusables.tsv"
    confusables.write_text("Minsk\tPinsk\n", "utf-8")
    report = measure(groups, confusables)
    # Lviv's three spellings find each other (6 pairs); Riga and Ryga meet by the rules (2).
    assert (report["found"], report["pairs"], report["confusables_that_meet"]) == (8, 8, [])
    table = markdown({"tiny": {"about": "a test", **report}})
    assert "| tiny (a test) | 2 | 5 | 1.000 (8/8) | 0 of 2 |" in table
