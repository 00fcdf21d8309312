"""Answer latency: extractive p50, and the local model next to llama.cpp's own timers.

    python bench/answer_bench.py --data-dir DIR [--models qwen2.5-coder-0.5b qwen2.5-coder-1.5b] [--n 3]

For the local model each question is run through the same prompt and JSON
schema the `local` backend uses; we time the first streamed token and the whole
answer, and read llama.cpp's perf counters for the same call (prompt tokens and
their evaluation time, generated tokens and theirs). The ratio rows compare our
end-to-end figures with what llama.cpp says the model itself spent.
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

from assistant.assistant import Assistant
from assistant.prompts import ANSWER_SCHEMA, answer_messages
from eval.harness import load_dataset
from ingest.settings import Settings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--dataset", type=Path, default=ROOT / "eval" / "datasets" / "sample.jsonl")
    ap.add_argument("--models", nargs="*", default=["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"])
    ap.add_argument("--n", type=int, default=3, help="questions per model")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "answer.json")
    args = ap.parse_args()

    questions = [q.question for q in load_dataset(args.dataset)]
    settings = Settings.load(data_dir=args.data_dir)
    a = Assistant.from_settings(settings)
    a.ask(questions[0], mode="extractive")  # warm caches and models
    ext = []
    for q in questions:
        t0 = time.perf_counter()
        a.ask(q, mode="extractive")
        ext.append((time.perf_counter() - t0) * 1000)
    out = {"extractive": {"p50_ms": round(statistics.median(ext), 1), "n": len(ext)}}
    print(f"extractive answer p50 {out['extractive']['p50_ms']} ms over {len(ext)} questions")

    import llama_cpp

    for model in args.models:
        settings.llm.local_model = model
        backend = Assistant.from_settings(settings, embedder=a.embedder).backend("local")
        llm = backend.llm
        rows = []
        for q in questions[: args.n]:
            passages = a.fit_context(a.retriever.retrieve(q).passages)
            llama_cpp.llama_perf_context_reset(llm._ctx.ctx)
            t0 = time.perf_counter()
            first = None
            n_chunks = 0
            for chunk in llm.create_chat_completion(messages=answer_messages(q, passages), stream=True,
                                                    response_format={"type": "json_object", "schema": ANSWER_SCHEMA},
                                                    temperature=0.0, max_tokens=settings.llm.max_tokens):
                if chunk["choices"][0]["delta"].get("content"):
                    first = first or time.perf_counter()
                    n_chunks += 1
            total = time.perf_counter() - t0
            perf = llama_cpp.llama_perf_context(llm._ctx.ctx)
            rows.append({
                "ttft_ms": (first - t0) * 1000 if first else None, "total_ms": total * 1000,
                "prompt_tokens": perf.n_p_eval, "prompt_eval_ms": perf.t_p_eval_ms,
                "gen_tokens": perf.n_eval, "gen_eval_ms": perf.t_eval_ms,
            })
        med = lambda k: statistics.median(r[k] for r in rows if r[k] is not None)
        res = {
            "ttft_ms": round(med("ttft_ms")), "total_ms": round(med("total_ms")),
            "prompt_tokens": round(med("prompt_tokens")),
            "llama_prompt_tok_per_s": round(med("prompt_tokens") / med("prompt_eval_ms") * 1000, 1),
            "llama_gen_tok_per_s": round(med("gen_tokens") / med("gen_eval_ms") * 1000, 1),
            "llama_prompt_eval_ms": round(med("prompt_eval_ms")),
            "ratio_ttft_vs_llama_prompt_eval": round(med("ttft_ms") / med("prompt_eval_ms"), 2),
            "ratio_total_vs_llama_eval": round(med("total_ms") / (med("prompt_eval_ms") + med("gen_eval_ms")), 2),
            "runs": rows,
        }
        out[model] = res
        print(f"{model}: TTFT {res['ttft_ms']} ms (llama.cpp prompt eval {res['llama_prompt_eval_ms']} ms for "
              f"{res['prompt_tokens']} tokens = {res['llama_prompt_tok_per_s']} tok/s; ratio {res['ratio_ttft_vs_llama_prompt_eval']}), "
              f"total {res['total_ms']} ms, generation {res['llama_gen_tok_per_s']} tok/s, "
              f"total vs llama.cpp eval time {res['ratio_total_vs_llama_eval']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
