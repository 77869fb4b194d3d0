"""Running the search service on waitress, with one log line per request."""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .limits import SERVER_SEARCH_SECONDS, SERVER_SEARCH_THREADS
from .wsgi import LOOPBACK_HOSTS, SearchApp, make_app

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


WILDCARD_HOSTS = ("", "0.0.0.0", "::")


def accepted_hosts(listen_host: str, allowed: Iterable[str] = ()) -> list[str] | None:
    """The Host names the service answers: the address it listens on, the loopback names,
    this machine's names when it listens on every address, and ``allowed``; None for any."""
    allowed = list(allowed)
    if "*" in allowed:
        return None
    names = [*LOOPBACK_HOSTS, listen_host.strip("[]")]
    if listen_host in WILDCARD_HOSTS:
        names += [socket.gethostname(), socket.getfqdn()]
    return list(dict.fromkeys(n.lower() for n in [*names, *allowed] if n))


def serve(
    index_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8080,
    threads: int = SERVER_SEARCH_THREADS,
    cors_origins: Iterable[str] = (),
    workers: int = 1,
    allowed_hosts: Iterable[str] = (),
    token: str | None = None,
    time_limit: float = SERVER_SEARCH_SECONDS,
    public_url: str = "",
) -> None:
    """Serve until interrupted. Prints the address it listens on to stderr.

    With ``workers`` > 1 that many processes (forked, each with its own searchers)
    answer: Python runs one thread at a time per process, so this is how a search
    server uses several cores. Each has its own listening socket on the port
    (SO_REUSEPORT), among which the system shares new connections evenly; on one
    shared socket, whichever process woke first took them, and a burst of
    connections kept alive could all land on one process, leaving a core idle.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    own_sockets = workers > 1 and hasattr(socket, "SO_REUSEPORT")
    sock = (
        _port_holder(host, port)
        if own_sockets
        else socket.create_server((host, port), backlog=1024)
    )
    bound_port = sock.getsockname()[1]
    address = f"http://{host}:{bound_port}"
    hosts = accepted_hosts(host, allowed_hosts)
    build_app = functools.partial(
        make_app,
        index_dir,
        cors_origins,
        hosts,
        token,
        time_limit,
        search_slots=threads,
        public_url=public_url,
    )
    if workers <= 1:
        _announce(index_dir, address, workers, hosts, token)
        _run(sock, build_app, threads)
        return
    signal.signal(signal.SIGTERM, _interrupt)
    ready_read, ready_write = os.pipe()
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: serve until the parent stops it
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.close(ready_read)
            code = 0
            try:
                if own_sockets:
                    sock.close()
                    sock = socket.create_server((host, bound_port), backlog=1024, reuse_port=True)
                os.write(ready_write, b".")
                os.close(ready_write)
                _run(sock, build_app, threads)
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    os.close(ready_write)
    try:
        if _all_ready(ready_read, workers):
            _announce(index_dir, address, workers, hosts, token)
            os.wait()  # returns when a worker dies; SIGTERM and Ctrl-C raise KeyboardInterrupt
        else:
            raise OSError("a worker process could not open its socket")
    except KeyboardInterrupt:
        pass
    finally:
        os.close(ready_read)
        _stop(children)


def _port_holder(host: str, port: int) -> socket.socket:
    """A socket bound to the port, not listening: it takes the port (``--port 0`` picks
    one; a port in use is refused, as for one process) and lets the workers' own
    listening sockets join it (SO_REUSEPORT, set once bound)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    except OSError:
        sock.close()
        raise
    return sock


def _all_ready(ready_read: int, workers: int) -> bool:
    """Whether every worker said it listens (each writes one byte; a dead one, none)."""
    got = 0
    while got < workers:
        data = os.read(ready_read, workers)
        if not data:
            return False
        got += len(data)
    return True


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop(children: list[int]) -> None:
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for pid in children:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _announce(index_dir, address, workers: int, hosts: list[str] | None, token) -> None:
    """The lines that say where the service listens and whom it answers (stderr)."""
    plural = f" with {workers} worker processes" if workers > 1 else ""
    print(f"veille: serving {index_dir} on {address}/{plural} (Ctrl-C to stop)", file=sys.stderr)
    accepting = ", ".join(hosts) if hosts is not None else "any"
    print(f"veille: Host names accepted: {accepting} (add with --allowed-host)", file=sys.stderr)
    if token:
        print("veille: requests must carry the token in X-Veille-Token", file=sys.stderr)
    sys.stderr.flush()


def _guarded_channel():
    """waitress's HTTP channel, answering in JSON and timing how long a request takes to arrive.

    waitress rejects some requests before the application sees them (a start
    line it cannot parse, headers over 16 KiB, a body over 1 KiB) with a
    text/plain body; every other error of the service is JSON, so these are too.
    Each channel also notes when the request it is reading began (its first
    byte, or the connection for the first request), for ``_close_slow_requests``.
    """
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    class JsonErrorTask(ErrorTask):
        def execute(self):
            error = self.request.error
            message = f"{error.reason.lower()}: {error.body}" if error.body else error.reason
            body = json.dumps({"error": message}).encode("utf-8")
            self.status = f"{error.code} {error.reason}"
            self.response_headers.extend(
                [
                    ("Content-Type", "application/json; charset=utf-8"),
                    ("X-Content-Type-Options", "nosniff"),
                ]
            )
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class GuardedChannel(HTTPChannel):
        error_task_class = JsonErrorTask

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.request_began = self.creation_time
            self.first_request = True  # the connection's first request counts from its opening

        def received(self, data):
            was_reading = self.request is not None or self.first_request
            result = super().received(data)
            if data:
                self.first_request = False
            if self.request is not None and not was_reading:
                self.request_began = time.time()
            return result

        def awaits_request(self) -> bool:
            """True while a request is expected: the first one, or one partly received."""
            return not self.requests and (self.request is not None or self.first_request)

    return GuardedChannel


def _close_slow_requests(channels: Iterable, now: float) -> None:
    """Close each connection whose request has not fully arrived REQUEST_SECONDS after it began."""
    cutoff = now - REQUEST_SECONDS
    for channel in channels:
        if channel.awaits_request() and channel.request_began < cutoff:
            channel.will_close = True


MAX_HEADER_BYTES = 16384
MAX_BODY_BYTES = 1024
CONNECTION_LIMIT = 2000  # open connections; more wait in the listen backlog (1024)
REQUEST_SECONDS = 10  # to send a whole request, from its first byte (or from connecting)
IDLE_SECONDS = 30  # a kept-alive connection with no request is closed after this
CLEANUP_SECONDS = 1  # how often connections are checked against the two limits above
FILES_KEPT = 256  # descriptors kept for the index's files, the log and the like
RESERVED_THREADS = 2  # threads beyond --threads, never searching: /healthz, assets, 503s


def connection_limit() -> int:
    """CONNECTION_LIMIT, or fewer when the system lets this process open too few files.

    The soft limit on open files is first raised as far as the hard limit allows.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return CONNECTION_LIMIT
    wanted = CONNECTION_LIMIT + FILES_KEPT
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft == resource.RLIM_INFINITY:
        return CONNECTION_LIMIT
    return max(100, min(CONNECTION_LIMIT, soft - FILES_KEPT))


def _run(sock: socket.socket, build_app: Callable[[], SearchApp], threads: int) -> None:
    """Answer on ``sock`` with the application ``build_app`` makes (in this process)."""
    server = make_server(sock, build_app(), threads)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()


def make_server(sock: socket.socket, app: SearchApp, threads: int):
    """A waitress server answering on ``sock`` with ``app``, its limits set: ``threads``
    for searches (the app's search slots) and RESERVED_THREADS more for the rest."""
    from waitress import create_server

    server = create_server(
        RequestLog(app),
        sockets=[sock],
        # Threads kept from searches (search_slots) answer /healthz and the assets
        # while every search slot is busy.
        threads=threads + RESERVED_THREADS,
        max_request_body_size=MAX_BODY_BYTES,
        max_request_header_size=MAX_HEADER_BYTES,
        connection_limit=connection_limit(),
        channel_timeout=IDLE_SECONDS,
        cleanup_interval=CLEANUP_SECONDS,
        asyncore_use_poll=True,  # select() fails past 1,024 descriptors
        ident="veille",
    )
    server.channel_class = _guarded_channel()
    idle_maintenance = server.maintenance

    def maintenance(now: float) -> None:
        idle_maintenance(now)
        _close_slow_requests(server.active_channels.values(), now)

    server.maintenance = maintenance
    return server
