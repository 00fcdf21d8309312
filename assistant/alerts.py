"""Alerts: stance changes and conflicting figures, sent where the settings say.

``alerts.webhook``: one JSON POST per event ({"kind", "summary", "party", "issue", "at",
"citations": [...]}), with ``alerts.timeout_s``; ``alerts.file``: the same objects appended as
JSON lines. A failing webhook is logged and counted, never fatal: the events stay in the change
log either way.
"""

from __future__ import annotations

import json
import logging

log = logging.getLogger(__name__)


def alert_body(event: dict) -> dict:
    d = event.get("detail", {})
    cites = [d[k] for k in ("from", "to", "new", "stored", "statement") if isinstance(d.get(k), dict)]
    return {"kind": event["kind"], "summary": event["summary"], "party": event.get("party"), "issue": event.get("issue"),
            "at": event.get("at"), "event_id": event.get("id"), "citations": cites}


def send_alerts(settings, events: list[dict]) -> int:
    """Send these events; returns how many reached every configured target."""
    a = settings.alerts
    if not events or not (a.webhook or a.file):
        return 0
    sent = 0
    bodies = [alert_body(e) for e in events]
    if a.file:
        try:
            a.file.parent.mkdir(parents=True, exist_ok=True)
            with open(a.file, "a", encoding="utf-8") as f:
                f.writelines(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies)
        except OSError as e:
            log.warning("alerts: cannot append to %s (%s)", a.file, e)
            return 0
    if not a.webhook:
        return len(bodies)
    import httpx

    with httpx.Client(timeout=a.timeout_s, follow_redirects=False) as client:
        for b in bodies:
            try:
                r = client.post(a.webhook, json=b)
                if r.status_code >= 400:
                    log.warning("alerts: the webhook answered HTTP %d for %s", r.status_code, b["summary"])
                    continue
                sent += 1
            except httpx.HTTPError as e:
                log.warning("alerts: the webhook %s failed (%s: %s)", a.webhook, type(e).__name__, e)
    return sent
