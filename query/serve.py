"""Running the search service on waitress, with one log line per request."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from .wsgi import SearchApp, make_app

log = logging.getLogger("veille.access")


class RequestLog:
    """WSGI middleware that logs method, path, status, size and time of each request."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            seen["size"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        body = self.app(environ, recording_start_response)
        query = environ.get("QUERY_STRING")
        target = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
        log.info(
            '%s "%s %s" %s %s %.1fms',
            environ.get("REMOTE_ADDR", "-"),
            environ.get("REQUEST_METHOD"),
            target[:300],
            seen.get("status", "-"),
            seen.get("size", "-"),
            (time.perf_counter() - started) * 1000,
        )
        return body


def serve(
    index_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8080,
    threads: int = 4,
    cors_origins: Iterable[str] = (),
) -> None:
    """Serve until interrupted. Prints the address it listens on to stderr."""
    from waitress import create_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    app: SearchApp = make_app(index_dir, cors_origins)
    server = create_server(
        RequestLog(app),
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=1024,
        max_request_header_size=16384,
        ident="veille",
    )
    address = f"http://{host}:{server.effective_port}"
    print(
        f"veille: serving {index_dir} on {address}/ (Ctrl-C to stop)", file=sys.stderr, flush=True
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
