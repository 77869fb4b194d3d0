"""Snippets: the passages of a document around its matches, and how they are shown.

A snippet is a list of segments ``(text, matched)`` taken from the original
text (accents kept); renderers turn it into HTML (escaped, with ``<mark>``),
terminal text (matches in bold) or plain text.

Matches are found by running the document through the index's own analysis
chain and keeping the tokens that are query terms, so a word matched through a
variant or a synonym is highlighted as written. Passages are built while the
chain runs, and the run stops once it has passages that hold every term the
document matched: the start of a long article is usually enough. The text is the
stored one: a long document's first STORED_BODY_CHARS characters (indexer/store.py).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

import click

Segments = list[tuple[str, bool]]
Match = tuple[int, int, str]  # start, end, term

PASSAGES = 2
PASSAGE_WIDTH = 240  # characters, context included
CONTEXT = 70  # characters of context before the first and after the last match
LEADING_CHARS = 200

_SPACES = re.compile(r"\s+")
_NOT_SPACE = re.compile(r"\S")


def find_matches(text: str, analyzer, terms: frozenset[str]) -> Iterator[Match]:
    """Where the tokens of ``text`` that are in ``terms`` stand, in text order."""
    for term, start, end in analyzer.spans(text):
        if term in terms:
            yield start, end, term


def passages(
    text: str,
    matches: Iterable[Match],
    wanted: Iterable[str] = (),
    count: int = PASSAGES,
    occurrences: int | None = None,
) -> Segments:
    """The best ``count`` passages of ``text`` around ``matches`` (in text order), or ``[]``.

    A passage groups the matches that fit in PASSAGE_WIDTH characters; the best
    hold the most different terms. What the index knows of the document lets a
    lazy ``matches`` (``find_matches``) stop early: ``occurrences`` is how many
    there are in all (none is left to find after the last), and ``wanted`` the
    terms the document contains (once ``count`` passages hold all of them, the
    rest is not read).
    """
    wanted = frozenset(wanted)
    span = PASSAGE_WIDTH - 2 * CONTEXT
    groups: list[list[Match]] = []
    current: list[Match] = []
    seen = 0
    for match in matches:
        seen += 1
        if current and match[1] - current[0][0] > span:
            groups.append(current)
            current = []
            if wanted:
                complete = [g for g in groups if wanted <= {m[2] for m in g}]
                if len(complete) >= count:
                    break
        current.append(match)
        if seen == occurrences:  # that was the last one
            break
    if current:
        groups.append(current)
    if not groups:
        return []
    best = sorted(groups, key=lambda g: (-len({m[2] for m in g}), -len(g), g[0][0]))[:count]
    out: Segments = []
    for group in sorted(best, key=lambda g: g[0][0]):
        start, end = _word_bounds(text, group[0][0] - CONTEXT, group[-1][1] + CONTEXT)
        piece = _mark(text, group, start, end)
        if start > 0:
            piece.insert(0, ("… ", False))
        if end < len(text):
            piece.append((" …", False))
        if out and out[-1] == (" …", False) and piece[0] == ("… ", False):
            out[-1] = (" … ", False)
            piece = piece[1:]
        out.extend(piece)
    return [(_SPACES.sub(" ", t), matched) for t, matched in out if t]


def mark_all(text: str, analyzer, terms: Iterable[str]) -> Segments:
    """The whole of ``text`` as segments, matches of ``terms`` marked, line breaks kept."""
    matches = list(find_matches(text, analyzer, frozenset(terms)))
    return [(t, matched) for t, matched in _mark(text, matches, 0, len(text)) if t]


def _mark(text: str, matches: list[Match], start: int, end: int) -> Segments:
    """Segments of text[start:end] with the matches marked; of overlapping
    matches (a synonym spanning several words), the longest wins."""
    out: Segments = []
    index = start
    for m_start, m_end, _ in sorted(matches, key=lambda m: (m[0], m[0] - m[1])):
        if m_start < index or m_end > end:
            continue
        if m_start > index:
            out.append((text[index:m_start], False))
        out.append((text[m_start:m_end], True))
        index = m_end
    if end > index:
        out.append((text[index:end], False))
    return out


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Clamp to the text and move the edges off the middle of words."""
    start, end = max(0, start), min(len(text), end)
    if 0 < start < len(text) and text[start - 1].isalnum():
        space = text.find(" ", start, end)
        start = space + 1 if space >= 0 else start
    if end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def leading_text(text: str, chars: int = LEADING_CHARS) -> Segments:
    """The start of a document, for hits whose body had no match (a title match)."""
    first = _NOT_SPACE.search(text)
    text = _SPACES.sub(" ", text[first.start() : first.start() + 4 * chars] if first else "")
    text = text.strip()
    if len(text) <= chars:
        return [(text, False)] if text else []
    cut = text.rfind(" ", 0, chars)
    return [(text[: cut if cut > 0 else chars], False), (" …", False)]


def to_html(segments: Segments) -> str:
    """Escaped text; only the highlight marks are markup."""
    return "".join(
        f"<mark>{html.escape(text, quote=False)}</mark>"
        if matched
        else html.escape(text, quote=False)
        for text, matched in segments
    )


def to_terminal(segments: Segments) -> str:
    """Matches in bold (click drops the styling when the output is not a terminal)."""
    return "".join(click.style(text, bold=True) if matched else text for text, matched in segments)


def to_plain(segments: Segments) -> str:
    return "".join(text for text, _ in segments)
