"""Labelled claims for the verifier: real Reuters sentences, true and made false by one edit.

    build(part, n)   (used by ``python -m eval.claimset make``; scored by ``python -m eval.claimset run``)

Each claim is a sentence of a Reuters-21578 `trade` story, judged against the five-sentence
window around it (the sentence, two before, two after), as a cited passage would be. Families:

* ``true``: the sentence as written (must stay ``supported``);
* ``negation``: a "not" added after the first auxiliary, or removed;
* ``direction``: one word swapped for its opposite (rose/fell, surplus/deficit, ...);
* ``party``: two parties named in the sentence swapped;
* ``number``: a number changed.

The stories are split by NEWID: odd ids are ``dev`` (rules may be tuned on them), even ids
``test`` (report only). The edit lists below are this generator's own, written apart from
the verifier's vocabulary. Reuters text is read from ../shared at run time and never stored
in the project: ``eval/datasets/claims.jsonl`` holds pointers into it (``eval/claimset.py``).
"""

from __future__ import annotations

import os
import random
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRADECHAT_SHARED", ROOT.parent / "shared")) / "corpora"

AUX = re.compile(r"\b(would|will|is|are|was|were|has|have|had|can|could|should|must|did|does|do)\b(?! not\b)")
NEG = re.compile(r"\b(would|will|is|are|was|were|has|have|had|can|could|should|did|does|do) not\b|\bn't\b")
OPPOSITES = [("rose", "fell"), ("rise", "fall"), ("risen", "fallen"), ("increased", "decreased"), ("increase", "decrease"),
             ("surplus", "deficit"), ("accepted", "rejected"), ("accept", "reject"), ("lifted", "imposed"), ("lift", "impose"),
             ("raised", "cut"), ("raise", "cut"), ("expand", "curb"), ("expanded", "curbed"), ("support", "oppose"),
             ("supported", "opposed"), ("higher", "lower"), ("imports", "exports"), ("import", "export"), ("more", "fewer"),
             ("gained", "lost"), ("strengthen", "weaken"), ("approved", "rejected"), ("agreed", "refused")]
PARTIES = {"United States": ["U.S.", "United States", "Washington", "American"], "Japan": ["Japan", "Tokyo", "Japanese"],
           "European Community": ["EC", "European Community", "Brussels"], "Canada": ["Canada", "Ottawa", "Canadian"],
           "Taiwan": ["Taiwan", "Taipei"], "South Korea": ["South Korea", "Seoul"], "China": ["China", "Peking", "Chinese"],
           "Britain": ["Britain", "British", "London"], "West Germany": ["West Germany", "Bonn"], "France": ["France", "Paris", "French"],
           "Australia": ["Australia", "Canberra"], "Brazil": ["Brazil", "Brazilian"]}


def _word_swap(s: str, a: str, b: str) -> str | None:
    m = re.search(rf"\b{re.escape(a)}\b", s)
    return s[:m.start()] + b + s[m.end():] if m else None


def perturb(sent: str, family: str, rng: random.Random) -> str | None:
    if family == "negation":
        m = NEG.search(sent)
        if m:
            return (sent[:m.start()] + (m.group(1) or "") + sent[m.end():]).replace("  ", " ") if m.group(1) else None
        m = AUX.search(sent)
        return sent[:m.end()] + " not" + sent[m.end():] if m else None
    if family == "direction":
        pairs = [(a, b) for a, b in OPPOSITES if re.search(rf"\b{a}\b", sent)] + \
                [(b, a) for a, b in OPPOSITES if re.search(rf"\b{b}\b", sent)]
        if not pairs:
            return None
        a, b = rng.choice(pairs)
        return _word_swap(sent, a, b)
    if family == "party":
        found = []
        for party, names in PARTIES.items():
            for n in names:
                m = re.search(rf"\b{re.escape(n)}\b", sent)
                if m:
                    found.append((m.start(), m.end(), party, n))
                    break
        found.sort()
        distinct = {p for *_, p, _ in found}
        if len(distinct) < 2:
            return None
        (a0, a1, _, na), (b0, b1, _, nb) = found[0], next(f for f in found[1:] if f[2] != found[0][2])
        return sent[:a0] + nb + sent[a1:b0] + na + sent[b1:]
    if family == "number":
        nums = list(re.finditer(r"\b\d+(?:\.\d+)?\b", sent))
        nums = [m for m in nums if not re.fullmatch(r"19\d\d", m.group(0))]  # keep years: a date edit is another family
        if not nums:
            return None
        m = rng.choice(nums)
        v = m.group(0)
        new = str(int(v) * 2 + 1) if v.isdigit() else f"{float(v) * 2 + 0.1:.1f}"
        return sent[:m.start()] + new + sent[m.end():]
    return sent


def build(part: str, n: int, seed: int = 7) -> list[dict]:
    from ingest.loaders import load_file
    from ingest.sentences import split_sentences
    from ingest.types import Article

    stories = [a for f in sorted((SHARED / "reuters21578").glob("*.sgm")) for a in load_file(f)
               if isinstance(a, Article) and "trade" in a.extra.get("topics", ())
               and int(a.extra["newid"]) % 2 == (0 if part == "test" else 1)]
    rng = random.Random(seed)
    rng.shuffle(stories)
    claims: list[dict] = []
    per_family = defaultdict(int)
    families = ["true", "negation", "direction", "party", "number"]
    for art in stories:
        sents = [(a, b) for a, b in split_sentences(art.text)]
        for i in rng.sample(range(len(sents)), len(sents)):
            text = art.text[sents[i][0]:sents[i][1]]
            if len(text.split()) < 8:
                continue
            w0, w1 = sents[max(0, i - 2)][0], sents[min(len(sents) - 1, i + 2)][1]
            window = art.text[w0:w1]
            for fam in families:
                if per_family[fam] >= n:
                    continue
                claim = perturb(text, fam, rng)
                if claim is None or (fam != "true" and claim == text):
                    continue
                per_family[fam] += 1
                claims.append({"id": f"{part}-{fam}-{per_family[fam]}", "family": fam, "label": "supported" if fam == "true" else "false",
                               "claim": claim, "doc_id": art.doc_id, "published": art.published, "window": window,
                               "window_span": [w0, w1]})
            break  # one sentence per story per pass: many stories, not many sentences of one
        if all(per_family[f] >= n for f in families):
            break
    return claims
