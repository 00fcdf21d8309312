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


def test_positions_model_pass_on_the_seed_page(local_settings, capsys):
    """The model pass with the real 1.5B model: it answers every clause, and its statements score like the rules'."""
    import json

    from cli import main
    from tests.conftest import SEED, need

    need(SEED)
    d = str(local_settings.data_dir)
    assert main(["--data-dir", d, "eval-positions", "--model", "local", "--corpus", "seed", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    print(result["method"], result["seconds_per_doc"], result["by_corpus"]["seed"])
    assert result["method"].startswith("model pass, qwen2.5-coder") and result["notes"] == []  # no fallback
    seed = result["by_corpus"]["seed"]
    assert seed["extracted"] >= 10 and seed["precision"] >= 0.7  # measured: 0.89 (rules: 0.89)
