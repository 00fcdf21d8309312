"""Web chat under concurrent use: N gradio_client sessions at once against `python app.py`.

    python bench/web_bench.py --data-dir ./data [--sessions 20] [--mode extractive]

Starts the app on a free 127.0.0.1 port over the given store, asks N different
questions at once (each session then a follow-up), and prints errors and the
p50/p95 latency of the first answers next to the same questions asked one at a
time (the ratio is the cost of contention on this machine's cores).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.stats import percentile  # noqa: E402


def start_app(data_dir: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`python app.py` over this store on a free 127.0.0.1 port, once it answers: (process, url)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "TRADECHAT_DATA_DIR": str(data_dir), "TRADECHAT_WEB__PORT": str(port), **(env or {})}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):
        try:
            urllib.request.urlopen(url, timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"{url} did not answer")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--mode", default="extractive")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web.json")
    args = ap.parse_args()
    from gradio_client import Client

    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "datasets" / "sample.jsonl").read_text().splitlines()]
    questions = [questions[i % len(questions)] for i in range(args.sessions)]
    proc, url = start_app(args.data_dir)
    try:
        alone = []
        solo = Client(url, verbose=False)
        for q in dict.fromkeys(questions):
            t0 = time.perf_counter()
            solo.predict(q, None, args.mode, api_name="/ask")
            alone.append((time.perf_counter() - t0) * 1000)

        def session(q):
            c = Client(url, verbose=False)
            t0 = time.perf_counter()
            a = c.predict(q, None, args.mode, api_name="/ask")
            t1 = time.perf_counter()
            b = c.predict("Who said so?", a.get("history"), args.mode, api_name="/ask")
            return (t1 - t0) * 1000, ("error" in a) + ("error" in b)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.sessions) as pool:
            res = list(pool.map(session, questions))
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    lat = [r[0] for r in res]
    out = {"sessions": args.sessions, "mode": args.mode, "errors": sum(r[1] for r in res),
           "p50_ms": round(statistics.median(lat)), "p95_ms": round(percentile(lat, 0.95)),
           "alone_p50_ms": round(statistics.median(alone)), "wall_s": round(wall, 1)}
    out["p50_vs_alone"] = round(out["p50_ms"] / out["alone_p50_ms"], 1)
    print(f"{'sessions':10}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'alone p50':>11}{'ratio':>7}{'wall s':>8}")
    print(f"{out['sessions']:<10}{out['errors']:>8}{out['p50_ms']:>10}{out['p95_ms']:>10}{out['alone_p50_ms']:>11}{out['p50_vs_alone']:>7}{out['wall_s']:>8}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2))
    return 0 if out["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
