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
from .stats import percentile

REFUSE_KINDS = {"unanswerable", "furniture", "trap"}  # the sources do not answer: the right answer is a refusal

RECALL_K = 10  # the retrieval target is gold-story recall at 10 (issue 16)


@dataclass
class Question:
    id: str
    question: str
    kind: str
    doc_ids: list[str]
    must_include: list[list[str]]  # key facts, each a list of accepted variants ("7.1 bln" / "7.1 billion")
    filters: dict = field(default_factory=dict)
    previous_id: str | None = None  # a follow-up is asked after this question, in the same conversation
    split: str | None = None  # dev (tune on it) or test (frozen: report only)

    @property
    def answerable(self) -> bool:
        return self.kind not in REFUSE_KINDS


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


def _facts(raw: list) -> list[list[str]]:
    """must_include entries: a string, or a list of accepted variants of one fact."""
    out = []
    for f in raw:
        variants = [f] if isinstance(f, str) else list(f)
        if not variants or not all(isinstance(v, str) and v.strip() for v in variants):
            raise ValueError(f"must_include entry {f!r}: a non-empty string or list of strings")
        out.append(variants)
    return out


def load_dataset(path: Path, split: str | None = None) -> list[Question]:
    """Questions of a JSONL set; with ``split``, only that split (and the questions its follow-ups need)."""
    qs = read_jsonl(path, lambda rec: Question(
        str(rec["id"]), rec["question"], rec.get("kind", "answerable"), list(rec.get("doc_ids", [])),
        _facts(rec.get("must_include", [])), dict(rec.get("filters") or {}), rec.get("previous_id"), rec.get("split")))
    ids = {q.id for q in qs}
    for q in qs:
        if q.previous_id and q.previous_id not in ids:
            raise ValueError(f"{path}: {q.id} follows {q.previous_id!r}, which is not in the file")
    if split:
        if not any(q.split == split for q in qs):
            raise ValueError(f"{path}: no question has split {split!r}")
        qs = [q for q in qs if q.split == split]
    return qs


def fact_found(variants: list[str], text: str) -> bool:
    low = text.lower()
    return any(v.lower() in low for v in variants)


def _ranked_docs(passages) -> list[str]:
    # a syndicated copy folded into the passage that was retrieved counts as retrieved (and cited) with it
    return list(dict.fromkeys(d for p in passages for d in [p.doc_id, *(a["doc_id"] for a in p.also)]))


def score_question(q: Question, answer: Answer, k: int, judge: Judge, wide: list | None = None) -> dict:
    """``wide``: the passages a retrieval of RECALL_K returns for the same question (recall at RECALL_K, the
    retrieval target; the answer rests on the first k)."""
    ranked = _ranked_docs(answer.retrieved)
    gold = set(q.doc_ids)
    recall_k = len(gold & set(ranked[:k])) / len(gold) if gold else None
    recall_wide = len(gold & set(_ranked_docs(wide))) / len(gold) if gold and wide is not None else None
    rr = next((1.0 / i for i, d in enumerate(ranked, 1) if d in gold), 0.0) if gold else None
    facts = [f[0] for f in q.must_include if fact_found(f, answer.text)]
    fact_share = len(facts) / len(q.must_include) if q.must_include else None
    c_recall, c_precision = citation_scores(answer, judge)
    cited_docs = {d for c in answer.citations for d in [c.doc_id, *(a["doc_id"] for a in c.also)]}
    refusal_ok = answer.refused != q.answerable
    gold_cited = bool(gold & cited_docs) if q.answerable and gold else None
    correct = refusal_ok and (not q.answerable or (fact_share in (None, 1.0) and (not gold or bool(gold_cited))))
    # answered although the sources do not say (another speaker, date or figure given instead)
    substituted = (not q.answerable) and not answer.refused
    # answered, but without the asked facts: a related sentence, not the answer
    near_miss = q.answerable and not answer.refused and fact_share not in (None, 1.0)
    return {
        "id": q.id, "kind": q.kind, "split": q.split, "gold_cited": gold_cited,
        "substituted": substituted, "near_miss": near_miss, "question": q.question, "answer": answer.text, "refused": answer.refused,
        "mode": answer.mode, "model": answer.model, "notes": answer.notes,
        "retrieved": ranked, "cited": sorted(cited_docs), "gold": q.doc_ids,
        "recall_at_k": recall_k, f"recall_at_{RECALL_K}": recall_wide, "rr": rr, "facts_found": facts, "fact_share": fact_share,
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
            "facts_all": _mean(float(r["fact_share"] == 1.0) for r in rs if r["fact_share"] is not None),
            "gold_cited": _mean(None if r.get("gold_cited") is None else float(r["gold_cited"]) for r in rs),
            "refused_when_unanswerable": _mean(float(r["refused"]) for r in rs if r.get("substituted") is not None
                                               and r["kind"] in REFUSE_KINDS),
            "substitutions": sum(1 for r in rs if r.get("substituted")),
            "near_misses": sum(1 for r in rs if r.get("near_miss")),
            "recall_at_k": _mean(r["recall_at_k"] for r in rs),
            f"recall_at_{RECALL_K}": _mean(r.get(f"recall_at_{RECALL_K}") for r in rs),
            "mrr": _mean(r["rr"] for r in rs),
            "fact_share": _mean(r["fact_share"] for r in rs),
            "citation_recall": _mean(r["citation_recall"] for r in rs),
            "citation_precision": _mean(r["citation_precision"] for r in rs),
            "latency_p50_ms": round(statistics.median(lat), 1) if lat else None,
            "latency_p95_ms": round(percentile(lat, 0.95), 1) if lat else None,
        }

    kinds = sorted({r["kind"] for r in rows})
    return {"questions_planned": planned, "questions_run": len(rows), "interrupted": interrupted, "judge": judge,
            "all": block(rows),
            "by_kind": {k: block([r for r in rows if r["kind"] == k]) for k in kinds},
            "modes": sorted({r["mode"] for r in rows}), "models": sorted({str(r["model"]) for r in rows if r["model"]})}


def _filters(q: Question) -> Filters:
    f = q.filters
    return Filters(tuple(f.get("sources", ())), f.get("since"), f.get("until"), tuple(f.get("doc_ids", ())))


def run(assistant, questions: list[Question], mode: str | None = None, k: int = 6, progress: bool = True,
        judge: Judge | None = None) -> tuple[list[dict], dict]:
    """Ask every question; an interrupt stops early and the summary says how many ran."""
    from tqdm import tqdm

    judge = judge or VerifierJudge(assistant.verifier)
    rows: list[dict] = []
    interrupted = False
    by_id = {q.id: q for q in questions}
    answers: dict[str, Answer] = {}

    def ask(q: Question) -> Answer:
        history = []
        if q.previous_id:  # a follow-up: the conversation so far is the question it follows and its answer
            prev = answers.get(q.previous_id) or ask(by_id[q.previous_id])
            history = [(by_id[q.previous_id].question, prev.text)]
        t0 = time.perf_counter()
        answer = assistant.ask(q.question, filters=_filters(q), mode=mode, k=k, history=history)
        answer.timings.setdefault("total_ms", (time.perf_counter() - t0) * 1000)
        answers[q.id] = answer
        return answer

    try:
        for q in tqdm(questions, desc="eval", unit="q", disable=not progress):
            answer = answers.get(q.id) or ask(q)
            wide = assistant.retriever.retrieve(answer.standalone_question or q.question, _filters(q), k=max(k or assistant.retriever.k, RECALL_K)).passages
            rows.append(score_question(q, answer, k, judge, wide))
    except KeyboardInterrupt:
        interrupted = True
    return rows, summarize(rows, len(questions), judge.name, interrupted)


def write(rows: list[dict], summary: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
