"""Time to first verified text in the default (auto) mode, and to the local model's full answer.

    python bench/first_text_bench.py --data-dir DIR [--n 6] [--model qwen2.5-coder-1.5b]

Over the sample questions on a store (the demo's sample store is the reference), after a
warm-up: with ``answer.quick_first`` on, the first verified text is the quoted answer shown
at once; with it off (how the chat worked before), it is the model's verified answer. The
full-answer time is the same model answer either way. Medians, and the off/on ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.assistant import Assistant  # noqa: E402
from assistant.types import Final, Quick  # noqa: E402
from eval.harness import load_dataset  # noqa: E402
from ingest.settings import Settings  # noqa: E402


def fresh(assistant: Assistant) -> None:
    """Forget this run's earlier questions (cached sentence vectors, the model's cached prompts), keep what
    a warm chat holds for every question (the answer prompt's fixed start, evaluated by the warm-up)."""
    from llama_cpp import LlamaRAMCache

    assistant.embedder._cache.clear()
    backend = assistant.backend("auto")
    if backend.name == "local":
        backend.llm.set_cache(LlamaRAMCache(capacity_bytes=512 << 20))
        backend.warm_up()


def timed(assistant: Assistant, question: str) -> tuple[float, float]:
    """(seconds to the first verified answer shown, seconds to the final answer), from a fresh start."""
    fresh(assistant)
    t0, first = time.perf_counter(), None
    for event in assistant.ask_stream(question, mode="auto"):
        if isinstance(event, Quick | Final) and first is None:
            first = time.perf_counter() - t0
    return first, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--dataset", type=Path, default=ROOT / "eval" / "datasets" / "sample.jsonl")
    ap.add_argument("--n", type=int, default=6, help="questions (each is answered twice by the model)")
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "first-text.json")
    args = ap.parse_args()

    settings = Settings.load(data_dir=args.data_dir)
    settings.llm.backend, settings.llm.local_model = "auto", args.model
    assistant = Assistant.from_settings(settings)
    warm = assistant.warm_up()
    print("warm-up: " + ", ".join(f"{k} {v:.1f} s" for k, v in warm.items()))
    questions = [q.question for q in load_dataset(args.dataset)][: args.n]
    rows = {}
    for quick in (True, False):
        settings.answer.quick_first = quick
        rows[quick] = [timed(assistant, q) for q in questions]
        for q, (first, full) in zip(questions, rows[quick]):
            print(f"  quick_first={quick!s:5}  first verified {first:6.2f} s  full {full:6.1f} s  {q[:60]}")
    med = {k: (statistics.median(f for f, _ in v), statistics.median(t for _, t in v)) for k, v in rows.items()}
    out = {"model": args.model, "questions": len(questions), "warm_up_s": warm,
           "quick_first": {"first_verified_p50_s": round(med[True][0], 2), "full_answer_p50_s": round(med[True][1], 1)},
           "model_only": {"first_verified_p50_s": round(med[False][0], 2), "full_answer_p50_s": round(med[False][1], 1)},
           "first_verified_ratio": round(med[False][0] / med[True][0], 1)}
    print(f"first verified text p50: {out['quick_first']['first_verified_p50_s']} s with the quoted answer first, "
          f"{out['model_only']['first_verified_p50_s']} s waiting for the model (x{out['first_verified_ratio']})")
    print(f"full model answer p50: {out['quick_first']['full_answer_p50_s']} s / {out['model_only']['full_answer_p50_s']} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
