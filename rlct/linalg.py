"""Exact linear algebra over the rationals (python-flint)."""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import flint

__all__ = ["rank"]


def rank(rows: Sequence[Sequence]) -> int:
    """Exact rank of a rational matrix given by its rows.

    >>> rank([[1, 1], [2, 2], [0, 1]])
    2
    """
    rows = [list(r) for r in rows if any(r)]
    if not rows:
        return 0
    if all(type(x) is int for r in rows for x in r):
        return int(flint.fmpz_mat(rows).rank())
    rows = [list(map(Fraction, r)) for r in rows]
    m = flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in r] for r in rows])
    return int(m.rank())
