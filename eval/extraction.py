"""Boilerplate-removal score on the article-extraction benchmark.

Scored the benchmark's way: ``\\w+`` tokens, overlapping 4-token shingles
compared as multisets; precision averaged over pages with a non-empty
prediction, recall over all pages, F1 of the two means.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ingest.loaders import extract_html


def shingles(text: str, n: int = 4) -> Counter:
    toks = re.findall(r"\w+", text)
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def page_scores(pred: str, truth: str) -> tuple[float | None, float]:
    """(precision or None for an empty prediction, recall) of one page."""
    p, t = shingles(pred), shingles(truth)
    tp = sum((p & t).values())
    precision = tp / sum(p.values()) if p else None
    recall = tp / sum(t.values()) if t else 0.0
    return precision, recall


def score(preds: dict[str, str], truths: dict[str, str]) -> dict:
    precisions, recalls = [], []
    for key, truth in truths.items():
        pr, rc = page_scores(preds.get(key, "") or "", truth)
        if pr is not None:
            precisions.append(pr)
        recalls.append(rc)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "pages": len(truths), "empty": len(truths) - len(precisions)}


def run_benchmark(root: Path, extractor: Callable[[str], str] | None = None) -> dict:
    """Extract every page under root/html with tradechat's HTML path and score it."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    extractor = extractor or (lambda html: (extract_html(html) or {}).get("text", ""))
    preds, t0 = {}, time.perf_counter()
    for key in truth:
        with gzip.open(root / "html" / f"{key}.html.gz", "rt", encoding="utf8") as f:
            preds[key] = extractor(f.read())
    out = score(preds, {k: v["articleBody"] for k, v in truth.items()})
    out["seconds"] = time.perf_counter() - t0
    return out
