"""Other stories like a document: Whoosh's more-like-this over its key terms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from whoosh import query as wq
from whoosh.collectors import TimeLimit
from whoosh.searching import Searcher

from veille.indexer.paths import file_key, printable

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
    text = f"{fields['title']}\n{fields['body']}"
    terms = searcher.key_terms_from_text("body", text, numterms=KEY_TERMS, normalize=True)
    likeness = wq.Or([wq.Term("body", term, boost=weight) for term, weight in terms])
    q = wq.And([likeness, wq.Not(wq.Term("story", fields["story"]))])
    collector = make_collector(limit, Options(facets=False, collapse=True), time_limit)
    partial = False
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        partial = True
    hits = [
        make_hit(hit, rank, hit.score, leading_text(hit["body"]), [])
        for rank, hit in enumerate(collector.results()[:limit], start=1)
    ]
    return RelatedResult(key, fields["title"], hits, partial)
