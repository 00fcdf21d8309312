import pytest

from ingest.chunk import Chunker
from ingest.sentences import split_sentences
from ingest.types import Article
from tests.conftest import SEED, need


def _texts(text):
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentence_split_handles_news_abbreviations():
    text = ("U.S. Trade Representative Robert Lighthizer met Mr. Motegi on Feb. 26 in Tokyo. "
            "The talks lasted 2.5 hours. \"We are closer,\" he said! Japan's exports rose 3.2 pct.\n\nNew paragraph here.")
    assert _texts(text) == [
        "U.S. Trade Representative Robert Lighthizer met Mr. Motegi on Feb. 26 in Tokyo.",
        "The talks lasted 2.5 hours.",
        "\"We are closer,\" he said!",
        "Japan's exports rose 3.2 pct.",
        "New paragraph here.",
    ]


def test_sentence_split_after_country_initialism():
    assert _texts("Tokyo wants talks with the U.S. The White House said no.") == [
        "Tokyo wants talks with the U.S.", "The White House said no."]


@pytest.fixture(scope="module")
def tokenizer(embedder):
    return embedder.tokenizer


def test_chunks_fit_the_embedder_and_offsets_are_exact(embedder, tokenizer):
    from ingest.clean import clean_scrape

    text = clean_scrape(need(SEED).read_text(encoding="utf-8")).text
    art = Article(doc_id="seed", text=text)
    chunker = Chunker(embedder.wordpiece_offsets, max_tokens=120, overlap_tokens=30)
    chunks = chunker.chunk(art)
    assert len(chunks) >= 4
    sentence_ends = {b for _, b in split_sentences(text)}
    sentence_starts = {a for a, _ in split_sentences(text)}
    for c in chunks:
        assert text[c.start:c.end] == c.text
        n = len(tokenizer(c.text, add_special_tokens=True)["input_ids"])
        assert n <= 120 + 2, n  # never truncated by the embedder
        assert c.n_wordpieces == n - 2
        assert c.start in sentence_starts and c.end in sentence_ends  # sentence-respecting
        assert c.n_tiktoken > 0
    # consecutive chunks overlap by whole sentences when the previous chunk's
    # last sentence fits the overlap budget; together they cover the text
    spans = split_sentences(text)
    overlapped = 0
    for a, b in zip(chunks, chunks[1:]):
        last = next(s for s in spans if s[1] == a.end)
        last_tokens = len(tokenizer(text[last[0]:last[1]], add_special_tokens=False)["input_ids"])
        if last_tokens <= 30:
            assert b.start < a.end
            overlapped += 1
        else:
            assert b.start == next(s for s in spans if s[0] > last[0])[0]  # nothing skipped
    assert overlapped >= 1
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_default_chunks_never_exceed_256_wordpieces(embedder, tokenizer):
    long_sentence = " ".join(["tariff-rate quota negotiations continued"] * 200) + "."
    text = "Short opening sentence. " + long_sentence + " Closing sentence here."
    chunks = Chunker(embedder.wordpiece_offsets).chunk(Article(doc_id="x", text=text))
    assert len(chunks) > 3
    for c in chunks:
        assert len(tokenizer(c.text)["input_ids"]) <= 256
        assert text[c.start:c.end] == c.text
