"""The widget and the server's pages for every reader, checked in a real browser with
axe-core (issue 15): no violation, readable on a dark page, quiet while typing."""

from __future__ import annotations

import pytest

from . import test_live
from .test_live import BROWSER_ARGS, CHROMIUM, browser_or_skip

# The served index (the bundled articles and XSS payloads) and the intranet page's server.
live, page_server = test_live.live, test_live.page_server

DARK_PAGE = "<style>body{background:#111;color:#eee}</style>"


def write_page(root, name: str, script_attrs: str, style: str = "", lang: str = "en") -> None:
    (root / name).write_text(
        f"<!doctype html><html lang={lang}><head><meta charset=utf-8><title>Intranet</title>"
        f"{style}</head><body><main><h1>Revue de presse</h1><div id=search></div>"
        f'<script {script_attrs} data-target="#search"></script></main></body></html>',
        "utf-8",
    )


@pytest.fixture(scope="module")
def browser():
    sync_playwright = browser_or_skip()
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("style", ["", DARK_PAGE], ids=["light-page", "dark-page"])
def test_the_widget_with_results_has_no_axe_violation(browser, live, page_server, style):
    address, _ = live
    root, origin = page_server
    write_page(root, f"axe{len(style)}.html", f'src="{address}/widget.js"', style)
    page = browser.new_page()
    try:
        page.goto(f"{origin}/axe{len(style)}.html")
        page.get_by_role("searchbox").fill("Zaporizhia")
        page.locator("#search li").first.wait_for()
        assert violations(page) == []
        # each result is a link named by its title; source, date, snippet describe it
        link = page.locator("#search li a").first
        title = link.inner_text()
        assert page.get_by_role("link", name=title, exact=True).count() == 1
        described = link.get_attribute("aria-describedby").split()
        assert any("snippet" in d for d in described)
        assert "(file date)" in page.locator(".veille-meta").first.inner_text()
    finally:
        page.close()


def test_the_servers_own_pages_have_no_axe_violation(browser, live):
    address, _ = live
    page = browser.new_page()
    try:
        page.goto(f"{address}/?q=Zaporizhia")
        assert page.locator("main ol li").count() >= 1
        assert violations(page) == []
        page.goto(f"{address}/?q=Kiev%20pizza&lang=fr")  # a partial match, in French
        assert violations(page) == []
        page.locator("main ol li a").first.click()
        page.locator("article").wait_for()
        assert violations(page) == []
    finally:
        page.close()


def statuses_while_typing(page, text: str) -> list[str]:
    """Every text the widget's status line took while ``text`` was typed, then settled."""
    page.evaluate(
        """() => { window.__said = [];
        const status = document.querySelector('#search [role=status]');
        new MutationObserver(() => window.__said.push(status.textContent))
            .observe(status, {childList: true, characterData: true, subtree: true}); }"""
    )
    page.get_by_role("searchbox").press_sequentially(text, delay=30)
    return page


def test_the_status_line_speaks_only_about_searches_made(browser, live, page_server):
    address, _ = live
    root, origin = page_server
    write_page(root, "quiet.html", f'src="{address}/widget.js"')
    page = browser.new_page()
    try:
        page.goto(f"{origin}/quiet.html")
        statuses_while_typing(page, "Kh")
        page.wait_for_timeout(600)  # three debounce periods: a search would have answered
        assert page.evaluate("window.__said") == []  # nothing below three letters
        page.get_by_role("searchbox").fill("")
        statuses_while_typing(page, "Medvdev")
        page.get_by_text("Did you mean Medvedev?").wait_for()  # the suggestion is said too
        said = [s for s in page.evaluate("window.__said") if s]
        assert said and not any("Searching" in s for s in said)
        assert not any("“Me”" in s or "“Med”" in s for s in said[:-1]) or len(said) <= 2
    finally:
        page.close()


def test_escape_cancels_the_pending_search(browser, live, page_server):
    address, _ = live
    root, origin = page_server
    write_page(root, "escape.html", f'src="{address}/widget.js"')
    page = browser.new_page()
    searches: list[str] = []
    page.on("request", lambda r: searches.append(r.url) if "/search?" in r.url else None)
    try:
        page.goto(f"{origin}/escape.html")
        box = page.get_by_role("searchbox")
        box.fill("Zaporizhia")
        box.press("Escape")  # within the 200 ms before the search is sent
        page.wait_for_timeout(600)
        assert searches == [] and page.locator("#search li").count() == 0
        assert box.input_value() == ""
    finally:
        page.close()


def test_a_page_whose_origin_is_not_allowed_is_told_so(browser, live, page_server):
    address, _ = live
    root, origin = page_server
    write_page(root, "other.html", f'src="{address}/widget.js"')
    other = origin.replace("127.0.0.1", "localhost")  # same server, another origin
    page = browser.new_page()
    try:
        page.goto(f"{other}/other.html")
        page.get_by_role("searchbox").fill("Zaporizhia")
        page.get_by_text("not allowed by the search service").wait_for()
    finally:
        page.close()


def test_the_widget_speaks_the_language_asked_else_the_page_s(browser, live, page_server):
    address, _ = live
    root, origin = page_server
    write_page(root, "fr.html", f'src="{address}/widget.js"', lang="fr")
    write_page(root, "fr-en.html", f'src="{address}/widget.js" data-lang="en"', lang="fr")
    page = browser.new_page()
    try:
        page.goto(f"{origin}/fr.html")
        page.get_by_role("searchbox", name="Rechercher").fill("Kharkiv")
        page.get_by_text("Aucun résultat pour « Kharkiv ».").wait_for()
        page.goto(f"{origin}/fr-en.html")
        page.get_by_role("searchbox", name="Search").fill("Kharkiv")
        page.get_by_text("No results for “Kharkiv”.").wait_for()
    finally:
        page.close()
