"""Does the web app keep answering while it ingests hostile uploads?

    python bench/hostile_ingest_bench.py --data-dir ./data [--asks 15]

Starts `python app.py` on a copy of the given store (127.0.0.1, free port), times
/ask answers alone, then uploads a batch of hostile files through the web app's
own ingest endpoint (nav-bar lines that used to backtrack for minutes, a Markdown
file of 20,000 '![' openers, a 120 KB line, 100,000 bad JSONL lines, plus one
real article) and times /ask answers while that ingest runs. Prints the medians,
the worst answer and the ratio (target: every answer under 1 s).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.web_bench import start_app  # noqa: E402
from eval.stats import percentile  # noqa: E402

QUESTION = "What is Japan's position on the proposed U.S. auto tariffs?"


def hostile_files(folder: Path) -> list[Path]:
    nav = ("a / " * 16 + "b" * 40 + "\n") * 2_000  # the 238-byte line that froze the server, 2,000 times
    files = {
        "nav-lines.txt": "Port talks\n\n" + nav,
        "openers.md": "# Openers\n\n" + "![\n" * 20_000,
        "long-line.txt": "Long line\n\n" + ("Markets | " * 12_000),
        "bad-lines.jsonl": "not json\n" * 100_000,
        "real-article.txt": "Ottawa memo\n\nCanada said on Monday it would cut its tariff on imported barley to zero from March "
                            "under the new accord with Chile, trade officials said.\n",
    }
    out = []
    for name, text in files.items():
        (folder / name).write_text(text)
        out.append(folder / name)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data")
    ap.add_argument("--asks", type=int, default=15, help="answers timed alone (and at least this many during the ingest)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "hostile-ingest.json")
    args = ap.parse_args()
    from gradio_client import Client, handle_file

    work = Path(tempfile.mkdtemp(prefix="tc-hostile-"))
    data = work / "data"
    shutil.copytree(args.data_dir, data, ignore=shutil.ignore_patterns("uploads"))
    files = hostile_files(work)
    proc, url = start_app(data, {"TRADECHAT_LLM__BACKEND": "extractive"})
    try:
        client = Client(url, verbose=False)

        def ask() -> float:
            t0 = time.perf_counter()
            r = client.predict(QUESTION, None, "extractive", api_name="/ask")
            assert r.get("citations"), r
            return (time.perf_counter() - t0) * 1000

        ask()  # warm
        alone = [ask() for _ in range(args.asks)]
        done, summary = threading.Event(), {}

        def ingest():
            t0 = time.perf_counter()
            up = Client(url, verbose=False)
            out = up.predict([handle_file(str(f)) for f in files], "", api_name="/ingest")
            summary["text"], summary["seconds"] = out[0], time.perf_counter() - t0
            done.set()

        threading.Thread(target=ingest, daemon=True).start()
        during = []
        while not done.is_set() or len(during) < args.asks:
            during.append(ask())
            if len(during) > 2000:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    res = {
        "asks_alone": len(alone), "alone_p50_ms": round(statistics.median(alone), 1), "alone_max_ms": round(max(alone), 1),
        "asks_during": len(during), "during_p50_ms": round(statistics.median(during), 1),
        "during_p90_ms": round(percentile(during, 0.9), 1), "during_max_ms": round(max(during), 1),
        "ratio_p50_during_vs_alone": round(statistics.median(during) / statistics.median(alone), 2),
        "ingest_seconds": round(summary.get("seconds", 0), 1), "ingest_summary": (summary.get("text") or "").splitlines()[0],
    }
    print(f"/ask alone:                {res['asks_alone']} answers, p50 {res['alone_p50_ms']} ms, max {res['alone_max_ms']} ms")
    print(f"/ask during hostile ingest: {res['asks_during']} answers, p50 {res['during_p50_ms']} ms, "
          f"p90 {res['during_p90_ms']} ms, max {res['during_max_ms']} ms (target: every answer < 1000 ms)")
    print(f"ratio p50 during/alone:    {res['ratio_p50_during_vs_alone']}")
    print(f"ingest of the hostile batch: {res['ingest_seconds']} s — {res['ingest_summary']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
