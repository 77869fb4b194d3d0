"""A JSON Lines export of many small news items, to measure what indexing one costs.

    python bench/big_export.py 200000 /tmp/export.jsonl [--seed 1]
    python bench/memory.py -- veille index --index /tmp/ix --procs 1 /tmp/export.jsonl

Each line is one record: a short title and a one-sentence body (about 18 words
in all, drawn as bench/generate.py draws them: a Zipf law over French words and
runs of the bundled articles, with place and person names), a date, a source
and a URL: about 210 bytes a record, as in a wire feed or a CMS export.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import ArticleGenerator  # noqa: E402

SOURCES = ("afp.com", "lemonde.fr", "liberation.fr", "ouest-france.fr", "rfi.fr", "lesoir.be")
FIRST_DAY = date(2020, 1, 1)


def record(gen: ArticleGenerator, number: int) -> dict:
    """One small news item; the same generator state always gives the same item."""
    rng = gen.rng
    title_words = gen.zipf_words(rng.randint(3, 6)) + [rng.choice(gen.names)]
    rng.shuffle(title_words)
    title = " ".join(title_words)
    body = " ".join(gen.zipf_words(rng.randint(9, 14)) + [rng.choice(gen.names)])
    source = rng.choice(SOURCES)
    day = FIRST_DAY + timedelta(days=rng.randrange(2000))
    return {
        "title": title[:1].upper() + title[1:],
        "body": body[:1].upper() + body[1:] + ".",
        "date": day.isoformat(),
        "source": source,
        "url": f"https://{source}/{day:%Y/%m}/{number}",
    }


def write_export(out: Path, count: int, seed: int = 1) -> Path:
    """Write ``count`` records to ``out``, one JSON object a line."""
    gen = ArticleGenerator(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for number in range(1, count + 1):
            f.write(json.dumps(record(gen, number), ensure_ascii=False) + "\n")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    write_export(args.out, args.count, args.seed)
    print(f"{args.count} records in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
