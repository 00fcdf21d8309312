"""Would the local model help the rules as an entailment judge? Measured, not used by the product.

    python -m eval.model_judge [--part dev] [--model qwen2.5-coder-1.5b] [--out DIR]

On the claims the rules call ``supported`` (the only ones a second judge could change: it
would be asked where the rules find no conflict), the local model reads the cited passages
and the claim and answers under a JSON schema: supported, contradicted or not_stated. The
report gives, for those claims, how many errors it catches, how many true claims it would
wrongly reject, and the seconds per claim. The product keeps the model out of verification
unless it catches more than it breaks at a cost an answer can afford.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from .claimset import ROOT, SET, load

SCHEMA = {"type": "object", "properties": {"verdict": {"type": "string", "enum": ["supported", "contradicted", "not_stated"]}},
          "required": ["verdict"]}
SYSTEM = ("You check a claim against news passages. Answer 'supported' only if the passages state everything the claim "
          "says; 'contradicted' if they state something incompatible (another number, date, direction, actor, or a "
          "negation); 'not_stated' if they do not say it. Reply with JSON only.")


def ask(llm, claim: str, passages: list) -> str:
    text = "\n\n".join(f"[{k}] {p.text}" for k, p in enumerate(passages, 1))
    out = llm.create_chat_completion(
        messages=[{"role": "system", "content": SYSTEM},
                  {"role": "user", "content": f"Passages:\n{text}\n\nClaim: {claim}\n\nVerdict?"}],
        response_format={"type": "json_object", "schema": SCHEMA}, temperature=0.0, max_tokens=16)
    try:
        return json.loads(out["choices"][0]["message"]["content"])["verdict"]
    except (ValueError, KeyError):
        return "supported"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.model_judge", description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, default=SET)
    ap.add_argument("--part", default="dev", choices=["dev", "test", "all"])
    ap.add_argument("--families", default="natural,paraphrase", help="comma-separated claim families")
    ap.add_argument("--model", default=None)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "test-output" / "model-judge")
    args = ap.parse_args(argv)

    from assistant.backends.local import LocalBackend
    from assistant.verify import Verifier
    from ingest.embed import make_embedder
    from ingest.settings import Settings

    settings = Settings.load()
    if args.model:
        settings.llm.local_model = args.model
    fams = set(args.families.split(","))
    recs = [r for r in load(args.set, None if args.part == "all" else args.part) if r["family"] in fams]
    verifier = Verifier(make_embedder(settings))
    llm = LocalBackend.from_settings(settings).llm
    rows, secs = [], []
    for r in recs:
        if verifier.judge(r["claim_text"], r["passage_objs"]).verdict != "supported":
            continue  # the rules already reject it: a second judge changes nothing
        if args.limit and len(rows) >= args.limit:
            break
        t0 = time.perf_counter()
        v = ask(llm, r["claim_text"], r["passage_objs"])
        secs.append(time.perf_counter() - t0)
        rows.append({"id": r["id"], "family": r["family"], "label": r["label"], "model": v})
    errors = [x for x in rows if x["label"] != "supported"]
    true = [x for x in rows if x["label"] == "supported"]
    summary = {"part": args.part, "families": sorted(fams), "asked": len(rows),
               "errors_the_rules_missed": len(errors), "model_caught": sum(x["model"] != "supported" for x in errors),
               "true_claims": len(true), "model_rejected_true": sum(x["model"] != "supported" for x in true),
               "seconds_per_claim_p50": round(statistics.median(secs), 2) if secs else None}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"summary-{args.part}.json").write_text(json.dumps(summary, indent=2) + "\n")
    (args.out / f"rows-{args.part}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in rows))
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
