"""Shared fixtures: real components, real corpora (skipped with a reason when absent)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = Path(os.environ.get("TRADECHAT_SHARED", ROOT.parent / "shared")) / "corpora"
SEED = SHARED / "seed" / "nikkei-us-japan-trade-2019.txt"
REUTERS = SHARED / "reuters21578"
BENCHMARK = SHARED / "article-extraction-benchmark"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real-data test: {path} is not here (../shared/corpora is absent)")
    return path


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    """The embedder the default settings choose (ONNX Runtime), shared by the run."""
    from ingest.embed import make_embedder
    from ingest.settings import Settings

    return make_embedder(Settings.load(data_dir=tmp_path_factory.mktemp("embedder")))


@pytest.fixture
def settings(tmp_path):
    from ingest.settings import Settings

    return Settings.load(data_dir=tmp_path / "data")


@pytest.fixture
def ingestor(settings, embedder):
    from ingest.pipeline import Ingestor

    return Ingestor(settings, embedder=embedder)


@pytest.fixture(scope="session")
def sample_store_dir(tmp_path_factory, embedder):
    """The bundled samples ingested once (real embedder, real Chroma); copy before mutating."""
    from ingest.pipeline import Ingestor
    from ingest.settings import Settings

    data = tmp_path_factory.mktemp("samples-store") / "data"
    ing = Ingestor(Settings.load(data_dir=data), embedder=embedder)
    rep = ing.ingest([SAMPLES], progress=False)
    assert not rep.failed
    ing.store.docs.close()  # no -wal file left behind for the tests that copy this folder (e.g. onto read-only media)
    return data


@pytest.fixture
def sample_assistant(sample_store_dir, embedder):
    from assistant.assistant import Assistant
    from ingest.settings import Settings

    settings = Settings.load(data_dir=sample_store_dir)
    settings.llm.backend = "extractive"
    return Assistant.from_settings(settings, embedder=embedder)


@pytest.fixture(scope="session")
def reuters_trade_store(tmp_path_factory, embedder):
    """All 551 Reuters-21578 `trade` stories ingested once (real data; skipped without it)."""
    from ingest.pipeline import Ingestor
    from ingest.settings import Settings

    files = sorted(need(REUTERS).glob("reut2-*.sgm"))
    data = tmp_path_factory.mktemp("reuters-trade") / "data"
    ing = Ingestor(Settings.load(data_dir=data), embedder=embedder)
    report = ing.ingest(files, topic="trade", progress=False)
    return data, files, report


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, embedder):
    from ingest.pipeline import Ingestor
    from ingest.settings import Settings

    data = tmp_path_factory.mktemp("seed") / "data"
    Ingestor(Settings.load(data_dir=data), embedder=embedder).ingest([need(SEED)], progress=False)
    return data


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(cmd: list[str], ready_url: str, seconds: float = 120.0, env: dict | None = None, log: Path | None = None):
    """Run a server process on 127.0.0.1 for the duration of a test; stop it after."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
                            env={**os.environ, **(env or {})}, cwd=ROOT)
    try:
        wait_for_http(ready_url, proc, seconds)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()


def wait_for_http(url: str, proc, seconds: float = 120.0) -> None:
    """Poll url until it answers; fail the test if the server process dies or never answers."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server process exited with code {proc.returncode} before {url} answered")
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"{url} did not answer within {seconds:.0f}s")


@pytest.fixture(scope="session")
def local_settings(sample_store_dir):
    from assistant.backends.local import LocalBackend
    from assistant.models import ModelError, ensure_model
    from ingest.settings import Settings

    if not LocalBackend.available():
        pytest.skip("llama-cpp-python is not installed (pip install -e '.[local]')")
    s = Settings.load(data_dir=sample_store_dir)
    try:
        ensure_model(s.llm.local_model, s.llm.model_dir)
    except ModelError as e:
        pytest.skip(str(e))
    return s


OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def web_app(sample_store_dir, tmp_path_factory):
    """`python app.py` on a copy of the sample store (extractive answers), on a free port of 127.0.0.1."""
    import shutil
    import sys

    data = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(sample_store_dir, data)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {"TRADECHAT_DATA_DIR": str(data), "TRADECHAT_WEB__PORT": str(port), "TRADECHAT_LLM__BACKEND": "extractive",
           "TRADECHAT_WEB__CHAT_CONCURRENCY": "4"}
    OUTPUT.mkdir(exist_ok=True)
    with serving([sys.executable, "app.py"], url, 180, env, OUTPUT / "web-app.log"):
        yield url, data


def store_snapshot(store) -> dict:
    """What a user can observe: doc ids with hashes, chunk ids in SQLite and in Chroma."""
    states = store.docs.states()
    chroma_ids = store.vectors.collection.get(include=[])["ids"]
    sqlite_ids = [c["chunk_id"] for c in store.docs.chunks()]
    assert len(chroma_ids) == len(set(chroma_ids)), "duplicate vectors"
    return {
        "docs": {d: s.hash for d, s in states.items()},
        "status": {s.status for s in states.values()},
        "sqlite_chunks": sorted(sqlite_ids),
        "chroma_chunks": sorted(chroma_ids),
    }


@contextlib.contextmanager
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never answers; yields its port."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held: list = []
    stop = threading.Event()

    def accept():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        srv.close()


@contextlib.contextmanager
def recording_server():
    """An HTTP server on 127.0.0.1 that answers every GET with a 1x1 GIF and records what reached it.

    Yields (port, hits): hits lists every request path, plus 'connect' for each TCP connection."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []
    gif = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.send_header("Content-Length", str(len(gif)))
            self.end_headers()
            self.wfile.write(gif)

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def verify_request(self, request, client_address):
            hits.append("connect")
            return True

    srv = Server(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    t.start()
    try:
        yield srv.server_address[1], hits
    finally:
        srv.shutdown()
        srv.server_close()


@contextlib.contextmanager
def slow_model_server(pause_s: float = 0.4):
    """A stand-in OpenAI-compatible model on 127.0.0.1 that writes slowly: it answers with the first
    sentence of the first passage in its prompt (citing [1]), streamed in pieces ``pause_s`` apart.

    Plumbing for tests of what the user sees while a slow model writes; yields its base URL."""
    import json
    import re
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # the body ends when the connection closes

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
            m = re.search(r"<<<\n(.+?)\n>>>", prompt, re.S)
            first = re.split(r"(?<=[.!?])\s+", m.group(1).strip())[0] if m else ""
            reply = json.dumps({"answerable": bool(first), "sentences": [{"text": first, "citations": [1]}] if first else []})
            self.send_response(200)
            if not body.get("stream"):
                out = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "slow",
                                  "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}]})
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(out.encode())
                return
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            step = max(1, len(reply) // 8)
            for i in range(0, len(reply), step):
                chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "slow",
                         "choices": [{"index": 0, "delta": {"content": reply[i:i + step]}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(pause_s)
            self.wfile.write(b"data: [DONE]\n\n")

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    finally:
        srv.shutdown()
        srv.server_close()


class FeedSite:
    """A small news site on 127.0.0.1 whose feeds and pages a test changes between polls.

    ``set(path, body, status=200, content_type=..., delay=0, headers=None)`` serves ``body`` at ``path``
    (an ETag from its content; If-None-Match gets a 304); ``redirect(path, to)``; ``hits`` lists the paths asked."""

    def __init__(self):
        import hashlib
        import time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.routes: dict[str, dict] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):  # one segment per response: no 40 ms delayed-ACK stall on keep-alive connections
                super().setup()
                import socket as _s

                self.connection.setsockopt(_s.IPPROTO_TCP, _s.TCP_NODELAY, 1)

            def do_GET(self):
                site.hits.append(self.path)
                r = site.routes.get(self.path)
                if r is None:
                    return self._send(404, b"not here", "text/plain")
                if r.get("delay"):
                    time.sleep(r["delay"])
                if r.get("location"):
                    self.send_response(302)
                    self.send_header("Location", r["location"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                body = r["body"] if isinstance(r["body"], bytes) else r["body"].encode()
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                if r["status"] == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                return self._send(r["status"], body, r["type"], {"ETag": etag, **(r.get("headers") or {})})

            def _send(self, status, body, ctype, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, path: str, body, status: int = 200, content_type: str = "text/html; charset=utf-8", delay: float = 0,
            headers: dict | None = None) -> None:
        self.routes[path] = {"body": body, "status": status, "type": content_type, "delay": delay, "headers": headers}

    def redirect(self, path: str, to: str) -> None:
        self.routes[path] = {"location": to}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_site():
    site = FeedSite()
    yield site
    site.close()
