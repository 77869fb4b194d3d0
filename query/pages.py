"""The server's HTML pages: the search page (works without JavaScript) and a document page.

Everything from documents and queries is escaped; the only markup inside a
snippet is ``<mark>``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from importlib import resources
from urllib.parse import urlencode

from .search import SearchResult, provenance, question_mark
from .snippets import Segments, to_html

LANGUAGES = ("en", "fr")

_PAGE = """<!doctype html>
<html lang="{lang}">
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


@lru_cache(maxsize=1)
def all_labels() -> dict[str, dict[str, str]]:
    """Every label of the pages and the widget, by language (assets/labels.json)."""
    text = resources.files("veille.query").joinpath("assets", "labels.json").read_text("utf-8")
    return json.loads(text)


def choose_language(asked: str = "", accept_language: str = "") -> str:
    """``asked`` (``?lang=``) if it is a language of the pages, else the first of the
    browser's ``Accept-Language`` that is, by preference; English otherwise."""
    if asked in LANGUAGES:
        return asked
    ranked = []
    for n, item in enumerate(accept_language.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, n, tag.strip().lower().split("-")[0]))
    for weight, _, tag in sorted(ranked):
        if weight < 0 and tag in LANGUAGES:
            return tag
    return "en"


@dataclass
class View:
    """What every page and link of one request shares: the language, the mount point
    and the filters a search carries from page to page."""

    lang: str = "en"
    base: str = ""
    filters: dict[str, str] = field(default_factory=dict)  # source, since, until

    def __getitem__(self, name: str) -> str:
        return all_labels()[self.lang][name]

    def number(self, n: int) -> str:
        """A count as the language writes it: 1,234 or 1 234."""
        return f"{n:,}".replace(",", "\u202f" if self.lang == "fr" else ",")

    def search_link(self, **params) -> str:
        carried = {**self.filters, **{k: v for k, v in params.items() if v not in (None, "")}}
        if self.lang != "en":
            carried["lang"] = self.lang
        return f"{self.base}/?" + urlencode(carried)

    def doc_link(self, path: str, query: str, **params) -> str:
        wanted = {"path": path, **({"q": query} if query else {}), **params}
        if self.lang != "en":
            wanted["lang"] = self.lang
        return f"{self.base}/doc?" + urlencode(wanted)


def page(title: str, content: str, view: View) -> str:
    return _PAGE.format(
        title=escape(title), content=content, base=escape(view.base), lang=view.lang
    )


def search_form(query: str, view: View, sources: list[str] = ()) -> str:
    """The search box, and the filters: a source (those of the matches) and a date range."""
    chosen = view.filters.get("source", "")
    options = [f'<option value="">{escape(view["all_sources"])}</option>']
    for name in sorted(set(sources) | ({chosen} if chosen else set())):
        selected = " selected" if name == chosen else ""
        options.append(f'<option value="{escape(name)}"{selected}>{escape(name)}</option>')
    dates = "".join(
        f'<label class="filter" for="{name}">{escape(view[name])}</label>'
        f'<input id="{name}" name="{name}" type="date" '
        f'value="{escape(view.filters.get(name, ""))}">'
        for name in ("since", "until")
    )
    language = f'<input type="hidden" name="lang" value="{view.lang}">' if view.lang != "en" else ""
    return (
        f'<form role="search" method="get" action="{escape(view.base)}/">\n'
        f'<label for="q">{escape(view["search_label"])}</label>\n'
        f'<input id="q" name="q" type="search" value="{escape(query)}" autofocus>\n'
        f'<button type="submit">{escape(view["search"])}</button>\n'
        f'<div class="filters"><label class="filter" for="source">{escape(view["source"])}</label>'
        f'<select id="source" name="source">{"".join(options)}</select>{dates}</div>\n'
        f"{language}</form>"
    )


def doc_link(path: str, query: str, base: str = "") -> str:
    return View(base=base).doc_link(path, query)


def search_page(
    query: str,
    result: SearchResult | None = None,
    error: str | None = None,
    took_ms: float | None = None,
    view: View | None = None,
) -> str:
    view = view or View()
    sources = list((result.facets or {}).get("source", {})) if result is not None else []
    parts = ["<h1>veille</h1>", search_form(query, view, sources)]
    if error:
        parts.append(f'<p class="error" role="alert">{escape(error)}</p>')
    elif result is not None:
        if result.suggestion:
            link = view.search_link(q=result.suggestion)
            parts.append(
                f'<p class="suggestion">{escape(view["did_you_mean"])} <a href="{escape(link)}">'
                f"{escape(result.suggestion)}</a>{question_mark(result.suggestion)}</p>"
            )
        parts.append(_results(result, took_ms, view))
    title = f"{query} – veille" if query else "veille"
    return page(title, "\n".join(parts), view)


def _summary(result: SearchResult, view: View) -> str:
    """'12 results', '12 results: 2 with every word, 10 with some', '1,000+ results'."""
    more = "+" if result.total_is_lower_bound else ""
    one = result.total == 1 and not more
    line = view["result" if one else "results"].format(n=view.number(result.total) + more)
    if result.complete < result.total:
        some = view.number(result.total - result.complete) + more
        line += ": " + view["split"].format(complete=view.number(result.complete), some=some)
    return line


def _results(result: SearchResult, took_ms: float | None, view: View) -> str:
    if not result.total:
        return f'<p role="status">{escape(view["no_results"].format(query=result.query))}</p>'
    first = (result.page - 1) * result.limit + 1
    if not result.hits:  # past the last page
        link = view.search_link(q=result.query, limit=_limit(result))
        return (
            f'<p role="status">{escape(_summary(result, view))}. '
            f"{escape(view['past_last'].format(page=result.page))} "
            f'<a href="{escape(link)}">{escape(view["first_page"])}</a></p>'
        )
    last = first + len(result.hits) - 1
    took = " " + view["took"].format(ms=f"{took_ms:.0f}") if took_ms is not None else ""
    summary = _summary(result, view) + ", " + view["shown"].format(first=first, last=last)
    items = []
    for hit in result.hits:
        where = provenance(hit.source, hit.date, hit.date_from, hit.path, view["file_date"])
        items.append(
            "<li>"
            f'<a href="{escape(view.doc_link(hit.path, result.query))}">{escape(hit.title)}</a>'
            f'<p class="snippet">{to_html(hit.snippet)}</p>'
            + _missing(hit.missing, view)
            + f'<p class="path">{escape(where)}</p>'
            + _versions(hit.duplicates, result.query, view)
            + "</li>"
        )
    nav = []
    if result.page > 1:
        nav.append(_page_link(result, result.page - 1, view["previous"], view))
    if last < result.total or (result.total_is_lower_bound and len(result.hits) == result.limit):
        nav.append(_page_link(result, result.page + 1, view["next"], view))
    partial = f'<p class="partial">{escape(view["partial"])}</p>\n' if result.partial else ""
    return (
        f'<p role="status">{escape(summary)}{escape(took)}.</p>\n'
        + partial
        + f'<ol start="{first}">\n'
        + "\n".join(items)
        + "\n</ol>\n"
        + (
            f'<nav aria-label="{escape(view["result_pages"])}">{" ".join(nav)}</nav>'
            if nav
            else ""
        )
    )


def _missing(words: list[str], view: View) -> str:
    """The words of the query a partial hit lacks, struck through."""
    if not words:
        return ""
    struck = " ".join(f"<s>{escape(w)}</s>" for w in words)
    return f'<p class="missing">{escape(view["missing"])} {struck}</p>'


def _versions(duplicates: list[dict], query: str, view: View) -> str:
    """'+N other versions' of a story, each a link to its document page."""
    if not duplicates:
        return ""
    n = len(duplicates)
    links = ", ".join(
        f'<a href="{escape(view.doc_link(d["path"], query))}">{escape(d["title"])}</a>'
        + (f" ({escape(d['source'])})" if d["source"] else "")
        for d in duplicates
    )
    label = view["other_version"] if n == 1 else view["other_versions"].format(n=n)
    return f'<p class="versions">{escape(label)} {links}</p>'


def _limit(result: SearchResult) -> int | None:
    return result.limit if result.limit != 10 else None


def _page_link(result: SearchResult, number: int, label: str, view: View) -> str:
    link = view.search_link(q=result.query, page=number, limit=_limit(result))
    return f'<a href="{escape(link)}">{escape(label)}</a>'


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
    fields: dict,
    body: Segments,
    query: str,
    view: View | None = None,
    part: tuple[int, int] = (1, 1),
) -> str:
    """One stored document: title, where it comes from (and its web address), its text
    (one ``part`` of ``parts`` of a long one, with links to the others)."""
    view = view or View()
    title = fields["title"]
    back_link = view.search_link(q=query)
    back = f'<p><a href="{escape(back_link)}">{escape(view["back"])}</a></p>'
    paragraphs = "\n".join(f"<p>{to_html(p)}</p>" for p in _paragraphs(body))
    where = provenance(
        fields.get("source", ""),
        fields.get("date"),
        fields.get("date_from", ""),
        fields["path"],
        view["file_date"],
    )
    url = fields.get("url") or ""
    link = (
        f'<p class="path"><a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a></p>\n'
        if url.startswith(("https://", "http://"))  # never javascript: or data: from a document
        else ""
    )
    nav = _part_links(fields["path"], query, view, *part)
    content = (
        (back if query else "")
        + f'<article><h1>{escape(title)}</h1>\n<p class="path">{escape(where)}</p>\n{link}'
        + nav
        + paragraphs
        + nav
        + "</article>"
    )
    return page(title, content, view)


def _part_links(path: str, query: str, view: View, part: int, parts: int) -> str:
    """"Part 2 of 5" with links to the previous and next parts; nothing for a short text."""
    if parts == 1:
        return ""

    def link(n: int, label: str) -> str:
        return f'<a href="{escape(view.doc_link(path, query, part=n))}">{escape(label)}</a>'

    items = [link(part - 1, view["previous_part"])] if part > 1 else []
    items.append(escape(view["part_of"].format(part=part, parts=parts)))
    if part < parts:
        items.append(link(part + 1, view["next_part"]))
    return f'<nav class="parts" aria-label="{escape(view["parts"])}">{" · ".join(items)}</nav>\n'


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
