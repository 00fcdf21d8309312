"""Article text reaches the page as data: escaped, highlighted at the cited offsets, only http(s) links."""

from assistant import render
from assistant.types import Answer, AnswerSentence, Citation, Passage

HOSTILE = 'Tariffs rise. <script>alert("x")</script><img src=x onerror="alert(1)"> [click](javascript:alert(2)) **bold**'


def _answer(text=HOSTILE, url="javascript:alert(3)"):
    start = text.index("Tariffs")
    c = Citation(1, "doc-1", "Outlet <b>", "Title <i>", "2019-05-25", url, text, (start, start + 13), (start, start + 13))
    p = Passage("doc-1:0", "doc-1", text, 0, len(text), 20, "Title <i>", "Outlet <b>", "2019-05-25")
    return Answer("q <script>", [AnswerSentence(text, [1])], [c], False, "extractive", [p], {})


def test_answer_markdown_is_inert_and_links_citations():
    md = render.answer_markdown(_answer(), turn=3)
    assert "<script>" not in md and "<img" not in md and "&lt;script&gt;" in md
    assert "\\[click\\](javascript" in md and "\\*\\*bold\\*\\*" in md  # no live link, no emphasis
    assert '[[1]](#cite-3-1 "Outlet &lt;b&gt; · Title &lt;i&gt; · 2019-05-25")' in md  # hover text: markup as entities
    broken = render.md_title('Title\n\n<img src=x> "quoted" back\\')
    assert "\n" not in broken and '"' not in broken and "\\" not in broken and "<" not in broken  # nothing can end the title


def test_sources_panel_escapes_everything_and_highlights_the_span():
    a = _answer()
    html = render.turn_html(a, 3, document=lambda _: "Before. " + HOSTILE)
    assert "<script" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert "&lt;script&gt;" in html and "Outlet &lt;b&gt;" in html and "Title &lt;i&gt;" in html
    assert 'id="cite-3-1"' in html
    # the span is located in the document text: 8 characters of context before it
    assert "Before. <mark>" not in html and "<mark>" in html
    assert 'href="javascript' not in html  # only http(s) urls become links


def test_citation_span_is_highlighted_inside_the_document_text():
    doc = "Intro sentence here. Japan wants the auto tariff removed. Closing words."
    a, b = doc.index("Japan"), doc.index("removed.") + len("removed.")
    c = Citation(1, "d", "Out", "T", "2019-01-01", "https://example.org/a?b=1", doc[a:b], (a, b), (0, b - a))
    html = render.citation_html(c, 1, doc)
    assert "<mark>Japan wants the auto tariff removed.</mark>" in html
    assert "Intro sentence here. <mark>" in html and 'href="https://example.org/a?b=1"' in html


def test_refusal_lists_consulted_passages():
    p = Passage("d:0", "d", "Some <b>text</b>", 0, 10, 3, "A title", "Wire", "2020-01-02")
    refusal = Answer("Who?", [], [], True, "extractive", [p, p], {}, ["nothing supports it"])
    assert "stored sources do not answer" in render.answer_markdown(refusal, 1)
    html = render.turn_html(refusal, 1)
    assert "Refused" in html and html.count("<li>") == 1 and "&lt;b&gt;text" in html


def test_safe_url():
    assert render.safe_url("https://a.example/x") == "https://a.example/x"
    for bad in ("javascript:alert(1)", "data:text/html,x", 'https://a" onmouseover="x', None, ""):
        assert render.safe_url(bad) is None


def test_every_sentence_citing_a_source_gets_its_own_numbered_highlight():
    doc = "Intro. Japan wants the auto tariff removed. Rice talks went on. On farm goods, Tokyo could go to TPP levels <b>."
    a1, b1 = doc.index("Japan"), doc.index("removed.") + len("removed.")
    a2, b2 = doc.index("On farm"), len(doc)
    c = Citation(2, "d", "Out", "T", "2019-01-01", None, doc, (a1, b1), (a1, b1))
    c.add_span(2, (a1, b1), (a1, b1))
    c.add_span(3, (a2, b2), (a2, b2))
    c.add_span(3, (a2, b2), (a2, b2))  # the same sentence and span twice: recorded once
    assert [x["sentence"] for x in c.spans] == [2, 3]
    html = render.citation_html(c, 1, doc)
    assert html.count("<mark") == 2  # the second sentence's span is highlighted too, not only the first
    assert '>Japan wants the auto tariff removed.</mark><sup class="tc-sn">s2</sup>' in html
    assert '>On farm goods, Tokyo could go to TPP levels &lt;b&gt;.</mark><sup class="tc-sn">s3</sup>' in html
    assert " Rice talks went on. " in html  # the text between them, unmarked
    c.add_span(4, (a1 + 6, b1), (a1 + 6, b1))  # overlapping spans are one mark naming both sentences
    assert '<sup class="tc-sn">s2,s4</sup>' in render.citation_html(c, 1, doc)


def test_a_timeline_says_how_a_stance_was_read_in_plain_words():
    step = {"doc_id": "d1", "start": 0, "end": 0, "sentence": "Tokyo called the quota <b>unacceptable</b>.", "stance": "red line",
            "method": "rule", "cue": "unacceptable", "published": "2019-05-25", "source": "Wire", "title": "T"}
    html = render.timeline_html("Japan", "autos", [step])
    assert "(from the words “unacceptable”)" in html and "rule;" not in html and "cue “" not in html
    assert "(read by the local model)" in render.timeline_html("Japan", "autos", [step | {"method": "model"}])
    assert "&lt;b&gt;unacceptable&lt;/b&gt;" in html  # the sentence stays text
