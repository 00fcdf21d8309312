"""Gates: when a clause with a stance cue is not a party's negotiating position.

Each gate is a small named function over one clause; its words are the ``gates`` section
of ``assistant/data/positions.json`` (a user vocabulary file adds to them). A gate returns
True when the clause is *not* a position. ``GATES`` lists them in the order they are tried;
the first that fires names the reason, and ``positions build`` counts statements per gate.

- ``not_a_verb``: the cue word is an adjective or a noun ("the proposed tax", "domestic demand"), "agreed
  that" (decided), or a figurative threat ("threatens to trigger defaults").
- ``passive``: the party before a passive verb is not its actor ("were offered after Argentina said").
- ``not_party``: the cue's subject is a company, bank, lobby, market, analyst or report,
  not the party named before it ("Japan's chip makers urged …").
- ``forecast``: someone predicts the stance ("is expected to reject", "analysts said Tokyo
  would …"): a forecast word before the cue, or a non-party speaker with a modal verb.
- ``hypothetical``: "if they were to retaliate", "unless Tokyo offers …".
- ``denial``: a denial of a report ("denied that it had asked"), or "denied" itself
  (news "denies" reports; it rarely refuses a request).
- ``question``: a reporter's question ("Asked whether Tokyo would …").
- ``target``: the named party is the target ("Japan faces retaliation"), and no one else
  in the clause holds the cue.
- ``legislature``: a noun cue inside a bill ("dropped the retaliation clause").
- ``out_of_scope``: military news, and oil producers' output policy (OPEC ceilings).
- ``commercial``: tenders, cargoes, bids and company deals with no trade-policy word.
- ``currency_only``: an exchange-rate accord with no trade word (currency counts when tied to trade).
- ``domestic``: a domestic measure as the cue's object ("could cut interest rates"), or a
  sentence about one (rates, budgets, takeovers) with no trade word and no other party named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property


def words_re(words: list[str]) -> re.Pattern:
    """Whole-word, case-insensitive alternation; a trailing * matches any word ending."""
    alts = []
    for w in sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True):
        stem, star = (w[:-1], True) if w.endswith("*") else (w, False)
        alts.append(r"\s+".join(map(re.escape, stem.split())) + (r"[\w-]*" if star else ""))
    if not alts:
        return re.compile(r"(?!)")
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alts)})(?![\w-])", re.I)


@dataclass
class Clause:
    """What a gate sees: the sentence, the clause's span, the cue, the holder found and the other parties."""

    sentence: str
    start: int  # clause span in the sentence
    end: int
    cue_start: int
    cue_end: int
    cue: str
    holder_end: int | None  # end of the holder's mention when it is the clause's subject, else None
    others: list[str]  # parties named in the sentence besides the holder
    speaker_words: str = ""  # the text just around the sentence's speech verb ("…, analysts said")
    stance: str = ""
    issues: list[str] = field(default_factory=list)

    @property
    def before(self) -> str:
        """The clause up to the cue."""
        return self.sentence[self.start: self.cue_start]

    @property
    def between(self) -> str:
        """From the holder's mention (or the clause start) to the cue."""
        return self.sentence[self.holder_end if self.holder_end is not None else self.start: self.cue_start]

    @property
    def after(self) -> str:
        return self.sentence[self.cue_end: self.end]


class Gates:
    def __init__(self, data: dict):
        self.data = data

    def _re(self, key: str) -> re.Pattern:
        return words_re(self.data.get(key, []))

    @cached_property
    def res(self) -> dict[str, re.Pattern]:
        keys = ("not_party", "forecast", "modal", "hypothetical", "denial_before", "denial_cues", "denial_objects", "domestic",
                "trade_context", "out_of_scope", "commercial", "policy_words", "figurative_after", "legislature_nouns", "noun_cues", "target_before", "coreference", "question", "passive_before", "not_a_verb_before",
                "demand_noun_before", "demand_noun_after", "auxiliary_cues")
        return {k: self._re(k) for k in keys}

    def not_party(self, c: Clause) -> bool:
        """A non-party noun right after the party's name ("Japan Line asked", "Japan's chip makers") or
        just before the cue ("…, the farm lobby urged"): that is who holds the cue."""
        words = c.between.split()
        near = " ".join(words[:3]) + " | " + " ".join(words[-4:]) if c.holder_end is not None else " ".join(words[-4:])
        if self.res["not_party"].search(near):
            return True
        # a demand made of one's own companies or members ("MITI is asking Japanese chip makers to …")
        return c.stance == "demand" and bool(self.res["not_party"].search(" ".join(c.after.split()[:3])))

    def forecast(self, c: Clause) -> bool:
        if self.res["forecast"].search(c.before):
            return True
        return bool(c.speaker_words and self.res["not_party"].search(c.speaker_words) and self.res["modal"].search(c.before))

    def hypothetical(self, c: Clause) -> bool:
        """An "if" in the cue's own comma segment ("if they were to retaliate"); a threat whose condition
        comes first ("If Tokyo does not act, we will retaliate") is still a threat."""
        segment = c.sentence[: c.cue_start].rsplit(",", 1)[-1]
        return bool(self.res["hypothetical"].search(segment))

    def denial(self, c: Clause) -> bool:
        if self.res["denial_before"].search(c.sentence[: c.cue_start]):
            return True
        if self.res["denial_cues"].fullmatch(c.cue.strip()):
            return not self.res["denial_objects"].search(" ".join(c.after.split()[:4]))
        return False

    def passive(self, c: Clause) -> bool:
        """ "were offered after Argentina said", "European governments, asked to fund", "signed by 98 MPs":
        the party before a passive verb is not the one who offers, asks or signs."""
        if not (c.cue.lower().endswith("ed") or c.cue.lower() in ("sought", "made", "given", "held", "taken", "won")):
            return False
        if re.match(r"\s*by\b", c.after):
            return True
        if re.search(r",\s*$", c.before):  # "European governments, asked to fund …" (not "Denman, the EC envoy, warned")
            return bool(re.match(r"\s*to\b", c.after))
        return bool(re.search(r"(?:" + self.res["passive_before"].pattern + r")\s*$", c.before, re.I))

    def not_a_verb(self, c: Clause) -> bool:
        """The cue word used as an adjective or a noun: "the proposed tax", "at the agreed price",
        "domestic demand", "demand boosting measures"."""
        low = c.cue.lower()
        if low.endswith("ed") and re.search(r"(?:" + self.res["not_a_verb_before"].pattern + r")\s*$", c.before, re.I):
            return True
        if low.startswith("agreed") and re.match(r"\s*that\b", c.after):  # "has agreed that …": decided, with no one
            return True
        if low.startswith("threaten") and re.match(r"\s*to\s+" + self.res["figurative_after"].pattern, c.after, re.I):
            return True  # "threatens to trigger cross-defaults": a risk, not a party's threat
        if "demand" in low and (re.search(r"(?:" + self.res["demand_noun_before"].pattern + r")\s*$", c.sentence[: c.cue_start], re.I)
                                or re.match(r"\W*" + self.res["demand_noun_after"].pattern, c.after, re.I)):
            return True
        return False

    def question(self, c: Clause) -> bool:
        """A reporter's question, not a demand: "Asked whether …", "asked what the next step would be"."""
        return c.cue.lower() in ("asked", "asking") and bool(re.match(r"\W*" + self.res["question"].pattern, c.after, re.I))

    def target(self, c: Clause) -> bool:
        return c.holder_end is not None and bool(re.search(self.res["target_before"].pattern + r"\W+(?:\w+\W+){0,3}$", c.between, re.I))

    def legislature(self, c: Clause) -> bool:
        """A bill's retaliation clause, or a bill, committee or lawmakers as the subject: a step in a
        legislature, not a government's stance (a threat to veto the bill still counts)."""
        if self.res["noun_cues"].fullmatch(c.cue.strip()) and self.res["legislature_nouns"].search(c.sentence):
            return True
        return bool(self.res["legislature_nouns"].search(c.between))

    def out_of_scope(self, c: Clause) -> bool:
        """Military news, and oil producers' output policy (OPEC ceilings), which the guide leaves out."""
        return bool(self.res["out_of_scope"].search(c.sentence))

    def commercial(self, c: Clause) -> bool:
        """Tenders, cargoes, bids and company deals, with no tariff, quota, talks or dispute in the sentence."""
        return bool(self.res["commercial"].search(c.sentence)) and not self.res["policy_words"].search(c.sentence)

    def currency_only(self, c: Clause) -> bool:
        """Currency counts only when tied to trade (the label guide): an exchange-rate accord with no
        trade word in the sentence is monetary policy, not a trade position."""
        return c.issues == ["currency"] and not self.res["trade_context"].search(c.sentence)

    def domestic(self, c: Clause) -> bool:
        """A domestic measure as the cue's object ("could cut interest rates", "to lower taxes of high earners"),
        or a sentence about one with no trade word and no other party."""
        window = " ".join(c.after.split()[:6])
        if self.res["domestic"].search(window) and not self.res["trade_context"].search(window):
            return True
        return (not c.others and bool(self.res["domestic"].search(c.sentence))
                and not self.res["trade_context"].search(c.sentence))

    def first(self, c: Clause, enabled: frozenset[str] | None = None) -> str | None:
        """The name of the first gate that fires (None: the clause may be a position)."""
        for name, gate in self.ordered:
            if (enabled is None or name in enabled) and gate(c):
                return name
        return None

    @cached_property
    def ordered(self) -> list[tuple[str, Callable[[Clause], bool]]]:
        return [(n, getattr(self, n)) for n in GATES]

    def coreference(self, text: str) -> bool:
        """Does the text before a cue speak through "he", "the ministry", …?"""
        return bool(self.res["coreference"].search(text))


GATES = ("not_a_verb", "passive", "not_party", "forecast", "hypothetical", "denial", "question", "target", "legislature", "out_of_scope",
         "commercial", "currency_only", "domestic")
