"""``tradechat eval``: run a grounding dataset, write results, summary, report and plots; gate; compare runs."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ingest.settings import Settings

from . import report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="run a grounding eval dataset (JSONL) through the assistant, or compare two runs")
    p.add_argument("--dataset", type=Path, help="questions, JSONL (see README: eval dataset format)")
    p.add_argument("--mode", choices=["auto", "local", "openai", "extractive"], help="answer backend")
    p.add_argument("--corpus", nargs="*", type=Path, help="ingest these paths into a throw-away store first")
    p.add_argument("--topic", help="with --corpus: keep only documents with this topic (e.g. trade)")
    p.add_argument("--k", type=int, default=None, help="passages per question (default: the setting retrieval.k)")
    p.add_argument("--limit", type=int, help="run only the first N questions")
    p.add_argument("--split", choices=["dev", "test"], help="only this split of the dataset (test: report, never tune)")
    p.add_argument("--judge", choices=["verifier", "llm"], default="verifier",
                   help="who judges citation support: the project's verifier, or the OpenAI-compatible model in settings")
    p.add_argument("--out", type=Path, help="folder for results.jsonl, summary.json, report.md and plots")
    p.add_argument("--gate", action="store_true", help="exit 1 when a threshold is missed, naming it")
    p.add_argument("--thresholds", type=Path, default=report.THRESHOLDS_FILE)
    p.add_argument("--section", help="thresholds table (default: the dataset's file stem)")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("OLD_DIR", "NEW_DIR"),
                   help="show what got better or worse between two --out folders, question by question")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("eval-positions", help="precision/recall of position extraction on hand-labelled sentences")
    p.add_argument("--gold", type=Path, help="labelled sentences, JSONL (default: eval/datasets/positions.jsonl)")
    p.add_argument("--model", choices=["off", "auto", "local", "openai"], default="off", help="model pass (off: rules only)")
    p.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpora",
                   help="folder holding seed/ and reuters21578/")
    p.add_argument("--corpus", action="append", choices=["seed", "sample", "reuters"], help="only these corpora (repeatable)")
    p.add_argument("--json", action="store_true", help="print the scores and every labelled sentence as JSON")
    p.add_argument("--errors", action="store_true", help="list the wrong and missed statements")
    p.set_defaults(func=cmd_eval_positions)


def cmd_eval(args, settings: Settings) -> int:
    if args.compare:
        try:
            text, worse = report.compare(*args.compare)
        except ValueError as e:
            print(f"tradechat eval: {e}", file=sys.stderr)
            return 2
        print(text)
        return 1 if (worse and args.gate) else 0
    if not args.dataset:
        print("tradechat eval: give --dataset FILE (or --compare OLD_DIR NEW_DIR)", file=sys.stderr)
        return 2

    from assistant.assistant import Assistant
    from ingest.pipeline import Ingestor

    from .harness import load_dataset, run, write
    from .judge import LLMJudge

    try:
        questions = load_dataset(args.dataset, args.split)[: args.limit]
        thresholds = report.load_thresholds(args.thresholds, args.section or args.dataset.stem) if args.gate else None
        judge = LLMJudge.from_settings(settings) if args.judge == "llm" else None
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
        rows, summary = run(Assistant.from_settings(settings), questions, mode=args.mode, k=args.k,
                            progress=sys.stderr.isatty(), judge=judge)
    finally:
        if tmp:
            tmp.cleanup()
    misses = report.gate(summary, thresholds) if thresholds is not None else None
    plots: tuple[str, ...] = ()
    if args.out:
        write(rows, summary, args.out)
        plots = report.plot(rows, summary, args.out)
        (args.out / "report.md").write_text(report.markdown(summary, args.dataset.name, plots, misses), encoding="utf-8")
        print(f"written {args.out}/results.jsonl, summary.json, report.md, {', '.join(plots)}", file=sys.stderr)
    print(report.markdown(summary, args.dataset.name, misses=misses))
    if misses:
        print("tradechat eval: gate failed:\n  " + "\n  ".join(misses), file=sys.stderr)
        return 1
    return 0


def cmd_eval_positions(args, settings: Settings) -> int:
    import json
    import time

    from assistant.positions.build import BuildReport, PositionBuilder

    from . import positions

    try:
        gold = positions.load_gold(args.gold or positions.DATASET)
    except (OSError, ValueError) as e:
        print(f"tradechat eval-positions: {e}", file=sys.stderr)
        return 2
    if args.corpus:
        gold = [g for g in gold if g["corpus"] in args.corpus]
    needs_shared = {g["corpus"] for g in gold} - {"sample"}
    if needs_shared and not args.shared.is_dir():
        print(f"tradechat eval-positions: {args.shared} is missing (needed for {', '.join(sorted(needs_shared))}); "
              "use --shared or --corpus sample", file=sys.stderr)
        return 2
    docs = positions.load_documents(gold, args.shared, Path(__file__).resolve().parents[1] / "samples")
    stale = positions.missing_labels(gold, docs)
    if stale:
        print("tradechat eval-positions: labelled sentences not found in their documents:\n  " + "\n  ".join(stale), file=sys.stderr)
        return 2
    builder = PositionBuilder.from_settings(settings, model=args.model)
    report = BuildReport()
    t0 = time.perf_counter()
    extracted = {d: builder.extract(doc, report)[0] for d, doc in docs.items()}
    seconds = time.perf_counter() - t0
    result = positions.score(gold, extracted)
    method = f"model pass, {builder.model_name}" if builder.backend else "rule pass"
    result["method"], result["seconds_per_doc"] = method, round(seconds / max(len(docs), 1), 3)
    result["notes"] = report.notes
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(positions.format_score(result, method))
    print(f"{len(docs)} documents, {result['seconds_per_doc']} s per document")
    for n in report.notes:
        print(f"note: {n}")
    if args.errors:
        for row in result["rows"]:
            if row["wrong"] or row["missed"]:
                print(f"- {row['doc']}: {row['sentence']!r}\n    wrong: {row['wrong']}\n    missed: {row['missed']}")
    return 0
