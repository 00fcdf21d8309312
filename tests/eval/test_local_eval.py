"""The eval gate over the real local model, on a few sample questions (marked `model`)."""

import pytest

from assistant.assistant import Assistant
from eval import report
from eval.harness import load_dataset, run
from tests.conftest import ROOT

pytestmark = pytest.mark.model

SUBSET = {"smp-01", "smp-07", "smp-12", "smp-13"}


def test_local_model_subset_passes_gate(local_settings, embedder):
    questions = [q for q in load_dataset(ROOT / "eval" / "datasets" / "sample.jsonl") if q.id in SUBSET]
    rows, summary = run(Assistant.from_settings(local_settings, embedder=embedder), questions, mode="local", progress=False)
    for r in rows:
        print(r["id"], r["mode"], r["model"], round(r["latency_ms"]), r["answer"][:200])
    assert summary["modes"] == ["local"] and summary["models"], summary  # really the local model, no fallback
    assert report.gate(summary, report.load_thresholds(report.THRESHOLDS_FILE, "sample-local")) == []
