"""One budget per request covers all it does; expansion is capped for the whole query;
a long document costs a search what a long article does (issue 14, parts 1 and 2)."""

from __future__ import annotations

import json
import socket
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from webtest import TestApp

from veille.indexer.build import index_paths
from veille.indexer.store import STORED_BODY_CHARS, open_index
from veille.query.pages import DOC_PART_CHARS
from veille.query.parser import MAX_NEAR_TERMS, MAX_PREFIX_EXPANSION_TOTAL, parse
from veille.query.search import Options, search
from veille.query.wsgi import make_app

BUDGET = 1.0  # seconds: the server's setting in these tests
MARGIN = 1.0  # what a request may overrun its budget by, on a slow machine


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """An index of 600 generated articles (a vocabulary of tens of thousands of words)."""
    from generate import generate  # bench/generate.py

    docs = generate(tmp_path_factory.mktemp("generated") / "g", 600)
    directory = tmp_path_factory.mktemp("ix") / "index"
    index_paths(directory, [docs])
    return directory


def _prefixes(directory: Path, count: int) -> list[str]:
    """``count`` three-letter prefixes that each stand for 20 to 400 indexed words."""
    with open_index(directory).reader() as reader:
        seen: dict[bytes, int] = {}
        for term in reader.lexicon("body"):
            if len(term) >= 3 and term[:3].isalpha():
                seen[term[:3]] = seen.get(term[:3], 0) + 1
    return [p.decode() for p, n in seen.items() if 20 <= n <= 400][:count]


def _cpu_of(app: TestApp, params: dict, status: int = 200) -> tuple[float, dict]:
    started = time.thread_time()  # webtest runs the application in this thread
    data = app.get("/search", params, status=status).json
    return time.thread_time() - started, data


ATTACKS = {
    "one word of 800 letters": {"q": "la" * 400},
    "64 unknown words": {"q": " ".join(f"securitex{i}" for i in range(64))},
    "fuzzy, 63 long unknown words": {
        "q": " ".join(f"securitex{i}" for i in range(63)),
        "fuzzy": "1",
    },
    "fuzzy, 63 words near indexed ones": {
        "q": " ".join(f"gouvernemen{chr(97 + i % 26)}{i}" for i in range(63)),
        "fuzzy": "1",
    },
}


@pytest.mark.parametrize("name", ATTACKS)
def test_a_costly_request_stays_within_its_budget(generated, name):
    app = TestApp(make_app(generated, time_limit=BUDGET))
    cpu, data = _cpu_of(app, ATTACKS[name])
    assert cpu < BUDGET + MARGIN, f"{name}: {cpu:.2f} s of CPU"
    assert isinstance(data["partial"], bool) and "hits" in data


def test_prefixes_are_capped_for_the_whole_query_not_each_word(generated):
    prefixes = _prefixes(generated, 60)
    assert len(prefixes) == 60
    app = TestApp(make_app(generated, time_limit=BUDGET))
    one = app.get("/search", {"q": f"{prefixes[0]}*"}).json
    assert one["total"] > 0  # each prefix alone is under its own cap
    cpu, data = _cpu_of(app, {"q": " OR ".join(f"{p}*" for p in prefixes)}, status=400)
    assert f"more than {MAX_PREFIX_EXPANSION_TOTAL} words in all" in data["error"]
    assert cpu < BUDGET + MARGIN


def test_typo_tolerance_expands_at_most_a_fixed_number_of_terms_per_query(generated):
    from veille.query.suggest import searcher_vocabulary

    ix = open_index(generated)
    with ix.searcher() as searcher:
        vocabulary = searcher_vocabulary(searcher)
        words = " ".join(f"securitex{i}" for i in range(40))
        chain = ix.schema["body"].analyzer
        parsed = parse(words, chain, searcher.reader(), fuzzy=True, vocabulary=vocabulary)
        near = {t for _, t in parsed.strict().iter_all_terms() if not t.startswith("securitex")}
        assert 0 < len(near) <= MAX_NEAR_TERMS
    # a word alone gets its near words: "securitex" finds "sécurité"
    assert search(ix, "securitex", options=Options(fuzzy=True)).total > 0


def test_a_search_out_of_time_says_so_and_still_answers(generated):
    app = TestApp(make_app(generated, time_limit=0))
    data = app.get("/search", {"q": "sécurité Kiev OR Kyiv"}).json
    assert data["partial"] is True
    assert data["hits"]  # ranked among the documents seen so far, snippets or not


# Long documents -------------------------------------------------------------------

LINE = "Le gouvernement a annoncé des garanties à Kiev, "


@pytest.fixture(scope="module")
def long_and_short(tmp_path_factory) -> tuple[Path, Path]:
    """Two indexes: one of a 5 MB article, one of a 50 KB one, with the same words."""
    made = []
    for name, repeat in (("long", 100_000), ("short", 1_000)):
        docs = tmp_path_factory.mktemp(name)
        (docs / "article.txt").write_text(f"Titre\n{LINE * repeat}fin du texte\n", "utf-8")
        directory = tmp_path_factory.mktemp(f"{name}-ix") / "index"
        index_paths(directory, [docs])
        made.append(directory)
    return made[0], made[1]


def _peak_of_search(directory: Path) -> int:
    app = TestApp(make_app(directory))
    app.get("/search", {"q": "gouvernement"})  # open the searcher first
    tracemalloc.start()
    try:
        data = app.get("/search", {"q": "gouvernement garanties"}).json
        app.get("/related", {"id": data["hits"][0]["path"]})
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_document_costs_a_search_what_a_long_article_does(long_and_short):
    long, short = long_and_short
    data = TestApp(make_app(long)).get("/search", {"q": "gouvernement"}).json
    assert "<mark>gouvernement</mark>" in data["hits"][0]["snippet"]
    # 5 MB of text is 100 times 50 KB: a search reads no more than twice as much for it
    assert _peak_of_search(long) < 2 * _peak_of_search(short) + 1_000_000


def test_the_whole_of_a_long_document_is_kept_and_searchable(long_and_short):
    long, _ = long_and_short
    assert search(open_index(long), '"fin du texte"').total == 1  # its last words
    with open_index(long).searcher() as searcher:
        assert len(searcher.document()["body"]) == STORED_BODY_CHARS  # what searches read


def test_a_long_document_page_comes_in_parts_that_make_the_whole(long_and_short):
    long, _ = long_and_short
    app = TestApp(make_app(long))
    path = app.get("/search", {"q": "gouvernement"}).json["hits"][0]["path"]
    first = app.get("/doc", {"path": path, "q": "Kiev"})
    assert len(first.body) < 3 * DOC_PART_CHARS
    parts = int(first.html.select_one("nav.parts").text.split(" of ")[1].split()[0])
    assert parts == pytest.approx(len(LINE) * 100_000 / DOC_PART_CHARS, abs=1)
    assert "<mark>Kiev</mark>" in first.text
    texts = []
    for n in range(1, parts + 1):
        page = app.get("/doc", {"path": path, "part": n}).html
        texts.append(" ".join(p.text for p in page.select("article > p:not(.path)")))
    whole = " ".join(texts)
    assert whole.count("gouvernement") == 100_000 and whole.rstrip().endswith("fin du texte")
    next_link = first.html.select_one("nav.parts a")["href"]
    assert "part=2" in next_link
    error = app.get("/doc", {"path": path, "part": parts + 1}, status=400).json["error"]
    assert f"from 1 to {parts}" in error


# The server while every search thread is busy -----------------------------------------


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_healthz_answers_while_every_search_thread_is_busy(corpus_index):
    from veille.query.serve import make_server

    threads = 4
    app = make_app(corpus_index, search_slots=threads)
    release, started = threading.Event(), threading.Semaphore(0)
    answer = app.search_json

    def held_search(params):  # a search that takes as long as the test wants
        started.release()
        release.wait(60)
        return answer(params)

    app.search_json = held_search
    sock = socket.create_server(("127.0.0.1", 0))
    server = make_server(sock, app, threads)
    threading.Thread(target=server.run, daemon=True).start()
    address = f"http://127.0.0.1:{sock.getsockname()[1]}"
    results: list[int] = []
    clients = [
        threading.Thread(target=lambda: results.append(_get(f"{address}/search?q=Kiev")[0]))
        for _ in range(threads)
    ]
    try:
        for client in clients:
            client.start()
        for _ in range(threads):
            assert started.acquire(timeout=60)  # every search thread is now held
        status, health = _get(f"{address}/healthz")
        assert status == 200 and health["status"] == "ok"
        status, busy = _get(f"{address}/search?q=Kyiv")  # no slot frees up in time
        assert status == 503 and "busy" in busy["error"]
    finally:
        release.set()
        for client in clients:
            client.join(60)
        server.close()
    assert results == [200] * threads
