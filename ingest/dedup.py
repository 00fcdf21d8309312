"""Near-duplicate documents: the same wire story carried by several outlets, lightly edited.

Each document gets a MinHash signature (datasketch) over word 5-shingles of its
cleaned text; documents whose estimated Jaccard similarity is at least
``threshold`` (LSH candidates, then checked) form a group. The group's canonical
copy is the earliest published (then the shortest id). Syndicated copies are
often trimmed, so a pair also counts when nearly all of the shorter text's
shingles are in the longer one (containment >= ``containment``, estimated from
the Jaccard estimate and the shingle counts). Every member keeps its
own outlet and date, shown as provenance with a citation ("also carried by …").
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

import numpy as np

from .dates import days_apart
from .settings import IngestSettings

log = logging.getLogger(__name__)

NUM_PERM = 128
SHINGLE = 5
SCHEME = "affine32"  # datasketch hashing scheme; stored signatures depend on it
_WORD = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=1)
def _permutations():
    """The hash permutations, drawn once (datasketch would redraw them for every MinHash)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def signature(text: str) -> np.ndarray:
    """MinHash hash values (uint64) of the text's word 5-shingles, then the number of shingles."""
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i: i + SHINGLE]).encode() for i in range(max(1, len(words) - SHINGLE + 1))}
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, permutations=_permutations())
    m.update_batch(list(shingles))
    return np.append(m.hashvalues.astype(np.uint64), np.uint64(len(shingles)))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a[:NUM_PERM] == b[:NUM_PERM]))


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated share of the smaller document's shingles found in the other."""
    j, na, nb = similarity(a, b), int(a[NUM_PERM]), int(b[NUM_PERM])
    inter = j * (na + nb) / (1 + j)
    return inter / max(1, min(na, nb))


def _minhash(sig: np.ndarray):
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=sig[:NUM_PERM], scheme=SCHEME, permutations=_permutations())


_DEFAULTS = IngestSettings()


def is_copy(a: np.ndarray, b: np.ndarray, pa: str | None, pb: str | None, settings: IngestSettings = _DEFAULTS) -> bool:
    """Are two signed documents copies of one story (settings ``ingest.duplicate_*``)?"""
    if min(int(a[NUM_PERM]), int(b[NUM_PERM])) < settings.duplicate_min_shingles or days_apart(pa, pb) > settings.duplicate_max_days:
        return False
    return similarity(a, b) >= settings.duplicate_threshold or containment(a, b) >= settings.duplicate_containment


def groups(signatures: dict[str, np.ndarray], published: dict[str, str | None], settings: IngestSettings = _DEFAULTS) -> dict[str, str]:
    """doc_id -> canonical doc_id, for every document in a group of two or more."""
    from datasketch import MinHashLSH

    # 32 bands of 4 rows: a pair at Jaccard 0.7 becomes a candidate with p > 0.9998,
    # one at 0.1 with p < 0.004; every candidate is checked on the full signature
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(32, 4))
    for doc_id, sig in signatures.items():
        lsh.insert(doc_id, _minhash(sig))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for doc_id, sig in signatures.items():
        for other in lsh.query(_minhash(sig)):
            if other != doc_id and is_copy(sig, signatures[other], published.get(doc_id), published.get(other), settings):
                ra, rb = find(doc_id), find(other)
                if ra != rb:
                    parent[ra] = rb
    members: dict[str, list[str]] = {}
    for doc_id in signatures:
        members.setdefault(find(doc_id), []).append(doc_id)
    out: dict[str, str] = {}
    for group in members.values():
        if len(group) < 2:
            continue
        canonical = min(group, key=lambda d: (published.get(d) or "9999", len(d), d))
        out.update({d: canonical for d in group})
    return out


def group_members(canonical_of: dict[str, str], doc_ids: Iterable[str]) -> dict[str, list[str]]:
    """For the given docs: the other members of their group."""
    by_canon: dict[str, list[str]] = {}
    for d, c in canonical_of.items():
        by_canon.setdefault(c, []).append(d)
    return {d: [m for m in by_canon[canonical_of[d]] if m != d] for d in doc_ids if d in canonical_of}


def regroup(docs, settings: IngestSettings = _DEFAULTS) -> dict[str, str]:
    """Recompute the near-duplicate groups over every document a DocStore holds and store
    them; returns doc_id -> canonical. Documents stored without a signature are signed first."""
    unsigned = docs.unsigned_texts()
    if unsigned:
        docs.save_signatures({d: signature(text) for d, text in unsigned})
    sigs, published = docs.signatures()
    mapping = groups(sigs, published, settings)
    docs.set_groups(mapping)
    log.info("near-duplicates: %d documents in %d groups", len(mapping), len(set(mapping.values())))
    return mapping
