"""Running a query against the index and collecting ranked hits with snippets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from whoosh import scoring
from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.index import Index
from whoosh.searching import Searcher

from veille.indexer.analysis import VeilleAnalyzer
from veille.indexer.store import index_analyzer

from .limits import MAX_LIMIT
from .parser import parse_query
from .snippets import Segments, TermOffsets, find_matches, leading_text, passages, to_html


@dataclass
class Hit:
    rank: int
    path: str
    title: str
    score: float
    snippet: Segments = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "rank": self.rank,
            "path": self.path,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": to_html(self.snippet),
        }


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    partial: bool = False  # the time limit stopped the search: total and ranking are partial

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "hits": [hit.as_json() for hit in self.hits],
            "partial": self.partial,
        }


def search(
    ix: Index, text: str, limit: int = 10, page: int = 1, time_limit: float | None = None
) -> SearchResult:
    """Run ``text`` (veille query syntax) on ``ix`` and return one page of ranked hits.

    Raises ``parser.QueryError`` for a query that cannot be run.
    """
    with open_searcher(ix) as searcher:
        return run_search(searcher, index_analyzer(ix), text, limit, page, time_limit=time_limit)


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
    q = parse_query(text, analyzer, searcher.reader())
    offset = (page - 1) * limit
    # Without block-quality skipping the collector sees every match once, so the
    # total comes with the ranking instead of from a second pass over the matches.
    collector = searcher.collector(limit=offset + limit, terms=True, optimize=False)
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
            Hit(offset + i + 1, hit["path"], hit["title"], hit.score, snippet or leading_text(body))
        )
    return SearchResult(text, len(results), page, limit, hits, partial)


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
