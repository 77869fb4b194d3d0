"""The search tools measured side by side: veille and the tools a user would pick instead.

Each peer indexes a folder of .txt articles (title = first line, body = the
rest) into its own folder, and answers a query with the top 10 hits and a
snippet for each, as veille does. Queries use veille's syntax (words required,
"phrases", NOT); each peer translates them into its own.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

TOP = 10


def read_articles(docs: Path) -> Iterator[tuple[str, str, str]]:
    """(path, title, body) of each article, as veille reads them."""
    from veille.indexer.documents import find_files, read_file

    for path in find_files([docs]):
        for doc in read_file(path)[0]:
            yield doc.path, doc.title, doc.body


def split_query(query: str) -> list[tuple[str, str]]:
    """[(kind, text)] with kind "word", "phrase" or "not"."""
    parts = []
    for m in re.finditer(r'(-|NOT\s+)?"([^"]*)"|(\S+)', query):
        if m.group(2) is not None:
            parts.append(("not" if m.group(1) else "phrase", m.group(2)))
        elif m.group(3) == "NOT":
            continue
        else:  # a question's punctuation and apostrophes are not every peer's syntax
            parts += [("word", w) for w in re.findall(r"\w+", m.group(3))]
    return parts


class Peer:
    name = ""
    needs: str | None = None  # what to install if it is missing

    def available(self) -> bool:
        return True

    def build(self, docs: Path, out: Path, procs: int = 1) -> None:
        raise NotImplementedError

    def open(self, out: Path) -> None:
        raise NotImplementedError

    def query(self, text: str) -> int:
        """Run ``text``; return the number of hits shown (with snippets computed)."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class Veille(Peer):
    name = "veille"

    def build(self, docs, out, procs=1):
        from veille.indexer.build import index_paths

        index_paths(out, [docs], procs=procs)

    def open(self, out):
        from veille.indexer.store import index_analyzer, open_index
        from veille.query.search import open_searcher

        self.ix = open_index(out)
        self.searcher = open_searcher(self.ix)
        self.analyzer = index_analyzer(self.ix)

    def query(self, text):
        from veille.query.parser import QueryError
        from veille.query.search import run_search

        try:
            return len(run_search(self.searcher, self.analyzer, text, TOP).hits)
        except QueryError:
            return 0

    def close(self):
        self.searcher.close()


class BareWhoosh(Peer):
    """Whoosh-Reloaded with its own French LanguageAnalyzer (stop words and Snowball stemming)."""

    name = "whoosh"

    def schema(self):
        from whoosh.analysis import LanguageAnalyzer
        from whoosh.fields import ID, TEXT, Schema

        analyzer = LanguageAnalyzer("fr")
        return Schema(
            path=ID(stored=True, unique=True),
            title=TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
            body=TEXT(analyzer=analyzer, stored=True),
        )

    def build(self, docs, out, procs=1):
        from whoosh import index

        out.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(out), self.schema())
        kwargs = {"procs": procs, "multisegment": True} if procs > 1 else {}
        writer = ix.writer(limitmb=256, **kwargs)
        for path, title, body in read_articles(docs):
            writer.add_document(path=path, title=title, body=body)
        writer.commit()

    def open(self, out):
        from whoosh import index, scoring
        from whoosh.qparser import AndGroup, MultifieldParser

        self.ix = index.open_dir(str(out))
        self.searcher = self.ix.searcher(weighting=scoring.BM25F())
        self.parser = MultifieldParser(["title", "body"], self.ix.schema, group=AndGroup)

    def query(self, text):
        from whoosh.highlight import ContextFragmenter, HtmlFormatter

        results = self.searcher.search(self.parser.parse(text), limit=TOP, terms=True)
        results.fragmenter = ContextFragmenter(maxchars=240, surround=70)
        results.formatter = HtmlFormatter()
        for hit in results:
            hit.highlights("body", top=2)
        len(results)  # the total, which veille reports too
        return len(results[:TOP])

    def close(self):
        self.searcher.close()


class Fts5(Peer):
    """SQLite FTS5 with the unicode61 tokenizer folding diacritics, through python's sqlite3."""

    name = "sqlite-fts5"

    def build(self, docs, out, procs=1):
        out.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(out / "fts.db")
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "path UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2')"
        )
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)", read_articles(docs))
        db.commit()
        db.close()

    def open(self, out):
        self.db = sqlite3.connect(out / "fts.db", check_same_thread=False)

    @staticmethod
    def translate(text: str) -> str:
        def quoted(s: str) -> str:
            return '"' + s.replace('"', '""') + '"'

        out = []
        for kind, part in split_query(text):
            out.append(("NOT " if kind == "not" else "") + quoted(part))
        return " AND ".join(out).replace("AND NOT", "NOT")

    def query(self, text):
        rows = self.db.execute(
            "SELECT path, title, snippet(docs, 2, '<mark>', '</mark>', '…', 32) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs, 0, 2.0, 1.0) LIMIT ?",
            (self.translate(text), TOP),
        ).fetchall()
        return len(rows)

    def close(self):
        self.db.close()


class Tantivy(Peer):
    """tantivy through its official Python bindings, default tokenizer."""

    name = "tantivy"
    needs = "pip install tantivy"

    def available(self):
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return False
        return True

    def build(self, docs, out, procs=1):
        import tantivy

        out.mkdir(parents=True, exist_ok=True)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("path", stored=True)
        builder.add_text_field("title", stored=True)
        builder.add_text_field("body", stored=True)
        index = tantivy.Index(builder.build(), path=str(out))
        writer = index.writer(heap_size=256_000_000, num_threads=max(1, procs))
        for path, title, body in read_articles(docs):
            writer.add_document(tantivy.Document(path=path, title=title, body=body))
        writer.commit()
        writer.wait_merging_threads()

    def open(self, out):
        import tantivy

        self.index = tantivy.Index.open(str(out))
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema

    @staticmethod
    def translate(text: str) -> str:
        out = []
        for kind, part in split_query(text):
            cleaned = re.sub(r'[+\-&|!(){}\[\]^"~*?:\\/]', " ", part).strip()
            if not cleaned:
                continue
            term = f'"{cleaned}"' if kind != "word" or " " in cleaned else cleaned
            out.append(("-" if kind == "not" else "+") + term)
        return " ".join(out)

    def query(self, text):
        import tantivy

        query_text = self.translate(text)
        if not query_text:
            return 0
        query = self.index.parse_query(query_text, ["title", "body"])
        result = self.searcher.search(query, TOP)
        snippets = tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "body")
        for _score, address in result.hits:
            snippets.snippet_from_doc(self.searcher.doc(address)).to_html()
        return len(result.hits)


PEERS = [Veille(), BareWhoosh(), Fts5(), Tantivy()]


def ripgrep() -> str | None:
    return shutil.which("rg")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started
