"""Shared fixtures: the table of known learning coefficients."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
# the table of known learning coefficients, each row with its source
TABLE = HERE / "data" / "known_rlcts.toml"


def known_table() -> dict:
    with open(TABLE, "rb") as fh:
        return tomllib.load(fh)
