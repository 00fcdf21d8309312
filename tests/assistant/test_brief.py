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


def test_pdf_and_word_read_back_with_every_section_and_reference(briefed, tmp_path):
    import docx
    import pypdf

    from assistant.brief import render_docx, render_pdf

    _, a = briefed
    b = build_briefing(a, parties=["Peru", "Chile", "Japan"])
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(render_pdf(b))
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(pdf).pages)
    for heading in ("Where things stand", "Stances (party × issue, the latest)", "What changed", "Conflicting figures",
                    "Key quotes", "References"):
        assert heading in text
    assert all(f"doc: {r.doc_id}" in text.replace(" ", " ") or r.doc_id in text.replace(" ", "") for r in b.refs)
    assert "<script>alert(1)</script>" in text.replace(" ", "")  # the markup printed as text
    assert "التجارة" in text  # the Arabic, shaped by HarfBuzz, still reads back as its own letters
    word = tmp_path / "brief.docx"
    word.write_bytes(render_docx(b))
    d = docx.Document(word)
    paras = [p.text for p in d.paragraphs]
    assert paras[0] == b.title and "References" in paras
    assert any("<script>alert(1)</script>" in p for p in paras) and any("وزير" in p for p in paras)  # text, kept as written
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells][0] == "party" and len(table.rows) == 1 + len(b.parties)
    cited = {int(n) for p in paras for n in re.findall(r"\[(\d+)\]", p)}
    assert cited == {r.n for r in b.refs}
    if shutil.which("pdftoppm"):  # the pages as images, for a person to look at (test-output/brief-*.png)
        from tests.conftest import OUTPUT

        OUTPUT.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(OUTPUT / "brief")], check=True, timeout=120)
        assert list(OUTPUT.glob("brief-*.png"))


def test_a_users_own_templates_replace_the_built_in_ones_and_stay_escaped(briefed, tmp_path):
    """positions.brief_templates names a folder whose brief.md.j2 / brief.html.j2 win; a broken one is named."""
    s, a = briefed
    own = tmp_path / "house"
    own.mkdir()
    (own / "brief.html.j2").write_text("<h1>House style: {{ b.title }}</h1>{% for ln in b.summary %}<p>{{ ln.text }}</p>{% endfor %}")
    b = build_briefing(a, parties=["Peru", "Chile"])
    page = render(b, "html", own)
    assert page.startswith("<h1>House style: Briefing") and "&lt;script&gt;" in page and "<script" not in page  # still autoescaped
    assert render(b, "md", own).startswith("# Briefing")  # no md template of its own: the built-in one
    (own / "brief.md.j2").write_text("# {{ b.title }\n")
    with pytest.raises(BriefError, match=r"briefing template .*brief\.md\.j2, line 1"):
        render(b, "md", own)
    with pytest.raises(BriefError, match="positions.brief_templates: .* is not a folder"):
        render(b, "md", tmp_path / "missing")
    env = {**__import__("os").environ, "TRADECHAT_POSITIONS__BRIEF_TEMPLATES": str(own)}
    out = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--data-dir", str(s.data_dir), "brief", "--party", "Peru",
                          "--format", "html", "--out", str(tmp_path / "h.html")], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0 and (tmp_path / "h.html").read_text().startswith("<h1>House style"), out.stderr
