"""benchmarks/RESULTS.md: each benchmark owns one `## ` section and replaces only that section."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine_description() -> str:
    """CPU model and count, Python and OS: enough to tell whether two tables are comparable."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line]
        model = names[0] if names else model
    return f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, {platform.system()}"


def stamped(text: str) -> str:
    return f"Machine: {machine_description()}; {time.strftime('%Y-%m-%d')}.\n\n{text}"


def record_section(heading: str, text: str, results: Path = RESULTS) -> None:
    """Replace the section under `heading` (a `## ` line) with `text`, keeping every other section as it is."""
    existing = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    before, found, after = existing.partition(heading + "\n")
    if not found:
        before, after = existing, ""
    next_section = after.find("\n## ")
    rest = after[next_section:] if next_section >= 0 else ""
    results.write_text(f"{before.rstrip()}\n\n{heading}\n\n{text.strip()}\n{rest}", encoding="utf-8")
