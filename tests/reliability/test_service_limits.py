"""`veille serve` against slow and unwanted clients: slow connections, Host names, tokens."""

from __future__ import annotations

import functools
import json
import select
import socket
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import webtest

from veille.corpus import CORPUS_DIR
from veille.indexer.build import index_paths
from veille.query import wsgi
from veille.query.serve import REQUEST_SECONDS, accepted_hosts
from veille.query.wsgi import make_app

from ..conftest import started_server, veille_command, write_articles

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


# The Host header (DNS rebinding) ---------------------------------------------------

TOKEN = "s3cret-token-for-the-tests"
HOSTS = ["localhost", "127.0.0.1", "::1", "search.intranet.example"]


@pytest.fixture
def guarded(corpus_ix):
    return webtest.TestApp(make_app(corpus_ix, allowed_hosts=HOSTS))


@pytest.mark.parametrize(
    "host",
    [
        "localhost:8080",
        "localhost",
        "127.0.0.1:80",
        "[::1]:8080",
        "[::1]",
        "Search.Intranet.Example.",
    ],
)
def test_allowed_host_names_are_answered(guarded, host):
    assert guarded.get("/search?q=Kyiv", headers={"Host": host}).json["total"] == 1


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8080",
        "localhost.evil.example",
        "127.0.0.1.nip.io:8080",
        "search.intranet.example.evil.example",
        "intranet.example",
        "localhost:http",
        "[::1",
        "user@localhost",
    ],
)
def test_other_host_names_get_400_json(guarded, host):
    for path in ("/search?q=Kyiv", "/", "/healthz", "/widget.js"):
        res = guarded.get(path, headers={"Host": host}, status=400)
        assert res.content_type == "application/json"
        assert res.json["error"].startswith("host not allowed")
    refused = guarded.options(
        "/search", headers={"Host": host, "Origin": "https://a.example"}, status=400
    )
    assert refused.json["error"].startswith("host not allowed")


def test_a_star_accepts_any_host(corpus_ix):
    app = webtest.TestApp(make_app(corpus_ix, allowed_hosts=["localhost", "*"]))
    assert app.get("/healthz", headers={"Host": "anything.example"}).json["status"] == "ok"


def test_the_module_application_accepts_loopback_names_and_those_of_the_environment(
    monkeypatch, corpus_ix
):
    monkeypatch.setenv("VEILLE_INDEX", str(corpus_ix))
    monkeypatch.delenv("VEILLE_ALLOWED_HOSTS", raising=False)
    app = webtest.TestApp(wsgi.app_from_environment())
    assert app.get("/healthz", headers={"Host": "127.0.0.1:8080"}).status_int == 200
    app.get("/healthz", headers={"Host": "search.example"}, status=400)
    monkeypatch.setenv("VEILLE_ALLOWED_HOSTS", "search.example, other.example")
    app = webtest.TestApp(wsgi.app_from_environment())
    for host in ("search.example", "other.example:443", "localhost:8080"):
        assert app.get("/healthz", headers={"Host": host}).status_int == 200
    app.get("/healthz", headers={"Host": "third.example"}, status=400)


def test_serve_accepts_its_own_address_and_loopback_names_by_default(corpus_ix):
    with started_server(corpus_ix, veille=veille_command()) as server:
        port = port_of(server.address)
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            assert get(f"{server.address}/healthz", {"Host": host})[0] == 200
        status, headers, body = get(
            f"{server.address}/search?q=Kyiv", {"Host": f"evil.example:{port}"}
        )
        assert status == 400 and headers["Content-Type"].startswith("application/json")
        assert json.loads(body) == {"error": f"host not allowed: evil.example:{port}"}
        assert "Host names accepted: localhost, 127.0.0.1, ::1 " in server.log[1]


def test_serve_takes_more_host_names_one_flag_each(corpus_ix):
    options = ["--allowed-host", "a.example", "--allowed-host", "B.example"]
    with started_server(corpus_ix, *options, veille=veille_command()) as server:
        for host in ("a.example", "b.example:8443", "localhost"):
            assert get(f"{server.address}/healthz", {"Host": host})[0] == 200
        assert get(f"{server.address}/healthz", {"Host": "c.example"})[0] == 400
        assert "localhost, 127.0.0.1, ::1, a.example, b.example (" in server.log[1]


def test_listening_on_every_address_also_accepts_this_machines_names():
    assert accepted_hosts("192.0.2.7", ["Search.Example"]) == [
        "localhost",
        "127.0.0.1",
        "::1",
        "192.0.2.7",
        "search.example",
    ]
    everywhere = accepted_hosts("0.0.0.0")
    assert {"localhost", socket.gethostname().lower(), socket.getfqdn().lower()} <= set(everywhere)
    assert accepted_hosts("::", ["a.example", "*"]) is None


# The shared token ---------------------------------------------------------------------


@pytest.fixture
def locked(corpus_ix):
    return webtest.TestApp(
        make_app(corpus_ix, cors_origins=["https://intranet.example"], token=TOKEN)
    )


@pytest.mark.parametrize("path", ["/search?q=Kyiv", "/", "/suggest?prefix=zapo", "/doc?path=x"])
def test_without_the_token_requests_get_401_and_with_a_wrong_one_403(locked, path):
    missing = locked.get(path, status=401)
    assert missing.json == {"error": "this service needs a token: send it in X-Veille-Token"}
    for wrong in (TOKEN[:-1], TOKEN + "x", TOKEN.upper(), "é"):
        res = locked.get(path, headers={"X-Veille-Token": wrong}, status=403)
        assert res.json == {"error": "wrong token in X-Veille-Token"}


def test_with_the_token_requests_are_answered(locked):
    res = locked.get("/search?q=Kyiv", headers={"X-Veille-Token": TOKEN})
    assert res.json["total"] == 1


def test_health_and_the_widget_need_no_token(locked):
    assert locked.get("/healthz").json["status"] == "ok"
    assert "X-Veille-Token" in locked.get("/widget.js").text
    assert locked.get("/style.css").status_int == 200


def test_the_preflight_lets_the_widget_send_the_token(locked):
    res = locked.options(
        "/search",
        headers={
            "Origin": "https://intranet.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-veille-token",
        },
    )
    assert res.status_int == 204
    assert "x-veille-token" in res.headers["Access-Control-Allow-Headers"].lower()


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read the token"),
        ("", "the token file is empty"),
        ("\n\n", "the token file is empty"),
        ("short\n", "at least 16 characters"),
        ("two words in one token file\n", "no spaces"),
        ("jeton-secret-très-long\n", "printable ASCII"),
    ],
)
def test_a_bad_token_file_is_one_usage_error(run, tmp_path, content, message):
    path = tmp_path / "token"
    if content is not None:
        path.write_text(content, "utf-8")
    result = run("serve", "--token-file", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert "Invalid value for '--token-file'" in lines[-1] and message in lines[-1]
    assert "Traceback" not in result.stderr


def test_the_token_file_can_come_from_the_environment(run, tmp_path):
    (tmp_path / "token").write_text("x\n", "utf-8")
    result = run("serve", env={"VEILLE_TOKEN_FILE": str(tmp_path / "token")})
    assert result.exit_code == 2 and "at least 16 characters" in result.stderr


def test_serve_with_a_token_file_wants_the_token(corpus_ix, tmp_path):
    (tmp_path / "token").write_text(TOKEN + "\n", "ascii")
    options = ["--token-file", str(tmp_path / "token")]
    with started_server(corpus_ix, *options, veille=veille_command()) as server:
        assert get(f"{server.address}/search?q=Kyiv")[0] == 401
        status, _, body = get(f"{server.address}/search?q=Kyiv", {"X-Veille-Token": TOKEN})
        assert status == 200 and json.loads(body)["total"] == 1
        assert get(f"{server.address}/healthz")[0] == 200


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def page_server(tmp_path):
    """Another origin, serving the intranet page that embeds the widget."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_the_widget_sends_its_data_token(corpus_ix, page_server, tmp_path_factory):
    from ..test_live import BROWSER_ARGS, CHROMIUM, browser_or_skip

    sync_playwright = browser_or_skip()
    root, origin = page_server
    token_file = tmp_path_factory.mktemp("secret") / "token"
    token_file.write_text(TOKEN, "ascii")
    options = ["--cors-origin", origin, "--token-file", str(token_file)]
    with started_server(corpus_ix, *options, veille=veille_command()) as server:
        for name, attribute in (("with.html", f' data-token="{TOKEN}"'), ("without.html", "")):
            (root / name).write_text(
                "<!doctype html><html lang=fr><head><meta charset=utf-8><title>I</title></head>"
                f'<body><div id=search></div><script src="{server.address}/widget.js" '
                f'data-target="#search"{attribute}></script></body></html>',
                "utf-8",
            )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                page = browser.new_page()
                page.goto(f"{origin}/with.html")
                page.get_by_role("searchbox").fill("Zaporizhia")
                page.get_by_text("1 résultat.").wait_for()  # a French page: a French widget
                assert page.locator("#search li").count() == 1
                page.goto(f"{origin}/without.html")
                page.get_by_role("searchbox").fill("Zaporizhia")
                page.get_by_text("this service needs a token").wait_for()
                assert page.locator("#search li").count() == 0
            finally:
                browser.close()


# CORS, page and limit over HTTP --------------------------------------------------------


@pytest.fixture
def cors(corpus_ix):
    return webtest.TestApp(make_app(corpus_ix, cors_origins=["https://intranet.example"]))


@pytest.mark.parametrize(
    "origin",
    [
        "https://intranet.example.evil.com",
        "https://intranet.exampl",
        "https://intranet.example:8443",
        "http://intranet.example",
        "https://evil.intranet.example",
        "null",
    ],
)
def test_look_alike_origins_are_refused(cors, origin):
    res = cors.get("/search?q=Kyiv", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in res.headers
    assert res.headers["Vary"] == "Origin"
    preflight = cors.options(
        "/search", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}, status=403
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_answers_that_depend_on_the_origin_say_so(cors):
    """A cache must not give a page of another origin the answer made for none (or the reverse)."""
    for headers in ({}, {"Origin": "https://intranet.example"}, {"Origin": "https://x.example"}):
        for path in ("/search?q=Kyiv", "/healthz", "/search"):
            res = cors.get(path, headers=headers, expect_errors=True)
            assert res.headers["Vary"] == "Origin", (path, headers)


def test_the_largest_limit_and_page_are_accepted_and_one_more_refused(cors):
    assert cors.get("/search", {"q": "Kyiv", "limit": 100}).json["total"] == 1
    last = cors.get("/search", {"q": "Kyiv", "limit": 100, "page": 100}).json
    assert last["total"] == 1 and last["hits"] == []
    for name in ("limit", "page"):
        res = cors.get("/search", {"q": "Kyiv", name: 101}, status=400)
        assert res.json == {"error": f"{name} must be a whole number from 1 to 100"}
    assert cors.get("/", {"q": "Kyiv", "limit": 100, "page": 100}).status_int == 200


@pytest.fixture(scope="module")
def thirty(tmp_path_factory) -> Path:
    """Thirty articles that all name Odessa, each as often as its number, with words of its own."""
    docs = tmp_path_factory.mktemp("thirty")
    write_articles(
        docs,
        {
            f"a{i:02d}.txt": f"Article {i}\n"
            + "Odessa port. " * i
            + " ".join(f"mot{i}x{j}" for j in range(30))
            for i in range(1, 31)
        },
    )
    index_paths(docs / "ix", [docs])
    return docs / "ix"


@pytest.mark.parametrize("limit, page", [(7, 1), (7, 2), (7, 4), (10, 3), (4, 8)])
def test_page_n_is_the_nth_slice_of_the_whole_ranking(thirty, limit, page):
    app = webtest.TestApp(make_app(thirty))
    everything = app.get("/search", {"q": "Odessa", "limit": 100, "collapse": 0}).json
    assert everything["total"] == 30
    ranking = [h["path"] for h in everything["hits"]]
    res = app.get("/search", {"q": "Odessa", "limit": limit, "page": page, "collapse": 0}).json
    assert [h["path"] for h in res["hits"]] == ranking[(page - 1) * limit : page * limit]
