"""The shipped question sets, answered extractively over real stores (real embedder + Chroma)."""

from pathlib import Path

import pytest

from assistant.assistant import Assistant
from eval.harness import load_dataset, run
from ingest.settings import Settings
from tests.conftest import ROOT

DATASETS = ROOT / "eval" / "datasets"


def _run(data: Path, dataset: str, embedder):
    s = Settings.load(data_dir=data)
    rows, summary = run(Assistant.from_settings(s, embedder=embedder), load_dataset(DATASETS / dataset), mode="extractive", progress=False)
    print(f"\n{dataset}: {summary['all']}")
    for r in rows:
        if not r["correct"]:
            print("  missed:", r["id"], r["answer"][:160])
    return rows, summary


def test_sample_dataset_extractive(sample_store_dir, embedder):
    rows, summary = _run(sample_store_dir, "sample.jsonl", embedder)
    assert summary["questions_run"] == 14
    assert summary["by_kind"]["unanswerable"]["refusal_ok"] == 1.0
    assert summary["by_kind"]["furniture"]["refusal_ok"] == 1.0
    assert summary["all"]["correct"] >= 0.7
    assert summary["all"]["citation_recall"] == 1.0  # every shown sentence is supported by its citations


def test_seed_dataset_extractive(seed_store, embedder):
    rows, summary = _run(seed_store, "seed.jsonl", embedder)
    assert summary["by_kind"]["furniture"]["refusal_ok"] == 1.0  # furniture never reached the index
    assert summary["by_kind"]["unanswerable"]["refusal_ok"] == 1.0
    assert summary["by_kind"]["answerable"]["correct"] >= 0.7
    assert summary["all"]["recall_at_k"] == 1.0


@pytest.mark.slow
def test_reuters_trade_dataset_extractive(reuters_trade_store, embedder):
    data, _, _ = reuters_trade_store
    rows, summary = _run(data, "reuters-trade.jsonl", embedder)
    assert summary["by_kind"]["answerable"]["correct"] >= 0.8
    assert summary["by_kind"]["unanswerable"]["refusal_ok"] >= 0.8
    assert summary["all"]["citation_recall"] == 1.0
