"""Fast unit tests of ingest's pure functions (no embedder, no Chroma): ``python -m pytest -m unit``."""

import pytest

from ingest.dedup import group_members, groups, is_copy, signature
from ingest.loaders import LOADERS, slugify, supported
from ingest.settings import IngestSettings
from ingest.types import Article, Chunk
from ingest.vectors import chunk_records

pytestmark = pytest.mark.unit
STORY = ("Japan and the United States agreed on Saturday to speed up talks on a trade deal covering farm goods and cars, "
         "with Tokyo saying it would not accept a cap on its auto exports while Washington pressed for wider access for beef and pork.")


def test_copies_are_grouped_under_the_earliest_and_templates_weeks_apart_are_not():
    trimmed = STORY + " Officials said talks would resume in Washington next week."  # a copy with a line added
    sigs = {"wire": signature(STORY), "copy": signature(trimmed), "other": signature("Rice imports fell sharply in March " * 5)}
    published = {"wire": "2019-05-25", "copy": "2019-05-24", "other": "2019-05-25"}
    assert groups(sigs, published) == {"wire": "copy", "copy": "copy"}  # canonical: the earlier copy
    assert not is_copy(sigs["wire"], sigs["copy"], "2019-05-01", "2019-06-01")  # a month apart: a new report
    strict = IngestSettings(duplicate_min_shingles=100)  # too short to judge under this setting
    assert not is_copy(sigs["wire"], sigs["copy"], None, None, strict)
    assert group_members({"a": "a", "b": "a", "c": "a"}, ["b", "z"]) == {"b": ["a", "c"]}


def test_chunk_records_carry_the_filterable_metadata():
    art = Article(doc_id="d", text="Tariffs rose.", title="T", source="Wire", published="1987-03-02T10:00:00", path="x.txt")
    chunks = [Chunk("d", 0, "Tariffs rose.", 0, 13, 4, 3)]
    ids, docs, metas = chunk_records([(art, chunks)])
    assert ids == ["d::0"] and docs == ["Tariffs rose."]
    assert metas[0] == {"doc_id": "d", "idx": 0, "start": 0, "end": 13, "source": "Wire", "published": "1987-03-02T10:00:00",
                        "title": "T", "published_day": 6269}


def test_loader_registry_and_names(tmp_path):
    assert {".txt", ".html", ".md", ".jsonl", ".sgm", ".urls"} <= set(LOADERS)
    assert supported(tmp_path / "a.SGM") and not supported(tmp_path / "a.txt.meta.json") and not supported(tmp_path / "a.pdf")
    assert slugify("U.S.-Japan Trade: Talks (2019)!") == "u-s-japan-trade-talks-2019" and slugify("***") == "doc"


def test_store_open_advice_fits_the_cause(tmp_path):
    import errno

    from ingest.settings import Settings
    from ingest.store import _open_advice

    s = Settings.load(data_dir=tmp_path)
    full = RuntimeError("write failed")
    full.__cause__ = OSError(errno.ENOSPC, "No space left on device")
    assert "is full" in _open_advice(full, s) and "re-ingest" not in _open_advice(full, s).replace("nothing needs re-ingesting", "")
    assert "read-only" in _open_advice(RuntimeError("attempt to write a readonly database"), s)
    assert "move it aside and re-ingest" in _open_advice(RuntimeError("file is not a database"), s)
