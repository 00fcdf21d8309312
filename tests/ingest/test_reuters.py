"""All 551 Reuters-21578 `trade` stories through the real pipeline."""

import re

import pytest

from ingest.pipeline import Ingestor
from ingest.settings import Settings


@pytest.mark.slow
def test_all_reuters_trade_stories_ingest_with_newid_ids(reuters_trade_store, embedder):
    data, files, rep = reuters_trade_store
    assert len(files) == 22
    # the archive holds one story with no text at all (NEWID 12793): reported, not fatal
    assert [e.path.rsplit("=", 1)[1] for e in rep.failed] == ["12793"]
    assert "neither title nor body" in rep.failed[0].reason
    assert len(rep.new) == 551
    assert all(re.fullmatch(r"reuters21578-\d+", d) for d in rep.new)
    ing = Ingestor(Settings.load(data_dir=data), embedder=embedder)
    store = ing.store
    assert store.vectors.count() == store.docs.count_chunks() == rep.chunks
    stored = store.docs.documents()
    assert all(d["source"] == "Reuters" and d["published"].startswith("1987-") for d in stored)
    # every stored story carries the trade tag and its places from the SGML
    sample = store.docs.document(rep.new[0])
    assert "trade" in sample["extra"]["topics"] and sample["extra"]["places"]
    again = ing.ingest(files, topic="trade", progress=False)
    assert len(again.unchanged) == 551 and again.chunks == 0
