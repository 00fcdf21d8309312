"""The running web app through gradio_client and plain HTTP: answers, 20 concurrent sessions, auth."""

import json
import statistics
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import OUTPUT, ROOT, free_port, serving

QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "eval" / "datasets" / "sample.jsonl").read_text().splitlines()
             if json.loads(line)["kind"] == "answerable"]


def _client(url):
    from gradio_client import Client

    return Client(url, verbose=False)


def test_ask_endpoint_returns_cited_answers(web_app):
    r = _client(web_app[0]).predict("What regional value content will cars need under USMCA?", None, "extractive", api_name="/ask")
    assert not r["refused"] and r["citations"] and "75" in r["answer"]
    assert all({"doc_id", "source", "title", "published", "span"} <= set(c) for c in r["citations"])


def test_twenty_concurrent_sessions_get_their_own_answers(web_app):
    url = web_app[0]
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(20)]
    solo = {q: _client(url).predict(q, None, "extractive", api_name="/ask") for q in set(questions)}

    def session(q):
        c = _client(url)
        t0 = time.perf_counter()
        first = c.predict(q, None, "extractive", api_name="/ask")
        t1 = time.perf_counter()
        follow = c.predict("Who said that?", first["history"], "extractive", api_name="/ask")
        return q, first, follow, (t1 - t0) * 1000

    t = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(session, questions))
    wall = time.perf_counter() - t
    lat = sorted(r[3] for r in results)
    errors = [r for r in results if "error" in r[1] or "error" in r[2]]
    print(f"\n20 sessions: {len(errors)} errors, first answer p50 {statistics.median(lat):.0f} ms, "
          f"p95 {lat[int(0.95 * len(lat)) - 1]:.0f} ms, wall {wall:.1f} s")
    assert not errors
    for q, first, follow, _ in results:
        assert first["answer"] == solo[q]["answer"]  # same answer as when asked alone: nothing mixed in
        assert first["history"] == [[q, first["answer"]]]
        assert [h[0] for h in follow["history"]] == [q, "Who said that?"]  # each session kept its own history
        assert q in follow.get("standalone_question", "")


def _post(url: str, data: bytes, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_auth_refuses_requests_without_credentials(sample_store_dir, tmp_path):
    """Without a login: 401 everywhere, no stored data in the page, no uploads, and guessing locks the login."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"TRADECHAT_DATA_DIR": str(sample_store_dir), "TRADECHAT_WEB__PORT": str(port),
           "TRADECHAT_WEB__USERNAME": "analyst", "TRADECHAT_WEB__PASSWORD": "correct horse"}
    with serving([sys.executable, "app.py"], base + "/", 180, env, OUTPUT / "web-auth.log"):
        for path in ("/config", "/gradio_api/info"):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + path, timeout=10)
            assert e.value.code == 401, path
        assert _post(base + "/gradio_api/call/ask", b'{"data": ["tariffs?", null, "extractive"]}',
                     {"Content-Type": "application/json"}) == 401
        page = urllib.request.urlopen(base + "/", timeout=10).read().decode()
        from ingest.store import DocStore

        stored = DocStore(sample_store_dir / "docstore.sqlite3").documents()
        for d in stored:  # the login page a stranger loads names no outlet, title or document
            for value in (d["source"], d["title"], d["doc_id"]):
                assert not value or value not in page, value
        form = {"Content-Type": "multipart/form-data; boundary=XX"}
        body = b'--XX\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nhello\r\n--XX--\r\n'
        assert _post(base + "/gradio_api/upload", body, form) == 401  # no upload without a session
        assert _post(base + "/gradio_api/upload", body, {**form, "Origin": "http://evil.example"}) == 403  # nor from elsewhere

        codes = [_post(base + "/login", b"username=analyst&password=wrong") for _ in range(40)]
        assert codes[:5] == [400] * 5 and codes.count(429) >= 30, codes  # five free tries, then locked out
        assert _post(base + "/login", b"username=analyst&password=correct+horse") == 429  # even the right password waits

    with serving([sys.executable, "app.py"], base + "/", 180, env, OUTPUT / "web-auth.log"):
        from gradio_client import Client

        r = Client(base + "/", auth=("analyst", "correct horse"), verbose=False).predict(
            "What regional value content will cars need under USMCA?", None, "extractive", api_name="/ask")
        assert r["citations"]


def test_binds_loopback_only(web_app):
    """The listening socket of the app is on 127.0.0.1, not 0.0.0.0 (read from /proc/net/tcp)."""
    from pathlib import Path

    port = int(web_app[0].rsplit(":", 1)[1].strip("/"))
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("no /proc/net/tcp on this system")
    listening = [line.split()[1] for line in table.read_text().splitlines()[1:] if line.split()[3] == "0A"]  # 0A = LISTEN
    mine = [a for a in listening if int(a.split(":")[1], 16) == port]
    assert mine == ["0100007F:%04X" % port], mine  # 127.0.0.1, little-endian hex


def test_chat_sessions_during_an_ingest_that_replaces_a_document(web_app, tmp_path):
    """20 sessions ask while the app ingests (a new file, and a changed version of one being cited)."""
    from gradio_client import handle_file

    from ingest.store import DocStore

    url, data = web_app
    old_text = ("Lumber quota talks stall\n\nOTTAWA, March 3 (Maple Wire) - Canada rejected a proposed U.S. quota on "
                "softwood lumber exports on Tuesday, saying a cap of 14.5 billion board feet was far too low.\n")
    new_text = old_text.replace("14.5 billion", "13.9 billion").replace("Tuesday", "Wednesday")
    f = tmp_path / "maple-lumber.txt"
    f.write_text(old_text)
    assert "1 new" in _client(url).predict([handle_file(str(f))], "", api_name="/ingest")[0]
    other = tmp_path / "maple-dairy.txt"
    other.write_text("Dairy access talks\n\nOTTAWA, March 4 (Maple Wire) - Canada offered U.S. dairy farmers access to "
                     "3.2 percent of its market, officials said on Thursday.\n\nFarm groups in Ontario said the offer went "
                     "too far and asked Ottawa to protect supply management in any final text.\n")
    f2 = tmp_path / "upload2"
    f2.mkdir()
    changed = f2 / "maple-lumber.txt"
    changed.write_text(new_text)

    questions = ["What quota did Canada reject on softwood lumber?"] * 10 + [QUESTIONS[i % len(QUESTIONS)] for i in range(10)]

    def ask(q):
        return q, _client(url).predict(q, None, "extractive", api_name="/ask")

    def ingest():
        time.sleep(0.5)
        return _client(url).predict([handle_file(str(changed)), handle_file(str(other))], "", api_name="/ingest")[0]

    with ThreadPoolExecutor(21) as pool:
        job = pool.submit(ingest)
        results = list(pool.map(ask, questions))
        summary = job.result()
    assert "1 new, 1 updated" in summary, summary
    docs = DocStore(data / "docstore.sqlite3")
    errors = [r for _, r in results if "error" in r]
    assert not errors
    for q, r in results:
        for c in r["citations"]:
            stored = docs.document(c["doc_id"])
            assert stored is not None, f"{q!r} cites {c['doc_id']}, which is gone"
            texts = [stored["text"]] + ([old_text] if c["doc_id"] == "maple-lumber" else [])
            assert any(c["text"] in t or c["text"] in " ".join(t.split()) for t in texts), (q, c["doc_id"])
    lumber = [r for q, r in results if "lumber" in q]
    assert all(not r["refused"] and r["citations"][0]["doc_id"] == "maple-lumber" for r in lumber)
    assert {("14.5" in r["answer"], "13.9" in r["answer"]) for r in lumber} <= {(True, False), (False, True)}


def test_oversized_upload_is_refused_over_http(web_app, tmp_path):
    """Gradio's own upload route enforces web.max_upload_mb before any handler runs."""
    import httpx

    big = tmp_path / "big.txt"
    big.write_bytes(b"tariff talks " * (21 * 1024 * 1024 // 13))
    with open(big, "rb") as fh:
        r = httpx.post(web_app[0] + "gradio_api/upload", files={"files": ("big.txt", fh, "text/plain")}, timeout=60)
    assert r.status_code == 413, (r.status_code, r.text[:200])
    ok = httpx.post(web_app[0] + "gradio_api/upload", files={"files": ("../../escape.txt", b"small", "text/plain")}, timeout=60)
    assert ok.status_code == 200
    stored = ok.json()[0]
    assert ".." not in Path(stored).relative_to(Path(stored).anchor).parts  # gradio keeps uploads in its cache, names flattened
