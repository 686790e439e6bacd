"""Helpers shared by the benchmarks: the known table (the tests' loader) and a median timer."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import known_table  # noqa: E402,F401  (tests/data/known_rlcts.toml)


def timed(fn, repeat):
    """``(result of the last call, median seconds over repeat calls)``."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)
