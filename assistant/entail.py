"""Does a passage state, contradict, or not state a claim? Rules as data, no model.

The verifier first finds, for a claim sentence, the span of a cited passage that is closest
to it and holds its numbers and names. These rules then compare the claim with that span
and look for the edits that turn a true sentence into a false one while keeping its words:

* **polarity**: a word negated in one text ("would not boost") and affirmed in the other;
* **direction**: a word of one side of an antonym pair in the claim, of the other side in
  the span (rose/fell, surplus/deficit, accepted/rejected, imposed/lifted, imports/exports);
* **roles**: the acting party of the claim is another party of the span, and vice versa
  ("Tokyo asked Washington to ..." against "Washington asked Tokyo to ...");
* **scale**: the same number with another scale or unit (5 mln / 5 bln, pct / points);
* **modality**: what the span only says may, could or is planned to happen, the claim states
  as done (verdict ``not_stated``, not ``contradicted``).

Words are compared as Snowball stems; a negation or hedge covers the next few content words
up to a clause break. The vocabulary lives in ``data/entail.json``; a user file adds to it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

VOCAB_FILE = Path(__file__).with_name("data") / "entail.json"
ALIASES_FILE = Path(__file__).with_name("data") / "aliases.json"  # the parties, shared with the verifier
_TOKEN = re.compile(r"n't|\d+(?:[.,]\d+)*|%|[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|[,;:()\"“”]")
_STOP = {"the", "a", "an", "it", "its", "is", "are", "was", "were", "be", "been", "has", "have", "had", "would", "will",
         "shall", "should", "do", "does", "did", "to", "of", "in", "on", "for", "said", "says", "say", "this", "that",
         "these", "those", "by", "with", "at", "from", "as", "he", "she", "they", "we", "i", "his", "her", "their", "our",
         "also", "yet", "any", "so"}
_CONTRACTION = re.compile(r"\b(ca|wo|[A-Za-z]+)n['’]t\b", re.IGNORECASE)  # can't, won't, didn't, isn't ...
_APPROX = {"a", "an", "about", "around", "estimated", "some", "roughly", "nearly", "almost", "just", "only"}
REWORDED_NEAR = 6  # tokens: a word of negative sense this close to a word the other text negates rewords the negation
NEAR = 4  # tokens: a negation this close to a word in the other text covers it too ("did not think it made" / "thought it did not make")
ROLE_OVERLAP = 0.6  # share of the claim's content words a span sentence must hold to show a role swap
SWAP_WORDING = 0.9  # and how much of the claim must be that sentence's wording, party names aside (names moved, nothing restructured)
NEAR_FIGURE = 60  # characters either side of a figure in which a year or month is read as the figure's own
ALIGNED = 0.85  # a claim matching its span less closely than this (difflib ratio) is a rewording, not an edit
SCOPE = 1  # content words a negation covers: its head ("would not boost", "no agreement")
HEDGE_SCOPE = 2  # content words a hedge covers: "is likely to continue to grow" hedges 'grow' too


_PART_OF_MONTH = re.compile(r"\b(?:first|last|final)\s+(\w+)\s+(days|weeks)\s+of\s+(January|February|March|April|May|June|July|"
                            r"August|September|October|November|December)\b", re.I)
_PARTIAL_WORDS = re.compile(r"\b(?:days|weeks|interim|partial|part of|early|mid|late)\b", re.I)


@dataclass
class Verdict:
    verdict: str  # "supported" | "contradicted" | "not_stated"
    reason: str = ""
    evidence: str = ""  # the word(s) of the span that decide it


@dataclass
class Vocabulary:
    negation: list[tuple[str, ...]]
    not_negation: list[tuple[str, ...]]  # "no more than": a negation word that negates nothing
    hedges: list[tuple[str, ...]]
    softeners: set[str]  # a claim holding one is itself tentative
    breaks: set[str]
    antonyms: list[tuple[set[str], set[str]]]
    scales: dict[str, str]  # token (lower) -> scale class
    prepositions: set[str]
    passive: set[str]
    lemmas: dict[str, str]
    converses: set[frozenset[str]]
    reporting: tuple[str, ...]
    titles: set[str]
    stances: list[tuple[set[str], set[str]]]  # reporting verbs that say more than 'said' (admitted), and what a source may say instead
    negative_sense: set[str]  # stems of words whose meaning holds a negation ("confidential", "against")

    @classmethod
    def load(cls, *extra: Path) -> Vocabulary:
        data = json.loads(VOCAB_FILE.read_text(encoding="utf-8"))
        for path in extra:
            try:
                more = json.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise ValueError(f"{path}: not a readable JSON vocabulary: {e}") from None
            for key, value in more.items():
                if key.startswith("_"):
                    continue
                if key not in data:
                    raise ValueError(f"{path}: unknown field {key!r} (expected one of {', '.join(k for k in data if not k.startswith('_'))})")
                if isinstance(data[key], dict):
                    data[key].update(value)
                else:
                    data[key] = data[key] + value
        stem = stemmer().stemWord
        cues = lambda xs: sorted({tuple(x.lower().split()) for x in xs}, key=len, reverse=True)  # noqa: E731
        return cls(
            negation=cues(data["negation"]), not_negation=cues(data["not_negation"]), hedges=cues(data["hedges"]),
            softeners={w.lower() for w in data["softeners"]}, breaks=set(data["scope_breaks"]),
            antonyms=[({stem(data["lemmas"].get(w, w)) for w in a}, {stem(data["lemmas"].get(w, w)) for w in b})
                      for a, b in data["antonyms"]],
            scales={w: k for k, ws in data["scales"].items() for w in ws},
            prepositions=set(data["prepositions"]), passive=set(data["passive"]), lemmas=data["lemmas"],
            reporting=tuple(data.get("reporting", [])), titles={w.lower() for w in data.get("speaker_titles", [])},
            converses={frozenset(stem(data["lemmas"].get(w, w)) for w in pair) for pair in data.get("converses", [])},
            stances=[({stem(w) for w in g["claim"]}, {stem(w) for w in g["claim"] + g.get("also_in_source", [])})
                     for g in ({"claim": g} if isinstance(g, list) else g for g in data.get("stance_verbs", []))],
            negative_sense={stem(w.lower()) for w in data.get("negative_sense", [])},
        )

    def kin(self, stems: set[str]) -> set[str]:
        """Every word on the same side as one of ``stems`` in some antonym pair ("lower" is kin of "decreased" by
        rise/fall, of "cut" by raise/cut): a source saying "decreased" already says the claim's "lower"."""
        return set().union(*(side for pair in self.antonyms for side in pair if side & stems)) if stems else set()

    def converse(self, left: set[str], right: set[str]) -> bool:
        """Is this antonym pair one event told from either side (imports/exports, buy/sell)?"""
        return any(pair <= left | right and pair & left and pair & right for pair in self.converses)


@lru_cache(maxsize=1)
def stemmer():
    """The Snowball English stemmer the rules compare words with."""
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return Vocabulary.load()


@lru_cache(maxsize=1)
def aliases() -> dict:
    """The alias file: ``parties`` (party -> its other names) and ``peoples`` (country -> its people's names)."""
    return json.loads(ALIASES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _party_of() -> dict[str, str]:
    """alias (lower case) -> party, from the verifier's alias file."""
    out = {}
    for party, names in aliases()["parties"].items():
        for name in [party, *names]:
            key = name.lower().replace("’", "'")
            out[key] = out[key.rstrip(".")] = party  # the tokenizer reads "U.S." as "u.s"
    return out


def party_named(name: str) -> str | None:
    """The party a name stands for ("Canadian", "U.S.", "Tokyo" -> Canada, United States, Japan), or None."""
    key = name.lower().replace("’", "'")
    return _party_of().get(key) or _party_of().get(key.rstrip("."))


_FRACTION = re.compile(r"\b(?:(\d+)[ -])?(\d+)/(\d+)\b")


def with_decimals(text: str) -> str:
    """A text with its written fractions as decimals: "7-3/4 pct" -> "7.75 pct"."""
    return _FRACTION.sub(lambda m: fraction_decimal(m.group(0)), text)


def fraction_decimal(fraction: str) -> str:
    """A written fraction as a decimal: "7 3/4" and "7-3/4" -> "7.75", "3/4" -> "0.75" (as written when over zero)."""
    m = _FRACTION.fullmatch(fraction.strip())
    if not m or int(m.group(3)) == 0:
        return fraction
    value = f"{int(m.group(1) or 0) + int(m.group(2)) / int(m.group(3)):.4f}"
    return value.rstrip("0").rstrip(".")


class Text:
    """A sentence read for the rules: tokens, stems, and what negations and hedges cover."""

    def __init__(self, text: str, vocab: Vocabulary):
        self.raw = text
        raw = _TOKEN.findall(_CONTRACTION.sub(r"\1 n't", with_decimals(text)))  # "don't" -> "do n't": the
        # negation is its own token; "6-1/2" -> "6.5": one number, not three
        self.tokens = [t.lower().replace("’", "'") for t in raw]
        self.names = [t.removesuffix("'s") for t in self.tokens]  # "tokyo's" names Tokyo
        self.capital = [k > 0 and t[0].isupper() for k, t in enumerate(raw)]  # names, not the word a cue covers
        self.acronym = [len(t) > 1 and t.isupper() and t.isalpha() for t in raw]  # "MITI", "OPEC", even opening a sentence
        self.upper = [t[0].isupper() for t in raw]  # capitalised, the first word too ("Foreign Ministry officials ...")
        stem = stemmer().stemWord
        self.stems = [stem(vocab.lemmas.get(t, t)) for t in self.tokens]
        self.negated = self._scoped(vocab.negation, vocab)  # stem -> cue
        self.cue_at = self.negation_positions(vocab)
        self.hedged = self._scoped(vocab.hedges, vocab, skip=self.cue_at, scope=HEDGE_SCOPE)
        self.softened = bool(vocab.softeners & set(self.tokens)) or bool(self._scoped(vocab.hedges, vocab))
        self.content = {s for s, t in zip(self.stems, self.tokens) if t not in _STOP and t[0].isalnum()}

    def word(self, stem: str) -> str:
        """The sentence's own word for a stem (reasons quote words, not stems)."""
        return next((t for t, s in zip(self.tokens, self.stems) if s == stem), stem)

    def _cue_at(self, i: int, cues) -> tuple[str, ...] | None:
        if self.tokens[i] == "may" and self.capital[i]:
            return None  # "May" inside a sentence is the month ("for last half May shipment"), not a hedge
        for cue in cues:
            if tuple(self.tokens[i:i + len(cue)]) == cue:
                return cue
        return None

    def negation_positions(self, vocab: Vocabulary) -> set[int]:
        """Token positions of the negation cues that negate something."""
        out, i = set(), 0
        self.n_negations = 0
        while i < len(self.tokens):
            idiom = self._cue_at(i, vocab.not_negation)
            if idiom:
                i += len(idiom)
                continue
            cue = self._cue_at(i, vocab.negation)
            if cue and not self._before_number(cue, i + len(cue)):
                out.update(range(i, i + len(cue)))
                if cue != ("nor",) or "neither" not in self.tokens[:i]:  # "neither ignored nor forgotten" is one negation
                    self.n_negations += 1
            i += len(cue) if cue else 1
        return out

    def _before_number(self, cue: tuple[str, ...], j: int) -> bool:
        """'declined to (an estimated) 10.66 billion' is a fall, not a refusal (a cue ending in 'to', then a number)."""
        while j < len(self.tokens) and self.tokens[j] in _APPROX:
            j += 1
        return cue[-1] == "to" and j < len(self.tokens) and self.tokens[j][0].isdigit()

    def negation_near(self, stem: str, vocab: Vocabulary) -> bool:
        """Is a negation cue within NEAR tokens of this stem's occurrence (the negation moved, not added)?"""
        spots = [k for k, s in enumerate(self.stems) if s == stem]
        return any(abs(k - j) <= NEAR for k in spots for j in self.cue_at)

    def _scoped(self, cues, vocab: Vocabulary, skip: set[int] = frozenset(), scope: int = SCOPE) -> dict[str, str]:
        out: dict[str, str] = {}
        i = 0
        while i < len(self.tokens):
            idiom = self._cue_at(i, vocab.not_negation)
            if idiom:
                i += len(idiom)
                continue
            cue = self._cue_at(i, cues)
            if not cue or self._before_number(cue, i + len(cue)):
                i += 1
                continue
            j, seen = i + len(cue), 0
            while j < len(self.tokens) and seen < scope:
                t = self.tokens[j]
                if t in ('"', "“"):  # 'was not "broad enough"': the quoted words are what is negated
                    j += 1
                    continue
                if t in vocab.breaks or not t[0].isalnum():
                    break
                if j in skip:  # "asked not to be named": the hedge does not cover the negation
                    j += 1
                    continue
                if t not in _STOP and not t.endswith("ly") and not self.capital[j]:  # "not immediately agree", "asked Tokyo to open"
                    out.setdefault(self.stems[j], " ".join(cue))
                    seen += 1
                j += 1
            if seen and j + 1 < len(self.tokens) and self.tokens[j] in ("or", "nor") and self.tokens[j + 1] not in _STOP \
                    and self.tokens[j + 1][0].isalpha() and not self.capital[j + 1]:
                out.setdefault(self.stems[j + 1], " ".join(cue))  # "cannot be ignored or forgotten": both words
            i += len(cue)
        return out

    def quantities(self, vocab: Vocabulary) -> set[tuple[str, str]]:
        out = set()
        for k, t in enumerate(self.tokens):
            if t[0].isdigit():
                nxt = " ".join(self.tokens[k + 1:k + 3])
                unit = vocab.scales.get(nxt) or vocab.scales.get(self.tokens[k + 1] if k + 1 < len(self.tokens) else "")
                if unit:
                    out.add((t.replace(",", ""), unit))
        return out

    def agent(self, vocab: Vocabulary) -> str | None:
        """The acting party: the first party named that is not the object of a preposition;
        in a passive clause, the party after 'by'."""
        mentions = [(k, party) for k, _, party in _mentions(self.names, overlapping=True)]
        if any(t in vocab.passive for t in self.tokens):
            for k, party in mentions:
                if "by" in self.tokens[max(0, k - 2):k]:  # "accused by (the) United States"
                    return party
        governed = set()
        for k, party in mentions:
            conjunct = k > 1 and self.tokens[k - 1] in ("and", "or") and any(j in governed for j in range(k - 4, k - 1))
            if self._governed(k, vocab) or conjunct:  # "between the United States and Japan": neither acts
                governed.add(k)
                continue
            return party
        return None

    def _governed(self, k: int, vocab: Vocabulary) -> bool:
        """A name that cannot be the actor: a possessive ("the EC's deficit") or the object of a
        preposition, also across an article ("to the European Community")."""
        if self.tokens[k].endswith("'s") or self.tokens[k + 1:k + 2] == ["'s"]:
            return True
        before = self.tokens[k - 1] if k > 0 else ""
        if before in ("the", "a", "an") and k > 1:
            before = self.tokens[k - 2]
        return before in vocab.prepositions

    def parties(self) -> set[str]:
        return _parties_in(self.names)


COMMON_ZIPF = 4.3  # wordfreq's Zipf scale: 4.3 is about 20 uses per million words ("procedures"; "Reagan" is 3.95)


@lru_cache(maxsize=4096)
def common_word(word: str) -> bool:
    """A common English word, not a name, when capitalised only because it opens a sentence ("Procedures",
    "Top", "Senior"); a party's name never is ("Japan", "Washington")."""
    from wordfreq import zipf_frequency

    low = word.lower()
    parties = _party_of()
    if low in parties or low + "." in parties:
        return False
    return zipf_frequency(low, "en") >= COMMON_ZIPF


def _mentions(names: list[str], overlapping: bool = False) -> list[tuple[int, int, str]]:
    """(token position, length, party) of each party name in a run of tokens, longest name first at each
    position ("united states", not "united"); ``overlapping`` also reads the words inside a name found."""
    parties, out, k = _party_of(), [], 0
    while k < len(names):
        n = next((n for n in (3, 2, 1) if " ".join(names[k:k + n]) in parties), 0)
        if n:
            out.append((k, n, parties[" ".join(names[k:k + n])]))
        k += 1 if overlapping or not n else n
    return out


def _parties_in(names: list[str]) -> set[str]:
    """The parties named in a run of tokens, by names of one to three words ("united states")."""
    return {party for _, _, party in _mentions(names, overlapping=True)}


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DATED_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?"
                            r"(\d{4}-\d\d-\d\d|[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+,? \d{4})")


def calendar_conflict(claim: str) -> Verdict | None:
    """'on Wednesday, 2020-01-16' when that day was a Thursday: the claim contradicts the calendar."""
    for m in _DATED_WEEKDAY.finditer(claim):
        text = m.group(2).replace(",", "").replace(".", "")
        day = None
        for fmt in ("%Y-%m-%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y"):
            try:
                day = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if day is None:
            continue
        real = _WEEKDAYS[day.weekday()]
        if real != m.group(1).lower():
            return Verdict("contradicted", f"date: {m.group(2)} was a {real.title()}, not a {m.group(1)}", m.group(0))
    return None


def compare(claim: str, evidence: str, vocab: Vocabulary | None = None) -> Verdict:
    """The verdict of the rules on a claim against the span that best matches it.

    ``supported`` here only means no rule found a conflict; the verifier decides support
    (facts present, a close span) before it asks."""
    v = vocab or default_vocabulary()
    wrong_day = calendar_conflict(claim)
    if wrong_day:
        return wrong_day
    c, e = Text(claim, v), Text(evidence, v)

    # polarity: the head of a negated phrase in one text, affirmed in the other
    for a, b, how in ((c, e, "the claim negates"), (e, c, "the source negates")):
        for stem, cue in a.negated.items():
            # the same negation, elsewhere: near the word, or as many negations on both sides ("no figures were given" /
            # "figures were not provided"); an added or dropped negation changes the count
            near = b.negation_near(stem, v)
            moved = b.n_negations >= a.n_negations and (near or b.n_negations == a.n_negations) \
                or near and b.n_negations + _reworded_count(b, a, v) >= a.n_negations  # "meaningless" counts as "not mean"
            if stem in b.content and stem not in b.negated and not moved and not _reworded_negation(stem, b, a, v):
                if not _antonym_flip(stem, a, b, v):
                    return Verdict("contradicted", f"polarity: {how} '{stem}' ({cue})", stem)

    # aligned edits: where the claim's word sequence replaces a word of the span's by its
    # opposite, or by another party the span also names (a swap, not a paraphrase)
    edit = _aligned_edit(c, e, v)
    if edit:
        return edit

    swapped = _number_swap(c, evidence, v) or _period_swap(claim, evidence)
    if swapped:
        return swapped

    # direction: one side of an antonym pair in the claim, the other in the span
    for left, right in v.antonyms:
        if v.converse(left, right):
            continue  # "Japanese imports" and "EC exports" can be the same goods: only an aligned edit shows a flip
        for mine, theirs in ((left, right), (right, left)):
            in_c = {s for s in c.content & mine if s not in c.negated}
            in_e = {s for s in e.content & theirs if s not in e.negated}
            if in_c and in_e and not (e.content & v.kin(in_c)) and not (c.content & v.kin(in_e)) \
                    and _same_object(c, in_c, e, in_e, mine | theirs):
                return Verdict("contradicted", f"direction: claim '{sorted(in_c)[0]}', source '{sorted(in_e)[0]}'",
                               sorted(in_e)[0])

    # roles: the acting party swapped with another party both texts name, read sentence by
    # sentence: only a sentence of the span that names both parties can show a swap (in a
    # two-sentence span, the first sentence's actor is not the second's)
    swap = _role_swap(c, evidence, v)
    if swap:
        return Verdict("contradicted", f"roles: the claim has {swap[0]} acting, the source {swap[1]}", swap[1])

    # attribution: the same words, given to another speaker
    other = _speaker_swap(claim, evidence, v)
    if other:
        return Verdict("contradicted", f"attribution: the source gives these words to {other[1]}, not {other[0]}", other[1])

    # scale: the same number with another scale or unit
    cq, eq = c.quantities(v), e.quantities(v)
    for num, unit in cq - eq:
        other = {u for n, u in eq if n == num and u != unit}
        if other:
            return Verdict("contradicted", f"scale: {num} {unit} in the claim, {num} {sorted(other)[0]} in the source", num)

    # period: the span's figure covers part of a month ("the first 20 days of February"), the claim the whole month
    part = _PART_OF_MONTH.search(evidence)
    if part and re.search(rf"\b{part.group(3)[:3]}", claim, re.I) and not _PARTIAL_WORDS.search(claim):
        return Verdict("not_stated", f"period: the source gives only {part.group(0)}", part.group(0))

    # stance: the claim has a speaker admit or warn where the span only says so
    for said, heard in v.stances:
        mine = {s for s in c.content & said if s not in c.negated}
        if mine and not e.content & heard:
            return Verdict("not_stated", f"stance: the claim says '{c.word(sorted(mine)[0])}', the source does not", sorted(mine)[0])

    # modality: the span only says it may / is planned to happen
    for stem, cue in e.hedged.items():
        if c.softened:
            break  # the claim is itself tentative ("will probably open", "urged Japan to open")
        if stem in c.content and stem not in c.hedged and stem not in c.negated and stem not in _STOP:
            return Verdict("not_stated", f"modality: the source only says '{cue} … {stem}'", stem)
    return Verdict("supported")


def _aligned_edit(c: Text, e: Text, v: Vocabulary) -> Verdict | None:
    matcher = SequenceMatcher(None, c.stems, e.stems, autojunk=False)
    reworded = matcher.ratio() < ALIGNED
    opcodes = matcher.get_opcodes()
    for at, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "replace":
            continue
        mine, theirs = set(c.stems[i1:i2]), set(e.stems[j1:j2])
        for left, right in v.antonyms:
            if reworded and v.converse(left, right):
                continue  # "Indonesia may buy" / "exporters may sell to Indonesia": the same sale
            for a, b in ((left, right), (right, left)):
                # a reworded claim whose span also says the claim's word is no flip ("... lift the duties it imposed")
                affirmed = reworded and mine & a & e.content - e.negated.keys()
                if mine & a and theirs & b and not (mine & b) and not (theirs & a) and not affirmed:
                    if not (c.negated.keys() & mine or e.negated.keys() & theirs):  # a double flip is no contradiction
                        said, source = sorted(mine & a)[0], sorted(theirs & b)[0]
                        return Verdict("contradicted", f"direction: the claim says '{c.word(said)}' where the source says "
                                                       f"'{e.word(source)}'", e.word(source))
        if i2 - i1 > 2 or j2 - j1 > 2:
            continue  # a long rewrite is a paraphrase, not a name put in another's place
        p_c, p_e = _parties_in(c.names[i1:i2]), _parties_in(e.names[j1:j2])
        if p_c and p_e and not (p_c & p_e) and p_c <= e.parties():
            return Verdict("contradicted", f"roles: the claim has {sorted(p_c)[0]} where the source has {sorted(p_e)[0]}",
                           sorted(p_e)[0])
        if not p_e and (not p_c or all(c.acronym[i1:i2])) and _name_in_place(c, e, opcodes, at):
            mine, theirs = " ".join(c.tokens[i1:i2]), " ".join(e.tokens[j1:j2])
            return Verdict("contradicted", f"roles: the claim has '{mine}' where the source has '{theirs}'", theirs)
    return None


def _name_in_place(c: Text, e: Text, opcodes: list, at: int) -> bool:
    """One name put in another's place in the same wording ("MITI officials immediately tried to ..." where the source
    has "Foreign Ministry officials immediately tried to ..."): both are names (not two spellings of one), the source's
    appears nowhere in the claim, and at least three words after it (and any before it) read the same in both."""
    _, i1, i2, j1, j2 = opcodes[at]

    def named(t: Text, a: int, b: int) -> bool:
        return all(t.upper[k] for k in range(a, b)) and any(t.capital[k] or t.acronym[k] for k in range(a, b))

    if not (named(c, i1, i2) and named(e, j1, j2)) or set(e.names[j1:j2]) & set(c.names):
        return False
    if SequenceMatcher(None, " ".join(c.tokens[i1:i2]), " ".join(e.tokens[j1:j2])).ratio() >= 0.75:
        return False  # a spelling of the same name ("Agreeeement", "Octoer" in the source)
    after = opcodes[at + 1] if at + 1 < len(opcodes) else None
    before = opcodes[at - 1] if at else None
    return bool(after and after[0] == "equal" and after[2] - after[1] >= 3
                and (before is None or before[0] == "equal"))


_SCALE_FACTORS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SPELLED_NUMBERS = {w: float(k) for k, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                                    "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
SPELLED_NUMBERS.update({"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "seventy": 70.0, "eighty": 80.0, "ninety": 90.0,
                        "hundred": 100.0, "half": 0.5, "quarter": 0.25})
_SPELLED = {w: x for w, x in SPELLED_NUMBERS.items() if 0 <= x <= 12 and x == int(x)}  # figures a swap is read in ("eight pct")


def _amounts(t: Text, v: Vocabulary, start: int = 0, end: int | None = None) -> set[float]:
    """The figures among tokens [start, end) as values, scale applied ("1.5 bln" and "1,500 mln" are one amount);
    spelled numbers up to twelve count too ("eight pct")."""
    out = set()
    for k in range(start, len(t.tokens) if end is None else end):
        tok = t.tokens[k]
        if tok[0].isdigit():
            try:
                value = float(tok.replace(",", ""))
            except ValueError:
                continue
        elif tok in _SPELLED:
            value = _SPELLED[tok]
        else:
            continue
        scale = v.scales.get(t.tokens[k + 1]) if k + 1 < len(t.tokens) else None
        out.add(round(value * _SCALE_FACTORS.get(scale or "", 1.0), 6))
    return out


_PERIOD_MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
                           r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b")
_PERIOD_YEAR = re.compile(r"(?<![\d.,])(?:19[5-9]\d|20[0-4]\d)(?![\d,]*\d)")
_REPORT_TIME = re.compile(r"\b(?:said|says|told|announced|reported|reports?|stated|released|published|according to)\b"
                          r"[^.;]{0,60}?\b(?:in|on) (?:early |mid-|late )?(?:[A-Z][a-z]+,? )?(?:\d{1,2},? )?(?:19|20)\d\d\b")
_DISTINCT_FIGURE = re.compile(r"(?<![\d.,])\d[\d,]*\.\d+(?![\d]*\d)|(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d.]*\d)")


def _periods_of(text: str) -> tuple[set[str], set[str]]:
    return set(_PERIOD_YEAR.findall(text)), {m[:3].lower() for m in _PERIOD_MONTH.findall(text)}


def _period_swap(claim: str, evidence: str) -> Verdict | None:
    """A true figure given to another period: the claim puts "4.18 billion" in 1986 (or in February) where the span
    names only other years (or months) within a few words of each place it gives the figure. The time a claim says
    something was reported ("as reported in March 1987") is no period of the figure."""
    from ingest.sentences import split_sentences

    own = _REPORT_TIME.sub(" ", claim)
    years, months = _periods_of(own)
    if not years and not months:
        return None
    holding: dict[str, list[str]] = {}
    sentences = [evidence[a:b] for a, b in split_sentences(evidence)]
    for figure in set(_DISTINCT_FIGURE.findall(own)):
        at = [(s, m.start()) for s in sentences for m in re.finditer(rf"(?<![\d.,]){re.escape(figure)}(?![\d]*\d)", s)]
        holding[figure] = [s[max(0, i - NEAR_FIGURE):i + NEAR_FIGURE] for s, i in at]  # (a year-ago figure's year is not this one's)
    for figure, found in holding.items():
        if not found:
            continue
        theirs = [_periods_of(s) for s in found]
        if years and all(y and not years & y for y, _ in theirs):
            return Verdict("contradicted", f"period: the source gives {figure} for {', '.join(sorted(theirs[0][0]))}", figure)
        if months and all(m and not months & m for _, m in theirs):
            return Verdict("contradicted", f"period: the source gives {figure} for another month", figure)
    return None


def _number_swap(c: Text, evidence: str, v: Vocabulary) -> Verdict | None:
    """A figure put in another's place: the claim is a span sentence's wording with one of its figures replaced
    by one that sentence does not hold ("stood at 7-3/4 pct" where the source says "stood at eight pct").
    Figures are compared as values, scale applied, and the wording with every figure masked."""
    from ingest.sentences import split_sentences

    def masked(t: Text) -> list[str]:
        return ["#" if t.tokens[k][0].isdigit() or t.tokens[k] in _SPELLED else v.scales.get(t.tokens[k], s)
                for k, s in enumerate(t.stems)]

    mine = masked(c)
    best, ratio = None, ALIGNED
    for a, b in split_sentences(evidence):
        e = Text(evidence[a:b], v)
        r = SequenceMatcher(None, mine, masked(e), autojunk=False).ratio()
        if r >= ratio:
            best, ratio = e, r
    if best is None:
        return None
    e, all_c, all_e = best, _amounts(c, v), _amounts(best, v)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, c.stems, e.stems, autojunk=False).get_opcodes():
        said, source = _amounts(c, v, i1, i2), _amounts(e, v, j1, j2)
        if tag == "replace" and i2 - i1 <= 3 and j2 - j1 <= 3 and said and source and not said & all_e and not source & all_c:
            return Verdict("contradicted", f"number: the claim says '{' '.join(c.tokens[i1:i2])}' where the source says "
                                           f"'{' '.join(e.tokens[j1:j2])}'", " ".join(e.tokens[j1:j2]))
    return None


def _speaker(sentence: str, v: Vocabulary) -> str | None:
    """Who a sentence says is speaking: "X said ...", "..., X said.", "..., said X." or "according to X"."""
    verbs = "|".join(map(re.escape, v.reporting))
    s = sentence.strip().rstrip(".").rstrip()
    for pattern in (rf"[,\"”]\s*([^,\"”]{{2,100}}?)\s+(?:{verbs})\b[^,\"”]*$",  # "..., Lyng told reporters."
                    r",\s*(?:said|says)\s+(?![^\"”]*\b(?:would|will|was|were|is|are|had|has|have|that|could|may|might|should)\b)"
                    r"([^\"”]{2,120})$",  # "..., said Commerce Secretary Malcolm Baldrige." (not ", said Japan would ...")
                    rf"^\W*([A-Z][^\"“”]{{1,120}}?)\s+(?:{verbs})\b",  # "The Foreign Ministry official said ..."
                    r"\baccording to ([^,\"”]{2,100})"):
        m = re.search(pattern, s)
        if m:
            return m.group(1)
    return None


def _telling(phrase: str, v: Vocabulary) -> set[str]:
    """The words of a speaker's description that tell speakers apart: names, not titles or countries."""
    parties = _party_of()
    words = {w.lower().removesuffix("'s").removesuffix("’s").strip(".") for w in re.findall(r"\b[A-Z][\w.'’-]*", phrase)}
    return {w for w in words if len(w) > 1 and w not in v.titles and w not in parties and w + "." not in parties and not common_word(w)}


_BODY = re.compile(r"((?:[A-Z][\w'’-]*\s+(?:and\s+|of\s+)?)+)(?:Ministry|Department|Agency|Office|Commission|Council|Board)\b")


def _body(phrase: str) -> set[str]:
    """The words naming the body a speaker speaks for: {'foreign'} in 'the Foreign Ministry official'."""
    return {w.lower() for m in _BODY.finditer(phrase) for w in re.findall(r"[A-Z][\w'’-]*", m.group(1))
            if w.lower() not in ("the", "a", "an")}


def _speaker_swap(claim: str, evidence: str, v: Vocabulary) -> tuple[str, str] | None:
    """(claim's speaker, source's speaker) when the span sentence saying the claim's words names a
    different speaker, and neither text names the other's."""
    from ingest.sentences import split_sentences

    said = _speaker(claim, v)
    mine = _telling(said, v) if said else set()
    body = _body(said) if said and not mine else set()  # "the Foreign Ministry official": no name, a body
    if not mine and not body:
        return None
    c = Text(claim, v)
    best, overlap = None, 0.0
    for a, b in split_sentences(evidence):
        sent = evidence[a:b]
        share = len(c.content & Text(sent, v).content) / max(1, len(c.content))
        if share > overlap:
            best, overlap = sent, share
    if best is None or overlap < ROLE_OVERLAP:
        return None
    theirs_phrase = _speaker(best, v)
    if body:  # a speaker described by a body: the source's speaker of these words, if it names one, names the same
        other = _body(theirs_phrase or "")
        if other and not body & other:
            return said.strip(), theirs_phrase.strip(" ,;")
        return None
    theirs = _telling(theirs_phrase, v) if theirs_phrase else set()
    claim_words = {w.lower().strip(".,").removesuffix("'s") for w in claim.split()}
    if theirs and not (mine & {w.lower().strip(".,") for w in theirs_phrase.split()}) and not (theirs & claim_words):
        return said.strip(), theirs_phrase.strip()
    in_best = {w.lower().strip(".,'’s") for w in best.split()}
    surname = re.findall(r"[A-Z][\w'’-]+", said)[-1:]  # "... Clayton Yeutter": a person named by an alias of a party is still named
    if theirs_phrase and not theirs and _party_named_in(theirs_phrase) and not mine & in_best \
            and not {w.lower() for w in surname} & in_best:
        return said.strip(), theirs_phrase.strip()  # a country's words ("The U.S. warned") given to a named person
    return None


def _party_named_in(phrase: str) -> bool:
    """Is the phrase a party's name and little else ('The U.S.', 'Japan', 'the European Community')?"""
    words = [w for w in re.findall(r"[\w.'’-]+", phrase) if w.lower() not in ("the", "a")]
    return 0 < len(words) <= 3 and party_named(" ".join(words)) is not None


def _kept_wording(c: Text, e: Text) -> float:
    """The share of the claim's words that run in the source sentence's order, every party name read as one slot."""
    def slots(t: Text) -> list[str]:
        out, k = [], 0
        for at, n, _ in _mentions(t.names):
            out += t.stems[k:at] + ["<party>"]
            k = at + n
        return out + t.stems[k:]

    a, b = slots(c), slots(e)
    return sum(x.size for x in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()) / max(1, len(a))


def _role_swap(c: Text, evidence: str, v: Vocabulary) -> tuple[str, str] | None:
    """(claim's actor, source's actor) when every span sentence naming both acts the other way round."""
    from ingest.sentences import split_sentences

    ca = c.agent(v)
    if not ca:
        return None
    found = None
    for a, b in split_sentences(evidence):
        sent = Text(evidence[a:b], v)
        ea = sent.agent(v)
        if ea is None or ca not in sent.parties() or not (c.parties() & sent.parties() - {ca}):
            continue
        if len(c.content & sent.content) < ROLE_OVERLAP * len(c.content):
            continue  # another action by the same parties, not this one told the other way round
        if _kept_wording(c, sent) < SWAP_WORDING:
            continue  # a restructured sentence: who acts in it needs a parser these rules are not
        if ea == ca:
            return None
        if ea in c.parties():
            found = (ca, ea)
    return found


def _context(t: Text, stems: set[str], skip: set[str], width: int = 2) -> set[str]:
    """Content stems within ``width`` tokens of the words in ``stems``."""
    out = set()
    for k, s in enumerate(t.stems):
        if s in stems:
            out.update(x for x in t.stems[max(0, k - width):k + width + 1] if x in t.content and x not in skip)
    return out


def _same_object(c: Text, in_c: set[str], e: Text, in_e: set[str], skip: set[str]) -> bool:
    """Opposite words far apart in the two texts are about different things ('approved widening X' / 'block Y'):
    a direction conflict needs a content word shared near both."""
    return bool(_context(c, in_c, skip) & _context(e, in_e, skip))


_NEGATING_PREFIXES = ("un", "non", "in", "im", "ir", "il", "dis")


def _negating_affix(t: str) -> str | None:
    """The stem a word negates by its prefix or its suffix -less ("unresolved": 'resolv', "meaningless": 'mean')."""
    word = stemmer().stemWord
    if t.endswith("less") and len(t) > 7:
        return word(t[:-4])
    p = next((p for p in _NEGATING_PREFIXES if t.startswith(p) and len(t) > len(p) + 3), None)
    return word(t[len(p):].lstrip("-")) if p else None


def _reworded_count(b: Text, a: Text, v: Vocabulary) -> int:
    """Negations ``b`` says in words ``a`` does not use: negative-sense words, and words negated by an affix whose
    stem ``a`` holds."""
    theirs = set(a.stems)
    return sum(1 for t, s in zip(b.tokens, b.stems) if (s in v.negative_sense and s not in theirs)
               or (s not in theirs and _negating_affix(t) in a.content))


def _reworded_negation(stem: str, b: Text, a: Text, v: Vocabulary) -> bool:
    """Does ``b`` say the negation ``a`` puts on this word in other words: a word of negative sense near it that
    ``a`` does not use ("is not being made public" / "is being kept confidential"), or the word with a negating
    prefix or the suffix -less ("was not resolved" / "unresolved")? An edit that only adds or drops "not" leaves no such word."""
    theirs = set(a.stems)
    lexical = [k for k, s in enumerate(b.stems) if s in v.negative_sense and s not in theirs and s != stem]
    spots = [k for k, s in enumerate(b.stems) if s == stem]
    if any(abs(k - j) <= REWORDED_NEAR for k in spots for j in lexical):
        return True
    return any(_negating_affix(t) == stem for t in b.tokens)  # "doesn't mean anything" / "meaningless"


def _antonym_flip(stem: str, a: Text, b: Text, v: Vocabulary) -> bool:
    """'did not rise' against 'fell' is a double flip: the rules cannot call that a contradiction."""
    for left, right in v.antonyms:
        for mine, theirs in ((left, right), (right, left)):
            if stem in mine and (b.content & theirs):
                return True
    return False
