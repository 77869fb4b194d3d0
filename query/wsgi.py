"""The search service: a plain WSGI (PEP 3333) application, read-only.

    GET /                 search page, server-rendered (?q=, &page=, &limit=, &source=,
                          &since=, &until=; &lang=en|fr, else the browser's language)
    GET /search?q=        JSON results, the shape of `veille search --json` plus took_ms
                          (&since=, &until= YYYY-MM-DD; &source=; &sort=date; &facets=0;
                          &collapse=0; &fuzzy=1; &match=all)
    GET /doc?path=        one indexed document (from the index, never from the disk),
                          a long one in parts of DOC_PART_CHARS (&part=)
    GET /related?id=      JSON: the stories most like a document (&limit=)
    GET /suggest?prefix=  JSON: indexed words completing the last word typed
    GET /widget.js        the embeddable search widget
    GET /style.css        the page's style sheet
    GET /healthz          document count and last update
    OPTIONS any           CORS preflight

``make_app(index_dir, cors_origins, allowed_hosts, token)`` builds an application;
the module-level ``application`` is configured from the environment (VEILLE_INDEX,
VEILLE_CORS_ORIGINS, VEILLE_ALLOWED_HOSTS, VEILLE_TOKEN_FILE), for
``gunicorn veille.query.wsgi:application``.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs

from veille.indexer.locations import INDEX_ENV, default_index_dir
from veille.indexer.store import StoreError, whole_body

from . import pages
from .limits import MAX_QUERY_CHARS, MAX_QUERY_STRING, SERVER_SEARCH_SECONDS
from .limits import SERVER_MAX_LIMIT as MAX_LIMIT
from .limits import SERVER_MAX_PAGE as MAX_PAGE
from .matching import MATCH_MODES
from .parser import QueryError, parse_query
from .public import PUBLIC_URL_ENV, PublicPaths
from .related import UnknownDocument, related
from .search import SORTS, Options, SearchResult, run_search
from .searchers import SearcherPool
from .snippets import mark_all
from .suggest import COMPLETIONS, completions, searcher_vocabulary

log = logging.getLogger("veille.server")

CORS_ENV = "VEILLE_CORS_ORIGINS"
HOSTS_ENV = "VEILLE_ALLOWED_HOSTS"
TOKEN_ENV = "VEILLE_TOKEN_FILE"
TOKEN_HEADER = "X-Veille-Token"
MIN_TOKEN_CHARS = 16
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
DEFAULT_LIMIT = 10
SLOT_WAIT_SECONDS = 1.0  # a search waits this long for a free slot, then gets 503
MAX_WARNED_ORIGINS = 100  # refused origins logged, at most (a bound on the log's growth)
MAX_COMPLETIONS = 20
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ASSETS = {
    "/widget.js": ("widget.js", "application/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}
OPEN_PATHS = frozenset({"/healthz", *ASSETS})  # answered without the token
HTML_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

StartResponse = Callable[..., object]


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


_REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    414: "URI Too Long",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _asset(name: str) -> bytes:
    data = resources.files("veille.query").joinpath("assets", name).read_bytes()
    if name == "widget.js":  # the labels of every language, from assets/labels.json
        labels = json.dumps(pages.all_labels(), ensure_ascii=False).replace("</", "<\\/")
        encoded = labels.encode("utf-8")
        data = re.sub(rb"/\*LABELS\*/.*?/\*END\*/", lambda _: encoded, data, count=1)
    return data


def host_name(header: str) -> str | None:
    """The name in a Host header, lower-cased, without port, brackets or final dot.

    None when the header is not a name with an optional port.
    """
    name, port = header, ""
    if header.startswith("["):  # an IPv6 address: [::1]:8080
        name, bracket, rest = header[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port = rest[1:]
    elif ":" in header:
        name, port = header.rsplit(":", 1)
        if not port:
            return None
    if (port and not port.isdigit()) or not name or any(c in name for c in " /@\\"):
        return None
    return name.rstrip(".").lower()


def read_token(path: Path | str) -> str:
    """The shared token in the file at ``path``: one line of at least 16 printable ASCII
    characters. Raises ValueError with a message to show otherwise."""
    try:
        token = Path(path).read_text("ascii").strip()
    except UnicodeDecodeError:
        raise ValueError(f"{path}: the token must be printable ASCII") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the token: {exc.strerror or exc}") from None
    if not token:
        raise ValueError(f"{path}: the token file is empty")
    if not all("!" <= c <= "~" for c in token):
        raise ValueError(f"{path}: the token must be one line of printable ASCII, no spaces")
    if len(token) < MIN_TOKEN_CHARS:
        raise ValueError(f"{path}: the token must have at least {MIN_TOKEN_CHARS} characters")
    return token


class SearchApp:
    """The WSGI application. Thread-safe: each thread keeps its own searcher.

    ``allowed_hosts``: the names a request's Host header may give (any port);
    None or ``*`` among them accept any. ``token``: when set, every request but
    /healthz and the widget's files must carry it in the X-Veille-Token header.
    """

    def __init__(
        self,
        index_dir: Path,
        cors_origins: Iterable[str] = (),
        allowed_hosts: Iterable[str] | None = None,
        token: str | None = None,
    ):
        self.index_dir = Path(index_dir)
        self.pool = SearcherPool(self.index_dir)
        self.time_limit = SERVER_SEARCH_SECONDS  # each request's budget (see query/budget.py)
        self.public_url = ""  # where the indexed folder's files are published, if anywhere
        self._warned_origins: set[str] = set()  # refused origins already logged
        # Searches running at once (the server's threads but those kept for /healthz and
        # the assets); None: no bound (an application not run by `veille serve`).
        self.search_slots: threading.BoundedSemaphore | None = None
        self.cors_origins = frozenset(o.rstrip("/") for o in cors_origins if o)
        self.allowed_hosts = _host_set(allowed_hosts)
        self.token = token.encode("ascii") if token else None
        self.assets = {path: (_asset(name), ctype) for path, (name, ctype) in ASSETS.items()}

    # WSGI entry point -------------------------------------------------------

    def __call__(self, environ: dict, start_response: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        cors = self._cors_headers(environ)
        try:
            self._check_host(environ)
            if len(environ.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
                raise HTTPError(414, f"query string longer than {MAX_QUERY_STRING} bytes")
            if method == "OPTIONS":
                return self._preflight(environ, start_response, cors)
            if method not in ("GET", "HEAD"):
                raise HTTPError(405, f"method {method} not allowed", [("Allow", ALLOWED_METHODS)])
            self._check_token(environ)
            status, headers, body = self._route(environ)
        except HTTPError as exc:
            status, headers, body = _json(exc.status, {"error": exc.message})
            headers += exc.headers
        except Exception:
            log.exception("error answering %s %s", method, environ.get("PATH_INFO"))
            status, headers, body = _json(500, {"error": "internal server error"})
        headers += cors + [("X-Content-Type-Options", "nosniff")]
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {_REASONS.get(status, '')}".strip(), headers)
        return [b"" if method == "HEAD" else body]

    # routing --------------------------------------------------------------------

    def _route(self, environ: dict) -> tuple[int, list[tuple[str, str]], bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path in self.assets:
            body, ctype = self.assets[path]
            return 200, [("Content-Type", ctype), ("Cache-Control", "public, max-age=300")], body
        if path == "/healthz":
            return self.health()
        with self._search_slot():
            return self._answer(path, environ)

    @contextmanager
    def _search_slot(self):
        """Hold one of the search slots, or answer 503 when none frees up in time."""
        if self.search_slots is None:
            yield
            return
        if not self.search_slots.acquire(timeout=SLOT_WAIT_SECONDS):
            raise HTTPError(503, "the server is busy: try again", [("Retry-After", "1")])
        try:
            yield
        finally:
            self.search_slots.release()

    def _answer(self, path: str, environ: dict) -> tuple[int, list[tuple[str, str]], bytes]:
        params = _params(environ)
        if path == "/search":
            return _json(200, self.search_json(params))
        if path == "/":
            return self.search_html(params, _view(environ, params))
        if path == "/doc":
            return self.document_html(params, _view(environ, params))
        if path == "/suggest":
            return _json(200, self.suggest_json(params))
        if path == "/related":
            return _json(200, self.related_json(params))
        raise HTTPError(404, f"no such page: {path}")

    # handlers -------------------------------------------------------------------

    def search_json(self, params: dict[str, str]) -> dict:
        query = params.get("q", "")
        if not query.strip():
            raise HTTPError(400, "missing query: add ?q=...")
        limit = _int_param(params, "limit", DEFAULT_LIMIT, MAX_LIMIT)
        page = _int_param(params, "page", 1, MAX_PAGE)
        result, took = self._search(query, limit, page, _search_options(params))
        return {**result.as_json(), "took_ms": round(took, 2)}

    def suggest_json(self, params: dict[str, str]) -> dict:
        prefix = params.get("prefix", "")
        if not prefix.strip():
            raise HTTPError(400, "missing prefix: add ?prefix=...")
        if len(prefix) > MAX_QUERY_CHARS:
            raise HTTPError(400, f"prefix too long (at most {MAX_QUERY_CHARS} characters)")
        limit = _int_param(params, "limit", COMPLETIONS, MAX_COMPLETIONS)
        started = time.perf_counter()
        current = self._current()
        words = completions(searcher_vocabulary(current.searcher), prefix, limit, current.analyzer)
        took = (time.perf_counter() - started) * 1000
        return {"prefix": prefix, "completions": words, "took_ms": round(took, 2)}

    def related_json(self, params: dict[str, str]) -> dict:
        key = params.get("id", "")
        if not key:
            raise HTTPError(400, "missing document: add ?id= (a path a search returned)")
        limit = _int_param(params, "limit", DEFAULT_LIMIT, MAX_LIMIT)
        started = time.perf_counter()
        current = self._current()
        paths = self._paths(current)
        try:
            result = related(current.searcher, paths.private(key), limit, self.time_limit)
        except UnknownDocument:
            message = f"no document {key!r} in the index (use a path a search returned)"
            raise HTTPError(404, message) from None
        result.id = paths.public(result.id)
        result.hits = [paths.hit(hit) for hit in result.hits]
        took = (time.perf_counter() - started) * 1000
        return {**result.as_json(), "took_ms": round(took, 2)}

    def search_html(self, params: dict[str, str], view: pages.View):
        query = params.get("q", "")
        result = error = took = None
        status = 200
        if query.strip():
            try:
                limit = _int_param(params, "limit", DEFAULT_LIMIT, MAX_LIMIT)
                page = _int_param(params, "page", 1, MAX_PAGE)
                result, took = self._search(query, limit, page, _search_options(params))
            except HTTPError as exc:
                status, error = exc.status, exc.message
        html = pages.search_page(query, result, error, took, view)
        return status, _html_headers(), html.encode("utf-8")

    def document_html(self, params: dict[str, str], view: pages.View):
        path = params.get("path", "")
        if not path:
            raise HTTPError(400, "missing document: add ?path=...")
        current = self._current()
        paths = self._paths(current)
        docnum = current.searcher.document_number(path=paths.private(path))
        if docnum is None:
            raise HTTPError(404, "no such document in the index")
        fields = dict(current.searcher.stored_fields(docnum))
        fields["url"] = paths.url(fields["path"], fields.get("url") or "")
        fields["path"] = paths.public(fields["path"])
        whole = whole_body(current.searcher.reader(), docnum, fields)
        starts = pages.part_starts(whole)
        part = _int_param(params, "part", 1, len(starts))
        end = starts[part] if part < len(starts) else len(whole)
        text = whole[starts[part - 1] : end]
        query = params.get("q", "")
        body = [(text, False)]
        if query.strip():
            try:
                q = parse_query(query, current.analyzer)
                terms = {text for field, text in q.iter_all_terms() if field == "body"}
                body = mark_all(text, current.analyzer, terms)
            except QueryError:
                pass
        html = pages.document_page(fields, body, query, view, (part, len(starts)))
        return 200, _html_headers(), html.encode("utf-8")

    def health(self):
        try:
            current = self._current()
        except HTTPError as exc:
            return _json(503, {"status": "unavailable", "error": exc.message})
        modified = current.ix.last_modified()
        return _json(
            200,
            {
                "status": "ok",
                "documents": current.searcher.doc_count(),
                "last_update": datetime.fromtimestamp(modified, timezone.utc).isoformat(
                    timespec="seconds"
                ),
            },
        )

    # helpers ----------------------------------------------------------------

    def _current(self):
        try:
            return self.pool.current()
        except StoreError as exc:
            raise HTTPError(503, str(exc)) from None

    def _paths(self, current) -> PublicPaths:
        """How this commit's documents are named to readers (see query/public.py)."""
        return PublicPaths.of(current.searcher, self.public_url)

    def _search(
        self, query: str, limit: int, page: int, options: Options
    ) -> tuple[SearchResult, float]:
        started = time.perf_counter()
        current = self._current()
        try:
            result = run_search(
                current.searcher,
                current.analyzer,
                query,
                limit,
                page,
                time_limit=self.time_limit,
                options=options,
            )
        except QueryError as exc:
            raise HTTPError(400, str(exc)) from None
        paths = self._paths(current)
        result.hits = [paths.hit(hit) for hit in result.hits]
        return result, (time.perf_counter() - started) * 1000

    def _check_host(self, environ: dict) -> None:
        """Refuse a Host header naming another host (DNS rebinding); a missing one is let by."""
        if self.allowed_hosts is None or "HTTP_HOST" not in environ:
            return
        header = environ["HTTP_HOST"]
        if host_name(header) not in self.allowed_hosts:
            raise HTTPError(400, f"host not allowed: {header[:100]}")

    def _check_token(self, environ: dict) -> None:
        """Refuse a request without the shared token, unless it asks for an open path."""
        if self.token is None or (environ.get("PATH_INFO") or "/") in OPEN_PATHS:
            return
        given = environ.get("HTTP_X_VEILLE_TOKEN")
        if not given:
            raise HTTPError(401, f"this service needs a token: send it in {TOKEN_HEADER}")
        if not hmac.compare_digest(given.encode("latin-1"), self.token):
            raise HTTPError(403, f"wrong token in {TOKEN_HEADER}")

    def _cors_headers(self, environ: dict) -> list[tuple[str, str]]:
        """CORS headers for this Origin; Vary: Origin whenever the answer depends on it."""
        if not self.cors_origins:
            return []
        if "*" in self.cors_origins:
            return [("Access-Control-Allow-Origin", "*")]
        origin = environ.get("HTTP_ORIGIN")
        if origin and origin.rstrip("/") in self.cors_origins:
            return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        if origin:
            self._warn_refused(origin)
        return [("Vary", "Origin")]

    def _warn_refused(self, origin: str) -> None:
        """Log once per origin that its pages cannot search, and how to allow them: the
        browser hides the reason from the page, so the admin reads it here."""
        if origin in self._warned_origins or len(self._warned_origins) >= MAX_WARNED_ORIGINS:
            return
        self._warned_origins.add(origin)
        shown = re.sub(r"[^\x21-\x7e]", "?", origin[:200])  # an origin is ASCII
        log.warning(
            "refused a request from pages of %s (not an allowed origin): "
            "allow them with --cors-origin %s",
            shown,
            shown,
        )

    def _preflight(self, environ: dict, start_response: StartResponse, cors) -> list[bytes]:
        allowed = any(name == "Access-Control-Allow-Origin" for name, _ in cors)
        if environ.get("HTTP_ORIGIN") and not allowed:
            status, headers, body = _json(403, {"error": "origin not allowed"})
        else:
            status, headers, body = 204, [], b""
            if allowed:
                headers += [
                    ("Access-Control-Allow-Methods", "GET, HEAD"),
                    ("Access-Control-Max-Age", "600"),
                ]
                requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
                if requested:
                    headers.append(("Access-Control-Allow-Headers", requested[:200]))
            headers.append(("Allow", ALLOWED_METHODS))
        headers += cors + [("X-Content-Type-Options", "nosniff")]
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {_REASONS[status]}", headers)
        return [body]


def _params(environ: dict) -> dict[str, str]:
    try:
        # PEP 3333 hands over the raw bytes as latin-1; they must be UTF-8.
        raw = environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8")
        parsed = parse_qs(raw, keep_blank_values=True, errors="strict", max_num_fields=20)
    except (UnicodeError, ValueError) as exc:
        reason = "not valid UTF-8" if isinstance(exc, UnicodeError) else str(exc)
        raise HTTPError(400, f"bad query string: {reason}") from None
    params = {}
    for name, values in parsed.items():
        if len(values) > 1:
            raise HTTPError(400, f"parameter {name!r} given more than once")
        if "\x00" in values[0]:
            raise HTTPError(400, f"parameter {name!r} holds a NUL character")
        params[name] = values[0]
    return params


def _view(environ: dict, params: dict[str, str]) -> pages.View:
    """A page's language (``?lang=``, else the browser's), mount point and filters."""
    lang = pages.choose_language(params.get("lang", ""), environ.get("HTTP_ACCEPT_LANGUAGE", ""))
    filters = {k: params[k] for k in ("source", "since", "until") if params.get(k)}
    return pages.View(lang, environ.get("SCRIPT_NAME", ""), filters)


def _search_options(params: dict[str, str]) -> Options:
    """since, until (YYYY-MM-DD), source, sort (relevance or date), match (any or all),
    facets, collapse, fuzzy (0 or 1)."""
    days = {}
    for name in ("since", "until"):
        raw = params.get(name) or None
        try:
            days[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise HTTPError(400, f"{name} must be a date written YYYY-MM-DD") from None
    sort = params.get("sort") or "relevance"
    if sort not in SORTS:
        raise HTTPError(400, f"sort must be one of: {', '.join(SORTS)}")
    match = params.get("match") or "any"
    if match not in MATCH_MODES:
        raise HTTPError(400, f"match must be one of: {', '.join(MATCH_MODES)}")
    flags = {}
    for name, default in (("facets", "1"), ("collapse", "1"), ("fuzzy", "0")):
        flags[name] = params.get(name, default)
        if flags[name] not in ("0", "1"):
            raise HTTPError(400, f"{name} must be 0 or 1")
    return Options(
        days["since"],
        days["until"],
        sort,
        facets=flags["facets"] == "1",
        collapse=flags["collapse"] == "1",
        fuzzy=flags["fuzzy"] == "1",
        match=match,
        source=params.get("source", "")[:200],
    )


def _int_param(params: dict[str, str], name: str, default: int, maximum: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise HTTPError(400, f"{name} must be a whole number from 1 to {maximum}")
    return int(raw)


def _json(status: int, data: dict) -> tuple[int, list[tuple[str, str]], bytes]:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
    return status, headers, body


def _html_headers() -> list[tuple[str, str]]:
    return [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Security-Policy", HTML_CSP),
        ("Referrer-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]


def _host_set(names: Iterable[str] | None) -> frozenset[str] | None:
    """Allowed names as host_name gives them; None (no check) when absent or ``*`` is among them."""
    if names is None:
        return None
    names = list(names)
    if "*" in names:
        return None
    return frozenset(_allowed_name(n) for n in names)


def _allowed_name(name: str) -> str:
    """An allowed name as host_name would give it; an IPv6 address may come without brackets."""
    if name.count(":") > 1 and not name.startswith("["):
        return name.lower()
    return host_name(name) or name.lower()


def make_app(
    index_dir: Path | str | None = None,
    cors_origins: Iterable[str] = (),
    allowed_hosts: Iterable[str] | None = None,
    token: str | None = None,
    time_limit: float = SERVER_SEARCH_SECONDS,
    search_slots: int | None = None,
    public_url: str = "",
) -> SearchApp:
    """Build the application for the index at ``index_dir`` (default: the per-user index);
    ``time_limit`` is the seconds one request may take (its budget), ``search_slots`` how
    many may search at once (the others wait up to SLOT_WAIT_SECONDS, then get 503)."""
    directory = Path(index_dir) if index_dir else default_index_dir()
    app = SearchApp(directory, cors_origins, allowed_hosts, token)
    app.time_limit = time_limit
    app.public_url = public_url
    if search_slots:
        app.search_slots = threading.BoundedSemaphore(search_slots)
    return app


def app_from_environment() -> SearchApp:
    """The application as the environment configures it; Host names default to loopback ones."""
    origins = os.environ.get(CORS_ENV, "").replace(",", " ").split()
    hosts = os.environ.get(HOSTS_ENV, "").replace(",", " ").split()
    token_file = os.environ.get(TOKEN_ENV)
    token = read_token(token_file) if token_file else None
    return make_app(
        os.environ.get(INDEX_ENV) or None,
        origins,
        [*LOOPBACK_HOSTS, *hosts],
        token,
        public_url=os.environ.get(PUBLIC_URL_ENV, ""),
    )


application = app_from_environment()
