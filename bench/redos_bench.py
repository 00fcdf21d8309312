"""Worst-case cleaning time per 10 KB line, over every adversarial shape (target <= 100 ms).

    python bench/redos_bench.py [--size 10000] [--pairs N]

Runs each shape of tests/ingest/adversarial.py (every fragment alone and every ordered
pair, each with seven endings) through the scrape cleaner, the furniture filter and the
Markdown / JSONL / SGML loaders, and prints the median and the worst time of each, the
worst shape, and the ratio to the target. Also times the largest single line the loaders
accept (200,000 characters) through the cleaner.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.clean import clean_scrape, strip_furniture  # noqa: E402
from ingest.loaders import MAX_LINE_CHARS  # noqa: E402
from tests.ingest.adversarial import line, shapes  # noqa: E402
from tests.ingest.test_redos import _through_loaders  # noqa: E402

TARGET_MS = 100.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--pairs", type=int, default=None, help="sample this many fragment pairs (default: all)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    fns = {"clean_scrape": clean_scrape, "strip_furniture": strip_furniture, "md+sgml+jsonl loaders": lambda t: _through_loaders(tmp, t)}
    cases = list(shapes(a.size, a.pairs))
    print(f"{len(cases)} adversarial lines of {a.size:,} characters")
    for name, fn in fns.items():
        times = []
        for label, text in cases:
            t0 = time.perf_counter()
            fn(text)
            times.append(((time.perf_counter() - t0) * 1000, label))
        worst = max(times)
        med = statistics.median(t for t, _ in times)
        print(f"{name:24} median {med:6.1f} ms   worst {worst[0]:6.1f} ms ({worst[0] / TARGET_MS:.2f} of target) on {worst[1]}")
    big = line(("Trade talks resumed on Monday, ", "officials said. "), "", MAX_LINE_CHARS)
    t0 = time.perf_counter()
    clean_scrape(big)
    print(f"largest accepted line ({MAX_LINE_CHARS:,} characters of prose): clean_scrape {(time.perf_counter() - t0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
