"""The whole benchmark suite in one command: runs each benchmark, then prints one table and writes one JSON.

    python bench/suite.py            # full: all 21,578 Reuters stories (about 1.5 h on 2 cores)
    python bench/suite.py --quick    # one Reuters SGML file (1,000 stories), a few questions (about 10 min)
    python bench/suite.py --report   # only re-print the table from bench/results/*.json

Each benchmark measures its reference in the same run, on the same data, and
writes its own JSON under bench/results/ (or bench/results/quick/):
  ingest_bench      tradechat ingest vs raw SentenceTransformer.encode; re-ingest; peak RSS
  llamaindex_bench  naive llama-index VectorStoreIndex pipeline vs tradechat, same stories
  retrieval_bench   query embedding + hybrid (+ filters) vs a bare Chroma query, on the ingest store
  scale_bench       the same store shrunk to 10k and grown to 100k and 300k chunks, retrieval_bench on each
  answer_bench      extractive p50; local model TTFT and tokens/s next to llama.cpp's own timers
  positions_bench   cost per document of each position-extraction pass
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SCALE = (10_000, 100_000, 300_000)  # retrieval sizes besides the ingest store itself


def _get(d: dict, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def rows(res: dict) -> list[tuple[str, str, str, str]]:
    """(figure, value, reference / ratio, target) rows from the benchmarks' JSON."""
    out = []
    ing = res.get("ingest", {})
    if ing:
        out.append(("ingest wall time", f"{ing['ingest_seconds'] / 60:.1f} min, {ing['documents']:,} docs, {ing['chunks']:,} chunks",
                    f"{ing['ingest_chunks_per_s']} chunks/s", "<= 15 min (all Reuters)"))
        out.append(("ingest vs raw encoder", f"{ing['ingest_chunks_per_s']} vs {ing['raw_encode_chunks_per_s']} chunks/s",
                    f"ratio {ing['ratio_pipeline_vs_raw']}", ">= 0.90"))
        if "backend_embed_chunks_per_s" in ing:
            out.append((f"ingest vs {ing['backend']} embed() alone", f"{ing['ingest_chunks_per_s']} vs {ing['backend_embed_chunks_per_s']} chunks/s",
                        f"ratio {ing['ratio_pipeline_vs_backend']}", "(pipeline overhead)"))
        out.append(("re-ingest unchanged", f"{ing['reingest_seconds']} s", f"ratio {ing['ratio_reingest_vs_first']:.4f}", "<= 0.02"))
        out.append(("peak RSS, ingest", f"{ing['peak_rss_mib_ingest']:.0f} MiB", "", "<= 3072 MiB"))
    li = res.get("llamaindex", {})
    if li:
        out.append(("naive llama-index vs tradechat", f"{li['naive']['seconds']:.1f} s ({li['naive']['chunks']} chunks, "
                    f"{li['naive']['chunks_over_256']} truncated) vs {li['tradechat']['seconds']:.1f} s ({li['tradechat']['chunks']} chunks, "
                    f"{li['tradechat']['chunks_over_256']} truncated)", f"speed-up {li['speedup']:.2f}x", ">= 3x"))
        if "naive_fit" in li:
            out.append(("llama-index chunked to fit vs tradechat", f"{li['naive_fit']['seconds']:.1f} s ({li['naive_fit']['chunks']} chunks, "
                        f"{li['naive_fit']['chunks_over_256']} truncated) vs {li['tradechat']['seconds']:.1f} s", f"speed-up {li['speedup_same_work']:.2f}x", "(same work)"))
    for key in ("retrieval", *(f"retrieval-{n // 1000}k" for n in SCALE)):
        ret = res.get(key, {})
        for name, r in (_get(ret, "results", default={}) or {}).items():
            if name.startswith("retriever hybrid") or name.startswith("bare chroma"):
                bare = _get(ret, "results", "bare chroma query (k=40)", "p50_ms")
                ratio = f"{r['p50_ms'] / bare:.1f}x bare Chroma" if bare and not name.startswith("bare") else ""
                out.append((f"{name} @ {ret.get('chunks', '?'):,} chunks", f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms", ratio,
                            "p50 <= 50 ms at 100k" if name.startswith("retriever") else ""))
    ans = res.get("answer", {})
    if ans:
        out.append(("answer, extractive", f"p50 {_get(ans, 'extractive', 'p50_ms')} ms", "", ""))
        for m, r in ans.items():
            if m != "extractive" and isinstance(r, dict) and "ttft_ms" in r:
                out.append((f"answer, {m}", f"TTFT {r['ttft_ms'] / 1000:.1f} s, total {r['total_ms'] / 1000:.1f} s, "
                            f"{r['llama_gen_tok_per_s']} tok/s out, {r['llama_prompt_tok_per_s']} tok/s in",
                            f"TTFT/llama.cpp prompt eval {r['ratio_ttft_vs_llama_prompt_eval']}, total/llama.cpp eval {r['ratio_total_vs_llama_eval']}", ""))
    pos = res.get("positions", {})
    if pos:
        out.append(("positions, rule pass", f"{_get(pos, 'reuters_trade', 'rule_ms_per_doc')} ms/doc",
                    f"precision {_get(pos, 'rules', 'precision')}", ""))
        for m, r in _get(pos, "models", default={}).items():
            out.append((f"positions, model pass {m}", f"{r['s_per_doc']} s/doc", f"precision {r['precision']}", ""))
    return out


def table(res: dict) -> str:
    lines = [f"{'figure':44} {'measured':60} {'reference / ratio':40} target", "-" * 160]
    lines += [f"{a:44} {b:60} {c:40} {d}" for a, b, c, d in rows(res)]
    return "\n".join(lines)


def run(cmd: list[str], log) -> float:
    t0 = time.perf_counter()
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="one SGML file and few questions instead of everything")
    ap.add_argument("--report", action="store_true", help="only print the table from existing results")
    ap.add_argument("--skip", nargs="*", default=[], choices=["ingest", "llamaindex", "retrieval", "scale", "answer", "positions"])
    args = ap.parse_args()
    out_dir = BENCH / "results" / ("quick" if args.quick else "")
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"ingest": "ingest-reuters-full.json", "llamaindex": "llamaindex.json", "retrieval": "retrieval-reuters-full.json",
             "answer": "answer.json", "positions": "positions.json", **{f"retrieval-{n // 1000}k": f"retrieval-{n // 1000}k.json" for n in SCALE}}
    py = sys.executable
    if not args.report:
        with tempfile.TemporaryDirectory(prefix="tradechat-suite-") as tmp, open(out_dir / "suite.log", "w") as log:
            store = Path(tmp) / "reuters"
            steps = {
                "ingest": [py, "bench/ingest_bench.py", "--data-dir", str(store), "--out", str(out_dir / files["ingest"])]
                          + (["--limit-files", "1"] if args.quick else ["--raw-sample", "6000"]),
                "llamaindex": [py, "bench/llamaindex_bench.py", "--out", str(out_dir / files["llamaindex"])]
                              + (["--corpus", str(ROOT.parent / "shared" / "corpora" / "reuters21578" / "reut2-000.sgm")] if args.quick else []),
                "retrieval": [py, "bench/retrieval_bench.py", "--data-dir", str(store), "--out", str(out_dir / files["retrieval"])]
                             + (["--repeat", "1"] if args.quick else []),
                "answer": [py, "bench/answer_bench.py", "--data-dir", str(store), "--out", str(out_dir / files["answer"]),
                           "--dataset", "eval/datasets/reuters-trade.jsonl"] + (["--n", "1"] if args.quick else []),
                "positions": [py, "bench/positions_bench.py", "--out", str(out_dir / files["positions"])]
                             + (["--models", "qwen2.5-coder-0.5b"] if args.quick else []),
            }
            if not args.quick:  # the scale points sit between retrieval and the answers (they need the ingest store)
                steps = dict(steps)
                after = {k: steps.pop(k) for k in ("answer", "positions")}
                for n in SCALE:
                    grown = Path(tmp) / f"scale-{n}"
                    steps[f"scale-{n // 1000}k"] = [py, "bench/scale_bench.py", "--from", str(store), "--chunks", str(n), "--data-dir", str(grown)]
                    steps[f"retrieval-{n // 1000}k"] = [py, "bench/retrieval_bench.py", "--data-dir", str(grown),
                                                        "--out", str(out_dir / files[f"retrieval-{n // 1000}k"])]
                steps.update(after)
            for name, cmd in steps.items():
                group = name.split("-")[0]
                if group in args.skip or (group in ("retrieval", "scale") and "ingest" in args.skip) or (
                        name.startswith("retrieval-") and "scale" in args.skip):
                    continue
                print(f"{name}: {run(cmd, log):.0f} s (log: {out_dir / 'suite.log'})", flush=True)
                if name.startswith("retrieval-"):  # a grown store is a few GB: drop it once measured
                    shutil.rmtree(Path(tmp) / f"scale-{int(name.split('-')[1][:-1]) * 1000}", ignore_errors=True)
    res = {}
    for name, f in files.items():
        p = out_dir / f
        if p.exists():
            res[name] = json.loads(p.read_text())
    print()
    print(table(res))
    (out_dir / "suite.json").write_text(json.dumps({"rows": [dict(zip(("figure", "measured", "reference", "target"), r))
                                                              for r in rows(res)], "results": res}, indent=2))
    print(f"\nwritten {out_dir / 'suite.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
