"""The rule-based variant key that makes transliterations of one name meet.

Zaporizhzhia, Zaporizhia and Zaporijia all become "zaporizhia"; Louhansk and
Luhansk become "luhansk"; Khrushchev, Khrouchtchev, Chruschtschow and Chruszczow
become "hrushev". The rules are data: `indexer/data/spelling-rules.txt` gives
each one with the spelling system it serves. They run on stems that are already
accent-folded and lower-case, with apostrophes (soft signs) removed.

Applied to ordinary words, the same rules would also join words a reader keeps
apart (poisson and poison, good and god). `indexer/data/variant-exceptions.txt`
lists the stems whose key would collide with another dictionary word's; they
are left as they are. `tools/make_variant_exceptions.py` regenerates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .tables import TableError, data_text, word_list

RULES_FILE = "spelling-rules.txt"
_FILE_REF = re.compile(r"\{([\w.-]+\.txt)\}")


@dataclass(frozen=True)
class SpellingRule:
    """Replace ``pattern`` by ``replacement`` in words whose readings fit ``when``."""

    when: tuple[tuple[str, bool], ...]  # (reading, wanted) pairs; empty for every word
    pattern: re.Pattern
    replacement: str  # or several, joined by |: the spelling reads each way

    @property
    def readings(self) -> tuple[str, ...]:
        return tuple(self.replacement.split("|"))

    @property
    def needles(self) -> tuple[str, ...]:
        """Strings one of which a word must hold for the pattern to match (none: always try)."""
        bare = _LOOKAROUND.sub("", self.pattern.pattern).strip("^$")
        return tuple(bare.split("|")) if _LITERALS.fullmatch(bare) else ()

    def applies(self, readings: frozenset[str]) -> bool:
        return all((name in readings) == wanted for name, wanted in self.when)


_NO_READINGS: frozenset[str] = frozenset()
_LOOKAROUND = re.compile(r"\(\?<?[=!][^)]*\)")
# The letters folding keeps for the rules, which read each two ways, and what they are
# when no rule reads them: Polish ż, written z in the press (Żurek, Zurek), the č, ć,
# š and ž of Czech and South Slavic names, a Cyrillic г of either reading (ɣ) as g.
_PLAIN = str.maketrans({"ż": "z", "ž": "z", "č": "c", "ć": "c", "š": "s", "ɣ": "g"})
KEPT_LETTERS = "".join(map(chr, _PLAIN))
_LITERALS = re.compile(rf"[a-zA-Z{KEPT_LETTERS}]+(?:\|[a-zA-Z{KEPT_LETTERS}]+)*")


@dataclass(frozen=True)
class SpellingRules:
    # name, mark (a pattern, or a set of whole words), unmark pattern
    marks: tuple[tuple[str, re.Pattern | frozenset[str], re.Pattern | None], ...]
    keep: frozenset[str]
    rules: tuple[SpellingRule, ...]
    _plans: dict = field(default_factory=dict, compare=False, repr=False)

    def readings(self, stem: str) -> frozenset[str]:
        """The readings a stem's marks give it (``central`` for a German or Polish spelling)."""
        found = []
        for name, mark, unmark in self.marks:
            if (stem in mark if isinstance(mark, frozenset) else mark.search(stem)) and not (
                unmark and unmark.search(stem)
            ):
                found.append(name)
        return frozenset(found) if found else _NO_READINGS

    def _plan(self, readings: frozenset[str]) -> tuple:
        """The rules that apply to words of these readings, ready to run; a pattern that
        finds any of their needles; and the rules that have none."""
        plan = self._plans.get(readings)
        if plan is None:
            rules = [
                (rule.needles, rule.pattern.search, rule.pattern.sub, rule.readings)
                for rule in self.rules
                if rule.applies(readings)
            ]
            needles = sorted({n for r in rules for n in r[0]}, key=len, reverse=True)
            any_needle = re.compile("|".join(map(re.escape, needles)) or "(?!)")
            needleless = [r for r in rules if not r[0]]
            # A rule that always runs and writes letters a later rule looks for (a
            # class letter, say) makes every word a candidate for all the rules.
            letters = set("".join(needles))
            if any(letters & set(choice) for r in needleless for choice in r[3]):
                any_needle = re.compile("")
            plan = (rules, any_needle.search, needleless)
            self._plans[readings] = plan
        return plan

    def keys(self, stem: str) -> tuple[str, ...]:
        """The stem's keys: one, or two when a rule reads a spelling two ways."""
        readings = self.readings(stem)
        if readings & self.keep:
            return (stem,)
        rules, any_needle, needleless = self._plan(readings)
        if not any_needle(stem):  # most words: no rule but the needleless ones can match
            rules = needleless
        key, others = stem, ()  # the first key, and the other readings' keys
        for needles, search, sub, replacements in rules:
            # Skip the substitution when the word cannot match: most words match few rules.
            if others:
                if not any(search(k) for k in (key, *others)):
                    continue
            elif needles:
                for needle in needles:
                    if needle in key:
                        break
                else:
                    continue
            elif not search(key):
                continue
            if len(replacements) == 1:
                key = sub(replacements[0], key)
                others = tuple(sub(replacements[0], k) for k in others)
            else:
                found = [sub(r, k) for k in (key, *others) for r in replacements]
                key, *rest = dict.fromkeys(found)
                others = tuple(rest)
        return (key, *others) if others else (key,)


def parse_rules(text: str, source: str = RULES_FILE) -> SpellingRules:
    """Parse a spelling-rules file; a bad line raises ``TableError`` naming it."""
    marks: dict[str, list] = {}
    keep: set[str] = set()
    rules: list[SpellingRule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not line:
            continue
        where = f"{source}, line {number}"
        parts = line.split()
        try:
            if parts[0] in ("mark", "unmark"):
                _, name, pattern = parts
                compiled = (
                    word_list(data_text(pattern[1:]))
                    if parts[0] == "mark" and pattern.startswith("@")
                    else re.compile(_expand(pattern))
                )
                if parts[0] == "mark":
                    marks[name] = [compiled, None]
                else:
                    marks[name][1] = compiled
            elif parts[0] == "keep":
                _, name = parts
                keep.add(name)
            else:
                when, pattern, *replacement = parts
                if len(replacement) > 1:
                    raise ValueError("a rule has a condition, a pattern and a replacement")
                conditions = (
                    ()
                    if when == "all"
                    else tuple((c.lstrip("!"), not c.startswith("!")) for c in when.split(","))
                )
                unknown = [c for c, _ in conditions if c not in marks]
                if unknown:
                    raise ValueError(f"no mark defines the reading {unknown[0]!r}")
                rules.append(
                    SpellingRule(conditions, re.compile(_expand(pattern)), "".join(replacement))
                )
        except (ValueError, KeyError, IndexError, re.error) as e:
            raise TableError(f"{where}: cannot read {raw.strip()!r} ({e})") from None
    return SpellingRules(
        tuple((n, m, u) for n, (m, u) in marks.items()), frozenset(keep), tuple(rules)
    )


def _expand(pattern: str) -> str:
    """Replace each {file.txt} by the words of that data file joined by |, longest first."""

    def words(match: re.Match) -> str:
        listed = sorted(word_list(data_text(match[1])), key=lambda w: (-len(w), w))
        return "|".join(map(re.escape, listed))

    return _FILE_REF.sub(words, pattern)


@lru_cache(maxsize=1)
def shipped_rules() -> SpellingRules:
    return parse_rules(data_text(RULES_FILE))


@lru_cache(maxsize=1 << 18)
def variant_key(stem: str) -> str:
    """Return the variant key of a folded stem: the spelling every transliteration shares.

    A spelling that reads two ways (German sch is sh or zh) has two keys, joined by a
    space; ``ReadingsFilter`` makes stacked tokens of them.
    """
    if not stem.isalpha():
        return plain_letters(stem)  # Żabka24: no reading, but never a non-ASCII term
    return " ".join(shipped_rules().keys(stem))


def plain_letters(stem: str) -> str:
    """A folded stem without the letters the chain keeps for the spelling rules
    (``KEPT_LETTERS``, each as the press writes it without accents)."""
    return stem if stem.isascii() else stem.translate(_PLAIN)
