"""Page leftovers removed from plain-text articles: breadcrumbs, bylines, footers, a source line.

The rules are in ``data/boilerplate.txt`` (see its header); the title and
source-line rules are structural and live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .tables import TableError, data_text

KINDS = ("drop", "top", "end")
TOP_LINES = 6
BREADCRUMB_WORDS = 6
SOURCE_LINE = re.compile(r"(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})/?", re.IGNORECASE)


@dataclass(frozen=True)
class Rules:
    drop: tuple[re.Pattern, ...]
    top: tuple[re.Pattern, ...]
    end: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Cleaned:
    title: str
    body: str
    source: str | None = None  # a trailing line such as "cbc.ca"


def parse_rules(text: str, source: str) -> Rules:
    """Read a boilerplate file; a bad line raises TableError naming file and line."""
    found: dict[str, list[re.Pattern]] = {kind: [] for kind in KINDS}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, pattern = line.partition(":")
        kind, pattern = kind.strip().lower(), pattern.strip()
        if not sep or kind not in KINDS or not pattern:
            raise TableError(
                f"{source}, line {number}: expected 'drop:', 'top:' or 'end:' and a pattern"
            )
        try:
            found[kind].append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise TableError(f"{source}, line {number}: bad pattern: {exc}") from None
    return Rules(*(tuple(found[kind]) for kind in KINDS))


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    return parse_rules(data_text("boilerplate.txt"), "boilerplate.txt")


def _matches(patterns: tuple[re.Pattern, ...], line: str) -> bool:
    return any(p.fullmatch(line) for p in patterns)


def split_title(lines: list[str]) -> tuple[str, list[str]]:
    """The title line and the lines after it.

    A first line that ends with the next line ("Home Monde Carney parle…" then
    "Carney parle…") is a breadcrumb: the next line is the title. A title
    repeated on the next line is kept once.
    """
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        return "", []
    first = filled[0]
    title = lines[first]
    rest_from = first + 1
    if len(filled) > 1:
        second = lines[filled[1]]
        crumbs = title[: len(title) - len(second)].split() if title.endswith(second) else []
        if title == second or 0 < len(crumbs) <= BREADCRUMB_WORDS:
            title, rest_from = second, filled[1] + 1
    return title, lines[rest_from:]


def clean_lines(lines: list[str], rules: Rules) -> list[str]:
    """Body lines without the boilerplate ``rules`` name (blank lines kept as separators)."""
    filled = [i for i, line in enumerate(lines) if line]
    half = filled[len(filled) // 2] if filled else 0
    cut = next((i for i in filled if i >= half and _matches(rules.end, lines[i])), len(lines))
    top = set(filled[:TOP_LINES])
    kept = []
    for i, line in enumerate(lines[:cut]):
        if line and (_matches(rules.drop, line) or (i in top and _matches(rules.top, line))):
            continue
        kept.append(line)
    return kept


def source_line(lines: list[str]) -> tuple[str | None, list[str]]:
    """A last line that is only a site name ("cbc.ca") is the source, not text."""
    filled = [i for i, line in enumerate(lines) if line]
    if filled:
        m = SOURCE_LINE.fullmatch(lines[filled[-1]])
        if m:
            return m.group(1).lower(), lines[: filled[-1]]
    return None, lines


def clean_body(lines: list[str], rules: Rules | None = None) -> tuple[str, str | None]:
    """The text of the lines after a title, leftovers removed, and a trailing source line."""
    source, rest = source_line(clean_lines(lines, rules or default_rules()))
    return join_paragraphs(rest), source


def clean_article(text: str, rules: Rules | None = None) -> Cleaned:
    """Title, body and source of a plain-text article saved from a page."""
    lines = [line.strip() for line in text.splitlines()]
    title, rest = split_title(lines)
    body, source = clean_body(rest, rules)
    return Cleaned(title, body, source)


def join_paragraphs(lines: list[str]) -> str:
    """Lines joined with newlines, runs of blank lines kept as one blank line."""
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
