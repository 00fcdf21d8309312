"""The ``tradechat`` command: each package adds its own sub-commands.

Lives at the top so that ``ingest`` and ``assistant`` never import upward.
"""

from __future__ import annotations

import argparse
import logging
import sys

from assistant import check as check_cli
from assistant import cli as assistant_cli
from eval import cli as eval_cli
from ingest import cli as ingest_cli
from ingest.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tradechat", description="Cited chat over trade-negotiation news.")
    parser.add_argument("--data-dir", help="override TRADECHAT_DATA_DIR for this command")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log what happens (-v: steps, -vv: details) to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    ingest_cli.register(sub)
    assistant_cli.register(sub)
    eval_cli.register(sub)
    check_cli.register(sub)
    p = sub.add_parser("demo", help="ingest the bundled sample corpus, answer an example, then start the web chat")
    p.add_argument("--no-serve", action="store_true", help="stop after the example answer")
    p.set_defaults(func=cmd_demo)
    return parser


def cmd_demo(args, settings: Settings) -> int:
    from pathlib import Path

    from ingest.pipeline import Ingestor

    if not args.no_serve:  # a busy port is said before minutes of ingest and an example answer, not after
        from assistant.webapp import address, port_free

        try:
            port_free(*address(settings.web))
        except ValueError as e:
            print(f"tradechat demo: {e}", file=sys.stderr)
            return 2
    samples = Path(__file__).resolve().parent / "samples"
    report = Ingestor(settings).ingest([samples], prune=True, progress=sys.stderr.isatty())
    print(report.summary())
    print(f"stored in {settings.data_dir.resolve()}; list it with `tradechat docs`")
    if report.failed:
        return 1
    from assistant.positions.build import build_positions

    print(build_positions(settings).summary().splitlines()[0] + "; see them with `tradechat positions` or the Positions tab")
    if args.no_serve:
        from assistant.assistant import Assistant

        example(Assistant.from_settings(settings))
        return 0
    from assistant.webapp import serve

    try:
        serve(settings, then=example)  # serving first: the example is answered while the models warm up
    except ValueError as e:
        print(f"tradechat demo: {e}", file=sys.stderr)
        return 2
    return 0


def example(assistant) -> None:
    """Print the verified answer to an example question: the quoted one as soon as it is ready (in auto mode
    the local model's own answer is left to the chat, where it streams)."""
    from assistant.cli import _print_answer
    from assistant.types import Final, Quick

    question = "What is Japan's position on the proposed U.S. auto tariffs?"
    print(f"\nExample: tradechat ask \"{question}\"\n", flush=True)
    for event in assistant.ask_stream(question):
        if isinstance(event, Quick | Final):
            _print_answer(event.answer, as_json=False)
            if isinstance(event, Quick):
                print("(the quoted answer; ask in the chat to see the local model's answer follow it)", flush=True)
            break
    sys.stdout.flush()


def configure_logging(verbose: int) -> None:
    """Warnings only by default; -v adds each step (INFO), -vv the details (DEBUG)."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)  # the filter is on the handler: some libraries (bm25s) set their own loggers to DEBUG
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S"))
    logging.basicConfig(level=level, handlers=[handler])
    for noisy in ("httpx", "chromadb", "urllib3", "trafilatura", "onnxruntime", "sentence_transformers", "bm25s"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    try:
        settings = Settings.load(**overrides)
    except Exception as e:  # pydantic ValidationError names the field
        print(f"tradechat: invalid settings: {e}", file=sys.stderr)
        return 2
    from ingest.store import StoreError

    try:
        code = int(args.func(args, settings) or 0)
        sys.stdout.flush()  # (a closed pipe shows here, not in the exit-time flush)
        return code
    except StoreError as e:
        print(f"tradechat {args.command}: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `tradechat docs | head`: the reader left; say nothing more
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (else the exit-time flush fails again)
        return 1


if __name__ == "__main__":
    sys.exit(main())
