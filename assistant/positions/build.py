"""``tradechat positions build``: extract positions for new or changed documents.

Compares the document store (doc id -> content hash) with what the position
store has processed, and under which extraction version (vocabulary + rules
+ prompts + model). Unchanged documents are skipped, changed and new ones are
(re)extracted, removed ones are dropped. The rule pass runs on every
document; the model pass, when a model is configured, only on the sentences
the rules flag: for each clause with a stance cue it names who holds it (or
nobody), several clauses per call. A model error on a batch falls back
to the rule statements for that batch, with a note.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from dataclasses import asdict, dataclass, field

from ingest.changes import safe_open
from ingest.settings import Settings
from ingest.store import DocStore
from ingest.types import count

from .. import prompts
from ..backends import BackendError, make_backend
from .extract import RULES_VERSION, Statement, decisions, model_request, parse_model_answers, sentences, unique_statements
from .store import PositionStore
from .views import PositionViews
from .vocab import Vocabulary

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    statements: int = 0
    flagged: int = 0
    discarded: int = 0  # clauses the model said hold nobody's position
    reattributed: int = 0  # clauses the model gave to another party than the rules
    gated: dict[str, int] = field(default_factory=dict)  # clauses each gate said are no position
    events: list[dict] = field(default_factory=list)  # change events recorded: statements added, stances changed
    method: str = "rules"
    model: str | None = None
    rule_ms: float = 0.0
    model_ms: float = 0.0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.new + self.changed

    def summary(self) -> str:
        per = ""
        if self.processed:
            per = f"; rule pass {self.rule_ms / self.processed:.1f} ms/doc"
            if self.method == "model":
                per += f", model pass {self.model_ms / self.processed / 1000:.1f} s/doc ({self.model})"
        lines = [f"positions: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, {self.removed} removed"
                 f" — {count(self.statements, 'statement')} from {count(self.flagged, 'flagged sentence')}{per} ({self.seconds:.1f} s)"]
        if self.gated:
            lines.append("  not positions: " + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in
                                                         sorted(self.gated.items(), key=lambda kv: -kv[1])))
        if self.method == "model":
            lines.append(f"  model pass: {self.reattributed} clauses given to another party than the rules', {self.discarded} discarded as nobody's position")
        changed = sum(e["kind"] == "stance_changed" for e in self.events)
        if self.events:
            lines.append(f"  changes: {count(len(self.events) - changed, 'statement')} added, {count(changed, 'stance')} changed "
                         "(`tradechat changes`)")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return asdict(self)


class PositionBuilder:
    def __init__(self, settings: Settings, docs: DocStore, store: PositionStore, vocab: Vocabulary, backend=None):
        self.settings, self.docs, self.store, self.vocab, self.backend = settings, docs, store, vocab, backend

    @classmethod
    def from_settings(cls, settings: Settings, docs: DocStore | None = None, model: str | None = None) -> PositionBuilder:
        """`model`: off | auto | local | openai (default: setting positions.model_pass)."""
        vocab = Vocabulary.load(settings.positions.vocabulary)
        choice = model or settings.positions.model_pass
        backend = None
        if choice != "off":
            backend = make_backend(choice, settings, embedder=None)
            if not hasattr(backend, "structured"):  # auto without a model -> extractive: rules only
                backend = None
        return cls(settings, docs or DocStore(settings.docstore_path), PositionStore(settings.positions_path), vocab, backend)

    def _views(self) -> PositionViews:
        return PositionViews(self.store, self.docs.duplicate_groups, self.docs.doc_ids, self.settings.positions.min_confidence)

    @property
    def model_name(self) -> str | None:
        if self.backend is None:
            return None
        return getattr(self.backend, "model_name", None) or getattr(self.backend, "model", None) or self.backend.name

    def version(self) -> str:
        h = hashlib.sha256(json.dumps(self.vocab.data, sort_keys=True).encode())
        h.update(RULES_VERSION.encode())
        if self.backend is not None:
            h.update(f"{self.backend.name}:{self.model_name}".encode())
            for name in ("positions_system", "positions_user"):
                h.update(prompts.load(name).encode())
        return h.hexdigest()[:16]

    def build(self, progress: bool = False, doc_ids: list[str] | None = None, on_progress=None) -> BuildReport:
        t0 = time.perf_counter()
        report = BuildReport(method="model" if self.backend else "rules", model=self.model_name)
        version = self.version()
        states = {d: s for d, s in self.docs.states().items() if s.status == "ok"}
        done = self.store.processed()
        removed = [d for d in done if d not in states]
        self.store.remove(removed)
        report.removed = len(removed)
        todo = [d for d, s in states.items() if done.get(d) != (s.hash, version) and (doc_ids is None or d in doc_ids)]
        report.unchanged = len(states) - len(todo)
        # what each cell said before, to record what this build changed (a first build or a rebuild of everything
        # after a rules change records nothing: its statements are not news)
        changes = safe_open(self.settings) if done and len(todo) < len(states) else None
        before = self._views().matrix() if changes is not None else None
        bar = _progress(len(todo), progress)
        for i, doc_id in enumerate(sorted(todo)):
            doc = self.docs.document(doc_id)
            if doc is None:  # deleted meanwhile
                continue
            statements, stats = self.extract(doc, report)
            self.store.replace(doc, states[doc_id].hash, version if not stats.get("fell_back") else "fallback",
                               stats["method"], stats, statements)
            report.statements += len(statements)
            if doc_id in done:
                report.changed += 1
            else:
                report.new += 1
            bar.update(1)
            if on_progress:
                on_progress(i + 1, len(todo))
        bar.close()
        if changes is not None and todo:
            report.events = record_changes(changes, before, self._views(), set(todo))
        report.seconds = time.perf_counter() - t0
        log.info("positions: %d documents new, %d changed, %d statements in %.1f s", report.new, report.changed,
                 report.statements, report.seconds)
        return report

    def extract(self, doc: dict, report: BuildReport) -> tuple[list[Statement], dict]:
        t = time.perf_counter()
        sents = sentences(doc["text"], self.vocab)
        todo = []
        for d in decisions(doc, self.vocab, sents):
            if d.gate:
                report.gated[d.gate] = report.gated.get(d.gate, 0) + 1
            else:
                todo.append(d)
        rules = unique_statements(_rule_statements(todo, doc["doc_id"]))
        rule_ms = (time.perf_counter() - t) * 1000
        flagged = sum(s.flagged for s in sents)
        stats = {"sentences": len(sents), "flagged": flagged, "rule_ms": rule_ms, "model_ms": 0.0, "method": "rules"}
        report.rule_ms += rule_ms
        report.flagged += flagged
        if self.backend is None or not todo:
            return rules, stats
        t = time.perf_counter()
        out: list[Statement] = []
        limit = self.settings.positions.max_questions_per_doc
        out += _rule_statements(todo[limit:], doc["doc_id"])
        todo = todo[:limit]
        step = self.settings.positions.questions_per_call
        for i in range(0, len(todo), step):
            batch = todo[i : i + step]
            try:
                messages, schema = model_request(batch, prompts.render)
                answers = parse_model_answers(self.backend.structured(messages, schema, max_tokens=16 * len(batch) + 16), batch)
            except (BackendError, ValueError) as e:
                report.notes.append(f"{doc['doc_id']}: model pass failed ({e}); kept the rule statements for {len(batch)} clauses")
                out += _rule_statements(batch, doc["doc_id"])
                stats["fell_back"] = True
                if isinstance(e, BackendError):  # the model is unreachable: rules for the rest of this build
                    self.backend = None
                    report.notes.append("model pass stopped for the rest of this build")
                    out += _rule_statements(todo[i + step:], doc["doc_id"])
                    break
                continue
            for d, party in zip(batch, answers):
                if party is None:
                    stats["discarded"] = stats.get("discarded", 0) + 1
                    continue
                if party != d.rule_party:
                    stats["reattributed"] = stats.get("reattributed", 0) + 1
                out += d.statements(doc["doc_id"], party, "model")
        stats["model_ms"] = (time.perf_counter() - t) * 1000
        stats["method"] = "model"
        report.model_ms += stats["model_ms"]
        report.discarded += stats.get("discarded", 0)
        report.reattributed += stats.get("reattributed", 0)
        return unique_statements(out), stats


def citation(s: dict) -> dict:
    """What an event keeps of a statement: enough to cite it without the store."""
    return {k: s.get(k) for k in ("doc_id", "start", "end", "sentence", "stance", "source", "published", "title", "url", "toward")}


def record_changes(changes, before: dict, views: PositionViews, processed: set[str]) -> list[dict]:
    """Statements the processed documents added, and cells whose latest stance they changed (from → to, both cited)."""
    after = views.matrix()
    events = []
    for s in views.statements():
        if s["doc_id"] in processed:
            events.append(dict(kind="statement_added", party=s["party"], issue=s["issue"], doc_id=s["doc_id"],
                               summary=f"{s['party']} / {s['issue']}: {s['stance']} ({s['source'] or s['doc_id']}, "
                                       f"{(s['published'] or 'undated')[:10]})", detail={"statement": citation(s)}))
    for party, cells in after.items():
        for issue, cell in cells.items():
            new, old = cell["latest"], before.get(party, {}).get(issue, {}).get("latest")
            if old is None or new["doc_id"] not in processed or new["stance"] == old["stance"]:
                continue
            events.append(dict(kind="stance_changed", party=party, issue=issue, doc_id=new["doc_id"], cites=[old["doc_id"]],
                               summary=f"{party} on {issue}: {old['stance']} → {new['stance']} "
                                       f"({(old['published'] or 'undated')[:10]} → {(new['published'] or 'undated')[:10]})",
                               detail={"from": citation(old), "to": citation(new)}))
    return changes.record_many(events) if events else []


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="positions", file=sys.stderr, disable=not enabled or total < 2, leave=False)


def build_positions(settings: Settings, model: str | None = None, progress: bool = False, on_progress=None) -> BuildReport:
    """Build with the settings' model choice; a model that cannot load falls back to rules, with a note."""
    try:
        builder = PositionBuilder.from_settings(settings, model=model)
    except BackendError as e:
        builder = PositionBuilder.from_settings(settings, model="off")
        report = builder.build(progress, on_progress=on_progress)
        report.notes.insert(0, f"{e}; rules only")
        return report
    note = None
    try:
        if builder.backend is not None and builder.backend.name == "local":
            builder.backend.llm  # load (and verify) the model before the first document
    except BackendError as e:
        builder.backend, note = None, f"{e}; rules only"
    report = builder.build(progress, on_progress=on_progress)
    if note:
        report.notes.insert(0, note)
    return report


def _rule_statements(todo, doc_id: str) -> list[Statement]:
    """The statements the rules alone attribute, for these decisions."""
    return [st for d in todo if d.rule_party for st in d.statements(doc_id, d.rule_party, "rule")]
