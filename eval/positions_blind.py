"""The blind positions set (issue 21): labelled sentences from the whole archive, scored per gate.

The set (``eval/datasets/positions-blind.jsonl``) keeps pointers only: corpus, doc id, the
sentence's index as ``ingest.sentences.split_sentences`` cuts the cleaned text, and a hash
of the sentence, with the labeller's (party, toward, issue, stance) list. The documents are
read from ../shared at run time; a hash that no longer matches is reported, not scored.

    python -m eval.positions_blind make LABELS.jsonl SENTENCES.jsonl   # (re)build the dataset
    python -m eval.positions_blind run --split dev [--out DIR]          # figures, per gate, confidence
    python -m eval.positions_blind run --split test                     # report only; never tune on it
    python -m eval.positions_blind run --split test --judge qwen2.5-coder-1.5b   # rules vs rules + the model as judge

Figures, on one split:
- precision: extracted statements whose (party, issue, stance) a label of that sentence has;
- recall: labels found (all labels, and those whose issue is in the vocabulary);
- party accuracy: extracted statements in sentences with a position whose party is a labelled one;
- quiet: sentences with no position that get no statement;
- per gate: how many statements it removes and how many of those were right, and the figures
  with that gate off;
- confident only: the same figures for statements at or above the confidence minimum
  (what the matrix shows by default).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "eval" / "datasets" / "positions-blind.jsonl"
SHARED = ROOT.parent / "shared" / "corpora"


def split_of(corpus: str, doc: str) -> str:
    """Reuters: odd NEWID dev, even test (as the question set); pages: by a checksum of the doc id."""
    if corpus == "reuters":
        return "dev" if int(doc.rsplit("-", 1)[1]) % 2 else "test"
    return "dev" if zlib.crc32(doc.encode()) % 2 else "test"


def make(labels: Path, sentences: Path, out: Path = DATASET) -> int:
    drawn = {json.loads(line)["id"]: json.loads(line) for line in sentences.read_text(encoding="utf-8").splitlines() if line.strip()}
    rows = []
    for n, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        lab = json.loads(line)
        src = drawn.get(lab.get("id"))
        if src is None:
            raise ValueError(f"{labels} line {n}: id {lab.get('id')!r} is not in {sentences}")
        sts = [{k: x.get(k) for k in ("party", "toward", "issue", "stance")} for x in lab.get("statements", [])]
        rows.append({"id": lab["id"], "split": split_of(src["corpus"], src["doc"]), "stratum": src["stratum"],
                     "corpus": src["corpus"], "doc": src["doc"], "index": src["index"], "hash": src["hash"],
                     "statements": sts, "note": lab.get("note", "")})
    rows.sort(key=lambda r: r["id"])
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} labelled sentences ({sum(r['split'] == 'dev' for r in rows)} dev, "
          f"{sum(r['split'] == 'test' for r in rows)} test) into {out}")
    return 0


def load(split: str | None, path: Path = DATASET) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split in (None, "all", r["split"])]


def documents(rows: list[dict], shared: Path = SHARED) -> dict[str, dict]:
    from .positions import load_documents

    gold = [{"corpus": r["corpus"], "doc": r["doc"]} for r in rows]
    return load_documents(gold, shared, ROOT / "samples")


def extract(docs: dict[str, dict], vocab, gates: frozenset[str] | None) -> tuple[dict[str, list], float]:
    """doc id -> [(sentence start, Decision)] for every clause decision (gated or not); and ms per document."""
    from assistant.positions.extract import decisions

    out, t0 = {}, time.perf_counter()
    for doc_id, doc in docs.items():
        out[doc_id] = decisions(doc, vocab, gates=gates)
    return out, (time.perf_counter() - t0) * 1000 / max(1, len(docs))


def _canon(vocab, name: str | None) -> str | None:
    return (vocab.party(name) or name) if name else None


def score(rows: list[dict], docs: dict[str, dict], decided: dict[str, list], vocab, gates: frozenset[str] | None,
          minimum: float = 0.0) -> dict:
    from eval.datasets.draw_position_sentences import sentence_hash
    from ingest.sentences import split_sentences

    issues = set(vocab.issues)
    c = defaultdict(int)
    rows_out, stale = [], []
    for r in rows:
        doc = docs.get(r["doc"])
        spans = split_sentences(doc["text"]) if doc else []
        if not doc or r["index"] >= len(spans) or sentence_hash(doc["text"][spans[r["index"]][0]: spans[r["index"]][1]].strip()) != r["hash"]:
            stale.append(r["id"])
            continue
        start = spans[r["index"]][0]
        gold = {(_canon(vocab, g["party"]), g["issue"], g["stance"]) for g in r["statements"]}
        gold_parties = {p for p, _, _ in gold}
        got = {(d.rule_party, i, d.cue.name) for d in decided[r["doc"]] if d.sentence.start == start
               and (gates is not None and not gates or d.gate is None or (gates is not None and d.gate not in gates))
               and d.confidence >= minimum for i in d.issues}
        right = got & gold
        c["sentences"] += 1
        c["extracted"] += len(got)
        c["correct"] += len(right)
        c["labelled"] += len(gold)
        c["labelled_vocab"] += sum(i in issues for _, i, _ in gold)
        c["correct_vocab"] += sum(i in issues for _, i, _ in right)
        if gold:
            c["extracted_in_positive"] += len(got)
            c["right_party"] += sum(p in gold_parties for p, _, _ in got)
        else:
            c["negative"] += 1
            c["quiet"] += not got
        rows_out.append({"id": r["id"], "gold": sorted(map(list, gold)), "got": sorted(map(list, got))})
    f = dict(c)
    f["precision"] = round(c["correct"] / c["extracted"], 3) if c["extracted"] else None
    f["recall"] = round(c["correct"] / c["labelled"], 3) if c["labelled"] else None
    f["recall_vocab_issues"] = round(c["correct_vocab"] / c["labelled_vocab"], 3) if c["labelled_vocab"] else None
    f["party_accuracy"] = round(c["right_party"] / c["extracted_in_positive"], 3) if c["extracted_in_positive"] else None
    f["quiet"] = round(c["quiet"] / c["negative"], 3) if c["negative"] else None
    return {"figures": f, "rows": rows_out, "stale": stale}


def gate_effects(rows, docs, decided, vocab) -> dict[str, dict]:
    """Per gate: statements it removes on this split, how many of those were right, and the figures without it."""
    from assistant.positions.gates import GATES

    out = {}
    for name in GATES:
        on = frozenset(GATES)
        off = on - {name}
        with_it = score(rows, docs, decided, vocab, on)["figures"]
        without = score(rows, docs, decided, vocab, off)["figures"]
        out[name] = {"removed": without["extracted"] - with_it["extracted"], "removed_right": without["correct"] - with_it["correct"],
                     "precision_without": without["precision"], "recall_without": without["recall"],
                     "quiet_without": without["quiet"]}
    return out


def judged(rows: list[dict], docs: dict[str, dict], decided: dict[str, list], vocab, model: str) -> dict:
    """Rules vs rules + the local model as a yes/no judge (assistant/positions/judge.py), on this split's statements."""
    from assistant.backends.local import LocalBackend
    from assistant.positions.judge import judge
    from ingest.sentences import split_sentences
    from ingest.settings import Settings

    s = Settings()
    backend = LocalBackend(model, s.llm.model_dir, s.llm.n_ctx, s.llm.n_threads, s.llm.n_batch)
    backend.warm_up()
    n = right = kept = kept_right = 0
    t0 = time.perf_counter()
    for r in rows:
        doc = docs.get(r["doc"])
        if not doc:
            continue
        spans = split_sentences(doc["text"])
        a, b = spans[r["index"]]
        context = doc["text"][spans[r["index"] - 1][0]: a] if r["index"] else ""
        gold = {(_canon(vocab, g["party"]), g["issue"], g["stance"]) for g in r["statements"]}
        for d in decided[r["doc"]]:
            if d.sentence.start != a or d.gate:
                continue
            for issue in d.issues:
                ok = (d.rule_party, issue, d.cue.name) in gold
                keep = judge(backend, doc["text"][a:b], context, d.rule_party, d.cue.name, issue, d.toward) is not False
                n, right = n + 1, right + ok
                kept, kept_right = kept + keep, kept_right + (keep and ok)
    return {"model": model, "statements": n, "rules_precision": round(right / n, 3) if n else None,
            "judge_kept": kept, "judge_precision": round(kept_right / kept, 3) if kept else None,
            "right_dropped": right - kept_right, "seconds_per_statement": round((time.perf_counter() - t0) / max(1, n), 2)}


def run(split: str, out: Path | None, shared: Path = SHARED, model: str | None = None) -> int:
    from assistant.positions.gates import GATES
    from assistant.positions.vocab import Vocabulary

    rows = load(split)
    if not rows:
        print(f"no labelled sentences in split {split!r} of {DATASET}", file=sys.stderr)
        return 2
    if not shared.exists():
        print(f"{shared} is missing: the blind positions set reads its documents from there", file=sys.stderr)
        return 2
    vocab = Vocabulary.load()
    docs = documents(rows, shared)
    decided, ms = extract(docs, vocab, None)
    from ingest.settings import Settings

    minimum = Settings().positions.min_confidence
    result = {"split": split, "ms_per_doc": round(ms, 2), "documents": len(docs),
              "rules": score(rows, docs, decided, vocab, frozenset(GATES))["figures"],
              "no_gates": score(rows, docs, decided, vocab, frozenset())["figures"],
              "confident_only": score(rows, docs, decided, vocab, frozenset(GATES), minimum)["figures"],
              "gates": gate_effects(rows, docs, decided, vocab)}
    if model:
        result["judge"] = judged(rows, docs, decided, vocab, model)
    full = score(rows, docs, decided, vocab, frozenset(GATES))
    print(format_result(result, full["stale"]))
    if model:
        print("with the model as judge: " + json.dumps(result["judge"]))
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "figures.json").write_text(json.dumps(result, indent=2) + "\n")
        (out / "rows.jsonl").write_text("".join(json.dumps(x) + "\n" for x in full["rows"]))
    return 0


def format_result(r: dict, stale: list[str]) -> str:
    def line(name, f):
        return (f"{name:16} {f['sentences']:5} {f['labelled']:6} {f['extracted']:6} {f['correct']:6} "
                f"{f['precision']!s:>6} {f['recall']!s:>6} {f['recall_vocab_issues']!s:>6} {f['party_accuracy']!s:>6} {f['quiet']!s:>6}")

    out = [f"positions, blind set, split {r['split']}: {r['documents']} documents, rule pass {r['ms_per_doc']} ms/doc",
           f"{'':16} {'sents':>5} {'gold':>6} {'got':>6} {'right':>6} {'prec':>6} {'recall':>6} {'r-voc':>6} {'party':>6} {'quiet':>6}",
           line("rules + gates", r["rules"]), line("confident only", r["confident_only"]), line("no gates", r["no_gates"]),
           "per gate (removes / of which right; precision, recall, quiet without it):"]
    for name, g in r["gates"].items():
        out.append(f"  {name:13} {g['removed']:4} / {g['removed_right']:<3} {g['precision_without']!s:>6} {g['recall_without']!s:>6} {g['quiet_without']!s:>6}")
    if stale:
        out.append(f"{len(stale)} labelled sentences no longer match their documents: {', '.join(stale[:10])}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.positions_blind", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("labels", type=Path)
    m.add_argument("sentences", type=Path)
    r = sub.add_parser("run")
    r.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    r.add_argument("--out", type=Path)
    r.add_argument("--judge", metavar="MODEL", help="also measure the local model (e.g. qwen2.5-coder-1.5b) as a yes/no judge")
    a = ap.parse_args(argv)
    if a.cmd == "make":
        return make(a.labels, a.sentences)
    return run(a.split, a.out, model=a.judge)


if __name__ == "__main__":
    sys.exit(main())
