"""What a run leaves behind: the Markdown report, its plots, the gate and run-to-run comparison."""

from __future__ import annotations

import json
from pathlib import Path

import tomllib

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.toml")
METRICS = ("correct", "refusal_ok", "recall_at_k", "mrr", "fact_share", "citation_recall", "citation_precision")
COLUMNS = ("n",) + METRICS + ("facts_all", "gold_cited", "refused_when_unanswerable", "substitutions", "near_misses",
                             "latency_p50_ms", "latency_p95_ms", "recall_at_10")


def _fmt(v) -> str:
    return "-" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))


def markdown(summary: dict, dataset: str, plots: tuple[str, ...] = (), misses: list[str] | None = None) -> str:
    ran = f"{summary['questions_run']} of {summary['questions_planned']} questions ran"
    if summary.get("interrupted"):
        ran += " (interrupted)"
    lines = [f"# Eval: {dataset}", "",
             f"{ran}; modes {', '.join(summary['modes']) or '-'}; models {', '.join(summary['models']) or '-'}; "
             f"citation judge: {summary.get('judge', 'verifier')}", "",
             "| kind | " + " | ".join(c.replace("_", " ") for c in COLUMNS) + " |",
             "|---" * (len(COLUMNS) + 1) + "|"]
    for kind, b in [("all", summary["all"]), *summary["by_kind"].items()]:
        lines.append("| " + " | ".join([kind] + [_fmt(b.get(c)) for c in COLUMNS]) + " |")
    if misses is not None:
        lines += ["", "Gate: " + ("passed" if not misses else "FAILED"), *[f"- {m}" for m in misses]]
    lines += [""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], summary: dict, out: Path) -> tuple[str, ...]:
    """by_kind.png (metric bars per question kind) and latency.png (histogram); returns the file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(summary["by_kind"])
    shown = ("correct", "refusal_ok", "recall_at_k", "citation_recall", "citation_precision")
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(kinds) + 2), 4))
    width = 0.8 / len(shown)
    for i, m in enumerate(shown):
        vals = [summary["by_kind"][k][m] or 0.0 for k in kinds]
        ax.bar([x + i * width for x in range(len(kinds))], vals, width, label=m.replace("_", " "))
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(kinds))], [f"{k}\n(n={summary['by_kind'][k]['n']})" for k in kinds])
    ax.set_ylim(0, 1.05)
    ax.set_title("per question kind")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "by_kind.png", dpi=90)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist([r["latency_ms"] for r in rows] or [0], bins=20, color="#4a7")
    ax.set_xlabel("answer latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title(f"latency: p50 {_fmt(summary['all']['latency_p50_ms'])} ms, p95 {_fmt(summary['all']['latency_p95_ms'])} ms")
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=90)
    plt.close(fig)
    return ("by_kind.png", "latency.png")


def load_thresholds(path: Path, section: str) -> dict[str, float]:
    """The ``[section]`` table of a TOML file (falling back to ``[default]``): ``"<kind|all>.<metric>" = value``."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"thresholds file {path}: {e}") from None
    table = data.get(section, data.get("default"))
    if table is None:
        raise ValueError(f"thresholds file {path}: no [{section}] or [default] table")
    for key, value in table.items():
        metric = key.rpartition(".")[2]
        if "." not in key or metric not in COLUMNS or not isinstance(value, (int, float)):
            raise ValueError(f"thresholds file {path} [{section}]: bad entry {key!r} = {value!r} "
                             f"(want \"<kind|all>.<metric>\" = number, metric one of {', '.join(COLUMNS)})")
    return table


def gate(summary: dict, thresholds: dict[str, float]) -> list[str]:
    """Every threshold missed, named; metrics ending in ``_ms`` are maxima, the rest minima."""
    misses = []
    if summary.get("interrupted") or summary["questions_run"] < summary["questions_planned"]:
        misses.append(f"only {summary['questions_run']} of {summary['questions_planned']} questions ran")
    for key, limit in thresholds.items():
        kind, _, metric = key.rpartition(".")
        block = summary["all"] if kind == "all" else summary["by_kind"].get(kind)
        value = None if block is None else block.get(metric)
        if value is None:
            misses.append(f"{key}: no value (no questions of kind {kind!r}?) — threshold {limit}")
        elif metric.endswith("_ms") and value > limit:
            misses.append(f"{key} = {value} ms, above the maximum {limit}")
        elif not metric.endswith("_ms") and value < limit:
            misses.append(f"{key} = {value:.3f}, below the minimum {limit}")
    return misses


def _load_run(folder: Path) -> tuple[dict, dict]:
    try:
        rows = [json.loads(line) for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"{folder} is not an eval output folder: {e}") from None
    return {r["id"]: r for r in rows}, summary


def compare(old_dir: Path, new_dir: Path) -> tuple[str, int]:
    """Markdown of what changed between two runs, and how many questions got worse."""
    old, old_s = _load_run(Path(old_dir))
    new, new_s = _load_run(Path(new_dir))
    lines = [f"# Eval comparison: {old_dir} → {new_dir}", "", "| metric | old | new | change |", "|---|---|---|---|"]
    for m in METRICS + ("latency_p50_ms",):
        a, b = old_s["all"].get(m), new_s["all"].get(m)
        delta = "-" if a is None or b is None else f"{b - a:+.3f}"
        lines.append(f"| {m} | {_fmt(a)} | {_fmt(b)} | {delta} |")
    better, worse, changed = [], [], []
    for qid in sorted(set(old) | set(new)):
        o, n = old.get(qid), new.get(qid)
        if o is None or n is None:
            changed.append(f"- `{qid}`: {'new question' if o is None else 'no longer run'}")
            continue

        def rank(r):  # correct beats refusal-right beats wrong; then facts and citation support
            return (r["correct"], r["refusal_ok"], r.get("fact_share") or 0.0, r.get("citation_recall") or 0.0)

        if rank(n) > rank(o):
            better.append(f"- `{qid}`: {_explain(o, n)}")
        elif rank(n) < rank(o):
            worse.append(f"- `{qid}`: {_explain(o, n)}")
        elif o["answer"] != n["answer"]:
            changed.append(f"- `{qid}`: answer text changed, same scores")
    lines += ["", f"## Worse ({len(worse)})", *worse, "", f"## Better ({len(better)})", *better,
              "", f"## Other changes ({len(changed)})", *changed]
    return "\n".join(lines) + "\n", len(worse)


def _explain(o: dict, n: dict) -> str:
    parts = []
    for key in ("correct", "refused", "fact_share", "citation_recall", "citation_precision"):
        if o.get(key) != n.get(key):
            parts.append(f"{key} {_fmt(o.get(key))} → {_fmt(n.get(key))}")
    missing = sorted(set(map(str, o.get("facts_found", []))) - set(map(str, n.get("facts_found", []))))
    if missing:
        parts.append(f"lost facts {missing}")
    return "; ".join(parts) + f" — now: “{n['answer'][:120]}”"
