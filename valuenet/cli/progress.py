"""A progress line on stderr for long imports, drawn only when stderr is a terminal.

The library reports progress through a callback ``(phase, done, total)``; this
module is the one place that turns it into text: rows done, rows per second and,
when the total is known, the time left. Piped or redirected, it draws nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from valuenet.importers import ImportProgress


class ProgressLine:
    """Redraws one status line at most five times a second."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label = label
        self.stream = stream
        self.phase = ""
        self.base = 0
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if phase != self.phase:  # a new phase: its rate is measured from here on
            self.phase, self.started, self.base = phase, now, done
            return
        if now - self.last < 0.2:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = (done - self.base) / elapsed
        text = f"{self.label}: {phase} {done:,}"
        if total:
            text += f"/{total:,} rows ({100 * done / total:.0f}%)"
        else:
            text += " rows"
        text += f"  {rate:,.0f} rows/s"
        if total and rate > 0 and done < total:
            left = int((total - done) / rate)
            text += f"  ETA {left // 60}:{left % 60:02d}"
        self.stream.write("\r" + text[:119].ljust(80))
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 80 + "\r")
            self.stream.flush()


@contextmanager
def progress_bar(label: str, stream: TextIO | None = None) -> Iterator[ImportProgress | None]:
    """A progress callback drawing on stderr when it is a terminal; ``None`` (no drawing) otherwise."""
    out = stream or sys.stderr
    if not out.isatty():
        yield None
        return
    line = ProgressLine(label, out)
    try:
        yield line
    finally:
        line.clear()
