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
import secrets
import shutil
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

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


def word_pairs(words: list[str]) -> set[str]:
    """The distinct runs of ``SHINGLE_WORDS`` words of ``words`` (all of them if fewer)."""
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)}
    return set(map(" ".join, zip(*(words[k:] for k in range(SHINGLE_WORDS)), strict=False)))


def signature(words: list[str]) -> np.ndarray:
    """MinHash values (uint32) of the set of word pairs of ``words``."""
    return minhash(word_pairs(words))


_PRIME = np.uint64(PRIME)
_MAX_HASH = np.uint64(MAX_HASH)


def minhash(shingles: set[str]) -> np.ndarray:
    """For each of ``NUM_PERM`` universal hashes, (a * crc32 + b, wrapping at 2**64) mod
    ``PRIME``, the least over ``shingles``, cut to 32 bits."""
    hashes = np.fromiter(
        map(zlib.crc32, map(str.encode, shingles)), dtype=np.uint64, count=len(shingles)
    )
    a, b = _permutations()
    with np.errstate(over="ignore"):  # wrap-around is part of the universal hash
        x = hashes[:, None] * a
        x += b
        # x mod 2**61 - 1 (a Mersenne prime) without dividing, which took 60% of the time:
        # (x & PRIME) + (x >> 61) is below 2 * PRIME and equal to x modulo PRIME.
        y = x & _PRIME
        x >>= np.uint64(61)
        y += x
        y -= _PRIME * (y >= _PRIME)
        y &= _MAX_HASH
    return y.min(axis=0).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two signatures' word-pair sets."""
    return float(np.count_nonzero(a == b)) / len(a)


def story_id(path: str) -> str:
    """The id of a story started by the document at ``path``."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


# Each band's key is its two values, mixed with a number of the band's own so the
# 64 bands share one table, and hashed to 32 bits; two keys that meet by chance
# only make a candidate, which is then compared on all 128 values.
_BAND_SALT = (
    np.random.RandomState(SEED + 1)
    .randint(0, np.iinfo(np.int64).max, size=BANDS, dtype=np.int64)
    .astype(np.uint64)
)
_KEY_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # multiply-shift hashing to 32 bits
# Documents per block of kept signatures and per frozen run of band keys: slots
# within a run are 16-bit, and a run is never copied again once full.
BLOCK = 65_536


def band_keys(sig: np.ndarray) -> np.ndarray:
    """The 64 band keys (uint32) of a signature: each band's two values, hashed."""
    pairs = sig.astype(np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (((pairs[:, 0] << np.uint64(32)) | pairs[:, 1]) ^ _BAND_SALT) * _KEY_MULTIPLIER
    return (mixed >> np.uint64(32)).astype(np.uint32)


class BandRun:
    """The band keys of up to ``BLOCK`` consecutive slots: sorted 32-bit keys and the
    16-bit offsets of their slots from ``first``, 6 bytes an entry."""

    def __init__(self, first: int) -> None:
        self.first = first
        self.keys = np.empty(0, dtype=np.uint32)
        self.offsets = np.empty(0, dtype=np.uint16)

    def merge(self, keys: np.ndarray, slots: np.ndarray) -> None:
        """Insert entries where they belong: the run is copied once, never sorted anew."""
        order = np.argsort(keys, kind="stable")
        keys, offsets = keys[order], (slots[order] - self.first).astype(np.uint16)
        at = np.searchsorted(self.keys, keys, side="right")
        self.keys = np.insert(self.keys, at, keys)
        self.offsets = np.insert(self.offsets, at, offsets)

    def find(self, keys: np.ndarray, out: set[int]) -> None:
        """Add to ``out`` the slots that share one of ``keys``."""
        starts = np.searchsorted(self.keys, keys, side="left")
        ends = np.searchsorted(self.keys, keys, side="right")
        hit = ends > starts
        for start, end in zip(starts[hit].tolist(), ends[hit].tolist(), strict=True):
            out.update((self.offsets[start:end].astype(np.int64) + self.first).tolist())


class BandTable:
    """The slots of the documents by band key: a ``BandRun`` per ``BLOCK`` slots, and a
    dict of the latest entries, merged into the open run every ``FLUSH_AT`` entries.

    At 1,000,000 documents the table holds 64 million entries: 6 bytes each here,
    where 12 (64-bit keys, 32-bit slots in one array copied at every merge) made
    indexing grow by 2.3 KB a document, and a dict of Python ints took about 100."""

    # 256 documents: the dict takes about 130 bytes an entry (33 MB at 4,096 documents),
    # and merging copies the open run (at most 25 MB) in a few milliseconds.
    FLUSH_AT = 16_384
    RUN_SLOTS = BLOCK

    def __init__(self) -> None:
        self.runs: list[BandRun] = []
        self.recent: dict[int, list[int]] = {}
        self._pending = 0

    def add(self, keys: np.ndarray, slot: int) -> None:
        if self.runs and slot >= self.runs[-1].first + self.RUN_SLOTS:
            self._flush()  # what is pending belongs to the run that is full
        if not self.runs or slot >= self.runs[-1].first + self.RUN_SLOTS:
            self.runs.append(BandRun(slot - slot % self.RUN_SLOTS))
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
        if self.recent:
            recent = self.recent
            keys = np.array([key for key, slots in recent.items() for _ in slots], np.uint32)
            slots = np.array([slot for slots in recent.values() for slot in slots], np.int64)
            self.runs[-1].merge(keys, slots)
        self.recent = {}
        self._pending = 0

    def find(self, keys: np.ndarray) -> set[int]:
        """The slots that share at least one of ``keys``."""
        out: set[int] = set()
        for run in self.runs:
            run.find(keys, out)
        recent = self.recent
        for key in keys.tolist():
            found = recent.get(key)
            if found is not None:
                out.update(found)
        return out


class Blocks:
    """A growing column of fixed-size rows, one NumPy array per ``BLOCK`` rows, so that
    growing never copies what is kept; blocks written out to a file can be dropped."""

    def __init__(self, width: int, dtype) -> None:
        self.width, self.dtype = width, dtype
        self.blocks: list[np.ndarray | None] = []

    def set(self, row: int, value) -> None:
        block, at = divmod(row, BLOCK)
        while block >= len(self.blocks):
            shape = (BLOCK, self.width) if self.width else (BLOCK,)
            self.blocks.append(np.zeros(shape, dtype=self.dtype))
        self.blocks[block][at] = value

    def get(self, row: int):
        return self.blocks[row // BLOCK][row % BLOCK]

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """The rows at ``rows`` (in that order), gathered block by block."""
        shape = (len(rows), self.width) if self.width else (len(rows),)
        out = np.empty(shape, dtype=self.dtype)
        which = rows // BLOCK
        for block in np.unique(which).tolist():
            mask = which == block
            out[mask] = self.blocks[block][rows[mask] % BLOCK]
        return out

    def drop_before(self, row: int) -> None:
        """Free the blocks whose rows all come before ``row``."""
        for block in range(min(row // BLOCK, len(self.blocks))):
            self.blocks[block] = None


class SpilledRun:
    """A full run of slots kept in four files of ``folder``: its sorted band keys and
    their slot offsets (as in ``BandRun``), and the signatures (low bytes) and story
    numbers of its slots. Nothing of it stays in memory: a look-up maps the files,
    reads what it needs and unmaps them, so the pages it touched leave the process."""

    def __init__(self, folder: Path, run: BandRun, signatures: np.ndarray, stories: np.ndarray):
        self.first, self.count, self.entries = run.first, len(signatures), len(run.keys)
        self.stem = folder / f"run-{run.first}"
        for name, array in (
            ("keys", run.keys),
            ("offsets", run.offsets),
            ("signatures", signatures),
            ("stories", stories),
        ):
            array.tofile(self.stem.with_suffix(f".{name}"))

    def _mapped(self, name: str, dtype, shape) -> np.memmap:
        return np.memmap(self.stem.with_suffix(f".{name}"), dtype=dtype, mode="r", shape=shape)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``keys``, slots) of the entries that share one of ``keys``."""
        if not self.entries:
            return _NONE, _NONE
        stored = self._mapped("keys", np.uint32, (self.entries,))
        starts = np.searchsorted(stored, keys, side="left")
        ends = np.searchsorted(stored, keys, side="right")
        del stored
        lengths = ends - starts
        hit = np.flatnonzero(lengths)
        if not len(hit):
            return _NONE, _NONE
        lengths = lengths[hit]
        before = np.repeat(np.cumsum(lengths) - lengths, lengths)
        at = np.repeat(starts[hit], lengths) + np.arange(int(lengths.sum())) - before
        offsets = self._mapped("offsets", np.uint16, (self.entries,))
        slots = offsets[at].astype(np.int64) + self.first
        del offsets
        return np.repeat(hit, lengths), slots

    def rows(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The signatures and story numbers of ``slots`` (all of this run)."""
        signatures = self._mapped("signatures", np.uint8, (self.count, NUM_PERM))
        stories = self._mapped("stories", np.uint64, (self.count,))
        found = np.array(signatures[slots - self.first]), np.array(stories[slots - self.first])
        del signatures, stories
        return found


_NONE = np.empty(0, dtype=np.int64)


def path_hash(path: str) -> int:
    """A 64-bit hash of a document's path, to find it again without keeping the path."""
    digest = hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def estimated_similarity(matches: np.ndarray) -> np.ndarray:
    """Jaccard similarity estimated from the count of equal low bytes of two signatures
    (b-bit MinHash: unequal values share their low byte one time in 256)."""
    chance = 1 / 256
    return (matches / NUM_PERM - chance) / (1 - chance)


def sketch(words: list[str]) -> tuple[np.ndarray, bool]:
    """A text's signature, and whether it has enough word pairs to join or start a
    story others may join (shorter texts are their own story)."""
    pairs = word_pairs(words)
    return minhash(pairs), len(pairs) >= MIN_PAIRS


class StoryFinder:
    """Assigns stories, remembering every signature it has seen.

    Memory matters at 1,000,000 documents, so nothing is kept per document as a
    Python object: a document is a numbered slot; its signature is kept as the
    low byte of each value (b-bit MinHash, 128 bytes; the index stores all 32
    bits); its story as a 64-bit number; its 64 band keys in the ``BandTable``
    (384 bytes). Paths are kept only, as 64-bit hashes, for the documents
    already indexed, which a new version replaces; the paths of one run differ.

    Given ``spill_to`` (a folder), each full run of ``BandTable.RUN_SLOTS``
    documents goes to files there (``SpilledRun``) and leaves memory, so what
    is held no longer grows with the documents (one byte each, whether they
    are still alive, stays). Documents are then best assigned in batches
    (``assign_sketched``): the files are read once a batch.
    """

    def __init__(self, known: Iterable[tuple[str, str, bytes]] = (), spill_to: Path | None = None):
        """``known``: (path, story, signature bytes) of the documents already indexed."""
        self.table = BandTable()
        self.signatures = Blocks(NUM_PERM, np.uint8)
        self.story_numbers = Blocks(0, np.uint64)
        self.alive = Blocks(0, np.bool_)
        self.odd_stories: dict[int, str] = {}  # slot -> a story that is not 16 hex digits
        self.spill_to = spill_to
        self.spilled: list[SpilledRun] = []
        self.count = 0
        hashes, slots = [], []
        for path, story, raw in known:
            if raw:
                hashes.append(path_hash(path))
                slots.append(self.count)
                self._remember(story, np.frombuffer(raw, dtype=np.uint32))
                self._spill_full_runs()
        order = np.argsort(np.array(hashes, dtype=np.uint64), kind="stable")
        self.known_hashes = np.array(hashes, dtype=np.uint64)[order]
        self.known_slots = np.array(slots, dtype=np.int64)[order]

    def _remember(self, story: str, sig: np.ndarray) -> None:
        slot = self.count
        self.count += 1
        self.signatures.set(slot, sig.astype(np.uint8))  # the low byte of each value
        number = _story_number(story)
        if number is None:
            self.odd_stories[slot] = story
            number = 0
        self.story_numbers.set(slot, number)
        self.alive.set(slot, True)
        self.table.add(band_keys(sig), slot)

    def _spill_full_runs(self) -> None:
        """Write every full run of the band table to files and let its memory go."""
        if self.spill_to is None:
            return
        table = self.table
        while table.runs and table.runs[0].first + table.RUN_SLOTS <= self.count:
            if len(table.runs) == 1:
                table._flush()  # the recent entries are the last run's
            run = table.runs.pop(0)
            rows = np.arange(run.first, run.first + table.RUN_SLOTS)
            spilled = SpilledRun(
                self.spill_to, run, self.signatures.rows(rows), self.story_numbers.rows(rows)
            )
            self.spilled.append(spilled)
            self.signatures.drop_before(spilled.first + spilled.count)
            self.story_numbers.drop_before(spilled.first + spilled.count)

    def _story(self, slot: int, number: int) -> str:
        odd = self.odd_stories.get(slot)
        return odd if odd is not None else f"{number:016x}"

    def forget(self, path: str) -> None:
        """Leave out an indexed document that is being replaced or removed."""
        if not len(self.known_hashes):
            return
        wanted = np.uint64(path_hash(path))
        start = np.searchsorted(self.known_hashes, wanted, side="left")
        end = np.searchsorted(self.known_hashes, wanted, side="right")
        for slot in self.known_slots[start:end].tolist():
            self.alive.set(slot, False)

    def _spilled_candidates(
        self, keys: list[np.ndarray]
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For each document's band keys, the slots of the spilled runs that share one,
        with their signatures and story numbers (slots in increasing order)."""
        empty = (_NONE, np.empty((0, NUM_PERM), np.uint8), np.empty(0, np.uint64))
        if not self.spilled or not keys:
            return [empty] * len(keys)
        flat = np.concatenate(keys)
        owners, slots = [], []
        for run in self.spilled:
            at, found = run.find(flat)
            owners.append(at // BANDS)
            slots.append(found)
        pairs = np.unique(np.concatenate(owners) * (1 << 40) + np.concatenate(slots))
        owner, slot = pairs >> 40, pairs & ((1 << 40) - 1)
        unique = np.unique(slot)
        signatures = np.empty((len(unique), NUM_PERM), np.uint8)
        numbers = np.empty(len(unique), np.uint64)
        firsts = np.array([run.first for run in self.spilled])
        which = np.searchsorted(firsts, unique, side="right") - 1
        for index in np.unique(which).tolist():
            mask = which == index
            signatures[mask], numbers[mask] = self.spilled[index].rows(unique[mask])
        bounds = np.searchsorted(owner, np.arange(len(keys) + 1))
        out = []
        for doc in range(len(keys)):
            mine = slot[bounds[doc] : bounds[doc + 1]]
            rows = np.searchsorted(unique, mine)
            out.append((mine, signatures[rows], numbers[rows]))
        return out

    def assign_sketched(self, items: list[tuple[str, np.ndarray, bool]]) -> list[tuple[str, bytes]]:
        """The story of each new document of a batch, in order, and its signature to
        store; ``items`` are (path, signature, long_enough) as ``sketch`` gives them.
        Each document is compared with every one remembered before it, its batch's
        included, and joins the story of the most similar (the earliest of equals)."""
        keys = [band_keys(sig) for _, sig, _ in items]
        spilled = self._spilled_candidates(keys)
        out = []
        for (path, sig, long_enough), mine, (far, far_sigs, far_numbers) in zip(
            items, keys, spilled, strict=True
        ):
            self.forget(path)
            story = story_id(path)
            if long_enough:  # else too short to tell; never joined by others
                near = np.fromiter(self.table.find(mine), dtype=np.int64)
                slots = np.concatenate([far, near])
                sigs = np.concatenate([far_sigs, self.signatures.rows(near)])
                numbers = np.concatenate([far_numbers, self.story_numbers.rows(near)])
                alive = self.alive.rows(slots) if len(slots) else slots.astype(bool)
                if alive.any():
                    slots, sigs, numbers = slots[alive], sigs[alive], numbers[alive]
                    order = np.argsort(slots, kind="stable")
                    matches = np.count_nonzero(sigs[order] == sig.astype(np.uint8), axis=1)
                    scores = estimated_similarity(matches)
                    best = order[int(np.argmax(scores))]
                    if scores.max() >= THRESHOLD:
                        story = self._story(int(slots[best]), int(numbers[best]))
                self._remember(story, sig)
            out.append((story, sig.tobytes()))
        self._spill_full_runs()
        return out

    def assign(self, path: str, words: list[str]) -> tuple[str, bytes]:
        """The story of a new document, and its signature to store."""
        return self.assign_sketched([(path, *sketch(words))])[0]


def _story_number(story: str) -> int | None:
    """A story id (16 hex digits) as a number, or None for any other text."""
    if len(story) != 16:
        return None
    try:
        number = int(story, 16)
    except ValueError:
        return None
    return number if f"{number:016x}" == story else None


SPILL_PREFIX, SPILL_SUFFIX = "stories-", ".tmp"


@contextmanager
def spilled_stories(directory: Path) -> Iterator[Path]:
    """A folder inside the index's ``directory`` where a ``StoryFinder`` keeps its full
    runs, removed when the block ends however it ends. Its name is chosen before it
    is made, so that a stop which comes as soon as it exists removes it too (made by
    ``mkdtemp`` before the ``try``, such a folder once stayed in the index)."""
    folder = Path(directory) / f"{SPILL_PREFIX}{secrets.token_hex(8)}{SPILL_SUFFIX}"
    try:
        folder.mkdir(mode=0o700)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_spilled_stories(directory: Path) -> None:
    """Remove the folders of runs that were killed before they could (lock held)."""
    if directory.is_dir():
        for leftover in directory.glob(f"{SPILL_PREFIX}*{SPILL_SUFFIX}"):
            shutil.rmtree(leftover, ignore_errors=True)
