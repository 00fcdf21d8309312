"""What a question asks for: its kind, the named speaker, and what a sentence must hold to answer it.

Kinds and the shape of an answer-bearing sentence are data (``data/questions.json``): a
"when" question is answered only by a sentence that holds a date, a "how much" question
by one that holds a figure, "what did X say" by X's own words (X named in the sentence or
the one before it), "why" by a sentence that gives a reason. Other questions (stance,
yes/no, open) keep the scorer's judgement alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "questions.json"
_GENERIC_NAME_WORDS = {"the", "japan's", "u.s.", "president", "minister", "secretary", "chairman", "official", "officials",
                       "spokesman", "representative", "trade", "prime", "finance", "agriculture", "commerce", "senator",
                       "governor", "director", "general", "deputy", "chief", "executive", "of", "de", "van", "von", "mr", "mrs"}

_RECENCY = re.compile(r"\b(latest|most recent|recent(ly)?|now|current(ly)?|still|today|changed?|evolv\w*|moved|shift\w*|so far)\b",
                      re.IGNORECASE)


def wants_recent(question: str) -> bool:
    """Does the question ask for the latest state ("now", "latest", "changed", ...)?"""
    return bool(_RECENCY.search(question))


@dataclass
class Ask:
    kind: str  # when | how-much | who-said | why | open
    asks: str  # what is asked, in words: "when", "the figure", "what Yeutter said"
    speaker: str | None = None
    bearing: re.Pattern | None = None

    def speaker_words(self) -> list[str]:
        """The words of the speaker's name that identify them (surnames, not titles)."""
        if not self.speaker:
            return []
        words = [w.strip(".,'’").lower() for w in self.speaker.split()]
        words = [w.removesuffix("'s") for w in words if w and w not in _GENERIC_NAME_WORDS and len(w) > 2]
        return words[-1:] if words else []

    def bears(self, sentence: str, before: str = "") -> bool:
        """Does this sentence hold what is asked (``before``: the sentence preceding it, for "he said")?"""
        if self.kind == "who-said":
            names = self.speaker_words()
            if not names:
                return True
            low, prev = sentence.lower(), before.lower()
            return any(re.search(rf"\b{re.escape(n)}\b", low) for n in names) or (
                bool(re.search(r"\b(?:he|she|they)\s+(?:said|told|added|says)\b|\bsaid\s+(?:he|she)\b", low))
                and any(re.search(rf"\b{re.escape(n)}\b", prev) for n in names))
        if self.bearing is None:
            return True
        return bool(self.bearing.search(sentence))


@lru_cache(maxsize=1)
def _rules():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    kinds = [(k["kind"], re.compile(k["pattern"], re.IGNORECASE if k["kind"] != "who-said" else 0), k["asks"])
             for k in data["kinds"]]
    bearing = {name: re.compile(rx, re.IGNORECASE) for name, rx in data["bearing"].items()}
    return kinds, bearing


def analyse(question: str) -> Ask:
    kinds, bearing = _rules()
    q = question.strip()
    for kind, rx, asks in kinds:
        m = rx.search(q) if kind != "who-said" else rx.search(q[:1].lower() + q[1:])
        if m:
            speaker = m.groupdict().get("speaker")
            return Ask(kind, asks.format(speaker=speaker or "the speaker"), speaker, bearing.get(asks))
    return Ask("open", "the answer")
