"""Grow (or shrink) a copy of a real store to N chunks, then time retrieval on it.

    python bench/scale_bench.py --from DIR --chunks 100000 --data-dir OUT   # then: python bench/retrieval_bench.py --data-dir OUT

Each synthetic document repeats a real one (same text and metadata, a new id,
its date shifted by whole years so date filters keep their selectivity) with
its vectors nudged by small noise and re-normalised, so the index is as large
and as clustered as a real archive of that size. Writes go through `Store.write`
(docstore + Chroma, batched) and the BM25 index is rebuilt once at the end.
With N below the store's size, whole documents (a seeded random choice) are
deleted through `Store.delete` instead, e.g. a 10k-chunk point from all of Reuters.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.settings import Settings  # noqa: E402
from ingest.store import Store  # noqa: E402
from ingest.types import Article, Chunk  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="src", type=Path, required=True)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--data-dir", type=Path, required=True)
    args = ap.parse_args()
    if args.data_dir.exists():
        shutil.rmtree(args.data_dir)
    shutil.copytree(args.src, args.data_dir)
    store = Store.from_settings(Settings.load(data_dir=args.data_dir))
    docs = {d["doc_id"]: store.docs.document(d["doc_id"]) for d in store.docs.documents()}
    chunks: dict[str, list[dict]] = {}
    for c in store.docs.chunks():
        chunks.setdefault(c["doc_id"], []).append(c)
    got = store.vectors.collection.get(include=["embeddings"])
    vec = dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
    have, copy, rng, t0 = store.docs.count_chunks(), 0, np.random.default_rng(0), time.perf_counter()
    if have > args.chunks:
        drop, ids = [], list(docs)
        for i in rng.permutation(len(ids)):
            if have <= args.chunks:
                break
            doc_id = ids[i]
            drop.append(doc_id)
            have -= len(chunks.get(doc_id, ()))
        store.delete(drop)
        print(f"deleted {len(drop):,} documents: {store.docs.count_chunks():,} chunks after {time.perf_counter() - t0:.0f} s", flush=True)
    tag = "~" * (1 + max((d.count("~") for d in docs), default=0))  # new ids never collide with copies already there
    while have < args.chunks:
        copy += 1
        batch, vecs = [], []
        for doc_id, d in docs.items():
            cs = chunks.get(doc_id)
            if not cs or have >= args.chunks:
                continue
            pub = d["published"]
            if pub and pub[:4].isdigit():
                pub = f"{int(pub[:4]) + copy}{pub[4:]}"
            art = Article(f"{doc_id}{tag}{copy}", d["text"], d["title"], d["source"], pub, d["url"], path=None)
            batch.append((art, [Chunk(art.doc_id, c["idx"], c["text"], c["start"], c["end"], c["n_wordpieces"], c["n_tiktoken"])
                                for c in cs]))
            for c in cs:
                v = vec[c["chunk_id"]] + rng.normal(0, 0.02, 384).astype(np.float32)
                vecs.append(v / np.linalg.norm(v))
            have += len(cs)
            if len(vecs) >= 5000:
                store.write(batch, np.stack(vecs), {})
                batch, vecs = [], []
        if batch:
            store.write(batch, np.stack(vecs), {})
        print(f"copy {copy}: {have:,} chunks after {time.perf_counter() - t0:.0f} s", flush=True)
    t1 = time.perf_counter()
    store.lexical()
    print(f"BM25 index over {store.docs.count_chunks():,} chunks built in {time.perf_counter() - t1:.0f} s; "
          f"Chroma holds {store.vectors.count():,} vectors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
