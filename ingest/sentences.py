"""Sentence boundaries with character offsets.

News prose is full of abbreviations ("U.S.", "Mr.", "Feb. 26", "25 pct") that
trip naive splitters; offsets must be exact so citations can highlight spans.
Shared by the chunker and, later, by answer verification.
"""

from __future__ import annotations

import re

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "st", "jr", "sr",
    "inc", "corp", "co", "ltd", "plc", "no", "vs", "etc", "approx", "dept", "est", "fig", "vol", "pct",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "i.e", "e.g",
}
# candidate end: . ! ? followed by optional closing quotes/brackets, then whitespace
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_PARA = re.compile(r"\n\s*\n")


def _is_abbreviation(text: str, dot_pos: int) -> bool:
    """Does the '.' at dot_pos end an abbreviation rather than a sentence?"""
    if text[dot_pos] != ".":
        return False
    start = dot_pos
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"'“‘":
        start -= 1
    word = text[start:dot_pos].lower()
    if word in _ABBREV or word.rstrip(".") in _ABBREV:
        return True
    # single letters and dotted initialisms: "J.", "U.S", "a.m"
    return len(word) == 1 and word.isalpha() or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of sentences in text, whitespace trimmed.

    Paragraph breaks always end a sentence; otherwise a sentence ends at
    . ! ? (plus closing quotes) followed by space and an upper-case letter,
    digit or opening quote, unless the word before the dot is an abbreviation
    or an initial and the next word is lower case or a name-like continuation.
    """
    spans: list[tuple[int, int]] = []
    para_start = 0
    paragraphs = [(m.start(), m.end()) for m in _PARA.finditer(text)] + [(len(text), len(text))]
    for p_end, next_start in paragraphs:
        _split_paragraph(text, para_start, p_end, spans)
        para_start = next_start
    return spans


def _split_paragraph(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    seg_start = start
    for m in _END.finditer(text, start, end):
        stop = m.end()
        nxt = stop
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt >= end:
            break
        ch = text[nxt]
        if not (ch.isupper() or ch.isdigit() or ch in "\"'“‘(["):
            continue
        first_dot = m.start()
        if _is_abbreviation(text, first_dot) and m.group(0) == ".":
            # "U.S. officials" continues; "the U.S. The talks" is ambiguous —
            # treat a capitalised common sentence starter as a new sentence.
            nxt_word = re.match(r"[\w']+", text[nxt:end])
            if not nxt_word or nxt_word.group(0) not in _STARTERS:
                continue
        _emit(text, seg_start, stop, spans)
        seg_start = stop
    _emit(text, seg_start, end, spans)


_STARTERS = {
    "The", "A", "An", "It", "He", "She", "They", "We", "I", "This", "That", "These", "Those", "But", "And",
    "In", "On", "At", "As", "If", "When", "While", "Its", "Their", "His", "Her", "Our", "There", "Some",
}


def _emit(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))
