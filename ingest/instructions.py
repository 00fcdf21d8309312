"""Sentences addressed to an AI assistant inside an article ("ignore previous instructions ...").

A news page may carry text planted for a chatbot that reads it. Such sentences are
found once, at ingest, and kept with the document (``extra['addressed_to_assistant']``:
their offsets and text) so ``tradechat docs --flagged`` can list them; the verifier
never lets one become an answer sentence. The patterns are data:
ingest/data/instructions.json.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .sentences import split_sentences

PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "instructions.json"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    data = json.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return re.compile("|".join(f"(?:{rx})" for rx in data["patterns"]), re.IGNORECASE)


def addressed_to_assistant(sentence: str) -> bool:
    """A sentence written to an AI model, not to readers."""
    return bool(_pattern().search(sentence))


def flag_instructions(text: str) -> list[dict]:
    """Each sentence of the text addressed to an assistant: {"start", "end", "text"}."""
    if not _pattern().search(text):  # most articles: one pass, nothing to split
        return []
    return [{"start": a, "end": b, "text": text[a:b]} for a, b in split_sentences(text) if addressed_to_assistant(text[a:b])]
