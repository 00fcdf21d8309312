"""Fuzzing the loaders and the cleaner: random and mutated inputs never crash, hang or stop a batch.

The default run tries a few hundred inputs per format; the long run (marked
slow, also in CI) tries 10,000 in all. Each must end as articles or as a clear
per-file error, within the per-file time limit.
"""

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.clean import clean_scrape
from ingest.loaders import load_file
from ingest.types import Article, LoadError
from tests.conftest import SAMPLES, SHARED

EXTS = [".txt", ".html", ".md", ".jsonl", ".sgm"]
LIMIT_S = 20.0
SEEDS = sorted(p for p in SAMPLES.rglob("*") if p.suffix in EXTS)
_sgm = SHARED / "reuters21578" / "reut2-000.sgm"
SEED_BYTES = [p.read_bytes() for p in SEEDS] + ([_sgm.read_bytes()[:60_000]] if _sgm.exists() else [])
COUNTS = {"n": 0}


@st.composite
def mutated(draw):
    """A real page, then flips, cuts, NULs, invalid UTF-8, repeated or nested markup spliced in."""
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup", "nest"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[i] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[i: i + draw(st.integers(1, 5000))]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from([b"\x00", b"\xff\xfe", b"\xc3\x28", b"<", b"</REUTERS>", b"<REUTERS NEWID=\"1\">",
                                              b"{{ad_slot}}", b"\n\n", b"&#0;", b"\r", b'"}\n{"id":', b"<script>x</script>"]))
        elif op == "dup":
            j = draw(st.integers(i, min(len(data), i + 3000)))
            data[i:i] = bytes(data[i:j]) * draw(st.integers(1, 20))
        elif op == "nest":
            depth = draw(st.integers(1, 3000))
            data[i:i] = b"<div>" * depth + b"text" + b"</div>" * depth
    return bytes(data)


inputs = st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(lambda s: s.encode("utf-8", "surrogatepass")), mutated())


def _load_one(tmp: Path, data: bytes, ext: str) -> list:
    COUNTS["n"] += 1
    f = tmp / f"fuzz-{COUNTS['n']}{ext}"
    f.write_bytes(data)
    t0 = time.perf_counter()
    out = load_file(f, max_file_bytes=5_000_000)
    assert time.perf_counter() - t0 < LIMIT_S + 5
    assert out and all(isinstance(o, (Article, LoadError)) for o in out)
    for o in out:
        if isinstance(o, LoadError):
            assert str(f) in str(o) and o.reason  # the error names the file
        else:
            assert o.text.strip() and "\x00" not in o.text
    f.unlink()
    return out


def _fuzz(n: int):
    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=inputs, ext=st.sampled_from(EXTS))
    def run(tmp, data, ext):
        _load_one(tmp, data, ext)

    return run


def test_fuzz_loaders_quick(tmp_path):
    _fuzz(int(os.environ.get("TRADECHAT_FUZZ_QUICK", "400")))(tmp_path)


@pytest.mark.slow
def test_fuzz_loaders_10k(tmp_path):
    before = COUNTS["n"]
    _fuzz(int(os.environ.get("TRADECHAT_FUZZ_LONG", "10000")))(tmp_path)
    print(f"\nfuzzed {COUNTS['n'] - before} inputs")
    assert COUNTS["n"] - before >= int(os.environ.get("TRADECHAT_FUZZ_LONG", "10000")) * 0.9


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=5000))
def test_fuzz_cleaner_text(text):
    r = clean_scrape(text)
    # whatever comes in, what comes out is tidy text: trimmed, no control characters
    # but newlines, paragraphs separated by one blank line at most
    assert r.text == r.text.strip()
    assert not any(ord(c) < 32 and c != "\n" for c in r.text), repr(r.text)
    assert "\n\n\n" not in r.text
    assert len(r.text) <= 2 * len(text) + 10


def test_pathological_inputs_are_reported_quickly(tmp_path):
    cases = {
        "one-line.txt": b"tariff " * 7_500_000,  # a 52 MB single line
        "nested.html": b"<html><body>" + b"<div>" * 200_000 + b"<p>Cars.</p>" + b"</div>" * 200_000 + b"</body></html>",
        "nul.txt": b"Trade talks\x00\x00 resumed " * 1000,
        "latin1.txt": "Gespräche über Zölle".encode("latin-1") * 50,
        "empty.jsonl": b"",
        "lines.jsonl": b'{"id": "a", "text": "ok text about tariffs"}\n{not json}\n' + b"\xff" * 10,
    }
    for name, data in cases.items():
        f = tmp_path / name
        f.write_bytes(data)
        t0 = time.perf_counter()
        out = load_file(f, max_file_bytes=60_000_000)
        took = time.perf_counter() - t0
        assert took < 15, (name, took)
        assert out and all(isinstance(o, (Article, LoadError)) for o in out), name
        print(name, f"{took:.2f}s", [str(o)[:100] for o in out])
    assert "single line" in str(list(load_file(tmp_path / "one-line.txt", max_file_bytes=60_000_000))[0])


def test_batch_with_fuzzed_files_still_ingests_the_good_ones(tmp_path, embedder):
    """A folder of good sample files plus broken ones: every good file stored, every broken one named."""
    import random
    import shutil

    from ingest.pipeline import Ingestor
    from ingest.settings import Settings

    corpus = tmp_path / "in"
    shutil.copytree(SAMPLES, corpus)
    rnd = random.Random(7)
    broken = []
    for i, seed in enumerate(SEED_BYTES[:6]):
        data = bytearray(seed)
        for _ in range(40):
            j = rnd.randrange(len(data))
            data[j] = rnd.randrange(256)
        f = corpus / f"broken-{i}{EXTS[i % len(EXTS)]}"
        f.write_bytes(bytes(data[: rnd.randrange(10, len(data))]))
        broken.append(f)
    (corpus / "huge-line.txt").write_bytes(b"quota " * 100_000)
    s = Settings.load(data_dir=tmp_path / "data")
    ingestor = Ingestor(s, embedder=embedder)
    rep = ingestor.ingest([corpus], progress=False)
    good = Ingestor(Settings.load(data_dir=tmp_path / "good"), embedder=embedder).ingest([SAMPLES], progress=False)
    assert set(good.new) <= set(rep.new)  # everything the clean corpus yields is there
    failed_files = {Path(e.path).name for e in rep.failed}
    assert "huge-line.txt" in failed_files
    stored_files = {Path(d["path"]).name for d in ingestor.store.docs.documents() if d["path"]}
    for f in broken:  # each broken file is either named in the failures or (a harmless mutation) stored
        assert f.name in failed_files or f.name in stored_files, f.name
    assert failed_files & {f.name for f in broken}  # and the mutations do break some of them
    print(rep.summary())
