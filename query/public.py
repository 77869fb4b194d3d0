"""How the server names documents to its readers: by their path inside the folder that
was indexed, never by the server's own disk (``/srv/archive/…``, ``/home/…``), and by
the intranet address where the files are published when one is given (--public-url)."""

from __future__ import annotations

import os
from dataclasses import replace
from urllib.parse import quote

from .search import Hit

PUBLIC_URL_ENV = "VEILLE_PUBLIC_URL"


class PublicPaths:
    """Paths relative to ``root`` (the folder holding every indexed file), and web
    addresses under ``public_url`` (which stands for that folder) if given."""

    def __init__(self, root: str, public_url: str = ""):
        self.root = root.rstrip(os.sep) or os.sep
        self.public_url = public_url.rstrip("/")

    @classmethod
    def of(cls, searcher, public_url: str = "") -> PublicPaths:
        """The public paths of what a searcher reads (its files' common folder), made
        once per searcher."""
        found = getattr(searcher, "veille_public_paths", None)
        if found is None or found.public_url != public_url.rstrip("/"):
            found = cls(indexed_root(searcher.reader()), public_url)
            searcher.veille_public_paths = found
        return found

    def public(self, path: str) -> str:
        """A document's path as readers see it: inside the indexed folder."""
        prefix = self.root if self.root == os.sep else self.root + os.sep
        return path[len(prefix) :] if path.startswith(prefix) else os.path.basename(path)

    def private(self, given: str) -> str:
        """The index's id of the document a reader names by its public path."""
        if given.startswith(os.sep):
            return given  # not a public path: an id as the index holds it (or nothing)
        return os.path.join(self.root, given)

    def url(self, path: str, url: str) -> str:
        """The document's own web address, else where --public-url publishes its file."""
        if url or not self.public_url:
            return url
        file = self.public(path).split("#", 1)[0]
        return f"{self.public_url}/{quote(file)}"

    def hit(self, hit: Hit) -> Hit:
        """A hit with public paths, its versions' too, and a web address if one is known."""
        versions = [{**d, "path": self.public(d["path"])} for d in hit.duplicates]
        return replace(
            hit, path=self.public(hit.path), url=self.url(hit.path, hit.url), duplicates=versions
        )


def indexed_root(reader) -> str:
    """The deepest folder holding every indexed file (``/`` for an empty index)."""
    folders = {os.path.dirname(term.decode("utf-8")) for term in reader.lexicon("file")}
    if not folders:
        return os.sep
    try:
        return os.path.commonpath(sorted(folders))
    except ValueError:  # relative and absolute mixed: not from veille index
        return os.sep
