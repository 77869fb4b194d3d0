"""How well and how fast HTML text extraction keeps the article and drops the page.

    python bench/html_extract.py --pages 300

Builds PAGES web pages from generated articles, each wrapped the way news sites
wrap them (menu and breadcrumb, cookie banner, byline, share buttons, "related"
list, comments, footer, meta tags and JSON-LD), then extracts each page with:

- trafilatura (what veille uses): article text and metadata;
- selectolax (a fast HTML parser) with the usual heuristic: the text of <body>
  without <nav>, <header>, <footer>, <aside>, <script>, <style> and <form>.

Prints, for each: milliseconds per page, the share of the article's words kept,
the share of page-furniture words leaked into the text, and (trafilatura only)
how often the title and date were found. Needs `pip install selectolax` for
the second extractor; it is skipped, and said so, if missing.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import ArticleGenerator  # noqa: E402

FURNITURE = {
    "menu": "Accueil Monde Politique Économie Culture Sports Zorbamenu",
    "cookie": "Nous utilisons des témoins Zorbacookie pour mesurer l'audience. Tout accepter",
    "share": "Partager sur Facebook Twitter LinkedIn Zorbashare",
    "related": "À lire aussi : Zorbarelated marché immobilier, recette de saison, météo",
    "comments": "12 commentaires. Zorbacomment Jean a écrit : bravo pour cet article",
    "footer": "© 2025 Zorbafooter Média. Tous droits réservés. Mentions légales. Contact.",
}
WORD = re.compile(r"\w+", re.UNICODE)


def page(article: str, n: int) -> str:
    title, _, body = article.partition("\n\n")
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n\n") if p.strip())
    day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
    ld = json.dumps({"@type": "NewsArticle", "headline": title, "datePublished": day})
    f = FURNITURE
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>{html.escape(title)} | Zorba Média</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="Zorba Média">
<meta property="article:published_time" content="{day}T08:00:00+02:00">
<script type="application/ld+json">{ld}</script></head><body>
<header><nav>{f["menu"]}</nav><div class="cookies">{f["cookie"]}</div></header>
<main><article><h1>{html.escape(title)}</h1><p class="byline">Par la rédaction</p>
{paragraphs}</article>
<div class="share">{f["share"]}</div>
<aside class="related"><h2>{f["related"]}</h2></aside>
<section class="comments"><h2>Commentaires</h2><p>{f["comments"]}</p></section></main>
<footer>{f["footer"]}</footer></body></html>"""


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def with_trafilatura(data: str) -> tuple[str, str | None, str | None]:
    import trafilatura

    found = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)
    return (found.text or "", found.title, found.date) if found else ("", None, None)


def with_selectolax(data: str) -> tuple[str, str | None, str | None]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(data)
    for node in tree.css("nav, header, footer, aside, script, style, form"):
        node.decompose()
    return tree.body.text(separator="\n") if tree.body else "", None, None


def measure(name, extract, pages, articles) -> dict:
    times, kept, leaked, titles, dates = [], [], [], 0, 0
    furniture = {w for w in words(" ".join(FURNITURE.values())) if w.startswith("zorba")}
    for (title, body), data in zip(articles, pages, strict=True):
        began = time.perf_counter()
        text, found_title, found_date = extract(data)
        times.append((time.perf_counter() - began) * 1000)
        got = words(text)
        want = words(body)
        kept.append(len(got & want) / len(want))
        leaked.append(len(got & furniture) / len(furniture))
        titles += found_title == title
        dates += bool(found_date)
    n = len(pages)
    return {
        "extractor": name,
        "pages": n,
        "ms_per_page_median": round(statistics.median(times), 2),
        "ms_per_page_mean": round(statistics.fmean(times), 2),
        "article_words_kept": round(statistics.fmean(kept), 3),
        "furniture_leaked": round(statistics.fmean(leaked), 3),
        "titles_found": f"{titles}/{n}" if name == "trafilatura" else "n/a",
        "dates_found": f"{dates}/{n}" if name == "trafilatura" else "n/a",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    gen = ArticleGenerator(seed=7)
    articles, pages = [], []
    for n in range(args.pages):
        text = gen.article()
        title, _, body = text.partition("\n\n")
        articles.append((title, body))
        pages.append(page(text, n))
    rows = [measure("trafilatura", with_trafilatura, pages, articles)]
    try:
        import selectolax  # noqa: F401

        rows.append(measure("selectolax (lexbor) + tags", with_selectolax, pages, articles))
    except ImportError:
        print("selectolax not installed: only trafilatura measured", file=sys.stderr)
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
