"""The labelled pairs of flagged figures (eval/datasets/conflict_pairs.jsonl): stored as pointers, scored on real stories."""

import json

import pytest

from eval.claimset import SourceTexts
from eval.conflictset import SET, score, summary
from tests.conftest import REUTERS

needs_reuters = pytest.mark.skipif(not REUTERS.is_dir(), reason=f"{REUTERS} is not here (the pairs point into Reuters-21578)")


def _pairs() -> list[dict]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_stores_pointers_and_labels_only():
    pairs = _pairs()
    assert len(pairs) >= 200 and {p["part"] for p in pairs} == {"A", "B"}
    for p in pairs:
        assert p["label"] in ("conflict", "same", "different", "unclear")
        for key in ("sentence_a", "sentence_b"):
            doc, a, b = p[key]
            assert doc.startswith("reuters21578-") and 0 <= a < b


@needs_reuters
def test_real_reports_of_one_figure_conflict_and_figures_of_two_things_do_not():
    """South Korea's 1986 surplus with the U.S. as 7.2 and 7.4 billion dlrs, and Japan's as 58.6 and 51.5 billion ("last
    year" in an April 1987 story), are one figure reported two ways; the first quarter's current account surplus and a
    shopping list of U.S. goods, Australia's terms of trade and its GDP, or the merchandise trade deficit and the
    current account deficit, are not, however close in size and words."""
    by_id = {p["pid"]: p for p in _pairs()}
    _, rows = score([by_id[k] for k in ("C005", "C185", "C009", "C069", "C103")], SourceTexts())
    assert {pid: flagged for pid, _, flagged in rows} == {"C005": True, "C185": True, "C009": False, "C069": False, "C103": False}


@needs_reuters
def test_most_flags_on_the_tuned_part_are_real_conflicts():
    """Before stop 32 the rules flagged 95 of these 108 pairs, 8 of them real conflicts; the figure is printed by
    ``python -m eval.conflictset``. Here: what is flagged is mostly a conflict, and a conflict with a stated time is
    still found."""
    got = summary(score([p for p in _pairs() if p["part"] == "A"], SourceTexts())[0])
    assert got["flagged"] >= 3 and got["precision"] >= 0.8, got
