"""One time budget per request, shared by every step of it.

Parsing (fuzzy expansion), matching, suggestions, snippets and related
articles all draw on the same clock, as Meilisearch's search cutoff and
Elasticsearch's search timeout do. A step that finds the budget spent is cut
short (matching stops, a snippet becomes the document's start, a suggestion is
skipped) and the result says it is partial.
"""

from __future__ import annotations

import time


class Budget:
    """The seconds a request may still take (``None``: no limit)."""

    def __init__(self, seconds: float | None = None):
        self.seconds = seconds
        self.deadline = None if seconds is None else time.perf_counter() + seconds
        self.cut = False  # a step was cut short because the budget was spent

    def left(self) -> float | None:
        """Seconds left (never negative), or None without a limit."""
        if self.deadline is None:
            return None
        return max(self.deadline - time.perf_counter(), 0.0)

    def spent(self) -> bool:
        """Whether the time is up; a step that asks and stops marks the result cut."""
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            self.cut = True
            return True
        return False

    def within(self, seconds: float) -> float:
        """The smaller of ``seconds`` and what is left."""
        left = self.left()
        return seconds if left is None else min(seconds, left)


UNLIMITED = Budget()
