"""Ingest benchmark: tradechat ingest vs the raw encoder on the same chunks.

    python bench/ingest_bench.py [--corpus PATH ...] [--limit-files N] [--out bench/results/ingest.json]

Default corpus: all 21,578 Reuters-21578 stories from ../shared/corpora.
Prints a table and writes JSON. Every figure is measured in this run:
  1. first ingest wall time, chunks/s, peak RSS;
  2. raw SentenceTransformer.encode (torch) over exactly the stored chunk
     texts (same model, same batch size) -> ratio pipeline/raw (target >= 0.90);
     and the configured backend's embed() alone on the same texts (with the
     default onnx backend: the engine tradechat runs) -> what the rest of the
     pipeline costs;
  3. re-ingest of the unchanged corpus -> ratio to the first ingest (target <= 2%).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.embed import SentenceTransformerEmbedder
from ingest.pipeline import Ingestor
from ingest.settings import Settings

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "reuters21578"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="*", type=Path, default=[DEFAULT_CORPUS])
    ap.add_argument("--limit-files", type=int, default=0, help="only the first N .sgm files (quick runs)")
    ap.add_argument("--raw-sample", type=int, default=0, help="time the raw encoder on this many stored chunks (random, seeded) instead of all")
    ap.add_argument("--data-dir", type=Path, help="keep the store here (for the retrieval benchmark) instead of a temp dir")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    args = ap.parse_args()

    paths: list[Path] = []
    for c in args.corpus:
        if not c.exists():
            print(f"corpus not found: {c}", file=sys.stderr)
            return 2
        paths += sorted(c.glob("*.sgm")) if c.is_dir() and list(c.glob("*.sgm")) else [c]
    if args.limit_files:
        paths = paths[: args.limit_files]

    with tempfile.TemporaryDirectory(prefix="tradechat-bench-") as tmp:
        data = args.data_dir or Path(tmp)
        if args.data_dir and args.data_dir.exists() and any(args.data_dir.iterdir()):
            print(f"{args.data_dir} is not empty; give a new folder", file=sys.stderr)
            return 2
        settings = Settings.load(data_dir=data)
        ing = Ingestor(settings)
        ing.embedder.embed(["warm up the model"])  # model load is not ingest throughput

        t0 = time.perf_counter()
        first = ing.ingest(paths, progress=True)
        t_first = time.perf_counter() - t0
        rss_ingest = peak_rss_mib()

        texts = [c["text"] for c in ing.store.docs.chunks()]
        if args.raw_sample and args.raw_sample < len(texts):
            import random

            texts = random.Random(0).sample(texts, args.raw_sample)
        st = SentenceTransformerEmbedder(settings.embed.model, settings.embed.batch_size).model
        st.encode(texts[:16], batch_size=settings.embed.batch_size)
        t0 = time.perf_counter()
        st.encode(texts, batch_size=settings.embed.batch_size, normalize_embeddings=True, show_progress_bar=False)
        t_raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        ing.embedder.embed(texts)
        t_backend = time.perf_counter() - t0

        t0 = time.perf_counter()
        again = ing.ingest(paths, progress=False)
        t_again = time.perf_counter() - t0
        n_vectors = ing.store.vectors.count()

    docs = len(first.new) + len(first.updated)
    res = {
        "files": len(paths), "documents": docs, "failed": len(first.failed), "chunks": first.chunks,
        "vectors_after_reingest": n_vectors,
        "ingest_seconds": round(t_first, 2), "ingest_chunks_per_s": round(first.chunks / t_first, 1),
        "raw_encode_seconds": round(t_raw, 2), "raw_encode_chunks_per_s": round(len(texts) / t_raw, 1),
        "ratio_pipeline_vs_raw": round((first.chunks / t_first) / (len(texts) / t_raw), 3),
        "backend": settings.embed.backend, "backend_embed_chunks_per_s": round(len(texts) / t_backend, 1),
        "ratio_pipeline_vs_backend": round((first.chunks / t_first) / (len(texts) / t_backend), 3),
        "raw_sample": len(texts),
        "reingest_seconds": round(t_again, 2), "reingest_unchanged": len(again.unchanged),
        "ratio_reingest_vs_first": round(t_again / t_first, 4),
        "peak_rss_mib_ingest": round(rss_ingest, 1),
    }
    rows = [
        ("documents / chunks", f"{docs} / {first.chunks}", ""),
        ("first ingest", f"{t_first:.1f} s, {res['ingest_chunks_per_s']} chunks/s", "Reuters all: <= 15 min"),
        ("raw SentenceTransformer.encode", f"{t_raw:.1f} s, {res['raw_encode_chunks_per_s']} chunks/s", ""),
        ("pipeline / raw encoder", f"{res['ratio_pipeline_vs_raw']:.3f}", ">= 0.90"),
        (f"{settings.embed.backend} embed() alone", f"{len(texts) / t_backend:.1f} chunks/s", ""),
        (f"pipeline / {settings.embed.backend} embed()", f"{res['ratio_pipeline_vs_backend']:.3f}", ""),
        ("re-ingest unchanged", f"{t_again:.2f} s ({res['ratio_reingest_vs_first']:.2%} of first)", "<= 2%"),
        ("peak RSS (ingest)", f"{rss_ingest:.0f} MiB", "<= 3072 MiB"),
    ]
    w = max(len(r[0]) for r in rows)
    for name, val, target in rows:
        print(f"{name:<{w}}  {val:<40} {target}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
