"""Would the local model choose answer sentences better than the extractive scores? Measured, not yet used.

    python -m eval.choose [--split dev] [--ids-prefix C-] [--limit N] [--candidates 8] [--out DIR]

For each question (not follow-ups: they need their conversation), the extractive backend's
scoring ranks the retrieved passages' sentences; the local model reads the question and the
top candidates, numbered and dated, and answers under a JSON schema with the numbers of the
sentences that answer it, or none. The chosen sentences are quoted verbatim, so nothing can be
invented; the figures are the harness's own (every key fact present, refusal of unanswerable and
trap questions), next to the extractive answer's on the same questions, with seconds per question.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from .harness import fact_found, load_dataset

ROOT = Path(__file__).resolve().parents[1]
SYSTEM = ("You choose which numbered news sentences answer a question. Choose a sentence only if it states what is "
          "asked: the date for 'when', the figure for 'how much', the named person's own words for 'what did X say', "
          "the reason for 'why', the party's position for a stance. A sentence about the same topic that does not "
          "state the asked fact is not an answer, nor is one about another year, person, company or country. "
          "Give 'best': the number of the sentence that answers best, or 0 if none answers; 'also': other sentences needed "
          "for a full answer (often none). Reply with JSON only.")


def schema(n: int) -> dict:
    return {"type": "object", "properties": {"best": {"type": "integer", "minimum": 0, "maximum": n},
                                             "also": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": n},
                                                      "maxItems": 2}},
            "required": ["best", "also"]}


def choose(llm, question: str, cands: list[tuple[str, str]]) -> list[int]:
    """Numbers (1-based) of the candidates the model picks; ``cands``: (date, sentence)."""
    listing = "\n".join(f"{k}. ({d}) {s}" for k, (d, s) in enumerate(cands, 1))
    text = llm.structured([{"role": "system", "content": SYSTEM},
                           {"role": "user", "content": f"Question: {question}\n\nSentences:\n{listing}\n\nWhich sentences answer the question?"}],
                          schema(len(cands)), max_tokens=40)
    try:
        out = json.loads(text)
        picked = [out["best"], *out.get("also", [])] if out["best"] else []
    except (ValueError, KeyError, TypeError):
        return []
    return [k for k in dict.fromkeys(picked) if isinstance(k, int) and 1 <= k <= len(cands)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.choose", description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, default=ROOT / "eval" / "datasets" / "archive.jsonl")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--ids-prefix", default="")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--candidates", type=int, default=8)
    ap.add_argument("--bearing", action="store_true", help="candidates from the rules' shortlist (sentences holding what is asked)")
    ap.add_argument("--out", type=Path, default=ROOT / "test-output" / "choose")
    args = ap.parse_args(argv)

    from assistant.assistant import Assistant
    from assistant.backends.extractive import ExtractiveBackend
    from assistant.backends.local import LocalBackend
    from assistant.types import Draft
    from ingest.dates import parse_day
    from ingest.settings import Settings

    settings = Settings.load()
    assistant = Assistant.from_settings(settings)
    extractive = ExtractiveBackend.from_settings(settings, assistant.embedder)
    llm = LocalBackend.from_settings(settings)
    qs = [q for q in load_dataset(args.dataset, args.split) if q.kind != "follow-up" and q.id.startswith(args.ids_prefix)]
    if args.limit:
        qs = qs[:args.limit]
    rows, secs = [], []
    for q in qs:
        passages = assistant.retriever.retrieve(q.question).passages
        base = assistant.ask(q.question, mode="extractive")
        if args.bearing:  # the rules' shortlist: only sentences holding what is asked; none -> refused
            short = extractive.shortlist(q.question, passages)
            scored = [] if isinstance(short, Draft) else short.scored
        else:
            scored = sorted(extractive.score(q.question, passages), key=lambda t: (-t[0], t[1], t[2]))
        seen, cands = set(), []
        for score, n, j, s in scored:
            if s not in seen:
                seen.add(s)
                cands.append((n, s))
            if len(cands) == args.candidates:
                break
        dated = [(str(parse_day(passages[n - 1].published) or "undated"), s) for n, s in cands]
        t0 = time.perf_counter()
        picked = choose(llm, q.question, dated) if cands else []
        secs.append(time.perf_counter() - t0)
        text = " ".join(cands[k - 1][1] for k in picked)
        cited = {passages[cands[k - 1][0] - 1].doc_id for k in picked}
        rows.append({"id": q.id, "kind": q.kind, "answerable": q.answerable, "picked": picked, "n_candidates": len(cands),
                     "facts": all(fact_found(f, text) for f in q.must_include) if picked else False,
                     "gold": bool(set(q.doc_ids) & cited), "refused": not picked,
                     "base_facts": all(fact_found(f, base.text) for f in q.must_include) if not base.refused else False,
                     "base_gold": bool(set(q.doc_ids) & {c.doc_id for c in base.citations}), "base_refused": base.refused,
                     "facts_in_candidates": all(any(fact_found(f, s) for _, s in cands) for f in q.must_include)})
        print(json.dumps(rows[-1]), flush=True)
    ans = [r for r in rows if r["answerable"]]
    un = [r for r in rows if not r["answerable"]]
    mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else None  # noqa: E731
    summary = {"split": args.split, "bearing": args.bearing, "questions": len(rows), "answerable": len(ans), "unanswerable": len(un),
               "chooser": {"facts_all": mean([r["facts"] for r in ans]), "gold_cited": mean([r["gold"] for r in ans]),
                           "refused_when_unanswerable": mean([r["refused"] for r in un]),
                           "seconds_p50": round(statistics.median(secs), 2) if secs else None},
               "extractive": {"facts_all": mean([r["base_facts"] for r in ans]), "gold_cited": mean([r["base_gold"] for r in ans]),
                              "refused_when_unanswerable": mean([r["base_refused"] for r in un])},
               "facts_in_candidates": mean([r["facts_in_candidates"] for r in ans])}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"summary-{args.split}{'-bearing' if args.bearing else ''}.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
