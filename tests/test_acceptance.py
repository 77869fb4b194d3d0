"""The acceptance table on the bundled corpus, through the CLI (R = rivedin, C = cbc)."""

from __future__ import annotations

import pytest

from .conftest import json_hits

R = "carney-kyiv-visit-rivedin.txt"
C = "carney-kyiv-visit-cbc.txt"

TABLE = [
    *[(q, {R, C}) for q in ["Kiev", "Kyiv", "Київ", "Киев"]],
    *[(q, {R, C}) for q in ["Zaporijia", "Zaporizhzhia", "Zaporizhia", "Запоріжжя"]],
    *[(q, {R, C}) for q in ["Louhansk", "Luhansk", "Lugansk"]],
    *[(q, {R, C}) for q in ["Zelensky", "Zelenski", "Зеленський"]],
    *[(q, {R, C}) for q in ["Dmitri Medvedev", "Dmitry Medvedev"]],
    ("Putin", {R}),
    *[(q, {R, C}) for q in ["NATO", "UE", '"Union européenne"']],
    *[(q, {R, C}) for q in ["securite", "SÉCURITÉ", "garantie", "Ukraine"]],
    *[(q, {R, C}) for q in ['"garanties de securite"', '"cessez-le-feu"']],
    ('"Opération Unifier"', {R}),
    ('"Arms Monitor"', {C}),
    *[(q, set()) for q in ["Kharkiv", "Kiel", "Kherson NOT Zaporijia"]],
]


@pytest.mark.parametrize("query, expected", TABLE, ids=[q for q, _ in TABLE])
def test_acceptance_row(run, query, expected):
    result = run("search", "--json", "--no-collapse", query)
    assert result.exit_code == (0 if expected else 1), result.output
    assert set(json_hits(result)) == expected


def test_the_bundled_corpus_is_the_shared_sample_byte_for_byte():
    from pathlib import Path

    from veille.corpus import CORPUS_DIR

    shared = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    if not shared.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    for name in (R, C):
        assert (CORPUS_DIR / name).read_bytes() == (shared / name).read_bytes()
