"""Other stories like a document: Whoosh's more-like-this over its key terms."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from whoosh import query as wq
from whoosh.collectors import TimeLimit
from whoosh.searching import Searcher

from veille.indexer.paths import file_key, printable

from .eager import eager
from .search import Hit, Options, make_collector, make_hit
from .snippets import leading_text

KEY_TERMS = 25


class UnknownDocument(LookupError):
    """No indexed document has that path or id."""


@dataclass
class RelatedResult:
    id: str
    title: str
    hits: list[Hit]
    partial: bool = False

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "hits": [hit.as_json() for hit in self.hits],
            "partial": self.partial,
        }


def document_id(path_or_id: str) -> str:
    """The stored id of a document: an existing file's absolute path, else the text given."""
    path = Path(path_or_id).expanduser()
    return file_key(path) if path.is_file() else printable(path_or_id)


MAX_NAMED = 5  # paths listed when a file name is ambiguous


def document_key(searcher: Searcher, given: str) -> str:
    """The stored id of the document ``given`` names: its id, an existing file's path
    (absolute or relative to the working folder), or else the one indexed path that ends
    with it on a folder boundary (a file name, or a path relative to an indexed folder).
    Raises UnknownDocument when none or several do."""
    key = document_id(given)
    if searcher.document_number(path=key) is not None:
        return key
    tail = os.path.normpath(given).lstrip("/")
    if tail in ("", ".", "..") or tail.startswith("../"):
        return key
    named = [
        path
        for path in (term.decode("utf-8") for term in searcher.reader().lexicon("path"))
        if (path == tail or path.endswith("/" + tail) or path.split("#", 1)[0].endswith("/" + tail))
        and searcher.document_number(path=path) is not None
    ]
    if len(named) > 1:
        shown = ", ".join(sorted(named)[:MAX_NAMED]) + (", …" if len(named) > MAX_NAMED else "")
        raise UnknownDocument(
            f"{given!r} names {len(named)} indexed documents: give its path ({shown})"
        )
    return named[0] if named else key


def related(
    searcher: Searcher, key: str, limit: int = 10, time_limit: float | None = None
) -> RelatedResult:
    """The stories most like the document with id ``key`` (its own story left out), best
    first, one hit each. The server passes the id it was given, never touching the disk;
    the CLI resolves a file's path with ``document_id`` first."""
    docnum = searcher.document_number(path=key)
    if docnum is None:
        raise UnknownDocument(f"no document {key!r} in the index (use its path or id)")
    fields = searcher.stored_fields(docnum)
    # The stored body: a long document's likeness is read from its start.
    text = f"{fields['title']}\n{fields['body']}"
    terms = searcher.key_terms_from_text("body", text, numterms=KEY_TERMS, normalize=True)
    likeness = wq.Or([wq.Term("body", term, boost=weight) for term, weight in terms])
    q = wq.And([likeness, wq.Not(wq.Term("story", fields["story"]))])
    collector = make_collector(limit, Options(facets=False, collapse=True), time_limit)
    partial = False
    try:
        searcher.search_with_collector(eager(q), collector)
    except TimeLimit:
        partial = True
    hits = [
        make_hit(hit, rank, hit.score, leading_text(hit["body"]), [])
        for rank, hit in enumerate(collector.results()[:limit], start=1)
    ]
    return RelatedResult(key, fields["title"], hits, partial)
