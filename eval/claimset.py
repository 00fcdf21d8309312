"""The verifier's labelled claim set, ``eval/datasets/claims.jsonl``: build it, and score the verifier on it.

    python -m eval.claimset run [--set eval/datasets/claims.jsonl] [--part test] [--out DIR]
    python -m eval.claimset make --paraphrases P.jsonl [--paraphrases P2.jsonl] --natural N.jsonl [--out eval/datasets/claims.jsonl]

A line is one claim and the passages it is judged against::

    {"id", "part": "dev"|"test", "family", "label": "supported"|"contradicted"|"not_stated",
     "claim": [segment, ...], "passages": [[doc_id, start, end], ...], "origin": "..."}

Families: ``true``, ``negation``, ``direction``, ``party``, ``number`` (real sentences, as written
or made false by one edit, from ``eval/claims.py``), ``paraphrase`` (true sentences restated by
hand: must stay supported) and ``natural`` (sentences of the local model's own drafts, labelled
by hand).

The archive's text is never stored here (its terms allow evaluation use, not copies): a claim is
a list of segments, each either our own words (a string) or a pointer ``[doc_id, start, end]``
into a source document, rebuilt at run time from ``../shared`` (Reuters-21578, the seed page) or
``samples/``. Any run of four or more words found verbatim in a source is stored as a pointer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRADECHAT_SHARED", ROOT.parent / "shared")) / "corpora"
SET = ROOT / "eval" / "datasets" / "claims.jsonl"
MIN_RUN = 4  # words: a verbatim run this long becomes a pointer
LABELS = ("supported", "contradicted", "not_stated")


class SourceTexts:
    """doc_id -> the loaded article (its text is what the store holds), read on demand."""

    def __init__(self, shared: Path = SHARED, samples: Path = ROOT / "samples"):
        self.shared, self.samples = shared, samples
        self._docs: dict[str, object] = {}
        self._files_read: set[Path] = set()

    def _read(self, path: Path) -> None:
        from ingest.loaders import load_file

        if path in self._files_read or not path.exists():
            return
        self._files_read.add(path)
        for a in load_file(path):
            if hasattr(a, "doc_id"):
                self._docs[a.doc_id] = a

    def get(self, doc_id: str):
        if doc_id not in self._docs:
            m = re.fullmatch(r"reuters21578-(\d+)", doc_id)
            if m:
                self._read(self.shared / "reuters21578" / f"reut2-{(int(m.group(1)) - 1) // 1000:03d}.sgm")
            else:
                for path in sorted((self.shared / "seed").glob("*")) + sorted(p for p in self.samples.rglob("*") if p.is_file()
                                                                            and p.name != "README.md"):
                    self._read(path)
                    if doc_id in self._docs:
                        break
        if doc_id not in self._docs:
            raise KeyError(f"source document {doc_id!r} is not in {self.shared} or {self.samples}")
        return self._docs[doc_id]

    def text(self, doc_id: str) -> str:
        return self.get(doc_id).text


def encode(claim: str, sources: dict[str, str]) -> list:
    """The claim as segments: runs of >= MIN_RUN words found verbatim in a source become pointers."""
    toks = list(re.finditer(r"\S+", claim))
    out: list = []
    pos, i = 0, 0

    def literal(text: str) -> None:
        if text:
            if out and isinstance(out[-1], str):
                out[-1] += text
            else:
                out.append(text)

    while i < len(toks):
        best = None
        for j in range(i + MIN_RUN - 1, len(toks)):
            piece = claim[toks[i].start():toks[j].end()]
            hit = next(((d, t.find(piece)) for d, t in sources.items() if piece in t), None)
            if hit is None:
                break
            best = (j, hit[0], hit[1], len(piece))
        if best:
            j, doc, a, n = best
            literal(claim[pos:toks[i].start()])
            out.append([doc, a, a + n])
            pos, i = toks[j].end(), j + 1
        else:
            i += 1
    literal(claim[pos:])
    return out


def decode(segments: list, texts: SourceTexts) -> str:
    return "".join(s if isinstance(s, str) else texts.text(s[0])[s[1]:s[2]] for s in segments)


def passages_of(rec: dict, texts: SourceTexts) -> list:
    from assistant.types import Passage

    out = []
    for k, (doc_id, a, b) in enumerate(rec["passages"], 1):
        art = texts.get(doc_id)
        out.append(Passage(f"{rec['id']}-{k}", doc_id, art.text[a:b], a, b, 0, title=getattr(art, "title", None),
                           source=getattr(art, "source", None), published=getattr(art, "published", None)))
    return out


# ---- making the set ---------------------------------------------------------------------
def _record(id: str, part: str, family: str, label: str, claim: list, passages: list, origin: str) -> dict:
    """One line of the set (the field order every line keeps)."""
    return {"id": id, "part": part, "family": family, "label": label, "claim": claim, "passages": passages, "origin": origin}


def _part(k: int) -> str:
    """Hand-made claims alternate: even lines dev (rules may be tuned on them), odd lines test (report only)."""
    return "dev" if k % 2 == 0 else "test"


def _perturbed(part: str, n: int, texts: SourceTexts) -> list[dict]:
    from .claims import build

    out = []
    for c in build(part, n):
        w0, w1 = c["window_span"]
        doc = texts.text(c["doc_id"])
        assert doc[w0:w1] == c["window"], c["id"]
        out.append(_record(c["id"], part, c["family"], "supported" if c["family"] == "true" else "contradicted",
                           encode(c["claim"], {c["doc_id"]: doc}), [[c["doc_id"], w0, w1]],
                           "eval/claims.py: a Reuters trade sentence, as written or with one edit"))
    return out


def _paraphrased(path: Path, texts: SourceTexts) -> list[dict]:
    """Lines {"pid", "doc_id", "window_span", "paraphrase", "label"?, "part"?}: true sentences restated by hand
    (a line's own "part", else alternating)."""
    out = []
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        doc = texts.text(r["doc_id"])
        part = r.get("part") or _part(k)
        out.append(_record(f"{part}-paraphrase-{r['pid']}", part, "paraphrase", r.get("label", "supported"),
                           encode(r["paraphrase"], {r["doc_id"]: doc}), [[r["doc_id"], *r["window_span"]]],
                           "a true sentence restated by a helper session that never saw the verifier"))
    return out


def _natural(path: Path, texts: SourceTexts) -> list[dict]:
    """Lines {"nid", "sentence", "passages": [[doc_id, start, end]], "label", "model", "qid"}: labelled drafts."""
    out = []
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        if r["label"] not in LABELS:
            raise ValueError(f"{path}: {r['nid']}: label {r['label']!r} is not one of {LABELS}")
        docs = {d: texts.text(d) for d, _, _ in r["passages"]}
        out.append(_record(f"{_part(k)}-natural-{r['nid']}", _part(k), "natural", r["label"], encode(r["sentence"], docs),
                           r["passages"], f"{r['model']} draft for question {r['qid']}, labelled by hand"))
    return out


def make(args) -> int:
    texts = SourceTexts()
    recs = _perturbed("dev", args.n, texts) + _perturbed("test", args.n, texts)
    for path in args.paraphrases or []:
        recs += _paraphrased(path, texts)
    if args.natural:
        recs += _natural(args.natural, texts)
    lines = []
    for r in recs:
        lines.append(json.dumps(r, ensure_ascii=False))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(recs)} claims -> {args.out}")
    return 0


# ---- scoring ----------------------------------------------------------------------------
def load(path: Path = SET, part: str | None = None, texts: SourceTexts | None = None) -> list[dict]:
    """The set's claims with their text and passages rebuilt (``claim_text``, ``passage_objs``)."""
    texts = texts or SourceTexts()
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    recs = [r for r in recs if part in (None, r["part"])]
    for r in recs:
        r["claim_text"] = decode(r["claim"], texts)
        r["passage_objs"] = passages_of(r, texts)
    return recs


def score(recs: list[dict], verifier) -> dict:
    """Per family: kept (true, paraphrase) or caught (the rest); natural errors as precision/recall/F1 of a catch."""
    from assistant.entail import compare

    rule_ms, judge_ms = [], []
    fams: dict[str, list] = defaultdict(list)
    for r in recs:
        t0 = time.perf_counter()
        for p in r["passage_objs"]:
            compare(r["claim_text"], p.text)
        rule_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        j = verifier.judge(r["claim_text"], r["passage_objs"])
        judge_ms.append((time.perf_counter() - t0) * 1000)
        r["verdict"], r["reason"] = j.verdict, j.reason
        fams[r["family"]].append(r)
    out: dict = {"n": len(recs), "families": {}}
    for fam, rs in sorted(fams.items()):
        true = [r for r in rs if r["label"] == "supported"]
        false = [r for r in rs if r["label"] != "supported"]
        f = {"n": len(rs)}
        if true:
            f["true_n"], f["kept"] = len(true), round(sum(r["verdict"] == "supported" for r in true) / len(true), 3)
        if false:
            f["false_n"], f["caught"] = len(false), round(sum(r["verdict"] != "supported" for r in false) / len(false), 3)
            f["contradicted"] = round(sum(r["verdict"] == "contradicted" for r in false) / len(false), 3)
        out["families"][fam] = f
    edits = [r for r in recs if r["family"] not in ("natural",) and r["label"] != "supported"]
    kept = [r for r in recs if r["family"] != "natural" and r["label"] == "supported"]
    out["false_caught"] = round(sum(r["verdict"] != "supported" for r in edits) / max(1, len(edits)), 3)
    out["true_and_paraphrase_kept"] = round(sum(r["verdict"] == "supported" for r in kept) / max(1, len(kept)), 3)
    nat = fams.get("natural", [])
    if nat:
        tp = sum(r["label"] != "supported" and r["verdict"] != "supported" for r in nat)
        fp = sum(r["label"] == "supported" and r["verdict"] != "supported" for r in nat)
        fn = sum(r["label"] != "supported" and r["verdict"] == "supported" for r in nat)
        prec, rec = tp / max(1, tp + fp), tp / max(1, tp + fn)
        out["natural_errors"] = {"errors": tp + fn, "correct": len(nat) - tp - fn, "caught": tp, "false_alarms": fp,
                                 "precision": round(prec, 3), "recall": round(rec, 3),
                                 "f1": round(2 * prec * rec / max(1e-9, prec + rec), 3)}
    out["rules_ms_p50"] = round(statistics.median(rule_ms), 2) if rule_ms else None
    out["judge_ms_p50"] = round(statistics.median(judge_ms), 1) if judge_ms else None
    return out


def run(args) -> int:
    from assistant.verify import Verifier
    from ingest.embed import make_embedder
    from ingest.settings import Settings

    if not (SHARED / "reuters21578").is_dir():
        print(f"eval.claimset: {SHARED / 'reuters21578'} is not here (the claims point into it)", file=sys.stderr)
        return 2
    recs = load(args.set, None if args.part == "all" else args.part)
    summary = score(recs, Verifier(make_embedder(Settings.load())))
    summary["part"] = args.part
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / f"verdicts-{args.part}.jsonl").open("w", encoding="utf-8") as f:  # holds archive text: not committed
        for r in recs:
            f.write(json.dumps({k: r[k] for k in ("id", "family", "label", "verdict", "reason", "claim_text")}, ensure_ascii=False) + "\n")
    (args.out / f"summary-{args.part}.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.claimset", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="score the verifier on the set")
    r.add_argument("--set", type=Path, default=SET)
    r.add_argument("--part", choices=["dev", "test", "all"], default="test")
    r.add_argument("--out", type=Path, default=ROOT / "test-output" / "claimset")
    r.set_defaults(func=run)
    m = sub.add_parser("make", help="build the set from the generator, hand paraphrases and labelled drafts")
    m.add_argument("--n", type=int, default=160, help="generated claims per family and part")
    m.add_argument("--paraphrases", type=Path, action="append", help="hand paraphrases (repeatable)")
    m.add_argument("--natural", type=Path)
    m.add_argument("--out", type=Path, default=SET)
    m.set_defaults(func=make)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
