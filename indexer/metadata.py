"""What veille stores about a document besides its text: date, source, language, length."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urlsplit

from .tables import data_text

LANGUAGE_SAMPLE_WORDS = 2000
LANGUAGE_MIN_HITS = 5
WORD = re.compile(r"\w+", re.UNICODE)


def parse_date(text: str | None) -> datetime | None:
    """A date or date-time in ISO 8601 form (as pages and exports give it), as naive UTC."""
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        m = re.match(r"(\d{4}-\d{2}-\d{2})", text)
        if not m:
            return None
        value = datetime.fromisoformat(m.group(1))
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def file_date(mtime: float) -> datetime:
    return datetime.fromtimestamp(mtime, timezone.utc).replace(tzinfo=None)


HOST_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)+")


def source_name(source: str | None, url: str | None) -> str:
    """The source as shown: the site's own spelling ('Kyiv Independent'), else the host of
    its URL; a host name (its URL's or one given as the source) in lower case, without
    'www.'."""
    name = (source or "").strip()
    if not name and url:
        name = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    if HOST_NAME.fullmatch(name):
        name = name.lower()
    return name[4:] if name[:4].lower() == "www." else name


def source_key(name: str) -> str:
    """The source as filters compare it (``source:``, ``&source=``): in lower case, as the
    indexed ``source`` field holds it (whoosh's LowercaseFilter)."""
    return source_name(name, None).lower()


def one_spelling_each(counts: dict[str, int]) -> dict[str, int]:
    """Counts by source with the spellings of one source ('Le Journal', 'le journal')
    added up under its most common one (on a tie, one with capitals)."""
    groups: dict[str, dict[str, int]] = {}
    for name, n in counts.items():
        groups.setdefault(source_key(name) if name else name, {})[name] = n
    return {
        max(spellings, key=lambda s: (spellings[s], not s.islower(), s)): sum(spellings.values())
        for spellings in groups.values()
    }


@lru_cache(maxsize=1)
def _language_words() -> dict[str, frozenset[str]]:
    words = {}
    for line in data_text("languages.txt").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            code, _, listed = line.partition(":")
            words[code.strip()] = frozenset(listed.split())
    return words


def guess_language(text: str) -> str:
    """'fr', 'en' (or another code of data/languages.txt), or '' when unsure."""
    sample = [w.lower() for w in WORD.findall(text[: LANGUAGE_SAMPLE_WORDS * 8])]
    scores = {
        code: sum(map(words.__contains__, sample)) for code, words in _language_words().items()
    }
    best = max(scores, key=scores.get, default="")
    return best if scores.get(best, 0) >= LANGUAGE_MIN_HITS else ""


def count_words(text: str) -> int:
    return len(WORD.findall(text))
