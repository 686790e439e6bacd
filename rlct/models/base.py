"""The model interface shared by every model, and the regression machinery.

A model knows its parameters (names), its true parameter ``w0`` (a point of the
true set, where the local RLCT is taken), its data distribution, and gives

* ``kl()`` — K(w) as an exact :class:`~rlct.Polynomial`, or a polynomial with
  the same (λ, m) together with ``kl_note`` saying why (truncation order,
  equivalence);
* ``ideal()`` — generators f_i with λ(K) = λ(Σ f_i²) and the same m;
* ``sample(n, seed=)`` — a :class:`Data` set drawn from the true distribution;
* ``loss(data)`` — the empirical loss L_n(w) (a Polynomial whose coefficients are
  empirical moments for polynomial regression models, else a
  :class:`ModelLoss` with a vectorised value and gradient).
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

import numpy as np

from ..errors import InputError
from ..polynomial import Polynomial, as_fraction, fmpq
from ..validate import check_finite, check_int, check_seed
from .inputs import Discrete, Gaussian, Uniform

__all__ = ["Model", "Data", "ModelLoss", "PolynomialRegression"]


@dataclass(frozen=True)
class Data:
    """A data set: inputs ``x`` (n × number of inputs) and outputs ``y`` (n × number of outputs).

    For discrete models ``x`` is None and ``y`` holds the observed counts or labels.
    """

    x: np.ndarray | None
    y: np.ndarray
    seed: int | None = None

    @property
    def n(self) -> int:
        """The number of observations (rows of x; for discrete models the sum of the counts in y)."""
        if self.x is not None:
            return int(self.x.shape[0])
        return int(self.y.sum()) if self.y.ndim == 1 and np.issubdtype(self.y.dtype, np.integer) else int(len(self.y))

    def __repr__(self):
        return f"Data(n={self.n})"


@dataclass(frozen=True)
class ModelLoss:
    """A loss that is not a polynomial (analytic activations, log-likelihoods): the empirical
    L_n(w) from ``loss(data)`` (``n`` = number of observations) or the true K(w) from
    ``population_loss()`` (``n = 0``).

    ``value(W)`` and ``gradient(W)`` take an array of shape (chains, d) and return
    arrays of shape (chains,) and (chains, d).
    """

    parameters: tuple
    n: int
    value: Callable = field(repr=False)
    gradient: Callable = field(repr=False)
    description: str = ""

    def __call__(self, W):
        return self.value(np.atleast_2d(np.asarray(W, dtype=float)))


def quadrature(dist, nodes: int = 160):
    """Nodes and weights integrating against an input distribution (float).

    Gauss–Hermite for :class:`~rlct.models.inputs.Gaussian`, Gauss–Legendre for
    ``Uniform``, the atoms themselves for ``Discrete``.

    >>> from rlct.models.inputs import Gaussian
    >>> x, w = quadrature(Gaussian(), 20)
    >>> round(float((w * x**2).sum()), 12)
    1.0
    """
    if isinstance(dist, Gaussian):
        x, w = np.polynomial.hermite_e.hermegauss(nodes)
        return float(dist.mean) + np.sqrt(float(dist.var)) * x, w / np.sqrt(2 * np.pi)
    if isinstance(dist, Uniform):
        x, w = np.polynomial.legendre.leggauss(nodes)
        lo, hi = float(dist.low), float(dist.high)
        return (lo + hi) / 2 + (hi - lo) / 2 * x, w / 2
    if isinstance(dist, Discrete):
        return np.array([float(v) for v in dist.values]), np.array([float(p) for p in dist.probs])
    raise InputError(f"no quadrature rule for {dist!r}")


def as_point(true, parameters, what="true parameter") -> tuple:
    """The true parameter as a tuple of Fractions, from a sequence or a mapping."""
    if true is None:
        return tuple(Fraction(0) for _ in parameters)
    if isinstance(true, str) or not isinstance(true, (Mapping, Sequence)) and not hasattr(true, "__iter__"):
        raise InputError(f"the {what} must be a sequence of {len(parameters)} values ({', '.join(parameters)}) "
                         f"or a mapping name -> value, got {true!r}")
    if isinstance(true, Mapping):
        unknown = [k for k in true if str(k) not in parameters]
        if unknown:
            raise InputError(f"unknown parameter {unknown[0]} in the {what}: parameters are {', '.join(parameters)}")
        vals = {str(k): as_fraction(v, f"{what} {k}") for k, v in true.items()}
        return tuple(vals.get(p, Fraction(0)) for p in parameters)
    true = list(true)
    if len(true) != len(parameters):
        raise InputError(f"the {what} needs {len(parameters)} values ({', '.join(parameters)}), got {len(true)}")
    return tuple(as_fraction(v, f"{what} {p}") for v, p in zip(true, parameters))


def regression_data(data):
    """(X, Y) as 2-D float arrays from a Data set of a regression model, or a clear error."""
    if not isinstance(data, Data) or data.x is None:
        raise InputError(f"loss needs a Data set from this model's sample(), got {type(data).__name__}")
    X, Y = check_finite(data.x, "data.x"), check_finite(data.y, "data.y")
    if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0]:
        raise InputError(f"data.x and data.y must be 2-D arrays with one row per observation, got shapes "
                         f"{X.shape} and {Y.shape}")
    if X.shape[0] == 0:
        raise InputError("data is empty (0 observations): L_n needs at least one sample")
    return X, Y


def column_data(data) -> np.ndarray:
    """The observations of a one-dimensional model (a column ``data.x`` of shape (n, 1)) as a
    finite float vector, or a clear error."""
    if not isinstance(data, Data) or data.x is None:
        raise InputError(f"loss needs a Data set from this model's sample(), got {type(data).__name__}")
    x = check_finite(data.x, "data.x")
    if x.ndim != 2 or x.shape[1] != 1:
        raise InputError(f"data.x must have shape (n, 1) (one observation per row), got shape {x.shape}")
    if x.shape[0] == 0:
        raise InputError("data is empty (0 observations): L_n needs at least one sample")
    return x[:, 0]


def count_data(data, k: int) -> np.ndarray:
    """The counts ``data.y`` of a discrete model with ``k`` outcomes, as floats: finite, non-negative
    whole numbers with a positive total; else a clear error."""
    if not isinstance(data, Data):
        raise InputError(f"loss needs a Data set from this model's sample(), got {type(data).__name__}")
    counts = check_finite(data.y, "data.y (the counts)")
    if counts.shape != (k,):
        raise InputError(f"data.y must hold {k} counts (one per outcome), got shape {counts.shape}")
    if np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise InputError(f"data.y must hold non-negative whole counts, got {counts.tolist()}")
    if counts.sum() == 0:
        raise InputError("data is empty (all counts are 0): L_n needs at least one observation")
    return counts


def _frozen(value):
    """A hashable stand-in for a constructor argument (for model equality)."""
    if isinstance(value, Mapping):
        return tuple(sorted(((str(k), _frozen(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, np.ndarray):
        return ("array", value.shape, tuple(value.ravel().tolist()))
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


class Model:
    """Base class: subclasses set ``parameters``, ``true_parameter`` and implement the methods.

    Models are immutable once built, and equal (with equal hashes) when they are of the
    same class built from equal arguments:

    >>> from rlct.models import ReducedRankRegression
    >>> ReducedRankRegression(2, 2, 1) == ReducedRankRegression(M=2, N=2, H=1, r=0)
    True
    >>> ReducedRankRegression(2, 2, 1).prior = "a1"
    Traceback (most recent call last):
    ...
    AttributeError: ReducedRankRegression is immutable: build a new model instead of setting 'prior'

    Attributes
    ----------
    parameters : tuple of str
    true_parameter : tuple of Fraction
    bounds : dict
        Parameter name → (low, high) where the parameter lives (None: unbounded), e.g. a
        mixing weight in [0, 1]; used for the numeric side's default prior.
    domain : list of str or None
        Linear inequalities on the parameters near ``w0`` (e.g. a mixing weight ≥ 0).
    prior : str or None
        A monomial prior amplitude (default: a positive smooth density).
    """

    parameters: tuple = ()
    true_parameter: tuple = ()
    domain = None
    prior = None
    kl_note: str = "K is exact"
    _bounds: tuple = ()  # (name, (low, high)) pairs; read through :attr:`bounds`

    @property
    def bounds(self) -> Mapping:
        """Parameter name → (low, high) (read-only; empty when every parameter is unbounded)."""
        return MappingProxyType(dict(self._bounds))

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None:
            cls.__init__ = _freezing(init)

    def __setattr__(self, name, value):
        if "_spec" in self.__dict__:
            raise AttributeError(f"{type(self).__name__} is immutable: build a new model instead of setting {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if "_spec" in self.__dict__:
            raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")
        object.__delattr__(self, name)

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return self.__dict__.get("_spec", id(self)) == other.__dict__.get("_spec", id(other))

    def __hash__(self):
        return hash((type(self).__qualname__, self.__dict__.get("_spec", id(self))))

    @property
    def d(self) -> int:
        """The number of parameters."""
        return len(self.parameters)

    @property
    def name(self) -> str:
        return repr(self)

    def kl(self) -> Polynomial:  # pragma: no cover - abstract
        raise NotImplementedError

    def ideal(self) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def known(self):
        """The closed-form (global) RLCT from :mod:`rlct.known`, or None when there is none."""
        return None

    def population_loss(self):
        """The true K(w) for the numeric side, when ``kl()`` is only equivalent to it (a truncated
        series or an equivalent polynomial): a :class:`ModelLoss` with vectorised value and
        gradient. None when ``kl()`` is K itself (use the polynomial)."""
        return None

    def prior_box(self, radius: float = 1.0):
        """(low, high) float arrays: the box w0 ± radius cut to the parameters' ``bounds``
        (e.g. a mixing weight in [0, 1]); the numeric side's default uniform prior."""
        w0 = np.array([float(v) for v in self.true_parameter])
        low, high = w0 - radius, w0 + radius
        for name, (lo, hi) in self.bounds.items():
            i = self.parameters.index(name)
            if lo is not None:
                low[i] = max(low[i], float(lo))
            if hi is not None:
                high[i] = min(high[i], float(hi))
        return low, high

    def at(self) -> dict:
        """The true parameter as a mapping name → Fraction."""
        return dict(zip(self.parameters, self.true_parameter))

    def _rng(self, seed):
        return np.random.default_rng(check_seed(seed, generator=True))

    def _check_n(self, n):
        return check_int(n, "n")


def _freezing(init):
    """Wrap a model's ``__init__``: record its arguments (for equality) and freeze the
    model when the outermost constructor returns."""
    sig = inspect.signature(init)

    @functools.wraps(init)
    def wrapped(self, *args, **kwargs):
        outer = "_building" not in self.__dict__
        if outer:
            object.__setattr__(self, "_building", True)
        try:
            init(self, *args, **kwargs)
        finally:
            if outer:
                object.__delattr__(self, "_building")
        if outer:
            bound = sig.bind(self, *args, **kwargs)
            bound.apply_defaults()
            object.__setattr__(self, "_spec", _frozen(dict(list(bound.arguments.items())[1:])))

    return wrapped


# --------------------------------------------------------------------------------------
# Polynomial regression: y = f(x, w) + N(0, σ²), f polynomial in w and in x
# --------------------------------------------------------------------------------------

def _ldl_generators(coeffs: list, gram: list) -> list:
    """Generators h_k with Σ_{α,β} d_α d_β G_{αβ} = Σ_k D_k h_k², D_k > 0 (exact LDLᵀ of a PSD G).

    When G is non-singular the ideal ⟨h_k⟩ = ⟨d_α⟩, and the d_α themselves are returned.
    """
    n = len(coeffs)
    L = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    D = [Fraction(0)] * n
    A = [row[:] for row in gram]
    for k in range(n):
        D[k] = A[k][k] - sum(L[k][j] ** 2 * D[j] for j in range(k))
        for i in range(k + 1, n):
            s = A[i][k] - sum(L[i][j] * L[k][j] * D[j] for j in range(k))
            if D[k] == 0:
                if s != 0:
                    raise InputError("the input moment matrix is not positive semi-definite")
                L[i][k] = Fraction(0)
            else:
                L[i][k] = s / D[k]
    if all(Dk > 0 for Dk in D):
        return list(coeffs)
    gens = []
    for k in range(n):
        if D[k] > 0:
            h = coeffs[k]
            for i in range(k + 1, n):
                if L[i][k]:
                    h = h + coeffs[i] * L[i][k]
            gens.append(h)
    return gens


class PolynomialRegression(Model):
    """Shared machinery for y = f(x, w) + N(0, σ²) with f polynomial in x and w.

    Subclasses call :meth:`_setup` with, for each output, a mapping from input
    exponent α to the coefficient polynomial c_α(w), so that f_o(x, w) = Σ_α c_α(w) x^α.
    """

    def _setup(self, parameters, inputs, input_dists, outputs, true, noise):
        self.parameters = tuple(parameters)
        self.inputs = tuple(inputs)
        self.input_distributions = tuple(input_dists)
        self._outputs = [dict(o) for o in outputs]
        self.true_parameter = as_point(true, self.parameters)
        self.noise = as_fraction(noise, "noise")
        if self.noise <= 0:
            raise InputError(f"noise must be a positive standard deviation, got {self.noise}")
        if not self.parameters:
            raise InputError("the model has no parameters")
        if not any(self._outputs):
            raise InputError("the model's regression function is empty")

    # exact moments of the inputs
    def _moment(self, exp) -> Fraction:
        out = Fraction(1)
        for dist, k in zip(self.input_distributions, exp):
            if k:
                out *= dist.moment(k)
        return out

    def _differences(self):
        """d_α^o(w) = c_α^o(w) − c_α^o(w0), per output."""
        w0 = self.true_parameter
        outs = []
        for o in self._outputs:
            diffs = {}
            for alpha, c in o.items():
                dc = c - c(w0)
                if not dc.is_zero():
                    diffs[alpha] = dc
            outs.append(diffs)
        return outs

    def _quadratic(self, coeff_maps, moment, scale=Fraction(1)) -> Polynomial:
        """Σ_o Σ_{α,β} c_α c_β moment(α+β) as a Polynomial in the parameters (accumulated in flint)."""
        total = Polynomial({}, self.parameters).flint
        for cm in coeff_maps:
            alphas = list(cm)
            fl = {a: cm[a].embed(self.parameters).flint for a in alphas}
            for i, a in enumerate(alphas):
                sq = moment(tuple(2 * x for x in a))
                if sq:
                    total += fl[a] * fl[a] * fmpq(sq)
                for b in alphas[i + 1:]:
                    m = moment(tuple(x + y for x, y in zip(a, b)))
                    if m:
                        total += fl[a] * fl[b] * fmpq(2 * m)
        return Polynomial.from_flint(total * fmpq(scale), self.parameters)

    def kl(self) -> Polynomial:
        """K(w) = E_x[‖f(x, w) − f(x, w0)‖²] / (2σ²), exactly.

        Returns
        -------
        Polynomial
            In the model's parameters (global coordinates, vanishing at ``w0``).
        """
        if "_kl" not in self.__dict__:
            self.__dict__["_kl"] = self._quadratic(self._differences(), self._moment,
                                                   Fraction(1) / (2 * self.noise**2))
        return self.__dict__["_kl"]

    def ideal(self) -> list:
        """Generators of an ideal with the same (λ, m) as K: the coefficients d_α(w) of
        f(x, w) − f(x, w0), combined by the exact LDLᵀ factorisation of the input
        moment matrix when it is singular (e.g. discrete inputs)."""
        gens = []
        for diffs in self._differences():
            alphas = list(diffs)
            gram = [[self._moment(tuple(x + y for x, y in zip(a, b))) for b in alphas] for a in alphas]
            gens.extend(_ldl_generators([diffs[a] for a in alphas], gram))
        if not gens:
            raise InputError("K is identically zero: every parameter gives the true distribution")
        return gens

    # data
    def _true_outputs(self, X: np.ndarray) -> np.ndarray:
        w0 = self.true_parameter
        Y = np.zeros((X.shape[0], len(self._outputs)))
        for o, cm in enumerate(self._outputs):
            for alpha, c in cm.items():
                v = float(c(w0))
                if v:
                    Y[:, o] += v * np.prod(X ** np.array(alpha), axis=1)
        return Y

    def sample(self, n: int, seed=None) -> Data:
        """Draw n observations (x, y) from the true distribution.

        >>> from rlct.models import ReducedRankRegression
        >>> ReducedRankRegression(2, 2, 1, 0).sample(100, seed=0).x.shape
        (100, 2)
        """
        n = self._check_n(n)
        rng = self._rng(seed)
        X = np.column_stack([d.sample(rng, n) for d in self.input_distributions]) if self.inputs else np.zeros((n, 0))
        Y = self._true_outputs(X) + float(self.noise) * rng.standard_normal((n, len(self._outputs)))
        return Data(X, Y, seed)

    def loss(self, data: Data) -> Polynomial:
        """L_n(w) = (1/n) Σ_i ‖y_i − f(x_i, w)‖² / (2σ²) as a polynomial in w.

        Its coefficients are empirical moments of the data (floats, converted
        exactly to fractions), so evaluating it costs the same for any n. The
        constant log(2πσ²)/2 of the negative log-likelihood is left out.
        """
        X, Y = regression_data(data)
        if X.shape[1] != len(self.inputs) or Y.shape[1] != len(self._outputs):
            raise InputError(f"data has {X.shape[1]} inputs and {Y.shape[1]} outputs; the model has "
                             f"{len(self.inputs)} and {len(self._outputs)}")
        cache = {}

        def emp(exp):
            if exp not in cache:
                cache[exp] = Fraction(float(np.mean(np.prod(X ** np.array(exp, dtype=float), axis=1)))) if X.shape[1] \
                    else Fraction(1)
            return cache[exp]

        total = self._quadratic(self._outputs, emp)
        for o, cm in enumerate(self._outputs):
            y = Y[:, o]
            total = total + Fraction(float(np.mean(y * y)))
            for alpha, c in cm.items():
                m = float(np.mean(y * np.prod(X ** np.array(alpha, dtype=float), axis=1))) if X.shape[1] \
                    else float(np.mean(y))
                total = total - c * (2 * Fraction(m))
        return total * (Fraction(1) / (2 * self.noise**2))
