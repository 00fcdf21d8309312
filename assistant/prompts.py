"""Prompt templates live as files in ``prompts/``; this module loads them by name."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .types import Passage

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"


@cache
def load(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.exists():
        raise FileNotFoundError(f"prompt template {path} is missing")
    return path.read_text(encoding="utf-8")


def render(name: str, **values) -> str:
    return load(name).format(**values)


def format_passages(passages: list[Passage]) -> str:
    """Numbered passages with outlet and date, fenced so their text reads as data."""
    return "\n".join(
        render("passage", n=i, source=p.source or "unknown outlet", date=p.date or "date unknown",
               title=p.title or "untitled", text=p.text.replace(">>>", "> > >").replace("<<<", "< < <"))
        for i, p in enumerate(passages, 1)
    )


def answer_messages(question: str, passages: list[Passage]) -> list[dict]:
    return [
        {"role": "system", "content": load("answer_system").strip()},
        {"role": "user", "content": render("answer_user", passages=format_passages(passages), question=question)},
    ]


# The JSON schema the generative backends are constrained to.
ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "answerable": {"type": "boolean"},
        "sentences": {
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "citations": {"type": "array", "items": {"type": "integer"}, "maxItems": 4},
                },
                "required": ["text", "citations"],
            },
        },
    },
    "required": ["answerable", "sentences"],
}
