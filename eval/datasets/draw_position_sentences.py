"""Seeded draw of sentences for the blind positions set (issue 21; protocol in README.md beside this file).

Sentences are cut the way the tracker cuts them (the ingest loaders' cleaned text, then
``ingest.sentences.split_sentences``), so a label and an extracted statement meet on the
same sentence. Three strata: sentences of any story of the whole Reuters archive, sentences
of `trade`-tagged stories, and sentences of the seed page and the samples. Each drawn
sentence carries its two previous sentences (for "he said") and the story's title and date.

The labeller's file (OUT/sentences.jsonl) holds archive text and stays outside the project;
the dataset keeps only pointers: doc id, sentence index and a hash of the sentence.

    python eval/datasets/draw_position_sentences.py --seed 21 --out /work/blind/pos
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ingest.loaders import load_file  # noqa: E402
from ingest.sentences import split_sentences  # noqa: E402
from ingest.types import LoadError  # noqa: E402


def sentence_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:12]


def corpus_docs(corpora: Path, samples: Path) -> list[dict]:
    files = [("seed", corpora / "seed" / "nikkei-us-japan-trade-2019.txt")]
    files += [("sample", p) for p in sorted(samples.rglob("*")) if p.is_file() and p.suffix in {".txt", ".html", ".md", ".jsonl"}]
    files += [("reuters", p) for p in sorted((corpora / "reuters21578").glob("reut2-*.sgm"))]
    docs = []
    for corpus, path in files:
        for item in load_file(path):
            if isinstance(item, LoadError) or not item.text.strip():
                continue
            docs.append({"corpus": corpus, "doc": item.doc_id, "title": item.title or "", "date": (item.published or "")[:10],
                         "text": item.text, "trade": "trade" in (item.extra or {}).get("topics", [])})
    return docs


def sentences_of(doc: dict) -> list[tuple[int, str]]:
    return [(i, doc["text"][a:b].strip()) for i, (a, b) in enumerate(split_sentences(doc["text"]))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    ap.add_argument("--samples", type=Path, default=ROOT / "samples")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--any", type=int, default=200, help="sentences from any Reuters story")
    ap.add_argument("--trade", type=int, default=200, help="sentences from trade-tagged Reuters stories")
    ap.add_argument("--pages", type=int, default=50, help="sentences from the seed page and the samples")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    docs = corpus_docs(a.corpora, a.samples)
    pools = {"any": [d for d in docs if d["corpus"] == "reuters"],
             "trade": [d for d in docs if d["corpus"] == "reuters" and d["trade"]],
             "pages": [d for d in docs if d["corpus"] != "reuters"]}
    wanted = {"any": a.any, "trade": a.trade, "pages": a.pages}
    drawn, seen = [], set()
    for stratum, pool in pools.items():
        every = [(d, i, s) for d in pool for i, s in sentences_of(d) if len(s.split()) >= 5]
        for d, i, s in rng.sample(every, min(len(every), wanted[stratum] * 2)):
            if sum(x["stratum"] == stratum for x in drawn) >= wanted[stratum] or (d["doc"], i) in seen:
                continue
            seen.add((d["doc"], i))
            prev = [t for j, t in sentences_of(d) if i - 2 <= j < i]
            drawn.append({"id": f"P-{len(drawn) + 1:03d}", "stratum": stratum, "corpus": d["corpus"], "doc": d["doc"],
                          "index": i, "hash": sentence_hash(s), "title": " ".join(d["title"].split()), "date": d["date"],
                          "context": prev, "sentence": s})
    rng.shuffle(drawn)
    a.out.mkdir(parents=True, exist_ok=True)
    with open(a.out / "sentences.jsonl", "w", encoding="utf-8") as f:
        for x in drawn:
            f.write(json.dumps(x, ensure_ascii=False) + "\n")
    counts = ", ".join(f"{k} {sum(x['stratum'] == k for x in drawn)}" for k in pools)
    print(f"{len(drawn)} sentences ({counts}) with seed {a.seed} into {a.out / 'sentences.jsonl'}")


if __name__ == "__main__":
    main()
