"""The rule-based variant key that makes transliterations of one name meet.

Zaporizhzhia, Zaporizhia and Zaporijia all become "zaporijia"; Louhansk and
Luhansk become "luhansk"; Zelensky, Zelenskyy, Zelenski and Zelens'kii become
"zelenski". The rules run on stems that are already accent-folded and
lower-case, with apostrophes (soft signs) removed.

Applied to ordinary words, the same rules would also join words a reader keeps
apart (poisson and poison, good and god). `indexer/data/variant-exceptions.txt`
lists the stems whose key would collide with another dictionary word's; they
are left as they are. `tools/make_variant_exceptions.py` regenerates it.
"""

from __future__ import annotations

import re

# Digraph rules, in order: zh/j before letters are collapsed (Zaporizhzhia ->
# zaporijjia -> zaporijia), ou/u (Louhansk), kh/h (Kherson, Kharkiv), y/i.
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("zh", "j"),
    ("kh", "h"),
    ("ou", "u"),
    ("y", "i"),
)
_DOUBLED = re.compile(r"([a-z])\1+")


def variant_key(stem: str) -> str:
    """Return the variant key of a folded stem: the spelling every transliteration shares."""
    if not stem.isalpha():
        return stem
    key = stem
    for old, new in _DIGRAPHS:
        if old in key:
            key = key.replace(old, new)
    return _DOUBLED.sub(r"\1", key)
