"""Assistant plumbing with a scripted fake backend, plus the real extractive path."""

import json
import os
import subprocess
import sys
import threading

import pytest

from assistant.assistant import QuestionError
from assistant.backends import BackendError, parse_draft
from assistant.backends.base import completed_sentences
from assistant.chat import ChatSession, condense
from assistant.retrieve import RetrievalResult
from assistant.types import Draft, DraftText, Filters, Final, Passages, Quick
from tests.conftest import ROOT


class FakeBackend:
    """Stands in for an LLM: returns scripted output, records what it was asked."""

    name = "fake"

    def __init__(self, outputs=(), fail=None, rewrite=None):
        self.outputs = list(outputs)
        self.fail = fail
        self.rewrite = rewrite
        self.asked = []

    def stream(self, question, passages, avoid=frozenset()):
        self.asked.append((question, [p.doc_id for p in passages]))
        if self.fail:
            raise BackendError(self.fail)
        raw = self.outputs.pop(0)
        for s in completed_sentences(raw):
            yield s
        yield parse_draft(raw, self.name)

    def complete(self, prompt, max_tokens=64):
        return self.rewrite


def _use(assistant, backend):
    assistant.backends.register("fake", backend)
    return backend


def test_generative_answer_is_verified_and_renumbered(sample_assistant):
    out = json.dumps({"answerable": True, "sentences": [
        {"text": "Canada opened about 3.6% of its dairy market to U.S. farmers.", "citations": [2, 1]},
        {"text": "Canada gave up its dispute-settlement panels.", "citations": [1]},  # false: it kept them
    ]})
    fake = _use(sample_assistant, FakeBackend([out]))
    events = list(sample_assistant.ask_stream("How much of its dairy market did Canada open?", mode="fake"))
    assert isinstance(events[0], Passages) and events[0].passages  # passages first
    assert "Canada opened about 3.6%" in "".join(e.text for e in events if isinstance(e, DraftText))  # streamed text
    assert isinstance(events[-1], Final) and sum(isinstance(e, Final) for e in events) == 1
    ans = events[-1].answer
    assert fake.asked and not ans.refused
    assert len(ans.sentences) >= 1 and ans.sentences[0].text.startswith("Canada opened about 3.6%")
    assert all(c.n == i for i, c in enumerate(ans.citations, 1))
    assert any(c.doc_id == "northgate-usmca-signed" for c in ans.citations)
    d = ans.as_dict(id="q1")
    assert set(d) >= {"id", "question", "answer", "refused", "mode", "citations", "retrieved", "timings"}
    assert set(d["timings"]) >= {"retrieve_ms", "generate_ms", "total_ms"}
    assert set(d["citations"][0]) >= {"n", "doc_id", "source", "title", "published", "url", "text", "span"}


DAIRY = "How much of its dairy market did Canada open to U.S. farmers?"


def test_auto_shows_the_verified_quoted_answer_before_the_model_writes(sample_assistant):
    out = json.dumps({"answerable": True, "sentences": [
        {"text": "Canada opened about 3.6% of its dairy market to U.S. farmers.", "citations": [1]}]})
    sample_assistant.backends.register("auto", FakeBackend([out]))
    events = list(sample_assistant.ask_stream(DAIRY, mode="auto"))
    kinds = [type(e).__name__ for e in events]
    assert kinds[:2] == ["Passages", "Quick"] and kinds[-1] == "Final" and "DraftText" in kinds[2:-1]
    quick, final = events[1].answer, events[-1].answer
    assert quick.mode == "extractive" and "3.6%" in quick.text and all(s.supported for s in quick.sentences)
    assert final.mode == "fake" and "3.6%" in final.text
    assert final.timings["first_verified_ms"] == quick.timings["total_ms"] < final.timings["total_ms"]


def test_auto_keeps_the_quoted_answer_when_the_model_verifies_nothing(sample_assistant):
    out = json.dumps({"answerable": True, "sentences": [
        {"text": "Canada abolished every tariff on Mexican avocados in 1962.", "citations": [1]}]})
    sample_assistant.backends.register("auto", FakeBackend([out]))
    events = list(sample_assistant.ask_stream(DAIRY, mode="auto"))
    final = events[-1].answer
    assert final.mode == "extractive" and "3.6%" in final.text
    assert any("no verified sentence; the quoted answer stands" in n for n in final.notes)


def test_quick_first_off_or_an_explicit_mode_waits_for_the_model(sample_assistant):
    out = json.dumps({"answerable": True, "sentences": [
        {"text": "Canada opened about 3.6% of its dairy market to U.S. farmers.", "citations": [1]}]})
    sample_assistant.backends.register("auto", FakeBackend([out]))
    sample_assistant.settings.answer.quick_first = False
    assert not any(isinstance(e, Quick) for e in sample_assistant.ask_stream(DAIRY, mode="auto"))
    _use(sample_assistant, FakeBackend([out]))
    sample_assistant.settings.answer.quick_first = True
    assert not any(isinstance(e, Quick) for e in sample_assistant.ask_stream(DAIRY, mode="fake"))


def test_auto_follow_up_is_not_held_up_by_a_model_rewrite(sample_assistant):
    out = json.dumps({"answerable": False, "sentences": []})
    fake = FakeBackend([out], rewrite="What did the model make of this question?")
    sample_assistant.backends.register("auto", fake)
    history = [("What did the USMCA change for dairy?", "Canada opened about 3.6% of its dairy market [1]")]
    final = sample_assistant.ask("And what about autos?", history=history, mode="auto")
    assert fake.asked[0][0] == final.standalone_question
    assert "following up on: What did the USMCA change for dairy?" in final.standalone_question


def test_backend_failure_falls_back_to_extractive_with_a_note(sample_assistant):
    _use(sample_assistant, FakeBackend(fail="fake: connection refused"))
    ans = sample_assistant.ask("How much of its dairy market did Canada open to U.S. farmers?", mode="fake")
    assert ans.mode == "extractive" and not ans.refused and "3.6%" in ans.text
    assert any("connection refused" in n and "extractively" in n for n in ans.notes)


def test_invalid_output_falls_back(sample_assistant):
    _use(sample_assistant, FakeBackend(["this is not json at all"]))
    ans = sample_assistant.ask("How much of its dairy market did Canada open to U.S. farmers?", mode="fake")
    assert ans.mode == "extractive" and "not valid JSON" in " ".join(ans.notes)


def test_unanswerable_draft_is_a_refusal_that_lists_what_was_consulted(sample_assistant):
    _use(sample_assistant, FakeBackend([json.dumps({"answerable": False, "sentences": []})]))
    ans = sample_assistant.ask("What did Brazil say about ethanol quotas?", mode="fake")
    assert ans.refused and ans.citations == [] and ans.retrieved
    assert ans.as_dict()["answer"] == "The stored sources do not answer this question."


@pytest.mark.parametrize("question,msg", [("", "empty"), ("   \n ", "empty"), ("x" * 50_000, "50,000 characters")])
def test_bad_questions(sample_assistant, question, msg):
    with pytest.raises(QuestionError, match=msg):
        sample_assistant.ask(question)


def test_filters_and_empty_results(sample_assistant):
    ans = sample_assistant.ask("tariffs on cars", filters=Filters(sources=("No Such Outlet",)))
    assert ans.refused and "matches the question and filters" in ans.notes[0]
    ranged = sample_assistant.retriever.retrieve("tariffs", Filters(since="2020-01-01", until="2020-12-31"))
    assert ranged.passages and all("2020-01-01" <= p.published[:10] <= "2020-12-31" for p in ranged.passages)
    one = sample_assistant.retriever.retrieve("tariffs", Filters(sources=("Pacific Ledger",)))
    assert {p.source for p in one.passages} == {"Pacific Ledger"}


def test_empty_index_says_so(tmp_path, embedder):
    from assistant.assistant import Assistant
    from ingest.settings import Settings

    a = Assistant.from_settings(Settings.load(data_dir=tmp_path / "empty"), embedder=embedder)
    ans = a.ask("What about tariffs?", mode="extractive")
    assert ans.refused and "index is empty" in ans.notes[0]


def test_retrieval_modes_all_find_the_dairy_passage(sample_assistant):
    for mode in ("hybrid", "dense", "bm25"):
        res = sample_assistant.retriever.retrieve("Canada dairy market access", mode=mode)
        assert res.passages[0].doc_id == "northgate-usmca-signed", mode


def test_vector_count_is_cached_per_store_generation_for_large_stores(sample_store_dir, embedder, tmp_path, monkeypatch):
    """Chroma's count() scans the collection: a large store counts once until it changes."""
    import shutil

    from assistant.assistant import Assistant
    from ingest.pipeline import Ingestor
    from ingest.settings import Settings

    data = tmp_path / "data"
    shutil.copytree(sample_store_dir, data)
    a = Assistant.from_settings(Settings.load(data_dir=data), embedder=embedder)
    coll = a.store.vectors.collection
    calls = []
    monkeypatch.setattr(type(coll), "count", lambda self, _c=type(coll).count: calls.append(1) or _c(self))
    for _ in range(3):
        a.retriever.retrieve("dairy quota", mode="dense")
    assert len(calls) == 3  # a small store is recounted every time
    monkeypatch.setattr(a.retriever.retrievers["dense"], "count_cache_min", 1)
    calls.clear()
    for _ in range(3):
        a.retriever.retrieve("dairy quota", mode="dense")
    assert not calls  # the last count of this generation is reused
    new = tmp_path / "new.md"
    new.write_text("---\ntitle: Quota talks\nsource: Test Wire\n---\nCanada rejected a lumber quota of 14 billion board feet.\n")
    Ingestor(Settings.load(data_dir=data), store=a.store, embedder=embedder).ingest([new], progress=False)
    res = a.retriever.retrieve("lumber quota board feet", mode="dense")
    assert len(calls) == 1 and res.passages[0].doc_id.startswith("new")  # the change is seen at once


def test_filtered_dense_search_over_fetches_then_falls_back_to_chromas_filter(sample_assistant, monkeypatch):
    r, f, q = sample_assistant.retriever, Filters(sources=("Pacific Ledger",), since="2019-01-01"), "tariffs on cars"
    dense = r.retrievers["dense"]
    monkeypatch.setattr(dense, "overfetch", ())  # straight to the store's own filter: the exact filtered ranking
    exact = r.dense(q, f, 10)
    meta = sample_assistant.store.docs.chunks_by_id(exact)
    assert exact and all(meta[c]["source"] == "Pacific Ledger" and meta[c]["published"] >= "2019" for c in exact)
    monkeypatch.setattr(dense, "overfetch", (1, 2))  # the over-fetch tiers, post-filtered on the index's arrays
    monkeypatch.setattr(dense, "min_keep", 1)
    got = r.dense(q, f, 4)
    assert got and got == exact[: len(got)]


def test_latest_questions_prefer_recent_passages(sample_assistant):
    plain = sample_assistant.retriever.retrieve("USMCA agreement signed", k=4).passages
    latest = sample_assistant.retriever.retrieve("What is the latest on the USMCA agreement?", k=4).passages
    assert plain and latest
    date = lambda ps: max(ps[:2], key=lambda p: p.published).published
    assert date(latest) >= date(plain)
    assert latest[0].published >= plain[0].published


def test_follow_up_is_condensed_with_history():
    hist = [("What is Japan's position on U.S. auto tariffs?", "Tokyo calls them a red line [1].")]
    assert condense("What about rice?", [], None) == "What about rice?"
    assert "Japan's position on U.S. auto tariffs" in condense("and what did the US say about that?", hist, None)
    fake = FakeBackend(rewrite="What did the United States say about Japan's position on auto tariffs?")
    assert condense("and what did the US say about that?", hist, fake) == fake.rewrite
    assert condense("What is the RCEP?", hist, fake) == "What is the RCEP?"  # not a follow-up


def test_sessions_keep_their_own_history(sample_assistant):
    questions = {
        "a": ["How much of its dairy market did Canada open?", "and what about cars?"],
        "b": ["Which country walked away from RCEP?", "and why did it leave?"],
    }
    sessions = {k: ChatSession(sample_assistant) for k in questions}
    errors = []

    def run(key):
        try:
            for q in questions[key]:
                sessions[key].ask(q)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in questions]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    for k, s in sessions.items():
        assert [q for q, _ in s.history] == questions[k]
    assert "RCEP" in sessions["b"].assistant.ask("and why did it leave?", history=sessions["b"].history[:1]).standalone_question


def test_cli_ask_json_and_batch(sample_store_dir, tmp_path):
    env = {**os.environ, "TRADECHAT_DATA_DIR": str(sample_store_dir), "TRADECHAT_LLM__BACKEND": "extractive"}
    cli = [sys.executable, str(ROOT / "cli.py"), "ask"]
    one = subprocess.run(cli + ["Which country walked away from the RCEP talks?", "--json"], env=env, capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stderr
    d = json.loads(one.stdout)
    assert "India" in d["answer"] and d["citations"][0]["doc_id"] == "harbor-journal-rcep-signed" and not d["refused"]
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "x1", "question": "Which country walked away from the RCEP talks?"}\n'
                     '{"id": "x2", "question": "What did Brazil propose on soybean tariffs at the WTO?"}\nnot json\n')
    out = subprocess.run(cli + ["--batch", str(batch), "--json", "--source", "Harbor Street Journal"], env=env, capture_output=True, text=True, timeout=300)
    lines = [json.loads(l) for l in out.stdout.splitlines()]
    assert [l["id"] for l in lines] == ["x1", "x2", None]  # an error line has no id to give: it names its line
    assert not lines[0]["refused"] and lines[1]["refused"] and "error" in lines[2] and lines[2]["line"] == 3
    batch.write_text('{"id": "x3", "q": "typo in the field name"}\n')
    out = subprocess.run(cli + ["--batch", str(batch), "--json"], env=env, capture_output=True, text=True, timeout=300)
    bad = json.loads(out.stdout)
    assert bad["id"] == "x3" and "missing field 'question'" in bad["error"] and out.returncode == 1
    batch.write_bytes(b'{"id": "x4", "question": "Caf\xe9 tariffs?"}\n')  # Latin-1, not UTF-8
    out = subprocess.run(cli + ["--batch", str(batch)], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and "not UTF-8" in out.stderr and "Traceback" not in out.stderr, out.stderr[-800:]
    empty = subprocess.run(cli + [""], env=env, capture_output=True, text=True, timeout=300)
    assert empty.returncode == 2 and "empty" in empty.stderr


def test_a_follow_up_answers_the_new_part_without_repeating_the_last_answer(sample_assistant):
    from assistant.chat import ChatSession, said_before

    session = ChatSession(sample_assistant)
    first = session.ask("What has Japan asked Washington to do about tariffs on auto parts?")
    follow = session.ask("And what about agriculture?")
    assert not first.refused and not follow.refused, follow.text
    said = said_before([(first.question, first.text)])
    assert said and not any(s.text in said or s.text.split(": ", 1)[-1] in said for s in follow.sentences), follow.text
    assert any(w in follow.text.lower() for w in ("farm", "agricultur", "beef", "pork", "rice")), follow.text
    # when only what was already said answers the follow-up, it is said again rather than refused
    again = ChatSession(sample_assistant)
    wide = again.ask("What is Japan's position on the proposed U.S. auto tariffs?")
    assert "agricultur" in wide.text.lower()
    repeat = again.ask("And what about agriculture?")
    assert not repeat.refused and any(w in repeat.text.lower() for w in ("agricultur", "farm")), repeat.text


def _asked_with_sweep(tmp_path, embedder, story: str, question: str, sweep: str) -> dict:
    """The story ingested alone, and the question asked of its top passage (dense search) with the retrieval
    setting ``sweep`` off (0) and on (2): {0: answer, 2: answer}."""
    from assistant.assistant import Assistant
    from ingest.pipeline import Ingestor
    from ingest.settings import Settings

    (tmp_path / "story.txt").write_text(story, encoding="utf-8")
    data = tmp_path / "data"
    Ingestor(Settings.load(data_dir=data), embedder=embedder).ingest([tmp_path / "story.txt"], progress=False)
    answers = {}
    for value in (0, 2):
        settings = Settings.load(data_dir=data)
        settings.retrieval.mode = "dense"
        setattr(settings.retrieval, sweep, value)
        answers[value] = Assistant.from_settings(settings, embedder=embedder).ask(question, mode="extractive", k=1)
    return answers


def test_a_name_only_another_passage_of_a_found_story_holds_is_swept_in(tmp_path, embedder):
    """Found by the blind I batch (dev): the story about the share issues was found, but not its passage quoting the
    broker the question names; that passage of the found story joins the others, and its words answer."""
    about = " ".join(f"Dealers said the withdrawn bonus issues of low-par voting shares by the harbour groups had weighed "
                     f"on prices in session {n}." for n in range(1, 12))
    other = " ".join(f"Crane crews at berth {n} loaded rice and timber for coastal ports while rain slowed work on the "
                     f"night shift." for n in range(1, 30))
    story = ("Harbour groups withdraw bonus share plan\n\nVICTORIA, April 7 - The harbour and property groups withdrew "
             "their plans for bonus issues of low-par voting shares after the exchange objected. " + about + " " + other +
             ' Rupert Quayle-Hobbs, a director of Lantern Securities, said: "They would split owners into two '
             'classes with unequal votes." ' + other + "\n")
    q = "What objection did Rupert Quayle-Hobbs raise to the bonus issues of low-par voting shares by the harbour groups?"
    answers = _asked_with_sweep(tmp_path, embedder, story, q, "name_sweep")  # (dense: BM25 would find the rare name itself)
    assert answers[0].refused and "unequal votes" not in answers[0].text, (answers[0].text, [p.chunk_id for p in answers[0].retrieved])
    assert not answers[2].refused and "unequal votes" in answers[2].text, answers[2].text


def test_a_why_question_reads_the_rest_of_its_best_story(tmp_path, embedder):
    """Found by the blind N batch (dev): a statistics story gives the figures first and the reason for the rise in its
    last sentence, in a passage the search does not return; the best story's other passages join the others."""
    figures = " ".join(f"The sub-index for region {n} was put at {90 + n}.{n} in January, against {89 + n}.{n} in December."
                       for n in range(1, 25))
    story = ("Norland long leading indicator jumps in February\n\nKARSTAD, March 23 - Norland's long leading indicator "
             "jumped 5.8 pct in February after a 1.9 pct gain in January, the statistics office said. " + figures +
             " The office said the strong jump in the long leading indicator was due mainly to higher share prices.\n")
    q = "Why did Norland's long leading indicator jump so strongly in February?"
    answers = _asked_with_sweep(tmp_path, embedder, story, q, "reason_sweep")
    assert "share prices" not in answers[0].text, answers[0].text
    assert not answers[2].refused and "share prices" in answers[2].text, answers[2].text


def test_a_follow_up_reads_the_story_the_last_answer_quoted(tmp_path, embedder):
    """Found on dev follow-ups (89 of 91 ask about the previous question's story): "And the dividend?" after a question
    about a company's profit is searched with the conversation, which finds other stories' passages first; the
    passage of the quoted story best matching the follow-up's own words joins them, and it answers."""
    from assistant.assistant import Assistant
    from assistant.chat import said_sentences
    from ingest.pipeline import Ingestor
    from ingest.settings import Settings

    filler = " ".join(f"Kiln {n} at the northern works ran at full load through the winter while the quarry road "
                      f"was widened." for n in range(1, 30))
    story = ("Marlow Cement lifts profit\n\nLONDON, March 9 - Marlow Cement Industries said its pretax profit rose to "
             "41.2 mln stg in 1986 from 33.5 mln a year earlier. " + filler + " The board proposed a final dividend of "
             "6.5p, making 9.8p for the year against 8.4p.\n")
    others = {f"cement{n}.txt": (f"Cement maker {name} reports profit\n\nPARIS, March {n} - Cement maker {name} said its "
                                 f"pretax profit for 1986 rose by {n} pct on higher building demand and lower fuel costs.\n")
              for n, name in ((3, "Orval"), (4, "Bressan"), (5, "Thorne"))}
    (tmp_path / "marlow.txt").write_text(story, encoding="utf-8")
    for name, text in others.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    Ingestor(Settings.load(data_dir=data), embedder=embedder).ingest(sorted(tmp_path.glob("*.txt")), progress=False)
    first_q = "What pretax profit did cement maker Marlow Cement Industries report for 1986?"
    answers = {}
    for sweep in (0, 2):
        settings = Settings.load(data_dir=data)
        settings.retrieval.follow_up_sweep = sweep
        assistant = Assistant.from_settings(settings, embedder=embedder)
        first = assistant.ask(first_q, mode="extractive", k=5)
        assistant.retriever.mode = "dense"  # (BM25 would find the rare "dividend" itself)
        assert "41.2 mln stg" in first.text, (first.text, first.notes, [p.chunk_id for p in first.retrieved])
        history = [(first_q, first.text)]
        assert assistant._previous_stories(history) == {"marlow"}, said_sentences(history)
        answers[sweep] = assistant.ask("And the dividend?", history=history, mode="extractive", k=3)
    assert "9.8p" not in answers[0].text, answers[0].text
    assert not answers[2].refused and "9.8p" in answers[2].text, answers[2].text
    first_chunk, second = assistant.retriever.passages(["marlow::0", "marlow::1"])
    assert first_chunk.preceding == "" and second.preceding == first_chunk.text  # (what "in the month" may point back to)


def test_a_results_table_named_only_in_its_headline_is_found_by_it(tmp_path, embedder):
    """Found by the blind I batch (dev): a results table's rows never name the company ("Revs 44.5 mln vs 35.7 mln"
    under "Telephone And Data Systems Inc <Tds> 4Th Qtr Net"), and its figures crowd the name out of BM25's top: when no
    retrieved passage names the company, the stories whose headline gives its whole name join them, and the row, read
    in full words ("fourth quarter ... revenues"), answers."""
    from assistant.assistant import Assistant
    from ingest.pipeline import Ingestor
    from ingest.settings import Settings

    (tmp_path / "table.txt").write_text("Oper shr 22 cts vs 20 cts\n\nOper net 2,058,000 vs 1,929,000\n\n"
                                        "Revs 44.5 mln vs 35.7 mln\n\nAvg shrs 9,589,000 vs 9,348,000\n\n"
                                        "NOTE: 1986 net includes a charge of 865,000 dlrs.\n", encoding="utf-8")
    (tmp_path / "table.txt.meta.json").write_text(json.dumps({"title": "Quayle Lantern Holdings Inc <QLH> 4th Qtr Net",
                                                             "published": "1987-03-11"}), encoding="utf-8")
    (tmp_path / "other.txt").write_text(
        "Harbour retailers report higher revenues\n\nCHICAGO, March 12 - Revenues of the harbour retailers rose in the "
        "fourth quarter of 1986, helped by holiday sales, and full year revenues were also higher, the trade group said "
        "in its report. The group said fourth quarter revenues would be reported in detail next month.\n", encoding="utf-8")
    data = tmp_path / "data"
    Ingestor(Settings.load(data_dir=data), embedder=embedder).ingest([tmp_path / "table.txt", tmp_path / "other.txt"],
                                                                      progress=False)
    q = "What revenues did Quayle Lantern Holdings report for the fourth quarter of 1986?"
    settings = Settings.load(data_dir=data)
    assistant = Assistant.from_settings(settings, embedder=embedder)
    found = assistant.retriever.retrieve(q, k=2)
    result = RetrievalResult([p for p in found.passages if p.doc_id == "other"], found.ms)  # (as over the whole archive)
    assistant._sweep_names(q, result)
    assert [p.doc_id for p in result.passages] == ["other", "table"]
    assert assistant.store.docs.titled(["quayle", "lantern"]) == ["table"] and assistant.store.docs.titled(["lantern", "inn"]) == []
    backend = assistant.backend("extractive")
    answer = next(e for e in backend.stream(q, result.passages) if isinstance(e, Draft))
    assert "Revs 44.5 mln vs 35.7 mln" in [x.text for x in answer.sentences], (answer.note, answer.missing)
    from assistant.backends.extractive import _in_full

    assert _in_full("Quayle Inc 4th Qtr Net: Revs 44.5 mln vs 35.7 mln") == "Quayle Inc fourth quarter Net: revenues 44.5 mln vs 35.7 mln"
    assert _in_full("Revolving credit of 4th-rate banks") == "Revolving credit of 4th-rate banks"  # (whole words only)
