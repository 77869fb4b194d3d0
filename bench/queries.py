"""The fixed benchmark query set, by type, written to bench/queries.tsv.

Types: single words, two-to-three-word AND queries, phrases, name variants,
unaccented and accented forms, queries with no hits, and long questions as
people type them (ten from each French relevance set, tests/data/relevance-queries).
Regenerate (it is deterministic) with:

    python bench/queries.py
"""

from __future__ import annotations

import random
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ArticleGenerator, name_spellings  # noqa: E402

QUERIES = HERE / "queries.tsv"
QUESTIONS = HERE.parent / "tests" / "data" / "relevance-queries"
STOPWORDS = HERE.parent / "indexer" / "data" / "stopwords.txt"


def stop_words() -> set[str]:
    lines = STOPWORDS.read_text("utf-8").splitlines()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def make_queries(seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    gen = ArticleGenerator(seed=1)
    vocab = gen.vocabulary
    stop = stop_words()
    head = [w for w in vocab[:1500] if w.isalpha() and len(w) > 3]
    head = [w for w in head if strip_accents(w.lower()) not in stop]
    accented = [w for w in head if strip_accents(w) != w]
    queries: list[tuple[str, str]] = []
    singles = rng.sample(head[:300], 20) + rng.sample(vocab[1500:20000], 20)
    queries += [("single", w) for w in singles]
    for _ in range(40):
        queries.append(("and", " ".join(rng.sample(head[:600], rng.choice((2, 3))))))
    runs = [r for r in gen.runs if len(r) >= 4]
    for _ in range(30):
        run = rng.choice(runs)
        start = rng.randrange(0, len(run) - 3)
        phrase = " ".join(run[start : start + rng.randint(2, 4)])
        queries.append(("phrase", f'"{phrase}"'))
    names = name_spellings()
    queries += [("variant", n) for n in names]
    queries += [("variant", n.lower()) for n in rng.sample(names, 40 - len(names))]
    picks = rng.sample(accented, 20)
    queries += [("unaccented", strip_accents(w)) for w in picks]
    queries += [("accented", w) for w in rng.sample(accented, 20)]
    known = {w.lower() for w in vocab}
    nohit: list[str] = []
    while len(nohit) < 10:
        w = "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))
        if w not in known:
            nohit.append(w)
    queries += [("nohit", w) for w in nohit]
    queries += [("question", q) for q in questions(rng)]
    return queries


def questions(rng: random.Random, per_set: int = 10) -> list[str]:
    """Ten questions of each relevance set, of five words or more, as typed."""
    picked = []
    for tsv in sorted(QUESTIONS.glob("*.tsv")):
        texts = [line.partition("\t")[2] for line in tsv.read_text("utf-8").splitlines()]
        picked += rng.sample([t for t in texts if len(t.split()) >= 5], per_set)
    return picked


def load_queries(path: Path = QUERIES) -> list[tuple[str, str]]:
    rows = [line.rstrip("\n").split("\t", 1) for line in path.read_text("utf-8").splitlines()]
    return [(kind, text) for kind, text in rows if not kind.startswith("#")]


def main() -> None:
    queries = make_queries()
    lines = ["#type\tquery"] + [f"{kind}\t{text}" for kind, text in queries]
    QUERIES.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{len(queries)} queries written to {QUERIES}")


if __name__ == "__main__":
    main()
