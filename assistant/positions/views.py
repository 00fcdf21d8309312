"""Views over stored positions: the party x issue matrix and per-cell timelines.

Syndicated copies (near-duplicate groups from ingest) count once: a statement
from a copy is folded into the canonical document's statement and listed as
"also carried by". A cell of the matrix is the latest dated stance (an undated
one only when nothing in the cell is dated); timelines list undated last.
"""

from __future__ import annotations

from collections import defaultdict

from .store import PositionStore


def fold_copies(statements: list[dict], groups: dict[str, str]) -> list[dict]:
    """One statement per (story, party, issue, stance, sentence text) with copies under ``also``."""
    out: dict[tuple, dict] = {}
    for s in statements:
        canonical = groups.get(s["doc_id"], s["doc_id"])
        key = (canonical, s["party"], s["issue"], s["stance"], " ".join(s["sentence"].split()))
        if key not in out:
            out[key] = {**s, "also": []}
        else:
            first = out[key]
            if s["doc_id"] == canonical:  # prefer the canonical copy's own statement
                out[key] = {**s, "also": first["also"] + [_ref(first)]}
            else:
                first["also"].append(_ref(s))
    return sorted(out.values(), key=_order)


def _ref(s: dict) -> dict:
    return {"doc_id": s["doc_id"], "source": s["source"], "published": s["published"]}


def _order(s: dict) -> tuple:
    return (s["published"] is None, s["published"] or "", s["doc_id"], s["start"])


class PositionViews:
    def __init__(self, store: PositionStore, groups=lambda: {}, known=None, min_confidence: float = 0.0):
        self.store = store
        self.groups = groups  # callable: doc_id -> canonical (DocStore.duplicate_groups)
        self.known = known  # callable: the ids of the stored documents (DocStore.doc_ids), or None
        self.min_confidence = min_confidence  # statements below it show only when asked for (``everything``)

    def statements(self, party=None, issue=None, since=None, until=None, everything: bool = False) -> list[dict]:
        found = self.store.statements(party, issue, since, until)
        if self.known is not None:  # a document deleted since the last build cites nothing
            stored = self.known()
            found = [s for s in found if s["doc_id"] in stored]
        if not everything and self.min_confidence:
            found = [s for s in found if s.get("confidence") is None or s["confidence"] >= self.min_confidence]
        return fold_copies(found, self.groups())

    def matrix(self, party=None, issue=None, since=None, until=None, everything: bool = False) -> dict[str, dict[str, dict]]:
        """party -> issue -> {"latest": statement, "count": n}."""
        cells: dict[str, dict[str, dict]] = defaultdict(dict)
        for s in self.statements(party, issue, since, until, everything):  # date order, undated last
            cell = cells[s["party"]].setdefault(s["issue"], {"count": 0})
            cell["count"] += 1
            if "latest" not in cell or s["published"] or not cell["latest"]["published"]:
                cell["latest"] = s  # the latest dated statement; an undated one only if none is dated
        return {p: dict(sorted(c.items())) for p, c in sorted(cells.items(), key=lambda kv: -sum(x["count"] for x in kv[1].values()))}

    def timeline(self, party: str, issue: str, since=None, until=None, everything: bool = False) -> list[dict]:
        return self.statements(party, issue, since, until, everything)


def date_of(s: dict) -> str:
    return (s.get("published") or "")[:10] or "date unknown"


def cell_label(cell: dict) -> str:
    s = cell["latest"]
    more = f" (+{cell['count'] - 1})" if cell["count"] > 1 else ""
    return f"{s['stance']} · {date_of(s)}{more}"


def short_cell_label(cell: dict) -> str:
    """A narrow cell for the web grid: the stance, its month, and how many earlier statements (full date in the timeline)."""
    s = cell["latest"]
    month = (s.get("published") or "")[:7] or "undated"
    more = f" +{cell['count'] - 1}" if cell["count"] > 1 else ""
    return f"{s['stance']} {month}{more}"


def format_matrix(matrix: dict, timelines: bool = True, views: PositionViews | None = None, width: int = 100, everything: bool = False,
                  columns: int = 4) -> str:
    """A party x issue grid (latest stance per cell, numbered), the cited sentence per number, then timelines."""
    if not matrix:
        return "No positions stored. Run `tradechat positions build` after ingesting."
    count = defaultdict(int)
    for cells in matrix.values():
        for issue, cell in cells.items():
            count[issue] += cell["count"]
    issues = sorted(count, key=lambda i: (-count[i], i))
    numbered: list[tuple[str, str, dict]] = []
    lines = [f"{len(matrix)} parties x {len(issues)} issues; each cell: the latest stance [n] (n: the citation below)\n"]
    pw = max(len(p) for p in matrix) + 2
    for i in range(0, len(issues), columns):
        group = issues[i : i + columns]
        lines.append(" " * pw + "".join(f"{g[:17]:18}" for g in group))
        for party, cells in matrix.items():
            row = []
            for issue in group:
                cell = cells.get(issue)
                if cell is None:
                    row.append(f"{'·':18}")
                    continue
                numbered.append((party, issue, cell))
                row.append(f"{cell['latest']['stance'] + f' [{len(numbered)}]':18}")
            if any(c.strip() != "·" for c in row):
                lines.append(f"{party:{pw}}" + "".join(row))
        lines.append("")
    for n, (party, issue, cell) in enumerate(numbered, 1):
        s = cell["latest"]
        more = f"; {cell['count'] - 1} earlier" if cell["count"] > 1 else ""
        toward = f" toward {s['toward']}" if s.get("toward") else ""
        lines.append(f"[{n}] {party} / {issue}: {s['stance']}{toward} — {s['source'] or '?'}, {date_of(s)} ({s['doc_id']}){more}")
        lines.append(f"    “{_clip(s['sentence'], width)}”")
        if timelines and views is not None and cell["count"] > 1:
            for step in views.timeline(party, issue, everything=everything):
                lines.append(f"      {date_of(step):12} {step['stance']:10} {_clip(step['sentence'], width - 24)}")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
