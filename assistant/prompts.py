"""Prompt templates live as files in ``prompts/``; this module loads them by name."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

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


class AnswerSentenceJSON(BaseModel):
    text: str
    citations: list[int] = Field(max_length=4)


class AnswerJSON(BaseModel):
    """What a generative backend must write: the answer as cited sentences, or not answerable."""

    answerable: bool
    sentences: list[AnswerSentenceJSON] = Field(max_length=5)


# The JSON schema the generative backends are constrained to (a llama.cpp grammar locally).
ANSWER_SCHEMA = AnswerJSON.model_json_schema()
