"""Retrieval latency over a stored corpus: tradechat's retriever vs a bare Chroma query.

    python bench/retrieval_bench.py --data-dir DIR [--dataset eval/datasets/reuters-trade.jsonl] [--repeat 3]

DIR is a store made by `tradechat ingest` (e.g. `bench/ingest_bench.py --data-dir DIR`
over all 21,578 Reuters stories). Reports p50/p95 in ms of: query embedding alone,
bare Chroma query (vector given), BM25 alone, and the full retriever (embedding +
hybrid search + fusion + passage lookup) in each mode, without and with an outlet
and a date-range filter. Writes JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.retrieve import Retriever
from assistant.types import Filters
from eval.harness import load_dataset
from eval.stats import percentile
from ingest.embed import make_embedder
from ingest.settings import Settings
from ingest.store import Store


def timed(fn, queries, repeat) -> dict:
    times = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 0.95), 2), "n": len(times)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--dataset", type=Path, default=ROOT / "eval" / "datasets" / "reuters-trade.jsonl")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "retrieval.json")
    args = ap.parse_args()

    settings = Settings.load(data_dir=args.data_dir)
    store = Store.from_settings(settings)
    embedder = make_embedder(settings)
    retriever = Retriever.from_settings(settings, store, embedder)
    queries = [q.question for q in load_dataset(args.dataset)]
    embedder.embed(["warm up"])
    store.lexical()
    coll = store.vectors.collection
    n_chunks = coll.count()
    vecs = {q: embedder.embed([q]) for q in queries}
    some_source = (store.docs.documents()[0]["source"]) if n_chunks else None
    flt = Filters(sources=(some_source,) if some_source else (), since="1987-03-01", until="1987-04-15")

    rows = {
        "query embedding": timed(lambda q: embedder.embed([q]), queries, args.repeat),
        "bare chroma query (k=40)": timed(lambda q: coll.query(query_embeddings=vecs[q], n_results=40, include=[]), queries, args.repeat),
        "bm25 search (k=40)": timed(lambda q: store.lexical().search(q, 40), queries, args.repeat),
    }
    for mode in ("hybrid", "dense", "bm25"):
        rows[f"retriever {mode}"] = timed(lambda q: retriever.retrieve(q, mode=mode), queries, args.repeat)
        rows[f"retriever {mode} + outlet & date filter"] = timed(lambda q: retriever.retrieve(q, flt, mode=mode), queries, args.repeat)
    w = max(map(len, rows))
    print(f"{n_chunks} chunks, {len(queries)} queries x {args.repeat}")
    for name, r in rows.items():
        print(f"{name:<{w}}  p50 {r['p50_ms']:8.2f} ms   p95 {r['p95_ms']:8.2f} ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"chunks": n_chunks, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
