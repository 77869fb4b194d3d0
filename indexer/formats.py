"""Reading each kind of file into articles: plain text, Markdown, HTML pages, JSON exports.

A reader returns ``Article`` records (one per article; a JSON export holds
many) and warnings; it raises ``Unreadable`` for a file that holds none.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .boilerplate import clean_article, clean_body
from .decoding import Unreadable, decode

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json")
BODY_KEYS = ("body", "text", "content")
KNOWN_KEYS = {"title", "url", "date", "source", *BODY_KEYS}


@dataclass
class Article:
    title: str
    body: str
    source: str | None = None
    url: str | None = None
    date: str | None = None  # as the document gives it; parsed later
    extra: dict = field(default_factory=dict)  # fields of a JSON record veille does not use
    key: str = ""  # tells apart the articles of one file ("" for a file of one article)


def read_articles(name: str, data: bytes) -> tuple[list[Article], list[str]]:
    """The articles in a file called ``name`` holding ``data``, and warnings."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in (".html", ".htm"):
        return [read_html(data)], []
    text, warning = decode(data)
    warnings = [warning] if warning else []
    if suffix in (".jsonl", ".json"):
        articles, problems = read_json(text, lines=suffix == ".jsonl")
        return articles, warnings + problems
    reader = read_markdown if suffix in (".md", ".markdown") else read_text
    return [reader(text)], warnings


def read_text(text: str) -> Article:
    cleaned = clean_article(text)
    if not cleaned.title:
        raise Unreadable("empty file")
    return Article(cleaned.title, cleaned.body, cleaned.source)


FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
HEADING = re.compile(r"#{1,6}\s+(.*?)\s*#*\s*")
MARKUP = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)"), ""),  # block markers
    (re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis and code
    (re.compile(r"^\s*([-*_]\s*){3,}$"), ""),  # rules
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
]


def read_markdown(text: str) -> Article:
    """Title from the front matter or the first heading; the rest as plain text."""
    meta: dict[str, str] = {}
    m = FRONT_MATTER.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[m.end() :]
    lines = text.splitlines()
    title = meta.get("title", "")
    if not title:
        for i, line in enumerate(lines):
            h = HEADING.fullmatch(line.strip())
            if h:
                title = h.group(1)
                del lines[i]
                break
    plain = [_strip_markup(line) for line in lines if not line.startswith("```")]
    if not title:
        cleaned = clean_article("\n".join(plain))
        title, body, source = cleaned.title, cleaned.body, cleaned.source
    else:
        body, source = clean_body(plain)
    if not title:
        raise Unreadable("empty file")
    return Article(
        _strip_markup(title), body, meta.get("source") or source, meta.get("url"), meta.get("date")
    )


def _strip_markup(line: str) -> str:
    for pattern, replacement in MARKUP:
        line = pattern.sub(replacement, line)
    return line.strip()


def read_html(data: bytes) -> Article:
    """The article of a saved web page, its boilerplate left out (trafilatura)."""
    import trafilatura  # imported here: it takes a third of a second and only pages need it

    try:
        found = trafilatura.bare_extraction(
            data, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # trafilatura or lxml refusing a page: skip it, say why
        raise Unreadable(f"cannot parse the page: {type(exc).__name__}") from None
    if found is None or not (found.text or found.title):
        raise Unreadable("no article text found in the page")
    body = found.text or ""
    title = found.title or body.strip().splitlines()[0]
    return Article(
        title.strip(),
        body.strip(),
        found.sitename or found.hostname,
        found.url,
        found.date,
    )


def read_json(text: str, lines: bool) -> tuple[list[Article], list[str]]:
    """Records of an export: one object a line (``lines``), or an array of objects."""
    records: list[tuple[str, object]] = []
    problems: list[str] = []
    if lines:
        for number, line in enumerate(text.splitlines(), start=1):
            found = json_line(number, line)
            if isinstance(found, str):
                problems.append(found)
            elif found is not None:
                records.append(found)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise Unreadable(f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
        data = data if isinstance(data, list) else [data]
        records = [(f"record {n}", item) for n, item in enumerate(data, start=1)]
    articles = []
    for where, record in records:
        article = _record(record)
        if article is None:
            problems.append(f"{where} skipped, no title or body")
            continue
        article.key = where.replace(" ", "-")
        articles.append(article)
    if not articles:
        raise Unreadable("no article records (objects with a title or a body)")
    return articles, problems


def json_line(number: int, line: str) -> tuple[str, object] | str | None:
    """Line ``number`` of a JSON Lines export: (where, record), a problem, or None if blank."""
    if not line.strip():
        return None
    try:
        return f"line {number}", json.loads(line)
    except ValueError as exc:
        return f"line {number} skipped, not JSON: {exc.msg}"


def json_line_article(number: int, line: str) -> Article | str | None:
    """The article of line ``number`` of a JSON Lines export, a problem, or None if blank."""
    found = json_line(number, line)
    if found is None or isinstance(found, str):
        return found
    where, record = found
    article = _record(record)
    if article is None:
        return f"{where} skipped, no title or body"
    article.key = where.replace(" ", "-")
    return article


def _record(record: object) -> Article | None:
    if not isinstance(record, dict):
        return None
    body = next((str(record[k]) for k in BODY_KEYS if isinstance(record.get(k), str)), "")
    title = str(record.get("title") or "").strip() or body.strip().split("\n", 1)[0][:200]
    if not title:
        return None
    return Article(
        title,
        body.strip(),
        _text(record.get("source")),
        _text(record.get("url")),
        _text(record.get("date")),
        {k: v for k, v in record.items() if k not in KNOWN_KEYS},
    )


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None
