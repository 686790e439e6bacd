"""Discrete models given by polynomial probabilities, and the normal mixture with known variance."""

from __future__ import annotations

from fractions import Fraction
from math import factorial
from typing import Mapping, Sequence

import numpy as np

from .. import known
from ..errors import InputError, NotApplicable
from ..polynomial import Polynomial, as_fraction, as_polynomial, natural_key
from .base import ModelLoss, Data, Model, as_point, column_data, count_data, quadrature
from .inputs import Gaussian
from ..validate import check_int, check_sequence, check_str

__all__ = ["Multinomial", "NormalMixture", "independence_mixture"]


def _multinomial_neglog(probabilities, weights, const, parameters, n, description) -> ModelLoss:
    """const − Σ_i weights_i log p_i(w), vectorised (value and gradient); +inf outside the model."""
    from ..numeric.compiled import CompiledPolynomial

    terms = [(float(wt), CompiledPolynomial(p)) for wt, p in zip(weights, probabilities) if wt]

    def value(W):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = const - sum(wt * np.log(c.value(W)) for wt, c in terms)
        return np.where(np.isfinite(out), out, np.inf)

    def gradient(W):
        total = np.zeros_like(W, dtype=float)
        for wt, c in terms:
            v, g = c.value_and_grad(W)
            total -= wt * g / v[:, None]
        return total

    return ModelLoss(parameters, n, value, gradient, description)


def _bounds(bounds) -> dict:
    """``{name: (low, high)}`` with numbers or None, from a mapping (None: no bounds)."""
    if bounds is None:
        return {}
    if not isinstance(bounds, Mapping):
        raise InputError(f"bounds must be a dict name -> (low, high), e.g. {{'t': (0, 1)}}; got {bounds!r}")
    out = {}
    for k, pair in bounds.items():
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise InputError(f"bounds[{k!r}] must be a pair (low, high), e.g. (0, 1); got {pair!r}")
        out[str(k)] = tuple(None if v is None else as_fraction(v, f"bounds[{k!r}]") for v in pair)
    return out


class Multinomial(Model):
    """A discrete model with outcome probabilities p_i(w) polynomial in the parameters.

    K(w) = Σ_i q_i log(q_i / p_i(w)) with q = p(w0). When every q_i > 0, K is
    equivalent to Σ_i (p_i(w) − q_i)² (same λ and m; Watanabe 2009, Lin 2011 §1.3),
    which is what ``kl()`` returns and ``ideal()`` generates.

    Parameters
    ----------
    probabilities : sequence of polynomial-like
        p_1(w), ..., p_k(w); they must sum to 1 identically.
    parameters : sequence of str, optional
        The parameters (default: the symbols of the p_i in natural order).
    true : sequence or mapping
        The true parameter w0.
    domain : list of str, optional
        Linear inequalities on the parameters near w0 (e.g. ``["t >= 0"]``).
    bounds : dict, optional
        Parameter name → (low, high), where each parameter lives (for the numeric side's
        default prior), e.g. ``{"t": (0, 1)}``.

    Examples
    --------
    >>> from rlct.models import Multinomial
    >>> coin = Multinomial(["1 - x*y", "x*y"], true=[0, 0], domain=["x >= 0", "y >= 0"])  # doctest: +SKIP
    >>> m = Multinomial(["(1 + t)/2", "(1 - t)/2"], true=[0])
    >>> m.kl()
    Polynomial('1/2*t**2', variables=('t',))
    """

    def __init__(self, probabilities: Sequence, parameters=None, true=None, domain=None, name=None, bounds=None):
        probs = check_sequence(probabilities, "probabilities", example="['(1 + t)/2', '(1 - t)/2']")
        if len(probs) < 2:
            raise InputError("a multinomial model needs at least two outcome probabilities")
        polys = [as_polynomial(p, what=f"probability {i + 1}") if not isinstance(p, Polynomial) else p
                 for i, p in enumerate(probs)]
        names = sorted({v for p in polys for v in p.variables}, key=natural_key)
        if parameters is None:
            parameters = names
        elif isinstance(parameters, str):
            parameters = [p for p in parameters.replace(",", " ").split() if p]
        parameters = tuple(str(p) for p in check_sequence(parameters, "parameters", example="['t']"))
        unknown = [v for v in names if v not in parameters]
        if unknown:
            raise InputError(f"unknown variable {unknown[0]} in the probabilities: parameters are "
                             f"{', '.join(parameters)}")
        if not parameters:
            raise InputError("the model has no parameters")
        self.parameters = parameters
        self.probabilities = tuple(p.embed(parameters) for p in polys)
        total = sum(self.probabilities, Polynomial({}, parameters))
        if total != Polynomial({(0,) * len(parameters): 1}, parameters):
            raise InputError(f"the probabilities must sum to 1 identically; they sum to {total}")
        self.true_parameter = as_point(true, parameters)
        self.q = tuple(p(self.true_parameter) for p in self.probabilities)
        if any(v < 0 for v in self.q):
            raise InputError(f"the true parameter gives a negative probability: q = {[str(v) for v in self.q]}")
        if isinstance(domain, str):
            domain = [domain]
        self.domain = check_sequence(domain, "domain", example="['t >= 0']") if domain else None
        self._bounds = tuple(_bounds(bounds).items())
        unknown = [k for k in self.bounds if k not in parameters]
        if unknown:
            raise InputError(f"bounds for unknown parameter {unknown[0]}: parameters are {', '.join(parameters)}")
        self._name = check_str(name, "name", allow_none=True)
        self.kl_note = "K is equivalent to Σ_i (p_i(w) − q_i)² (all q_i > 0): same λ and m"

    def _check_interior(self):
        if any(v == 0 for v in self.q):
            raise NotApplicable("the true distribution has a zero probability (boundary of the simplex): "
                                "K is not equivalent to Σ (p_i − q_i)² there")

    def kl(self) -> Polynomial:
        """Σ_i (p_i(w) − q_i)², equivalent to K (same λ, m) when every q_i > 0."""
        self._check_interior()
        return sum(((p - q) ** 2 for p, q in zip(self.probabilities, self.q)), Polynomial({}, self.parameters))

    def ideal(self) -> list:
        """The generators p_i(w) − q_i (the last one is minus the sum of the others and is dropped)."""
        self._check_interior()
        gens = [p - q for p, q in zip(self.probabilities, self.q)][:-1]
        gens = [g for g in gens if not g.is_zero()]
        if not gens:
            raise InputError("K is identically zero: every parameter gives the true distribution")
        return gens

    def population_loss(self) -> ModelLoss:
        """The true K(w) = Σ_i q_i log(q_i / p_i(w)) (vectorised value and gradient)."""
        q = [float(v) for v in self.q]
        const = float(sum(qi * np.log(qi) for qi in q if qi > 0))
        return _multinomial_neglog(self.probabilities, q, const, self.parameters, 0, "multinomial KL divergence")

    def sample(self, n: int, seed=None) -> Data:
        """Counts of the k outcomes in n draws from q.

        >>> m = Multinomial(["(1 + t)/2", "(1 - t)/2"], true=["1/2"])
        >>> int(m.sample(1000, seed=0).y.sum())
        1000
        """
        n = self._check_n(n)
        q = np.array([float(v) for v in self.q])
        return Data(None, self._rng(seed).multinomial(n, q / q.sum()), seed)

    def loss(self, data: Data) -> ModelLoss:
        """L_n(w) = −Σ_i (N_i / n) log p_i(w), vectorised (value and gradient).

        >>> import numpy as np
        >>> m = Multinomial(["(1 + t)/2", "(1 - t)/2"], true=[0])
        >>> L = m.loss(m.sample(100, seed=0))
        >>> L.value(np.array([[0.0]])).round(4)
        array([0.6931])
        """
        counts = count_data(data, len(self.probabilities))
        n = counts.sum()
        return _multinomial_neglog(self.probabilities, counts / n, 0.0, self.parameters, int(n),
                                   "multinomial negative log-likelihood")

    @property
    def name(self):
        return self._name or repr(self)

    def __repr__(self):
        if self._name:
            return self._name
        return f"Multinomial({len(self.probabilities)} outcomes, parameters={list(self.parameters)})"


def independence_mixture(rows: int = 3, cols: int = 3, true=None) -> Multinomial:
    """The mixture of two independence models on rows × cols tables (Lin 2011, §4.4).

    p_ij = t α_i β_j + (1 − t) γ_i δ_j with α, γ in the (rows−1)-simplex and β, δ in
    the (cols−1)-simplex (last coordinates eliminated): d = 1 + 2(rows−1) + 2(cols−1)
    parameters (t, a*, b*, c*, d*).

    >>> m = independence_mixture(2, 2, true={"t": "1/2", "a1": "1/2", "b1": "1/2", "c1": "1/2", "d1": "1/2"})
    >>> m.d, [str(v) for v in m.q]
    (5, ['1/4', '1/4', '1/4', '1/4'])
    """
    rows, cols = (check_int(v, name, minimum=2, maximum=100) for v, name in ((rows, "rows"), (cols, "cols")))
    A = [f"a{i + 1}" for i in range(rows - 1)]
    C = [f"c{i + 1}" for i in range(rows - 1)]
    B = [f"b{j + 1}" for j in range(cols - 1)]
    D = [f"d{j + 1}" for j in range(cols - 1)]

    def last(names):
        return "(1 - " + " - ".join(names) + ")"

    alpha, gamma = A + [last(A)], C + [last(C)]
    beta, delta = B + [last(B)], D + [last(D)]
    probs = [f"t*{alpha[i]}*{beta[j]} + (1 - t)*{gamma[i]}*{delta[j]}" for i in range(rows) for j in range(cols)]
    params = ["t"] + A + B + C + D
    return Multinomial(probs, parameters=params, true=true, bounds={p: (0, 1) for p in params},
                       name=f"independence_mixture({rows}, {cols})")


class NormalMixture(Model):
    """p(x | a, b) = (1 − a) N(x; 0, σ²) + a N(x; b, σ²), σ known.

    The true distribution is p(x | a0, b0) (default a0 = b0 = 0, i.e. N(0, σ²), whose
    true set is {a = 0} ∪ {b = 0}). With Hermite polynomials,
    p/p0 − 1 = Σ_{k≥1} P_k(a, b) He_k(x/σ) / (σ^k k!) where P_k = a b^k − a0 b0^k, so K is
    equivalent to Σ_k P_k², and P_k for k > R lies in ⟨P_1, ..., P_R⟩ (recursion with
    roots b, b0), R = 1 if a0 b0 = 0 else 2. The mixing weight lives in [0, 1]:
    ``domain`` records a ≥ 0 (or a ≤ 1) when a0 is on that boundary.

    Examples
    --------
    >>> from rlct.models import NormalMixture
    >>> import rlct
    >>> rlct.rlct(NormalMixture())          # true N(0, 1), at a = b = 0
    RLCT(λ=1/2, m=2, exact, method='monomial')
    """

    def __init__(self, sigma=1, true=None):
        self.sigma = as_fraction(sigma, "sigma")
        if self.sigma <= 0:
            raise InputError(f"sigma must be positive, got {sigma}")
        self.parameters = ("a", "b")
        self.true_parameter = as_point(true, self.parameters)
        a0, b0 = self.true_parameter
        if not 0 <= a0 <= 1:
            raise InputError(f"the true mixing weight a0 = {a0} is outside [0, 1]")
        dom = []
        if a0 == 0:
            dom.append("a >= 0")
        if a0 == 1:
            dom.append("a <= 1")
        self.domain = dom or None
        self._bounds = (("a", (0, 1)),)
        self._R = 1 if a0 * b0 == 0 else 2
        self.kl_note = (f"K is equivalent to Σ_k P_k²/(σ^(2k) k!), P_k = a b^k − a0 b0^k, generated by "
                        f"k ≤ {self._R} (Hermite expansion of the likelihood ratio)")

    def ideal(self) -> list:
        a0, b0 = self.true_parameter
        gens = [as_polynomial(f"a*b**{k} - ({a0 * b0**k})", variables=self.parameters) for k in range(1, self._R + 1)]
        return gens

    def kl(self) -> Polynomial:
        """The equivalent polynomial Σ_{k ≤ R} P_k² / (σ^{2k} k!) (same λ and m as K)."""
        return sum((g * g * Fraction(1, factorial(k + 1)) * (1 / self.sigma ** (2 * (k + 1)))
                    for k, g in enumerate(self.ideal())), Polynomial({}, self.parameters))

    def sample(self, n: int, seed=None) -> Data:
        n = self._check_n(n)
        rng = self._rng(seed)
        a0, b0 = (float(v) for v in self.true_parameter)
        comp = rng.random(n) < a0
        x = rng.normal(np.where(comp, b0, 0.0), float(self.sigma))
        return Data(x[:, None], np.zeros((n, 0)), seed)

    def loss(self, data: Data) -> ModelLoss:
        """L_n(a, b) = −(1/n) Σ log p(x_i | a, b) up to the constant log(√(2π) σ).

        >>> import numpy as np
        >>> m = NormalMixture()
        >>> L = m.loss(m.sample(100, seed=0))
        >>> L.gradient(np.array([[0.5, 0.1]])).shape
        (1, 2)
        """
        x = column_data(data)
        return self._neglog(x, np.full(len(x), 1 / len(x)), 0.0, len(x), "normal mixture negative log-likelihood")

    def _neglog(self, x, weights, const, n, description) -> ModelLoss:
        """const − Σ_i weights_i log p(x_i | a, b) (up to log(√(2π) σ)), vectorised; +inf outside."""
        s2 = float(self.sigma) ** 2
        e0 = np.exp(-x**2 / (2 * s2))

        def parts(W):
            a, b = W[:, :1], W[:, 1:2]
            e1 = np.exp(-(x[None] - b) ** 2 / (2 * s2))
            return a, b, e1, (1 - a) * e0 + a * e1

        def value(W):
            *_, p = parts(W)
            with np.errstate(divide="ignore", invalid="ignore"):
                out = const - np.log(p) @ weights
            return np.where(np.isfinite(out), out, np.inf)     # outside the model (a density <= 0)

        def gradient(W):
            a, b, e1, p = parts(W)
            ga = -((e1 - e0) / p) @ weights
            gb = -(a * e1 * (x[None] - b) / s2 / p) @ weights
            return np.stack([ga, gb], axis=1)

        return ModelLoss(self.parameters, n, value, gradient, description)

    def population_loss(self, nodes: int = 120) -> ModelLoss:
        """The true K(a, b) = E_q[log q(x) − log p(x | a, b)] by Gauss–Hermite quadrature on each
        component of q (vectorised value and gradient)."""
        a0, b0 = (float(v) for v in self.true_parameter)
        s = float(self.sigma)
        xs, ws = [], []
        for weight, mean in ((1 - a0, 0.0), (a0, b0)):
            if weight > 0:
                x, w = quadrature(Gaussian(Fraction(mean).limit_denominator(10**9), self.sigma**2), nodes)
                xs.append(x)
                ws.append(weight * w)
        x, q = np.concatenate(xs), np.concatenate(ws)
        logq = np.log((1 - a0) * np.exp(-x**2 / (2 * s * s)) + a0 * np.exp(-(x - b0) ** 2 / (2 * s * s)))
        return self._neglog(x, q, float(logq @ q), 0, "normal mixture KL divergence by quadrature")

    def known(self):
        """The catalogue value (:func:`rlct.known.normal_mixture`) when the true distribution is N(0, σ²):
        local at the true parameter when it is not the origin, else the global value."""
        a0, b0 = self.true_parameter
        if a0 * b0 != 0:
            return None
        return known.normal_mixture(point=None if (a0, b0) == (0, 0) else (a0, b0))

    def __repr__(self):
        return f"NormalMixture(sigma={self.sigma}, true=({self.true_parameter[0]}, {self.true_parameter[1]}))"
