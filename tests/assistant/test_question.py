"""What a question asks for, and which sentences can answer it (assistant/question.py)."""

import pytest

from assistant.question import analyse


@pytest.mark.parametrize("question, kind, speaker", [
    ("When did Japan announce the chip tariffs?", "when", None),
    ("And when will the talks resume?", "when", None),
    ("On what date did the EC vote?", "when", None),
    ("How much did the EC deficit with Japan grow in 1986?", "how-much", None),
    ("By how much did MITI cut output?", "how-much", None),
    ("What was the value of Taiwan's exports?", "how-much", None),
    ("What did Yeutter say Japan must show?", "who-said", "yeutter"),
    ("In March 1987, what did British Prime Minister Margaret Thatcher tell Parliament about the bid?", "who-said", "thatcher"),
    ("Why did MITI urge chipmakers to cut output?", "why", None),
    ("What is Japan's position on rice?", "open", None),
    ("Did the U.S. agree to remove all tariffs on Japanese cars?", "yes-no", None),
])
def test_kinds(question, kind, speaker):
    a = analyse(question)
    assert a.kind == kind
    assert (a.speaker_words() or [None])[0] == speaker


def test_answer_bearing_sentences():
    when = analyse("When did the talks start?")
    assert when.bears("The talks started on Tuesday in Geneva.") and when.bears("Talks began in March 1987.")
    assert not when.bears("The talks covered semiconductors and rice.")
    much = analyse("How much rice will Japan import?")
    assert much.bears("Japan will import 200,000 tonnes of rice.") and not much.bears("Japan will import more rice.")
    said = analyse("What did Yeutter say about rice?")
    assert said.bears("Yeutter said Japan must open its rice market.")
    assert said.bears("He said Japan must open its rice market.", before="Yeutter arrived in Tokyo on Monday.")
    assert not said.bears("Baker said Japan must open its rice market.")  # another speaker's words never answer
    why = analyse("Why did the yen rise?")
    assert why.bears("The yen rose because of the trade surplus.") and not why.bears("The yen rose to 140.")


def test_extractive_refuses_with_what_is_missing(embedder):
    from assistant.backends.extractive import ExtractiveBackend
    from assistant.types import Draft, Passage

    text = ("Japan and the United States held talks on semiconductor trade in Tokyo. "
            "The talks covered market access for U.S. chipmakers and prices of Japanese chips.")
    p = Passage("c1", "d1", text, 0, len(text), 40, title="Chip talks", source="Wire")
    backend = ExtractiveBackend(embedder, extractive_min_score=0.3)
    draft = [e for e in backend.stream("When did Japan and the United States hold talks on semiconductor trade?", [p])
             if isinstance(e, Draft)][0]
    assert not draft.answerable and draft.missing == ["when"]
    open_q = [e for e in backend.stream("What did Japan and the United States discuss in the semiconductor talks?", [p])
              if isinstance(e, Draft)][0]
    assert open_q.answerable  # the same passage answers a question that asks for no date
