"""An expected value E_β[nβ (f − f*)] at one nβ with its error and how it was obtained
(quadrature, sequential Monte Carlo, or the first-order asymptotic formula).

>>> asymptotic_lambda_hat(0.5, 2, 579)
ExpectedValue(0.34280, asymptotic (first order), nβ=579)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..errors import InputError
from .prior import check_positive

__all__ = ["ExpectedValue", "asymptotic_lambda_hat"]


@dataclass(frozen=True)
class ExpectedValue:
    """E_β[nβ (f − f*)] at one nβ, and how it was obtained.

    Attributes
    ----------
    value : float
    error : float or None
        Error estimate of the cubature (None for the asymptotic formula, whose
        error is O(1/log(nβ)²) and not bounded here).
    method : str
        ``"quadrature"``, ``"smc"`` or ``"asymptotic (first order)"``.
    nbeta : float
    settings : dict
        The potential's settings (prior, γ, w*), evaluations, the exact (λ, m) when known.

    Examples
    --------
    >>> ev = asymptotic_lambda_hat(1, 1, 100)
    >>> float(ev), ev.to_dict()["method"]
    (1.0, 'asymptotic (first order)')
    """

    value: float
    error: float | None
    method: str
    nbeta: float
    settings: dict = field(default_factory=dict, compare=False, hash=False)

    def __float__(self):
        return float(self.value)

    def __repr__(self):
        err = f" ± {self.error:.2g}" if self.error is not None else ""
        return f"ExpectedValue({self.value:.5f}{err}, {self.method}, nβ={self.nbeta:.6g})"

    def to_dict(self) -> dict:
        """A JSON-friendly view."""
        return {"value": self.value, "error": self.error, "method": self.method, "nbeta": self.nbeta,
                "settings": dict(self.settings)}


def asymptotic_lambda_hat(lam, m, nbeta) -> ExpectedValue:
    """λ − (m − 1)/log(nβ): the first-order finite-nβ value of E_β[nβ K].

    From ∫ e^{−tK} φ ≍ C t^{−λ} (log t)^{m−1}: E_β[tK] = −t d/dt log Z(t)
    = λ − (m − 1)/log t + O(1/log² t). A rough guide only (for (w1w2)² on
    [−1, 1]² at nβ = 579 it gives 0.343 against the exact 0.380).

    >>> asymptotic_lambda_hat(Fraction(3, 2), 1, 1000).value
    1.5
    """
    lam = float(Fraction(lam)) if isinstance(lam, (Fraction, str)) else float(lam)
    if not isinstance(m, (int, np.integer)) or m < 1:
        raise InputError(f"multiplicity m must be a positive integer, got {m!r}")
    t = check_positive(nbeta, "nbeta")
    if t <= 1:
        raise InputError(f"the asymptotic formula needs nβ > 1, got {t}")
    return ExpectedValue(lam - (m - 1) / math.log(t), None, "asymptotic (first order)", t,
                         {"lambda": lam, "m": int(m)})
