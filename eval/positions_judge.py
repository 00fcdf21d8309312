"""Does the local model, as a yes/no judge, raise the tracker's precision, and at what cost?

Runs the judge (assistant/positions/judge.py) on statements whose correctness a person judged
blind (items + key + judgments files, see docs/testing.md), and reports precision of the
rules alone vs the rules with the judge, the right statements the judge drops, and seconds
per statement.

    python -m eval.positions_judge ITEMS.jsonl KEY.jsonl JUDGMENTS.jsonl [--version after] [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def read(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in (json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.positions_judge", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("items", type=Path)
    ap.add_argument("key", type=Path)
    ap.add_argument("judgments", type=Path)
    ap.add_argument("--version", default="after", help="which statements of the key to judge")
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    from assistant.backends.local import LocalBackend
    from assistant.positions.judge import judge
    from ingest.settings import Settings

    items, key, truth = read(a.items), read(a.key), read(a.judgments)
    ids = [i for i in items if key[i]["version"] == a.version and i in truth]
    s = Settings()
    backend = LocalBackend(a.model, s.llm.model_dir, s.llm.n_ctx, s.llm.n_threads, s.llm.n_batch)
    backend.warm_up()
    rows, t0 = [], time.perf_counter()
    for i in ids:
        it, st = items[i], items[i]["statement"]
        keep = judge(backend, it["sentence"], (it["context"] or [""])[-1], st["party"], st["stance"], st["issue"], st.get("toward"))
        rows.append({"id": i, "keep": keep, "correct": bool(truth[i]["correct"]), "confidence": key[i].get("confidence")})
    per = (time.perf_counter() - t0) / max(1, len(ids))
    kept = [r for r in rows if r["keep"] is not False]
    out = {"statements": len(rows), "rules_precision": round(sum(r["correct"] for r in rows) / len(rows), 3),
           "judge_kept": len(kept), "judge_precision": round(sum(r["correct"] for r in kept) / max(1, len(kept)), 3),
           "right_dropped": sum(r["correct"] and r["keep"] is False for r in rows),
           "wrong_dropped": sum(not r["correct"] and r["keep"] is False for r in rows),
           "unreadable": sum(r["keep"] is None for r in rows), "seconds_per_statement": round(per, 2), "model": a.model}
    print(json.dumps(out, indent=2))
    if a.out:
        a.out.write_text(json.dumps({"summary": out, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
