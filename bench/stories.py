"""Where near-duplicate similarity falls, to choose the story threshold (indexer/stories.py).

    python bench/stories.py --articles 500

Estimated Jaccard similarity (MinHash of word pairs of the analysed text, as
the indexer computes it) of: the two bundled articles (two renderings of one
report); edited copies of generated articles (a tenth or a third of their
sentences dropped, or a paragraph added); the closest pair among ARTICLES
unrelated generated articles, and the closest of them to a bundled article;
the closest pair among the hand-written same-topic, different-event articles
of tests/data/similar-distinct. Prints JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import ArticleGenerator  # noqa: E402


def main() -> None:
    from veille.corpus import CORPUS_DIR
    from veille.indexer.analysis import build_analyzer
    from veille.indexer.documents import read_file
    from veille.indexer.stories import THRESHOLD, signature, similarity

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()
    analyzer = build_analyzer()

    def sig(text: str):
        return signature(analyzer.words(text))

    def file_sigs(folder: Path) -> dict[str, object]:
        out = {}
        for path in sorted(folder.glob("*.txt")):
            (doc,), _ = read_file(path)
            out[path.name] = sig(f"{doc.title}\n{doc.body}")
        return out

    bundled = list(file_sigs(CORPUS_DIR).values())
    similar = file_sigs(ROOT / "tests" / "data" / "similar-distinct")
    gen = ArticleGenerator(seed=11)
    texts = [gen.article() for _ in range(args.articles)]
    sigs = [sig(t) for t in texts]
    rng = random.Random(3)

    def edited(text: str, drop: float, extra: str = "") -> str:
        sentences = text.split(". ")
        kept = [s for s in sentences if rng.random() >= drop]
        return ". ".join(kept) + extra

    edits = {
        "a tenth of the sentences dropped": [
            similarity(sig(t), sig(edited(t, 0.1))) for t in texts[:100]
        ],
        "a third of the sentences dropped": [
            similarity(sig(t), sig(edited(t, 0.33))) for t in texts[:100]
        ],
        "a paragraph of another article added": [
            similarity(sig(t), sig(t + "\n" + texts[i + 1][:1500]))
            for i, t in enumerate(texts[:100])
        ],
    }
    pairs = [similarity(a, b) for a, b in itertools.combinations(sigs, 2)]
    report = {
        "threshold": THRESHOLD,
        "bundled pair (one report, two translations)": round(similarity(*bundled), 3),
        **{f"edited copies, {k} (min)": round(min(v), 3) for k, v in edits.items()},
        f"unrelated generated articles, closest of {len(pairs)} pairs": round(max(pairs), 3),
        "generated article closest to a bundled one": round(
            max(similarity(s, b) for s in sigs for b in bundled), 3
        ),
        "same topic, different events, closest pair": round(
            max(similarity(a, b) for a, b in itertools.combinations(similar.values(), 2)), 3
        ),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
