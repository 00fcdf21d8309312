"""Auto mode in the browser: the verified quoted answer shows at once, the slower model's answer replaces it.

The model is a stand-in OpenAI-compatible server on 127.0.0.1 that writes slowly (tests/conftest.py)."""

import shutil
import sys
import time

import pytest

from tests.conftest import OUTPUT, free_port, serving, slow_model_server
from tests.web.test_browser import CHROMIUM, SHOTS, ask, browser_page

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def quick_page(sample_store_dir, tmp_path_factory):
    data = tmp_path_factory.mktemp("quick") / "data"
    shutil.copytree(sample_store_dir, data)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with slow_model_server(pause_s=0.5) as model:
        env = {"TRADECHAT_DATA_DIR": str(data), "TRADECHAT_WEB__PORT": str(port), "TRADECHAT_LLM__BACKEND": "auto",
               "TRADECHAT_OPENAI__BASE_URL": model}
        with serving([sys.executable, "app.py"], url, 180, env, OUTPUT / "web-app-quick.log"), browser_page(url) as pg:
            yield pg


def test_quoted_answer_shows_first_then_the_model_answer_replaces_it(quick_page):
    page = quick_page
    t0 = time.monotonic()
    ask(page, "What is Japan's position on the proposed U.S. auto tariffs?")
    bot = page.locator("#chat .message-row").last
    page.get_by_text("Quoted from the sources at once").wait_for(timeout=60_000)
    quick_s = time.monotonic() - t0
    assert bot.locator("a[href*='#cite-']").count() >= 1  # the quoted answer is already cited
    assert "unacceptable" in bot.inner_text()  # and it answers
    page.screenshot(path=str(SHOTS / "auto-quoted-first.png"))
    page.wait_for_function("!document.querySelector('#chat').innerText.includes('Quoted from the sources at once')", timeout=90_000)
    final_s = time.monotonic() - t0
    assert final_s > quick_s + 2  # the stand-in model takes seconds: the quoted answer was shown well before it
    assert bot.locator("a[href*='#cite-']").count() >= 1
    assert "writing its answer" not in bot.inner_text() and "drafted" not in bot.inner_text()
    print(f"quoted answer after {quick_s:.1f} s in the browser, the model's after {final_s:.1f} s")
