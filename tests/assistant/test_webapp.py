"""The web chat's handlers, called directly (real embedder, real Chroma, extractive answers)."""

import re
import shutil
from pathlib import Path

import pytest

from assistant.webapp import ChatApp, UploadError, launch_kwargs, safe_upload_name
from ingest.settings import Settings


@pytest.fixture
def app(sample_store_dir, embedder, tmp_path):
    from assistant.assistant import Assistant

    data = tmp_path / "data"
    shutil.copytree(sample_store_dir, data)
    s = Settings.load(data_dir=data)
    s.llm.backend = "extractive"
    return ChatApp(s, Assistant.from_settings(s, embedder=embedder))


def _chat(app, question, history=(), sections=(), **kw):
    args = dict(mode="extractive", outlets=[], since="", until="", k=6) | kw
    return list(app.chat(question, [], list(history), list(sections), *args.values()))


def test_chat_streams_sources_first_then_a_cited_answer(app):
    events = _chat(app, "What is Japan's position on the proposed U.S. auto tariffs?")
    first_msgs = events[0][0]
    assert first_msgs[-1]["content"].startswith("_Searching")
    assert any("Consulting" in e[4] for e in events[1:-1])  # sources shown while the answer is drafted
    msgs, box, history, sections, panel = events[-1]
    assert "[[1]](#cite-1-1" in msgs[-1]["content"] and box == ""
    assert len(sections) == 1 and 'id="cite-1-1"' in panel and "<mark>" in panel
    assert history[0][0].startswith("What is Japan")
    follow = _chat(app, "And what about agriculture?", history, sections)[-1]
    assert len(follow[2]) == 2 and 'id="cite-2-1"' in follow[4]  # second turn has its own anchors
    assert follow[0][-1]["content"].startswith("_Searched for: And what about agriculture? (following up on: What is Japan")
    assert "Searched for" not in msgs[-1]["content"]  # a stand-alone question is searched as asked


def test_chat_refusal_and_bad_dates_are_shown(app):
    msgs = _chat(app, "What did Brazil propose on soybean tariffs at the WTO?")[-1][0]
    assert "do not answer" in msgs[-1]["content"]
    msgs = _chat(app, "Japan autos?", since="last tuesday-ish")[-1][0]
    assert "is not a date" in msgs[-1]["content"]
    msgs = _chat(app, "   ")[-1][0]
    assert "Cannot ask this" in msgs[-1]["content"]


def test_filters_by_outlet_and_date(app):
    outlets = app.outlets()
    assert "Pacific Ledger" in outlets
    _, _, _, sections, _ = _chat(app, "What did Japan and the U.S. agree on farm tariffs?", outlets=["Pacific Ledger"],
                                 since="2019-09-01")[-1]
    assert "Pacific Ledger" in sections[0] and "Capital Trade Wire" not in sections[0]


def test_upload_ingests_lists_and_deletes(app, tmp_path):
    f = tmp_path / "new-wire.txt"
    f.write_text("Ottawa talks stall over softwood lumber\n\nOTTAWA, March 3 (Wire) - Canada rejected a proposed U.S. quota "
                 "on softwood lumber exports on Tuesday, saying the cap of 14.5 billion board feet was far too low. "
                 "Canadian negotiators said they would keep talking.\n")
    before = len(app.documents())
    summary, rows, outlets = app.ingest([str(f)], "")
    assert "1 new" in summary and len(rows) == before + 1
    assert app.documents("softwood")[0][-1] == "new-wire"
    assert (app.settings.uploads_path / "new-wire.txt").is_file()
    ans = app.assistant.ask("What quota did Canada reject on softwood lumber?", mode="extractive")
    assert not ans.refused and ans.citations[0].doc_id == "new-wire"
    msg, rows, _ = app.delete("new-wire")
    assert "Removed" in msg and len(rows) == before and not (app.settings.uploads_path / "new-wire.txt").exists()
    assert "No stored document" in app.delete("new-wire")[0]


def test_upload_limits_and_names(app, tmp_path):
    app.settings.web.max_upload_mb = 0.001
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000)
    assert "over the 0.001 MB limit" in app.ingest([str(big)], "")[0]
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert "type .exe is not accepted" in app.ingest([str(exe)], "")[0]
    app.settings.web.max_upload_files = 1
    assert "at most 1 per upload" in app.ingest([str(big), str(big)], "")[0]
    assert "Not a http(s) URL" in app.ingest([], "file:///etc/passwd")[0]
    for bad in ("../../etc/passwd", "..\\x.txt", ".hidden.txt", "a/b.txt", "x\x00.txt", "C:evil.txt"):
        with pytest.raises(UploadError):
            safe_upload_name(bad)
    with pytest.raises(UploadError, match="bidi"):
        safe_upload_name("invoice\u202egnp.txt")  # right-to-left override hides the real extension
    assert safe_upload_name("Reuters 1987 (trade).sgm") == "Reuters 1987 (trade).sgm"
    assert safe_upload_name("report..v2.txt") == "report..v2.txt"
    assert not any(app.settings.uploads_path.glob("*"))  # nothing refused was kept


def test_upload_never_replaces_a_document_from_elsewhere(app, tmp_path):
    """A forged upload carrying a stored article's doc id is refused, naming both files."""
    original = app.assistant.store.docs.document("northgate-usmca-signed")["text"]
    forged = tmp_path / "northgate-usmca-signed.md"
    forged.write_text("# USMCA scrapped\n\nThe three countries abandoned the USMCA and no dairy access was agreed at all.\n")
    wire = tmp_path / "wire.jsonl"
    wire.write_text('{"id": "capital-wire-us-china-phase-one", "source": "Capital Trade Wire", '
                    '"title": "Deal off", "text": "China and the United States called off the phase one deal entirely today."}\n')
    summary, _, _ = app.ingest([str(forged), str(wire)], "")
    assert summary.count("never replaces it") == 2 and "northgate-usmca-signed.txt" in summary, summary
    assert app.assistant.store.docs.document("northgate-usmca-signed")["text"] == original
    assert "called off" not in app.assistant.store.docs.document("capital-wire-us-china-phase-one")["text"]
    ans = app.assistant.ask("How much of Canada's dairy market was opened to U.S. farmers?", mode="extractive")
    assert not ans.refused and "3.6" in ans.text


def test_uploads_with_one_name_in_one_batch_keep_both(app, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = tmp_path / "a" / "memo.txt", tmp_path / "b" / "memo.txt"
    one.write_text("Brussels memo\n\nThe European Commission said it would raise duties on imported bicycles to 48 percent next month.\n")
    two.write_text("Ottawa memo\n\nCanada said it would cut its tariff on imported barley to zero from March under the new accord.\n")
    summary, _, _ = app.ingest([str(one), str(two)], "")
    assert "2 new" in summary, summary
    assert sorted(p.name for p in app.settings.uploads_path.iterdir()) == ["memo-2.txt", "memo.txt"]


def test_launch_defaults_are_private():
    kw = launch_kwargs(Settings.load())
    assert kw["server_name"] == "127.0.0.1" and kw["share"] is False and kw["auth"] is None
    s = Settings.load(web={"username": "ana", "password": "s3cret"})
    check = launch_kwargs(s)["auth"]
    assert check("ana", "s3cret") and not check("ana", "guess") and not check("bob", "s3cret")
    with pytest.raises(ValueError, match="set together"):
        launch_kwargs(Settings.load(web={"username": "ana"}))


def test_running_app_sees_an_ingest_made_by_another_process(app, tmp_path):
    """`tradechat ingest` in a terminal while the web app serves: the app's embedded Chroma is reopened."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    app.assistant.ask("warm up the dense index", mode="extractive")
    f = tmp_path / "lima-wire.txt"
    f.write_text("Lima talks on avocado quotas\n\nLIMA, May 4 (Andes Wire) - Peru demanded that the quota on its avocado "
                 "exports be doubled to 80,000 tonnes, trade officials said on Thursday.\n")
    subprocess.run([sys.executable, "cli.py", "--data-dir", str(app.settings.data_dir), "ingest", str(f), "--quiet"],
                   cwd=ROOT, check=True, capture_output=True)
    app.assistant.settings.retrieval.mode = "dense"
    app.assistant.retriever.mode = "dense"
    ans = app.assistant.ask("What did Peru demand on avocado export quotas?", mode="extractive")
    assert [c.doc_id for c in ans.citations][:1] == ["lima-wire"], ans.as_dict()


def test_positions_tab_handlers_build_filter_and_open_a_timeline(app, tmp_path):
    assert app.positions_matrix(rows_are="party") == ([], ["party"])  # nothing built yet
    assert "Click a cell" in app.positions_timeline("", "")
    assert "statements" in app.build_positions()
    rows, headers = app.positions_matrix(rows_are="party")
    japan = next(r for r in rows if r[0] == "Japan")
    assert japan[headers.index("autos")] == "red line 2019-05 +1"  # the latest stance, its month, one earlier
    only, h = app.positions_matrix("Japan", "autos")
    assert h == ["party", "autos"] and len(only) == 1
    by_issue, h = app.positions_matrix(rows_are="issue")  # pivoted: a row per issue, a column per party
    assert h[0] == "issue" and next(r for r in by_issue if r[0] == "autos")[h.index("Japan")] == "red line 2019-05 +1"
    parties, issues = app.positions_choices()
    assert app.positions_matrix()[1][0] == ("issue" if len(issues) > len(parties) else "party")  # auto: fewer columns
    app.settings.web.matrix_columns = 2
    capped, h = app.positions_matrix(rows_are="party")
    assert len(h) == 3 and all(len(r) == 3 for r in capped)
    assert f"the 2 issues with the most statements of {len(issues)}" in app.matrix_note(h, None, None)
    assert app.matrix_note(app.positions_matrix("Japan", "autos", rows_are="party")[1], "Japan", "autos") == ""
    app.settings.web.matrix_columns = 7
    assert app.positions_matrix(since="2021-01-01", rows_are="party")[0][0][0] == "European Union"  # only the 2021 steel truce is that late
    html = app.positions_timeline("Japan", "autos")
    assert "Japan on autos" in html and html.index("2019-05-25") < html.index("2019-05-26") and "<mark>" in html
    with pytest.raises(Exception, match="not a date"):
        app.positions_matrix(since="soon")
    # an upload is followed by a positions update, so the new article's stances appear at once
    f = tmp_path / "harbour-wire-lima.txt"
    f.write_text("Peru rejects Chile port fee plan\n\nLIMA, June 3 (Harbour Wire) - Peru rejected Chile's proposal on "
                 "copper tariffs on Tuesday and demanded lower port fees, officials said.\n")
    summary, _, _ = app.ingest([str(f)], "")
    assert "1 new" in summary and "positions: 1 new" in summary
    # a stance read through "he said" is less certain: shown only on request, and marked
    g = tmp_path / "harbour-wire-tokyo.txt"
    g.write_text("Tamura meets U.S. officials\n\nTOKYO, June 4 (Harbour Wire) - Japanese Trade Minister Hajime Tamura met U.S. "
                 "officials on Monday. He said the ministry would ask Washington to drop the semiconductor sanctions.\n")
    app.ingest([str(g)], "")
    assert "semiconductors" not in app.positions_matrix("Japan", rows_are="party")[1]
    rows, headers = app.positions_matrix("Japan", rows_are="party", everything=True)
    assert "semiconductors" in headers
    html = app.positions_timeline("Japan", "semiconductors", everything=True)
    assert "less certain" in html and "toward United States" in html
    assert "No stored statement" in app.positions_timeline("Japan", "semiconductors")


def test_failed_uploads_are_not_kept_and_summaries_name_no_server_paths(app, tmp_path):
    bad = tmp_path / "empty-page.txt"
    bad.write_text("Home | News | Contact\n")  # furniture only: nothing to store
    lines = tmp_path / "many.jsonl"
    lines.write_text('{"id": "ok-1", "title": "Quota", "text": "Canada said on Monday it would cut its tariff on imported barley '
                     'to zero from March under the new accord with Chile."}\n' + "not json\n" * 120)
    summary, _, _ = app.ingest([str(bad), str(lines)], "")
    assert "1 new" in summary and "empty-page.txt" in summary, summary
    assert str(app.settings.data_dir.resolve()) not in summary and str(tmp_path) not in summary  # names, not server paths
    assert "and 71 more failures" in summary and "the failures file below" in summary
    kept = sorted(p.name for p in app.settings.uploads_path.iterdir())
    assert kept == ["many.jsonl"]  # the file that stored a document stays; the one that stored nothing is gone
    full = app.failures_download()
    assert full and Path(full).read_text().count("\n") == 121 and not Path(full).is_relative_to(app.settings.data_dir)


def test_gradios_own_port_variables_are_fallbacks(monkeypatch):
    monkeypatch.delenv("TRADECHAT_WEB__PORT", raising=False)
    monkeypatch.delenv("TRADECHAT_WEB__HOST", raising=False)
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7999")
    monkeypatch.setenv("GRADIO_SERVER_NAME", "127.0.0.2")
    kw = launch_kwargs(Settings.load())
    assert (kw["server_name"], kw["server_port"]) == ("127.0.0.2", 7999)  # what Gradio's own message tells users to set
    kw = launch_kwargs(Settings.load(web={"port": 7001, "host": "127.0.0.1"}))
    assert (kw["server_name"], kw["server_port"]) == ("127.0.0.1", 7001)  # tradechat's settings win
    monkeypatch.setenv("GRADIO_SERVER_PORT", "eighty")
    with pytest.raises(ValueError, match="GRADIO_SERVER_PORT='eighty' is not a port number"):
        launch_kwargs(Settings.load())


def test_a_busy_port_is_named_with_the_way_to_choose_another(tmp_path):
    import os
    import socket
    import subprocess
    import sys

    from tests.conftest import ROOT

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "TRADECHAT_DATA_DIR": str(tmp_path / "data"), "TRADECHAT_WEB__PORT": str(port)}
        for cmd in ([sys.executable, "app.py"], [sys.executable, "-m", "cli", "serve", "--port", str(port)]):
            r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr[-1500:]
            assert f"127.0.0.1:{port}" in r.stderr and "--port" in r.stderr and "TRADECHAT_WEB__PORT" in r.stderr


def test_the_first_screen_says_what_is_stored_and_offers_questions_it_can_answer(app):
    docs = app.assistant.store.docs.documents()
    html = app.landing()
    assert f"<b>{len(docs)} documents</b>" in html and "Pacific Ledger" in html
    dates = sorted(d["published"][:10] for d in docs if d["published"])
    assert f"published {dates[0]} to {dates[-1]}" in html and "last updated" in html
    before = app.example_questions()  # no positions yet: questions about the latest stories
    assert len(before) == 3 and all(q.startswith('What does the story "') for q in before)
    app.build_positions()
    asks = app.example_questions()  # the most-stated stances lead once positions are built
    assert len(asks) == 3 and asks[0].startswith("What is ") and "position on" in asks[0]
    assert not any("States's" in q for q in asks)
    for q in asks:  # each one is answered from the store, not refused
        out = _chat(app, q)[-1]
        assert "[1]" in out[0][-1]["content"], (q, out[0][-1]["content"][:300])
    empty = ChatApp(Settings.load(data_dir=app.settings.data_dir.parent / "empty"))
    assert "Nothing is stored yet" in empty.landing() and empty.example_questions() == []


def test_the_conversation_exports_with_its_references(app, tmp_path):
    import docx
    import pypdf

    history, sections, msgs = [], [], []
    for q in ("What is Japan's position on the proposed U.S. auto tariffs?", "And what about agriculture?"):
        turn, _, history, sections, _ = _chat(app, q, history, sections)[-1]
        msgs += turn
    status, files = app.export_conversation(history)
    assert "2 answers" in status and [f.rsplit(".", 1)[1] for f in files] == ["md", "docx", "pdf"]
    md = open(files[0], encoding="utf-8").read()
    assert "## Where things stand" not in md and "What is Japan's position" in md and "And what about agriculture?" in md
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", md.split("## References")[0])}
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", md.split("## References")[1], re.M)}
    assert cited and cited == listed  # every [n] resolves to a reference
    assert "References" in [p.text for p in docx.Document(files[1]).paragraphs]
    assert "agriculture" in " ".join(p.extract_text() for p in pypdf.PdfReader(files[2]).pages)
    assert app.export_conversation([])[1] == []
    # one answer alone: the second, from its chat message, with only its own references
    status, files = app.export_answer(msgs, history, 3)
    assert status.startswith("1 answer,") and files[0].endswith("answer-2.md"), status
    one = open(files[0], encoding="utf-8").read()
    assert one.startswith("# Answer 2") and "And what about agriculture?" in one and "What is Japan's position" not in one
    own = {int(n) for n in re.findall(r"\[(\d+)\]", one.split("## References")[0])}
    assert own and own == {int(n) for n in re.findall(r"^(\d+)\. ", one.split("## References")[1], re.M)}
    assert "agriculture" in " ".join(p.extract_text() for p in pypdf.PdfReader(files[2]).pages)
    assert app.export_answer(msgs, history, 2)[1] == []  # a question is not an answer
    assert app.export_answer(msgs, history, 99)[1] == []
