"""A light French stemmer that works on accent-folded, lower-case words.

It only undoes inflection a reader would call "the same word": plurals
(garanties -> garanti), feminine forms (ukrainienne -> ukrainien) and a final
mute e (sécurité and securite -> securit), except
after another e (armée stays apart from arme). It never strips derivational
suffixes such as -ité or -ment, which join words a reader would keep apart.
Because it runs after accent folding, accented and unaccented spellings always
get the same stem.
"""

from __future__ import annotations

MIN_STEM = 3

# Feminine and agent endings, checked in order; the first that fits applies.
_ENDINGS: tuple[tuple[str, str, int], ...] = (
    # (suffix, replacement, minimum word length)
    ("ienne", "ien", 7),
    ("enne", "en", 6),
    ("elle", "el", 6),
    ("euse", "eur", 6),
    ("trice", "teur", 7),
    ("ive", "if", 6),
    ("ere", "er", 6),
)


def french_light_stem(word: str) -> str:
    """Return the stem of an accent-folded, lower-case word."""
    if len(word) <= MIN_STEM or not word.isalpha():
        return word
    w = _strip_plural(word)
    for suffix, replacement, min_len in _ENDINGS:
        if len(w) >= min_len and w.endswith(suffix):
            w = w[: -len(suffix)] + replacement
            break
    if len(w) > 4 and w.endswith("e") and not w.endswith("ee"):
        w = w[:-1]  # a mute e; -ee (armée) stays, so armée and arme stay apart
    return w


def _strip_plural(w: str) -> str:
    if w.endswith("eaux"):
        return w[:-1]
    if w.endswith("aux") and len(w) > 5:
        return w[:-3] + "al"
    if w.endswith("ux"):
        return w[:-1]
    if w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w
