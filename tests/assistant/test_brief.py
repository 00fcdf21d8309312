"""`tradechat brief` (issue 20, first part): Markdown and HTML briefings from the samples, every [n] resolved,
hostile article text inert, an empty selection refused with a message."""

import re
import shutil
import subprocess
import sys

import pytest

from assistant.brief import BriefError, build_briefing, render
from ingest.settings import Settings
from tests.conftest import ROOT

HOSTILE = """Ports row flares in Valparaiso
By Staff Reporter
June 2, 2023

VALPARAISO, June 2 (Harbour Wire) - Chile rejected Peru's demand for lower tariffs on copper <script>alert(1)</script> shipments, officials said.
Peru's delegation called the copper tariffs "unacceptable" and added [a link](javascript:alert(2)) plus a word of \
Supercalifragilisticexpialidociousportfeesnegotiationsroundtwothousandandtwentythree length.
وزير التجارة: Peru demanded that Chile cut the copper tariffs by 40 percent, the ministry said.
"""


@pytest.fixture
def briefed(sample_store_dir, tmp_path, embedder):
    from assistant.assistant import Assistant
    from ingest.pipeline import Ingestor

    data = tmp_path / "data"
    shutil.copytree(sample_store_dir, data)
    s = Settings.load(data_dir=data)
    src = tmp_path / "harbour-wire-valparaiso.txt"
    src.write_text(HOSTILE, encoding="utf-8")
    Ingestor(s, embedder=embedder).ingest([src], progress=False)
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "--data-dir", str(data), "positions", "build", "--model", "off"],
                   check=True, capture_output=True, timeout=300)
    return s, Assistant.from_settings(s, embedder=embedder)


def _refs_resolve(text: str, b) -> None:
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert cited and cited == {r.n for r in b.refs}  # every [n] has a reference, every reference is cited


def test_markdown_and_html_briefings_cite_and_resolve_every_number(briefed):
    _, a = briefed
    b = build_briefing(a, parties=["Tokyo"], questions=["What did Japan ask Washington to do about auto parts tariffs?"])
    assert b.summary and all(line.party == "Japan" for line in b.summary)
    md, page = render(b, "md"), render(b, "html")
    _refs_resolve(md, b)
    for n in {r.n for r in b.refs}:
        assert f'id="ref-{n}"' in page and f'href="#ref-{n}"' in page
    assert "## Where things stand" in md and "| Japan |" in md and "## References" in md
    assert 'class="stance st-red-line"' in page and "<img alt=\"Stances over time" in page  # colour-coded, with the chart
    assert b.answers and not b.answers[0]["refused"] and "auto parts" in md


def test_hostile_article_text_stays_inert_in_every_format(briefed, tmp_path):
    _, a = briefed
    b = build_briefing(a, parties=["Peru", "Chile"])
    assert any("tariffs on copper" in line.text for line in b.summary), [x.text for x in b.summary]
    page, md = render(b, "html"), render(b, "md")
    assert "<script" not in page and "&lt;script&gt;" in page and 'href="javascript' not in page
    assert "<script" not in md and "&lt;script&gt;" in md and r"\[a link\]" in md  # markup shown as text, no link made
    assert 'dir="auto"' in page and "وزير" in page  # right-to-left text kept, in its own direction
    assert "overflow-wrap: anywhere" in page  # a 60-letter word wraps instead of breaking the page


def test_an_empty_selection_is_refused_with_a_message_and_bad_options_exit_2(briefed, tmp_path):
    s, a = briefed
    with pytest.raises(BriefError, match="no stored position statement matches Japan, rice, since 2030-01-01"):
        build_briefing(a, parties=["Japan"], issues=["rice"], since="2030-01-01")
    with pytest.raises(BriefError, match="unknown party: Narnia"):
        build_briefing(a, parties=["Narnia"])
    cli = [sys.executable, str(ROOT / "cli.py"), "--data-dir", str(s.data_dir), "brief"]
    out = subprocess.run([*cli, "--party", "Japan", "--since", "2030-01-01", "--out", str(tmp_path / "b.md")], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 2 and "nothing to brief on" in out.stderr and not (tmp_path / "b.md").exists()
    ok = subprocess.run([*cli, "--party", "Japan", "--format", "html", "--out", str(tmp_path / "b.html")], capture_output=True,
                        text=True, timeout=300)
    assert ok.returncode == 0 and (tmp_path / "b.html").read_text().startswith("<!DOCTYPE html>"), ok.stderr
