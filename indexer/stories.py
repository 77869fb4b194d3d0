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



# Each band's key is its two values, mixed with a number of the band's own so the
# 64 bands share one table; two keys that meet by chance only make a candidate,
# which is then compared on all 128 values.
_BAND_SALT = np.random.RandomState(SEED + 1).randint(
    0, np.iinfo(np.int64).max, size=BANDS, dtype=np.int64
).astype(np.uint64)


class BandTable:
    """The slots of the documents by band key: NumPy arrays sorted by key, and a
    dict of the latest entries, merged into them every ``FLUSH_AT`` entries.

    At 100,000 documents the table holds 6.4 million entries: 12 bytes each here,
    where a dict of Python ints took about 100 (the indexing process grew past
    1 GiB)."""

    FLUSH_AT = 262_144  # 4,096 documents

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.slots = np.empty(0, dtype=np.uint32)
        self.recent: dict[int, list[int]] = {}
        self._pending = 0

    def add(self, keys: np.ndarray, slot: int) -> None:
        recent = self.recent
        for key in keys.tolist():
            found = recent.get(key)
            if found is None:
                recent[key] = [slot]
            else:
                found.append(slot)
        self._pending += len(keys)
        if self._pending >= self.FLUSH_AT:
            self._flush()

    def _flush(self) -> None:
        pairs = [(key, slot) for key, slots in self.recent.items() for slot in slots]
        keys = np.array([k for k, _ in pairs], dtype=np.uint64)
        slots = np.array([s for _, s in pairs], dtype=np.uint32)
        order = np.argsort(keys, kind="stable")
        keys, slots = keys[order], slots[order]
        # Inserted where they belong: the arrays are copied once, never sorted anew.
        at = np.searchsorted(self.keys, keys, side="right")
        self.keys = np.insert(self.keys, at, keys)
        self.slots = np.insert(self.slots, at, slots)
        self.recent = {}
        self._pending = 0

    def find(self, keys: np.ndarray) -> set[int]:
        """The slots that share at least one of ``keys``."""
        out: set[int] = set()
        starts = np.searchsorted(self.keys, keys, side="left")
        ends = np.searchsorted(self.keys, keys, side="right")
        hit = ends > starts
        for start, end in zip(starts[hit].tolist(), ends[hit].tolist(), strict=True):
            out.update(self.slots[start:end].tolist())
        recent = self.recent
        for key in keys.tolist():
            found = recent.get(key)
            if found is not None:
                out.update(found)
        return out


class StoryFinder:
    """Assigns stories, remembering every signature it has seen.

    Memory matters at 100,000 documents: signatures live in one growing array,
    documents are numbered slots, and the 64 bands' keys are in one ``BandTable``.
    """

    def __init__(self, known: Iterable[tuple[str, str, bytes]] = ()):
        """``known``: (path, story, signature bytes) of the documents already indexed."""
        self.table = BandTable()
        self.matrix = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self.paths: list[str | None] = []  # slot -> path (None once forgotten)
        self.stories: list[str] = []  # slot -> story
        self.slots: dict[str, int] = {}  # path -> slot
        for path, story, raw in known:
            if raw:
                self._remember(path, story, np.frombuffer(raw, dtype=np.uint32))

    @staticmethod
    def _keys(sig: np.ndarray) -> np.ndarray:
        pairs = sig.astype(np.uint64).reshape(BANDS, ROWS)
        return ((pairs[:, 0] << np.uint64(32)) | pairs[:, 1]) ^ _BAND_SALT

    def _remember(self, path: str, story: str, sig: np.ndarray) -> None:
        self.forget(path)
        slot = len(self.paths)
        if slot == len(self.matrix):
            self.matrix = np.concatenate([self.matrix, np.zeros_like(self.matrix)])
        self.matrix[slot] = sig
        self.paths.append(path)
        self.stories.append(story)
        self.slots[path] = slot
        self.table.add(self._keys(sig), slot)

    def forget(self, path: str) -> None:
        """Leave out a document that is being replaced or removed (its slot goes unused)."""
        slot = self.slots.pop(path, None)
        if slot is not None:
            self.paths[slot] = None

    def _candidates(self, sig: np.ndarray) -> set[int]:
        return {slot for slot in self.table.find(self._keys(sig)) if self.paths[slot] is not None}

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
