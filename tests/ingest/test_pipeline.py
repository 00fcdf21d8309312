"""End-to-end ingest with the real embedder and a real Chroma store on disk."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.store import Store
from tests.conftest import REUTERS, ROOT, SAMPLES, need
from tests.conftest import store_snapshot as _store_snapshot


@pytest.fixture
def corpus(tmp_path):
    dst = tmp_path / "corpus"
    shutil.copytree(SAMPLES, dst)
    return dst


def test_ingest_samples_then_reingest_is_a_noop(ingestor, corpus):
    first = ingestor.ingest([corpus], progress=False)
    assert not first.failed
    assert len(first.new) == 11 and first.chunks >= 10
    snap = _store_snapshot(ingestor.store)
    assert snap["sqlite_chunks"] == snap["chroma_chunks"] and len(snap["chroma_chunks"]) == first.chunks
    assert snap["status"] == {"ok"}

    again = ingestor.ingest([corpus], progress=False)
    assert (again.new, again.updated, again.removed, again.chunks) == ([], [], [], 0)
    assert len(again.unchanged) == 11
    assert _store_snapshot(ingestor.store) == snap


def test_changed_file_is_replaced_and_vanished_records_removed(ingestor, corpus):
    ingestor.ingest([corpus], progress=False)
    store = ingestor.store
    # a changed scrape: its chunks are replaced, the count stays consistent
    page = corpus / "scrapes" / "northgate-usmca-signed.txt"
    page.write_text(page.read_text().replace("about 3.6% of its dairy market", "about 3.5% of its dairy market"))
    # a record dropped from the feed
    feed = corpus / "feeds" / "trade-wire-feed.jsonl"
    lines = feed.read_text().splitlines()
    feed.write_text("\n".join(l for l in lines if "harbor-cptpp-signed" not in l) + "\n")
    rep = ingestor.ingest([corpus], progress=False)
    assert rep.updated == ["northgate-usmca-signed"] and rep.removed == ["harbor-cptpp-signed"]
    text = store.docs.document("northgate-usmca-signed")["text"]
    assert "3.5%" in text and "3.6%" not in text
    hits = store.vectors.collection.get(where={"doc_id": "northgate-usmca-signed"}, include=["documents"])
    assert any("3.5%" in d for d in hits["documents"]) and not any("3.6%" in d for d in hits["documents"])
    snap = _store_snapshot(store)
    assert snap["sqlite_chunks"] == snap["chroma_chunks"]
    assert "harbor-cptpp-signed" not in snap["docs"]


def test_prune_and_docs_rm(ingestor, corpus):
    ingestor.ingest([corpus], progress=False)
    (corpus / "html" / "harbor-journal-rcep-signed.html").unlink()
    kept = ingestor.ingest([corpus], progress=False)
    assert kept.removed == []  # without --prune a missing file keeps its document
    pruned = ingestor.ingest([corpus], prune=True, progress=False)
    assert pruned.removed == ["harbor-journal-rcep-signed"]
    ingestor.store.delete(["harbor-cptpp-signed"])
    snap = _store_snapshot(ingestor.store)
    assert len(snap["docs"]) == 9 and snap["sqlite_chunks"] == snap["chroma_chunks"]
    assert not any(c.startswith(("harbor-cptpp-signed::", "harbor-journal-rcep-signed::")) for c in snap["chroma_chunks"])


def test_bad_input_does_not_touch_what_is_stored(ingestor, corpus, tmp_path):
    ingestor.ingest([corpus], progress=False)
    before = _store_snapshot(ingestor.store)
    feed = corpus / "feeds" / "trade-wire-feed.jsonl"
    feed.write_text(feed.read_text() + "{broken json\n")  # one bad record in a known file
    (corpus / "scrapes" / "empty.txt").write_text("")
    (corpus / "scrapes" / "binary.txt").write_bytes(b"\x00\x01\x02")
    (corpus / "html" / "huge.html").write_text("<p>" + "x" * 60_000 + "</p>")
    ingestor.settings.ingest.max_file_bytes = 50_000
    rep = ingestor.ingest([corpus, tmp_path / "nowhere"], progress=False)
    reasons = {Path(e.path.split(" line ")[0]).name: e.reason for e in rep.failed}
    assert set(reasons) == {"trade-wire-feed.jsonl", "empty.txt", "binary.txt", "huge.html", "nowhere"}
    assert "invalid JSON" in reasons["trade-wire-feed.jsonl"] and "over the limit" in reasons["huge.html"]
    assert _store_snapshot(ingestor.store) == before  # nothing lost, nothing duplicated


def test_cli_ingest_json_summary_and_clean(tmp_path, corpus):
    env = {**os.environ, "TRADECHAT_DATA_DIR": str(tmp_path / "cli-data")}
    out = subprocess.run([sys.executable, str(ROOT / "cli.py"), "ingest", str(corpus), "--json"], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert len(summary["new"]) == 11 and summary["failed"] == []
    docs = json.loads(subprocess.run([sys.executable, str(ROOT / "cli.py"), "docs", "--json"], env=env, capture_output=True, text=True).stdout)
    assert {d["doc_id"] for d in docs} == set(summary["new"])
    rm = subprocess.run([sys.executable, str(ROOT / "cli.py"), "docs", "rm", "harbor-cptpp-signed", "no-such-doc"], env=env, capture_output=True, text=True)
    assert rm.returncode == 1 and "removed: harbor-cptpp-signed" in rm.stdout and "not found: no-such-doc" in rm.stdout
    clean = subprocess.run([sys.executable, str(ROOT / "cli.py"), "clean", str(corpus / "scrapes" / "pacific-ledger-us-japan-tokyo-talks.txt"), "--json"], env=env, capture_output=True, text=True)
    got = json.loads(clean.stdout)
    assert {"text", "title", "source", "published", "dateline", "byline", "url"} <= set(got)
    assert got["source"] == "Pacific Ledger" and got["dateline"] == "TOKYO"


def _reuters_trade_corpus(tmp_path: Path, n_files: int) -> list[Path]:
    return sorted(need(REUTERS).glob("reut2-0*.sgm"))[:n_files]


@pytest.mark.slow
def test_killed_ingest_converges_to_the_uninterrupted_store(tmp_path):
    """SIGKILL `tradechat ingest` at several points; each rerun ends equal to a clean run."""
    files = [str(p) for p in _reuters_trade_corpus(tmp_path, 3)]

    def run(data: Path, kill_after: float | None = None) -> None:
        env = {**os.environ, "TRADECHAT_DATA_DIR": str(data)}
        cmd = [sys.executable, str(ROOT / "cli.py"), "ingest", "--topic", "trade", "--quiet", *files]
        if kill_after is None:
            subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=1200)
            return
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(kill_after)
        p.send_signal(signal.SIGKILL)
        p.wait()

    from ingest.settings import Settings

    t0 = time.perf_counter()
    run(tmp_path / "clean")
    full = time.perf_counter() - t0
    reference = _store_snapshot(Store.from_settings(Settings.load(data_dir=tmp_path / "clean")))
    assert len(reference["docs"]) > 50

    for i, frac in enumerate((0.45, 0.7, 0.9)):
        data = tmp_path / f"killed{i}"
        run(data, kill_after=full * frac)
        run(data)
        got = _store_snapshot(Store.from_settings(Settings.load(data_dir=data)))
        assert got == reference, f"kill at {frac:.0%} of the run"


def test_a_doc_id_belongs_to_the_file_that_stored_it(ingestor, corpus, tmp_path):
    """The same id from another file is refused (naming both files) unless replace=True; a moved file keeps its id."""
    ingestor.ingest([corpus], progress=False)
    store = ingestor.store
    other = tmp_path / "elsewhere"
    other.mkdir()
    forged = other / "northgate-usmca-signed.md"
    forged.write_text("# USMCA scrapped\n\nThe three countries abandoned the agreement and no dairy access was agreed at all.\n")
    rep = ingestor.ingest([forged], progress=False)
    assert rep.new == rep.updated == [] and len(rep.failed) == 1
    msg = str(rep.failed[0])
    assert str(forged) in msg and "northgate-usmca-signed.txt" in msg and "--replace" in msg
    assert "3.6%" in store.docs.document("northgate-usmca-signed")["text"]

    rep = ingestor.ingest([forged], progress=False, replace=True)
    assert rep.updated == ["northgate-usmca-signed"] and not rep.failed
    assert "abandoned" in store.docs.document("northgate-usmca-signed")["text"]

    # a file that moved takes its documents along: the old path is gone, so no conflict
    moved = other / "pacific-ledger-us-japan-tokyo-talks.txt"
    shutil.move(corpus / "scrapes" / "pacific-ledger-us-japan-tokyo-talks.txt", moved)
    rep = ingestor.ingest([moved], progress=False)
    assert not rep.failed and rep.unchanged == ["pacific-ledger-us-japan-tokyo-talks"]
    assert store.docs.states()["pacific-ledger-us-japan-tokyo-talks"].path == str(moved)


def test_a_flood_of_bad_records_gives_a_bounded_summary_and_a_full_file(tmp_path, embedder):
    """A .jsonl of thousands of bad lines: the summary (what the web page shows) stays short; every failure is kept in a file."""
    from ingest.pipeline import Ingestor, IngestReport
    from ingest.settings import Settings

    feed = tmp_path / "flood.jsonl"
    feed.write_text('{"id": "ok", "text": "Japan and the United States resumed talks on farm tariffs."}\n' + "{not json\n" * 3000)
    data = tmp_path / "data"
    rep = Ingestor(Settings.load(data_dir=data), embedder=embedder).ingest([feed], progress=False)
    assert rep.new == ["ok"] and len(rep.failed) == 3000
    text = rep.summary()
    assert len(text.splitlines()) == 1 + IngestReport.SHOWN_FAILURES + 1 and len(text) < 20_000
    assert "2,950 more failures" in text and str(rep.failures_file) in text
    lines = rep.failures_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3000 and "flood.jsonl line 3001" in lines[-1]


def test_docs_listing_survives_a_closed_pipe_and_keeps_one_row_per_document(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"doc-{i}", "title": f"Line one of title {i}\nLINE TWO\n\nthree", "source": "Wire\nService", "date": "1987-03-02",
             "text": f"Story {i}. Japan and the United States held talks on semiconductors, officials said on Monday. " * 3}
            for i in range(3)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    env = {**os.environ, "TRADECHAT_DATA_DIR": str(tmp_path / "data")}
    cli = [sys.executable, str(ROOT / "cli.py")]
    ingest = subprocess.run([*cli, "ingest", str(feed)], env=env, capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, ingest.stderr
    assert "3 new" in ingest.stdout and "from 1 file in" in ingest.stdout  # one file, not "1 files"
    listing = subprocess.run([*cli, "docs"], env=env, capture_output=True, text=True, timeout=120).stdout.splitlines()
    assert listing[0].startswith("3 documents, ") and len(listing) == 4  # a header and one row per document
    assert all("Line one of title" in row and "LINE TWO three" in row for row in listing[1:])
    # the reader goes away before anything is written (`tradechat docs | head -0`): no traceback
    proc = subprocess.Popen([*cli, "docs"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_docs_listing_shows_whole_outlet_names_and_cuts_only_very_long_ones(tmp_path):
    feed = tmp_path / "feed.jsonl"
    outlets = ["Harbor Street Journal", "The Extremely Long Name of a Regional Trade Weekly"]
    rows = [{"id": f"doc-{i}", "title": f"Title {i}", "source": o, "date": "1987-03-02",
             "text": f"Story {i}. Canada and Mexico held talks on dairy quotas, officials said on Monday. " * 3}
            for i, o in enumerate(outlets)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    env = {**os.environ, "TRADECHAT_DATA_DIR": str(tmp_path / "data")}
    cli = [sys.executable, str(ROOT / "cli.py")]
    assert subprocess.run([*cli, "ingest", str(feed)], env=env, capture_output=True, text=True, timeout=600).returncode == 0
    listing = subprocess.run([*cli, "docs"], env=env, capture_output=True, text=True, timeout=120).stdout
    assert "Harbor Street Journal " in listing  # whole (it was "Harbor Street Journa")
    assert "The Extremely Long Name of a Re…" in listing and "Trade Weekly" not in listing  # 32 characters at most
