"""Seeded draw of articles for the blind question set (see README.md beside this file).

Writes one plain-text file per drawn article (title, date, body) into OUT, so that the
question writer reads the articles and nothing of the system. Reuters text is read from
../shared and never copied into the project; only its NEWIDs end up in the dataset.

    python eval/datasets/draw_articles.py --seed 1 --n 120 --out /tmp/draw-A
"""

from __future__ import annotations

import argparse
import html
import random
import re
from pathlib import Path

STORY = re.compile(r"<REUTERS(?P<attrs>[^>]*)>(?P<body>.*?)</REUTERS>", re.S)


def _field(tag: str, text: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S)
    return html.unescape(m.group(1)).strip() if m else ""


def reuters_stories(folder: Path) -> list[dict]:
    out = []
    for sgm in sorted(folder.glob("reut2-*.sgm")):
        for m in STORY.finditer(sgm.read_text(encoding="latin-1")):
            newid = re.search(r'NEWID="(\d+)"', m.group("attrs")).group(1)
            body = _field("BODY", m.group("body"))
            topics = re.findall(r"<D>(.*?)</D>", _field("TOPICS", m.group("body")))
            out.append({"doc_id": f"reuters21578-{newid}", "title": _field("TITLE", m.group("body")),
                        "date": _field("DATE", m.group("body")), "body": body, "trade": "trade" in topics})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "corpora")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--n", type=int, default=120, help="Reuters stories to draw")
    ap.add_argument("--trade-share", type=float, default=0.5,
                    help="share of the draw taken from the 551 trade-tagged stories; the rest from all others")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    stories = [s for s in reuters_stories(a.corpora / "reuters21578") if len(s["body"]) > 400]
    rng = random.Random(a.seed)
    trade = [s for s in stories if s["trade"]]
    other = [s for s in stories if not s["trade"]]
    n_trade = round(a.n * a.trade_share)
    drawn = rng.sample(trade, n_trade) + rng.sample(other, a.n - n_trade)
    a.out.mkdir(parents=True, exist_ok=True)
    for s in drawn:
        (a.out / f"{s['doc_id']}.txt").write_text(
            f"doc_id: {s['doc_id']}\ntitle: {s['title']}\ndate: {s['date']}\n\n{s['body']}\n", encoding="utf-8")
    print(f"{len(drawn)} stories ({n_trade} trade-tagged) drawn with seed {a.seed} into {a.out}")


if __name__ == "__main__":
    main()
