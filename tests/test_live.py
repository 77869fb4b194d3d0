"""`veille serve` as a real process on a real socket, and the widget in a real browser."""

from __future__ import annotations

import functools
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from veille.corpus import CORPUS_DIR
from veille.indexer.build import index_paths

from .conftest import DATA, corpus_plus, started_server, veille_command

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(
    os.environ.get("VEILLE_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts")
)
PAYLOADS = [
    line
    for line in (DATA / "xss-payloads.txt").read_text("utf-8").splitlines()
    if line and not line.startswith("#")
]


def xss_articles() -> dict[str, str]:
    """One article per payload, in its title and body; one more with a payload as file name."""
    articles = {  # each with words of its own, so that no two are versions of one story
        f"xss-{i:02d}.txt": f"Titre {p} piège\nCorps {p} piège {p} "
        + " ".join(f"mot{i}x{j}" for j in range(40))
        for i, p in enumerate(PAYLOADS)
    }
    articles["<img src=x onerror=alert(11)>.txt"] = "Nom de fichier piège\nCorps piège\n"
    return articles


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def page_server(tmp_path_factory):
    """A second origin that serves the intranet test page."""
    root = tmp_path_factory.mktemp("intranet")
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def live(tmp_path_factory, page_server):
    """`veille serve` on a free port, allowing the test page's origin."""
    index_dir = corpus_plus(tmp_path_factory, xss_articles())
    _, origin = page_server
    with started_server(index_dir, "--cors-origin", origin, veille=veille_command()) as server:
        yield server.address, server.log


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def eventually(condition, seconds: float = 30) -> bool:
    """Whether ``condition()`` becomes true within ``seconds`` (polled every 20 ms)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_search_over_a_real_socket(live):
    address, log = live
    status, headers, body = get(f"{address}/search?q=Zaporizhia&collapse=0")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    names = {Path(h["path"]).name for h in data["hits"]}
    assert {"carney-kyiv-visit-rivedin.txt", "carney-kyiv-visit-cbc.txt"} <= names
    status, _, body = get(f"{address}/search?q=NOT%20OR%20x")
    assert status == 200 and "hits" in json.loads(body)  # stray syntax is punctuation
    status, _, body = get(f"{address}/search?q=kiev&match=most")
    assert status == 400 and json.loads(body)["error"] == "match must be one of: any, all"
    status, _, body = get(f"{address}/widget.js/../../setup.cfg")
    assert status == 404 and b"install_requires" not in body
    # The log line is written after the answer is sent: wait for it, within a bound.
    assert eventually(lambda: any('"GET /search?q=kiev&match=most" 400' in ln for ln in log))
    assert any('"GET /search?q=Zaporizhia&collapse=0" 200' in line for line in log)


def browser_or_skip():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    return sync_playwright


def test_widget_in_a_real_browser(live, page_server):
    sync_playwright = browser_or_skip()
    address, _ = live
    root, origin = page_server
    (root / "intranet.html").write_text(
        "<!doctype html><html lang=fr><head><meta charset=utf-8><title>Intranet</title></head>"
        "<body><h1>Revue de presse</h1><div id=search></div>"
        f'<script src="{address}/widget.js" data-target="#search" data-limit="20"></script>'
        "</body></html>",
        "utf-8",
    )
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"{origin}/intranet.html")
            # the page is in French (<html lang=fr>): so is the widget
            box = page.get_by_role("searchbox", name="Rechercher")
            box.fill("Zaporizhia")  # neither article spells it so
            results = page.locator("#search li")
            results.first.wait_for()
            titles = [o.locator("a").first.inner_text() for o in results.all()]
            assert len(titles) == 1  # the two bundled articles are one story
            headlines = ("Carney rencontrera Zelenskyy", "Carney parle de garanties")
            assert titles[0].startswith(headlines)
            assert page.locator(".veille-versions").inner_text() == "+1 autre version"
            metas = page.locator(".veille-meta").all_inner_texts()
            assert any(m.startswith("cbc.ca · ") for m in metas)  # source and date under titles
            marks = page.locator(".veille-snippet mark").all_inner_texts()
            assert set(marks) & {"Zaporijia", "Zaporizhzhia"} and "Zaporizhia" not in marks
            box.press("ArrowDown")  # the arrows move through the result links
            assert page.evaluate("document.activeElement.className") == "veille-title"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "widget.png"), full_page=True)
            # markup in documents renders as text and runs nothing
            box.fill("piège")
            page.get_by_text(f"{len(PAYLOADS) + 1} résultats").wait_for()
            shown = " ".join(o.inner_text() for o in results.all())
            assert all(p in shown for p in PAYLOADS)
            assert page.locator(INJECTED.replace("*", "#search ")).count() == 0
            assert page.evaluate("window.__xss") is None
            # completions of the last word, from the index's words, most used first
            box.fill("garanties zapo")
            hints = page.locator(".veille-hint")
            hints.first.wait_for()
            assert hints.all_inner_texts()[:2] == ["Zaporijia"]  # one spelling of the place
            hints.nth(0).click()
            assert box.input_value() == "garanties Zaporijia"
            page.get_by_text("1 résultat.").wait_for()
            # did you mean, as a button that searches the corrected query, and said aloud
            box.fill("Medvdev")
            page.get_by_text(
                "Aucun résultat pour « Medvdev ». Vouliez-vous dire Medvedev ?"
            ).wait_for()
            page.get_by_role("button", name="Rechercher Medvedev").click()
            assert box.input_value() == "Medvedev"
            page.get_by_text("1 résultat.").wait_for()
            box.fill("Kharkiv")
            page.get_by_text("Aucun résultat pour « Kharkiv ».").wait_for()
            assert results.count() == 0
            box.fill("(Zaporizhia pizza ?")  # a partial match says what it lacks
            page.locator(".veille-missing s", has_text="pizza").first.wait_for()
            assert dialogs == []
        finally:
            browser.close()


INJECTED = "*img, *script, *svg, *iframe, *math, *details, *a[href^=javascript]"


def test_the_servers_own_pages_render_every_payload_as_text(live):
    """The search page and each document page: payloads shown as text, no element injected."""
    sync_playwright = browser_or_skip()
    address, _ = live
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"{address}/?q=pi%C3%A8ge&limit=50")
            text = page.locator("main").inner_text()
            assert all(p in text for p in PAYLOADS)
            assert page.locator(INJECTED.replace("*", "main ")).count() == 0
            links = page.locator("main ol a").evaluate_all("links => links.map(a => a.href)")
            assert len(links) == len(PAYLOADS) + 1
            for link in links:
                page.goto(link)
                assert "piège" in page.locator("article").inner_text()
                assert page.locator(INJECTED.replace("*", "article ")).count() == 0
            assert page.evaluate("window.__xss") is None and dialogs == []
        finally:
            browser.close()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_worker_processes_share_the_connections_and_stop_together(tmp_path):

    index_paths(tmp_path / "ix", [CORPUS_DIR])
    with started_server(tmp_path / "ix", "--workers", "2", veille=veille_command()) as server:
        assert "with 2 worker processes" in server.log[0]
        for _ in range(20):
            status, _, body = get(f"{server.address}/search?q=Kyiv")
            assert status == 200 and json.loads(body)["total"] == 1  # one story, two versions
        pid = server.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        assert len(children) == 2
        # A burst of connections kept open (as a load of keep-alive clients opens them)
        # is shared by both workers: on one socket, one process could take them all.
        host, port = server.address.removeprefix("http://").split(":")
        burst = [socket.create_connection((host, int(port)), timeout=10) for _ in range(16)]
        try:

            def held():
                return [len(connections_of(child, int(port))) for child in children]

            assert eventually(lambda: sum(held()) == 16), held()
            assert min(held()) > 0, held()
        finally:
            for conn in burst:
                conn.close()
        # Another server cannot take the port, even one of several workers.
        taken = subprocess.run(
            [
                veille_command(),
                "serve",
                "--index",
                str(tmp_path / "ix"),
                "--port",
                port,
                "--workers",
                "2",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert taken.returncode != 0 and "cannot listen" in taken.stderr
    assert eventually(lambda: not any(Path(f"/proc/{pid}").exists() for pid in children))


def connections_of(pid: str, port: int) -> set[int]:
    """The established TCP connections on ``port`` that process ``pid`` holds (socket inodes)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":  # ESTABLISHED
                established.add(int(fields[9]))
    return inodes & established


def raw_request(address: str, data: bytes) -> tuple[int, dict, dict]:
    """Send bytes as they are (no client library to tidy them); return status, headers, JSON."""
    host, port = address.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(data)
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:  # closed with our surplus bytes unread, after answering
            pass
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


@pytest.mark.parametrize(
    "request_bytes, status, message",
    [
        (b"GET /search?q=kiev HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 431, "16384"),
        (b"GET /search?q=kiev HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + b"a" * 5000, 413, "1024"),
        (b"NOT HTTP AT ALL\r\n\r\n", 400, "bad request"),
        (b"DELETE /search?q=kiev HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405, "not allowed"),
    ],
    ids=["huge-header", "huge-body", "garbage", "delete"],
)
def test_requests_refused_before_the_application_get_json(live, request_bytes, status, message):
    address, _ = live
    data = request_bytes.replace(b"\r\n", b"\r\nConnection: close\r\n", 1)
    got, headers, body = raw_request(address, data)
    assert got == status
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert message in body["error"]
