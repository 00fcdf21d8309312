"""Position statements from article text: a rule pass over every sentence, and
an optional model pass that re-attributes the clauses the rules flag.

Rule pass (no model, ~7 ms per article): sentences are cut into clauses at
"; / while / but / whereas / although"; a clause with a stance cue that is
not negated ("did not demand") gets a statement, its stance from the first
cue ("urged Reagan to retaliate" is a demand). Its party is the last party
named before the cue that is not the object of a preposition or a verb
("Tokyo asked Washington to ..." -> Japan), else the speaker of a
"said/told" in the sentence. Its issues are those named in the clause, else in the sentence,
else (when the clause points back: "these measures") in the
previous sentence, else in the title (``issue_from`` says which);
the generic "tariffs" gives way to a specific issue.

A sentence is *flagged* when it has a cue and names a party; each of its
clauses with a cue and an issue is a ``Decision``. The model pass (below)
decides only who holds each decision's cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.sentences import split_sentences

from ..backends.base import json_object
from .vocab import Mention, Vocabulary

RULES_VERSION = "rules-1"
_CLAUSE_BREAK = re.compile(r";|,?\s+(?:while|but|whereas|although|though)\s+", re.I)
_PREPOSITION = re.compile(r"\b(?:on|against|to|from|with|for|of|by|into|toward|towards|at|over|than|between|in)\s+(?:the\s+)?$", re.I)
# a party right after a verb is its object ("accused Tokyo", "urged Japan"), not the one holding the stance
_OBJECT = re.compile(r"\b(?:\w+ed|asks?|urges?|tells?|told|warns?|force|persuade|allow|let|help|pressure|visit|visits|visiting|meet|meets|meeting)\s+(?:the\s+)?$", re.I)
_ANAPHOR = re.compile(r"\b(?:these|those|such|this|the same)\b", re.I)  # "these measures": the issue is in the sentence before
GENERIC_ISSUES = {"tariffs"}
MAX_ISSUES = 3


@dataclass
class Statement:
    doc_id: str
    start: int  # the sentence, character offsets in the document text
    end: int
    sentence: str
    party: str
    issue: str
    stance: str
    method: str  # rule | model
    cue: str = ""
    issue_from: str = "sentence"  # sentence | context | title

    def key(self) -> tuple:
        return (self.doc_id, self.start, self.party, self.issue, self.stance)


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    cues: list[Mention]
    parties: list[Mention]

    @property
    def flagged(self) -> bool:
        return bool(self.cues and self.parties)


def _live_cues(vocab: Vocabulary, text: str) -> list[Mention]:
    """Cues not negated by a 'not/no/never' just before them (red-line cues carry their own negation)."""
    return [c for c in vocab.cues_in(text) if c.name == "red line" or not vocab.negation_re.search(text[: c.start])]


def sentences(text: str, vocab: Vocabulary) -> list[Sentence]:
    out = []
    for i, (a, b) in enumerate(split_sentences(text)):
        s = text[a:b]
        out.append(Sentence(i, a, b, s, _live_cues(vocab, s), vocab.parties_in(s)))
    return out


def _clauses(s: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _CLAUSE_BREAK.finditer(s):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(s)))
    return [(a, b) for a, b in spans if b > a]


def _speaker(vocab: Vocabulary, s: str, parties: list[Mention]) -> str | None:
    for v in vocab.speech_re.finditer(s):
        for p in parties:  # "Motegi said", "said Motegi", "..., Japan's minister told reporters"
            if 0 <= v.start() - p.end <= 40 or 0 <= p.start - v.end() <= 3:
                return p.name
    return None


def _specific(issues: list[str]) -> list[str]:
    seen = list(dict.fromkeys(issues))
    specific = [i for i in seen if i not in GENERIC_ISSUES]
    return (specific or seen)[:MAX_ISSUES]


@dataclass
class Decision:
    """One clause with a stance cue: who holds it is decided by the rules or by the model."""

    sentence: Sentence
    cue: Mention
    rule_party: str | None  # the rules' attribution (None: no subject found)
    issues: list[str]
    issue_from: str

    def statements(self, doc_id: str, party: str, method: str) -> list[Statement]:
        s = self.sentence
        return [Statement(doc_id, s.start, s.end, s.text, party, issue, self.cue.name, method, self.cue.text, self.issue_from)
                for issue in self.issues]


def decisions(doc: dict, vocab: Vocabulary, sents: list[Sentence] | None = None) -> list[Decision]:
    """The clauses of flagged sentences that carry a stance cue and an issue."""
    sents = sents if sents is not None else sentences(doc["text"], vocab)
    title_issues = [m.name for m in vocab.issues_in(doc.get("title") or "")]
    out: list[Decision] = []
    prev_issues: list[str] = []
    for sent in sents:
        s = sent.text
        sentence_issues = [m.name for m in vocab.issues_in(s)]
        if sent.flagged:
            speaker = _speaker(vocab, s, sent.parties)
            for ca, cb in _clauses(s):
                cues = [c for c in sent.cues if ca <= c.start < cb]
                if not cues:
                    continue
                # the first cue is the clause's main verb; later ones are usually its object
                # ("urged Reagan to retaliate" is a demand, not a threat)
                cue = next((c for c in cues if c.name == "red line"), cues[0])  # an explicit red line always counts
                subjects = [p for p in sent.parties if ca <= p.start and p.end <= cue.start
                            and not _PREPOSITION.search(s[ca: p.start]) and not _OBJECT.search(s[ca: p.start])]
                issues, origin = [m.name for m in vocab.issues_in(s[ca:cb])], "sentence"
                if not issues:
                    issues = sentence_issues
                if not issues and _ANAPHOR.search(s):
                    issues, origin = prev_issues, "context"
                if not issues and cue.name != "agreement":  # "agreed to keep talking" is not an agreement on the title's issue
                    issues, origin = title_issues, "title"
                if issues:
                    out.append(Decision(sent, cue, subjects[-1].name if subjects else speaker, _specific(issues), origin))
        prev_issues = sentence_issues
    return out


def rule_statements(doc: dict, vocab: Vocabulary, sents: list[Sentence] | None = None) -> list[Statement]:
    out = []
    for d in decisions(doc, vocab, sents):
        if d.rule_party:
            out += d.statements(doc["doc_id"], d.rule_party, "rule")
    return unique_statements(out)


def unique_statements(statements: list[Statement]) -> list[Statement]:
    seen, out = set(), []
    for st in statements:
        if st.key() not in seen:
            seen.add(st.key())
            out.append(st)
    return out


# ---- model pass ---------------------------------------------------------------
# The model answers, for each decision, which of the names in the sentence holds
# the cue ("who 'asked'?"), or "nobody" (the cue is not a party's position).
# Stance and issues stay those the rules read from the text, so every model
# statement is evidenced by its sentence by construction; the model only
# attributes, or discards.

NOBODY = "nobody"


def _names(sent: Sentence) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in sent.parties:
        out.setdefault(p.text, p.name)
    return out


def model_request(batch: list[Decision], render) -> tuple[list[dict], dict]:
    """Messages and JSON schema asking who holds each decision's cue."""
    lines, props, last = [], {}, None
    for n, d in enumerate(batch, 1):
        if d.sentence is not last:
            lines.append(f'Sentence: "{d.sentence.text.strip()}"')
            last = d.sentence
        names = list(_names(d.sentence))
        lines.append(f'  Question {n}: who "{d.cue.text}"? Names: {", ".join(names)}')
        props[f"q{n}"] = {"type": "string", "enum": names + [NOBODY]}
    user = render("positions_user", questions="\n".join(lines))
    schema = {"type": "object", "properties": props, "required": list(props)}
    return [{"role": "system", "content": render("positions_system").strip()}, {"role": "user", "content": user}], schema


def parse_model_answers(raw: str, batch: list[Decision]) -> list[str | None]:
    """Canonical party (or None for nobody / an unknown name) per decision; ValueError if not JSON."""
    obj = json_object(raw)
    if not isinstance(obj, dict):
        raise ValueError("the model's answer is not a JSON object")
    out = []
    for n, d in enumerate(batch, 1):
        name = obj.get(f"q{n}")
        out.append(_names(d.sentence).get(name) if isinstance(name, str) else None)
    return out
