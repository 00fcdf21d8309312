import re

import pytest

from ingest.clean import clean_scrape, is_icon_run, split_units, strip_furniture
from tests.conftest import SAMPLES, SEED, need

# The opening words of every paragraph of the seed article body, read by hand.
SEED_PARAGRAPHS = [
    "TOKYO -- As Japan and the U.S. resumed trade talks",
    "Negotiations were held between U.S. Trade Representative",
    "\"Japan has had a substantial edge for many",
    "The president said that he wants to",
    "Trump seeks to secure a quick deal",
    "Lighthizer and Motegi's meeting was expected",
    "The ministerial-level talks lasted roughly",
    "Motegi said that there was a significant rift",
    "The largest sticking point will be how to handle auto duties.",
    "The U.S., for its part, has dangled the threat",
    "The Japanese government, however, may face",
    "Entangled in the conversation over auto imports",
    "Tokyo is prepared to lower tariffs on U.S. agricultural goods",
    "Currency provisions are also set to become a bargaining chip",
    "The U.S. may place more pressure Japan over currency issues",
    "In a White House statement on the bilateral relationship",
    "\"President Trump is committed to achieving fair",
    "The two countries are cooperating to",
]
SEED_FURNITURE = [
    "Artboard", "Sketch", "Chevron", "Icon", "Sponsored", "commissioned", "{{", "free article", "Stay ahead",
    "trusted insights", "Unlimited access", "Try 3 months", "Offer ends", "trial period", "subscription",
    "See all offers", "mobile and tablet", "NAR on print", "Photo by", "International relations",
]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?\"”])\s+(?=[A-Z\"“])", text) if s.strip()]


def test_seed_keeps_every_body_paragraph_and_drops_all_furniture():
    raw = need(SEED).read_text(encoding="utf-8")
    r = clean_scrape(raw)
    paras = r.text.split("\n\n")
    assert len(paras) == len(SEED_PARAGRAPHS)
    for para, opening in zip(paras, SEED_PARAGRAPHS):
        assert para.startswith(opening)
    # every sentence of the body is kept verbatim (whitespace aside)
    flat_raw = " ".join(raw.split())
    for sentence in _sentences(r.text):
        assert " ".join(sentence.split()) in flat_raw
    for junk in SEED_FURNITURE:
        assert junk.lower() not in r.text.lower(), junk


def test_seed_metadata():
    r = clean_scrape(need(SEED).read_text(encoding="utf-8"))
    assert r.title == "Trump says US and Japan close to 'big' trade announcement"
    assert r.dek.startswith("'We're getting closer,' president says")
    assert r.section == "International relations"
    assert r.dateline == "TOKYO"
    assert "Ryo Nakamura" in r.byline
    assert r.source == "Nikkei Asian Review"
    assert len(r.captions) == 2 and all("Photo by" in c for c in r.captions)
    reasons = {reason for reason, _ in r.dropped}
    assert {"icon/navigation labels", "template placeholder", "repeated on page", "paywall/marketing"} <= reasons


@pytest.mark.parametrize("name,title,source,dateline", [
    ("pacific-ledger-us-japan-tokyo-talks.txt", "Tokyo talks end without deal as car tariffs divide US and Japan", "Pacific Ledger", "TOKYO"),
    ("northgate-usmca-signed.txt", "Leaders sign new North American trade pact at G20 summit", "Northgate Business Review", "BUENOS AIRES"),
    ("continental-eu-us-steel-truce.txt", "EU and US end steel tariff feud with quota deal", "Continental Observer", "ROME"),
])
def test_sample_scrapes(name, title, source, dateline):
    raw = (SAMPLES / "scrapes" / name).read_text(encoding="utf-8")
    r = clean_scrape(raw)
    assert (r.title, r.source, r.dateline) == (title, source, dateline)
    assert r.published and re.fullmatch(r"\d{4}-\d\d-\d\d", r.published)
    assert r.text.startswith(dateline)
    for junk in ("Icon", "{{", "Subscribe", "Sign in", "Sponsored", "Advertisement", "Newsletter", "©", "Copyright", "unlimited access", "|"):
        assert junk not in r.text, junk
    assert r.text.count("\n\n") >= 3  # paragraphs survive


def test_soft_wrapped_lines_are_rejoined_and_repeats_dropped():
    raw = (
        "Stay informed with our\nspecial reports on trade.\n\n"
        "BERLIN -- Ministers met on Monday to discuss the tariff schedule for cars and machinery.\n\n"
        "Stay informed with our special reports on trade.\n"
    )
    assert split_units(raw)[0] == "Stay informed with our special reports on trade."
    r = clean_scrape(raw)
    assert r.text == "BERLIN -- Ministers met on Monday to discuss the tariff schedule for cars and machinery."


def test_icon_runs_are_recognised_but_names_are_not():
    assert is_icon_run("ChevronLeft IconClose MenuBurger SearchIcon")
    assert not is_icon_run("McDonald's and iPhone makers met in Geneva on Monday.")


def test_strip_furniture_keeps_sentences_that_mention_subscriptions():
    text = (
        "Netflix said it added 5 million subscribers in the quarter, beating forecasts as prices rose in Europe.\n\n"
        "Subscribe now\n\nYou have {{n}} articles left"
    )
    assert strip_furniture(text) == text.split("\n\n")[0]
