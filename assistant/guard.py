"""What stands in front of the web app: login backoff, and no writes from strangers.

``LoginLimiter`` counts failed logins per key (a client address, a user name).
After ``free`` failures each further one locks the key for twice as long as the
last, up to ``max_lockout_s``; a success clears it. While locked, even the right
password is refused, so guessing cannot outrun the lock.

``GuardMiddleware`` is plain ASGI (Gradio streams answers; a buffering middleware
would break that). It answers 429 with ``Retry-After`` for a locked client's
``/login``; records each login's outcome per client; and refuses uploads that
come without a valid session (when a login is configured) or from another origin.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

log = logging.getLogger(__name__)


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


class LoginLimiter:
    def __init__(self, free: int = 5, max_lockout_s: float = 300.0, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000):
        self.free, self.max_lockout_s, self.clock, self.max_keys = free, max_lockout_s, clock, max_keys
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds this key must still wait (0 when it may try)."""
        with self._lock:
            r = self._records.get(key)
            return max(0.0, r.locked_until - self.clock()) if r else 0.0

    def failed(self, key: str) -> None:
        with self._lock:
            if len(self._records) >= self.max_keys and key not in self._records:  # bounded memory under a spray of names
                now = self.clock()
                self._records = {k: r for k, r in self._records.items() if r.locked_until > now}
                if len(self._records) >= self.max_keys:
                    self._records.pop(next(iter(self._records)))
            r = self._records.setdefault(key, _Record())
            r.failures += 1
            over = r.failures - self.free
            if over > 0:
                r.locked_until = self.clock() + min(self.max_lockout_s, 2.0 ** (over - 1))
                log.warning("login: %s locked for %.0f s after %d failures", key, r.locked_until - self.clock(), r.failures)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)


def password_check(username: str, password: str, limiter: LoginLimiter) -> Callable[[str, str], bool]:
    """Gradio's auth callable: the one configured login, with per-user backoff."""
    def check(user: str, given: str) -> bool:
        key = "user:" + user
        if limiter.wait(key) > 0:
            return False
        ok = hmac.compare_digest(user.encode(), username.encode()) & hmac.compare_digest(given.encode(), password.encode())
        (limiter.succeeded if ok else limiter.failed)(key)
        return ok

    return check


def _header(scope: dict, name: bytes) -> str | None:
    for k, v in scope.get("headers") or ():
        if k == name:
            return v.decode("latin-1")
    return None


def _cookies(scope: dict) -> dict[str, str]:
    out = {}
    for part in (_header(scope, b"cookie") or "").split(";"):
        k, _, v = part.strip().partition("=")
        if k:
            out[k] = v
    return out


class GuardMiddleware:
    LOGIN = ("/login", "/login/")
    UPLOAD = ("/gradio_api/upload", "/upload")

    def __init__(self, app, limiter: LoginLimiter, auth_required: bool):
        self.app, self.limiter, self.auth_required = app, limiter, auth_required

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        origin = _header(scope, b"origin")
        if origin and origin != "null" and urlsplit(origin).netloc != (_header(scope, b"host") or ""):
            return await _refuse(send, 403, "cross-origin requests are not accepted")
        if path in self.UPLOAD and self.auth_required and not self._signed_in(scope):
            return await _refuse(send, 401, "log in first")
        if path not in self.LOGIN:
            return await self.app(scope, receive, send)
        key = "client:" + ((scope.get("client") or ("?",))[0])
        wait = self.limiter.wait(key)
        if wait > 0:
            return await _refuse(send, 429, f"too many failed logins; try again in {wait:.0f} s", {"retry-after": str(int(wait) + 1)})
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        (self.limiter.succeeded if status.get("code") == 200 else self.limiter.failed)(key)

    @staticmethod
    def _signed_in(scope) -> bool:
        app = scope.get("app")
        tokens, cookie_id = getattr(app, "tokens", None), getattr(app, "cookie_id", None)
        if not tokens or cookie_id is None:
            return False
        cookies = _cookies(scope)
        return any(cookies.get(f"{name}-{cookie_id}") in tokens for name in ("access-token", "access-token-unsecure"))


async def _refuse(send, code: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": code, "headers": raw})
    await send({"type": "http.response.body", "body": body})
