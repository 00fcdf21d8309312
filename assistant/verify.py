"""Answer-time verification: the only place that decides what is shown.

For each drafted sentence and each passage it cites:
* citations to passages that do not exist are removed;
* key facts — numbers and names — must be found in the cited passages (or in
  their outlet/date/title metadata), allowing common aliases ("U.S." for
  "United States", "Tokyo" for "Japan");
* the sentence must be semantically close to its best-matching span in the
  cited text (embedder cosine >= ``min_support``); that span's character
  offsets are recorded for highlighting.
A citation that contributes nothing (no facts, low similarity) is dropped; a
sentence without a supporting citation is dropped (or shown flagged, by
setting); no sentence left -> refusal. Citations are renumbered 1..n in the
order they first appear.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ingest.dates import parse_day
from ingest.instructions import addressed_to_assistant
from ingest.sentences import split_sentences
from ingest.settings import AnswerSettings

from . import entail
from .scoring import STOPWORDS, content_words, of_years, sentence_score, spelled_out, years_in
from .types import Answer, AnswerSentence, Citation, Draft, Passage, day_words, strip_as_of

log = logging.getLogger(__name__)

_CONTENT = re.compile(r"[a-z][a-z'-]*[a-z]{2}")  # a content word's candidates: three letters or more
_NUMBER = re.compile(r"(?:\d+[ -])?\d+/\d+|\d+(?:[.,]\d+)*")  # "7 3/4" and "7-1/4" are one number each
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’.-]*(?:\s+[A-Z][a-zA-Z'’.-]*)*")
_GENERIC = {
    "The", "A", "An", "In", "On", "At", "As", "It", "He", "She", "They", "This", "That", "These", "Those", "But", "And",
    "However", "While", "When", "According", "Both", "Its", "Their", "His", "Her", "After", "Before", "Under", "Also",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December", "President",
    "Minister", "Prime", "Secretary", "Representative", "Trade", "I", "No", "Yes", "There", "Some", "Other",
    "What", "Which", "Who", "Where", "Why", "How", "We", "Our", "My", "You", "Your", "If", "Unless", "Although",
    "Certain", "Several", "Many", "Most", "Few", "Each", "Every", "All", "Any", "Such",
}

_MONTH = (r"(Jan(?:uary|\.)?|Feb(?:ruary|\.)?|March|Mar(?:\.|(?=\s+\d))|April|Apr(?:\.|(?=\s+\d))|May|June|July|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|"
          r"Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)")
_MONTH_DAY = re.compile(rf"\b{_MONTH}(?:\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![,.]?\d)(?!\s*(?:pct|percent|%|mln|bln)))?")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b")
_DAY_MONTH_ANY_CASE, _MONTH_DAY_ANY_CASE = (re.compile(x.pattern, re.I) for x in (_DAY_MONTH, _MONTH_DAY))
_MAY_AS_MONTH = re.compile(r"(?:\b(?:in|since|until|by|of|last|next|early|late|mid|from|through|to|between|and|half|end|for)[\s-]+|/)$",
                           re.I)  # ("last-half May/first-half June shipment", "Apr/May")
_DAY_ORDINALS = {w: n for n, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth "
    "sixteenth seventeenth eighteenth nineteenth twentieth".split(), 1)} | {"thirtieth": 30}
_ORDINAL_DAY = re.compile(rf"\b(?:the\s+)?((?:twenty|thirty)[\s-]+)?({'|'.join(_DAY_ORDINALS)})\s+of\s+{_MONTH}\b", re.I)


def _ordinal_days(text: str) -> list[tuple[int, int]]:
    """(month, day) of dates written in words: "the fourth of March", "the twenty-first of May"."""
    out = []
    for m in _ORDINAL_DAY.finditer(text):
        day = _DAY_ORDINALS[m.group(2).lower()] + (20 if (m.group(1) or "").lower().startswith("twenty") else 30 if m.group(1) else 0)
        if 1 <= day <= 31:
            out.append((_month(m.group(3)), day))
    return out


_CARDINALS = {w: int(x) for w, x in entail.SPELLED_NUMBERS.items() if 1 <= x <= 19 and x == int(x)}  # one .. nineteen
_CARDINAL_DAY = re.compile(rf"\b{_MONTH}\s+(?:(twenty|thirty)(?:[\s-]+({'|'.join(_CARDINALS)}))?|({'|'.join(_CARDINALS)}))\b", re.I)


def _cardinal_days(text: str) -> list[tuple[int, int]]:
    """(month, day) of a day written as a cardinal after its month, as some wire stories do: "march one"."""
    out = []
    for m in _CARDINAL_DAY.finditer(text):
        tens = {"twenty": 20, "thirty": 30}.get((m.group(2) or "").lower(), 0)
        day = tens + _CARDINALS.get((m.group(3) or m.group(4) or "").lower(), 0)
        if 1 <= day <= 31 and not (m.group(1).lower() == "may" and m.group(1)[0].islower()):
            out.append((_month(m.group(1)), day))
    return out


def _month(word: str) -> int:
    return ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].index(word[:3].lower()) + 1


_PERIOD = re.compile(r"\b(first|second|third|fourth|final|last)\s+(quarter|half|(two|three|four|five|six|seven|eight|nine|ten|"
                     r"eleven|\d{1,2})\s+months)\b", re.I)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}


def _period_months(text: str) -> set[int]:
    """The months a stated period covers: "first two months" 1-2, "second quarter" 4-6, "first half" 1-6."""
    out: set[int] = set()
    for m in _PERIOD.finditer(text):
        which, unit = _ORDINAL[m.group(1).lower()], m.group(2).lower()
        if m.group(3):  # the first N months (of a year)
            n = int(m.group(3)) if m.group(3).isdigit() else _SPELLED_MONTHS[m.group(3).lower()]
            out |= set(range(1, min(n, 12) + 1)) if which == 1 else set()
        elif unit == "quarter":
            out |= set(range(3 * which - 2, 3 * which + 1))
        else:
            out |= set(range(1, 7)) if which == 1 else set(range(7, 13))
    return out


_SPELLED_MONTHS = {w: n for n, w in enumerate("two three four five six seven eight nine ten eleven".split(), 2)}


def dates(text: str, any_case: bool = False) -> set[tuple[int, int | None]]:
    """The calendar dates a text states, as (month, day or None): "April 7", "7 April", "Feb 27", "in May"
    (``any_case``: also "feb. 27", as some wire stories are written in lower case)."""
    day_month, month_day = (_DAY_MONTH_ANY_CASE, _MONTH_DAY_ANY_CASE) if any_case else (_DAY_MONTH, _MONTH_DAY)
    out = set()
    for m in day_month.finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            out.add((_month(m.group(2)), int(m.group(1))))
    for m in month_day.finditer(text):
        day = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= 31 else None
        if m.group(1).lower() == "may" and day is None and not _MAY_AS_MONTH.search(text[:m.start()]):
            continue  # "May" the verb
        out.add((_month(m.group(1)), day))
    return out | set(_ordinal_days(text)) | (set(_cardinal_days(text)) if any_case else set())


@lru_cache(maxsize=512)  # a passage is checked against every sentence that cites it
def _content_stems(text: str) -> frozenset[str]:
    """The Snowball stems of a text's content words (three letters or more, stopwords left out)."""
    stem = entail.stemmer().stemWord
    return frozenset(stem(w) for w in _CONTENT.findall(text.lower()) if w not in STOPWORDS)


@lru_cache(maxsize=256)  # a passage is checked against every sentence that cites it
def _stated_dates(passage_text: str, published) -> tuple[frozenset, frozenset]:
    """(the dates, the months) a passage gives: its own, any case, its publication day, and stated periods' months."""
    stated = dates(passage_text, any_case=True)
    months = {m for m, _ in stated} | _period_months(passage_text)
    if published is not None:
        stated |= {(published.month, published.day)}  # (a day it names: the story's own, "today")
        if _RELATIVE_DAY.search(passage_text):  # "said today", "this month": the story's own month is stated; a
            months.add(published.month)  # month the text never names is not ("filed in March 1987" from its dateline)
    return frozenset(stated), frozenset(months)


_RELATIVE_DAY = re.compile(r"\b(?:today|tonight|yesterday|tomorrow|this (?:week|month)|last week|next week|"
                           r"(?:on |last |next )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|earlier this|"
                           r"later this|so far this month|currently|now)\b", re.I)


def missing_dates(sentence: str, passage_text: str, published) -> list[str]:
    """The claim's dates that neither the passage nor its own date states: a day must be the one the passage
    gives that month (or the passage's date), a bare month one the passage names."""
    sentence = strip_as_of(sentence)  # (the lead "As of 28 March 1987:" is the story's own date, written by tradechat)
    claimed = dates(sentence)
    if not claimed:
        return []
    stated, months = _stated_dates(passage_text, published)
    if published is not None and published.month in _reported_months(sentence):
        months = months | {published.month}  # "Crosby said in March 1987 ...": when it was reported, the story's date
    return [calendar.month_name[mo] + (f" {day}" if day else "") for mo, day in sorted(claimed, key=str)
            if ((mo, day) not in stated if day else mo not in months)]


def _reported_months(sentence: str) -> set[int]:
    """The months a sentence gives as when something was said or reported ("reports from March and April 1987")."""
    out = set()
    lead = _REPORTED_LEAD.match(sentence)  # "In March 1987, the bank said ..."
    if lead:
        out.add(_month(lead.group(1)))
    for m in _REPORTED_IN.finditer(sentence):
        out.add(_month(m.group(1)))
        more = re.match(rf"\s+and\s+({_MONTH})", sentence[m.end():])
        if more:
            out.add(_month(more.group(1)))
    return out


# a month the claim gives as when something was said or reported (not when it was done)
_REPORTED_LEAD = re.compile(rf"\s*(?:In|During|On|By)\s+(?:early |mid-|late )?({_MONTH})(?:\s+\d{{4}})?,?\s+[^.;:]{{0,80}}?\b"
                            r"(?:said|says|told|announced|reported|stated|added|forecast|predicted|warned|urged|called for)\b")
_REPORTED_IN = re.compile(rf"\b(?:said|says|told|announced|reported|reports?|stated|added|according to|statement|called for|"
                          rf"urged|forecast|predicted|warned|released|published)\b(?:\s+[\w,'’.()-]+){{0,30}}?\s+(?:in|on|during|from|of)\s+"
                          rf"(?:early |mid-|late )?({_MONTH})\b")


_PAST_ON_DAY = re.compile(rf"\b(?:\w+ed|began|took|met|held|made|won|signed|rose|fell|paid|sold|bought|gave|went)\b"
                         rf"(?:\s+[\w,'’.-]+){{0,3}}?\s+(?:on|from|since)\s+(?:{_MONTH}\s+(\d{{1,2}})|(\d{{1,2}})\s+{_MONTH})\b")
_DAY_THEN_DONE = re.compile(rf"\b(?:on|from)\s+(?:{_MONTH}\s+(\d{{1,2}})|(\d{{1,2}})\s+{_MONTH})\b(?:[-\s]+[\w,'’.-]+){{0,10}}?\s+"
                            r"(?:began|started|opened|ended|closed|concluded|met|signed|took place|was held|were held)\b")
# ("the GATT probe on May 7-8 on the legality of Japanese import curbs began in Geneva": the day, then the event done)
FUTURE_REACH = 80  # characters before the day's verb read for a word of the future, within the same clause
_FUTURE = re.compile(r"\b(?:will|would|is to|are to|was to|were to|to be|scheduled|planned|plans?|due|set to|expected|next|until|"
                     r"deadline|effective|take effect|takes effect|proposed|could|(?-i:may)|might|ahead of|in preparation for|upcoming|forthcoming)\b", re.I)  # ("May 7" is a day)


def done_after(sentence: str, published, passage_text: str = "") -> str | None:
    """The day a sentence says something was done ("the visit began on April 29") when that day comes after the
    passage's publication day and the passage speaks of that day as to come ("will visit ... from April 29"): a story
    of 26 March can report the visit as planned, not as begun. None otherwise, or when the sentence's own clause
    speaks of the future ("is due to begin on April 29")."""
    if published is None or re.search(r"\blast year\b|\ba year (?:ago|earlier)\b", sentence):
        return None
    for m in [*_PAST_ON_DAY.finditer(sentence), *_DAY_THEN_DONE.finditer(sentence)]:
        before = sentence[max(0, m.start() - FUTURE_REACH):m.start()]
        if _FUTURE.search(before[max(before.rfind(c) for c in ",;:") + 1:] + sentence[m.start():m.end()]):
            continue  # its own clause speaks of the future ("will not commit themselves until the figures have been released on June 12")
        month, day = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        year = next((int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", sentence[m.end():m.end() + 8])), published.year)
        try:
            when = datetime.date(year, _month(month), int(day))
        except ValueError:
            continue
        if when > published and any((when.month, when.day) in dates(passage_text[a:b], any_case=True) and _FUTURE.search(passage_text[a:b])
                                    for a, b in split_sentences(passage_text)):
            return f"{calendar.month_name[when.month]} {when.day}, {when.year}"
    return None


@lru_cache(maxsize=1)
def alias_groups() -> list[set[str]]:
    """Groups of names that refer to the same party (data file, user-extendable)."""
    return [{a.lower() for a in [party, *names]} for party, names in entail.aliases()["parties"].items()]


@lru_cache(maxsize=1)
def people_groups() -> list[set[str]]:
    """A country's name with its people's where no suffix rule finds it ("Denmark" / "Danish"; data file)."""
    return [{a.lower() for a in [country, *names]} for country, names in entail.aliases().get("peoples", {}).items()]


def named_in_group(name: str, haystack: str, groups: list[set[str]]) -> bool:
    """Does the lower-case ``haystack`` hold any name of the group ``name`` belongs to ("Danish" for "Denmark")?"""
    low = name.lower()
    return any((low in group or low + "." in group) and
               any(re.search(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])", haystack) for alias in group)
               for group in groups)


def _norm_number(s: str) -> str:
    if "/" in s:  # a fraction as a decimal: "7 3/4" -> "7.75", "3/4" -> "0.75"
        return entail.fraction_decimal(s)
    s = s.replace(",", "")
    return s.rstrip("0").rstrip(".") if "." in s else s


def numbers(text: str) -> set[str]:
    return {_norm_number(n) for n in _NUMBER.findall(text)}


_SPELLED = {w: _norm_number(str(x)) for w, x in entail.SPELLED_NUMBERS.items()}  # "two" -> "2", "half" -> "0.5"


_COUNTS = [w for w, x in entail.SPELLED_NUMBERS.items() if x == int(x) and x < 100 and " " not in w]  # not "hundred", "half"
_SPELLED_FIGURE = re.compile(rf"\b({'|'.join(_COUNTS)})[\s-]+(?:pct|percent|per cent|percentage|"
                             r"billion|bln|million|mln|trillion|dlrs?|dollars?|yen|tonnes?|tons?|points?|cents?|marks?|"
                             r"francs?|stg|pounds?|lire|barrels?|bushels?)\b", re.I)


def claim_numbers(text: str) -> set[str]:
    """The figures a claim states, spelled ones before a unit too ("the one pct forecast" states 1)."""
    return numbers(text) | {_SPELLED[m.group(1).lower()] for m in _SPELLED_FIGURE.finditer(text)}


def source_numbers(text: str) -> set[str]:
    """The numbers a source states, spelled ones too ("two pct" states 2): a claim's figure is looked up here."""
    return (numbers(text) | {_SPELLED[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _SPELLED}
            | {str(day) for _, day in _ordinal_days(text)})


_OPENERS = {"Below", "Above", "Consequently", "Meanwhile", "Separately", "Overall", "Instead", "Still", "Yet", "Thus", "Hence",
            "Moreover", "Furthermore", "Besides", "Later", "Earlier", "Today", "Yesterday", "Asked", "Nevertheless", "Nonetheless",
            "Altogether", "Elsewhere", "Otherwise", "Similarly", "Likewise", "Previously", "Currently", "Recently", "Last", "Next",
            "For", "With", "From", "By", "Of", "To", "Since", "During", "Despite", "Through", "Until", "Without", "Among",
            "Between", "Against", "Over", "Unlike", "Like", "Given"}  # prepositions opening a sentence


def _name_word(w: str) -> str:
    """A name's word as it is looked up: 'February's' -> 'February', 'Bank-sponsored' -> 'Bank', 'U.S.,' -> 'U.S.'."""
    w = re.sub(r"-[a-z].*$", "", w).rstrip("-,;:")
    w = re.sub(r"['’]s?$", "", w)
    return w if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?\.?", w) else w.strip(".'’")


_PARTICIPLE_NEXT = re.compile(r"^\s*(?:[,\"“]|(?:to|on|at|in|for|with|from|before|after|about|the|a|an|that|its|his|her|their)\b)")


_PARTICIPLE_PLACE = re.compile(r"\s*(?:,|(?:in|on|at|for|with|from|against|over|under|as|after|since)\b)")
_NOUN_OF = re.compile(r"[A-Z][a-z]+(?:ance|ence|ment|tion|sion|ity)")  # a noun of action or state, not a name


def _opener(word: str, rest: str) -> bool:
    """A capitalised sentence opener that is no name: a connective, 'Speaking to ...', 'Consequently, ...'."""
    if word in _OPENERS:
        return True
    if re.fullmatch(r"[A-Z][a-z]+ing", word):  # "Citing officials, ...", not "Boeing said" or "Boeing shares fell"
        return bool(_PARTICIPLE_NEXT.match(rest)) or bool(re.match(r"\s+[a-z]", rest) and not _SUBJECT_NEXT.match(rest))
    if re.fullmatch(r"[A-Z][a-z]+ed", word):  # "Prompted by ...", "Backed, trained and armed by ...", "Measured in ..."
        return bool(re.match(r"\s*by\b", rest)) or (bool(_PARTICIPLE_PLACE.match(rest)) and _common_stem(word, ("ed", "d")))
    if _NOUN_OF.fullmatch(word) and re.match(r"\s+of\b", rest):  # "Issuance of the certificates ...", "Enforcement of ..."
        return True
    return bool(re.fullmatch(r"[A-Z][a-z]+ly", word)) and rest.lstrip().startswith(",")


def _participle_before_possessive(run: str) -> bool:
    """'Taking January's revised figures into account, ...': a common -ing word before a possessive opens the sentence."""
    m = re.match(r"([A-Z][a-z]+ing)\s+[A-Z][a-z]+['’]s\b", run)
    return bool(m) and entail.common_word(m.group(1))


_SUBJECT_NEXT = re.compile(r"\s*(?:[^\w\s]|[A-Z]|(?:is|was|are|were|has|had|have|will|would|can|could|may|might|must|should|"
                           r"did|does|do|and|or|said|told|cut|set|put|rose|fell|grew|made|took|gave|won|lost|sold|bought|"
                           r"met|began|sought|kept|left|hit|became|held|paid|spent|brought|thought|felt|got|[a-z]+(?:ed|s))\b)")
# (a verb after it, "Brazil proposed", "Brazil wants": the opener is a subject's name, checked like any other)


def _common_stem(word: str, endings: tuple[str, ...]) -> bool:
    """The word less one of its endings is a common word: "Backed" (back), "Steps" (step), "Holdings" (holding)."""
    return any(word.endswith(e) and len(word) > len(e) + 2 and entail.common_word(word[: -len(e)]) for e in endings)


def _common_opener(word: str, rest: str) -> bool:
    """'Procedures for ...', 'Top priority ...': a common word opening the sentence, not followed as a
    subject name is ('Brazil has ...', 'China and Japan', 'Canada, ...'). The plural of a common noun is no
    name even then ("Steps were taken", "Holdings of ..."; not "Sears said": 'sear' is rare)."""
    if re.fullmatch(r"[A-Z][a-z]+s", word) and _common_stem(word, ("s",)):
        return True
    return entail.common_word(word) and not _SUBJECT_NEXT.match(rest)


_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")  # "U. S." as a model writes it


@lru_cache(maxsize=256)  # a passage is compared with every sentence that cites it
def plain(text: str) -> str:
    """Lower case, one space, 'U. S.' as 'U.S.': for finding a sentence word for word in a passage."""
    return " ".join(_SPACED_INITIALS.sub(r"\1.", text).split()).lower()


def names(sentence: str) -> set[str]:
    """Capitalised names a sentence states (not its opening word when that is an -ing/-ly word or a connective)."""
    sentence = _SPACED_INITIALS.sub(r"\1.", sentence)
    out = set()
    for m in _NAME.finditer(sentence):
        words = [_name_word(w) for w in m.group(0).split()]
        words = [w for w in words if w and w not in _GENERIC]
        if m.start() == len(sentence) - len(sentence.lstrip(" \"“'‘(")):  # the sentence's first word
            if len(words) == 1 and (_opener(words[0], sentence[m.end():]) or _common_opener(words[0], sentence[m.end():])
                                    or _participle_before_possessive(m.group(0))):
                continue  # "Speaking to reporters, ...", "Consequently, ...", "Procedures for ...", "Taking January's ..."
            if len(words) > 1 and entail.common_word(words[0]):
                words = words[1:]  # "Senior U.S. officials": the name is U.S.
        if words:
            out.add(" ".join(words).strip(",'’"))
    return {n for n in out if n}


_DEMONYM_ENDINGS = ("ian", "ese", "ish", "an", "n", "i")


def name_found(name: str, haystack: str) -> bool:
    low = name.lower()
    if low in haystack:
        return True
    if named_in_group(low, haystack, alias_groups() + people_groups()):
        return True
    # a people's or language's name for its country's ("Indonesian" / "Indonesia", "Japanese" / "Japan")
    for suffix in _DEMONYM_ENDINGS:
        base = low.removesuffix(suffix)
        if base != low and len(base) >= 4 and " " not in low and re.search(rf"(?<![a-z0-9]){re.escape(base)}", haystack):
            return True
    # a country's name for its people's or language's ("Germany" / "West German", "Korea" / "Korean")
    if " " not in low and len(low) >= 5 and re.search(rf"(?<![a-z0-9]){re.escape(low[:-1])}(?:s|n|ns|ian|ians|ese)?(?![a-z])", haystack):
        return True
    # a compound of names: each found ("U.S.-Japan" where the passage names the United States and Japan)
    if re.fullmatch(r"[A-Z][\w.]*(?:-[A-Z][\w.]*)+", name):
        return all(name_found(part, haystack) for part in name.split("-"))
    # multi-word names: every word of length > 2 present ("Robert Lighthizer" vs "Lighthizer"), a demonym by its country
    # ("Japanese Prime Minister Yasuhiro Nakasone" where the passage has "Japan's Prime Minister Yasuhiro Nakasone")
    parts = [w for w in re.findall(r"[a-z][a-z'’.-]+", low) if len(w) > 2]
    if len(parts) > 1 and parts[-1].rstrip(".") in _COMPANY_SUFFIXES:
        parts = parts[:-1]  # "Radtech Inc" where the passage says "Radtech"
        if len(parts) == 1:
            return bool(re.search(rf"(?<![a-z0-9]){re.escape(parts[0])}(?![a-z0-9])", haystack))
    return bool(parts) and len(parts) > 1 and all(p.rstrip(".") in haystack or _misspelt(p.rstrip("."), haystack)
                                                  or (p.endswith(_DEMONYM_ENDINGS) and name_found(p, haystack)) for p in parts)


_COMPANY_SUFFIXES = {"inc", "corp", "co", "ltd", "plc", "llc", "ag", "sa", "nv", "bv", "spa", "gmbh", "corporation",
                     "incorporated", "limited", "company"}


def _misspelt(word: str, haystack: str) -> bool:
    """A long word of a name the source misspells by a letter or two ("Coodination" for "Coordination")."""
    return len(word) >= 7 and bool(difflib.get_close_matches(word, set(re.findall(r"[a-z]{6,}", haystack)), n=1, cutoff=0.9))


def _written_out(name: str, text: str) -> bool:
    """An acronym of three letters or more the text writes out ("USMCA": "United States-Mexico-Canada Agreement")."""
    return len(name) >= 3 and name.isupper() and spelled_out(name.lower(), text)


@dataclass
class Support:
    n: int  # passage number (1-based, as drafted)
    similarity: float
    missing: list[str]
    span: tuple[int, int]  # in passage text
    verdict: str = "supported"  # what the contradiction rules say of the best span (entail.compare)
    reason: str = ""

    @property
    def conflicts(self) -> bool:
        return self.verdict != "supported"


@dataclass
class Judgement:
    """Three-way verdict of a claim against passages: supported, contradicted or not_stated."""

    verdict: str
    n: int | None = None  # the passage (1-based) that decides it
    span: tuple[int, int] | None = None  # in that passage's text
    reason: str = ""


class Verifier:
    def __init__(self, embedder, settings: AnswerSettings | None = None, **overrides):
        """`settings` is the ``answer`` part of Settings; `overrides` replace single ones (``min_support=0.5``)."""
        self.embedder = embedder
        self.settings = s = (settings or AnswerSettings()).model_copy(update=overrides)
        self.min_support, self.show_flagged, self.min_relevance = s.min_support, s.show_flagged, s.min_relevance

    @classmethod
    def from_settings(cls, settings, embedder) -> Verifier:
        return cls(embedder, settings.answer)

    def relevance(self, question: str, sentences: list[str]) -> float:
        """How well the best sentence addresses the question (the extractive scorer's measure)."""
        if not sentences:
            return 0.0
        vecs = self.embedder.embed([question] + sentences)
        q_words = content_words(question)
        weights = self.settings.score_weights
        return max(sentence_score(float(v @ vecs[0]), q_words, content_words(s), weights=weights) for s, v in zip(sentences, vecs[1:]))

    def _spans(self, passage: Passage) -> list[tuple[int, int]]:
        sents = split_sentences(passage.text)
        # single sentences and adjacent pairs within a paragraph (a claim may straddle two)
        return sents + [(a[0], b[1]) for a, b in zip(sents, sents[1:]) if "\n\n" not in passage.text[a[1]:b[0]]]

    def support(self, sentence: str, n: int, passage: Passage, sentence_vec: np.ndarray, span_vecs: np.ndarray, spans) -> Support:
        day = parse_day(passage.published)
        dated = day_words(day)  # the passage's date as an answer writes it ("As of 2 June 1987")
        hay = " ".join(filter(None, [passage.text, passage.title, passage.source, passage.published, dated])).lower()
        hay_numbers = source_numbers(" ".join(filter(None, [passage.text, passage.title, passage.published, dated])))
        quoted = len(sentence) > 20 and plain(sentence).rstrip(".") in plain(passage.text)  # the passage's own words
        missing = [] if quoted else [x for x in claim_numbers(sentence) if x not in hay_numbers]
        missing += [] if quoted else [x for x in names(sentence) if not name_found(x, hay) and not _written_out(x, passage.text)]
        missing += [] if quoted else missing_dates(sentence, " ".join(filter(None, [passage.text, passage.title])), day)
        sims = span_vecs @ sentence_vec if len(spans) else np.zeros(0)
        best = int(np.argmax(sims)) if len(sims) else -1
        sim = float(sims[best]) if best >= 0 else 0.0
        span = spans[best] if best >= 0 else (0, len(passage.text))
        verdict = entail.compare(sentence, passage.text[span[0]:span[1]]) if best >= 0 and sim >= self.min_support \
            and not quoted else entail.Verdict("supported")
        after = None if quoted or verdict.verdict != "supported" else done_after(sentence, day, passage.text)
        if after:
            verdict = entail.Verdict("not_stated", f"tense: a story of {dated or 'its date'} cannot report as done what fell on {after}")
        return Support(n, sim, missing, span, verdict.verdict, verdict.reason)

    def judge(self, claim: str, passages: list[Passage]) -> Judgement:
        """supported (facts found, a close span, no rule conflict), contradicted (the closest span
        says otherwise: negation, direction, roles, scale), or not_stated."""
        if not passages:
            return Judgement("not_stated", reason="no passage to check against")
        svec = self.embedder.embed([claim])[0]
        sups = []
        for n, p in enumerate(passages, 1):
            spans = self._spans(p)
            vecs = self.embedder.embed([p.text[a:b] for a, b in spans]) if spans else np.zeros((0, len(svec)))
            sups.append(self.support(claim, n, p, svec, vecs, spans))
        close = [x for x in sups if x.similarity >= self.min_support]
        bad = self._against(close)
        if bad:
            x = max(bad, key=lambda x: x.similarity)
            return Judgement("contradicted", x.n, x.span, x.reason)
        missing = set.intersection(*(set(x.missing) for x in sups))
        good = [x for x in close if not x.conflicts]
        if good and not missing:
            x = max(good, key=lambda x: x.similarity)
            few = self._few_words(claim, passages, x.similarity)
            if few:
                return Judgement("not_stated", x.n, x.span, few)
            return Judgement("supported", x.n, x.span, "facts found in a close span")
        hedged = [x for x in close if x.verdict == "not_stated"]
        if hedged:
            x = max(hedged, key=lambda x: x.similarity)
            return Judgement("not_stated", x.n, x.span, x.reason)
        if close and missing:
            x = max(close, key=lambda x: x.similarity)
            return Judgement("not_stated", x.n, x.span, f"not in the passages: {', '.join(sorted(missing))}")
        return Judgement("not_stated", reason="no passage says it")

    @staticmethod
    def _against(close: list[Support]) -> list[Support]:
        """The close passages that contradict a claim, unless another states it at least as closely, facts and
        all: a claim one cited source holds is true to that source, and another's figure is a conflict among
        sources, not the claim's error ("would probably fall 3 pct" quoted, beside another story's "rose")."""
        bad = [x for x in close if x.verdict == "contradicted"]
        held = [x for x in close if not x.conflicts and not x.missing]
        if bad and held and max(x.similarity for x in held) >= max(x.similarity for x in bad):
            return []
        return bad

    def _few_words(self, claim: str, passages: list[Passage], similarity: float) -> str:
        """Why a claim is not stated though a span is close: its passages hold too few of its content words
        ("Japan must stop dumping chips in third countries" against a passage about output cuts). Empty when fine."""
        if similarity >= self.settings.words_check_below:
            return ""
        mine = _content_stems(claim)
        theirs = frozenset().union(*(_content_stems(f"{p.text} {p.title or ''}") for p in passages))
        share = len(mine & theirs) / len(mine) if mine else 1.0
        return f"words: the passages hold {len(mine & theirs)} of its {len(mine)} content words" \
            if share < self.settings.min_words_shared else ""

    def supports(self, sentence: str, passages: list[Passage]) -> bool:
        """Do these passages, together, support the sentence (facts found, a close span, no contradiction)?"""
        return self.judge(sentence, passages).verdict == "supported"

    def check(self, draft: Draft, passages: list[Passage], question: str, mode: str, timings: dict,
              standalone: str | None = None) -> Answer:
        """Verify a draft; ``standalone`` is the rewritten follow-up used to judge relevance."""
        notes = [draft.note] if draft.note else []
        if not draft.answerable or not draft.sentences:
            return Answer(question, [], [], True, mode, passages, timings, notes, model=draft.model, missing=list(draft.missing))
        sent_vecs, by_n = self._embed(draft, passages)
        tally = _Tally()
        kept: list[AnswerSentence] = []
        citations: dict[int, Citation] = {}  # drafted passage number -> citation (renumbered later)
        for s, svec in zip(draft.sentences, sent_vecs):
            judged = self._judge_sentence(s, svec, passages, by_n, tally)
            if judged is None:
                continue
            useful, ok = judged
            for x in useful:
                p = passages[x.n - 1]
                doc_span = (p.start + x.span[0], p.start + x.span[1])
                if x.n not in citations:
                    citations[x.n] = Citation(0, p.doc_id, p.source, p.title, p.published, p.url, p.text,
                                              doc_span, x.span, list(p.also))
                citations[x.n].add_span(len(kept) + 1, doc_span, x.span)  # every sentence's span, not only the first
            kept.append(AnswerSentence(s.text, [x.n for x in useful], supported=ok,
                                       support=round(max(x.similarity for x in useful), 3)))
        cites = _renumber(kept, citations)
        notes += tally.notes()
        kept, cites = self._gate(kept, cites, standalone or question, mode, notes)
        refused = not any(s.supported for s in kept)
        if refused and not self.show_flagged:
            kept, cites = [], []
        return Answer(question, kept, cites, refused, mode, passages, timings, notes, model=draft.model,
                      missing=list(draft.missing))

    def _embed(self, draft: Draft, passages: list[Passage]) -> tuple[np.ndarray, dict[int, tuple[np.ndarray, list]]]:
        """Vectors of the draft's sentences, and per passage number its candidate spans with their vectors (one embed call)."""
        spans = {n: self._spans(p) for n, p in enumerate(passages, 1)}
        texts = [s.text for s in draft.sentences]
        flat = [(n, sp) for n in spans for sp in spans[n]]
        vecs = self.embedder.embed(texts + [passages[n - 1].text[a:b] for n, (a, b) in flat])
        span_vecs_all = vecs[len(texts):]
        by_n: dict[int, tuple[np.ndarray, list]] = {}
        pos = 0
        for n in spans:
            k = len(spans[n])
            by_n[n] = (span_vecs_all[pos : pos + k], spans[n])
            pos += k
        return vecs[: len(texts)], by_n

    def _judge_sentence(self, s, svec, passages: list[Passage], by_n, tally: _Tally) -> tuple[list[Support], bool] | None:
        """The citations a drafted sentence keeps and whether it is supported; None when it is dropped."""
        if addressed_to_assistant(s.text):  # instructions planted in an article never become an answer
            tally.injected += 1
            return None
        valid = [n for n in dict.fromkeys(s.citations) if 1 <= n <= len(passages)]
        tally.invalid += len(s.citations) - len([n for n in s.citations if 1 <= n <= len(passages)])
        sups = [self.support(s.text, n, passages[n - 1], svec, *by_n[n]) for n in valid]
        # facts may be spread over several cited passages: check them on the union
        union_missing = set.intersection(*(set(x.missing) for x in sups)) if sups else {"(no valid citation)"}
        against = self._against([x for x in sups if x.similarity >= self.min_support])
        if against:  # a cited passage says otherwise: never shown, never re-cited
            tally.contradicted.append(f"[{against[0].n}] {against[0].reason}")
            log.debug("dropped, contradicted by [%d]: %s", against[0].n, s.text)
            return None
        good = [x for x in sups if x.similarity >= self.min_support and not x.conflicts]
        ok = bool(good) and not union_missing
        if ok and self._few_words(s.text, [passages[x.n - 1] for x in sups], max(x.similarity for x in good)):
            ok = False  # its passages hold too few of its words (a close topic is not a stated claim)
        if not ok:
            # small models often cite the neighbour of the right passage: if
            # another retrieved passage fully supports the sentence, cite it instead
            others = [self.support(s.text, n, passages[n - 1], svec, *by_n[n]) for n in by_n if n not in valid]
            best = max((x for x in others if not x.missing and not x.conflicts
                        and not self._few_words(s.text, [passages[x.n - 1]], x.similarity)), key=lambda x: x.similarity, default=None)
            if best is not None and best.similarity >= max(self.min_support, self.settings.recite_min_support):
                sups, ok = [best], True
                tally.repaired += 1
        if ok:
            return self._useful(sups), True
        if self.show_flagged and sups:
            return [max(sups, key=lambda x: x.similarity)], False
        tally.dropped += 1
        return None

    def _useful(self, sups: list[Support]) -> list[Support]:
        """Citations that contribute: about as similar as the best one, or holding a fact no kept one has."""
        top = max(x.similarity for x in sups)
        useful = [x for x in sups if x.similarity >= max(self.min_support, top - self.settings.citation_margin)]
        useful = useful or [max(sups, key=lambda x: x.similarity)]
        for x in sorted(sups, key=lambda x: -x.similarity):
            lacking = set.intersection(*(set(u.missing) for u in useful))
            if not lacking:
                break
            if x not in useful and lacking - set(x.missing):
                useful.append(x)
        return useful

    def _gate(self, kept: list[AnswerSentence], cites: list[Citation], question: str, mode: str,
              notes: list[str]) -> tuple[list[AnswerSentence], list[Citation]]:
        """Whole-answer checks: the asked year, and (for generated drafts) relevance to the question."""
        years = years_in(question)
        if kept and years and not any(of_years(f"{c.title or ''}\n{c.text}", c.published, years) for c in cites):
            # the question asks about a year none of the cited sources is from or mentions ('last year' in a 1987 story is 1986)
            notes.append(f"the cited sources are not about {', '.join(sorted(years))}")
            return [], []
        if kept and mode != "extractive":  # extractive already selected by this measure
            rel = self.relevance(question, [s.text for s in kept])
            if rel < self.min_relevance:
                notes.append(f"the drafted answer does not address the question (relevance {rel:.2f})")
                return [], []
        return kept, cites


@dataclass
class _Tally:
    """What the verifier removed or repaired in one answer, for its notes."""

    dropped: int = 0
    invalid: int = 0
    repaired: int = 0
    injected: int = 0
    contradicted: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        out = []
        if self.dropped:
            out.append(f"{self.dropped} sentence(s) dropped: not supported by the cited passages")
        if self.injected:
            out.append(f"{self.injected} sentence(s) dropped: addressed to an AI assistant, not to readers (instructions inside an article)")
        out += [f"a sentence was dropped: the cited passage contradicts it ({c})" for c in self.contradicted]
        if self.repaired:
            out.append(f"{self.repaired} sentence(s) re-cited to the passage that supports them")
        if self.invalid:
            out.append(f"{self.invalid} citation(s) to passages that do not exist removed")
        return out


def _renumber(kept: list[AnswerSentence], citations: dict[int, Citation]) -> list[Citation]:
    """Number the kept citations 1.. in order of first use, and point the sentences at the new numbers."""
    renumber = {old: new for new, old in enumerate(citations, 1)}
    for s in kept:
        s.citations = sorted(renumber[n] for n in s.citations)
    for old, c in citations.items():
        c.n = renumber[old]
    return list(citations.values())
