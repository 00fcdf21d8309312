"""Precision and recall of extracted positions against hand-labelled sentences.

The gold file (``eval/datasets/positions.jsonl``) names a corpus (seed,
sample, reuters), a document id, a distinctive piece of one sentence, and the
(party, issue, stance) statements a reader finds in that sentence (possibly
none). Extraction runs on those documents only (no store needed); the
statements it makes for the labelled sentences are compared with the labels:
precision = correct / extracted, recall = correct / labelled.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ingest.loaders import load_file
from ingest.types import LoadError

from .harness import read_jsonl

DATASET = Path(__file__).resolve().parent / "datasets" / "positions.jsonl"


def _gold_record(rec: dict) -> dict:
    rec["labels"] = {(p["party"], p["issue"], p["stance"]) for p in rec["positions"]}
    rec["corpus"], rec["doc"], rec["sentence"]  # noqa: B018 - required fields
    return rec


def load_gold(path: Path = DATASET) -> list[dict]:
    return read_jsonl(path, _gold_record)


def corpus_files(corpus: str, doc_ids: set[str], shared: Path, samples: Path) -> list[Path]:
    if corpus == "seed":
        return [shared / "seed" / "nikkei-us-japan-trade-2019.txt"]
    if corpus == "sample":
        return sorted(p for p in samples.rglob("*") if p.is_file() and p.suffix in {".txt", ".html", ".md", ".jsonl"})
    if corpus == "reuters":  # reuters21578-N lives in reut2-{(N-1)//1000:03}.sgm
        nums = {(int(d.rsplit("-", 1)[1]) - 1) // 1000 for d in doc_ids}
        return [shared / "reuters21578" / f"reut2-{n:03d}.sgm" for n in sorted(nums)]
    raise ValueError(f"unknown corpus {corpus!r} (seed, sample or reuters)")


def load_documents(gold: list[dict], shared: Path, samples: Path) -> dict[str, dict]:
    """The cleaned documents the gold labels refer to, by doc id, as the store would hold them."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for rec in gold:
        wanted[rec["corpus"]].add(rec["doc"])
    docs: dict[str, dict] = {}
    for corpus, ids in wanted.items():
        for path in corpus_files(corpus, ids, shared, samples):
            for item in load_file(path):
                if isinstance(item, LoadError) or item.doc_id not in ids:
                    continue
                docs[item.doc_id] = {"doc_id": item.doc_id, "text": item.text, "title": item.title,
                                     "source": item.source, "published": item.published}
    return docs


def score(gold: list[dict], extracted: dict[str, list]) -> dict:
    """extracted: doc_id -> statements (objects or dicts with sentence/party/issue/stance)."""
    per = defaultdict(lambda: {"extracted": 0, "correct": 0, "labelled": 0, "sentences": 0})
    rows = []
    for rec in gold:
        needle = " ".join(rec["sentence"].split())
        got = set()
        for st in extracted.get(rec["doc"], []):
            d = st if isinstance(st, dict) else st.__dict__
            if needle in " ".join(d["sentence"].split()):
                got.add((d["party"], d["issue"], d["stance"]))
        correct = got & rec["labels"]
        for key in (rec["corpus"], "all"):
            c = per[key]
            c["extracted"] += len(got)
            c["correct"] += len(correct)
            c["labelled"] += len(rec["labels"])
            c["sentences"] += 1
        rows.append({"corpus": rec["corpus"], "doc": rec["doc"], "sentence": rec["sentence"],
                     "labelled": sorted(rec["labels"]), "extracted": sorted(got),
                     "wrong": sorted(got - rec["labels"]), "missed": sorted(rec["labels"] - got)})
    out = {}
    for key, c in per.items():
        c["precision"] = round(c["correct"] / c["extracted"], 3) if c["extracted"] else None
        c["recall"] = round(c["correct"] / c["labelled"], 3) if c["labelled"] else None
        out[key] = c
    return {"by_corpus": out, "rows": rows}


def missing_labels(gold: list[dict], docs: dict[str, dict]) -> list[str]:
    """Gold sentences that cannot be found in their document (a stale label)."""
    out = []
    for rec in gold:
        d = docs.get(rec["doc"])
        if d is None or " ".join(rec["sentence"].split()) not in " ".join(d["text"].split()):
            out.append(f"{rec['doc']}: {rec['sentence']!r}")
    return out


def format_score(result: dict, method: str) -> str:
    lines = [f"positions ({method}): precision / recall on hand-labelled sentences",
             f"{'corpus':10} {'sentences':>9} {'labelled':>8} {'extracted':>9} {'correct':>7} {'precision':>9} {'recall':>6}"]
    for key in ("seed", "sample", "reuters", "all"):
        c = result["by_corpus"].get(key)
        if c:
            lines.append(f"{key:10} {c['sentences']:9} {c['labelled']:8} {c['extracted']:9} {c['correct']:7} "
                         f"{c['precision'] if c['precision'] is not None else '-':>9} {c['recall'] if c['recall'] is not None else '-':>6}")
    return "\n".join(lines)
