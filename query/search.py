"""Running a query against the index and collecting ranked hits with snippets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as day_time

from whoosh import query as wq
from whoosh import scoring, sorting
from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.index import Index
from whoosh.searching import Searcher

from veille.indexer.analysis import VeilleAnalyzer
from veille.indexer.store import index_analyzer

from .limits import MAX_LIMIT
from .parser import parse_query
from .snippets import Segments, TermOffsets, find_matches, leading_text, passages, to_html

SORTS = ("relevance", "date")
FACETS = ("source", "month")


@dataclass(frozen=True)
class Options:
    """What narrows and orders a search besides its words."""

    since: date | None = None
    until: date | None = None  # inclusive
    sort: str = "relevance"  # or "date": newest first
    facets: bool = True  # count the matches by source and by month

    def date_filter(self) -> wq.Query | None:
        if self.since is None and self.until is None:
            return None
        start = datetime.combine(self.since, day_time.min) if self.since else None
        end = datetime.combine(self.until, day_time.max) if self.until else None
        return wq.DateRange("date", start, end, boost=0.0)  # narrows, never ranks


@dataclass
class Hit:
    rank: int
    path: str
    title: str
    score: float | None  # None when sorted by date
    snippet: Segments = field(default_factory=list)
    source: str = ""
    url: str = ""
    date: datetime | None = None
    date_from: str = "file"
    language: str = ""
    words: int = 0

    def provenance(self) -> str:
        return provenance(self.source, self.date, self.date_from, self.path)

    def as_json(self) -> dict:
        return {
            "rank": self.rank,
            "path": self.path,
            "title": self.title,
            "score": round(self.score, 4) if self.score is not None else None,
            "snippet": to_html(self.snippet),
            "source": self.source or None,
            "url": self.url or None,
            "date": self.date.date().isoformat() if self.date else None,
            "date_from": self.date_from,
            "language": self.language or None,
            "words": self.words,
        }


def provenance(source: str, day: datetime | None, date_from: str, path: str) -> str:
    """Source, date (marked when it is only the file's) and path, on one line."""
    parts = [source] if source else []
    if day:
        iso = day.date().isoformat()
        parts.append(iso if date_from == "document" else f"{iso} (file date)")
    parts.append(path)
    return " · ".join(parts)


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    partial: bool = False  # the time limit stopped the search: total and ranking are partial
    facets: dict[str, dict[str, int]] | None = None  # matches by source and by month
    sort: str = "relevance"

    def as_json(self) -> dict:
        data = {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "sort": self.sort,
            "hits": [hit.as_json() for hit in self.hits],
            "partial": self.partial,
        }
        if self.facets is not None:
            data["facets"] = self.facets
        return data


def search(
    ix: Index,
    text: str,
    limit: int = 10,
    page: int = 1,
    time_limit: float | None = None,
    options: Options = Options(),
) -> SearchResult:
    """Run ``text`` (veille query syntax) on ``ix`` and return one page of ranked hits.

    Raises ``parser.QueryError`` for a query that cannot be run.
    """
    with open_searcher(ix) as searcher:
        return run_search(
            searcher, index_analyzer(ix), text, limit, page, time_limit=time_limit, options=options
        )


class DeadlineCollector(WrappingCollector):
    """Stops a search with ``TimeLimit`` once ``seconds`` have passed (checked every 256
    matches; no timer thread and no signal, so it works in any server thread)."""

    def __init__(self, child, seconds: float):
        super().__init__(child)
        self.seconds = seconds

    def prepare(self, top_searcher, q, context):
        self.child.prepare(top_searcher, q, context)
        self.deadline = time.perf_counter() + self.seconds

    def collect_matches(self):
        child = self.child
        for n, sub_docnum in enumerate(child.matches(), start=1):
            child.collect(sub_docnum)
            if not n & 255 and time.perf_counter() > self.deadline:
                raise TimeLimit


def open_searcher(ix: Index) -> Searcher:
    return ix.searcher(weighting=scoring.BM25F())


def run_search(
    searcher: Searcher,
    analyzer: VeilleAnalyzer,
    text: str,
    limit: int = 10,
    page: int = 1,
    offsets: TermOffsets | None = None,
    time_limit: float | None = None,
    options: Options = Options(),
) -> SearchResult:
    """Search with an open searcher and the index's analyzer (see ``search``).

    ``offsets`` caches where terms stand in documents shown before (a server's).
    After ``time_limit`` seconds of matching, the search stops and the result,
    ranked among the documents seen so far, is marked partial.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    if page < 1:
        raise ValueError("page must be 1 or more")
    if options.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    q = parse_query(text, analyzer, searcher.reader())
    dates = options.date_filter()
    if dates is not None:
        # In the query rather than a collector filter: Whoosh applies its filters in
        # collect_matches, which DeadlineCollector (below) replaces.
        q = wq.And([q, dates])
    offset = (page - 1) * limit
    # Without block-quality skipping the collector sees every match once, so the
    # total comes with the ranking instead of from a second pass over the matches.
    collector = searcher.collector(
        limit=offset + limit,
        terms=True,
        optimize=False,
        sortedby=sorting.FieldFacet("date", reverse=True) if options.sort == "date" else None,
        groupedby=_facets() if options.facets else None,
    )
    if time_limit is not None:
        collector = DeadlineCollector(collector, time_limit)
    partial = False
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        partial = True  # ranked among the documents seen so far
    results = collector.results()
    shown = results[offset : offset + limit]
    terms = [text for field, text in q.iter_all_terms() if field == "body"]
    # Occurrence counts let an uncached snippet stop early; a cache needs none.
    counts = term_counts(searcher, terms, [hit.docnum for hit in shown]) if offsets is None else {}
    hits = []
    for i, hit in enumerate(shown):
        found = [t.decode("utf-8") for field, t in hit.matched_terms() if field == "body"]
        body = hit["body"]
        snippet = []
        if found and offsets is not None:
            key = (hit["path"], hit["size"], hit["mtime"], id(analyzer))
            snippet = passages(body, offsets.matches(key, body, analyzer, terms), found)
        elif found:
            matches = find_matches(body, analyzer, frozenset(terms))
            snippet = passages(body, matches, found, occurrences=counts.get(hit.docnum))
        hits.append(
            Hit(
                offset + i + 1,
                hit["path"],
                hit["title"],
                hit.score if options.sort == "relevance" else None,
                snippet or leading_text(body),
                **{k: hit.get(k) or default for k, default in HIT_METADATA.items()},
            )
        )
    facets = {name: _counts(results, name) for name in FACETS} if options.facets else None
    return SearchResult(text, len(results), page, limit, hits, partial, facets, options.sort)


HIT_METADATA = {
    "source": "",
    "url": "",
    "date": None,
    "date_from": "file",
    "language": "",
    "words": 0,
}


def _facets() -> sorting.Facets:
    facets = sorting.Facets()
    for name in FACETS:
        facets.add_field(name, maptype=sorting.Count)
    return facets


def _counts(results, name: str) -> dict[str, int]:
    """Matches per value of a facet, most first (documents without a value left out)."""
    counts = {key: n for key, n in results.groups(name).items() if key}
    if name == "month":
        return dict(sorted(counts.items(), reverse=True))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def term_counts(searcher: Searcher, terms: list[str], docnums: list[int]) -> dict[int, int]:
    """How many times the body of each document holds any of ``terms`` (from the postings)."""
    counts = dict.fromkeys(docnums, 0)
    reader = searcher.reader()
    for term in set(terms):
        if (("body", term)) not in reader:
            continue
        postings = reader.postings("body", term)
        for docnum in sorted(docnums):
            # A term held only by deleted documents gives postings that start inactive.
            if not postings.is_active():
                break
            postings.skip_to(docnum)
            if postings.is_active() and postings.id() == docnum:
                counts[docnum] += int(postings.weight())
    return counts
