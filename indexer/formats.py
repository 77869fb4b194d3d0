"""Reading each kind of file into articles: plain text, Markdown, HTML pages, JSON exports.

A reader returns ``Article`` records (one per article; a JSON export holds
many) and warnings; it raises ``Unreadable`` for a file that holds none.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .boilerplate import clean_article, clean_body
from .decoding import Unreadable, decode

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json")
BODY_KEYS = ("body", "text", "content")
KNOWN_KEYS = {"title", "url", "date", "source", *BODY_KEYS}
# Levels of lists and objects a field may nest: a deeper one is left out of its
# record (900 levels broke the commit: Python's pickle recurses once a level).
MAX_JSON_DEPTH = 64


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
HTML_TAG = re.compile(r"<[^<>\n]*>")  # stops at the next '<': one pass over a line
BLOCK_ENDS = {
    "paragraph_close",
    "heading_close",
    "fence",
    "code_block",
    "html_block",
    "bullet_list_close",
    "ordered_list_close",
    "blockquote_close",
}


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
    heading, lines = markdown_text(text)
    title = meta.get("title") or heading
    if not title:
        cleaned = clean_article("\n".join(lines))
        title, body, source = cleaned.title, cleaned.body, cleaned.source
    else:
        body, source = clean_body(lines)
    if not title:
        raise Unreadable("empty file")
    return Article(title, body, meta.get("source") or source, meta.get("url"), meta.get("date"))


@lru_cache(maxsize=1)
def _markdown_parser():
    from markdown_it import MarkdownIt  # imported here: only Markdown files need it

    return MarkdownIt("commonmark")


def markdown_text(text: str) -> tuple[str, list[str]]:
    """The first heading of a Markdown text, and the lines a reader sees of the rest.

    markdown-it-py parses it (in time linear in its length): emphasis, link
    targets, images and HTML tags are left out; link text, image descriptions
    and the content of code blocks are kept.
    """
    heading, lines = "", []
    tokens = _markdown_parser().parse(text)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            seen = _inline_text(token.children or [])
            if not heading and tokens[i - 1].type == "heading_open":
                heading = " ".join(seen.split())
                continue
            lines.extend(seen.splitlines())
        elif token.type in ("fence", "code_block"):
            lines.extend(token.content.splitlines())
        elif token.type == "html_block":
            lines.extend(HTML_TAG.sub("", token.content).splitlines())
        if token.type in BLOCK_ENDS and not token.hidden:
            lines.append("")
    return heading, [line.strip() for line in lines]


def _inline_text(children: list) -> str:
    """The text of a paragraph's or heading's inline tokens, markup left out."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


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
    body = (found.text or "").strip()
    title = (found.title or body.splitlines()[0]).strip()
    return Article(
        title,
        without_title_line(body, title),
        found.sitename or found.hostname,
        found.url,
        found.date,
    )


def without_title_line(body: str, title: str) -> str:
    """``body`` without a first line that is the title again (trafilatura keeps the
    page's ``<h1>`` in the text), compared regardless of case and spacing."""
    first, _, rest = body.partition("\n")
    return rest.strip() if same_words(first, title) else body


def same_words(a: str, b: str) -> bool:
    """Whether two lines read the same, case, spacing and Unicode forms aside."""
    return _folded(a) == _folded(b)


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def read_json(text: str, lines: bool) -> tuple[list[Article], list[str]]:
    """Records of an export: one object a line (``lines``), or an array of objects."""
    records: list[tuple[str, object]] = []
    problems: list[str] = []
    if lines:
        # Lines end at "\n" only: JSON text may hold U+2028 or U+0085 unescaped, where
        # str.splitlines() would cut a record in two (the streamed reader splits the same).
        for number, line in enumerate(text.split("\n"), start=1):
            found = json_line(number, line.rstrip("\r"))
            if isinstance(found, str):
                problems.append(found)
            elif found is not None:
                records.append(found)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise Unreadable(f"not valid JSON: {json_problem(exc, in_line=False)}") from None
        except RecursionError:
            raise Unreadable(TOO_DEEP) from None
        data = data if isinstance(data, list) else [data]
        records = [(f"record {n}", item) for n, item in enumerate(data, start=1)]
    articles = []
    if not lines and SURROGATE_ESCAPE.search(text):  # json_line fixes each line's
        records = [(where, without_surrogates(record)) for where, record in records]
    for where, record in records:
        problems += _drop_deep_fields(where, record)
        article = _record(record)
        if article is None:
            problems.append(f"{where} skipped, no title or body")
            continue
        article.key = where.replace(" ", "-")
        articles.append(article)
    if not articles:
        raise Unreadable("no article records (objects with a title or a body)")
    return articles, problems


def json_problem(exc: ValueError, in_line: bool) -> str:
    """What json found wrong, with where: 'Expecting value at line 3, column 12 (char 40)';
    ``in_line`` leaves the line out (a JSON Lines record is one line)."""
    if not isinstance(exc, json.JSONDecodeError):
        return str(exc).split("; use sys.", 1)[0]  # a number too long to read, for one
    where = f"column {exc.colno}" if in_line else f"line {exc.lineno}, column {exc.colno}"
    at = " " if exc.msg.endswith(" at") else " at "  # "Unterminated string starting at"
    return f"{exc.msg}{at}{where} (char {exc.pos})"


TOO_DEEP = "lists and objects nested too deeply to read"
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # "\ud800": half a character in JSON


def without_surrogates(value: object) -> object:
    """``value`` with the lone halves of characters JSON escapes may give replaced by U+FFFD."""
    stack = [value]
    fix = _fix_surrogates
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            items = list(item.items())
            item.clear()
            item.update((fix(k), fix(v) if isinstance(v, str) else v) for k, v in items)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            item[:] = [fix(v) if isinstance(v, str) else v for v in item]
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return fix(value) if isinstance(value, str) else value


LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads joins the halves that pair


def _fix_surrogates(text: str) -> str:
    return LONE_SURROGATE.sub("\ufffd", text)


def _drop_deep_fields(where: str, record: object) -> list[str]:
    """Leave out the fields of ``record`` nested deeper than MAX_JSON_DEPTH; say which."""
    if not isinstance(record, dict):
        return []
    deep = [key for key, value in record.items() if nested_deeper_than(value, MAX_JSON_DEPTH)]
    for key in deep:
        del record[key]
    return [
        f"{where}: field {key!r} left out, nested deeper than {MAX_JSON_DEPTH} levels"
        for key in deep
    ]


def nested_deeper_than(value: object, limit: int) -> bool:
    """Whether ``value`` has lists or objects nested more than ``limit`` levels (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def json_line(number: int, line: str) -> tuple[str, object] | str | None:
    """Line ``number`` of a JSON Lines export: (where, record), a problem, or None if blank."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except ValueError as exc:
        return f"line {number} skipped, not JSON: {json_problem(exc, in_line=True)}"
    except RecursionError:
        return f"line {number} skipped, {TOO_DEEP}"
    return f"line {number}", without_surrogates(record) if SURROGATE_ESCAPE.search(line) else record


def json_line_article(number: int, line: str, problems: list[str]) -> Article | str | None:
    """The article of line ``number`` of a JSON Lines export, a problem, or None if blank;
    fields left out (nested too deep) are added to ``problems``."""
    found = json_line(number, line)
    if found is None or isinstance(found, str):
        return found
    where, record = found
    problems += _drop_deep_fields(where, record)
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
