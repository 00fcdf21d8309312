"""What a question asks for: its kind, the named speaker, and what a sentence must hold to answer it.

Kinds and the shape of an answer-bearing sentence are data (``data/questions.json``): a
"when" question is answered only by a sentence that holds a date, a "how much" question
by one that holds a figure, "what did X say" by X's own words (X named in the sentence or
the one before it), "why" by a sentence that gives a reason. Other questions (stance,
yes/no, open) keep the scorer's judgement alone.
"""

from __future__ import annotations

import calendar
import itertools
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.dates import parse_day

from .entail import SPELLED_NUMBERS, common_word, party_named, with_decimals
from .scoring import content_words, spelled_out, years_in, years_meant

DATA = Path(__file__).with_name("data") / "questions.json"
_GENERIC_NAME_WORDS = {"the", "japan's", "u.s.", "president", "minister", "secretary", "chairman", "official", "officials",
                       "spokesman", "representative", "trade", "prime", "finance", "agriculture", "commerce", "senator",
                       "governor", "director", "general", "deputy", "chief", "executive", "of", "de", "van", "von", "mr", "mrs"}
_TITLE_LEADS = {"under", "assistant", "vice", "acting", "former", "senior", "state", "foreign", "economics", "economic",
                "treasury", "labour", "labor", "industry", "energy", "defence", "defense", "permanent", "parliamentary", "sir",
                "dr", "dame", "lord", "chancellor", "governor", "president", "chairman", "secretary", "minister", "director"}

_RECENCY = re.compile(r"\b(latest|most recent|recent(ly)?|now|current(ly)?|still|today|changed?|evolv\w*|moved|shift\w*|so far)\b",
                      re.IGNORECASE)


_MONTHS_RE = "|".join(calendar.month_name[1:])
_ACROSS = re.compile(
    r"\baccording to (?:the )?(?:\w+ )?(?:reports|stories|accounts)\b|\b(?:reports|stories) (?:from|of|in|between|published|on|about|"
    r"around|during|covering)\b|"
    r"\bdid (?:the|that|this) (?:figure|estimate|number|forecast|amount|total|share) (?:change|hold|stand)\b|"
    r"\bdifferent (?:figures|estimates|numbers|accounts)\b|\bfirst (?:announced|reported|given|proposed)\b|"
    rf"\bbetween (?:early |mid-?|late )?(?:{_MONTHS_RE})\b.*\band (?:early |mid-?|late )?(?:{_MONTHS_RE})\b|"
    r"\bonce (?:the )?(?:terms|final)\b", re.IGNORECASE)


def across_reports(question: str) -> bool:
    """Does the question ask what several reports said ("according to Reuters reports from April to June", "did that
    figure hold", "between early March and late April")? Then each report's own answer belongs in the answer."""
    return bool(_ACROSS.search(question))


def search_text(question: str) -> str:
    """The question as searched: words naming the reports to read ("according to Reuters reports from April 1987")
    are left out, since every story is a report; the rest, and its dates, stay."""
    text = _rules().source_mention.sub(" ", question)
    text = re.sub(r"[\s,]+([?.])", r"\1", re.sub(r"\s+", " ", text))
    return re.sub(r"([?.])\.", r"\1", text).strip() or question


def wants_recent(question: str) -> bool:
    """Does the question ask for the latest state ("now", "latest", "changed", ...)?"""
    return bool(_RECENCY.search(question))


_SPAN_MONTHS = {w: int(x) for w, x in SPELLED_NUMBERS.items() if 2 <= x <= 12 and x == int(x)}  # "four months": 4
_PERIOD = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)[- ](quarter|qtr|half)\b|\bq([1-4])\b|\bh([12])\b|"
                     rf"\b({'|'.join(_SPAN_MONTHS)}|[2-9]|1[0-2]) (?:months|mths)\b|\b(full|whole|fiscal|calendar)[- ]year\b"
                     r"|\b(?:the|this) year['’]s (?:overall|total)\b", re.IGNORECASE)
REPORTING_PERIOD = _PERIOD  # (read by the conflict check too: "the fourth quarter", "nine mths")
_NOT_FROM_THE_START = re.compile(r"\b(?:remaining|last|next|past|coming|final|latest|following)\s+$", re.IGNORECASE)
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def periods(text: str) -> set[str]:
    """Reporting periods a text names: 'q4', 'h1', '9m', '4m', 'fy' ('fourth quarter', 'first half', 'nine months', 'first
    four months', 'full year')."""
    out = set()
    for m in _PERIOD.finditer(text):
        if m.group(1):
            out.add(("q" if m.group(2).lower() in ("quarter", "qtr") else "h") + str(_ORDINAL[m.group(1).lower()]))
        elif m.group(3) or m.group(4):
            out.add(f"q{m.group(3)}" if m.group(3) else f"h{m.group(4)}")
        elif m.group(5):
            if _NOT_FROM_THE_START.search(text[:m.start()]):
                continue  # "the remaining three months of the year" is no first quarter
            word = m.group(5).lower()
            n = int(word) if word.isdigit() else _SPAN_MONTHS[word]
            out.add("fy" if n == 12 else "h1" if n == 6 else "q1" if n == 3 else f"{n}m")  # ("first four months": 4m)
        else:
            out.add("fy")
    return out


_SECTION = re.compile(r"(?:(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:qtr|quarter|half)|(?:[a-z]+|\d+)\s+(?:mths|months)|"
                      r"(?:full\s+|fiscal\s+)?year|qtr|quarter)\s*(?:\d{4})?", re.IGNORECASE)
_ROW = re.compile(r"\bvs\.?\b", re.IGNORECASE)


def table_section(sentence: str, passage: str) -> set[str]:
    """The period of a results table's section that a row falls under: "Oper shr 1.22 dlrs vs 1.31 dlrs" below a
    "Nine mths" line is a nine-month figure, whatever the headline's quarter ("BRENTON BANKS 3RD QTR OPER NET")."""
    at = passage.find(sentence[:40]) if _ROW.search(sentence) else -1
    for line in reversed(passage[:at].splitlines() if at > 0 else []):
        line = line.strip()
        if _SECTION.fullmatch(line):
            return periods(line) or ({"fy"} if "year" in line.lower() else set())  # (a bare "Qtr": the headline's)
        if line and not _ROW.search(line):
            break  # (the table ends above: a section is only read within it)
    return set()


_MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
                    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?")
_OWN_YEAR = re.compile(r"\b(?:in|for|during) (last|this|next) year\b|\b(last|this|next) year['’]s\b", re.IGNORECASE)


def months(text: str) -> set[str]:
    """Month names in a text (capitalised: 'may' the verb is not May)."""
    return {m.group(1)[:3].lower() for m in _MONTH.finditer(text)}


_OWNED = re.compile(r"\b(?:gross (?:national|domestic) product|gnp|gdp|(?:trade |current account |budget )?(?:surplus|deficit)s?|"
                    r"exports|imports|economy|economic growth|reserves|inflation|jobless rate|unemployment)\b", re.IGNORECASE)


_PARTNER = re.compile(r"\b(?:surplus(?:es)?|deficits?|imbalances?|trade|exports?|imports?|shipments?)\s+(?:with|to|from)\s+((?:the\s+)?\S+(?:\s+[A-Z]\S*)?)")


_PAIR = re.compile(r"\b([A-Z][\w.]*)-([A-Z][\w.]*)\s+(?:trade|surplus|deficit|exports?|imports?|shipments?|commerce)\b")
_BETWEEN = re.compile(r"\b(?:trade|commerce|exports?|imports?|shipments?|surplus|deficit)\s+(?:\w+\s+)?between\s+(?:the\s+)?"
                      r"([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)\s+and\s+(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)")
_TRADE_FIGURE = re.compile(r"\b(?:surplus(?:es)?|deficits?|trade|exports?|imports?|shipments?)\b", re.IGNORECASE)


_MIRROR = {"surplus": "deficit", "deficit": "surplus"}
_CURRENCY = re.compile(r"\b(?:U\.S\.|US|Australian|Canadian|Hong Kong|New Zealand|Singapore|Taiwan)\s+(?:dlrs?|dollars?|cents?)\b",
                       re.IGNORECASE)


def _partners_of(sentence: str, before: str) -> set[str]:
    """The parties a trade figure is with: named in the few words after the figure's noun ("surplus of 7.2 billion
    dlrs with the United States") or before it ("Washington ... cutting its trade deficit with the island"), or
    anywhere in the sentence before when this one names no such noun. A currency ("U.S. dlrs") names no partner,
    and a budget deficit is no trade figure."""
    plain = _CURRENCY.sub(" ", sentence)
    nouns = [m for m in _TRADE_FIGURE.finditer(plain) if not re.search(r"budget\s+$", plain[:m.start()], re.IGNORECASE)]
    if not nouns:
        return parties_named(before)
    return set().union(*(parties_named(plain[max(0, m.start() - 100):m.end() + 45]) for m in nouns))


def _side_pattern(name: str) -> str:
    from .verify import alias_groups

    party = party_named(name)
    names = {name.lower()} | next((g for g in alias_groups() if party and party.lower() in g), set())
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def _linked(a: str, b: str, text: str) -> bool:
    """Does the text name the two sides together ("trade between China and Taiwan", "China's trade with Taiwan",
    "Taiwan-China trade"), not only in one list of figures ("South Korea 7.1 billion dlrs, ... and China 2.1 billion")?"""
    join = r"(?:['’]s)?\s*(?:[a-z]+\s+){0,3}?(?:and|with|to|from|-|via)\s+(?:the\s+)?"
    x, y = _side_pattern(a), _side_pattern(b)
    return bool(re.search(rf"\b(?:{x})\b{join}(?:{y})\b|\b(?:{y})\b{join}(?:{x})\b", text, re.IGNORECASE))


def _names_side(name: str, text: str) -> bool:
    """Does the text name this side of a pair ("Sweden": Sweden, Swedish, or another name of its party)?"""
    party = party_named(name)
    names = [name] + ([party] if party else [])
    return any(re.search(rf"\b{re.escape(n.rstrip('.')[:max(4, len(n.rstrip('.')) - 2)])}", text, re.IGNORECASE) for n in names) \
        or bool(party and party in parties_named(text))


def parties_named(text: str) -> set[str]:
    """The parties a text names, by any of their names in the alias file."""
    words = re.findall(r"[A-Za-z][A-Za-z.'’-]*", text)
    out = {party_named(re.sub(r"['’]s?$", "", w)) for w in words}
    out |= {party_named(f"{a} {b}") for a, b in zip(words, words[1:])}
    return {p for p in out if p}


def owners(text: str) -> set[str]:
    """Parties whose economic figure a text names: a party's name just before the measure ("Canada's gross
    national product", "U.S. exports", "the British trade deficit")."""
    out = set()
    for m in _OWNED.finditer(text):
        for word in re.findall(r"[A-Za-z][A-Za-z.'’-]*", text[max(0, m.start() - 25):m.start()])[-2:]:
            party = party_named(re.sub(r"['’]s?$", "", word))
            if party:
                out.add(party)
    return out


_COMPANY = re.compile(r"\b[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*\s+(?:Inc|Corp|Co|Ltd|Plc|PLC|AG|SA|NV|Group)\b")


_THE_QUARTER = re.compile(r"\b(?:the|latest) (?:quarter|qtr)\b", re.IGNORECASE)


def _quarter_reported(published: str | None) -> set[str]:
    """The quarter a company reports on in a story of this date: the last one ended (an October story: q3)."""
    month = int(published[5:7]) if published and published[5:7].isdigit() else None
    return {f"q{(month - 1) // 3 or 4}"} if month else set()


_REPLIED = re.compile(r"\b(?:said|replied|answered|responded|told \w+|added|declared|stated)\s*[:,]?\s*[\"“]")  # the subject's quote
_RELATIVE = re.compile(r"\b(?:who|whom|which|whose|while|when|after)\b|[\"“”]")  # another clause, another subject


@dataclass(frozen=True)
class AskedDate:
    month: int
    year: int | None = None
    day: int | None = None


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DATED = re.compile(r"\b(?:(\d{1,2})\s+)?(January|February|March|April|May|June|July|August|September|October|November|"
                    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?\b)?"
                    r"(?:,?\s+((?:19|20)\d\d))?")


_MONTH_NAMES = {m.lower() for m in calendar.month_name[1:]} | set(_MONTHS) | {"sept"}


def asked_dates(question: str) -> list[AskedDate]:
    """The months (with their day and year when given) a question names: "on April 8, 1987", "in March", "17 April".
    A year named elsewhere in the question dates a month named without one ("in March, ... in 1987")."""
    years = years_in(question)
    only = int(next(iter(years))) if len(years) == 1 else None
    out = []
    for m in _DATED.finditer(question):
        day = m.group(1) or m.group(3)
        out.append(AskedDate(_MONTHS.index(m.group(2)[:3].lower()) + 1, int(m.group(4)) if m.group(4) else only,
                             int(day) if day and 1 <= int(day) <= 31 else None))
    return out


def names_a_figure(question: str) -> bool:
    """Does a question ask for a figure ("how much", or a quantity such as a surplus or imports)? Its month is
    then the figure's period, reported a month or more later, not the day it was published."""
    rules = _rules()
    return any(a.kind == "how-much" for a in analyse_parts(question)) or any(
        re.search(rf"\b{m}s?\b", question, re.IGNORECASE) for m in rules.measures)


@dataclass
class Ask:
    kind: str  # when | how-much | who-said | why | yes-no | open
    asks: str  # what is asked, in words: "when", "the figure", "what Yeutter said"
    speaker: str | None = None
    bearing: re.Pattern | None = None
    unit: str | None = None  # the unit the question names ("tonnes", "percent", "money")
    periods: dict = field(default_factory=dict)  # reporting periods, months, years the question names
    entities: set = field(default_factory=set)  # names in the question ("Northrop", "Sweden"): the answer is about one of them
    runs: list = field(default_factory=list)  # the names of several words the question gives, by their telling words: the story names one
    acronyms: set = field(default_factory=set)  # a why question's: the initials of those names ("ACT" for Applied Circuit
    # Technology), which a story may name it by
    words: set = field(default_factory=set)  # the question's content words (a yes/no answer must be about the same event)
    duration: bool = False  # "how long": a span of time is the answer, not noise around a figure
    primary: str | None = None  # the first name in the question ("Exxon"): a figure's sentence, the one before or the headline names it
    primary_name: tuple = ()  # a figure's: the whole name the first name opens ("Shell Canada")
    primary_kin: set = field(default_factory=set)  # for a date, the other words of its name ("Chinese National Federation":
    # "federation"; a figure's sentence must name the first)
    others: set = field(default_factory=set)  # for a date, the question's other names ("Trail", "Kimberley"): a sentence
    # naming two of them is about what was asked even when it does not name the first ("United Steelworkers")
    measures: list = field(default_factory=list)  # quantities the question names ("dividend"): a figure must be one of them
    outcome: bool = False  # "what did X actually ...": a promise, plan or forecast does not answer
    forecast: bool = False  # "what did X predict ...": only words that look ahead answer
    done: bool = False  # "when did the Senate pass it?": a sentence about what is still to come does not answer
    topic: set = field(default_factory=set)  # a who-said question's subject words: the quote must touch one
    owners: set = field(default_factory=set)  # whose figure is asked ("U.S. gross national product"): not another party's
    partners: set = field(default_factory=set)  # the other side of a trade figure ("surplus with the U.S."): named in the answer
    forecast_for: set = field(default_factory=set)  # whom an estimate is for ("forecast for Halliburton"): not another's
    forecaster: set = field(default_factory=set)  # whose estimate is asked ("did analyst Maryann Keller forecast"): named with it
    actor: str | None = None  # the party doing what is asked ("how much did France reschedule"): not another party's figure
    counted: str | None = None  # what "how many" counts ("how many ships"): the figure must count it
    pair: set = field(default_factory=set)  # both sides of "China-Sweden trade": the figure's sentence names both
    between: bool = False  # the pair was asked as "between X and Y": a sentence must name them together
    given: set = field(default_factory=set)  # figures the question itself states ("its 6.9 pct stake"): no answer
    paid: bool = False  # "what price did Ericsson agree to pay": the figure is a deal's (not the company's sales)
    parties: set = field(default_factory=set)  # the parties the question names ("New York" names the United States)
    qualifiers: list = field(default_factory=list)  # (the asked word, its contrasting words): "southwest" excludes "southeast"

    def speaker_words(self) -> list[str]:
        """The words of the speaker's name that identify them (surnames, not titles)."""
        if not self.speaker:
            return []
        pieces = re.split(r"\s+(?:of|at|from)(?:\s+the)?\s+", self.speaker)  # "Richard O'Brien of American Express": O'Brien
        name = pieces[0]
        if len(pieces) >= 2 and all(w.lower() in _GENERIC_NAME_WORDS | _TITLE_LEADS for w in name.split()):
            name = pieces[-1]  # "Under Secretary of State Michael Armacost", "Chancellor of the Exchequer Nigel Lawson":
            # the title comes first
        words = [w.strip(".,'’").lower() for w in name.split()]
        words = [w.removesuffix("'s") for w in words if w and len(w) > 2]
        run = list(itertools.takewhile(lambda w: w not in _GENERIC_NAME_WORDS | _TITLE_LEADS, reversed(words)))[::-1]  # after the titles
        # a three-word name may lead with the family name ("Rha Woong Bae" is "Rha" in the story)
        return [run[-1], run[0]] if len(run) >= 3 else run[-1:] if run else words[-1:]

    @property
    def specific(self) -> bool:
        """Does this part ask for something a sentence must hold (a date, a figure, words, a decision)?"""
        return self.kind != "open" or self.bearing is not None

    def bears(self, sentence: str, before: str = "", published: str | None = None, title: str = "", passage: str = "",
              preceding: str = "") -> bool:
        """Does this sentence hold what is asked (``before``: the sentence preceding it, for "he said";
        ``published``: its story's date, to read "last year"; ``title``: the headline and ``passage`` the text
        around the sentence, which name whom it is about; ``preceding``: the story's text before the passage, for
        the month "in the month" means)?"""
        rules = _rules()
        if rules.unknown.search(sentence):
            return False  # "It was not known how Nakasone responded": no answer, the sources do not report it
        if self.kind == "who-said":
            if self.forecast and not (rules.not_an_outcome.search(sentence) or _LOOKS_AHEAD.search(sentence)):
                return False  # "builders are saying 'let's do it now'" is no prediction
            return self._speaks(sentence, before, rules) and self._on_topic(sentence, before)
        story = _name_words(" ".join((sentence, before, title, passage)))
        if self.entities and not self.entities & story:
            return False  # a figure or date about someone else
        if self.runs and not any(run & story for run in self.runs) and not self.acronyms & set(
                re.findall(r"\b[A-Z]{2,}\b", " ".join((sentence, before, title, passage)))):
            return False  # nor does one about the Soviet Union's exports to the U.S. answer one about the Wine Institute's
        near = " ".join((sentence, before, title))
        primary = {self.primary, self.primary + "s"} if self.primary else set()  # ("Colombians" do name the Colombian)
        if primary and not (primary | self.primary_kin) & _name_words(near) and not spelled_out(self.primary, near) \
                and not _people_of(self.primary, near) and len(self.others & _name_words(sentence)) < 2:
            return False  # Conoco's figure does not answer a question about Exxon
        if primary and not primary & _name_words(sentence) and not spelled_out(self.primary, sentence) and _COMPANY.search(sentence):
            return False  # nor does it when a sentence about Exxon came before: the sentence names its own company
        if len(self.primary_name) > 1 and _another_bearer(self.primary_name, near):
            return False  # Shell Francaise's net profit does not answer a question about Shell Canada's earnings
        if self.outcome and rules.not_an_outcome.search(sentence):
            return False  # what was promised or forecast is not what happened
        if self.done and rules.to_come.search(sentence):
            return False  # "is due to lose its authority in 1989" does not say when the Senate passed the bill
        if self.kind == "yes-no":
            shared = len(self.words & content_words(sentence)) / len(self.words) if self.words else 1.0
            return shared >= 0.5 and not rules.hedged.search(sentence)
        if self.qualifiers and self.kind in ("how-much", "when"):
            words = _qualifier_words(sentence)
            if any(words & others and not words & asked for asked, others in self.qualifiers):
                return False  # southeast Manitoba's seeding does not answer a question about the southwest's
        if self.kind == "when" and self.periods.get("years") and not years_in(sentence) and not months(sentence.title()):
            said = years_meant(sentence, published)  # (a sentence dated only by "last year")
            if said and not said & self.periods["years"]:
                return False  # "Last year its members bought ..." does not say in which month of 1987 the mission goes
        if self.kind == "how-much":
            return self._holds_the_figure(sentence, published, rules, title, before, f"{preceding}\n{passage}")
        if self.bearing is None:
            return True
        return bool(self.bearing.search(sentence))

    def _speaks(self, sentence: str, before: str, rules) -> bool:
        """The named speaker's own words: the name close to a verb of saying (not 'talks with X'), or 'he said' after a sentence naming them."""
        names = self.speaker_words()
        if not names:
            return True
        low, prev = sentence.lower(), before.lower()
        words = re.findall(r"[\w'’.-]+|[\"“”]", low)
        cased = re.findall(r"[\w'’.-]+|[\"“”]", sentence)
        whole = {w.strip(".,'’").lower() for w in (self.speaker or "").split()}
        for i, w in enumerate(words):
            if re.search(r"['’]s?$", w):
                continue  # "Lawson's forecast ..., Wroblewski said": the possessor is not the one speaking
            if w.strip(".'’") != names[0] and len(cased) == len(words) and i + 1 < len(words) and \
                    cased[i + 1][:1].isupper() and words[i + 1].strip(".,'’") not in whole:
                continue  # "Karl Thomas" is not Karl Otto Poehl: a first name before another surname
            if w.strip(".'’") in names:
                window = " ".join(words[max(0, i - 7): i + 16])  # ("said Amsterdam's financial alderman Walter Etty")
                if rules.speech.search(window):
                    return True
                # the sentence's subject, however long its clause: "Armacost, ..., was asked ... and replied: "...""
                replied = _REPLIED.search(" ".join(words[i + 1:])) if i <= 2 else None
                if replied and not _RELATIVE.search(" ".join(words[i + 1:])[:replied.start()]):
                    return True
        return bool(re.search(r"\b(?:he|she|they)\s+(?:said|told|added|says|expects|expected|predicted|predicts|forecast|"
                              r"believes|believed|warned|urged|argued|noted|stressed|estimated)\b|\bsaid\s+(?:he|she)\b", low)) and any(
            re.search(rf"\b{re.escape(n)}\b", prev) for n in names)

    def _on_topic(self, sentence: str, before: str) -> bool:
        """A quote of the named speaker about what was asked: it shares a word with the question's subject."""
        return not self.topic or bool(self.topic & content_words(f"{before} {sentence}"))

    def _names_actor(self, text: str) -> bool:
        from .verify import name_found

        return name_found(self.actor, text.lower()) or spelled_out(self.actor.lower(), text)

    def _holds_the_figure(self, sentence: str, published: str | None, rules, title: str = "", before: str = "", passage: str = "") -> bool:
        """A figure that is not a date, in the unit asked for, of the quantity asked for, for the period asked about
        (a sentence that names no period or month is read with its headline's: "NORTHROP 3RD QTR NET")."""
        if self.unit and not rules.units[self.unit][1].search(sentence):
            return False
        asked = set(self.measures) | {_MIRROR[m] for m in self.measures if m in _MIRROR and (self.partners or self.pair)}
        # (one side's surplus with another is the other's deficit with it: a country's own deficit is no surplus)
        if asked and not any(rules.measures[m].search(f"{before} {sentence}") for m in asked):
            return False  # car sales do not answer a question about the dividend
        if asked and not any(rules.measures[m].search(sentence) for m in asked) and any(
                rx.search(sentence) for m, rx in rules.measures.items() if m not in asked):
            return False  # nor does a sentence giving its own other quantity after one about the dividend
        plain = rules.dates.sub(" ", sentence)
        if not self.duration:
            plain = rules.durations.sub(" ", plain)
        for n in self.given:  # the question's own figures are not the one asked for ("its 6.9 pct stake": the price?)
            plain = re.sub(rf"\b{n}\b" if n.isalpha() else rf"(?<![\d.,]){re.escape(n)}(?![\d.,]*\d)", " ", plain,
                           flags=re.IGNORECASE)
        if not self.bearing.search(plain):
            return False
        if self.paid and not _DEAL_PRICE.search(sentence):
            return False  # "annual sales of 800 mln crowns" is no price paid
        if self.counted and not _counts(self.counted, plain):
            return False  # "2.20 stg per share" does not say how many shares were sold
        if self.counted and not any(not _SHARE_AFTER.match(plain, m.end()) for m in _A_NUMBER.finditer(plain)):
            return False  # nor does "rose 31 pct over January's": a change in percent is no count
        if self.actor and not self._names_actor(" ".join((sentence, before, title))) and _name_words(sentence) - self.entities:
            return False  # West Germany's rescheduling does not answer how much France rescheduled
        if self.actor and party_named(self.actor) and not self._names_actor(sentence) and \
                parties_named(sentence) - {party_named(self.actor)} - self.parties:
            return False  # Japan's beef quota does not answer how much beef South Korea agreed to import
        if self.pair and not all(_names_side(side, f"{before} {sentence}") for side in self.pair):
            return False  # China-Taiwan trade does not answer a question about China-Sweden trade
        if self.pair and self.between and not _linked(*sorted(self.pair), sentence):
            return False  # nor do U.S. deficits "with South Korea 7.1 billion dlrs, ... and China" trade between the two
        if self.partners and not self.partners & _partners_of(sentence, before):
            return False  # a surplus with the world does not answer a question about the surplus with the U.S.
        if self.forecaster and not self.forecaster & _name_words(f"{before} {sentence}"):
            return False  # another analyst's estimate does not answer what Keller forecast
        said_for = _estimated_for(sentence)
        if self.forecast_for and said_for and not self.forecast_for & said_for and not self.forecast_for & _name_words(sentence):
            return False  # an analyst's estimate for Schlumberger does not answer what he forecast for Halliburton
        said_o = owners(sentence)
        if self.owners and said_o and not self.owners & said_o:
            return False  # Canada's gross national product does not answer a question about the U.S.'s
        asked_q, asked_m, asked_y = self.periods.get("periods"), self.periods.get("months"), self.periods.get("years")
        # (a headline that forecasts, "General Mills sees strong 4th qtr", names the period of its forecast, not of
        # the figures reported under it)
        headline = "" if rules.not_an_outcome.search(title) else title
        said_q, said_m = periods(sentence) or table_section(sentence, passage) or periods(headline), months(sentence) or months(headline)
        own = _DUE_YEAR.sub(" ", _SINCE_YEAR.sub(" ", sentence))  # "its first surplus since 1974", "debentures due 2017":
        # no year of the figure
        said_y = {int(y) for y in years_in(own)}
        if not said_y and (_OWN_YEAR.search(own) or not (said_m or periods(sentence))):
            said_y = years_meant(own, published)  # 'last year' dates a figure when nothing else does, or when it is the figure's own year ("in last year's first quarter")
        if not said_y and not said_m and not periods(sentence):
            said_y = {int(y) for y in years_in(headline)}  # (a results table's row: "TBG HOLDINGS 1986 YEAR NET")
        if said_y and not _OWN_YEAR.search(own):  # "629.7 mln in February, against 723.2 mln in February 1986" in a March 1987 story: February is 1987's
            said_y |= _bare_month_years(own, published)
        if asked_q and not said_q and _THE_QUARTER.search(sentence):
            said_q = _quarter_reported(published)  # "profit for the quarter" in an October story: the third
        if asked_q and said_q and not asked_q & said_q:
            return False  # the third quarter's profit does not answer a question about the fourth
        if asked_q and not said_q and any(_months_figure(m).search(sentence) for m in asked):
            return False  # nor does "Brazil's September trade surplus" one about the full year's
        if asked_m and said_m and not asked_m & said_m:
            return False
        if asked_m and not asked_q and not said_m and not months(before) and not _reported_after(asked_m, published):
            return False  # a sentence naming no month, in a June story, gives no October figure
        if asked_m and not said_m and _THE_MONTH.search(sentence):
            meant = _last_month(passage, sentence) or months(before)
            if meant and not asked_m & meant:
                return False  # "3.2 billion in the month", four sentences after "in February": no March figure
        if asked_y and said_y and not asked_y & (said_y | {int(y) for y in years_in(sentence)}):
            return False  # (a year compared with may be asked for: "7.2 billion in 1986, against 4.1 billion in 1985")
        return True


_MONTH_WITH_YEAR = re.compile(r",?\s*(?:\d{1,2},?\s+)?(?:19|20)\d\d\b")


def _bare_month_years(sentence: str, published: str | None) -> set[int]:
    """The years of the months a sentence names without a year, read from its story's date: the latest such month
    on or before it ("in February" in a March 1987 story is February 1987, "in December" is December 1986)."""
    day = parse_day(published) if published else None
    if day is None:
        return set()
    out = set()
    for m in _MONTH.finditer(sentence):
        if _MONTH_WITH_YEAR.match(sentence, m.end()):
            continue
        month = _MONTH_NUMBER.get(m.group(1)[:3].lower())
        if month:
            out.add(day.year if month <= day.month else day.year - 1)
    return out


_MONTH_NUMBER = {calendar.month_abbr[k].lower(): k for k in range(1, 13)}
_THE_MONTH = re.compile(r"\b(?:in|for|during|over) (?:the|that) (?:same )?month\b|\b(?:that|the same) month['’]s\b", re.IGNORECASE)
def _last_month(passage: str, sentence: str) -> set[str]:
    """The month the passage names last before this sentence ("... in February. ... 3.2 billion in the month.")."""
    at = passage.find(sentence)
    found = list(_MONTH.finditer(passage[:at])) if at > 0 else []
    return {found[-1].group(1)[:3].lower()} if found else set()


def _reported_after(asked_months: set[str], published: str | None) -> bool:
    """Could a story of this date report, without naming it, a figure of one of these months (published in that
    month or the two after it)? Undated stories could."""
    if not published or not published[5:7].isdigit():
        return True
    month = int(published[5:7]) - 1
    return any(_MONTHS[(month - back) % 12] in asked_months for back in range(3))


@lru_cache(maxsize=None)
def _months_figure(measure: str) -> re.Pattern:
    """A month's figure of the quantity: "September trade surplus", "March's exports", "the deficit for February"."""
    quantity = _rules().measures[measure].pattern
    return re.compile(rf"\b{_MONTH.pattern}(?:['’]s)? (?:[\w-]+ ){{0,2}}?(?:{quantity})|(?:{quantity})\s+(?:for|in) {_MONTH.pattern}")


_SINCE_YEAR = re.compile(r"\b(?:since|from)\s+(?:at least\s+|early\s+|late\s+|mid-?)?(?:19|20)\d\d\b"
                         # the figure compared with, to the end of its clause ("... from 15.73 billion in January and
                         # 12.23 billion in February 1986", "against 4.1 billion in 1985", "following an 80 mln surplus in
                         # January and a 614 mln surplus in February 1986")
                         r"|\b(?:from|against|compared with|compared to|versus|vs\.?|following|after)\s+(?:a |an )?[$£¥]?\d(?:[^,;]|,(?=\d))*",  # (a comma inside "386,000" ends no clause)
                         re.IGNORECASE)


_DUE_YEAR = re.compile(r"\b(?:due|matur(?:e|es|ing|ity)|expir(?:e|es|ing))(?:\s+(?:in|on))?\s+(?:[A-Z][a-z]+\.?\s+(?:\d{1,2},?\s+)?)?"
                       r"(?:19|20)\d\d\b")  # a bond's maturity, an option's expiry


# "did France reschedule": the name after the auxiliary, unless a verb of saying or expecting follows it ("did Iraq say":
# a speaker is no actor)
_ACTOR = re.compile(r"\b(?:did|does|do|will|would|has|have|had|could|can)\s+(?:the\s+)?([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?)\s+"
                    r"(?!(?:say|tell|expect|forecast|predict|estimate|report|project|see|think|believe|claim|announce)\b)[a-z]")


def _actor(question: str) -> str | None:
    """Who a figure question says acted ("How much of its debt did France reschedule?" -> France), if named; a
    people's name describing the one named after it is no actor ("did British financial services group MAI Plc
    report": MAI Plc)."""
    m = _ACTOR.search(question)
    if not m:
        return None
    if _DEMONYM.fullmatch(m.group(1)):
        named = _DESCRIBED.match(question, m.end(1))
        if named:
            return named.group(1)
    return m.group(1).removesuffix("'s").removesuffix("’s")


_DEMONYM = re.compile(r"[A-Z][a-z]+(?:ish|ese|ian|ican|ean|ch|ss|ek)")  # British, Japanese, Canadian, Korean, Dutch, Swiss
_DESCRIBED = re.compile(r"(?:\s+(?!(?:to|the|a|an|in|on|of|for|from|with|by|at|into)\b)[a-z&-]+){1,6}\s+([A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*)*)\s+[a-z]")


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _counted(question: str) -> str | None:
    """What "how many" counts: the first plain word after it ("How many Ultramar shares" -> share)."""
    m = re.search(r"\b[Hh]ow many\s+((?:[A-Z][\w.'’-]*\s+)*)([a-z]+)", question)
    if not m:
        return None
    word = m.group(2)
    if word in _AUXILIARIES:
        return None  # "how many did they export?" counts what the question before it did
    return _singular(word)


_AUXILIARIES = {"did", "do", "does", "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could",
                "should", "might", "may", "of"}


_A_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                       r"thirty|forty|fifty|hundred|thousand|dozen)\b", re.IGNORECASE)
_SHARE_AFTER = re.compile(r"\s*(?:pct|percent|per cent|%|percentage points?|points?)\b", re.IGNORECASE)


_ESTIMATE_FOR = re.compile(r"\b(?:forecasts?|forecast(?:ed|ing)?|estimates?|estimated?|estimating|projects?|projected|predicts?|"
                           r"predicted|expects?|expected|sees|saw)\b(?:\s+[\w.'’-]+){0,5}?\s+for\s+((?:[A-Z][\w&.'’-]*\s*)+)")


_FORECASTER = re.compile(r"\b(?:did|does|do)\s+(?:[a-z-]+\s+){0,3}([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)\s+"
                         r"(?:forecast|estimate|project|predict|expect|see)\b")


def _estimated_for(text: str) -> set[str]:
    """Whom an estimate is for ("estimates earnings per share for Schlumberger at 25 cts": schlumberger), read
    from a verb of estimating; months and years are no one."""
    out = set()
    for m in _ESTIMATE_FOR.finditer(text):
        name = m.group(1).split()[0].strip(".,'’").lower()
        if name and not _MONTH.fullmatch(m.group(1).split()[0].strip(".,")) and name not in ("the", "this", "next", "last", "fiscal"):
            out.add(name)
    return out


def _counts(noun: str, sentence: str) -> bool:
    """Does the sentence speak of the counted thing ("39 ships", "passenger car sales rose to 79,249"), or of one
    counted alike ("220 men" for soldiers), not only price it ("2.20 stg per share")?"""
    alike = next((g for g in _rules().counted_alike if noun in g or noun + "s" in g), {noun})
    words = "|".join(re.escape(_singular(w)) for w in sorted(alike | {noun}))
    return bool(re.search(rf"(?<!per )(?<!each )(?<!a )\b(?:{words})(?:s|es)?\b", sentence, re.IGNORECASE))


@dataclass(frozen=True)
class _Rules:
    kinds: list
    bearing: dict
    hedged: re.Pattern
    speech: re.Pattern
    units: dict  # name -> (question pattern, figure pattern)
    dates: re.Pattern
    durations: re.Pattern
    measures: dict  # name -> what a sentence about it says
    outcome: re.Pattern
    not_an_outcome: re.Pattern
    done_when: re.Pattern  # "when did the Senate pass ...": asks when something happened
    done_what: re.Pattern  # "what came of the proposal?": asks what happened
    decided: re.Pattern  # "ruled", "picked", "agreed": a sentence saying what a body decided
    to_come: re.Pattern  # "will", "is due to", "wants": what has not happened yet
    penalty_question: re.Pattern  # "what prison sentence did he receive?": asks for a penalty handed down
    penalised: re.Pattern  # "was sentenced", "fined": a sentence saying one was
    continues: re.Pattern
    continued_by: frozenset
    counted_alike: list  # sets of nouns one "how many" question may count under another's name
    unknown: re.Pattern  # "it was not known how ...", "terms were not disclosed": the asked thing is not reported
    unknown_described: re.Pattern  # "unspecified Japanese electrical goods": the things described are not reported
    source_mention: re.Pattern  # "according to Reuters reports from April 1987": which reports, not what they say
    contrasts: list  # sets of words that exclude each other ("southwest", "southeast")


@lru_cache(maxsize=1)
def rules_data() -> dict:
    """``data/questions.json`` as read (once): the question rules, and the words other readers of it use."""
    return json.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = rules_data()
    kinds = [(k["kind"], re.compile(k["pattern"], re.IGNORECASE if k["kind"] != "who-said" else 0), k["asks"])
             for k in data["kinds"]]
    ic = re.IGNORECASE
    return _Rules(kinds, {name: re.compile(rx, ic) for name, rx in data["bearing"].items()}, re.compile(data["hedged"], ic),
                  re.compile(data["speech"], ic), {n: (re.compile(u["question"], ic), re.compile(u["figure"], ic)) for n, u in data["units"].items()},
                  re.compile(data["dates"], ic), re.compile(data["durations"], ic),
                  {m: re.compile(rx, ic) for m, rx in data["measures"].items()},
                  re.compile(data["outcome"]["question"], ic), re.compile(data["outcome"]["not_an_outcome"], ic),
                  re.compile(data["outcome"]["done_when"], ic), re.compile(data["outcome"]["done_what"], ic), re.compile(data["outcome"]["decided"], ic),
                  re.compile(data["outcome"]["to_come"], ic), re.compile(data["outcome"]["penalty_question"], ic),
                  re.compile(data["outcome"]["penalised"], ic),
                  re.compile(data["continues"], ic), frozenset(data["continued_by"]),
                  [set(group) for group in data.get("counted_alike", [])], re.compile(data["unknown"], ic),
                  re.compile(data["unknown_described"], ic), re.compile(data["source_mention"], ic),
                  [set(group) for group in data.get("contrasts", [])])


def unspecified(sentence: str, question: str) -> bool:
    """Does the sentence call unspecified what the question asks about ("tariffs on a range of unspecified Japanese
    electrical goods" for "which Japanese electrical products did the EC target?")?"""
    described = _rules().unknown_described.search(sentence)
    return bool(described and _asked_words(question) & content_words(described.group(1)))


def _asked_words(question: str) -> set[str]:
    """The question's content words that are not names."""
    return content_words(question) - {w.lower() for w in re.findall(r"\b[A-Z][\w'’.-]*", question)}


def unknown(sentence: str, question: str) -> bool:
    """Does the sentence say that what the question asks is not known or not disclosed ("It was not known how
    Nakasone responded to the suggestion" for "How did Nakasone respond to ...?")? The words after the phrase
    must share one with the question that is not a name ("terms were not disclosed" says nothing of a date); a thing
    the sentence calls unspecified must be what the question asks about ("unspecified Japanese electrical goods")."""
    if unspecified(sentence, question):
        return True
    m = _rules().unknown.search(sentence)
    if not m:
        return False
    asked = _asked_words(question)
    clause = _CLAUSE_BREAK.split(sentence[m.start():])[0]  # ("has not disclosed the terms, but ... the sale price ...")
    return bool(asked & content_words(clause))


_CLAUSE_BREAK = re.compile(r",\s*(?:but|while|although|though|and|whereas)\b|;|\bbut\b|\band\s+(?:has\s+|have\s+|had\s+)?(?:\w+ed|said|named)\b")
# ("sold 1,800,000 shares for undisclosed terms and resigned as chairman": the chairman is not what is undisclosed)


def continues(sentence: str, asks: list[Ask]) -> bool:
    """Does this sentence carry on the one before it ("He added ...", '..., he said.'), for a question
    whose answer may run on (what someone said, a stance, a reason)?"""
    rules = _rules()
    return any(a.kind in rules.continued_by for a in asks) and bool(rules.continues.search(sentence))


_PART_SPLIT = re.compile(r"(?:[,;]\s*|\s+)and\s+(?=(?:(?:by|in|on|at|for|from|to|with|until|since)\s+)?"
                         r"(?:what|how|when|why|who|which|whether|did|does|do|is|was|were|has|had)\b)|;\s*|\?\s+(?=\S)",
                         re.IGNORECASE)


_NOT_NAMES = {"u.s.", "us", "u.s", "usa", "the", "what", "how", "when", "did", "does", "was", "were", "is", "are", "by", "and", "in", "on",
              "of", "for", "a", "an", "under", "after", "before", "during", "from", "to", "with", "at", "which", "who", "why", "has", "had",
              "will", "would", "mr", "mrs", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
              "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "reuters", "inc", "corp", "co", "ltd"}


_SENTENCE_START = re.compile(r"[a-z0-9)][.?!]\s+$")


def _name_words(text: str, question_names: bool = False) -> set[str]:
    """Lower-cased capitalised words (names) of a question, or every word of a sentence to look them up in."""
    if not question_names:  # ("Decline Moderates--Usda": a dash of two hyphens parts words)
        return {w.strip(".").lower().removesuffix("'s").removesuffix("’s") for w in re.findall(r"[\w'’.-]+", text.replace("--", " "))}
    # (a word opening the question or one of its sentences is capitalised as such: "... big Treasury trades. Roughly
    # when was ...")
    words = [m.group() for m in re.finditer(r"[\w'’.-]+", text)
             if not (_SENTENCE_START.search(text, 0, m.start()) and common_word(m.group()))]
    names = {w.strip(".").removesuffix("'s").removesuffix("’s").lower() for i, w in enumerate(words) if i > 0 and w[:1].isupper()}
    return {n for n in names if n not in _NOT_NAMES and len(n) > 1 and not n.isdigit()}


_TITLES = {"senator", "sen", "congressman", "congresswoman", "chancellor", "ambassador", "commissioner", "king", "queen",
           "premier", "mayor", "judge", "lord", "sir", "dame", "general", "admiral", "pope", "sheikh", "prince", "emir",
           "treasurer", "economist", "analyst", "exchequer", "house", "committee", "council", "ministry", "department",
           "bank", "central", "federal", "reserve", "board", "office", "agency", "association", "union", "community"}


def _describes(name: str, text: str) -> bool:
    """Is ``name`` a people's name describing a company in ``text`` ("the Belgian zinc group")? A
    company is known by its own name; an official by his country ("the Danish farm minister" is not the Belgian)."""
    return bool(re.fullmatch(r"[a-z]+(?:ian|ese|ish|ch|an)", name) and re.search(
        rf"\b(?i:{name})(?: [a-z]+){{0,2}} {_COMPANY_NOUNS}\b", text))


_COMPANY_NOUNS = r"(?:group|company|firm|maker|makers|producer|producers|concern|bank|insurer|carrier|airline|utility)"


def _people_of(name: str, text: str) -> bool:
    """Is the country ``name`` named in ``text`` by its people's name ("Denmark" / "Danish crops")?"""
    from .verify import named_in_group, people_groups

    return named_in_group(name, text.lower(), people_groups())


# words naming what kind of body a name is ("Osaka University"): another university's story does not name this one
_INSTITUTION_WORDS = {"university", "college", "institute", "school", "hospital", "association", "federation", "council",
                      "committee", "commission", "board", "agency", "authority", "ministry", "department", "exchange",
                      "corporation", "company", "group", "holdings", "industries", "international", "bank", "trust", "fund"}


def name_runs(question: str, names: set[str] | None = None) -> list[frozenset[str]]:
    """The question's names of two or more capitalised words that are no party's ("Wine Institute", "Kalgoorlie Mining
    Associates"), each as its telling words (not titles, institutions or generic words): a story about one of them
    names it by one of those words."""
    names = _name_words(question, question_names=True) if names is None else names
    out = []
    for run in re.findall(r"[A-Z][\w'’.-]*(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][\w'’.-]*)+", question):
        if party_named(run) or parties_named(run):
            continue
        words = {w.lower().strip(".,?").removesuffix("'s").removesuffix("’s") for w in run.split()}
        telling = frozenset(w for w in words & names if len(w) >= 3 and w.isalpha() and w not in _GENERIC_NAME_WORDS
                            | _INSTITUTION_WORDS | _TITLES | _TITLE_LEADS and not party_named(w) and w[:3] not in _MONTHS)
        if telling:
            out.append(telling)
    return out


def absent_names(question: str, passages) -> list[str]:
    """The question's names (capitalised words of four letters or more, not a party's) that no passage names, in its
    title or text, nor writes out as an acronym: the question is about something the retrieved stories are not."""
    acronyms = {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", question)}  # (often written out: USMCA)
    words = [re.sub(r"(?:['’]s)?[,.?;:]*$", "", w) for w in question.split()]
    in_parties = {w.lower() for p in parties_named(question) for w in re.findall(r"[A-Za-z]+", p)} | {
        w.lower() for a, b in zip(words, words[1:]) if party_named(f"{a} {b}") for w in (a, b)}
    names = [n for n in sorted(_name_words(question, question_names=True)) if len(n) >= 4 and n.isalpha()
             and not party_named(n) and n not in acronyms | in_parties | _GENERIC_NAME_WORDS | _TITLES]
    if not names or not passages:
        return []
    from .verify import name_found

    text = " ".join(f"{p.title or ''} {p.text}" for p in passages)
    named, low = _name_words(text), text.lower()

    def found(n: str) -> bool:  # ('Asian' is found as 'Asia')
        return n in named or any(w.startswith(n) for w in named) or spelled_out(n, text) or name_found(n, low)

    # one name is several capitalised words ("Tsutomu Hata", "Inter-Regional Financial Group"): it is found when
    # one of its telling words is
    runs = [{w.lower().strip(".,?").removesuffix("'s").removesuffix("’s") for w in run.split()}
            for run in re.findall(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*", question)]

    def run_found(n: str) -> bool:
        return any(n in run and any(found(w) for w in run if w not in _GENERIC_NAME_WORDS | _INSTITUTION_WORDS and len(w) >= 4)
                   for run in runs)

    gone = [n for n in names if not found(n) and not run_found(n)]
    if len(gone) < len(names):
        # a people's name describing what another, found name is ("the Belgian zinc group Vieille Montagne") is not
        # what the question is about: a story need not say where its company is from
        gone = [n for n in gone if not _describes(n, question)]
    return [next((re.sub(r"['’]s$", "", w) for w in re.findall(r"[\w'’.-]+", question) if w.lower().strip(".").startswith(n)), n)
            for n in gone]


def _first_name(question: str) -> str | None:
    """The first name a question gives that is no country (its subject, mostly): 'How much did Exxon say ...' -> 'exxon'."""
    from .verify import alias_groups

    names = _name_words(question, question_names=True)
    low = question.lower()
    parties = set().union(*alias_groups())
    parties |= {w for alias in parties if " " in alias and alias in low for w in alias.split()}  # 'united' of 'United States'
    subject = re.split(r",?\s+according to\b", question, flags=re.IGNORECASE)[0]  # (the source named after it is no subject)
    words = re.findall(r"[\w'’.-]+", subject)
    place = False
    for n, w in enumerate(words[1:], 1):
        key = w.strip(".").lower().removesuffix("'s").removesuffix("’s")
        place = w[:1].isupper() and (place or words[n - 1].lower() in ("in", "at", "near"))
        if place:
            continue  # a place the subject is in ("its aluminium plant, in Qinghai province"), not the subject
        if w[:1].isupper() and key in names and not _describes(key, subject) and not any(
                k in parties or k + "." in parties or k in _MONTH_NAMES  # (nor a month: "the January-March quarter")
                for k in key.split("-")):
            return key  # (countries are the entities check's: 'Japanese' and 'Tokyo' name Japan)
    return None


_NAME_RUN = re.compile(r"[A-Z][\w&'’.-]*(?:\s+(?:of|and|for|de|the)?\s*[A-Z][\w&'’.-]*)*")
_CONNECTORS = {"of", "and", "for", "de", "the"}
_COMPANY_SUFFIXES = {"corp", "inc", "co", "ltd", "plc", "group", "company", "holdings", "international", "national", "general",
                     "industries"}


_COMPASS = {"west", "east", "north", "south", "new", "upper", "lower", "central"}  # (West Germany is no company)


def _whole_name(key: str | None, question: str) -> tuple:
    """A company named for the country it works in, opened by the question's first name ("Shell Canada's first-quarter
    earnings" -> ("shell", "canada")): the sentence must not be about a sister company ("Shell Francaise"). Else ()."""
    from .verify import alias_groups, people_groups

    m = re.search(rf"\b{re.escape(key)}\s+([A-Z][a-z]+)(?:['’]s)?\b", question, re.IGNORECASE) if key else None
    if not m or key in _COMPASS:
        return ()
    country = m.group(1).lower()
    known = party_named(country) or any(country in g for g in alias_groups() + people_groups())
    return (key, country) if known else ()


def _another_bearer(name: tuple, text: str) -> bool:
    """Is the name's first word in the text only ever part of another name ("Shell Francaise", "Shell Petroleum NV"
    for a question about Shell Canada)?"""
    runs = [[w.strip(".,'’<>").lower().removesuffix("'s").removesuffix("’s") for w in m.group(0).split()]
            for m in _NAME_RUN.finditer(text)]
    runs = [[w for w in r if w not in _CONNECTORS] for r in runs if name[0] in r]
    return bool(runs) and all(len(r) > 1 and r[:len(name)] != list(name) and not set(name[1:]) <= set(r) for r in runs)


def _name_kin(key: str | None, question: str) -> set[str]:
    """The other words of the name a question's first name belongs to, countries and generic words left out: "Taiwan's
    Chinese National Federation of Industries" -> {"federation"} (its story calls it "the Federation")."""
    from .verify import alias_groups

    if not key:
        return set()
    parties = set().union(*alias_groups())
    for m in _NAME_RUN.finditer(question):
        words = []
        for w in m.group(0).split():  # (a possessive ends a name: "Denmark's State Plant Cultivation Bureau" is two)
            words.append(w.strip(".,'’").lower().removesuffix("'s").removesuffix("’s"))
            if re.search(r"['’]s$", w) and key not in words:
                words = []
            elif re.search(r"['’]s$", w):
                break
        if key in words:
            return {w for w in words if w != key and len(w) > 3 and w not in _CONNECTORS | parties | _GENERIC_NAME_WORDS
                    | _TITLE_LEADS | _COMPANY_SUFFIXES}
    return set()


_SAY = re.compile(r"\b(?:say|tell|think|respond|react|comment)\b", re.IGNORECASE)  # (the present tense of the speech verbs)


def _topic_words(question: str, speaker: str, rules) -> set[str]:
    """What a who-said question asks about: the content words after its verb of saying ("say about Britain's
    trade figures" -> trade, figures; dates and years left out). Empty when the question names no subject."""
    at = question.find(speaker) + len(speaker) if speaker and speaker in question else 0
    verb = rules.speech.search(question, at) or _SAY.search(question, at)
    if not verb:
        return set()
    rest = question[verb.end():]
    about = _ABOUT.search(rest)
    if about and len(content_words(rest[about.end():])) >= 2:
        rest = rest[about.end():]  # "tell the informal GATT meeting about protectionist pressures": the setting is no subject
    words = content_words(rules.dates.sub(" ", rest)) - _AUDIENCE
    return {w.rstrip("'’") for w in words if not w.isdigit() and len(w) > 2}


_ABOUT = re.compile(r"\b(?:about|regarding|concerning|on the subject of)\b", re.IGNORECASE)
_AUDIENCE = content_words("reporters newsmen journalists press conference interview briefing audience television radio")


def parts(question: str) -> list[str]:
    """The parts of a multi-part question ("What was X in February, and what did Y target for the year?")."""
    pieces = [p.strip(" ,;?") for p in _PART_SPLIT.split(question.strip()) if p and p.strip(" ,;?")]
    return [p + "?" for p in pieces if len(p.split()) >= 3] or [question]


def part_context(question: str) -> tuple[str, set[str]]:
    """(the names and years of a question, to search one of its parts with; its names alone)."""
    names = _name_words(question, question_names=True)
    return " ".join(sorted(names | {str(y) for y in years_in(question)})), names


def names_any(names: set[str], text: str) -> bool:
    """Does the text name any of these (lower-cased question names, as ``part_context`` gives them)?"""
    return bool(names & _name_words(text))


def analyse_parts(question: str) -> list[Ask]:
    """One analysis per part; a later part inherits the first part's named periods ("and how much in March?" keeps 1987)."""
    pieces = parts(question)
    asks = [analyse(p) for p in pieces]
    if len(asks) > 1:
        years = next((a.periods.get("years") for a in asks if a.periods.get("years")), None)
        for a in asks:
            if a.kind == "how-much" and years and not a.periods.get("years"):
                a.periods["years"] = years
        for a, p in zip(asks, pieces):
            a.asks = a.asks if a.kind != "open" else f"what was asked in “{p}”"
    return asks


_PRONOUN_ASKED = re.compile(r"\b(?:what|how) (?:did|does|has|had|would|will|do) (he|she)\b", re.I)
_PERSON = re.compile(r"\b((?:Sir |Dr\.? )?[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z'’-]+)+)")


def _first_person(question: str) -> str | None:
    """The first person a question names ("Sir Roy Denman's view"): two or more capitalised words, the last no
    title, institution, party or common word."""
    for m in _PERSON.finditer(question):
        words = m.group(1).removesuffix("'s").removesuffix("’s").split()
        last = words[-1].lower()
        if last in _GENERIC_NAME_WORDS | _INSTITUTION_WORDS | _TITLES or party_named(last) or common_word(last):
            continue
        if party_named(" ".join(words)) or parties_named(" ".join(words)):
            continue
        return " ".join(words)
    return None


def inherit(asks: list[Ask], previous: str, own: str = "") -> list[Ask]:
    """A follow-up's asks with what they leave unsaid taken from the question they follow ("And what was the deficit
    in that quarter?" after one about Australia's fourth quarter: Australia's, the fourth quarter's). ``own``: the
    follow-up as written; one that names a quantity without asking "how much" ("And its operating net for the
    nine months?") asks for a figure all the same."""
    if not previous.strip():
        return asks
    if own and len(asks) == 1 and asks[0].kind == "open" and names_a_figure(own) and not _ASKS_AN_ACT.search(own):
        rules = _rules()
        asks = [_figure_ask(Ask("how-much", "the figure", None, rules.bearing.get("the figure")), own.strip(), rules)]
    before = analyse(previous)
    pronoun = _PRONOUN_ASKED.search(own)
    who = (before.speaker or _first_person(previous)) if pronoun else None
    if who:  # "And what did he have to say about Japan?" after a question about Yeutter: what Yeutter said
        asks = analyse_parts(own[:pronoun.start(1)] + who + own[pronoun.end(1):])
    for a in asks:
        if a.kind in ("why", "open") and not a.entities:
            # ("And what was behind the drop?": Taiwan's drop; not any story's about sugar, a word of "Taiwan Sugar Corp")
            a.entities = {n for n in _name_words(previous, question_names=True) if not common_word(n) and n not in _GENERIC_NAME_WORDS}
        if a.kind not in ("how-much", "when"):
            continue
        a.entities = a.entities or _name_words(previous, question_names=True)
        if not a.primary:
            a.primary, a.primary_kin = before.primary, before.primary_kin
        if not a.primary:
            a.primary = _first_name(previous)
            a.primary_kin = _name_kin(a.primary, previous) if a.kind == "when" else set()
        a.owners = a.owners or before.owners or owners(previous)
        if not any(a.periods.values()) and not _ANOTHER_PERIOD.search(own):
            a.periods = {"periods": periods(previous), "months": months(previous), "years": {int(y) for y in years_in(previous)}}
    return asks


# what someone does or wants done about a quantity is no figure ("what is he pressing Japan to do about its beef quota?")
_ASKS_AN_ACT = re.compile(r"\b(?:to do|do about|doing about|done about)\b", re.IGNORECASE)


# a follow-up asking about another period than the question it follows ("How much had values dropped the year
# before?"): that question's period is not its own
_ANOTHER_PERIOD = re.compile(r"\b(?:the|a) (?:year|quarter|month) (?:before|earlier)\b|\b(?:previous|prior|preceding|last|"
                             r"next|following) (?:year|quarter|month)\b|\b(?:a )?year ago\b", re.IGNORECASE)


_SCENE_SET = re.compile(r"(?<=[a-z0-9)][.!])\s+(?=[A-Z][a-z]*\b[^.!?]*\?\s*$)")


_DECISION = re.compile(r"\b(?:decide|conclude|rule|resolve|vote|agree on|pick|choose|select|award)\b", re.IGNORECASE)


_FORECAST_ASKED = re.compile(r"\b(?:predict|forecast|foresee|project|anticipate)\b", re.IGNORECASE)
_LOOKS_AHEAD = re.compile(r"\b(?:foresee\w*|foresaw|doubts?|doubted|likely|unlikely|outlook|potential|prospects?)\b", re.IGNORECASE)
_LEAD_SOURCE = re.compile(r"^\s*(?:according to|as (?:reported|stated|told) (?:by|to))\b[^?]{3,120}?,\s*"
                          r"(?=(?:how|what|when|who|why|which|on what|in what|did|does|do|is|was|were|are)\b)", re.IGNORECASE)


def analyse(question: str) -> Ask:
    rules = _rules()
    q = question.strip()
    # a question may first set the scene ("GPU declared its first dividend in April 1987. When is it to be paid?"):
    # what it asks is read from its last sentence, what it is about from all of it
    last = _SCENE_SET.split(q)[-1]
    unsourced = _LEAD_SOURCE.sub("", q)  # ("According to Baldrige in late March 1987, on what date were ...")
    for kind, rx, asks in rules.kinds:
        texts = (q, last, unsourced) if kind in ("when", "how-much") else (q, last)  # (a why question so read lost more than
        # it gained on dev: the reason is often in a sentence without a marker, which an open question may quote)
        found = (rx.search(t if kind != "who-said" else t[:1].lower() + t[1:]) for t in dict.fromkeys(texts))
        m = next((f for f in found if f), None)
        if m:
            speaker = m.groupdict().get("speaker")
            ask = Ask(kind, asks.format(speaker=speaker or "the speaker"), speaker, rules.bearing.get(asks))
            ask.outcome = bool(rules.outcome.search(q))
            if kind == "when":
                ask.primary = _first_name(q)
                ask.primary_kin = _name_kin(ask.primary, q)
                ask.others = _name_words(q, question_names=True) - {ask.primary} - ask.primary_kin
                ask.periods = {"years": {int(y) for y in years_in(_REPORT_TIME.sub(" ", q))}}
                ask.done = bool(rules.done_when.search(q))
            if kind == "why":  # another company's reason does not say why Paradise Fruit cut its dividend (the names
                # of the asking clause: "..., just after the Standard and Poor's downgrade" only dates it)
                asking = _MAIN_CLAUSE.split(q)[0]
                ask.runs = name_runs(asking)
                ask.acronyms = {"".join(w[0] for w in run.split()) for run in re.findall(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)+", asking)}
            if kind == "how-much":
                _figure_ask(ask, q, rules)
            if kind == "who-said":
                ask.topic = _topic_words(q, speaker or "", rules)
                ask.forecast = bool(_FORECAST_ASKED.search(q))
            if kind == "yes-no":
                ask.words = content_words(q)
            words = _qualifier_words(q)
            ask.qualifiers = [(words & group, group - words) for group in rules.contrasts if words & group]
            return ask
    penalty = rules.penalty_question.search(q)
    done = bool(penalty or rules.done_what.search(q))  # "what came of the proposal?": what is still to come does not answer
    ask = Ask("open", "the outcome" if done else "the answer")
    ask.done = done
    if penalty:  # "what sentence did he receive?": only a sentence saying one was handed down answers (not the
        # maximum he could face), to the one named
        ask.bearing, ask.outcome = rules.penalised, True
        ask.entities = _name_words(q, question_names=True)  # (in the story: a later sentence names him by surname)
    elif done and _DECISION.search(q):  # "what did the panel rule?": only a sentence saying what was decided answers
        ask.bearing = rules.decided
    return ask


def _qualifier_words(text: str) -> set[str]:
    """A text's words as the contrasts list reads them: lower case, a direction's adjective as the direction."""
    return {re.sub(r"(?<=(?:th|st))ern$", "", w) for w in re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower())}


# where a why question's asking clause ends
_MAIN_CLAUSE = re.compile(r",|\b(?:just |shortly |soon )?(?:after|before|following|when|while|despite|amid)\b")

# a clause after the asking one that only describes what is asked about
_AFTERTHOUGHT = re.compile(r",\s+(?:a move|a step|a decision|which|who|whose)\b")


def _figure_ask(ask: Ask, q: str, rules: _Rules) -> Ask:
    """A figure question's particulars: its subject, the names and quantity it gives, whose figure and with whom,
    the unit, what is counted, who acted, the period (a date's sentence often names no one, a figure's must)."""
    ask.outcome = bool(rules.outcome.search(q))
    q = _CITED_BY.sub("", q) or q  # (who cited a figure, and when, is neither its subject nor its period)
    ask.primary = _first_name(q)
    ask.primary_name = _whole_name(ask.primary, q)
    ask.entities = _name_words(q, question_names=True)
    ask.runs = name_runs(q, ask.entities)
    fractions = with_decimals(rules.dates.sub(" ", q))  # ("its 7-3/4 pct debentures")
    ask.given = {n for n in re.findall(r"\d[\d,]*(?:\.\d+)?", fractions) if not re.fullmatch(r"(?:19|20)\d\d", n)}
    ask.given |= {w for w in re.findall(r"[a-z]+", fractions.lower()) if w in SPELLED_NUMBERS and w not in ("a", "an", "one")}
    asking = _AFTERTHOUGHT.split(q)[0]  # (", a move S&P cited when it affirmed the bank's ratings": no quantity asked)
    ask.measures = [m for m in rules.measures if re.search(rf"\b{_singular(m)}s?\b", asking, re.IGNORECASE)]  # ("export")
    ask.owners = owners(q)
    ask.partners = {p for m in _PARTNER.finditer(q) for p in parties_named(m.group(1))}
    ask.parties = parties_named(q)
    pair = _PAIR.search(q)
    if pair:  # "Brazil-Sweden trade": each side is a name of the question, the first its subject
        ask.pair = {pair.group(1), pair.group(2)}
        ask.entities = (ask.entities - {f"{pair.group(1)}-{pair.group(2)}".lower()}) | {n.lower() for n in ask.pair}
        if ask.primary in (None, f"{pair.group(1)}-{pair.group(2)}".lower()):  # (a country is never the primary name:
            ask.primary = None if party_named(pair.group(1)) else pair.group(1).lower()  # "U.S.-Japan" is the entities')
    between = _BETWEEN.search(q)
    if between and not pair:  # "trade between China and South Korea": each side must be named, the one with the other
        ask.pair, ask.between = {between.group(1), between.group(2)}, True
    asked_unit = re.sub(r"\b\d[\d,]*(?:\.\d+)?\s*(?:%|[a-z]+)?", " ", q)  # ("its 6.9 pct stake": pct is given, not asked)
    ask.unit = next((n for n, (in_q, _) in rules.units.items() if in_q.search(asked_unit)), None)
    ask.duration = bool(re.search(r"\bhow (?:long|many (?:days|weeks|months|years|hours))\b", q, re.I))
    ask.paid = bool(_PAID_ASK.search(q))
    ask.actor = _actor(q)
    ask.counted = None if ask.unit or ask.duration else _counted(q)
    ask.forecast_for = _estimated_for(q)
    who = _FORECASTER.search(q)
    ask.forecaster = _name_words(who.group(1)) if who else set()
    estimated = min(ask.forecast_for, default=None)
    if estimated and not party_named(estimated):
        ask.primary = estimated  # "did analyst Maryann Keller forecast for General Motors": GM's figure
    figure_time = _REPORT_TIME.sub(" ", q)  # (when it was reported is not the figure's period)
    ask.periods = {"periods": periods(figure_time), "months": months(figure_time), "years": {int(y) for y in years_in(figure_time)}}
    return ask


# the tail naming who cited a figure: "the 1986 U.S. trade imbalance with Japan, as cited by ... Paul Channon in March 1987"
_CITED_BY = re.compile(r",?\s*\b(?:as )?(?:cited|reported|quoted|stated|given|put) by\b[^?]*", re.IGNORECASE)
# a question about the price of a deal, and the words a sentence giving one uses
_PAID_ASK = re.compile(r"\b(?:what|which) (?:[\w-]+ ){0,2}price\b[^?]*\b(?:pay|paid|buy|bought|acquire|sell|sold)\b|"
                       r"\bhow much did\b[^?]*\b(?:pay|paid)\b", re.IGNORECASE)
_DEAL_PRICE = re.compile(r"\b(?:pa(?:y|ys|id|ying)|price[sd]?|valu(?:e|ed|es|ing)|worth|costs?|consideration)\b|"
                         r"\bfor (?:about |around |some |roughly |an estimated |a total of |approximately )?(?:[$£¥]|\d|one|two|"
                         r"three|four|five|six|seven|eight|nine|ten)\b|\b(?:buys?|bought|acquir\w+|purchas\w+|sold|sells?|selling)\b",
                         re.IGNORECASE)
_REPORT_DAY = rf"(?:early |mid-?|late )?(?:{_MONTHS_RE})(?:\s+\d{{1,2}})?,?\s+(?:19|20)\d\d"
_REPORT_TIME = re.compile(  # the time of a report, a release or talks: "an April 1987 report", "released on March 2, 1987"
    rf"\b{_REPORT_DAY}(?:\s+[\w.'’-]+){{0,3}}?\s+(?:reports?|statements?|stor(?:y|ies)|talks|results|release|announcement|"
    r"meeting|interview|visit|downgrade|survey|briefing|press conference|plans?|proposals?|programmes?|programs?|package)\b|"
    rf"\b(?:reported|released|announced|published|issued|cited|stated)\s+(?:on|in|during|around|at)\s+(?:[\w.'’-]+\s+){{0,2}}?{_REPORT_DAY}|"
    rf"\b(?:reports|stories)\s+(?:on|about)\s+(?:[\w.'’-]+\s+){{0,5}}?(?:in|from|of)\s+{_REPORT_DAY}",
    re.IGNORECASE)
