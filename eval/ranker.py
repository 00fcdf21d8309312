"""Learn the extractive ranker's weights (assistant/data/ranker.json) on the dev split, and say how well they generalise.

    python -m eval.ranker [--dataset eval/datasets/archive.jsonl] [--split dev] [--folds 5] [--write]

For each question the sources can answer (not follow-ups: they need their conversation; not unanswerable
or trap questions: nothing should be ranked there), the extractive backend shortlists the retrieved
sentences that may answer, in its own order (the ranker off). A candidate is a positive when it holds
as many of the question's key facts as any candidate does. A logistic model over the candidates'
measures (assistant/ranker.py) is fitted; the figure printed is how often the candidate it puts first
holds those facts, against the backend's own order, measured by k-fold cross-validation over the
questions (each question scored by a model that never saw it), repeated over three shuffles.
``--write`` fits on every question and saves the model with those figures. The test split is never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from assistant.backends.extractive import RANKED
from assistant.ranker import DATA, Ranker
from assistant.types import Draft

from .harness import _filters, fact_found, load_dataset

ROOT = Path(__file__).resolve().parents[1]
C = 0.1  # the logistic model's inverse regularisation (0.01-10 tried in cross-validation; 0.1 was best, by little)


def candidates(assistant, backend, questions) -> list[dict]:
    """Per question with at least one candidate holding a key fact: its measures and each candidate's fact share."""
    out = []
    for q in questions:
        passages = assistant.retriever.retrieve(q.question, _filters(q), None).passages
        short = backend.shortlist(q.question, passages)
        if isinstance(short, Draft):
            continue  # refused: nothing to rank
        scored = short.scored[:RANKED]  # (what the backend shows the ranker)
        share = np.array([sum(fact_found(f, c[3]) for f in q.must_include) / len(q.must_include) for c in scored])
        if share.max() > 0:
            out.append({"id": q.id, "rows": backend.measures(q.question, scored, short.passages), "best": share >= share.max()})
    return out


def fit(items: list[dict]):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.vstack([it["rows"] for it in items])
    y = np.concatenate([it["best"] for it in items]).astype(int)
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=C, max_iter=5000).fit(scaler.transform(x), y)
    return Ranker(scaler.mean_, np.where(scaler.scale_ > 0, scaler.scale_, 1.0), model.coef_[0], float(model.intercept_[0]))


def first_right(items: list[dict], ranker=None) -> float:
    """Share of questions whose first candidate (the ranker's, or the backend's own) holds the most key facts."""
    hits = [it["best"][int(np.argmax(ranker.chance(it["rows"]))) if ranker else 0] for it in items]
    return float(np.mean(hits)) if hits else 0.0


def cross_validate(items: list[dict], folds: int, shuffles: int = 3) -> float:
    hits = []
    for seed in range(shuffles):
        order = np.random.default_rng(seed).permutation(len(items))
        for f in range(folds):
            held = set(order[f::folds].tolist())
            model = fit([it for k, it in enumerate(items) if k not in held])
            hits += [first_right([it], model) for k, it in enumerate(items) if k in held]
    return float(np.mean(hits))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.ranker", description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", type=Path, default=ROOT / "eval" / "datasets" / "archive.jsonl")
    ap.add_argument("--split", default="dev", help="the split to learn from (never test)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="fit on every question and save assistant/data/ranker.json")
    args = ap.parse_args(argv)
    if args.split == "test":
        print("the test split is frozen: it is only reported, never learned from", file=sys.stderr)
        return 2
    if args.folds < 2:
        print(f"--folds must be 2 or more, not {args.folds}", file=sys.stderr)
        return 2
    from assistant.assistant import Assistant

    questions = [q for q in load_dataset(args.dataset, args.split)
                 if q.split == args.split and q.kind not in ("follow-up", "unanswerable", "trap") and q.must_include]
    assistant = Assistant.from_settings()
    backend = assistant.backend("extractive")
    backend.ranker = None  # the backend's own order is what the model learns to re-rank
    items = candidates(assistant, backend, questions)
    if len(items) < 2 * args.folds:
        print(f"only {len(items)} {args.split} questions of {args.dataset} have a retrieved candidate holding a key fact; "
              f"at least {2 * args.folds} are needed (is TRADECHAT_DATA_DIR a store of the whole archive?)", file=sys.stderr)
        return 2
    own, cv = first_right(items), cross_validate(items, args.folds)
    print(f"{len(items)} questions of {len(questions)} ({args.split}) have a candidate holding a key fact")
    print(f"first candidate holds the most key facts: backend's order {own:.3f}, ranker cross-validated {cv:.3f}")
    if args.write:
        ranker = fit(items)
        ranker.save(DATA, {"trained_on": f"{args.dataset.name}, split {args.split}, {len(items)} questions",
                           "first_right": {"own_order": round(own, 3), f"ranker_{args.folds}_fold": round(cv, 3),
                                           "ranker_in_sample": round(first_right(items, ranker), 3)}})
        print(f"wrote {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
