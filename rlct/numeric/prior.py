"""Priors φ for the numeric side: flat, Gaussian or uniform on a box, times an optional monomial
amplitude Π|w_j − c_j|^{h_j} (Lin 2011's w^τ), evaluated vectorised over chains.

Examples
--------
>>> Prior.gaussian(2.0).with_amplitude([1, 0])
Prior(gaussian(σ=2) × |w - c|^(1, 0))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from ..validate import check_positive

__all__ = ["Prior", "as_prior", "as_vector", "check_positive"]


def as_vector(value, d: int, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a number or {d} numbers (one per parameter), got {value!r:.80}") from None
    if arr.ndim == 0:
        arr = np.full(d, float(arr))
    if arr.shape != (d,):
        raise InputError(f"{name} must be a number or have {d} entries (one per parameter), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be finite, got {value!r}")
    return arr


# ------------------------------------------------------------------------------------
# priors


@dataclass(frozen=True)
class Prior:
    """A prior φ: flat, Gaussian or uniform on a box, times an optional monomial
    amplitude ``Π |w_j − c_j|^{h_j}``.

    Build one with :meth:`flat`, :meth:`gaussian`, :meth:`uniform`, and add an
    amplitude with :meth:`with_amplitude`. Numbers are per coordinate or shared.

    Examples
    --------
    >>> Prior.uniform(-1, 1)
    Prior(uniform[-1, 1])
    >>> p = Prior.gaussian(2.0).with_amplitude([1, 0])
    >>> p
    Prior(gaussian(σ=2) × |w - c|^(1, 0))
    >>> v, g = p.neglog(np.array([[1.0, 0.0]]))
    >>> float(v[0]), g.tolist()
    (0.125, [[-0.75, 0.0]])
    """

    kind: str = "flat"  # "flat", "gaussian", "uniform"
    scale: Any = None  # σ (gaussian)
    low: Any = None  # box (uniform)
    high: Any = None
    center: Any = 0.0  # gaussian mean and amplitude centre
    amplitude: tuple | None = None  # h_j >= 0

    # -- factories -----------------------------------------------------------------
    @classmethod
    def flat(cls) -> "Prior":
        """The improper flat prior (use with a localisation γ or a coercive K).

        >>> Prior.flat().neglog(np.zeros((1, 2)))[0]
        array([0.])
        """
        return cls("flat")

    @classmethod
    def gaussian(cls, scale=1.0, center=0.0) -> "Prior":
        """N(center, scale² I); ``scale`` a number or one per coordinate."""
        s = np.asarray(scale, dtype=float)
        if np.any(~np.isfinite(s)) or np.any(s <= 0):
            raise InputError(f"Gaussian prior scale must be positive, got {scale!r}")
        return cls("gaussian", scale=_freeze(scale), center=_freeze(center))

    @classmethod
    def uniform(cls, low=-1.0, high=1.0) -> "Prior":
        """Uniform on the box ``[low, high]^d`` (numbers or one per coordinate)."""
        lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        if np.any(~np.isfinite(lo)) or np.any(~np.isfinite(hi)) or np.any(lo >= hi):
            raise InputError(f"uniform prior needs finite low < high, got low={low!r}, high={high!r}")
        return cls("uniform", low=_freeze(low), high=_freeze(high))

    def with_amplitude(self, h, center=None) -> "Prior":
        """This prior times ``Π |w_j − c_j|^{h_j}`` (``h_j >= 0``), as in Lin 2011's ``w^τ``."""
        h = tuple(float(x) for x in np.atleast_1d(np.asarray(h, dtype=float)))
        if any(not math.isfinite(x) or x < 0 for x in h):
            raise InputError(f"amplitude exponents must be >= 0, got {h}")
        return Prior(self.kind, self.scale, self.low, self.high,
                     self.center if center is None else _freeze(center), h)

    # -- evaluation ----------------------------------------------------------------
    def arrays(self, d: int) -> dict:
        """The prior's numbers as arrays of length ``d`` (checks the dimension)."""
        out = {"center": as_vector(self.center, d, "prior center")}
        if self.kind == "gaussian":
            out["scale"] = as_vector(self.scale, d, "prior scale")
        if self.kind == "uniform":
            out["low"] = as_vector(self.low, d, "prior low")
            out["high"] = as_vector(self.high, d, "prior high")
        if self.amplitude is not None:
            h = self.amplitude if len(self.amplitude) != 1 else self.amplitude * d
            out["h"] = as_vector(h, d, "prior amplitude")
        return out

    def neglog(self, w: np.ndarray, arrays: dict | None = None):
        """``(−log φ(w), −∇log φ(w))`` up to a constant; ``inf`` outside the support."""
        w = np.asarray(w, dtype=float)
        a = arrays if arrays is not None else self.arrays(w.shape[1])
        value = np.zeros(w.shape[0])
        grad = np.zeros_like(w)
        if self.kind == "gaussian":
            z = (w - a["center"]) / a["scale"]
            value += 0.5 * np.einsum("ij,ij->i", z, z)
            grad += z / a["scale"]
        elif self.kind == "uniform":
            outside = np.any((w < a["low"]) | (w > a["high"]), axis=1)
            value[outside] = np.inf
        if "h" in a:
            j = np.flatnonzero(a["h"])
            u = w[:, j] - a["center"][j]
            with np.errstate(divide="ignore"):
                value -= np.log(np.abs(u)) @ a["h"][j]
                grad[:, j] -= a["h"][j] / u
        return value, grad

    def bounds(self, d: int, tail: float = 1e-15):
        """A box holding all but ``tail`` of the prior's mass (None for flat)."""
        a = self.arrays(d)
        if self.kind == "uniform":
            return a["low"], a["high"]
        if self.kind == "gaussian":
            from scipy.special import ndtri

            k = -ndtri(tail / (2 * d)) + 0.5  # slack for amplitudes
            return a["center"] - k * a["scale"], a["center"] + k * a["scale"]
        return None

    def sample(self, rng: np.random.Generator, chains: int, d: int) -> np.ndarray:
        """Draws from the base prior (the amplitude is ignored).

        >>> Prior.uniform(0, 1).sample(np.random.default_rng(0), 3, 2).shape
        (3, 2)
        """
        a = self.arrays(d)
        if self.kind == "gaussian":
            return a["center"] + a["scale"] * rng.standard_normal((chains, d))
        if self.kind == "uniform":
            return rng.uniform(a["low"], a["high"], size=(chains, d))
        raise InputError("cannot draw from a flat prior: give init= positions or a proper prior")

    def __repr__(self):
        if self.kind == "gaussian":
            base = f"gaussian(σ={_show(self.scale)}" + (f", μ={_show(self.center)}" if np.any(np.asarray(self.center) != 0) else "") + ")"
        elif self.kind == "uniform":
            base = f"uniform[{_show(self.low)}, {_show(self.high)}]"
        else:
            base = "flat"
        if self.amplitude is not None:
            base += f" × |w - c|^{tuple(_show(x) for x in self.amplitude)}".replace("'", "")
        return f"Prior({base})"

    def to_dict(self) -> dict:
        """A JSON-friendly view."""
        return {"kind": self.kind, "scale": _plain(self.scale), "low": _plain(self.low), "high": _plain(self.high),
                "center": _plain(self.center), "amplitude": list(self.amplitude) if self.amplitude else None}


def _freeze(x):
    arr = np.asarray(x, dtype=float)
    return float(arr) if arr.ndim == 0 else tuple(float(v) for v in arr)


def _plain(x):
    return list(x) if isinstance(x, tuple) else x


def _show(x):
    if isinstance(x, tuple):
        return "(" + ", ".join(_show(v) for v in x) + ")"
    return f"{x:g}" if isinstance(x, float) else str(x)


def as_prior(prior, d: int, center: np.ndarray | None = None) -> Prior:
    """Read ``prior``: a :class:`Prior`, None (the default: uniform on the unit box
    ``w* ± 1``), ``"flat"``, ``"uniform"`` or ``"gaussian"``."""
    if not (prior is None or isinstance(prior, (str, Prior))):
        raise InputError(f"prior must be a Prior, None, 'uniform', 'gaussian' or 'flat'; got {prior!r:.80}")
    if prior is None or prior == "uniform":
        c = np.zeros(d) if center is None else center
        if np.all(c == 0):
            return Prior.uniform(-1.0, 1.0)
        return Prior.uniform(c - 1.0, c + 1.0)
    if isinstance(prior, Prior):
        prior.arrays(d)
        return prior
    if prior == "flat":
        return Prior.flat()
    if prior == "gaussian":
        return Prior.gaussian(1.0)
    raise InputError(f"prior must be a Prior, None, 'uniform', 'gaussian' or 'flat'; got {prior!r}")
