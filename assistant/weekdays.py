"""A weekday in a dated story, read as the calendar day it names.

Wire copy dates events by weekday ("signed ... at the White House on Wednesday"); the story's
own date fixes which Wednesday. For a "when" question the answer gets one composed sentence
giving that day, citing the story, so the reader need not count back from the dateline.
Past events are the latest such weekday on or before the story's date; a sentence about what
will happen ("will meet on Monday") looks forward instead.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ingest.dates import parse_day

from .question import analyse_parts, months
from .types import Answer, AnswerSentence, day_words, strip_as_of

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_AHEAD = re.compile(r"\b(?:will|would|is to|are to|is due|are due|is scheduled|are scheduled|next|plans? to|expected to)\b"
                    # the present tense of travel and meetings is the wire's future ("Nakasone leaves on his visit on
                    # Wednesday", "the talks open on Monday"), as is the present progressive ("is leaving on")
                    r"|\b(?:leaves|begins|starts|opens|meets|arrives|departs|holds|visits|flies|returns|travels|heads|"
                    r"resumes|convenes|ends|closes)\b|\b(?:is|are) (?!\w+ed\b)\w+ing\b",
                    re.IGNORECASE)


def weekday_date(sentence: str, published: str | None) -> tuple[str, str] | None:
    """(the weekday as written, the day it falls on as "15 January 2020") for a sentence that dates something by
    weekday alone in a story of date ``published``; None when the sentence gives a calendar date itself."""
    day = parse_day(published)
    m = _WEEKDAY.search(sentence)
    if day is None or m is None or (months(sentence) and re.search(r"\b\d{1,2}\b", sentence)):
        return None
    target = DAYS.index(m.group(1).lower())
    if _AHEAD.search(sentence):
        on = day + timedelta(days=(target - day.weekday()) % 7)
    else:
        on = day - timedelta(days=(day.weekday() - target) % 7)
    return m.group(1), day_words(on)


def date_weekdays(answer: Answer) -> Answer:
    """For a "when" question, one composed sentence per answer sentence dated only by a weekday."""
    question = (answer.standalone_question or answer.question).split(" (following up on:")[0]
    if answer.refused or not answer.sentences or not any(a.kind == "when" for a in analyse_parts(question)):
        return answer
    by_n = {c.n: c for c in answer.citations}
    added = []
    for s in list(answer.sentences):
        cited = by_n.get(s.citations[0]) if s.citations and not s.composed else None
        found = weekday_date(strip_as_of(s.text), cited.published) if cited else None
        if found:
            text = f"{found[0]} in this story of {day_words(parse_day(cited.published))} is {found[1]}."
            if all(a.text != text for a in added):
                added.append(AnswerSentence(text, [cited.n], supported=True, support=1.0, composed=True))
    answer.sentences.extend(added)
    return answer
