"""README command 1: `tradechat demo` ingests the bundled samples, answers an example, and serves the web chat."""

import sys
import time

from tests.conftest import OUTPUT, ROOT, free_port, serving


def test_demo_ingests_answers_and_serves(tmp_path):
    port = free_port()
    env = {"TRADECHAT_DATA_DIR": str(tmp_path / "data"), "TRADECHAT_WEB__PORT": str(port), "TRADECHAT_LLM__BACKEND": "extractive"}
    log = OUTPUT / "demo.log"
    OUTPUT.mkdir(exist_ok=True)
    with serving([sys.executable, str(ROOT / "cli.py"), "demo"], f"http://127.0.0.1:{port}/", 240, env, log):
        from gradio_client import Client

        r = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
            "What will replace the U.S. steel and aluminum tariffs on the EU?", None, "extractive", api_name="/ask")
        assert r["citations"] and not r["refused"]
        # the example is answered while the server already serves: give it (bounded) time to print under load
        deadline = time.monotonic() + 90
        while "[1]" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
    text = log.read_text()
    assert "11 new" in text and "[1]" in text and f"127.0.0.1:{port}" in text
    assert " DEBUG " not in text and " INFO " not in text  # without -v, no library's or module's log lines
