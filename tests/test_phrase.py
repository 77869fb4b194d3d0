"""FastPhrase finds exactly what Whoosh's own Phrase finds."""

from __future__ import annotations

from whoosh import query as wq

from veille.indexer.store import index_analyzer, open_index
from veille.query.phrase import FastPhrase


def test_fast_phrase_matches_whoosh_phrase(corpus_index):
    ix = open_index(corpus_index)
    analyzer = index_analyzer(ix)
    phrases = [
        "garanties de sécurité",
        "Union européenne",
        "le Premier ministre Mark Carney",
        "sécurité garanties",
        "Mark Rutte était également à Kiev",
        "Kiev Mark",
    ]
    with ix.searcher() as searcher:
        for text in phrases:
            words = [t for t in analyzer.terms(text, mode="query")]
            for field in ("title", "body"):
                fast = set(searcher.docs_for_query(FastPhrase(field, words)))
                slow = set(searcher.docs_for_query(wq.Phrase(field, words)))
                assert fast == slow, (text, field)
    assert any(
        set(searcher.docs_for_query(FastPhrase("body", analyzer.terms(p, mode="query"))))
        for p in phrases
        for searcher in [ix.searcher()]
    )
