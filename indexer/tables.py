"""Plain-text tables the analysis chain reads: word lists and synonym files.

Synonym and variant files use the Solr / Elasticsearch ``synonyms.txt`` format:

    # a comment
    OTAN, NATO                      equivalent: each finds the others
    UE, Union européenne            entries may have several words
    Kremlin => Moscou               one way: a query for the left finds the right
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

Analyze = Callable[[str], tuple[str, ...]]


class TableError(ValueError):
    """A table file has a line that cannot be read; the message names file and line."""


DATA_DIR = Path(__file__).resolve().parent / "data"


def data_text(name: str) -> str:
    """Return the text of a data file shipped in ``indexer/data``."""
    return (DATA_DIR / name).read_text("utf-8")


def word_list(text: str) -> frozenset[str]:
    """Parse a one-word-a-line list; blank lines and ``#`` comments are ignored."""
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(w for w in words if w)


@dataclass
class Rule:
    """What to do when a run of normalized tokens is seen."""

    match: tuple[str, ...]
    canonical: str | None = None  # equivalence: the token every member indexes as
    expansions: list[tuple[str, ...]] = field(default_factory=list)  # one way, query only


@dataclass
class OneWay:
    """A ``left => right`` line: where it is, and its normalized entries."""

    where: str
    lefts: list[tuple[str, ...]]
    rights: list[tuple[str, ...]]
    spelled: dict[tuple[str, ...], str]  # each entry as the file writes it


@dataclass
class SynonymTable:
    """Rules keyed by their first token, longest first, ready for matching."""

    rules: dict[str, list[Rule]]
    longest: int

    def __bool__(self) -> bool:
        return bool(self.rules)


def parse_synonyms(text: str, source: str, analyze: Analyze) -> SynonymTable:
    """Parse a synonyms file; each entry is normalized with ``analyze``."""
    groups: list[list[tuple[str, ...]]] = []
    one_way: list[OneWay] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = strip_comment(raw)
        if not line:
            continue
        where = f"{source}, line {number}"
        if line.count("=>") > 1:
            raise TableError(f"{where}: more than one '=>' in {raw.strip()!r}")
        if "=>" in line:
            left, right = line.split("=>")
            lefts, rights = _entries(left, where, analyze), _entries(right, where, analyze)
            spelled = {analyze(w.strip()): w.strip() for w in f"{left},{right}".split(",")}
            one_way.append(OneWay(where, lefts, rights, spelled))
        else:
            if "," not in line:
                raise TableError(
                    f"{where}: {raw.strip()!r} needs at least two entries separated by commas"
                )
            groups.append(_entries(line, where, analyze))
    return _build(_merge_groups(groups), one_way)


def strip_comment(line: str) -> str:
    """A table line without its ``#`` comment and surrounding blanks."""
    return line.split("#", 1)[0].strip() if "#" in line else line.strip()


def _entries(part: str, where: str, analyze: Analyze) -> list[tuple[str, ...]]:
    entries = []
    for raw in part.split(","):
        raw = raw.strip()
        if not raw:
            raise TableError(
                f"{where}: empty entry (two commas in a row, or a comma or '=>' at an end)"
            )
        tokens = analyze(raw)
        if not tokens:
            raise TableError(f"{where}: {raw!r} has no searchable word (only stop words?)")
        if tokens not in entries:
            entries.append(tokens)
    return entries


def _merge_groups(groups: list[list[tuple[str, ...]]]) -> list[list[tuple[str, ...]]]:
    """Join groups that share an entry, as Solr does, keeping first-seen order."""
    merged: list[list[tuple[str, ...]]] = []
    for group in groups:
        overlapping = [m for m in merged if any(e in m for e in group)]
        target = overlapping[0] if overlapping else []
        if not overlapping:
            merged.append(target)
        for other in overlapping[1:]:
            target.extend(e for e in other if e not in target)
            merged.remove(other)
        target.extend(e for e in group if e not in target)
    return merged


def _canonical(entry: tuple[str, ...]) -> str:
    return "_".join(entry)


def _build(groups: Iterable[list[tuple[str, ...]]], one_way: list[OneWay]) -> SynonymTable:
    by_match: dict[tuple[str, ...], Rule] = {}
    for group in groups:
        canonical = _canonical(group[0])
        for entry in group:
            by_match[entry] = Rule(entry, canonical=canonical)

    def index_form(entry: tuple[str, ...]) -> tuple[str, ...]:
        rule = by_match.get(entry)
        return (rule.canonical,) if rule and rule.canonical else entry

    leads_to: dict[tuple[str, ...], dict[tuple[str, ...], str]] = {}
    spelled: dict[tuple[str, ...], str] = {}
    for line in one_way:
        for left in line.lefts:
            rule = by_match.setdefault(left, Rule(left))
            for right in line.rights:
                form = index_form(right)
                if form != index_form(left) and form not in rule.expansions:
                    rule.expansions.append(form)
                    leads_to.setdefault(index_form(left), {}).setdefault(form, line.where)
                    spelled.setdefault(index_form(left), line.spelled[left])
                    spelled.setdefault(form, line.spelled[right])
    _refuse_cycles(leads_to, spelled)

    rules: dict[str, list[Rule]] = {}
    for rule in by_match.values():
        rules.setdefault(rule.match[0], []).append(rule)
    for candidates in rules.values():
        candidates.sort(key=lambda r: len(r.match), reverse=True)
    longest = max((len(m) for m in by_match), default=0)
    return SynonymTable(rules, longest)


def _refuse_cycles(
    leads_to: dict[tuple[str, ...], dict[tuple[str, ...], str]],
    spelled: dict[tuple[str, ...], str],
) -> None:
    """Refuse one-way rules that lead back to where they start (``a => b`` and ``b => a``).

    Expansion is not repeated, so a cycle does no harm to matching, but it is
    almost always an equivalence written the long way, or a slip: say so.
    """
    done: set[tuple[str, ...]] = set()

    def visit(path: list[tuple[str, ...]]) -> None:
        for nxt, where in leads_to.get(path[-1], {}).items():
            if nxt in path:
                loop = path[path.index(nxt) :] + [nxt]
                words = " => ".join(spelled[t] for t in loop)
                raise TableError(
                    f"{where}: the one-way rules make a cycle ({words}); to make these "
                    "words equivalent, list them on one line separated by commas"
                )
            if nxt not in done:
                visit(path + [nxt])
        done.add(path[-1])

    for start in list(leads_to):
        if start not in done:
            visit([start])
