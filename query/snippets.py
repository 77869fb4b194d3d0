"""Snippets: the passages of a document around its matches, and how they are shown.

A snippet is a list of segments ``(text, matched)`` taken from the original
text (accents kept); renderers turn it into HTML (escaped, with ``<mark>``),
terminal text (matches in bold) or plain text.
"""

from __future__ import annotations

import html
import re

import click
from whoosh.highlight import ContextFragmenter, Formatter

Segments = list[tuple[str, bool]]

_SPACES = re.compile(r"\s+")


class SegmentFormatter(Formatter):
    """A Whoosh formatter that returns segments instead of a marked-up string.

    Runs of white space become one space unless ``keep_lines`` is set.
    """

    def __init__(self, keep_lines: bool = False):
        self.keep_lines = keep_lines

    def format_fragment(self, fragment, replace=False) -> Segments:
        text = fragment.text
        start, end = _word_bounds(text, fragment.startchar, fragment.endchar)
        segments: Segments = [] if start == 0 else [("… ", False)]
        index = start
        for t in sorted(fragment.matches, key=lambda t: (t.startchar, t.startchar - t.endchar)):
            if t.startchar is None or t.startchar < index:
                continue
            if t.startchar > index:
                segments.append((text[index : t.startchar], False))
            segments.append((text[t.startchar : t.endchar], True))
            index = t.endchar
        if end > index:
            segments.append((text[index:end], False))
        if end < len(text):
            segments.append((" …", False))
        return segments

    def format(self, fragments, replace=False) -> Segments:
        out: Segments = []
        for i, fragment in enumerate(sorted(fragments, key=lambda f: f.startchar)):
            segments = self.format_fragment(fragment)
            if i and out and out[-1] == (" …", False) and segments[:1] == [("… ", False)]:
                out[-1] = (" … ", False)
                segments = segments[1:]
            out.extend(segments)
        if self.keep_lines:
            return [(text, matched) for text, matched in out if text]
        return [(_SPACES.sub(" ", text), matched) for text, matched in out if text]


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Move fragment edges off the middle of words."""
    if 0 < start < len(text) and text[start - 1].isalnum():
        space = text.find(" ", start, end)
        start = space + 1 if space >= 0 else start
    if end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def make_fragmenter() -> ContextFragmenter:
    return ContextFragmenter(maxchars=240, surround=70)


def leading_text(text: str, chars: int = 200) -> Segments:
    """The start of a document, for hits whose body had no match (a title match)."""
    text = _SPACES.sub(" ", text).strip()
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
