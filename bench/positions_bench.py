"""Cost per document of each position-extraction pass, and what each buys in precision.

    python bench/positions_bench.py [--shared ../shared/corpora] [--models qwen2.5-coder-1.5b qwen2.5-coder-0.5b]

1. Rule pass over every Reuters-21578 `trade` story (551), the seed page and
   the samples: ms per document, flagged sentences and clauses per document.
2. Model pass (each model) over the documents of the hand-labelled set: seconds
   per document and per clause, precision/recall next to the rule pass on the
   same sentences, and the projected model time for all 551 Reuters stories.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.positions.build import BuildReport, PositionBuilder
from assistant.positions.extract import decisions, rule_statements, sentences
from assistant.positions.vocab import Vocabulary
from eval import positions
from ingest.loaders import load_file
from ingest.settings import Settings
from ingest.types import LoadError


def reuters_trade(shared: Path) -> list[dict]:
    out = []
    for f in sorted((shared / "reuters21578").glob("reut2-*.sgm")):
        for a in load_file(f):
            if not isinstance(a, LoadError) and "trade" in (a.extra or {}).get("topics", []):
                out.append({"doc_id": a.doc_id, "text": a.text, "title": a.title, "source": a.source, "published": a.published})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "corpora")
    ap.add_argument("--models", nargs="*", default=["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "positions.json")
    args = ap.parse_args()

    vocab = Vocabulary.load()
    docs = reuters_trade(args.shared)
    t0 = time.perf_counter()
    clauses = flagged = n_st = 0
    for d in docs:
        sents = sentences(d["text"], vocab)
        flagged += sum(s.flagged for s in sents)
        clauses += len(decisions(d, vocab, sents))
        n_st += len(rule_statements(d, vocab, sents))
    rule_ms = (time.perf_counter() - t0) * 1000 / len(docs)
    out = {"reuters_trade": {"documents": len(docs), "rule_ms_per_doc": round(rule_ms, 2), "flagged_per_doc": round(flagged / len(docs), 2),
                             "clauses_per_doc": round(clauses / len(docs), 2), "statements": n_st}}
    print(f"rule pass over {len(docs)} Reuters trade stories: {rule_ms:.2f} ms/doc, {flagged / len(docs):.2f} flagged sentences "
          f"and {clauses / len(docs):.2f} clauses/doc, {n_st} statements")

    gold = positions.load_gold()
    gold_docs = positions.load_documents(gold, args.shared, ROOT / "samples")
    rules = positions.score(gold, {d: rule_statements(doc, vocab) for d, doc in gold_docs.items()})["by_corpus"]["all"]
    out["rules"] = {k: rules[k] for k in ("precision", "recall", "extracted", "correct", "labelled")}
    print(f"rule pass on the labelled set: precision {rules['precision']}, recall {rules['recall']}")
    out["models"] = {}
    for model in args.models:
        s = Settings.load()
        s.llm.local_model = model
        builder = PositionBuilder.from_settings(s, model="local")
        builder.backend.llm  # load before timing
        report, per_doc, n_clauses = BuildReport(), [], 0
        extracted = {}
        for d, doc in gold_docs.items():
            n_clauses += len(decisions(doc, vocab))
            t = time.perf_counter()
            extracted[d] = builder.extract(doc, report)[0]
            per_doc.append(time.perf_counter() - t)
        sc = positions.score(gold, extracted)["by_corpus"]["all"]
        s_per_clause = sum(per_doc) / max(n_clauses, 1)
        row = {"s_per_doc": round(statistics.mean(per_doc), 2), "s_per_clause": round(s_per_clause, 2),
               "precision": sc["precision"], "recall": sc["recall"], "notes": report.notes,
               "projected_reuters_trade_min": round(s_per_clause * clauses / 60, 1)}
        out["models"][model] = row
        print(f"model pass {model}: {row['s_per_doc']} s/doc ({row['s_per_clause']} s/clause), precision {row['precision']}, "
              f"recall {row['recall']}; all {len(docs)} Reuters trade stories would take ~{row['projected_reuters_trade_min']} min")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
