"""A document is dated where news writes its date, the file's time only as a last resort
(issue 15): after a copy, a clone or an install, the file's time is today."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from click.testing import CliRunner

from veille.indexer.build import index_paths
from veille.indexer.dates import path_date, text_date
from veille.indexer.documents import read_file
from veille.query.cli import cli

from .conftest import write_articles


@pytest.mark.parametrize(
    "path, day",
    [
        ("/archive/2024-03-01-kharkov-frappes.txt", "2024-03-01"),
        ("/archive/20240301_depeche.txt", "2024-03-01"),
        ("/archive/2024/03/01/depeche.txt", "2024-03-01"),
        ("/archive/2024_03_01/a.txt", "2024-03-01"),
        ("/archive/2024-13-01-a.txt", None),  # no 13th month
        ("/archive/ref-12345678.txt", None),
        ("/archive/depeche.txt", None),
    ],
)
def test_a_file_name_or_its_folders_give_a_date(path, day):
    found = path_date(path)
    assert (found.date().isoformat() if found else None) == day


@pytest.mark.parametrize(
    "head, day",
    [
        ("PARIS, 1er mars 2024 (AFP) - Les frappes ont repris", "2024-03-01"),
        ("Publié le 24 août 2025 à 10h12, mis à jour à 11h", "2025-08-24"),
        ("Le mardi 3 décembre 2024, le gouvernement", "2024-12-03"),
        ("August 24, 2025 — Kyiv", "2025-08-24"),
        ("KYIV, Aug. 3, 2024 (Reuters)", "2024-08-03"),
        ("Published 3rd September 2024", "2024-09-03"),
        ("Mis à jour le 12/03/2024", "2024-03-12"),
        ("Date : 2024-05-06", "2024-05-06"),
        ("Le 31 avril 2024 n'existe pas", None),
        ("Appelez le 01 23 45 67 89 avant 2024", None),
        ("Le gouvernement a annoncé des garanties", None),
    ],
)
def test_a_dateline_in_the_first_lines_gives_the_date(head, day):
    found = text_date(head)
    assert (found.date().isoformat() if found else None) == day


def test_a_date_far_down_the_text_is_not_the_article_s(tmp_path):
    body = "Le gouvernement a annoncé des garanties. " * 20 + "Le 24 février 2022, la guerre."
    (doc,), _ = read_file(write_articles(tmp_path, {"a.txt": f"Titre\n{body}"}) / "a.txt")
    assert doc.date_from == "file"


def _touch_today(folder):
    for root, _, files in os.walk(folder):
        for name in files:
            os.utime(os.path.join(root, name))


def test_where_each_document_s_date_comes_from(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {
            "2024-03-01-kharkov-frappes.txt": "Frappes sur Kharkov\nLa ville a été frappée.",
            "depeche.txt": "Kharkov\nPARIS, 1er mars 2024 (AFP) - Kharkov a été frappée.",
            "2023/11/05/kharkov.txt": "Kharkov sous la neige\nLa neige tombe sur Kharkov.",
            "sans-date.txt": "Kharkov\nUne dépêche sans date sur Kharkov.",
        },
    )
    _touch_today(docs)
    found = {}
    for name in ("2024-03-01-kharkov-frappes.txt", "depeche.txt", "2023/11/05/kharkov.txt"):
        (doc,), _ = read_file(docs / name)
        found[name] = (doc.date.date().isoformat(), doc.date_from)
    assert found == {
        "2024-03-01-kharkov-frappes.txt": ("2024-03-01", "name"),
        "depeche.txt": ("2024-03-01", "text"),
        "2023/11/05/kharkov.txt": ("2023-11-05", "path"),
    }
    (undated,), _ = read_file(docs / "sans-date.txt")
    assert undated.date_from == "file"
    assert undated.date.date() == datetime.now().date()


def test_only_the_file_s_time_is_marked_and_sorting_by_date_puts_it_last(tmp_path):
    docs = write_articles(
        tmp_path / "docs",
        {
            "2024-03-01-kharkov.txt": "Frappes sur Kharkov\nLa ville de Kharkov a été frappée.",
            "vieille.txt": "Kharkov en 2019\nPARIS, 5 mai 2019 (AFP) - Kharkov fête.",
            "copie.txt": "Kharkov copiée\nUne copie sans date sur Kharkov.",
        },
    )
    _touch_today(docs)  # a copy: the undated file's time is today, newer than both
    index_paths(tmp_path / "ix", [docs])
    runner = CliRunner()
    args = ["search", "--index", str(tmp_path / "ix"), "--sort", "date", "--no-collapse"]
    data = json.loads(runner.invoke(cli, [*args, "--json", "Kharkov"]).stdout)
    order = [(os.path.basename(h["path"]), h["date_from"]) for h in data["hits"]]
    assert order == [
        ("2024-03-01-kharkov.txt", "name"),
        ("vieille.txt", "text"),
        ("copie.txt", "file"),
    ]
    shown = runner.invoke(cli, [*args, "Kharkov"]).stdout
    assert shown.count("(file date)") == 1
    assert "2024-03-01 ·" in shown and "2019-05-05 ·" in shown
