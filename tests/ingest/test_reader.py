"""Files are read in a worker process with a hard deadline, from any thread.

The old per-file limit was a SIGALRM timer, which does nothing off the main thread (where
web uploads are ingested). These tests run the reader on a worker thread, as the web app
does, against a file that never finishes loading (a URL list whose server never answers),
and a CPU-heavy file, and check that the caller's thread keeps running meanwhile.
"""

import threading
import time

from ingest.reader import FileReader
from ingest.settings import IngestSettings
from ingest.types import Article, LoadError
from tests.conftest import SAMPLES, silent_server


def test_deadline_holds_on_a_worker_thread(tmp_path):
    with silent_server() as port:
        urls = tmp_path / "hang.urls"
        urls.write_text(f"http://127.0.0.1:{port}/story\n")
        good = SAMPLES / "scrapes" / "northgate-usmca-signed.txt"
        out = {}

        def work():
            with FileReader(IngestSettings(file_time_limit_s=2, url_timeout_s=60, allow_private_urls=True)) as r:
                t0 = time.perf_counter()
                out["items"] = list(r.read_many([urls, good]))
                out["took"] = time.perf_counter() - t0

        t = threading.Thread(target=work)
        t.start()
        t.join(30)
        assert not t.is_alive(), "the reader did not give up on the hanging file"
        (p1, hang), (p2, ok) = out["items"]
        assert p1 == urls and len(hang) == 1 and isinstance(hang[0], LoadError)
        assert str(urls) in str(hang[0]) and "ingest.file_time_limit_s" in hang[0].reason
        assert p2 == good and isinstance(ok[0], Article) and "dairy" in ok[0].text  # a fresh worker read the next file
        assert out["took"] < 25


def test_callers_thread_keeps_running_while_a_heavy_file_is_cleaned(tmp_path):
    heavy = tmp_path / "heavy.txt"
    para = "Officials said the talks on tariffs and quotas would resume next week in Geneva.\n\n"
    heavy.write_text(para * 120_000)  # ~10 MB of prose: seconds of pure-Python cleaning
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("items", FileReader(IngestSettings(file_time_limit_s=1)).read(heavy)))
    t.start()
    gaps, last = [], time.perf_counter()
    while t.is_alive():
        time.sleep(0.01)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    t.join()
    (err,) = result["items"]
    assert isinstance(err, LoadError) and "1 s" in err.reason
    # the cleaning ran in another process: this thread was never held for long (a GIL-bound
    # clean on a thread of this process stalls it for the whole clean)
    assert max(gaps) < 0.5, max(gaps)


def test_no_limit_reads_in_process():
    items = FileReader(IngestSettings(file_time_limit_s=0)).read(SAMPLES / "scrapes" / "northgate-usmca-signed.txt")
    assert isinstance(items[0], Article)


def test_load_error_survives_the_process_boundary():
    import pickle

    e = pickle.loads(pickle.dumps(LoadError("a.txt", "bad line 3")))
    assert e.path == "a.txt" and e.reason == "bad line 3" and str(e) == "a.txt: bad line 3"


def test_a_program_without_a_main_guard_still_reads_and_says_why_unlimited(tmp_path):
    """Worker processes re-run an unguarded script; the reader then reads in-process and warns."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text("from pathlib import Path\nfrom ingest.reader import FileReader\nfrom ingest.settings import IngestSettings\n"
                      f"print(FileReader(IngestSettings()).read(Path({str(SAMPLES / 'scrapes' / 'northgate-usmca-signed.txt')!r}))[0].doc_id)\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert "northgate-usmca-signed" in out.stdout
    assert "without the per-file time limit" in out.stderr
