"""How well are conflicting figures told from different ones? Scores ``assistant.conflicts.sentence_conflict`` on
``eval/datasets/conflict_pairs.jsonl``.

    python -m eval.conflictset [--set eval/datasets/conflict_pairs.jsonl] [--part A|B|all] [--list]

A line is a pair of sentences from two stories, each a pointer ``[doc_id, start, end]`` into the archive (its text
is never stored here), with the figure picked from each and a label given by a helper session that saw neither the
code nor its verdicts, from the two sentences and their stories' dates alone: ``conflict`` (one quantity, for one
owner and time, reported with two values), ``same`` (one quantity, values agree), ``different`` (two quantities) or
``unclear``. The pairs are every pair the answers to the dev questions flagged as conflicting before stop 32 (215;
one could not be found again in its story). Part ``A`` (odd ids) was read while the rules were tightened; part ``B``
(even ids) was not, except for the ids of its errors. Printed: per part, the pairs flagged, precision (flagged pairs
labelled ``conflict``) and recall (``conflict`` pairs flagged).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from .claimset import SourceTexts

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "eval" / "datasets" / "conflict_pairs.jsonl"


def score(pairs: list[dict], texts: SourceTexts) -> tuple[Counter, list[tuple[str, str, bool]]]:
    """(counts of (label, flagged), [(pid, label, flagged)])."""
    from assistant.conflicts import sentence_conflict

    counts: Counter = Counter()
    rows = []
    for p in pairs:
        (da, a0, a1), (db, b0, b1) = p["sentence_a"], p["sentence_b"]
        flagged = sentence_conflict(texts.text(da)[a0:a1], texts.text(db)[b0:b1],
                                    published_a=texts.get(da).published, published_b=texts.get(db).published) is not None
        counts[p["label"], flagged] += 1
        rows.append((p["pid"], p["label"], flagged))
    return counts, rows


def summary(counts: Counter) -> dict:
    flagged = sum(v for (_, f), v in counts.items() if f)
    right = counts["conflict", True]
    conflicts = right + counts["conflict", False]
    return {"pairs": sum(counts.values()), "conflicts": conflicts, "flagged": flagged,
            "precision": round(right / flagged, 3) if flagged else None, "recall": round(right / conflicts, 3) if conflicts else None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.conflictset", description=__doc__.split("\n")[0])
    ap.add_argument("--set", type=Path, default=SET)
    ap.add_argument("--part", choices=["A", "B", "all"], default="all")
    ap.add_argument("--list", action="store_true", help="also list each pair the rules get wrong")
    args = ap.parse_args(argv)
    try:
        pairs = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as e:
        print(f"cannot read {args.set}: {e}", file=sys.stderr)
        return 2
    texts = SourceTexts()
    for part in (["A", "B"] if args.part == "all" else [args.part]):
        counts, rows = score([p for p in pairs if p["part"] == part], texts)
        print(f"part {part}: " + ", ".join(f"{k} {v}" for k, v in summary(counts).items()))
        if args.list:
            for pid, label, flagged in rows:
                if flagged != (label == "conflict"):
                    print(f"  {pid}: labelled {label}, {'flagged' if flagged else 'not flagged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
