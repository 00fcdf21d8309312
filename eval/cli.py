"""``tradechat eval``: run a grounding dataset and write results, summary and a report."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ingest.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="run a grounding eval dataset (JSONL) through the assistant")
    p.add_argument("--dataset", required=True, type=Path)
    p.add_argument("--mode", choices=["auto", "local", "openai", "extractive"], help="answer backend")
    p.add_argument("--corpus", nargs="*", type=Path, help="ingest these paths into a throw-away store first")
    p.add_argument("--topic", help="with --corpus: keep only documents with this topic (e.g. trade)")
    p.add_argument("--k", type=int, default=6)
    p.add_argument("--out", type=Path, help="folder for results.jsonl, summary.json, report.md")
    p.set_defaults(func=cmd_eval)


def report_markdown(summary: dict, dataset: str) -> str:
    lines = [f"# Eval: {dataset}", "",
             f"{summary['questions_run']} of {summary['questions_planned']} questions ran; "
             f"modes {', '.join(summary['modes'])}; models {', '.join(summary['models']) or '-'}", "",
             "| kind | n | correct | refusal ok | recall@k | MRR | facts | cite recall | cite precision | p50 ms | p95 ms |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    fmt = lambda v: "-" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
    for kind, b in [("all", summary["all"]), *summary["by_kind"].items()]:
        lines.append("| " + " | ".join([kind] + [fmt(b[k]) for k in ("n", "correct", "refusal_ok", "recall_at_k", "mrr", "fact_share",
                                                                      "citation_recall", "citation_precision", "latency_p50_ms", "latency_p95_ms")]) + " |")
    return "\n".join(lines) + "\n"


def cmd_eval(args, settings: Settings) -> int:
    from assistant.assistant import Assistant
    from ingest.pipeline import Ingestor

    from .harness import load_dataset, run, write

    try:
        questions = load_dataset(args.dataset)
    except (OSError, ValueError) as e:
        print(f"tradechat eval: {e}", file=sys.stderr)
        return 2
    tmp = None
    if args.corpus:
        tmp = tempfile.TemporaryDirectory(prefix="tradechat-eval-")
        settings = settings.model_copy(update={"data_dir": Path(tmp.name)})
        rep = Ingestor(settings).ingest(args.corpus, topic=args.topic, progress=sys.stderr.isatty())
        print(rep.summary(), file=sys.stderr)
    try:
        rows, summary = run(Assistant.from_settings(settings), questions, mode=args.mode, k=args.k, progress=sys.stderr.isatty())
    finally:
        if tmp:
            tmp.cleanup()
    if args.out:
        write(rows, summary, args.out)
        (args.out / "report.md").write_text(report_markdown(summary, str(args.dataset)))
        print(f"written {args.out}/results.jsonl, summary.json, report.md", file=sys.stderr)
    print(report_markdown(summary, str(args.dataset)))
    return 0
