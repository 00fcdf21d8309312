"""The local model as a yes/no judge of one extracted statement (measured in eval/positions_judge.py).

"Is this sentence a negotiating stance by PARTY (toward OTHER) on ISSUE?", answered under a
JSON schema ({"answer": "yes" | "no"}), with the sentence before it as context. The judge
only removes statements the rules made; it never adds or re-attributes one.
"""

from __future__ import annotations

from ..backends.base import json_object
from ..prompts import render

SCHEMA = {"type": "object", "properties": {"answer": {"type": "string", "enum": ["yes", "no"]}}, "required": ["answer"]}


def judge_messages(sentence: str, context: str, party: str, stance: str, issue: str, toward: str | None) -> list[dict]:
    text = render("positions_judge", context=" ".join(context.split()) or "(none)", sentence=" ".join(sentence.split()),
                  party=party, stance=stance, issue=issue, toward=f" toward {toward}" if toward else "")
    return [{"role": "user", "content": text}]


def judge(backend, sentence: str, context: str, party: str, stance: str, issue: str, toward: str | None = None) -> bool | None:
    """True (keep), False (not this position), None (the model's answer could not be read)."""
    raw = backend.structured(judge_messages(sentence, context, party, stance, issue, toward), SCHEMA, max_tokens=12)
    obj = json_object(raw)
    answer = obj.get("answer") if isinstance(obj, dict) else None
    return {"yes": True, "no": False}.get(answer)
