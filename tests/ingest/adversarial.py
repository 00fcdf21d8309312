"""Adversarial line shapes for every pattern the cleaner and the loaders run on untrusted text.

Each shape repeats one or two fragments that a pattern can start on (separators, markup
openers, caption and byline starts, whitespace runs) until the line is ``size`` characters,
with and without a closing character: the inputs on which a backtracking regex goes
quadratic or exponential. Used by tests/ingest/test_redos.py and bench/redos_bench.py.
"""

from __future__ import annotations

import itertools
import random

FRAGMENTS = [
    # navigation bars and lists
    "a / ", "Markets | ", " · ", " » ", "• ", "> ",
    # markdown
    "![", "[a", "](", "![a](", "**", "__", "# ", "\n# ", "![\n", "[\n",
    # SGML / HTML
    "<REUTERS>", '<REUTERS NEWID="1">', "<TITLE>", "<D>", "<TEXT>", "<BODY>", "&#3;", "<a>", "</", "<",
    # scrape furniture starts
    "(photo ", "By Ab ", "TOKYO, May 5 ", "NEW YORK ", "copyright A", "© ", "{{", "{% ", "${",
    "Subscribe ", "Staff writers ", "Reuter ", "Updated: ", "May 5, 2019 ",
    # sentence ends, quotes, whitespace
    ". ", '." ', "? ", "a.b.", ", ", "  ", "\t", "\n", "\n \n", " \n", "aB ", "a ",
]
ENDINGS = ["", "!", "x", "\n", ")", "]", "</REUTERS>"]


def line(fragments: tuple[str, ...], ending: str, size: int = 10_000) -> str:
    unit = "".join(fragments)
    return (unit * (size // len(unit) + 1))[: size - len(ending)] + ending


def shapes(size: int = 10_000, pairs: int | None = None, seed: int = 0):
    """(name, text): every fragment alone, then fragment pairs (all, or a seeded sample)."""
    singles = [(f,) for f in FRAGMENTS]
    all_pairs = list(itertools.permutations(FRAGMENTS, 2))
    if pairs is not None:
        all_pairs = random.Random(seed).sample(all_pairs, min(pairs, len(all_pairs)))
    for frags in singles + all_pairs:
        for ending in ENDINGS:
            yield f"{frags!r}+{ending!r}", line(frags, ending, size)
