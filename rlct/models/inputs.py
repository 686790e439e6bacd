"""Input distributions with exact moments (for K) and samplers (for data sets).

A regression model's K(w) = E_x[(f(x, w) − f(x, w0))²] / (2σ²) is a polynomial in
w whose coefficients are moments E[x^α] of the inputs. Every distribution here
knows its moments exactly (as Fractions) and draws samples with numpy.

>>> from rlct.models.inputs import Gaussian, Uniform, Discrete
>>> [Gaussian().moment(k) for k in range(5)]
[Fraction(1, 1), Fraction(0, 1), Fraction(1, 1), Fraction(0, 1), Fraction(3, 1)]
>>> Uniform(0, 1).moment(2)
Fraction(1, 3)
>>> Discrete([-1, 1]).moment(2)
Fraction(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb

import numpy as np

from ..errors import InputError
from ..polynomial import as_fraction
from ..validate import check_sequence

__all__ = ["Gaussian", "Uniform", "Discrete", "as_distribution"]


def _double_factorial_odd(j: int) -> int:
    """(2j − 1)!! = 1·3·5···(2j − 1), with (−1)!! = 1."""
    out = 1
    for i in range(1, 2 * j, 2):
        out *= i
    return out


@dataclass(frozen=True)
class Gaussian:
    """The normal distribution N(mean, var) with rational mean and variance.

    >>> Gaussian(mean=1, var=2).moment(2)        # var + mean²
    Fraction(3, 1)
    """

    mean: Fraction = Fraction(0)
    var: Fraction = Fraction(1)

    def __post_init__(self):
        object.__setattr__(self, "mean", as_fraction(self.mean, "Gaussian mean"))
        object.__setattr__(self, "var", as_fraction(self.var, "Gaussian variance"))
        if self.var <= 0:
            raise InputError(f"Gaussian variance must be positive, got {self.var}")

    def moment(self, k: int) -> Fraction:
        """E[x^k] = Σ_j C(k, 2j) μ^{k−2j} σ^{2j} (2j−1)!!."""
        return sum((comb(k, 2 * j) * self.mean ** (k - 2 * j) * self.var**j * _double_factorial_odd(j)
                    for j in range(k // 2 + 1)), Fraction(0))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.normal(float(self.mean), float(self.var) ** 0.5, size=n)

    def __str__(self):
        return f"N({self.mean}, {self.var})"


@dataclass(frozen=True)
class Uniform:
    """The uniform distribution on [low, high] (rational end points).

    >>> Uniform(-1, 1).moment(4)
    Fraction(1, 5)
    """

    low: Fraction = Fraction(-1)
    high: Fraction = Fraction(1)

    def __post_init__(self):
        object.__setattr__(self, "low", as_fraction(self.low, "Uniform low"))
        object.__setattr__(self, "high", as_fraction(self.high, "Uniform high"))
        if not self.low < self.high:
            raise InputError(f"Uniform needs low < high, got [{self.low}, {self.high}]")

    def moment(self, k: int) -> Fraction:
        a, b = self.low, self.high
        return (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(float(self.low), float(self.high), size=n)

    def __str__(self):
        return f"U[{self.low}, {self.high}]"


@dataclass(frozen=True)
class Discrete:
    """A distribution on finitely many rational values (uniform weights by default).

    >>> Discrete([0, 1], [Fraction(1, 4), Fraction(3, 4)]).moment(1)
    Fraction(3, 4)
    """

    values: tuple
    probs: tuple | None = None

    def __post_init__(self):
        vals = tuple(as_fraction(v, "Discrete value")
                     for v in check_sequence(self.values, "Discrete values", example="[0, 1]"))
        if not vals:
            raise InputError("Discrete needs at least one value")
        if self.probs is None:
            probs = tuple(Fraction(1, len(vals)) for _ in vals)
        else:
            probs = tuple(as_fraction(p, "Discrete probability")
                          for p in check_sequence(self.probs, "Discrete probs", example="['1/4', '3/4']"))
            if len(probs) != len(vals):
                raise InputError(f"Discrete: {len(vals)} values but {len(probs)} probabilities")
            if any(p < 0 for p in probs) or sum(probs) != 1:
                raise InputError(f"Discrete probabilities must be non-negative and sum to 1, got {probs}")
        object.__setattr__(self, "values", vals)
        object.__setattr__(self, "probs", probs)

    def moment(self, k: int) -> Fraction:
        return sum((p * v**k for v, p in zip(self.values, self.probs)), Fraction(0))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.array([float(v) for v in self.values]), size=n,
                          p=np.array([float(p) for p in self.probs]))

    def __str__(self):
        return "Discrete{" + ", ".join(f"{v}: {p}" for v, p in zip(self.values, self.probs)) + "}"


def as_distribution(spec, what: str = "input") -> object:
    """A distribution from a name (``"gaussian"``, ``"normal"``, ``"uniform"``) or an instance.

    >>> as_distribution("uniform")
    Uniform(low=Fraction(-1, 1), high=Fraction(1, 1))
    """
    if isinstance(spec, (Gaussian, Uniform, Discrete)):
        return spec
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key in ("gaussian", "normal"):
            return Gaussian()
        if key == "uniform":
            return Uniform()
        raise InputError(f"unknown {what} distribution {spec!r}: use 'gaussian', 'uniform', "
                         "or Gaussian(...), Uniform(...), Discrete(...)")
    raise InputError(f"{what} distribution must be 'gaussian', 'uniform' or a Gaussian/Uniform/Discrete, "
                     f"got {type(spec).__name__}")
