"""Assemble archive.jsonl from the blind writers' files and freeze its dev/test split.

    python eval/datasets/build_archive.py /work/blind/questions-A.jsonl /work/blind/questions-B.jsonl

Each question keeps the writer's id, kind, gold documents and must-include facts (each
fact a list of accepted variants). The split is drawn once with a fixed seed, by question
*group*: a follow-up travels with the question it follows. About 40% of the groups go to
`test`. Run it only when adding questions: existing ids keep the split they have.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

OUT = Path(__file__).with_name("archive.jsonl")
SEED = 20261129
TEST_SHARE = 0.4


def main(paths: list[str]) -> None:
    rows = [json.loads(line) for p in paths for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]
    old = {}
    if OUT.exists():
        old = {r["id"]: r["split"] for r in map(json.loads, OUT.read_text(encoding="utf-8").splitlines()) if r}
    group = {r["id"]: r.get("previous_id") or r["id"] for r in rows}
    roots = sorted(set(group.values()))
    rng = random.Random(SEED)
    drawn = {g: ("test" if rng.random() < TEST_SHARE else "dev") for g in roots}
    with OUT.open("w", encoding="utf-8") as f:
        for r in rows:
            r["split"] = old.get(r["id"]) or drawn[group[r["id"]]]
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    n_test = sum(1 for r in rows if r["split"] == "test")
    print(f"{len(rows)} questions: {len(rows) - n_test} dev, {n_test} test -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
