"""`tradechat check`: verify any text, sentence by sentence, against the stored sources.

    tradechat check "TEXT" | --file DRAFT.txt | -          one verdict per sentence
    tradechat check --claims FILE.jsonl [--json]           one JSON line per input line

A claims line is {"id", "claim", "passages": [{"text", "doc_id"?, "source"?, "published"?}]};
without "passages" the claim is checked against what retrieval finds for it. Every verdict
comes from the answer verifier's ``judge`` (facts, a close span, the contradiction rules).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest.sentences import split_sentences

from .types import Passage

VERDICTS = ("supported", "contradicted", "not_stated")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="verify text against the stored sources: supported / contradicted / not stated, per sentence")
    p.add_argument("text", nargs="?", help='the text to check, or "-" for standard input')
    p.add_argument("--file", type=Path, help="a draft to check (UTF-8 text)")
    p.add_argument("--claims", type=Path, help='JSONL of {"id", "claim", "passages"?}; one JSON verdict per line, in order')
    p.add_argument("--k", type=int, default=4, help="passages retrieved per sentence (without given passages)")
    p.add_argument("--json", action="store_true", help="print one JSON object per sentence")
    p.set_defaults(func=cmd_check)


def _passages(raw, lineno: int) -> list[Passage]:
    if not isinstance(raw, list) or not raw:
        raise ValueError("'passages' must be a non-empty list")
    out = []
    for i, p in enumerate(raw, 1):
        if not isinstance(p, dict) or not isinstance(p.get("text"), str) or not p["text"].strip():
            raise ValueError(f"passage {i}: needs a non-empty 'text'")
        text = p["text"]
        out.append(Passage(f"line{lineno}-{i}", str(p.get("doc_id") or f"passage-{i}"), text, 0, len(text), 0,
                           source=p.get("source"), published=p.get("published")))
    return out


def judge_claim(assistant, claim: str, passages: list[Passage] | None, k: int):
    """(judgement, the passage that decides it or None), retrieving when no passages are given."""
    if passages is None:
        passages = assistant.retriever.retrieve(claim, None, k).passages
    j = assistant.verifier.judge(claim, passages)
    return j, (passages[j.n - 1] if j.n else None)


def check_text(assistant, text: str, k: int = 4, limit: int | None = None) -> tuple[list[tuple[str, object, Passage | None]], int]:
    """(each sentence of a draft with its judgement and deciding passage, sentences left unchecked past ``limit``).
    The web tab and the CLI share it."""
    spans = split_sentences(text)
    todo = spans[:limit] if limit else spans
    return [(text[a:b], *judge_claim(assistant, text[a:b], None, k)) for a, b in todo], len(spans) - len(todo)


def record(claim: str, j, cited: Passage | None, id=None) -> dict:
    return {"id": id, "claim": claim, "verdict": j.verdict,
            "citations": [{"doc_id": cited.doc_id, "source": cited.source, "published": cited.published,
                           "quote": cited.text[j.span[0]:j.span[1]] if j.span else None}] if cited else [],
            "span": list(j.span) if j.span else None, "reason": j.reason}


def verdict_record(assistant, claim: str, passages: list[Passage] | None, k: int, id=None) -> dict:
    return record(claim, *judge_claim(assistant, claim, passages, k), id=id)


def cmd_check(args, settings) -> int:
    from .assistant import Assistant

    given = [x for x in (args.text, args.file, args.claims) if x is not None]
    if len(given) != 1:
        print("tradechat check: give exactly one of TEXT, -, --file FILE or --claims FILE.jsonl", file=sys.stderr)
        return 2
    try:
        if args.claims:
            lines = args.claims.read_text(encoding="utf-8").splitlines()
        elif args.file:
            text = args.file.read_text(encoding="utf-8")
        else:
            text = sys.stdin.read() if args.text == "-" else args.text
    except (OSError, UnicodeDecodeError) as e:
        print(f"tradechat check: cannot read {args.claims or args.file}: {e}", file=sys.stderr)
        return 2
    assistant = Assistant.from_settings(settings)
    if args.claims:
        ran = 0
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            rec = None
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict) or not isinstance(rec.get("claim"), str) or not rec["claim"].strip():
                    raise ValueError("needs a non-empty 'claim'")
                passages = _passages(rec["passages"], lineno) if "passages" in rec else None
            except ValueError as e:
                print(json.dumps({"id": rec.get("id") if isinstance(rec, dict) else None, "line": lineno,
                                  "error": f"{args.claims} line {lineno}: {e}"}))
                continue
            print(json.dumps(verdict_record(assistant, rec["claim"], passages, args.k, rec.get("id")), ensure_ascii=False))
            ran += 1
        return 0 if ran else 2
    checked, _ = check_text(assistant, text, args.k)
    if not checked:
        print("tradechat check: the text holds no sentence", file=sys.stderr)
        return 2
    for s, j, cited in checked:
        rec = record(s, j, cited)
        if args.json:
            print(json.dumps(rec, ensure_ascii=False))
            continue
        print(f"[{rec['verdict'].replace('_', ' ')}] {s}")
        for c in rec["citations"]:
            print(f"    {c['source'] or c['doc_id']} {(c['published'] or '')[:10]}: \"{c['quote']}\"")
        if rec["reason"]:
            print(f"    ({rec['reason']})")
    return 0
