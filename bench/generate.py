"""A deterministic generator of realistic French news articles, as .txt files.

Each article is a title and about 400 words in paragraphs. Words follow a Zipf
law over a vocabulary whose head is the words of the bundled articles (most
frequent first) and whose tail is French-looking words built from their
syllables; half of each sentence's text is a run copied from the bundled
articles, so phrases such as "garanties de sécurité" occur as they do in the
news. Place and person names are drawn from the spelling variants of
tests/data/dev.tsv (every spelling of a group occurs) and from the confusable
names, so variant queries have something to find and something to avoid.

    python bench/generate.py OUT_DIR --count 10000 --seed 1
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
VARIANTS = ROOT / "tests" / "data" / "dev.tsv"
CONFUSABLES = ROOT / "tests" / "data" / "dev-confusables.tsv"
WORD = re.compile(r"\w+(?:['’]\w+)*(?:-\w+)*")
SYLLABLE = re.compile(r"[^aeiouyéèêàâîôûœ]{0,2}[aeiouyéèêàâîôûœ]{1,2}[nrsl]?")
TAIL_WORDS = 60_000
ZIPF_EXPONENT = 1.05
FILES_PER_FOLDER = 1000
# Share of sentence chunks copied from the bundled articles, and chance of a name
# after a chunk. Copying half of every sentence (the first version) made phrases
# such as "garanties de sécurité" occur in 78% of the articles and every name in
# most of them, which no archive looks like: at these shares a common phrase is
# in a few percent of the articles and a place in about a quarter.
RUN_SHARE = 0.15
NAME_SHARE = 0.06


def corpus_texts() -> list[str]:
    return [p.read_text("utf-8") for p in sorted(CORPUS.glob("*.txt"))]


def name_spellings() -> list[str]:
    names = []
    with open(VARIANTS, encoding="utf-8") as f:
        names += [r[1] for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    with open(CONFUSABLES, encoding="utf-8") as f:
        for r in csv.reader(f, delimiter="\t"):
            if r and not r[0].startswith("#"):
                names += r[:2]
    return sorted(set(names))


class ArticleGenerator:
    """Articles from a seed: the same seed always gives the same articles."""

    def __init__(self, seed: int = 1):
        self.rng = random.Random(seed)
        texts = corpus_texts()
        self.runs = [WORD.findall(line) for text in texts for line in text.splitlines()]
        self.runs = [r for r in self.runs if len(r) >= 6]
        counts: dict[str, int] = {}
        for run in self.runs:
            for w in run:
                counts[w] = counts.get(w, 0) + 1
        head = sorted(counts, key=lambda w: (-counts[w], w))
        tail = self._tail_words(head, TAIL_WORDS)
        self.vocabulary = head + tail
        weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(self.vocabulary))]
        self.cumulative = list(itertools.accumulate(weights))
        self.names = name_spellings()

    def _tail_words(self, head: list[str], count: int) -> list[str]:
        syllables = sorted(
            {s for w in head if w.isalpha() for s in SYLLABLE.findall(w.lower()) if len(s) > 1}
        )
        seen = {w.lower() for w in head}
        words: list[str] = []
        while len(words) < count:
            w = "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 4)))
            if w not in seen:
                seen.add(w)
                words.append(w)
        return words

    def zipf_words(self, k: int) -> list[str]:
        total = self.cumulative[-1]
        cum = self.cumulative
        return [self.vocabulary[bisect.bisect(cum, self.rng.random() * total)] for _ in range(k)]

    def sentence(self) -> str:
        rng = self.rng
        words: list[str] = []
        while len(words) < rng.randint(10, 24):
            if rng.random() < RUN_SHARE:
                run = rng.choice(self.runs)
                start = rng.randrange(0, max(1, len(run) - 4))
                words += run[start : start + rng.randint(3, 6)]
            else:
                words += self.zipf_words(rng.randint(3, 7))
            if rng.random() < NAME_SHARE:
                words.append(rng.choice(self.names))
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."

    def article(self) -> str:
        rng = self.rng
        title_words = self.zipf_words(rng.randint(4, 8)) + [rng.choice(self.names)]
        rng.shuffle(title_words)
        title = " ".join(title_words)
        title = title[:1].upper() + title[1:]
        paragraphs, words = [], 0
        target = rng.randint(340, 460)
        while words < target:
            paragraph = " ".join(self.sentence() for _ in range(rng.randint(2, 5)))
            paragraphs.append(paragraph)
            words += paragraph.count(" ") + 1
        return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def parse_size(text: str) -> int:
    """A corpus size on the command line: 500, 1k, 10k, 100k."""
    m = re.fullmatch(r"(\d+)(k?)", text.strip().lower())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (for example 1k, 10k, 100k, 500)")
    return int(m.group(1)) * (1000 if m.group(2) else 1)


def label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def generate(out: Path, count: int, seed: int = 1) -> Path:
    """Write ``count`` articles under ``out`` (folders of 1000); reuse a finished run."""
    marker = out / ".complete"
    if marker.exists() and marker.read_text() == f"{count} {seed}\n":
        return out
    gen = ArticleGenerator(seed)
    for i in range(count):
        folder = out / f"{i // FILES_PER_FOLDER:04d}"
        if i % FILES_PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article-{i:06d}.txt").write_text(gen.article(), "utf-8")
    marker.write_text(f"{count} {seed}\n")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.out, args.count, args.seed)
    print(f"{args.count} articles in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
