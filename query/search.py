"""Running a query against the index and collecting ranked hits with snippets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as day_time
from itertools import islice

from whoosh import collectors, scoring, sorting
from whoosh import query as wq
from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.index import Index
from whoosh.searching import Searcher

from veille.indexer.analysis import VeilleAnalyzer
from veille.indexer.metadata import one_spelling_each, source_key
from veille.indexer.store import index_analyzer

from .budget import UNLIMITED, Budget
from .eager import MatchedTerms, count_search, eager
from .families import family_finder
from .limits import MAX_LIMIT
from .matching import Excluding, lacking, plan
from .parser import RANKED, SOFT, ParsedQuery, QueryError, parse, parse_query
from .snippets import Segments, find_matches, leading_text, passages, to_html
from .suggest import FEW_RESULTS, correction, searcher_vocabulary

SORTS = ("relevance", "date")
FACETS = ("source", "month")


@dataclass(frozen=True)
class Options:
    """What narrows and orders a search besides its words."""

    since: date | None = None
    until: date | None = None  # inclusive
    sort: str = "relevance"  # or "date": newest first
    facets: bool = True  # count the matches by source and by month
    collapse: bool = True  # one hit per story (near-duplicates folded into it)
    fuzzy: bool = False  # words also match indexed words a typo or two away
    suggest: bool = True  # offer a corrected query when this one finds little
    match: str = "any"  # "all": every word required; "any": complete matches, then partial
    source: str = ""  # only documents of this source (as `source:` in a query)

    def narrowing(self) -> wq.Query | None:
        """The date range and source documents must have, if any (they never rank)."""
        narrow = []
        if self.since is not None or self.until is not None:
            start = datetime.combine(self.since, day_time.min) if self.since else None
            end = datetime.combine(self.until, day_time.max) if self.until else None
            narrow.append(wq.DateRange("date", start, end, boost=0.0))
        if self.source:
            narrow.append(wq.Term("source", source_key(self.source), boost=0.0))
        return None if not narrow else narrow[0] if len(narrow) == 1 else wq.And(narrow)


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
    duplicates: list[dict] = field(default_factory=list)  # other versions of the story
    missing: list[str] = field(default_factory=list)  # words of the query it lacks (as typed)

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
            "duplicates": self.duplicates,
            "missing": self.missing,
        }


def question_mark(suggestion: str) -> str:
    """The '?' after 'Did you mean: …', unless the suggestion is a question that has one."""
    return "" if suggestion.rstrip().endswith("?") else "?"


def provenance(
    source: str, day: datetime | None, date_from: str, path: str, file_date: str = "file date"
) -> str:
    """Source, date (marked when it is only the file's) and path, on one line."""
    parts = [source] if source else []
    if day:
        iso = day.date().isoformat()
        parts.append(f"{iso} ({file_date})" if date_from == "file" else iso)
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
    collapsed: int = 0  # matching documents folded into a better-ranked version of their story
    suggestion: str | None = None  # a corrected query that finds more, from the index's words
    complete: int = 0  # of the total, matches that hold every word of the query
    relaxed: bool = False  # nothing matched the query as written: these hits match part of it
    # Counting stopped before the last match: past EXACT_TOTAL, or partial matches
    # beyond those this page needs.
    total_is_lower_bound: bool = False

    def summary(self, noun: str = "match", plural: str = "matches") -> str:
        """'12 matches', '12 matches: 2 with every word, 10 with some', or '1,000+ matches'."""
        more = "+" if self.total_is_lower_bound else ""
        line = f"{self.total:,}{more} {noun if self.total == 1 and not more else plural}"
        if self.complete < self.total:
            some = self.total - self.complete
            line += f": {self.complete:,} with every word, {some:,}{more} with some"
        return line

    def as_json(self) -> dict:
        data = {
            "query": self.query,
            "total": self.total,
            "total_is_lower_bound": self.total_is_lower_bound,
            "complete": self.complete,
            "page": self.page,
            "limit": self.limit,
            "sort": self.sort,
            "hits": [hit.as_json() for hit in self.hits],
            "collapsed": self.collapsed,
            "relaxed": self.relaxed,
            "suggestion": self.suggestion,
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
    """Stops a search with ``TimeLimit`` once ``seconds`` have passed (checked every 16
    matches; no timer thread and no signal, so it works in any server thread).

    It sits right above the collector that ranks, and checks the clock in the
    stream of matches, so the collectors above it (facets, collapsing), whose
    work is in their own ``collect_matches``, keep working.
    """

    def __init__(self, child, seconds: float):
        super().__init__(child)
        self.seconds = seconds

    def prepare(self, top_searcher, q, context):
        self.child.prepare(top_searcher, q, context)
        self.deadline = time.perf_counter() + self.seconds

    def matches(self):
        deadline = self.deadline
        for n, sub_docnum in enumerate(self.child.matches(), start=1):
            if not n & 15 and time.perf_counter() > deadline:
                raise TimeLimit
            yield sub_docnum


class FacetCounter(WrappingCollector):
    """Counts the matches the total counts, each version of a story included, by the
    values of some columns (source, month): every match up to EXACT_TOTAL, none of
    those seen after it. Whoosh's FacetCollector counts only what reaches the
    ranking collector, which collapsing changes, and gathers every match to do it."""

    def __init__(self, child, names: tuple[str, ...]):
        super().__init__(child)
        self.names = names
        self._counts: dict[str, dict[str, int]] = {name: {} for name in names}
        self.columns: list = []  # the segment's: (name, counts of raw values, getter, translate)
        self.top = find(child, (CappedTopCollector, collectors.SortingCollector))

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        self._settle()
        reader = subsearcher.reader()
        self.columns = [
            (
                name,
                {},
                _getter(reader.column_reader(name, translate=False)),
                field.from_column_value,
            )
            for name in self.names
            if reader.has_column(name)
            for field in [reader.schema[name]]
        ]

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Matches counted by value, for each column (once the collection is over)."""
        self._settle()
        return self._counts

    def _settle(self) -> None:
        """Add a segment's counts of raw column values to the counts by value."""
        for name, raw_counts, _, translate in self.columns:
            counts = self._counts[name]
            for raw, n in raw_counts.items():
                value = translate(raw)
                counts[value] = counts.get(value, 0) + n
        self.columns = []

    def matches(self):
        columns, top = [(c[1], c[2]) for c in self.columns], self.top
        for sub_docnum in self.child.matches():
            if not getattr(top, "lower_bound", False):
                for counts, value_of in columns:
                    value = value_of(sub_docnum)
                    counts[value] = counts.get(value, 0) + 1
            yield sub_docnum


def _getter(column):
    """How to read a column's values by document number, as fast as it allows."""
    return column.getter() if hasattr(column, "getter") else column.__getitem__


def count_facets(searcher: Searcher, docnums: list[int]) -> dict[str, dict[str, int]]:
    """The facet counts of some documents (a tier's collected hits)."""
    reader = searcher.reader()
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for name in FACETS:
        if reader.has_column(name):
            column = reader.column_reader(name)
            for docnum in docnums:
                value = column[docnum]
                counts[name][value] = counts[name].get(value, 0) + 1
    return counts


# Matches counted one by one; past this, a search ranked by relevance skips the blocks
# of postings that cannot reach its top hits, and its total is a lower bound (as
# Elasticsearch's track_total_hits). Counting costs 10-12 µs a match in Whoosh
# (scoring, collapsing, facets): at 10,000 a name found in a quarter of 10,000
# articles took 77 ms at the median, at 1,000 it takes 33 (bench/queries.tsv).
EXACT_TOTAL = 1_000


class CappedTopCollector(collectors.TopCollector):
    """Whoosh's top-N collector that counts every match up to ``exact`` and then skips
    blocks of postings that cannot reach the top N (block quality), which makes the
    count a lower bound. Before the cap the matcher is only simplified where that keeps
    every match (``replace(0)``); Whoosh's own loop prunes as soon as the top N is full."""

    def __init__(self, limit: int, exact: int = EXACT_TOTAL):
        super().__init__(limit, usequality=True)
        self.exact = exact
        self.matched = 0  # matches seen, over every segment
        self.lower_bound = False  # matches may have been skipped

    def computes_count(self):
        return True

    def count(self):
        """Matches collected (a lower bound once blocks were skipped), never a second pass."""
        return self.total

    def matches(self):
        matcher = self.matcher
        quality = self._use_block_quality()
        minscore = None
        replacecounter = 0
        checkquality = True
        while matcher.is_active():
            if self.matched >= self.exact:
                if minscore is None or (replacecounter == 0 or self.minscore != minscore):
                    self.lower_bound = True
                    self.matcher = matcher = matcher.replace(self.minscore or 0)
                    if not matcher.is_active():
                        break
                    quality = self._use_block_quality()
                    checkquality = checkquality or self.minscore != minscore
                    minscore, replacecounter = self.minscore, self.replace
                replacecounter -= 1
                if quality and checkquality and minscore:
                    matcher.skip_to_quality(minscore)
                    if not matcher.is_active():
                        break
            elif replacecounter <= 0:
                self.matcher = matcher = matcher.replace(0)
                if not matcher.is_active():
                    break
                replacecounter = self.replace
            else:
                replacecounter -= 1
            self.matched += 1
            yield matcher.id()
            checkquality = matcher.next()


def sorted_counts(name: str, counts: dict[str, int]) -> dict[str, int]:
    """A facet's counts, most first (months newest first), without the empty value."""
    counts = {k: n for k, n in counts.items() if k}
    key = (lambda kv: kv[0]) if name == "month" else (lambda kv: (-kv[1], kv[0]))
    return dict(sorted(counts.items(), key=key, reverse=name == "month"))


def _facets_as_it_goes(options: Options, exact: int | None) -> bool:
    """Whether a tier counts facets while it collects (every match it counts), or
    afterwards over its hits (a partial tier ranked by relevance, counted only as far
    as the page needs)."""
    return exact is None or options.sort == "date"


def make_collector(
    limit: int, options: Options, time_limit: float | None, excluded=None, exact=None
):
    """Rank (or sort by date), stop in time, count facets, record matched terms, collapse
    stories: Whoosh's own chain (``Searcher.collector``) with the deadline inside it.
    ``excluded`` (stories, documents) are left out: those of a tier already collected.
    Ranked by relevance, matches are counted exactly up to ``exact`` (EXACT_TOTAL by
    default); sorted by date, all of them."""
    if options.sort == "date":
        # Documents dated by their text, name or metadata first, newest first; then
        # those with only their file's time (a copy or a clone makes it today).
        newest = sorting.MultiFacet(
            [sorting.FieldFacet("dated", reverse=True), sorting.FieldFacet("date", reverse=True)]
        )
        c = collectors.SortingCollector(newest, limit=limit)
    else:
        # The collector sees every match once up to EXACT_TOTAL, so the total comes
        # with the ranking instead of from a second pass over the matches.
        c = CappedTopCollector(limit, EXACT_TOTAL if exact is None else exact)
    if excluded is not None:
        c = Excluding(c, *excluded)
    if time_limit is not None:
        c = DeadlineCollector(c, time_limit)
    if options.facets and _facets_as_it_goes(options, exact):
        c = FacetCounter(c, FACETS)
    # TermsCollector asks for matchers that know their current match (needs_current),
    # which also keeps Whoosh from preloading unions on small indexes: its preloaded
    # union (ArrayUnionMatcher) skipped some of the best partial matches once the
    # page was full. Finding the terms afterwards for the shown hits only was slower.
    c = MatchedTerms(c)
    if options.collapse:
        c = collectors.CollapseCollector(c, sorting.FieldFacet("story"), limit=1)
    return c


# BM25F's free parameters (Whoosh's defaults are B=0.75, K1=1.2); tuned with
# bench/relevance.py, see README "Relevance".
BM25_B = 0.5
BM25_K1 = 1.2

# Columns that searches read: those of the collectors and of BM25F's field lengths.
SEARCHED_COLUMNS = ("story", "date", "dated", "path", *FACETS)
SCORED_FIELDS = ("title", "body")


def open_searcher(ix: Index) -> Searcher:
    """A searcher with every file a search reads already open.

    Whoosh opens a segment's stored-fields and column files on first use, and
    checks first that the file exists. Between opening a searcher and that first
    use, a commit's merge or a rebuild can delete the old segment's files: the
    search then failed (stored fields read as None). Files open before the
    deletion stay readable, so they are opened here, at once.
    """
    searcher = ix.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
    for reader, _ in searcher.reader().leaf_readers():
        if not reader.doc_count_all():
            continue
        reader.stored_fields(0)
        for name in SCORED_FIELDS:
            reader.doc_field_length(0, name)
        for name in SEARCHED_COLUMNS:
            if reader.has_column(name):
                reader.column_reader(name)
    return searcher


def run_search(
    searcher: Searcher,
    analyzer: VeilleAnalyzer,
    text: str,
    limit: int = 10,
    page: int = 1,
    time_limit: float | None = None,
    options: Options = Options(),
) -> SearchResult:
    """Search with an open searcher and the index's analyzer (see ``search``).

    After ``time_limit`` seconds of matching, the search stops and the result,
    ranked among the documents seen so far, is marked partial.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    if page < 1:
        raise ValueError("page must be 1 or more")
    if options.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    budget = Budget(time_limit)
    count_search()
    reader = searcher.reader()
    vocabulary = searcher_vocabulary(searcher) if options.fuzzy else None
    parsed = parse(text, analyzer, reader, fuzzy=options.fuzzy, vocabulary=vocabulary)
    offset = (page - 1) * limit
    relaxed = False
    any_words = options.match == "any"
    families = family_finder(searcher, analyzer, SCORED_FIELDS, text) if any_words else None
    dates = options.narrowing()
    for n, (looser, soft_decides) in enumerate(
        relaxations(parsed, analyzer, reader, options, vocabulary)
    ):
        tiers = plan(looser, reader, options.match, dates, soft_decides, families)
        complete, partial = _collect(searcher, tiers, offset + limit, options, budget)
        if complete.total or (partial and partial.total) or complete.stopped:
            relaxed = n > 0
            break
    tiered = [(hit, False) for hit in complete.results]
    if partial is not None:
        tiered += [(hit, True) for hit in partial.results]
    shown = tiered[offset : offset + limit]
    queries = [q for q in (tiers.complete, tiers.partial) if q is not None]
    terms = [t for q in queries for field, t in q.iter_all_terms() if field == "body"]
    # Occurrence counts let a snippet stop reading once it has seen them all.
    counts = term_counts(searcher, terms, [hit.docnum for hit, _ in shown])
    hits = []
    for i, (hit, is_partial) in enumerate(shown):
        matched = set(hit.matched_terms())
        found = [t.decode("utf-8") for field, t in matched if field == "body"]
        body = hit["body"]
        snippet = []
        if found and budget.spent():
            pass  # out of time: the document's start stands for its passages
        elif found:
            matches = find_matches(body, analyzer, frozenset(terms))
            snippet = passages(body, matches, found, occurrences=counts.get(hit.docnum))
        made = make_hit(
            hit,
            offset + i + 1,
            hit.score if options.sort == "relevance" else None,
            snippet or leading_text(body),
            other_versions(searcher, hit["story"], hit["path"]) if options.collapse else [],
        )
        if is_partial:
            lacks = lacking(tiers.deciding, matched, reader)
            made.missing = [c.label for c in lacks]
            if made.score is not None:
                made.score = tiers.bm25(made.score, lacks)
        hits.append(made)
    tiers_run = [t for t in (complete, partial) if t is not None]
    facets = _merge_facets([t.facets for t in tiers_run]) if options.facets else None
    total = sum(t.total for t in tiers_run)
    lower_bound = any(t.lower_bound for t in tiers_run)
    if lower_bound:
        total = min(total, EXACT_TOTAL)
    collapsed = sum(t.collapsed for t in tiers_run)
    stopped = any(t.stopped for t in tiers_run)
    suggestion = None
    wants_suggestion = options.suggest and complete.total < FEW_RESULTS and parsed.clauses
    if wants_suggestion and not stopped and not budget.spent():
        suggestion = better_query(searcher, analyzer, text, complete.total, options, budget)
    partial_result = stopped or budget.cut
    result = SearchResult(
        text, total, page, limit, hits, partial_result, facets, options.sort, collapsed, suggestion
    )
    result.complete = complete.total
    result.total_is_lower_bound = lower_bound
    result.relaxed = relaxed
    return result


def relaxations(parsed: ParsedQuery, analyzer, reader, options: Options, vocabulary=None):
    """The query, then looser forms of it for when it finds nothing (default matching
    only), as Meilisearch drops words until something matches: the "phrases" of a
    question as plain words (a query that is only phrases wants them exactly), then its
    question words deciding too."""
    yield parsed, False
    if options.match != "any":
        return
    if parsed.loose_phrases and any(c.role == RANKED for c in parsed.clauses):
        parsed = parse(
            parsed.text,
            analyzer,
            reader,
            options.fuzzy,
            phrases_as_words=True,
            vocabulary=vocabulary,
        )
        yield parsed, False
    if any(c.role == SOFT for c in parsed.clauses):
        yield parsed, True


def _collect(searcher, tiers, wanted: int, options: Options, budget: Budget):
    """The complete tier, and the partial one when the complete does not fill ``wanted``."""
    complete = _Tier(searcher, tiers.complete, wanted, options, budget.left())
    partial = None
    wanted -= len(complete.results)
    if tiers.partial is not None and wanted > 0 and not complete.stopped:
        # Partial matches are counted as far as the page needs them, not all of them:
        # a long question's words match most of the archive.
        partial = _Tier(
            searcher, tiers.partial, wanted, options, budget.left(), complete.seen(), wanted
        )
    return complete, partial


class _Tier:
    """One tier of a search (complete or partial matches), collected."""

    def __init__(self, searcher, q, limit, options, time_limit, excluded=None, exact=None):
        self.results: list = []
        self.total = self.collapsed = 0
        self.stopped = False  # the time limit stopped it
        self.lower_bound = False  # more matches than it counted: the total is a lower bound
        self.facets: dict[str, dict[str, int]] = {}
        self.collapse = options.collapse  # what seen() leaves out: stories, or documents
        if q is None:
            return
        collector = make_collector(limit, options, time_limit, excluded, exact)
        try:
            searcher.search_with_collector(eager(q), collector)
        except TimeLimit:
            self.stopped = True  # ranked among the documents seen so far
        results = collector.results()
        self.results = list(results)
        self.total = len(results)
        if options.collapse:  # Whoosh's count leaves out the versions it replaced: count stories
            matched = collector.child.count()
            self.total = len(collector.lists)
            self.collapsed = matched - self.total
        if options.facets:
            self.facets = (
                find(collector, FacetCounter).counts
                if _facets_as_it_goes(options, exact)
                else count_facets(searcher, [hit.docnum for hit in self.results])
            )
        top = find(collector, (CappedTopCollector, collectors.SortingCollector))
        self.lower_bound = getattr(top, "lower_bound", False)
        if self.lower_bound:
            self.total = min(self.total, top.exact)

    def seen(self) -> tuple[set[str], set[int]]:
        """What the next tier must leave out: this tier's stories, or its documents."""
        if self.collapse:
            return {hit["story"] for hit in self.results}, set()
        return set(), {hit.docnum for hit in self.results}


def _merge_facets(tiers: list[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """The facet counts of several tiers, added up."""
    out: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for tier in tiers:
        for name, counts in tier.items():
            for key, n in counts.items():
                out[name][key] = out[name].get(key, 0) + n
    out["source"] = one_spelling_each(out["source"])
    return {name: sorted_counts(name, counts) for name, counts in out.items()}


def better_query(
    searcher: Searcher,
    analyzer: VeilleAnalyzer,
    text: str,
    total: int,
    options: Options,
    budget: Budget = UNLIMITED,
) -> str | None:
    """The query with the words the index lacks corrected, if it finds at least as much."""
    vocabulary = searcher_vocabulary(searcher)
    corrected = correction(vocabulary, analyzer, text)
    if corrected is None or budget.spent():
        return None
    try:
        q = parse_query(corrected, analyzer, searcher.reader(), options.fuzzy, vocabulary)
    except QueryError:
        return None
    seconds = budget.within(SUGGEST_SECONDS)
    collector = make_collector(1, Options(facets=False, collapse=True), seconds)
    try:
        searcher.search_with_collector(eager(q), collector)
    except TimeLimit:
        return None
    return corrected if len(collector.lists) >= max(total, 1) else None


def find(collector, kind):
    """The collector of class ``kind`` in a chain of wrapping collectors."""
    while not isinstance(collector, kind):
        collector = collector.child
    return collector


MAX_VERSIONS = 10
SUGGEST_SECONDS = 0.5


def other_versions(searcher: Searcher, story: str, path: str) -> list[dict]:
    """The other documents of a story (at most ``MAX_VERSIONS``, in path order), read
    from the index's columns: never their stored text."""
    docnums = list(islice(searcher.document_numbers(story=story), MAX_VERSIONS + 1))
    if len(docnums) < 2:
        return []  # the story is the hit alone
    reader = searcher.reader()
    paths, sources, dates = (reader.column_reader(n) for n in ("path", "source", "date"))
    titles = reader.column_reader("headline", translate=False)
    others = [
        {
            "path": paths[docnum],
            "title": titles[docnum].decode("utf-8"),
            "source": sources[docnum] or None,
            "date": dates[docnum].date().isoformat() if dates[docnum] else None,
        }
        for docnum in docnums
        if paths[docnum] != path
    ]
    others.sort(key=lambda d: d["path"])
    return others[:MAX_VERSIONS]


def make_hit(
    fields, rank: int, score: float | None, snippet: Segments, duplicates: list[dict]
) -> Hit:
    """A hit from a document's stored fields (a Whoosh hit or a dict)."""
    metadata = {k: fields.get(k) or default for k, default in HIT_METADATA.items()}
    path, title = fields["path"], fields["title"]
    return Hit(rank, path, title, score, snippet, **metadata, duplicates=duplicates)


HIT_METADATA = {
    "source": "",
    "url": "",
    "date": None,
    "date_from": "file",
    "language": "",
    "words": 0,
}


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
