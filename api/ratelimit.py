"""A sliding-window limit per client address for endpoints the public can write to
(comments on a naming notice), for password sign-in (against guessing) and for
anonymous geocoding, where a request costs what it asks for (a batch of 1,000
reverse points costs 1,000, a search 1).

The client address is ``request.remote_addr``, which ``api.proxies`` has already
set to the real client when the request came through a trusted proxy.

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
        self._hits: dict[str, deque[tuple[float, int]]] = defaultdict(deque)
        self._spent: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    #: Above this many addresses, idle ones are forgotten (public search sees many addresses).
    SWEEP_AT = 10_000

    def _sweep(self, now: float) -> None:
        idle = [key for key, hits in self._hits.items() if not hits or hits[-1][0] <= now - self.seconds]
        for key in idle:
            del self._hits[key], self._spent[key]

    def allow(self, key: str, now: float | None = None, cost: int = 1) -> bool:
        """Spend ``cost`` units of ``key``'s budget if the window has room for them."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._hits) > self.SWEEP_AT:
                self._sweep(now)
            hits = self._hits[key]
            while hits and hits[0][0] <= now - self.seconds:
                self._spent[key] -= hits.popleft()[1]
            if self._spent[key] + cost > self.limit:
                return False
            hits.append((now, cost))
            self._spent[key] += cost
            return True


def _window(name: str, limit: int, seconds: float) -> SlidingWindow:
    """This app's window for one view (apps in one process keep separate counts)."""
    windows = current_app.extensions.setdefault("diming.ratelimit", {})
    with _create_lock:
        if name not in windows:
            windows[name] = SlidingWindow(limit, seconds)
        return windows[name]


_create_lock = threading.Lock()


def client() -> str:
    return request.remote_addr or "unknown"


def charge(name: str, limit: int, seconds: float, cost: int) -> None:
    """Spend ``cost`` of the client's budget ``name`` (``limit`` per ``seconds``), or raise 429."""
    if not _window(name, limit, seconds).allow(client(), cost=cost):
        raise TooManyRequests(
            f"每个地址每 {int(seconds)} 秒最多 {limit} 个单位（每次检索 1 个，逆地理编码每个点 1 个），请稍后再试或登录",
            f"At most {limit} units per {int(seconds)} s from one address (1 per search, 1 per reverse point); try again later or sign in",
        )


def limited(limit: int, seconds: float):
    """Decorate a view: at most ``limit`` calls per ``seconds`` per client address."""

    def decorate(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not _window(name, limit, seconds).allow(client()):
                raise TooManyRequests(
                    f"每个地址每 {int(seconds)} 秒最多 {limit} 次，请稍后再试",
                    f"At most {limit} requests per {int(seconds)} s from one address; try again later",
                )
            return view(*args, **kwargs)

        return guarded

    return decorate
