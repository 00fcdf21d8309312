"""Faults under ingest: a full disk, a read-only or damaged store, a write error, the Chroma server going away.

Each ends with a clear error naming the store, nothing stored before is lost,
no half-written document is shown, and a rerun converges to the store an
uninterrupted run builds.
"""

import contextlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from ingest.settings import Settings
from ingest.store import Store, StoreError
from ingest.vectors import ChromaVectors as VectorStore
from tests.conftest import REUTERS, ROOT, SAMPLES, free_port, need, serving, store_snapshot


def _cli(*args, data: Path, env: dict | None = None, timeout: float = 900):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "--data-dir", str(data), *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def _reuters_part(tmp_path: Path, n_stories: int) -> Path:
    """The first n stories of one Reuters SGML file, as its own file."""
    raw = need(REUTERS / "reut2-000.sgm").read_bytes().decode("latin-1")
    ends = [m.end() for m in re.finditer(r"</REUTERS>", raw)][:n_stories]
    out = tmp_path / "reuters-part.sgm"
    out.write_bytes(raw[: ends[-1]].encode("latin-1"))
    return out


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A size-limited filesystem (needs root and mount); skips the test where that is not possible."""
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({r.stderr.strip() or 'not root'}); the simulated write-error test covers this")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_disk_full_during_ingest_then_rerun_converges(tmp_path):
    sgm = _reuters_part(tmp_path, 400)
    assert _cli("ingest", str(SAMPLES), str(sgm), "--quiet", data=tmp_path / "clean").returncode == 0
    reference = store_snapshot(Store.from_settings(Settings.load(data_dir=tmp_path / "clean")))
    with tmpfs(tmp_path / "small", "4m") as disk:
        data = disk / "data"
        assert _cli("ingest", str(SAMPLES), "--quiet", data=data).returncode == 0
        before = store_snapshot(Store.from_settings(Settings.load(data_dir=data)))
        full = _cli("ingest", str(sgm), "--quiet", data=data)
        assert full.returncode == 1, full.stderr[-2000:]
        assert "could not write the store in" in full.stderr and "Traceback" not in full.stderr
        states = Store.from_settings(Settings.load(data_dir=data)).docs.states()
        assert all(states[d].status == "ok" and states[d].hash == h for d, h in before["docs"].items())  # nothing lost
        subprocess.run(["mount", "-o", "remount,size=300m", str(disk)], check=True)
        again = _cli("ingest", str(sgm), "--quiet", data=data)
        assert again.returncode == 0, again.stderr[-2000:]
        got = store_snapshot(Store.from_settings(Settings.load(data_dir=data)))
    # the interrupted run ingested the same files in two runs: the same store
    assert got == reference


def test_read_only_store_gives_a_clear_error_and_keeps_answering(tmp_path, sample_store_dir):
    with tmpfs(tmp_path / "ro", "200m") as disk:
        data = disk / "data"
        shutil.copytree(sample_store_dir, data)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        new = tmp_path / "new.md"
        new.write_text("---\ntitle: Quota talks\nsource: Test Wire\n---\nCanada rejected a lumber quota of 14 billion board feet.\n")
        r = _cli("ingest", str(new), "--quiet", data=data)
        assert r.returncode != 0 and "Traceback" not in r.stderr and str(disk) in r.stderr, r.stderr[-1500:]
        listed = _cli("docs", data=data)
        assert listed.returncode == 0 and "11 documents" in listed.stdout
        asked = _cli("ask", "What did Japan want on auto tariffs?", "--mode", "extractive", data=data)
        assert asked.returncode == 1 and "Traceback" not in asked.stderr, asked.stderr[-1500:]
        assert "read-only or not writable" in asked.stderr and "move it aside" not in asked.stderr  # advice that fits
        for args in (("positions",), ("positions", "build")):
            r = _cli(*args, data=data)
            assert "Traceback" not in r.stderr, (args, r.stderr[-1500:])
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert _cli("ingest", str(new), "--quiet", data=data).returncode == 0


def test_read_only_store_with_unmerged_writes_says_so(tmp_path, sample_store_dir):
    """A -wal file left with writes in it cannot be read on read-only media: said, not guessed around."""
    with tmpfs(tmp_path / "ro", "200m") as disk:
        data = disk / "data"
        shutil.copytree(sample_store_dir, data)
        # the session's store may still hold writes in its own -wal (another test has it open): merge
        # them into the copy first, so that the junk -wal below is the only thing left unmerged
        with contextlib.closing(sqlite3.connect(data / "docstore.sqlite3")) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (data / "docstore.sqlite3-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(60))
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        listed = _cli("docs", data=data)
        assert listed.returncode != 0 and "Traceback" not in listed.stderr
        assert "docstore.sqlite3-wal" in listed.stderr and "read-only" in listed.stderr, listed.stderr[-1500:]
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)


def test_damaged_chroma_folder_is_named_and_the_documents_survive(tmp_path, sample_store_dir):
    data = tmp_path / "data"
    shutil.copytree(sample_store_dir, data)
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    r = _cli("ask", "What did Japan want on auto tariffs?", "--mode", "extractive", data=data)
    assert r.returncode == 1 and "cannot open the Chroma store" in r.stderr and "Traceback" not in r.stderr, r.stderr[-1500:]
    assert "move it aside and re-ingest" in r.stderr
    listed = _cli("docs", data=data)
    assert listed.returncode == 0 and "11 documents" in listed.stdout  # the texts are still there


def test_write_error_mid_ingest_leaves_no_half_documents(tmp_path, embedder, monkeypatch):
    """A simulated ENOSPC on the second vector write (works without root)."""
    s = Settings.load(data_dir=tmp_path / "data")
    ing = Ingestor(s, embedder=embedder)
    ing.flush_chunks = 4  # several writes
    real, calls = VectorStore.upsert, {"n": 0}

    def failing(self, items, vectors):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(self, items, vectors)

    monkeypatch.setattr(VectorStore, "upsert", failing)
    with pytest.raises(StoreError, match="No space left on device"):
        ing.ingest([SAMPLES], progress=False)
    monkeypatch.setattr(VectorStore, "upsert", real)
    store = Store.from_settings(s)
    states = store.docs.states()
    ok = {d for d, st in states.items() if st.status == "ok"}
    assert ok and len(ok) < len(states)  # the first write landed; later documents are pending
    visible = {c["doc_id"] for c in store.docs.chunks_by_id([c["chunk_id"] for c in store.docs.chunks()]).values()}
    assert visible == ok  # retrieval never sees a pending document
    Ingestor(s, embedder=embedder).ingest([SAMPLES], progress=False)
    clean = Settings.load(data_dir=tmp_path / "clean")
    Ingestor(clean, embedder=embedder).ingest([SAMPLES], progress=False)
    assert store_snapshot(Store.from_settings(s)) == store_snapshot(Store.from_settings(clean))


@pytest.mark.server
@pytest.mark.slow
def test_chroma_server_stopped_mid_ingest_and_restarted(tmp_path):
    exe = shutil.which("chroma")
    if exe is None:
        pytest.skip("the `chroma` command (chromadb package) is not installed")
    sgm = _reuters_part(tmp_path, 500)

    def server(path: Path, port: int):
        return serving([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                       f"http://127.0.0.1:{port}/api/v2/heartbeat", 60)

    port = free_port()
    env = {"TRADECHAT_CHROMA__URL": f"http://127.0.0.1:{port}"}
    with server(tmp_path / "ref-server", port):
        t0 = time.perf_counter()
        assert _cli("ingest", str(sgm), "--quiet", data=tmp_path / "ref", env=env).returncode == 0
        full = time.perf_counter() - t0
        reference = store_snapshot(Store.from_settings(Settings.load(data_dir=tmp_path / "ref", chroma={"url": env["TRADECHAT_CHROMA__URL"]})))

    port = free_port()
    env = {"TRADECHAT_CHROMA__URL": f"http://127.0.0.1:{port}"}
    data = tmp_path / "data"
    with server(tmp_path / "server", port) as proc:
        ingest = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--data-dir", str(data), "ingest", str(sgm), "--quiet"],
                                  env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(max(8.0, full * 0.5))
        proc.send_signal(signal.SIGKILL)  # the server dies mid-ingest
        out, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 1 and ("could not write the store" in err or "cannot open" in err), err[-2000:]
    assert "Traceback" not in err
    with server(tmp_path / "server", port):  # restarted on the same folder
        r = _cli("ingest", str(sgm), "--quiet", data=data, env=env)
        assert r.returncode == 0, r.stderr[-2000:]
        got = store_snapshot(Store.from_settings(Settings.load(data_dir=data, chroma={"url": env["TRADECHAT_CHROMA__URL"]})))
    assert got == reference


@pytest.mark.parametrize("damage", ["params-empty", "chunks-truncated", "indices-out-of-range", "days-short"])
def test_a_damaged_bm25_index_is_rebuilt_not_a_traceback(tmp_path, sample_store_dir, embedder, damage):
    """Derived files heal themselves: answers go on, and the index is rebuilt from the docstore."""
    import numpy as np

    from assistant.assistant import Assistant
    from ingest.settings import Settings

    data = tmp_path / "data"
    shutil.copytree(sample_store_dir, data)
    bm25 = data / "bm25"
    if damage == "params-empty":
        (bm25 / "params.index.json").write_text("{}")
    elif damage == "chunks-truncated":
        (bm25 / "chunks.json").write_text((bm25 / "chunks.json").read_text()[:200])
    elif damage == "indices-out-of-range":
        idx = np.load(bm25 / "indices.csc.index.npy")
        np.save(bm25 / "indices.csc.index.npy", idx + 10_000)
    else:
        np.save(bm25 / "days.npy", np.load(bm25 / "days.npy")[:3])
    a = Assistant.from_settings(Settings.load(data_dir=data), embedder=embedder)
    ans = a.ask("How much of its dairy market did Canada open to U.S. farmers?", mode="extractive")
    assert not ans.refused and "3.6" in ans.text, ans.as_dict()
    assert a.retriever.retrieve("dairy quota", mode="bm25").passages  # the lexical half works again
    from ingest.lexical import LexicalIndex

    assert LexicalIndex.load(bm25) is not None  # and the rebuilt folder is whole on disk


def test_a_damaged_positions_file_is_set_aside_and_rebuilt(tmp_path, sample_store_dir):
    data = tmp_path / "data"
    shutil.copytree(sample_store_dir, data)
    (data / "positions.sqlite3").write_bytes(bytes(range(256)) * 64)  # not a database
    r = _cli("ask", "What is Japan's position on the proposed U.S. auto tariffs?", "--mode", "extractive", data=data)
    assert r.returncode == 0 and "Traceback" not in r.stderr and "[1]" in r.stdout, r.stderr[-1500:]
    assert "damaged" in r.stderr and list(data.glob("positions.sqlite3.damaged-*"))  # said, and kept for a look
    built = _cli("positions", "build", data=data)
    assert built.returncode == 0, built.stderr[-1500:]
    shown = _cli("positions", "--json", data=data)
    assert shown.returncode == 0 and ("Tokyo" in shown.stdout or "Japan" in shown.stdout), shown.stdout[-800:]
