"""Shared fixtures: the table of known learning coefficients."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
# The team's table lives in ../shared beside the repository; tests/data holds a copy
# so that the suite also runs from an sdist or a lone clone.
SHARED = HERE.parents[1] / "shared" / "known_rlcts.toml"
LOCAL = HERE / "data" / "known_rlcts.toml"


def known_table() -> dict:
    path = SHARED if SHARED.exists() else LOCAL
    with open(path, "rb") as fh:
        return tomllib.load(fh)
