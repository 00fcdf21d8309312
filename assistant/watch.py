"""`tradechat watch`: poll every due feed, ingest watched folders, then update positions and look for changes.

One cycle: each due feed is polled (``ingest.feeds.FeedPoller``) and its new or changed items are
ingested at once, marked done only once stored; the folders of ``watch.folders`` are ingested
incrementally; then ``assistant.changes.after_ingest`` builds positions and records stance
changes and conflicting figures, and sends alerts. A feed that is down, slow, malformed or huge
is recorded against that feed and the others go on.

Between cycles the loop sleeps until the next feed is due (at most ``watch.tick_s``), waking
early when a watched folder changes (watchfiles). SIGTERM or Ctrl-C set ``stop``: the current
item finishes, the cycle ends, and the loop exits cleanly.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ingest.feeds import FeedPoller, FeedStore

from .changes import after_ingest

log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    feeds: list[str] = field(default_factory=list)  # one line per polled feed
    folders: str | None = None
    new: int = 0
    updated: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)
    positions: str | None = None
    events: list[dict] = field(default_factory=list)
    alerts: int = 0

    def summary(self) -> str:
        lines = [f"watch: {self.new} new, {self.updated} updated, {self.removed} removed, {len(self.failed)} failed"]
        lines += [f"  feed {x}" for x in self.feeds]
        if self.folders:
            lines.append(f"  folders: {self.folders}")
        lines += [f"  failed: {x}" for x in self.failed[:20]]
        if self.positions:
            lines.append(f"  {self.positions}")
        kinds = {}
        for e in self.events:
            kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
        if kinds:
            lines.append("  changes: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds.items())
                         + (f"; {self.alerts} alerts sent" if self.alerts else ""))
        return "\n".join(lines)


class Watcher:
    def __init__(self, settings, assistant=None):
        from .assistant import Assistant

        self.settings = settings
        self.assistant = assistant or Assistant.from_settings(settings)
        self.feeds = FeedStore.from_settings(settings)
        self.poller = FeedPoller(settings, self.feeds)
        self.stop = threading.Event()
        self._ingestor = None

    @property
    def ingestor(self):
        if self._ingestor is None:
            self._ingestor = self.assistant.ingestor()
        return self._ingestor

    def cycle(self) -> CycleReport:
        out = CycleReport()
        from ingest.pipeline import IngestReport

        total = IngestReport()
        for feed in self.feeds.due():
            if self.stop.is_set():
                break
            res = self.poller.poll(feed, self.assistant.store.docs.doc_ids(), self.stop)
            if res.files:
                rep = self.ingestor.ingest(res.files, progress=False, origin=f"feed:{feed.name}")
                failed = {e.path.split(" line ")[0]: e.reason for e in rep.failed}
                self.poller.done(feed, res, failed)
                _add(total, rep)
            elif res.status == "ok":
                self.poller.done(feed, res, {})
            out.feeds.append(res.summary())
            out.failed += [f"{feed.name}: {x}" for x in res.item_errors] + ([f"{feed.name}: {res.error}"] if res.error else [])
        folders = [f for f in self.settings.watch.folders if f.exists()]
        if folders and not self.stop.is_set():
            rep = self.ingestor.ingest(folders, progress=False, origin="watch")
            out.folders = rep.summary().splitlines()[0]
            out.failed += [str(e) for e in rep.failed]
            _add(total, rep)
        out.new, out.updated, out.removed = len(total.new), len(total.updated), len(total.removed)
        if total.new or total.updated or total.removed:
            after = after_ingest(self.assistant, total, origin="watch")
            out.positions, out.events, out.alerts = after["positions"], after["events"], after["alerts"]
        return out

    def seconds_to_next(self) -> float:
        now = datetime.now(timezone.utc)
        waits = [max(0.0, f.every_s - (now - datetime.fromisoformat(f.last_polled)).total_seconds()) if f.last_polled else 0.0
                 for f in self.feeds.list()]
        return min([self.settings.watch.tick_s, *waits])

    def run(self, once: bool = False, on_cycle=None) -> None:
        while not self.stop.is_set():
            report = self.cycle()
            if on_cycle:
                on_cycle(report)
            if once:
                return
            self._sleep(self.seconds_to_next())

    def _sleep(self, seconds: float) -> None:
        folders = [str(f) for f in self.settings.watch.folders if f.exists()]
        if not folders or seconds <= 0:
            self.stop.wait(seconds)
            return
        try:
            from watchfiles import watch
        except ImportError:  # polling: the next cycle reads the folders anyway
            self.stop.wait(seconds)
            return
        for _ in watch(*folders, stop_event=self.stop, rust_timeout=int(seconds * 1000), yield_on_timeout=True,
                       raise_interrupt=False):
            return  # a change, or the timeout: either way, a cycle is due


def _add(total, rep) -> None:
    total.new += rep.new
    total.updated += rep.updated
    total.removed += rep.removed
    total.failed += rep.failed
