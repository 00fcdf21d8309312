"""`tradechat check` on the sample store (real embedder, Chroma, verifier)."""

import json
import shutil

from cli import main


def _store(sample_store_dir, tmp_path) -> str:
    d = tmp_path / "data"
    shutil.copytree(sample_store_dir, d)
    return str(d)


def test_check_text_gives_three_verdicts(sample_store_dir, tmp_path, capsys):
    d = _store(sample_store_dir, tmp_path)
    text = ("Canada agreed to give U.S. dairy farmers access to about 3.6% of its dairy market. "
            "Canada refused to give U.S. dairy farmers access to about 3.6% of its dairy market. "
            "Brazil agreed to cut its ethanol tariff to zero in 2019.")
    assert main(["--data-dir", d, "check", text, "--json"]) == 0
    recs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["verdict"] for r in recs] == ["supported", "contradicted", "not_stated"], recs
    assert recs[0]["citations"][0]["doc_id"] == "northgate-usmca-signed" and "3.6" in recs[0]["citations"][0]["quote"]
    assert recs[1]["span"] and "polarity" in recs[1]["reason"]


def test_check_claims_file_keeps_order_and_names_bad_lines(sample_store_dir, tmp_path, capsys):
    d = _store(sample_store_dir, tmp_path)
    src = "Japan rejected the U.S. proposal on rice imports on Tuesday, trade officials said."
    f = tmp_path / "claims.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "a", "claim": "Japan accepted the U.S. proposal on rice imports.", "passages": [{"text": src, "doc_id": "x"}]}),
        "{not json",
        json.dumps({"id": "c", "claim": "Japan rejected the U.S. proposal on rice imports.", "passages": [{"text": src}]}),
        json.dumps({"id": "d", "claim": "", "passages": [{"text": src}]}),
    ]) + "\n")
    assert main(["--data-dir", d, "check", "--claims", str(f), "--json"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d"]
    assert out[0]["verdict"] == "contradicted" and out[0]["citations"][0]["doc_id"] == "x"
    assert "line 2" in out[1]["error"] and "line 4" in out[3]["error"]
    assert out[2]["verdict"] == "supported"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{nope\n")
    assert main(["--data-dir", d, "check", "--claims", str(bad)]) == 2  # nothing could run


def test_check_bad_arguments_exit_2(sample_store_dir, tmp_path, capsys):
    d = _store(sample_store_dir, tmp_path)
    assert main(["--data-dir", d, "check"]) == 2
    assert main(["--data-dir", d, "check", "--file", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
