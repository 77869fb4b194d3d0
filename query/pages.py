"""The server's HTML pages: the search page (works without JavaScript) and a document page.

Everything from documents and queries is escaped; the only markup inside a
snippet is ``<mark>``.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from .search import SearchResult, provenance, question_mark
from .snippets import Segments, to_html

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{base}/style.css">
</head>
<body>
<main>
{content}
</main>
</body>
</html>
"""


def page(title: str, content: str, base: str = "") -> str:
    return _PAGE.format(title=escape(title), content=content, base=escape(base))


def search_form(query: str, base: str = "") -> str:
    return (
        f'<form role="search" method="get" action="{escape(base)}/">\n'
        '<label for="q">Search the archive</label>\n'
        f'<input id="q" name="q" type="search" value="{escape(query)}" autofocus>\n'
        '<button type="submit">Search</button>\n'
        "</form>"
    )


def doc_link(path: str, query: str, base: str = "") -> str:
    return f"{base}/doc?" + urlencode({"path": path, "q": query} if query else {"path": path})


def search_page(
    query: str,
    result: SearchResult | None = None,
    error: str | None = None,
    took_ms: float | None = None,
    base: str = "",
) -> str:
    parts = ["<h1>veille</h1>", search_form(query, base)]
    if error:
        parts.append(f'<p class="error" role="alert">{escape(error)}</p>')
    elif result is not None:
        if result.suggestion:
            link = f"{base}/?" + urlencode({"q": result.suggestion})
            parts.append(
                f'<p class="suggestion">Did you mean <a href="{escape(link)}">'
                f"{escape(result.suggestion)}</a>{question_mark(result.suggestion)}</p>"
            )
        parts.append(_results(result, took_ms, base))
    title = f"{query} – veille" if query else "veille"
    return page(title, "\n".join(parts), base)


def _results(result: SearchResult, took_ms: float | None, base: str) -> str:
    if not result.total:
        return f'<p role="status">No results for “{escape(result.query)}”.</p>'
    first = (result.page - 1) * result.limit + 1
    last = first + len(result.hits) - 1
    took = f" in {took_ms:.0f} ms" if took_ms is not None else ""
    summary = result.summary("result", "results")
    if result.hits:
        summary += f", {first}–{last} shown"
    items = []
    for hit in result.hits:
        items.append(
            "<li>"
            f'<a href="{escape(doc_link(hit.path, result.query, base))}">{escape(hit.title)}</a>'
            f'<p class="snippet">{to_html(hit.snippet)}</p>'
            + _missing(hit.missing)
            + f'<p class="path">{escape(hit.provenance())}</p>'
            + _versions(hit.duplicates, result.query, base)
            + "</li>"
        )
    nav = []
    if result.page > 1:
        nav.append(_page_link(result, result.page - 1, "Previous", base))
    if last < result.total or (result.total_is_lower_bound and len(result.hits) == result.limit):
        nav.append(_page_link(result, result.page + 1, "Next", base))
    return (
        f'<p role="status">{summary}{took}.</p>\n'
        f'<ol start="{first}">\n'
        + "\n".join(items)
        + "\n</ol>\n"
        + (f'<nav aria-label="Result pages">{" ".join(nav)}</nav>' if nav else "")
    )


def _missing(words: list[str]) -> str:
    """The words of the query a partial hit lacks, struck through."""
    if not words:
        return ""
    struck = " ".join(f"<s>{escape(w)}</s>" for w in words)
    return f'<p class="missing">Missing: {struck}</p>'


def _versions(duplicates: list[dict], query: str, base: str) -> str:
    """'+N other versions' of a story, each a link to its document page."""
    if not duplicates:
        return ""
    n = len(duplicates)
    links = ", ".join(
        f'<a href="{escape(doc_link(d["path"], query, base))}">{escape(d["title"])}</a>'
        + (f" ({escape(d['source'])})" if d["source"] else "")
        for d in duplicates
    )
    return f'<p class="versions">+{n} other version{"s" if n != 1 else ""}: {links}</p>'


def _page_link(result: SearchResult, number: int, label: str, base: str) -> str:
    params = {"q": result.query, "page": number}
    if result.limit != 10:
        params["limit"] = result.limit
    return f'<a href="{escape(base)}/?{escape(urlencode(params))}">{label}</a>'


# A long document is shown in parts of about this many characters (cut at a line break
# where one is near): a 50 MB file made a 58 MB page that took 1 GB to build.
DOC_PART_CHARS = 100_000


def part_starts(text: str, size: int = DOC_PART_CHARS) -> list[int]:
    """Where each part of a document starts: every ``size`` characters, moved on to the
    next line break (or space) when one is within a tenth of ``size``."""
    starts = [0]
    while starts[-1] + size < len(text):
        cut = starts[-1] + size
        for sep in ("\n", " "):
            found = text.find(sep, cut, cut + size // 10)
            if found >= 0:
                cut = found + 1
                break
        if cut >= len(text):
            break
        starts.append(cut)
    return starts


def document_page(
    fields: dict, body: Segments, query: str, base: str = "", part: tuple[int, int] = (1, 1)
) -> str:
    """One stored document: title, where it comes from (and its web address), its text
    (one ``part`` of ``parts`` of a long one, with links to the others)."""
    title = fields["title"]
    back = f'<p><a href="{escape(base)}/?{escape(urlencode({"q": query}))}">Back to results</a></p>'
    paragraphs = "\n".join(f"<p>{to_html(p)}</p>" for p in _paragraphs(body))
    where = provenance(
        fields.get("source", ""), fields.get("date"), fields.get("date_from", ""), fields["path"]
    )
    url = fields.get("url") or ""
    link = (
        f'<p class="path"><a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a></p>\n'
        if url.startswith(("https://", "http://"))  # never javascript: or data: from a document
        else ""
    )
    nav = _part_links(fields["path"], query, base, *part)
    content = (
        (back if query else "")
        + f'<article><h1>{escape(title)}</h1>\n<p class="path">{escape(where)}</p>\n{link}'
        + nav
        + paragraphs
        + nav
        + "</article>"
    )
    return page(title, content, base)


def _part_links(path: str, query: str, base: str, part: int, parts: int) -> str:
    """"Part 2 of 5" with links to the previous and next parts; nothing for a short text."""
    if parts == 1:
        return ""

    def link(n: int, label: str) -> str:
        params = {"path": path, **({"q": query} if query else {}), "part": n}
        return f'<a href="{escape(base)}/doc?{escape(urlencode(params))}">{label}</a>'

    items = [link(part - 1, "Previous part")] if part > 1 else []
    items.append(f"Part {part} of {parts}")
    if part < parts:
        items.append(link(part + 1, "Next part"))
    return f'<nav class="parts" aria-label="Parts">{" · ".join(items)}</nav>\n'


def _paragraphs(segments: Segments) -> list[Segments]:
    """Split segments at blank lines or line breaks into paragraphs."""
    paragraphs: list[Segments] = [[]]
    for text, matched in segments:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                paragraphs.append([])
            if piece.strip() or matched:
                paragraphs[-1].append((piece, matched))
    return [p for p in paragraphs if p]
