"""A sliding-window limit per client address for endpoints the public can write to
(comments on a naming notice) and for password sign-in (against guessing).

The window lives in each worker's memory: with N workers a client gets at most N
times the limit, which still stops floods and guessing; a shared store (Redis or
the database) is the next step if a deployment needs an exact figure.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import defaultdict, deque

from flask import current_app, request

from gis.errors import TooManyRequests


class SlidingWindow:
    def __init__(self, limit: int, seconds: float):
        self.limit = limit
        self.seconds = seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


def _window(name: str, limit: int, seconds: float) -> SlidingWindow:
    """This app's window for one view (apps in one process keep separate counts)."""
    windows = current_app.extensions.setdefault("diming.ratelimit", {})
    with _create_lock:
        if name not in windows:
            windows[name] = SlidingWindow(limit, seconds)
        return windows[name]


_create_lock = threading.Lock()


def limited(limit: int, seconds: float):
    """Decorate a view: at most ``limit`` calls per ``seconds`` per client address."""

    def decorate(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not _window(name, limit, seconds).allow(request.remote_addr or "unknown"):
                raise TooManyRequests(
                    f"每个地址每 {int(seconds)} 秒最多 {limit} 次，请稍后再试",
                    f"At most {limit} requests per {int(seconds)} s from one address; try again later",
                )
            return view(*args, **kwargs)

        return guarded

    return decorate
