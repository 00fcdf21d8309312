"""The blind positions set (issue 21): its pointers still find their sentences, and it holds no archive text."""

import json

from eval import positions_blind
from tests.conftest import REUTERS, need


def test_the_set_keeps_pointers_and_labels_only():
    rows = positions_blind.load(None)
    assert len(rows) >= 400 and {r["split"] for r in rows} == {"dev", "test"}
    assert sum(bool(r["statements"]) for r in rows) >= 60  # plenty with a position, most without
    for r in rows:
        assert set(r) == {"id", "split", "stratum", "corpus", "doc", "index", "hash", "statements", "note"}
        assert len(r["note"]) <= 120  # the labeller's few words, never a quoted sentence
        assert r["split"] == positions_blind.split_of(r["corpus"], r["doc"])  # split by document, never by sentence


def test_every_label_finds_its_sentence_and_the_gates_keep_dev_quiet():
    need(REUTERS)
    from assistant.positions.gates import GATES
    from assistant.positions.vocab import Vocabulary

    rows = positions_blind.load("dev")
    vocab = Vocabulary.load()
    docs = positions_blind.documents(rows)
    decided, _ = positions_blind.extract(docs, vocab, None)
    gated = positions_blind.score(rows, docs, decided, vocab, frozenset(GATES))
    assert gated["stale"] == []  # the loaders and the sentence splitter still cut the text as when it was drawn
    bare = positions_blind.score(rows, docs, decided, vocab, frozenset())["figures"]
    f = gated["figures"]
    assert f["quiet"] >= 0.95 and f["quiet"] >= bare["quiet"]  # sentences with no position stay without statements
    assert f["precision"] >= bare["precision"] and f["extracted"] < bare["extracted"]  # the gates remove, and remove wrong ones
    json.dumps(f)
