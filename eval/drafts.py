"""Collect the local model's raw drafts (before the verifier) on a question set.

    python -m eval.drafts --dataset eval/datasets/archive.jsonl --split dev --out DIR [--model qwen2.5-coder-1.5b] [--limit N]

Each drafted sentence is written to ``DIR/drafts.jsonl`` with the question, the model and the
passages it cites (doc id, chunk offsets and text), as the backend wrote it: no verifier has
seen it. These are the raw material of the natural-error claims (``eval/claims_natural.py``),
which a reader labels by hand. The output holds archive text, so it goes to a folder outside
the project. Lines already in the output are skipped, so a stopped run resumes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m eval.drafts", description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, required=True)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--model", default=None, help="local model name (default: the configured one)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--kinds", default="", help="comma-separated question kinds (default: all but follow-ups)")
    args = ap.parse_args(argv)

    from assistant.assistant import Assistant
    from assistant.backends import BackendError
    from assistant.types import Draft
    from ingest.settings import Settings

    settings = Settings.load()
    if args.model:
        settings.llm.local_model = args.model
    assistant = Assistant.from_settings(settings)
    backend = assistant.backend("local")
    rows = [json.loads(line) for line in args.dataset.read_text(encoding="utf-8").splitlines() if line.strip()]
    kinds = set(filter(None, args.kinds.split(",")))
    rows = [r for r in rows if r.get("split") == args.split and not r.get("previous_id")
            and (r["kind"] in kinds if kinds else r["kind"] != "follow-up")]
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / "drafts.jsonl"
    done = {json.loads(line)["qid"] for line in out.read_text(encoding="utf-8").splitlines()} if out.exists() else set()
    n = 0
    with out.open("a", encoding="utf-8") as f:
        for r in rows:
            if r["id"] in done:
                continue
            if args.limit and n >= args.limit:
                break
            n += 1
            t0 = time.perf_counter()
            passages = assistant.fit_context(assistant.retriever.retrieve(r["question"], None, None).passages)
            try:
                draft = next(e for e in backend.stream(r["question"], passages) if isinstance(e, Draft))
            except BackendError as e:  # (the product falls back to extractive; no draft of the model's to label)
                draft = Draft([], answerable=False, note=str(e))
            ms = (time.perf_counter() - t0) * 1000
            for i, s in enumerate(draft.sentences):
                cited = [passages[c - 1] for c in s.citations if 1 <= c <= len(passages)]
                f.write(json.dumps({
                    "qid": r["id"], "kind": r["kind"], "question": r["question"], "model": backend.model_name,
                    "i": i, "sentence": s.text, "answerable": draft.answerable, "ms": round(ms),
                    "passages": [{"n": c, "doc_id": p.doc_id, "chunk_id": p.chunk_id, "start": p.start, "end": p.end,
                                  "published": p.published, "source": p.source, "text": p.text}
                                 for c, p in zip([c for c in s.citations if 1 <= c <= len(passages)], cited)],
                }, ensure_ascii=False) + "\n")
            if not draft.sentences:
                f.write(json.dumps({"qid": r["id"], "kind": r["kind"], "question": r["question"], "model": backend.model_name,
                                    "i": -1, "sentence": None, "answerable": draft.answerable, "ms": round(ms), "passages": []}) + "\n")
            f.flush()
            print(f"{r['id']} {r['kind']}: {len(draft.sentences)} sentences in {ms / 1000:.1f} s", flush=True)


if __name__ == "__main__":
    main()
