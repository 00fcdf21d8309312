"""Near-duplicate (syndicated) documents: grouped at ingest, one copy retrieved, every outlet kept as provenance."""

import re

import pytest

from assistant.types import Filters
from ingest.dedup import is_copy, signature
from ingest.settings import IngestSettings, Settings
from ingest.store import DocStore

PHASE_ONE = "How much more will China buy from the U.S. under the phase one deal?"


def _shingles(text: str) -> set:
    w = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(w[i: i + 5]) for i in range(len(w) - 4)}


def test_sample_syndicated_copy_is_grouped(sample_store_dir):
    groups = DocStore(Settings.load(data_dir=sample_store_dir).docstore_path).duplicate_groups()
    assert groups == {"capital-wire-us-china-phase-one": "capital-wire-us-china-phase-one",
                      "lakeside-us-china-phase-one": "capital-wire-us-china-phase-one"}  # the earlier story is canonical
    # two outlets covering the same Tokyo talks in their own words are not copies
    assert "pacific-ledger-us-japan-tokyo-talks" not in groups


def test_retrieval_keeps_one_copy_and_names_the_others(sample_assistant):
    ps = sample_assistant.retriever.retrieve(PHASE_ONE).passages
    docs = [p.doc_id for p in ps]
    assert "capital-wire-us-china-phase-one" in docs and "lakeside-us-china-phase-one" not in docs
    p = next(p for p in ps if p.doc_id == "capital-wire-us-china-phase-one")
    assert [(a["source"], a["published"][:10]) for a in p.also] == [("Lakeside Daily", "2020-01-16")]
    ans = sample_assistant.ask(PHASE_ONE, mode="extractive")
    c = next(c for c in ans.citations if c.doc_id == "capital-wire-us-china-phase-one")
    assert c.also and c.also[0]["source"] == "Lakeside Daily"
    # asking for the syndicating outlet still finds its copy
    only = sample_assistant.retriever.retrieve(PHASE_ONE, Filters(sources=("Lakeside Daily",))).passages
    assert only and {p.doc_id for p in only} == {"lakeside-us-china-phase-one"}


def test_copy_rules():
    story = ("Japan and the United States ended two days of talks on Tuesday without agreement on car tariffs, "
             "officials said, and will meet again next month in Washington to discuss farm goods and quotas.") * 2
    a, b = signature(story), signature(story.replace("Tuesday", "Wednesday"))
    assert is_copy(a, b, "2019-05-01", "2019-05-02")
    assert not is_copy(a, b, "2019-05-01", f"2019-05-{2 + IngestSettings().duplicate_max_days:02d}")  # a recurring template, weeks apart
    short = signature("Tokyo stock index rises 63.48 points")
    assert not is_copy(short, short, None, None)  # headline flashes are too short to call copies


@pytest.mark.slow
def test_reuters_trade_groups_are_real_copies(reuters_trade_store):
    data, _, _ = reuters_trade_store
    docs = DocStore(Settings.load(data_dir=data).docstore_path)
    groups = docs.duplicate_groups()
    members: dict[str, list[str]] = {}
    for d, c in groups.items():
        members.setdefault(c, []).append(d)
    print(f"\nReuters trade stories: {len(groups)} documents in {len(members)} near-duplicate groups")
    assert len(members) >= 10
    for canon, ds in members.items():
        texts = {d: docs.document(d) for d in ds}
        assert canon == min(ds, key=lambda d: (texts[d]["published"] or "9999", len(d), d))
        for d in ds:
            if d != canon:  # checked exactly, not by the MinHash estimate
                a, b = _shingles(texts[canon]["text"]), _shingles(texts[d]["text"])
                assert len(a & b) / min(len(a), len(b)) >= 0.6, (canon, d)
