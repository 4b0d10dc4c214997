"""A dependency-free progress bar for long imports and exports.

Draws on a terminal only, so logs, pipes and the web service stay clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO

_WIDTH = 30
_MIN_INTERVAL = 0.1  # seconds between redraws


class Progress:
    """Counts work done; iterate over it, or call ``update`` yourself (use ``with``)."""

    def __init__(self, iterable: Iterable | None, total: int | None, label: str, stream: TextIO):
        self.iterable = iterable
        self.total = total
        self.label = label
        self.stream = stream
        self.done = 0
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self._drawn_at = 0.0

    def __iter__(self) -> Iterator:
        try:
            for item in self.iterable or ():
                yield item
                self.update()
        finally:
            self.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._drawn_at >= _MIN_INTERVAL or self.done == self.total:
            self._drawn_at = now
            self._draw()

    def render(self) -> str:
        """The bar as text (without carriage return)."""
        if not self.total:
            return f"{self.label} {self.done}"
        fraction = min(self.done / self.total, 1.0)
        filled = int(fraction * _WIDTH)
        bar = "#" * filled + "." * (_WIDTH - filled)
        return f"{self.label} [{bar}] {fraction:4.0%} {self.done}/{self.total}"

    def _draw(self) -> None:
        if self.enabled:
            self.stream.write("\r" + self.render())
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.stream is not None:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False


def progress(iterable_or_total: Iterable | int, label: str, *, stream: TextIO | None = None) -> Progress:
    """Progress over an iterable (``for x in progress(rows, "导入")``) or a count.

    ``stream`` defaults to the current ``sys.stderr``; nothing is drawn unless it is a TTY.
    """
    stream = sys.stderr if stream is None else stream
    if isinstance(iterable_or_total, int):
        return Progress(None, iterable_or_total, label, stream)
    try:
        total = len(iterable_or_total)  # type: ignore[arg-type]
    except TypeError:
        total = None
    return Progress(iterable_or_total, total, label, stream)
