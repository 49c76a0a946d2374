"""A one-line progress bar on stderr for the long benchmark commands (no dependency, no effect on stdout)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30
MIN_REDRAW_S = 0.1


class ProgressBar:
    """`update(done, total)` redraws `label [#####.....] done/total rate/s`; `close()` ends the line."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.last_drawn = 0.0
        self.drawn = False

    def update(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - self.last_drawn < MIN_REDRAW_S:
            return
        self.last_drawn = now
        filled = round(BAR_WIDTH * done / max(total, 1))
        rate = done / max(now - self.started, 1e-9)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {rate:.1f}/s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
