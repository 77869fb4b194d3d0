"""Ranking quality on real French question sets, beside the engines a user would pick instead.

    python bench/relevance.py                      # both sets of ../shared/relevance, all queries
    python bench/relevance.py --set piaf --half first --engine veille

Each set of ``../shared/relevance/`` (corpus.jsonl, queries.tsv, qrels.tsv; see
its README) is indexed by every engine; every query runs as typed, punctuation
included. veille goes through its own search function with its default matching
(every word first, then partial matches); ``veille`` lists every document, as
the peers do, and ``veille-stories`` collapses near-duplicates into stories as
``veille search`` does by default (a story's other versions are ranked right
after it). Peers, on the same documents and queries:

- SQLite FTS5, ``unicode61 remove_diacritics 2``, bm25 with the title weighted 2,
  the query's words joined by OR;
- bare Whoosh with its French analyzer (``LanguageAnalyzer("fr")``: Snowball stemmer,
  stop words) and an OR group over title and body;
- bm25s with PyStemmer's French stemmer and French stop words.

nDCG@10, recall@100 and MRR@10 come from ir_measures (pytrec_eval), for all
queries and for each half of the query file: veille's knobs are tuned on the
first half, so the second half shows an over-fit. The report is printed and
written to bench/results/relevance.{md,json}; a full run (every set, engine and
query, no knob) also puts the table into README.md. Needs ``pip install '.[bench]'``.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "relevance"
RESULTS = ROOT / "bench" / "results"
SETS = ("service-public", "piaf")
ENGINES = ("veille", "veille-stories", "fts5", "whoosh", "bm25s")
DEPTH = 100  # hits ranked per query: recall@100
WORD = re.compile(r"\w+")


def load_set(folder: Path):
    """(documents [(id, title, text)], queries [(id, text)], qrels [(qid, docid, rel)])."""
    docs = []
    with open(folder / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append((d["_id"], d.get("title") or "", d.get("text") or ""))
    queries = []
    for line in (folder / "queries.tsv").read_text("utf-8").splitlines():
        qid, _, text = line.partition("\t")
        if qid:
            queries.append((qid, text))
    qrels = []
    for line in (folder / "qrels.tsv").read_text("utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            qrels.append((parts[0], parts[2], int(parts[3])))
    return docs, queries, qrels


# engines: each builds from the documents and ranks DEPTH ids for a query -------


class VeilleEngine:
    name = "veille"
    collapse = False

    def __init__(self, docs, work: Path, options=None):
        from veille.indexer.build import index_paths
        from veille.indexer.store import index_analyzer, index_exists, open_index
        from veille.query.search import Options, open_searcher

        folder = work / "veille-docs"
        index = work / "veille-index"
        export = folder / "corpus.jsonl"
        if not index_exists(index):
            folder.mkdir(parents=True, exist_ok=True)
            with open(export, "w", encoding="utf-8") as f:
                for doc_id, title, text in docs:
                    f.write(json.dumps({"title": title, "text": text, "_id": doc_id}) + "\n")
            index_paths(index, [folder])
        self.ids = {f"{export}#line-{n}": doc_id for n, (doc_id, _, _) in enumerate(docs, 1)}
        self.ix = open_index(index)
        self.searcher = open_searcher(self.ix)
        self.analyzer = index_analyzer(self.ix)
        self.options = options or Options(facets=False, suggest=False, collapse=self.collapse)

    def rank(self, text: str) -> list[str]:
        from veille.query.search import run_search

        result = run_search(self.searcher, self.analyzer, text, DEPTH, options=self.options)
        ranked = []
        for hit in result.hits:
            ranked.append(self.ids[hit.path])
            if self.options.collapse:  # a story's other versions come right after it
                ranked += [self.ids[d["path"]] for d in hit.duplicates]
        return ranked[:DEPTH]


class VeilleStoriesEngine(VeilleEngine):
    name = "veille-stories"
    collapse = True


class Fts5Engine:
    name = "fts5"

    def __init__(self, docs, work: Path):
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        self.db.executemany("INSERT INTO d VALUES (?, ?, ?)", docs)

    def rank(self, text: str) -> list[str]:
        words = WORD.findall(text)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        rows = self.db.execute(
            "SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d, 0, 2.0, 1.0) LIMIT ?",
            (match, DEPTH),
        )
        return [r[0] for r in rows]


class WhooshEngine:
    name = "whoosh"

    def __init__(self, docs, work: Path):
        from whoosh import fields, index, qparser, scoring
        from whoosh.analysis import LanguageAnalyzer

        analyzer = LanguageAnalyzer("fr")
        schema = fields.Schema(
            id=fields.ID(stored=True),
            title=fields.TEXT(analyzer=analyzer, field_boost=2.0),
            body=fields.TEXT(analyzer=analyzer),
        )
        folder = work / "whoosh"
        folder.mkdir(parents=True, exist_ok=True)
        if index.exists_in(folder):
            ix = index.open_dir(folder)
        else:
            ix = index.create_in(folder, schema)
            with ix.writer(limitmb=512) as w:
                for doc_id, title, text in docs:
                    w.add_document(id=doc_id, title=title, body=text)
        self.searcher = ix.searcher(weighting=scoring.BM25F())
        self.parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.OrGroup)

    def rank(self, text: str) -> list[str]:
        words = WORD.findall(text)
        if not words:
            return []
        q = self.parser.parse(" ".join(words))
        return [hit["id"] for hit in self.searcher.search(q, limit=DEPTH)]


class Bm25sEngine:
    name = "bm25s"

    def __init__(self, docs, work: Path):
        import bm25s
        import Stemmer

        self.bm25s = bm25s
        self.stemmer = Stemmer.Stemmer("french")
        self.ids = [d[0] for d in docs]
        tokens = bm25s.tokenize(
            [f"{title}\n{text}" for _, title, text in docs],
            stopwords="fr",
            stemmer=self.stemmer,
            show_progress=False,
        )
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)

    def rank(self, text: str) -> list[str]:
        tokens = self.bm25s.tokenize(
            [text], stopwords="fr", stemmer=self.stemmer, show_progress=False, return_ids=False
        )
        if not tokens[0]:
            return []
        k = min(DEPTH, len(self.ids))
        found, scores = self.retriever.retrieve([tokens[0]], k=k, show_progress=False, n_threads=1)
        return [self.ids[i] for i, s in zip(found[0], scores[0], strict=True) if s > 0]


KNOBS = {  # --knob name: (module, setting)
    "k1": ("veille.query.search", "BM25_K1"),
    "b": ("veille.query.search", "BM25_B"),
    "coverage": ("veille.query.matching", "COVERAGE_WEIGHT"),
    "soft": ("veille.query.matching", "SOFT_WEIGHT"),
    "family-weight": ("veille.query.families", "FAMILY_WEIGHT"),
    "family-common": ("veille.query.families", "COMMON_SHARE"),
}

ENGINE_CLASSES = {
    e.name: e for e in (VeilleEngine, VeilleStoriesEngine, Fts5Engine, WhooshEngine, Bm25sEngine)
}


# respelled names -----------------------------------------------------------------

VARIANTS = ROOT.parent / "shared" / "variants" / "dev.tsv"
CAPITALIZED = re.compile(r"\b[A-ZÀ-Ý][^\W\d_]{3,}\b")


def name_groups(path: Path = VARIANTS) -> list[list[str]]:
    """The spelling groups of a variants file (group, spelling, note per line)."""
    groups: dict[str, list[str]] = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            group, spelling = line.split("\t")[:2]
            groups.setdefault(group, []).append(spelling)
    return list(groups.values())


def respelled_set(docs, queries, qrels, groups: list[list[str]]):
    """Queries that name something their answer names too, with that name replaced by
    a place or person of ``groups``: everywhere in the documents, each document
    spelling it its own way (the group's spellings in turn), and in the query every
    way in turn. One query per group, the first in file order with a name (a
    capitalized word after the first) that its relevant documents all hold.

    Returns the respelled documents, the original queries chosen and the respelled
    queries, whose ids are ``original id~n``."""
    relevant: dict[str, set[str]] = {}
    for qid, doc_id, rel in qrels:
        if rel > 0:
            relevant.setdefault(qid, set()).add(doc_id)
    texts = {doc_id: f"{title}\n{text}" for doc_id, title, text in docs}
    taken = {s.lower() for g in groups for s in g}
    chosen = []  # (qid, query, the name as a whole-word pattern, group)
    for qid, text in queries:
        if len(chosen) == len(groups):
            break
        for name in CAPITALIZED.findall(text)[1:] if text[:1].isupper() else []:
            if name.lower() in taken or not relevant.get(qid):
                continue
            word = re.compile(rf"\b{re.escape(name)}\b")
            if all(word.search(texts.get(d, "")) for d in relevant[qid]):
                chosen.append((qid, text, word, groups[len(chosen)]))
                taken.add(name.lower())
                break
    renamed = []
    for n, (doc_id, title, text) in enumerate(docs):
        for _, _, word, group in chosen:
            spelling = group[n % len(group)]
            title, text = word.sub(spelling, title), word.sub(spelling, text)
        renamed.append((doc_id, title, text))
    originals = [(qid, text) for qid, text, _, _ in chosen]
    respelled = [
        (f"{qid}~{i}", word.sub(spelling, text))
        for qid, text, word, group in chosen
        for i, spelling in enumerate(group)
    ]
    return renamed, originals, respelled


def measure_respelled(name: str, work: Path) -> dict | None:
    """veille's nDCG@10 on queries whose names are respelled (documents and queries
    spelling them differently) beside the same queries as typed, on the original documents."""
    if not VARIANTS.is_file():
        print(f"relevance: {VARIANTS} is missing; respelled names not measured")
        return None
    docs, queries, qrels = load_set(DATA / name)
    renamed, originals, respelled = respelled_set(docs, queries, qrels, name_groups())
    if not originals:
        return None
    as_typed, _, _ = run_engine(VeilleEngine(docs, work / name), originals)
    after, _, _ = run_engine(VeilleEngine(renamed, work / name / "respelled"), respelled)
    # Each respelled query is judged as its original; the original's ranking stands
    # beside each of its respellings, so both means weigh every query alike.
    judgements: dict[str, list] = {}
    for qid, doc_id, rel in qrels:
        judgements.setdefault(qid, []).append((doc_id, rel))
    ids = [q for q, _ in respelled]
    judged = [(q, d, r) for q in ids for d, r in judgements[q.partition("~")[0]]]
    before = evaluate({q: as_typed[q.partition("~")[0]] for q in ids}, judged, ids)["ndcg@10"]
    respelled_ndcg = evaluate(after, judged, ids)["ndcg@10"]
    figures = {
        "queries": len(originals),
        "respelled_queries": len(respelled),
        "ndcg@10_as_typed": before,
        "ndcg@10_respelled": respelled_ndcg,
        "ratio": round(respelled_ndcg / max(before, 1e-9), 3),
    }
    print(
        f"{name:15} respelled names: {len(originals)} queries x their group's spellings "
        f"({len(respelled)}): nDCG@10 {respelled_ndcg:.4f} vs {before:.4f} as typed "
        f"= {figures['ratio']:.3f}",
        flush=True,
    )
    return figures


# measuring ----------------------------------------------------------------------


def evaluate(ranked: dict[str, list[str]], qrels, qids: list[str]) -> dict[str, float]:
    """nDCG@10, R@100, MRR@10 (ir_measures), and the share of queries with no hit."""
    import ir_measures
    from ir_measures import RR, R, nDCG

    wanted = set(qids)
    judged = [ir_measures.Qrel(q, d, r) for q, d, r in qrels if q in wanted]
    run = [
        ir_measures.ScoredDoc(q, d, float(DEPTH - i))
        for q in qids
        for i, d in enumerate(ranked.get(q, []))
    ]
    figures = ir_measures.calc_aggregate([nDCG @ 10, R @ 100, RR @ 10], judged, run)
    return {
        "ndcg@10": round(figures.get(nDCG @ 10, 0.0), 4),
        "recall@100": round(figures.get(R @ 100, 0.0), 4),
        "mrr@10": round(figures.get(RR @ 10, 0.0), 4),
        "no_hit": sum(1 for q in qids if not ranked.get(q)),
        "queries": len(qids),
    }


def run_engine(engine, queries) -> tuple[dict[str, list[str]], list[float], int]:
    """Rankings, per-query times (ms) and the number of queries refused (an exception)."""
    ranked, times, refused = {}, [], 0
    for qid, text in queries:
        started = time.perf_counter()
        try:
            ranked[qid] = engine.rank(text)
        except Exception as exc:  # a refused query counts against the engine
            refused += 1
            ranked[qid] = []
            print(f"  {engine.name} refused {text!r}: {exc}", file=sys.stderr)
        times.append((time.perf_counter() - started) * 1000)
    return ranked, times, refused


def measure_set(name: str, engines: list[str], work: Path, limit: int | None) -> dict:
    docs, queries, qrels = load_set(DATA / name)
    if limit:
        queries = queries[:limit]
    half = len(queries) // 2
    halves = {
        "all": [q for q, _ in queries],
        "first": [q for q, _ in queries[:half]],
        "second": [q for q, _ in queries[half:]],
    }
    out = {"documents": len(docs), "queries": len(queries), "engines": {}}
    for engine_name in engines:
        started = time.perf_counter()
        engine = ENGINE_CLASSES[engine_name](docs, work / name)
        built = time.perf_counter() - started
        ranked, times, refused = run_engine(engine, queries)
        figures = {h: evaluate(ranked, qrels, ids) for h, ids in halves.items()}
        figures["refused"] = refused
        figures["build_s"] = round(built, 1)
        figures["query_ms"] = {
            "min": round(min(times), 2),
            "median": round(statistics.median(times), 2),
            "max": round(max(times), 2),
        }
        out["engines"][engine_name] = figures
        a = figures["all"]
        print(
            f"{name:15} {engine_name:7} nDCG@10 {a['ndcg@10']:.4f}  R@100 {a['recall@100']:.4f}  "
            f"MRR@10 {a['mrr@10']:.4f}  no hit {a['no_hit']}  refused {refused}  "
            f"(first half {figures['first']['ndcg@10']:.4f}, "
            f"second {figures['second']['ndcg@10']:.4f}; "
            f"median {figures['query_ms']['median']} ms)",
            flush=True,
        )
    return out


def markdown(report: dict) -> str:
    lines = [
        "| set | engine | nDCG@10 | R@100 | MRR@10 | no hit | refused | nDCG@10 1st / 2nd half "
        "| query ms min / median / max |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, data in report["sets"].items():
        for engine, f in data["engines"].items():
            a, ms = f["all"], f["query_ms"]
            lines.append(
                f"| {name} | {engine} | {a['ndcg@10']:.3f} | {a['recall@100']:.4f} | "
                f"{a['mrr@10']:.3f} | {a['no_hit']} | {f['refused']} | "
                f"{f['first']['ndcg@10']:.3f} / {f['second']['ndcg@10']:.3f} | "
                f"{ms['min']} / {ms['median']} / {ms['max']} |"
            )
        veille = data["engines"].get("veille")
        peers = {k: v for k, v in data["engines"].items() if not k.startswith("veille")}
        if veille and peers:
            best = max(peers, key=lambda k: peers[k]["all"]["ndcg@10"])
            ratio = veille["all"]["ndcg@10"] / max(peers[best]["all"]["ndcg@10"], 1e-9)
            lines.append(f"| {name} | veille ÷ best peer ({best}) | {ratio:.3f}× | | | | | | |")
    notes = []
    for name, data in report["sets"].items():
        r = data.get("respelled")
        if r:
            notes.append(
                f"- {name}, names respelled (`../shared/variants/dev.tsv`): {r['queries']} "
                f"questions, each asked with every spelling of a name its answer spells "
                f"otherwise ({r['respelled_queries']} queries): veille nDCG@10 "
                f"{r['ndcg@10_respelled']:.3f} against {r['ndcg@10_as_typed']:.3f} as typed, "
                f"{r['ratio']:.3f} of it (target ≥ 0.98)."
            )
    return "\n".join(lines) + "\n" + ("\n" + "\n".join(notes) + "\n" if notes else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="sets", action="append", choices=SETS)
    parser.add_argument("--engine", dest="engines", action="append", choices=ENGINES)
    parser.add_argument("--queries", type=int, help="only the first N queries of each set")
    parser.add_argument("--work", type=Path, help="folder for the indexes (kept, reused)")
    parser.add_argument("--no-report", action="store_true", help="print only")
    parser.add_argument(
        "--knob",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"try another value of one of veille's ranking knobs ({', '.join(KNOBS)})",
    )
    args = parser.parse_args(argv)
    for knob in args.knob:
        name, _, value = knob.partition("=")
        module, attribute = KNOBS[name]
        setattr(__import__(module, fromlist=["_"]), attribute, float(value))
    if not DATA.is_dir():
        print(f"relevance: {DATA} is missing (the shared data folder); nothing to measure")
        return 1
    work = args.work or Path(tempfile.mkdtemp(prefix="veille-relevance-"))
    report = {"sets": {}}
    engines = args.engines or list(ENGINES)
    for name in args.sets or SETS:
        report["sets"][name] = measure_set(name, engines, work, args.queries)
        if "veille" in engines:
            report["sets"][name]["respelled"] = measure_respelled(name, work)
    table = markdown(report)
    print(table)
    if not args.no_report:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "relevance.json").write_text(json.dumps(report, indent=2) + "\n")
        (RESULTS / "relevance.md").write_text(
            "# Relevance (`python bench/relevance.py`)\n\n" + table
        )
        if not (args.sets or args.engines or args.queries or args.knob):  # a full run
            from readme import replace_between

            if replace_between("relevance-table", table):
                print("README.md: relevance table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
