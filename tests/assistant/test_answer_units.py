"""Fast unit tests of the answer path's pure functions: no model, no Chroma, no embedder.

Run alone with ``python -m pytest -m unit`` (seconds).
"""

import numpy as np
import pytest

from assistant.chat import condense, looks_like_follow_up
from assistant.conflicts import find_conflicts, flag_conflicts, quantities
from assistant.question import wants_recent
from assistant.retrieve import CollapseCopies, RecencyBoost, rrf, to_where
from assistant.scoring import content_words, sentence_score, years_in
from assistant.types import Answer, AnswerSentence, Citation, Filters, Passage
from ingest.dates import days_apart, iso_date, parse_date, published_day
from ingest.vectors import Where, chroma_where

pytestmark = pytest.mark.unit


def _p(cid, doc, score=0.0, published=None, text="x"):
    return Passage(chunk_id=cid, doc_id=doc, text=text, start=0, end=len(text), n_tiktoken=5, published=published, score=score)


# ---- fusion ---------------------------------------------------------------------
def test_rrf_sums_reciprocal_ranks_and_keeps_each_retrievers_rank():
    fused, ranks = rrf({"dense": ["a", "b", "c"], "bm25": ["c", "a"]}, rrf_k=60)
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62) and fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert fused["b"] == pytest.approx(1 / 62)
    assert sorted(fused, key=fused.get, reverse=True) == ["a", "c", "b"]  # found by both beats found once
    assert ranks["c"] == {"dense": 3, "bm25": 1} and ranks["b"] == {"dense": 2}


def test_rrf_of_nothing_is_empty():
    assert rrf({"dense": [], "bm25": []}, 60) == ({}, {})


# ---- filters ---------------------------------------------------------------------
def test_filters_become_the_stores_neutral_where_and_chromas_syntax():
    w = to_where(Filters(sources=("Reuters", "Nikkei"), since="1987-03-01", until="1987-03-31"))
    assert w == Where(("Reuters", "Nikkei"), (), published_day("1987-03-01"), published_day("1987-03-31"))
    assert chroma_where(w) == {"$and": [{"source": {"$in": ["Reuters", "Nikkei"]}},
                                        {"published_day": {"$gte": w.since_day}}, {"published_day": {"$lte": w.until_day}}]}
    assert chroma_where(Where(doc_ids=("d1",))) == {"doc_id": "d1"}
    assert chroma_where(Where()) is None and Where().is_empty()


def test_lexical_mask_combines_outlet_date_and_doc_filters():
    from ingest.lexical import LexicalIndex

    days = np.array([published_day(d) or -1 for d in ("1987-03-01", "1987-04-01", None, "2019-05-25")])
    idx = LexicalIndex(None, ["a::0", "b::0", "c::0", "d::0"], ["a", "b", "c", "d"], ["Reuters", "reuters", None, "Nikkei"], days, 1)
    assert idx.mask() is None  # no filter: no mask at all
    assert idx.mask(sources=("REUTERS",)).tolist() == [True, True, False, False]  # outlets match case-blind
    assert idx.mask(since_day=published_day("1987-03-15")).tolist() == [False, True, False, True]
    assert idx.mask(until_day=published_day("1987-03-15")).tolist() == [True, False, False, False]  # undated is excluded
    assert idx.mask(sources=("Reuters",), doc_ids=("b", "d")).tolist() == [False, True, False, False]
    assert idx.search("tariffs", 5) == []  # an empty index finds nothing rather than failing


# ---- post-processors ------------------------------------------------------------------
def test_recency_boost_only_for_questions_about_the_latest_state():
    old, new = _p("o::0", "o", 1.0, "2017-01-01"), _p("n::0", "n", 0.9, "2019-01-01")
    boost = RecencyBoost(0.25)
    assert [p.doc_id for p in boost("USMCA terms", [old, new])] == ["o", "n"]  # not asked: order kept
    out = boost("What is the latest on USMCA?", [old, new])
    assert [p.doc_id for p in out] == ["n", "o"] and out[0].score == pytest.approx(0.9 + 0.25)
    same_day = [_p("a::0", "a", 1.0, "2019-01-01"), _p("b::0", "b", 0.5, "2019-01-01")]
    assert [p.score for p in boost("latest?", same_day)] == [1.0, 0.5]  # nothing to tell apart


def test_a_question_naming_a_month_ranks_that_months_stories_first():
    from assistant.question import AskedDate, asked_dates
    from assistant.retrieve import DateScope

    assert asked_dates("What did Fitzwater say on April 8, 1987?") == [AskedDate(4, 1987, 8)]
    assert asked_dates("What did Yeutter say in March, in his 1987 speech?") == [AskedDate(3, 1987)]
    assert asked_dates("What did Japan offer?") == []
    march, april, april9 = (_p("m::0", "m", 1.0, "1987-03-20"), _p("a::0", "a", 0.8, "1987-04-20"),
                            _p("d::0", "d", 0.7, "1987-04-09"))
    scope = DateScope(0.5)
    assert [p.doc_id for p in scope("What did Japan offer?", [march, april, april9])] == ["m", "a", "d"]  # not asked
    assert [p.doc_id for p in scope("What did Fitzwater say on April 8, 1987?", [march, april, april9])] == ["d", "a", "m"]
    figure = [_p("f::0", "f", 1.0, "1987-01-10"), _p("r::0", "r", 0.9, "1987-03-26")]  # February's surplus is out in March
    assert [p.doc_id for p in DateScope(0.5)("What was the trade surplus in February 1987?", figure)] == ["r", "f"]


class _Docs:
    def __init__(self, groups, meta):
        self.groups, self.meta = groups, meta

    def duplicate_groups(self):
        return self.groups

    def doc_meta(self, ids):
        return {d: self.meta[d] for d in ids if d in self.meta}


def test_copy_collapsing_keeps_the_best_ranked_copy_and_names_the_others():
    docs = _Docs({"a": "a", "b": "a", "c": "a"}, {d: {"doc_id": d, "source": d.upper()} for d in "abc"})
    ps = [_p("b::0", "b"), _p("x::0", "x"), _p("a::0", "a"), _p("b::1", "b")]
    out = CollapseCopies(docs)("q", ps)
    assert [p.chunk_id for p in out] == ["b::0", "x::0", "b::1"]  # the best-ranked copy (b) is kept whole
    assert [a["doc_id"] for a in out[0].also] == ["a", "c"] and out[1].also == []
    assert CollapseCopies(_Docs({}, {}))("q", ps) == ps


# ---- scoring, questions, dates -----------------------------------------------------------
def test_sentence_score_weighs_meaning_and_shared_words():
    q = content_words("Japan auto tariffs")
    full = sentence_score(0.5, q, content_words("Japan rejects auto tariffs"))
    none = sentence_score(0.5, q, content_words("Rice imports fell"))
    assert full == pytest.approx(0.6 * 0.5 + 0.25 + 0.15) and none == pytest.approx(0.3)
    ctx = sentence_score(0.5, q, content_words("It rejects them"), context=content_words("Japan auto tariffs"))
    assert none < ctx < full  # headline words count, but less than the sentence's own
    assert sentence_score(0.5, set(), set(), weights=(1.0, 0.0, 0.0)) == 0.5
    assert years_in("in 1987 and 2019, not 3000") == {"1987", "2019"}


@pytest.mark.parametrize("q,follow", [
    ("And what about agriculture?", True), ("What did they say?", True), ("Why?", True),
    ("What did Japan propose on rice tariffs in May 2019?", False), ("How large is the U.S. trade deficit with Japan?", False),
])
def test_follow_up_detection(q, follow):
    assert looks_like_follow_up(q) is follow


def test_condense_without_a_model_carries_the_previous_question():
    hist = [("What did Japan want on auto tariffs?", "A red line [1].")]
    assert condense("And rice?", hist) == "And rice? (following up on: What did Japan want on auto tariffs?)"
    assert condense("And rice?", []) == "And rice?"
    # a question naming nothing of its own (no name, no year) is searched with the conversation too
    sweden = [("From what date would Sweden's boycott of South Africa take effect?", "From July 1 [1].")]
    assert condense("Any exceptions to the ban?", sweden).endswith("(following up on: " + sweden[0][0] + ")")
    assert condense("What did Norway decide in 1987?", sweden) == "What did Norway decide in 1987?"
    assert not looks_like_follow_up("Any exceptions to the ban?")  # (so its answer may repeat what was said)


def test_recency_words():
    assert wants_recent("Where do the talks stand now?") and wants_recent("How has Japan's stance changed?")
    assert not wants_recent("What did Japan say in 2019?")


def test_dates():
    assert parse_date("Published May 25, 2019 10:00") == "2019-05-25" and parse_date("25 Sept. 2019") == "2019-09-25"
    assert parse_date("no date here") is None and parse_date("February 30, 2019") is None
    assert iso_date("2019-05-25 10:00") == "2019-05-25T10:00" and iso_date("March 3, 1987") == "1987-03-03"
    assert published_day("1970-01-02") == 1 and published_day("garbage") is None
    assert iso_date("2020-02-30") is None and iso_date("2020-13-45") is None and iso_date("0000-00-00") is None
    assert days_apart("1987-03-01", "1987-03-08T12:00:00") == 7 and days_apart(None, "1987-03-01") == 0


# ---- conflicting figures ----------------------------------------------------------------------
def _cite(n, doc, source, published):
    return Citation(n, doc, source, "t", published, None, "x", (0, 1))


def _answer(*sentences):
    cites = [_cite(1, "d1", "Wire A", "2019-05-01"), _cite(2, "d2", "Wire B", "2019-05-02"), _cite(3, "d1", "Wire A", "2019-05-01")]
    return Answer("q", [AnswerSentence(t, c) for t, c in sentences], cites, False, "extractive", [], {})


def test_quantities_read_units_and_ranges():
    assert [(u, n) for u, n, *_ in quantities("a $32 billion deficit, 5 pct to 6 pct growth and 300,000 tonnes")] == [
        ("billion", "32"), ("percent", "5-6"), ("tonnes", "300000")]


def test_conflicting_figures_from_two_outlets_are_named_not_rounding_or_one_source():
    clash = _answer(("The Japan trade deficit with the United States reached $58.6 billion last year.", [1]),
                    ("The Japan trade deficit with the United States reached $62 billion last year.", [2]))
    assert [(i, j, u) for i, j, u, *_ in find_conflicts(clash)] == [(0, 1, "billion")]
    out = flag_conflicts(clash)
    assert out.sentences[-1].composed and out.sentences[-1].citations == [1, 2]
    assert "Wire A (2019-05-01) reports $58.6 billion, while Wire B (2019-05-02) reports $62 billion" in out.sentences[-1].text
    deficit = "The Japan trade deficit with the United States reached $58.6 billion last year."
    not_conflicts = [  # (first sentence, second sentence, the second's citation)
        (deficit, "The Japan trade deficit with the United States reached $59 billion last year.", 2),  # the same figure, rounded
        (deficit, "The Japan trade deficit with the United States reached $62 billion last year.", 3),  # one story's own two figures
        ("The Japan trade deficit with the United States reached $58.6 billion.", "Canada bought $62 billion of lumber.", 2),
        ("Taiwan's imports of U.S. farm produce in 1986 amounted to 1.41 billion dlrs.",  # another year's figure
         "Taiwan's imports of U.S. goods in the second quarter of 1987 are expected to reach 7.75 billion dlrs.", 2),
        ("The pact would raise Canada's gross national product by 5 pct, the study said.",  # another party's figure
         "The pact would raise U.S. gross national product by 1 pct, the study said.", 2),
    ]
    for a, b, n in not_conflicts:
        assert find_conflicts(_answer((a, [1]), (b, [n]))) == [], (a, b)


def test_bad_ask_arguments_exit_2_with_a_message(capsys):
    from cli import main

    for args in (["--since", "2020-02-30"], ["--until", "yesterday"], ["--k", "-1"], ["--k", "0"], ["--k", "many"]):
        with pytest.raises(SystemExit) as e:
            main(["ask", "What did Japan want?", *args])
        assert e.value.code == 2, args
        assert "tradechat" in capsys.readouterr().err


def test_a_data_dir_that_is_a_file_is_a_bad_argument(tmp_path, capsys):
    from cli import main

    f = tmp_path / "not-a-folder"
    f.write_text("x")
    assert main(["--data-dir", str(f), "docs"]) == 2
    err = capsys.readouterr().err
    assert str(f) in err and "is a file, not a folder" in err


def test_a_weekday_in_a_dated_story_is_given_as_its_calendar_day():
    from assistant.weekdays import date_weekdays, weekday_date

    assert weekday_date("The two sides signed the deal at the White House on Wednesday.", "2020-01-16") == (
        "Wednesday", "15 January 2020")
    assert weekday_date("The ministers will meet again on Monday.", "2020-01-16") == ("Monday", "20 January 2020")
    # the wire's present tense of a trip or a meeting is its future: the Wednesday after a Monday story
    assert weekday_date("Nakasone leaves on his sixth official visit to the United States on Wednesday.",
                        "1987-04-27") == ("Wednesday", "29 April 1987")
    assert weekday_date("Nakasone left on his visit to the United States on Wednesday.", "1987-04-27") == (
        "Wednesday", "22 April 1987")
    assert weekday_date("The talks ended on Friday, March 13.", "2020-01-16") is None  # the calendar date is given
    when = _answer(("The two sides signed the deal at the White House on Wednesday.", [1]))  # Wire A of 2019-05-01
    when.question = "When did the two sides sign the deal?"
    out = date_weekdays(when)
    assert out.sentences[-1].composed and out.sentences[-1].citations == [1]
    assert out.sentences[-1].text == "Wednesday in this story of 1 May 2019 is 1 May 2019."  # (1 May 2019 was a Wednesday)
    other = _answer(("The two sides signed the deal at the White House on Wednesday.", [1]))
    other.question = "What did the two sides sign?"
    assert len(date_weekdays(other).sentences) == 1  # only a "when" question gets the day


def test_what_is_missing_is_said_once_each():
    """Found by the blind J batch (dev): two parts that both ask for a figure read "the figures", not "the figure or
    the figure"."""
    answer = Answer("q", [AnswerSentence("Torchmark said its board authorized the purchase.", [1])], [], True, "extractive",
                    [], {}, missing=["the figure", "the figure"])
    assert answer.text.startswith("The stored sources do not report the figures. Torchmark")
    answer.missing = ["the figure", "the date"]
    assert answer.text.startswith("The stored sources do not report the figure or the date. ")
    answer.sentences = []
    assert answer.text == "The stored sources do not report the figure or the date."
