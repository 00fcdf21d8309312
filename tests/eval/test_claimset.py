"""The verifier's labelled claim set (eval/datasets/claims.jsonl): stored without archive text, scored on real sources."""

import json
import re

import pytest

from eval.claimset import MIN_RUN, SET, SourceTexts, decode, encode, load, score
from tests.conftest import REUTERS


class _Texts:
    def __init__(self, docs):
        self.docs = docs

    def text(self, doc_id):
        return self.docs[doc_id]


def test_encoding_keeps_only_our_own_words_and_decodes_exactly():
    doc = "Japan's trade surplus with the United States rose to 7.1 bln dlrs in March, the Finance Ministry said."
    claim = "The Finance Ministry said Japan's trade surplus with the United States fell to 7.1 bln dlrs in March."
    segs = encode(claim, {"d1": doc})
    assert decode(segs, _Texts({"d1": doc})) == claim
    literal = " ".join(s for s in segs if isinstance(s, str))
    words = literal.split()
    for i in range(len(words) - MIN_RUN + 1):  # no run of MIN_RUN words of the source is stored as text
        assert " ".join(words[i:i + MIN_RUN]) not in doc
    assert any(isinstance(s, list) for s in segs)


needs_reuters = pytest.mark.skipif(not REUTERS.is_dir(), reason=f"{REUTERS} is not here (the claims point into Reuters-21578)")


def test_the_stored_set_holds_no_archive_sentence():
    recs = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
    assert len(recs) >= 800
    for r in recs:
        for s in r["claim"]:
            if isinstance(s, str):
                assert len(re.findall(r"\S+", s)) < 25 or r["family"] in ("paraphrase", "natural"), r["id"]


@needs_reuters
def test_the_verifier_on_the_test_part_of_the_claim_set(embedder):
    from assistant.verify import Verifier

    recs = load(SET, "test", SourceTexts())
    fams = {r["family"] for r in recs}
    assert {"true", "negation", "direction", "party", "number", "paraphrase", "natural"} <= fams
    out = score(recs, Verifier(embedder))
    # measured: see docs/testing.md; these floors fail on a real regression, not on noise
    assert out["false_caught"] >= 0.93
    assert out["true_and_paraphrase_kept"] >= 0.93
    assert out["natural_errors"]["errors"] >= 50 and out["natural_errors"]["f1"] >= 0.7
