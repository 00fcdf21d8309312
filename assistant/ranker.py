"""Which shortlisted sentence answers best: a linear model over a few measures of each candidate.

The extractive backend's hand-weighted score (meaning + shared words + headline) decides what may
answer at all (its floor refuses, its margin bounds the answer). Among the sentences that may, this
model picks the one to lead with. Its weights are learned on the dev split of the archive question
set by ``python -m eval.ranker`` and kept as data (``data/ranker.json``), with the cross-validated
figures they were kept on; nothing is learned at run time.

What a candidate is measured by (``FEATURES``, in order): its score and its distance from the best
score; its cosine similarity to the question; the share of the question's content words it holds,
plain and weighted by how rare each word is in the store (rare words are names and particulars),
also counting its headline; the rarest word it shares; its passage's retrieval rank; its place in
the passage; its length; whether it holds a digit or a quotation mark.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .scoring import STOPWORDS, content_words

DATA = Path(__file__).with_name("data") / "ranker.json"
FEATURES = ("score", "gap", "similarity", "overlap", "rare_overlap", "rare_overlap_headline", "rarest_shared",
            "passage_rank", "lead", "place", "length", "digit", "quote")
_TOKEN = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> set[str]:
    return {w for w in _TOKEN.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS}


def measures(question: str, scored: list[tuple], titles: dict[int, str], sims: list[float],
             weight: Callable[[str], float] | None) -> np.ndarray:
    """One row of FEATURES per candidate. ``scored``: (score, passage number, sentence order, sentence, ...) best
    first; ``titles``: passage number -> headline; ``sims``: each candidate's cosine similarity to the question;
    ``weight(word)``: how rare a word is in the store (None: every word weighs 1)."""
    q_tokens = _tokens(question)
    rare = {w: (weight(w) if weight else 1.0) for w in q_tokens}
    total = sum(rare.values()) or 1.0
    q_words = content_words(question)
    top = scored[0][0] if scored else 0.0
    headline = {n: _tokens(t) for n, t in titles.items()}  # (read once per passage, not per candidate)
    rows = []
    for c, sim in zip(scored, sims):
        score, n, j, s = c[:4]
        toks = _tokens(s)
        shared = q_tokens & toks
        rows.append([score, top - score, sim, len(q_words & content_words(s)) / max(1, len(q_words)),
                     sum(rare[w] for w in shared) / total,
                     sum(rare[w] for w in q_tokens & (toks | headline.get(n, set()))) / total,
                     max((rare[w] for w in shared), default=0.0), 1 / n, float(j == 0), min(j, 20) / 20,
                     math.log(max(1, len(s.split()))), float(any(ch.isdigit() for ch in s)), float('"' in s)])
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


@dataclass(frozen=True)
class Ranker:
    """``chance(rows)``: how likely each candidate is the best answer (logistic over standardised FEATURES)."""
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    @classmethod
    def load(cls, path: Path = DATA) -> Ranker | None:
        """The saved model, or None when there is none (the backend then keeps its own order)."""
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: its features {data['features']} are not this code's {list(FEATURES)}; retrain it "
                             "(python -m eval.ranker)")
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]), float(data["bias"]))

    def chance(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        return 1 / (1 + np.exp(-z))

    def save(self, path: Path, about: dict) -> None:
        data = {"features": list(FEATURES), "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
                "weights": self.weights.round(6).tolist(), "bias": round(self.bias, 6), **about}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
