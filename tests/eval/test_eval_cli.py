"""`tradechat eval` as CI calls it: gate exit codes that name the miss, and --compare."""

import json

import cli
from tests.conftest import ROOT

DATASET = ROOT / "eval" / "datasets" / "sample.jsonl"


def test_gate_and_compare_from_the_command_line(sample_store_dir, tmp_path, capsys):
    strict = tmp_path / "strict.toml"
    strict.write_text('[sample]\n"all.correct" = 0.99\n"unanswerable.refusal_ok" = 1.0\n')
    base = ["--data-dir", str(sample_store_dir), "eval", "--dataset", str(DATASET), "--mode", "extractive", "--limit", "5"]
    assert cli.main(base + ["--out", str(tmp_path / "a")]) == 0
    for name in ("results.jsonl", "summary.json", "report.md", "by_kind.png", "latency.png"):
        assert (tmp_path / "a" / name).stat().st_size > 0, name
    assert "![by_kind.png](by_kind.png)" in (tmp_path / "a" / "report.md").read_text()

    code = cli.main(base + ["--out", str(tmp_path / "b"), "--gate", "--thresholds", str(strict)])
    err = capsys.readouterr().err
    assert code == 1
    assert "gate failed" in err and "all.correct" in err and "unanswerable.refusal_ok = -" not in err
    assert "no questions of kind 'unanswerable'" in err  # --limit 5 ran only answerable ones: named, not ignored

    rows = [json.loads(line) for line in (tmp_path / "b" / "results.jsonl").read_text().splitlines()]
    hit = next(r for r in rows if r["correct"])
    hit["correct"] = False  # pretend this question regressed
    (tmp_path / "b" / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert cli.main(["eval", "--compare", str(tmp_path / "a"), str(tmp_path / "b"), "--gate"]) == 1
    out = capsys.readouterr().out
    assert "## Worse (1)" in out and f"`{hit['id']}`" in out
    assert cli.main(["eval", "--compare", str(tmp_path / "a"), str(tmp_path / "nowhere")]) == 2
