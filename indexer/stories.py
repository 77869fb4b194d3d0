"""Grouping documents that tell the same story (near-duplicates), as they are indexed.

Each document gets a MinHash signature of the pairs of consecutive words of its
analysed text (``VeilleAnalyzer.words``: folded, stemmed, names reduced to
their variant keys, so two renderings of one report share many pairs). A new
document joins the story of the most similar document already seen whose
estimated Jaccard similarity reaches ``THRESHOLD``, else starts its own.
Stories are never re-split or merged afterwards: a document's story is written
with it, and the signature is kept in the index so later runs can compare new
documents with it.

Why 0.15 (``python bench/stories.py`` measures it): the two bundled articles,
two machine translations of one report, are at 0.28, and copies of an article
with a third of its sentences dropped at 0.30 or more; the closest of 124,750
pairs of unrelated generated articles is at 0.055, the closest generated
article to a bundled one at 0.094, and the closest pair of the hand-written
same-topic, different-event articles of tests/data/similar-distinct at 0.055.
0.15 is about halfway, two to three standard errors of a 128-value MinHash
(0.03 there) from either side.

MinHash and the LSH look-up are the textbook schemes (as in datasketch), written
here in a few lines of NumPy: datasketch's per-document objects made indexing
1.6 times slower and loading 10,000 stored signatures took 3 seconds.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

SHINGLE_WORDS = 2
NUM_PERM = 128
THRESHOLD = 0.15
MIN_PAIRS = 10  # shorter texts (a headline, a one-line note) are their own story
SEED = 1
PRIME = (1 << 61) - 1
MAX_HASH = (1 << 32) - 1
# LSH: 64 bands of 2 values. Two documents become candidates if one band is
# equal: probability 0.77 at similarity 0.15, 0.998 at 0.30, 0.06 at 0.03 (most
# unrelated pairs); candidates are then compared on all 128 values.
BANDS, ROWS = 64, 2


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(SEED)
    a = rng.randint(1, PRIME, size=NUM_PERM, dtype=np.uint64)
    b = rng.randint(0, PRIME, size=NUM_PERM, dtype=np.uint64)
    return a, b


def signature(words: list[str]) -> np.ndarray:
    """MinHash values (uint32) of the set of word pairs of ``words``."""
    pairs = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
    }
    hashes = np.fromiter((zlib.crc32(p) for p in pairs), dtype=np.uint64, count=len(pairs))
    a, b = _permutations()
    with np.errstate(over="ignore"):  # wrap-around is part of the universal hash
        permuted = ((hashes[:, None] * a + b) % PRIME) & np.uint64(MAX_HASH)
    return permuted.min(axis=0).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two signatures' word-pair sets."""
    return float(np.count_nonzero(a == b)) / len(a)


def story_id(path: str) -> str:
    """The id of a story started by the document at ``path``."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]



class StoryFinder:
    """Assigns stories, remembering every signature it has seen.

    Memory matters at 100,000 documents: signatures live in one growing array,
    documents are numbered slots, and the 64 band tables are one dict whose keys
    are ints (band number and the band's two values) and whose values are a slot,
    or a list of slots when bands collide.
    """

    def __init__(self, known: Iterable[tuple[str, str, bytes]] = ()):
        """``known``: (path, story, signature bytes) of the documents already indexed."""
        self.table: dict[int, int | list[int]] = {}
        self.matrix = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self.paths: list[str | None] = []  # slot -> path (None once forgotten)
        self.stories: list[str] = []  # slot -> story
        self.slots: dict[str, int] = {}  # path -> slot
        for path, story, raw in known:
            if raw:
                self._remember(path, story, np.frombuffer(raw, dtype=np.uint32))

    @staticmethod
    def _keys(sig: np.ndarray) -> list[int]:
        pairs = sig.astype(np.uint64).reshape(BANDS, ROWS)
        keys = (pairs[:, 0] << np.uint64(32)) | pairs[:, 1]
        return [(band << 64) | int(key) for band, key in enumerate(keys)]

    def _remember(self, path: str, story: str, sig: np.ndarray) -> None:
        self.forget(path)
        slot = len(self.paths)
        if slot == len(self.matrix):
            self.matrix = np.concatenate([self.matrix, np.zeros_like(self.matrix)])
        self.matrix[slot] = sig
        self.paths.append(path)
        self.stories.append(story)
        self.slots[path] = slot
        table = self.table
        for key in self._keys(sig):
            found = table.get(key)
            if found is None:
                table[key] = slot
            elif isinstance(found, list):
                found.append(slot)
            else:
                table[key] = [found, slot]

    def forget(self, path: str) -> None:
        """Leave out a document that is being replaced or removed (its slot goes unused)."""
        slot = self.slots.pop(path, None)
        if slot is not None:
            self.paths[slot] = None

    def _candidates(self, sig: np.ndarray) -> set[int]:
        out: set[int] = set()
        for key in self._keys(sig):
            found = self.table.get(key)
            if found is None:
                continue
            if isinstance(found, list):
                out.update(found)
            else:
                out.add(found)
        return {slot for slot in out if self.paths[slot] is not None}

    def assign(self, path: str, words: list[str]) -> tuple[str, bytes]:
        """The story of a new document, and its signature to store."""
        self.forget(path)
        sig = signature(words)
        if len(set(zip(words, words[1:], strict=False))) < MIN_PAIRS:
            return story_id(path), sig.tobytes()  # too short to tell; never joined by others
        story = story_id(path)
        candidates = list(self._candidates(sig))
        if candidates:
            scores = np.count_nonzero(self.matrix[candidates] == sig, axis=1) / NUM_PERM
            best = int(np.argmax(scores))
            if scores[best] >= THRESHOLD:
                story = self.stories[candidates[best]]
        self._remember(path, story, sig)
        return story, sig.tobytes()
