"""`veille serve` against slow and unwanted clients: slow connections, Host names, tokens."""

from __future__ import annotations

import json
import select
import socket
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from veille.corpus import CORPUS_DIR
from veille.indexer.build import index_paths
from veille.query.serve import REQUEST_SECONDS

from ..conftest import started_server, veille_command

SLOW_CLIENTS = 120


@pytest.fixture(scope="module")
def corpus_ix(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("service") / "ix"
    index_paths(directory, [CORPUS_DIR])
    return directory


def get(url: str, headers: dict | None = None, timeout: float = 10):
    """Status, headers and body of a GET; HTTP errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def port_of(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def is_closed(conn: socket.socket) -> bool:
    """True when the server has closed this connection (without waiting for it)."""
    readable, _, _ = select.select([conn], [], [], 0)
    if not readable:
        return False
    try:
        return conn.recv(1) == b""
    except ConnectionError:
        return True


def trickle(conns: list[socket.socket]) -> None:
    """Send one more header line on each connection the server still holds open."""
    for conn in conns:
        try:
            conn.sendall(b"X-Slow: a\r\n")
        except ConnectionError:
            pass


def test_slow_clients_leave_healthz_answering_and_are_disconnected(corpus_ix):
    with started_server(corpus_ix, veille=veille_command()) as server, ExitStack() as stack:
        port = port_of(server.address)
        slow = []
        for _ in range(SLOW_CLIENTS):  # each starts a request and never finishes it
            conn = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(conn)
        for _ in range(3):  # rounds of trickling, /healthz asked in between
            trickle(slow)
            status, _, body = get(f"{server.address}/healthz")
            assert status == 200 and json.loads(body)["status"] == "ok"
        # a request that takes longer than REQUEST_SECONDS to arrive loses its connection
        deadline = time.monotonic() + REQUEST_SECONDS + 60  # generous, for a busy machine
        while not all(is_closed(c) for c in slow) and time.monotonic() < deadline:
            trickle(slow)
            time.sleep(0.5)
        assert all(is_closed(c) for c in slow)
        assert get(f"{server.address}/healthz")[0] == 200
