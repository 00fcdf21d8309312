"""tradechat ingest vs the pipeline a user would write with llama-index defaults, on the same corpus.

    python bench/llamaindex_bench.py [--corpus PATH ...] [--topic trade] [--out bench/results/llamaindex.json]

Naive: `VectorStoreIndex.from_documents` with `HuggingFaceEmbedding` (the same
packaged all-MiniLM-L6-v2) and `ChromaVectorStore`, default settings
(SentenceSplitter 1024/200 tokens, embed batch 10). Both start from the same
files and the same loaders (so both get the same cleaned article text); the
clock runs from reading the files to vectors stored. Also counted: chunks longer
than the embedder's 256 word-pieces, which it silently truncates (text that is
stored but never embedded). A second llama-index run splits into 200-token
chunks (40 overlap) so that it embeds all the text, as tradechat does: the
same work, compared like for like.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.embed import SentenceTransformerEmbedder, resolve_model_dir  # noqa: E402
from ingest.loaders import expand_paths, load_file  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from ingest.settings import Settings  # noqa: E402
from ingest.types import Article  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "reuters21578"


def load(paths, topic):
    out = []
    for f in expand_paths(paths):
        if isinstance(f, Path):
            out += [a for a in load_file(f) if isinstance(a, Article) and (not topic or topic in a.extra.get("topics", ()))]
    return out


def naive(paths, topic, folder: Path, chunk_size: int | None = None) -> dict:
    import chromadb
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    t0 = time.perf_counter()
    arts = load(paths, topic)
    docs = [Document(text=a.text, metadata={"title": a.title or "", "source": a.source or "", "published": a.published or ""},
                     id_=a.doc_id) for a in arts]
    embed = HuggingFaceEmbedding(model_name=str(resolve_model_dir("all-MiniLM-L6-v2")), device="cpu")
    coll = chromadb.PersistentClient(str(folder)).get_or_create_collection("naive")
    ctx = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=coll))
    extra = {}
    if chunk_size:  # sized to fit the embedder, as tradechat does (its 200 word-pieces, 40 overlap)
        from llama_index.core.node_parser import SentenceSplitter

        extra["transformations"] = [SentenceSplitter(chunk_size=chunk_size, chunk_overlap=40)]
    index = VectorStoreIndex.from_documents(docs, storage_context=ctx, embed_model=embed, **extra)
    seconds = time.perf_counter() - t0
    texts = coll.get(include=["documents"])["documents"]
    tok = SentenceTransformerEmbedder().tokenizer
    lens = [len(tok(t, add_special_tokens=False, verbose=False)["input_ids"]) for t in texts]
    del index
    return {"seconds": seconds, "docs": len(docs), "chunks": len(texts),
            "chunks_over_256": sum(n > 254 for n in lens), "wordpieces_never_embedded": sum(max(0, n - 254) for n in lens)}


def ours(paths, topic, data: Path) -> dict:
    s = Settings.load(data_dir=data)
    t0 = time.perf_counter()
    rep = Ingestor(s).ingest(paths, topic=topic, progress=False)
    return {"seconds": time.perf_counter() - t0, "docs": len(rep.new), "chunks": rep.chunks, "chunks_over_256": 0,
            "wordpieces_never_embedded": 0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--topic", default="trade")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "llamaindex.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        n = naive(args.corpus, args.topic, Path(tmp) / "naive")
        fit = naive(args.corpus, args.topic, Path(tmp) / "naive-fit", chunk_size=200)
        t = ours(args.corpus, args.topic, Path(tmp) / "ours")
    print(f"{'pipeline':34}{'seconds':>9}{'docs':>7}{'chunks':>8}{'>256 wp':>9}{'wp never embedded':>19}")
    for name, r in (("llama-index defaults", n), ("llama-index, 200-token chunks", fit), ("tradechat ingest", t)):
        print(f"{name:34}{r['seconds']:9.1f}{r['docs']:7}{r['chunks']:8}{r['chunks_over_256']:9}{r['wordpieces_never_embedded']:19}")
    ratio, ratio_fit = n["seconds"] / t["seconds"], fit["seconds"] / t["seconds"]
    print(f"tradechat is {ratio:.2f}x the speed of the naive pipeline end to end (target >= 3x), "
          f"{ratio_fit:.2f}x with llama-index chunked to fit the embedder (the same work)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"naive": n, "naive_fit": fit, "tradechat": t, "speedup": ratio, "speedup_same_work": ratio_fit}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
