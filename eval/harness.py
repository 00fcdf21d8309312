"""Grounding eval: run a question set through the assistant, as a user would, and score it.

Dataset: JSONL, one question per line — ``id``, ``question``, ``kind``
(``answerable``, ``unanswerable``, ``furniture``, ``conflict`` ...), ``doc_ids``
(documents that hold the answer), ``must_include`` (key facts, case-insensitive),
optional ``filters`` ({"sources": [...], "since": ..., "until": ...}).

Per question: retrieval recall@k and reciprocal rank of the gold documents,
share of must-include facts in the answer, citation support (ALCE-style, judged
by the project's verifier: a sentence is supported when its citations support
it; a citation is precise when it is needed), refusal correctness, latency.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.types import Answer, Filters

from .judge import Judge, VerifierJudge, citation_scores

ANSWERABLE_KINDS = {"answerable", "conflict", "multi", "follow-up"}


@dataclass
class Question:
    id: str
    question: str
    kind: str
    doc_ids: list[str]
    must_include: list[str]
    filters: dict = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.kind in ANSWERABLE_KINDS


def read_jsonl(path: Path, parse) -> list:
    """parse(record) for each non-blank line; a bad line is a ValueError naming the file and line."""
    out = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(parse(json.loads(line)))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path} line {lineno}: {type(e).__name__}: {e}") from None
    return out


def load_dataset(path: Path) -> list[Question]:
    return read_jsonl(path, lambda rec: Question(
        str(rec["id"]), rec["question"], rec.get("kind", "answerable"), list(rec.get("doc_ids", [])),
        list(rec.get("must_include", [])), dict(rec.get("filters") or {})))


def score_question(q: Question, answer: Answer, k: int, judge: Judge) -> dict:
    # a syndicated copy folded into the passage that was retrieved counts as retrieved (and cited) with it
    ranked = list(dict.fromkeys(d for p in answer.retrieved for d in [p.doc_id, *(a["doc_id"] for a in p.also)]))
    gold = set(q.doc_ids)
    recall_k = len(gold & set(ranked[:k])) / len(gold) if gold else None
    rr = next((1.0 / i for i, d in enumerate(ranked, 1) if d in gold), 0.0) if gold else None
    text = answer.text.lower()
    facts = [f for f in q.must_include if f.lower() in text]
    fact_share = len(facts) / len(q.must_include) if q.must_include else None
    c_recall, c_precision = citation_scores(answer, judge)
    cited_docs = {d for c in answer.citations for d in [c.doc_id, *(a["doc_id"] for a in c.also)]}
    refusal_ok = answer.refused != q.answerable
    correct = refusal_ok and (not q.answerable or (fact_share in (None, 1.0) and (not gold or bool(gold & cited_docs))))
    return {
        "id": q.id, "kind": q.kind, "question": q.question, "answer": answer.text, "refused": answer.refused,
        "mode": answer.mode, "model": answer.model, "notes": answer.notes,
        "retrieved": ranked, "cited": sorted(cited_docs), "gold": q.doc_ids,
        "recall_at_k": recall_k, "rr": rr, "facts_found": facts, "fact_share": fact_share,
        "citation_recall": c_recall, "citation_precision": c_precision,
        "refusal_ok": refusal_ok, "correct": correct,
        "latency_ms": answer.timings.get("total_ms", 0.0), "timings": answer.timings,
    }


def _mean(xs: Iterable[float | None]) -> float | None:
    xs = [x for x in xs if x is not None]
    return round(sum(xs) / len(xs), 4) if xs else None


def summarize(rows: list[dict], planned: int, judge: str = "verifier", interrupted: bool = False) -> dict:
    def block(rs: list[dict]) -> dict:
        lat = sorted(r["latency_ms"] for r in rs)
        return {
            "n": len(rs),
            "correct": _mean(float(r["correct"]) for r in rs),
            "refusal_ok": _mean(float(r["refusal_ok"]) for r in rs),
            "recall_at_k": _mean(r["recall_at_k"] for r in rs),
            "mrr": _mean(r["rr"] for r in rs),
            "fact_share": _mean(r["fact_share"] for r in rs),
            "citation_recall": _mean(r["citation_recall"] for r in rs),
            "citation_precision": _mean(r["citation_precision"] for r in rs),
            "latency_p50_ms": round(statistics.median(lat), 1) if lat else None,
            "latency_p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
        }

    kinds = sorted({r["kind"] for r in rows})
    return {"questions_planned": planned, "questions_run": len(rows), "interrupted": interrupted, "judge": judge,
            "all": block(rows),
            "by_kind": {k: block([r for r in rows if r["kind"] == k]) for k in kinds},
            "modes": sorted({r["mode"] for r in rows}), "models": sorted({str(r["model"]) for r in rows if r["model"]})}


def run(assistant, questions: list[Question], mode: str | None = None, k: int = 6, progress: bool = True,
        judge: Judge | None = None) -> tuple[list[dict], dict]:
    """Ask every question; an interrupt stops early and the summary says how many ran."""
    from tqdm import tqdm

    judge = judge or VerifierJudge(assistant.verifier)
    rows: list[dict] = []
    interrupted = False
    try:
        for q in tqdm(questions, desc="eval", unit="q", disable=not progress):
            f = q.filters
            filters = Filters(tuple(f.get("sources", ())), f.get("since"), f.get("until"), tuple(f.get("doc_ids", ())))
            t0 = time.perf_counter()
            answer = assistant.ask(q.question, filters=filters, mode=mode, k=k)
            answer.timings.setdefault("total_ms", (time.perf_counter() - t0) * 1000)
            rows.append(score_question(q, answer, k, judge))
    except KeyboardInterrupt:
        interrupted = True
    return rows, summarize(rows, len(questions), judge.name, interrupted)


def write(rows: list[dict], summary: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
