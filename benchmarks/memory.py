"""This process's memory, for a benchmark that runs the engine in process: resident now and at its peak, in MB.

Read from /proc/self/status (Linux): VmRSS is resident now, VmHWM the most it ever was. Elsewhere both are None
and the benchmark prints no memory line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STATUS = Path("/proc/self/status")


@dataclass(frozen=True)
class MemoryUse:
    """Resident memory over a run: after its first image (models loaded and run once), after its last, and the
    peak. A last figure well above the first says memory grows with use."""

    first_mb: float
    last_mb: float
    peak_mb: float


def resident_mb(status: str | None = None) -> tuple[float, float] | None:
    """(resident now, peak) in MB from a /proc status text (this process's when None); None where there is none."""
    if status is None:
        try:
            status = STATUS.read_text(encoding="ascii")
        except OSError:
            return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    try:
        return _kilobytes(fields["VmRSS"]) / 1024, _kilobytes(fields["VmHWM"]) / 1024
    except (KeyError, ValueError):
        return None


def _kilobytes(value: str) -> float:
    number, unit = value.split()
    if unit != "kB":
        raise ValueError(f"unexpected unit {unit!r}")
    return float(number)
