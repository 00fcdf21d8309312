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
previous sentence, else in the title (``issue_from`` says which), else, when the stance is
aimed at another party named in a sentence about trade, "other" (an issue the vocabulary does
not list); the generic "tariffs" gives way to a specific issue.

A sentence is *flagged* when it has a cue and names a party; each of its
clauses with a cue and an issue is a ``Decision``. The model pass (below)
decides only who holds each decision's cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.sentences import split_sentences

from ..backends.base import json_object
from .gates import Clause
from .vocab import Mention, Vocabulary

RULES_VERSION = "rules-3"  # rules-2: gates, toward, coreference, confidence; rules-3: a purpose is not an issue
_CLAUSE_BREAK = re.compile(r";|,?\s+(?:while|but|whereas|although|though)\s+", re.I)
_PREPOSITION = re.compile(r"\b(?:on|against|to|from|with|for|of|by|into|toward|towards|at|over|than|between|in|before|after|under|among|"
                          r"across|through|within|around|near|like|including|about|via|per|beside|besides)\s+(?:the\s+)?$", re.I)
# a party right after a verb is its object ("accused Tokyo", "urged Japan"), not the one holding the stance
_OBJECT = re.compile(r"\b(?:\w+ed|asks?|urges?|tells?|told|warns?|force|forces|persuade|allow|let|help|pressure|visit|visits|visiting|meet|"
                     r"meets|meeting|give|gives|given|giving|gave|send|sends|sent|grant|grants|leave|leaves|left)\s+(?:the\s+)?$", re.I)
_ANAPHOR = re.compile(r"\b(?:these|those|such|this|the same)\b", re.I)  # "these measures": the issue is in the sentence before
GENERIC_ISSUES = {"tariffs"}
PURPOSE_ISSUES = {"trade deficit"}  # what a measure is for, not what it is about
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
    toward: str | None = None  # the party the stance is aimed at, when named
    confidence: float = 1.0  # from how the party and issue were found (positions.json: gates.confidence)

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


# words that may stand between a party and its speech verb ("Japan's trade minister said"); any other
# capitalised word names someone else ("in China where Silas said")
_TITLE_WORDS = frozenset("""minister ministry secretary trade foreign finance agriculture farm prime president representative
    commissioner commission official officials spokesman spokeswoman ambassador deputy vice economic affairs industry international
    chief negotiator negotiators undersecretary department government chancellor premier governor mr mrs ms top senior delegate
    delegates delegation sources source diplomats diplomat envoy director general industry's office""".split())


def _speaker(vocab: Vocabulary, s: str, parties: list[Mention]) -> str | None:
    for v in vocab.speech_re.finditer(s):
        for p in parties:  # "Motegi said", "said Motegi", "Japan's trade minister told reporters"
            if 0 <= p.start - v.end() <= 3:
                return p.name
            gap = s[p.end: v.start()]
            if p.end <= v.start() and len(gap) <= 40 and "," not in gap and not re.search(r"\b(?:where|which|who|that|when|while|as)\b", gap) \
                    and all(w.lower().strip("'’s") in _TITLE_WORDS for w in re.findall(r"[A-Z][\w'’.-]*", gap)):
                return p.name
    return None


def _possessive_only(s: str, p: Mention) -> bool:
    """ "Taiwan's main trading partner", "the island's tariffs": a possessive names what belongs to the party,
    not the party acting, unless a speaker follows ("Japan's trade minister")."""
    m = re.match(r"['’]s?\s+(\w+)", s[p.end:])
    return bool(m) and m.group(1).lower() not in _TITLE_WORDS


def _specific(issues: list[str]) -> list[str]:
    """The issues without a purpose ("cut import taxes ... to help reduce its trade surplus" is about tariffs, not the
    surplus) and without a generic one ("tariffs on microchips" is about semiconductors), unless nothing else is named."""
    seen = list(dict.fromkeys(issues))
    if any(i not in PURPOSE_ISSUES for i in seen):  # the surplus a measure is to reduce gives way to what it is about
        seen = [i for i in seen if i not in PURPOSE_ISSUES]
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
    attribution: str = "subject"  # subject | speaker | coreference: how rule_party was found
    toward: str | None = None
    gate: str | None = None  # the gate that says this clause is not a position (assistant/positions/gates.py)
    confidence: float = 1.0

    def statements(self, doc_id: str, party: str, method: str) -> list[Statement]:
        s = self.sentence
        toward = self.toward if self.toward != party else None
        return [Statement(doc_id, s.start, s.end, s.text, party, issue, self.cue.name, method, self.cue.text, self.issue_from,
                          toward, self.confidence)
                for issue in self.issues]


def _toward(s: str, ca: int, cb: int, cue: Mention, parties: list[Mention], holder: str | None) -> str | None:
    """The party the stance is aimed at: the first other party after the cue in the clause, else one
    named before the cue as an object ("urged Japan", "against Tokyo")."""
    after = [p for p in parties if cue.end <= p.start < cb and p.name != holder]
    if after:
        return after[0].name
    objects = [p for p in parties if ca <= p.start < cue.start and p.name != holder
               and (_PREPOSITION.search(s[ca: p.start]) or _OBJECT.search(s[ca: p.start]))]
    return objects[-1].name if objects else None


def _confidence(weights: dict, attribution: str, issue_from: str, toward: str | None) -> float:
    c = weights.get(attribution, 0.5) + weights.get(f"issue_{issue_from}", 0.0) + (weights.get("toward_named", 0.0) if toward else 0.0)
    return round(max(0.0, min(1.0, c)), 2)


def _clause_view(s: str, ca: int, cb: int, cue: Mention, holder: Mention | None, parties: list[Mention], holder_name: str | None,
                 vocab: Vocabulary) -> Clause:
    v = vocab.speech_re.search(s)
    around = s[max(0, v.start() - 40): v.end() + 25] if v else ""
    others = sorted({p.name for p in parties if p.name != holder_name})
    return Clause(s, ca, cb, cue.start, cue.end, cue.text, holder.end if holder else None, others, around)


def decisions(doc: dict, vocab: Vocabulary, sents: list[Sentence] | None = None, gates: frozenset[str] | None = None) -> list[Decision]:
    """The clauses with a stance cue and an issue, each with its holder (by subject, speaker or "he said"
    from the two sentences before), the party it is aimed at, the first gate that fires, and a confidence.

    ``gates``: the gates to apply (None: all of ``GATES``; an empty set: none, for ablations)."""
    sents = sents if sents is not None else sentences(doc["text"], vocab)
    title_issues = [m.name for m in vocab.issues_in(doc.get("title") or "")]
    out: list[Decision] = []
    prev_issues: list[str] = []
    recent: list[tuple[int, str]] = []  # (sentence index, party) of recent holders and speakers, for "he said"
    for sent in sents:
        s = sent.text
        sentence_issues = [m.name for m in vocab.issues_in(s)]
        speaker = _speaker(vocab, s, sent.parties) if sent.parties else None
        back = [p for i, p in recent if sent.index - i <= 2]
        for ca, cb in _clauses(s) if sent.cues else []:
            cues = [c for c in sent.cues if ca <= c.start < cb]
            if not cues:
                continue
            # the first cue is the clause's main verb; later ones are usually its object
            # ("urged Reagan to retaliate" is a demand, not a threat)
            cue = next((c for c in cues if c.name == "red line"), cues[0])  # an explicit red line always counts
            cue = _through_auxiliary(s, cue, cues, vocab)
            subjects = [p for p in sent.parties if ca <= p.start and p.end <= cue.start and not _possessive_only(s, p)
                        and not _PREPOSITION.search(s[ca: p.start]) and not _OBJECT.search(s[ca: p.start])]
            # the speaker holds a cue only when nobody else is named as its subject ("Finance ministers from
            # African countries called for aid, the French ministry said" is not France's call)
            named = re.search(r"(?<!^)\b[A-Z][a-z]+", s[ca: cue.start].lstrip())
            holder, attribution = (subjects[-1].name, "subject") if subjects else (None if named else speaker, "speaker")
            if holder is None and back and vocab.gates.coreference(s[:cue.start] + " " + s[cue.end:]):
                holder, attribution = back[-1], "coreference"
            if holder is None:
                continue
            # a second verb of the same subject ("… as unacceptable and wants the tariff removed") starts
            # a part of its own, whose issues take its stance
            second = next((c for c in cues if c.start > cue.end and _AND_VERB.search(s[cue.end: c.start])), None)
            parts = [(ca, second.start, cue), (second.start, cb, second)] if second else [(ca, cb, cue)]
            for pa, pb, part_cue in parts:
                issues, origin = [m.name for m in vocab.issues_in(s[pa:pb])], "sentence"
                if not issues and len(parts) == 1:
                    issues = sentence_issues
                if not issues and _ANAPHOR.search(s):
                    issues, origin = prev_issues, "context"
                if not issues and part_cue.name != "agreement":  # "agreed to keep talking" is no agreement on the title's issue
                    issues, origin = title_issues, "title"
                part_cue = _warned_against(s, part_cue, pb)
                toward = _toward(s, pa, pb, part_cue, sent.parties, holder)
                if not issues and toward and _TRADE_TALK.search(s):  # a stance toward a party in trade, on no listed issue
                    issues, origin = [OTHER_ISSUE], "other"
                if not issues:
                    continue
                clause = _clause_view(s, ca, pb, part_cue, subjects[-1] if subjects else None, sent.parties, holder, vocab)
                clause.stance, clause.issues = part_cue.name, _specific(issues)
                out.append(Decision(sent, part_cue, holder, _specific(issues), origin, attribution, toward,
                                    vocab.gates.first(clause, gates),
                                    _confidence(vocab.gates.data.get("confidence", {}), attribution, origin, toward)))
        # who "he" or "the ministry" may be in the next two sentences: this one's first named subject, its speaker,
        # and the holders read in it
        first = next((p.name for p in sent.parties if not _possessive_only(s, p) and not _PREPOSITION.search(s[: p.start])), None)
        recent += [(sent.index, p) for p in ([first] if first else []) + ([speaker] if speaker else [])
                   + [d.rule_party for d in out if d.sentence is sent and d.gate is None]]
        prev_issues = sentence_issues
    return out


OTHER_ISSUE = "other"  # a stance toward a party in trade talk on an issue the vocabulary does not list
_TRADE_TALK = re.compile(r"\b(?:trade|imports?|exports?|GATT|concessions?|tariffs?|market|protectionis\w*|retaliat\w*|"
                         r"sanctions?|negotiat\w*|talks)\b", re.I)
_AND_VERB = re.compile(r"^\W*(?:,\s*)?and\s+(?:\w+\s+)?$", re.I)  # "… and wants", "… and also urged"
_AGAINST = re.compile(r"^\W*(?:[\w.'-]+\W+){0,4}?against\b", re.I)


def _through_auxiliary(s: str, cue: Mention, cues: list[Mention], vocab: Vocabulary) -> Mention:
    """ "ready to impose retaliatory action" is a threat: "ready/prepared/willing to" takes the stance of
    the cue right after it, when there is one."""
    if not vocab.gates.res["auxiliary_cues"].fullmatch(cue.text):
        return cue
    nxt = next((c for c in cues if c.start >= cue.end and len(s[cue.end: c.start].split()) <= 2), None)
    return Mention(nxt.name, cue.start, cue.end, cue.text) if nxt and nxt.name != cue.name else cue


def _warned_against(s: str, cue: Mention, end: int) -> Mention:
    """ "warned the United States against setting a rule" asks something of it: a demand, not a threat."""
    if cue.text.lower() in ("warned", "warns") and _AGAINST.match(s[cue.end: end]):
        return Mention("demand", cue.start, cue.end, cue.text)
    return cue


def rule_statements(doc: dict, vocab: Vocabulary, sents: list[Sentence] | None = None,
                    gates: frozenset[str] | None = None) -> list[Statement]:
    out = []
    for d in decisions(doc, vocab, sents, gates):
        if d.rule_party and d.gate is None:
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
