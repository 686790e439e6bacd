"""Regression models: general polynomial regression, reduced rank regression, deep linear networks."""

from __future__ import annotations

from fractions import Fraction
from math import prod
from typing import Mapping, Sequence

from .. import known
from ..errors import InputError, Undecided
from ..validate import check_int, check_sequence
from ..polynomial import Polynomial, as_polynomial, natural_key
from .base import ModelLoss, PolynomialRegression
from .inputs import Gaussian, as_distribution

__all__ = ["Regression", "ReducedRankRegression", "DeepLinearNetwork"]


MAX_WIDTH = 1000  # a larger layer's polynomial K is out of reach (and a huge int must fail fast)


def _positive_int(value, name):
    return check_int(value, name, maximum=MAX_WIDTH)


class Regression(PolynomialRegression):
    """y = f(x, w) + N(0, σ²) for f polynomial in the parameters w and the inputs x.

    Parameters
    ----------
    f : str, sympy expression, Polynomial, or a list of them (one per output)
        The regression function, e.g. ``"a*b*x + c*x**2"``.
    parameters : sequence of str
        Which symbols are parameters; every other symbol of ``f`` is an input.
    inputs : str, distribution, or mapping input name → distribution
        ``"gaussian"`` (standard normal, the default), ``"uniform"`` (on [−1, 1]),
        or :class:`~rlct.models.inputs.Gaussian` / ``Uniform`` / ``Discrete``;
        inputs are independent.
    true : sequence or mapping, optional
        The true parameter w0 (default the origin).
    noise : rational
        The noise standard deviation σ (default 1).

    Examples
    --------
    >>> from rlct.models import Regression
    >>> m = Regression("a*b*x", parameters=["a", "b"])
    >>> m.kl()
    Polynomial('1/2*a**2*b**2', variables=('a', 'b'))
    >>> import rlct
    >>> rlct.rlct(m)
    RLCT(λ=1/2, m=2, exact, method='monomial')
    """

    def __init__(self, f, parameters: Sequence[str], inputs="gaussian", true=None, noise=1):
        if isinstance(parameters, str):
            parameters = [p for p in parameters.replace(",", " ").split() if p]
        parameters = tuple(str(p) for p in check_sequence(parameters, "parameters", example="['a', 'b']"))
        if not parameters:
            raise InputError("Regression needs at least one parameter")
        if len(set(parameters)) != len(parameters):
            raise InputError(f"repeated parameter names in {parameters}")
        fs = list(f) if isinstance(f, (list, tuple)) else [f]
        if not fs:
            raise InputError("Regression: f is an empty list of outputs")
        polys = [as_polynomial(g, what="f") if not isinstance(g, Polynomial) else g for g in fs]
        symbols = sorted({v for p in polys for v in p.variables} - set(parameters), key=natural_key)
        if isinstance(inputs, Mapping):
            missing = [s for s in symbols if s not in inputs]
            if missing:
                raise InputError(f"symbol {missing[0]} of f is neither a parameter nor an input "
                                 f"(inputs: {', '.join(inputs) or 'none'})")
            unused = [k for k in inputs if k not in symbols]
            if unused:
                raise InputError(f"input {unused[0]} does not occur in f (or is also a parameter)")
            names = tuple(symbols)
            dists = tuple(as_distribution(inputs[k], f"input {k}") for k in names)
        else:
            names = tuple(symbols)
            dist = as_distribution(inputs)
            dists = tuple(dist for _ in names)
        allv = parameters + names
        outputs = []
        for p in polys:
            p = p.embed(allv)
            cm = {}
            for exp, c in p.terms.items():
                alpha = exp[len(parameters):]
                wexp = exp[:len(parameters)]
                cm.setdefault(alpha, {})[wexp] = c
            outputs.append({a: Polynomial(t, parameters) for a, t in cm.items()})
        self._f = polys
        self._setup(parameters, names, dists, outputs, true, noise)

    def __repr__(self):
        f = ", ".join(str(p) for p in self._f)
        return f"Regression(f={f!r}, parameters={list(self.parameters)})"


def _matrix(prefix, rows, cols):
    return [[f"{prefix}{i + 1}_{j + 1}" for j in range(cols)] for i in range(rows)]


def _canonical(rows, cols, r):
    """[I_r 0; 0 0] as a rows × cols matrix of Fractions."""
    return [[Fraction(int(i == j and i < r)) for j in range(cols)] for i in range(rows)]


class ReducedRankRegression(PolynomialRegression):
    """Reduced rank regression y = B A x + N(0, σ² I), A ∈ R^{H×M}, B ∈ R^{N×H}.

    The true parameter is A0 = [I_r 0; 0 0], B0 = [I_r 0; 0 0] (true map of rank r).
    With the default standard Gaussian inputs K = ‖BA − B0A0‖²_F / (2σ²); other independent
    inputs (``inputs="uniform"``, ``Uniform(...)``, ...) give K = E‖(BA − B0A0)x‖²/(2σ²) with
    their exact moments.

    Parameters
    ----------
    M, N, H : int
        Input dimension, output dimension, number of hidden units (inner rank).
    r : int
        Rank of the true map, 0 <= r <= min(M, N, H).
    noise : rational
        σ (default 1).
    inputs : str or distribution
        Distribution of each input coordinate (default standard Gaussian).

    Examples
    --------
    >>> from rlct.models import ReducedRankRegression
    >>> m = ReducedRankRegression(2, 2, 1, 0)
    >>> m.parameters
    ('a1_1', 'a1_2', 'b1_1', 'b2_1')
    >>> len(m.ideal()), m.known()
    (4, RLCT(λ=1, m=2, exact, method='formula'))

    References
    ----------
    M. Aoyagi, S. Watanabe, Stochastic complexities of reduced rank regression in
    Bayesian estimation, Neural Networks 18 (2005) 924–933.
    """

    def __init__(self, M: int, N: int, H: int, r: int = 0, noise=1, inputs="gaussian"):
        M, N, H = (_positive_int(v, name) for v, name in ((M, "M"), (N, "N"), (H, "H")))
        r = check_int(r, "r", minimum=0)
        if r > min(M, N, H):
            raise InputError(f"true rank r = {r} exceeds min(M, N, H) = {min(M, N, H)}")
        self.M, self.N, self.H, self.r = M, N, H, r
        A, B = _matrix("a", H, M), _matrix("b", N, H)
        params = tuple(x for row in A for x in row) + tuple(x for row in B for x in row)
        idx = {p: i for i, p in enumerate(params)}
        d = len(params)
        outputs = []
        for i in range(N):
            cm = {}
            for j in range(M):
                terms = {}
                for h in range(H):
                    e = [0] * d
                    e[idx[B[i][h]]] += 1
                    e[idx[A[h][j]]] += 1
                    terms[tuple(e)] = 1
                alpha = tuple(int(k == j) for k in range(M))
                cm[alpha] = Polynomial(terms, params)
            outputs.append(cm)
        A0, B0 = _canonical(H, M, r), _canonical(N, H, r)
        true = [A0[h][j] for h in range(H) for j in range(M)] + [B0[i][h] for i in range(N) for h in range(H)]
        dist = as_distribution(inputs)
        self._setup(params, tuple(f"x{j + 1}" for j in range(M)), tuple(dist for _ in range(M)),
                    outputs, true, noise)

    def known(self):

        return known.reduced_rank_regression(self.M, self.N, self.H, self.r)

    def __repr__(self):
        return f"ReducedRankRegression(M={self.M}, N={self.N}, H={self.H}, r={self.r})"


class DeepLinearNetwork(PolynomialRegression):
    """A deep linear network y = W_L ⋯ W_1 x + N(0, σ² I), W_l ∈ R^{H_{l+1} × H_l}.

    ``widths = (H_1, ..., H_{L+1})``: input dimension first, output dimension last.
    The true parameter is W_l = [I_r 0; 0 0] for every layer (true map of rank r).
    Parameters are named ``w{l}_{i}_{j}``. Inputs standard Gaussian by default (``inputs=``
    as in :class:`ReducedRankRegression`), so K = ‖W_L⋯W_1 − W0‖²_F/(2σ²).

    Examples
    --------
    >>> from rlct.models import DeepLinearNetwork
    >>> m = DeepLinearNetwork((1, 1, 1, 1))
    >>> m.kl()
    Polynomial('1/2*w1_1_1**2*w2_1_1**2*w3_1_1**2', variables=('w1_1_1', 'w2_1_1', 'w3_1_1'))

    References
    ----------
    M. Aoyagi, Consideration on the learning efficiency of multiple-layered neural
    networks with linear units, Neural Networks 172 (2024) 106132.
    """

    def __init__(self, widths: Sequence[int], r: int = 0, noise=1, inputs="gaussian"):
        widths = tuple(check_sequence(widths, "widths", example="[2, 3, 2] (input, hidden..., output)"))
        if len(widths) < 2:
            raise InputError(f"a deep linear network needs at least two widths (input, output), got {widths}")
        widths = tuple(_positive_int(w, f"width {k + 1}") for k, w in enumerate(widths))
        r = check_int(r, "r", minimum=0)
        if r > min(widths):
            raise InputError(f"true rank r = {r} exceeds the smallest width {min(widths)}")
        self.widths, self.r = widths, r
        L = len(widths) - 1
        mats = [[[f"w{l + 1}_{i + 1}_{j + 1}" for j in range(widths[l])] for i in range(widths[l + 1])]
                for l in range(L)]
        params = tuple(x for m in mats for row in m for x in row)

        gens = dict(zip(params, Polynomial({}, params).flint.context().gens()))
        prod = [[gens[x] for x in row] for row in mats[0]]
        for l in range(1, L):
            W = mats[l]
            prod = [[sum((gens[W[i][k]] * prod[k][j] for k in range(1, len(prod))), gens[W[i][0]] * prod[0][j])
                     for j in range(widths[0])] for i in range(widths[l + 1])]
        prod = [[Polynomial.from_flint(p, params) for p in row] for row in prod]
        outputs = []
        for i in range(widths[-1]):
            outputs.append({tuple(int(k == j) for k in range(widths[0])): prod[i][j] for j in range(widths[0])})
        true = []
        for l in range(L):
            C = _canonical(widths[l + 1], widths[l], r)
            true += [x for row in C for x in row]
        dist = as_distribution(inputs)
        self._setup(params, tuple(f"x{j + 1}" for j in range(widths[0])), tuple(dist for _ in range(widths[0])),
                    outputs, true, noise)

    MAX_TERMS = 3_000_000

    def _size_guard(self, what):

        paths = prod(self.widths[1:-1])
        estimate = self.widths[0] * self.widths[-1] * paths * (paths + 1) // 2
        if estimate > self.MAX_TERMS:
            raise Undecided(f"{what} of {self!r} would have up to {estimate:,} terms "
                            f"(limit {self.MAX_TERMS:,}): use ideal() — which rlct.rlct(model) uses — or the "
                            "numeric side with population_loss()")

    def kl(self):
        self._size_guard("K")
        return super().kl()

    def loss(self, data):
        self._size_guard("L_n")
        return super().loss(data)

    def population_loss(self):
        """K(w) = ‖W_L⋯W_1 − W0‖²_F/(2σ²) evaluated by matrix products (standard Gaussian inputs),
        for the numeric side when the expanded polynomial would be large; None otherwise."""

        paths = prod(self.widths[1:-1])
        if paths * paths * self.widths[0] * self.widths[-1] < 20_000 or any(
                d != Gaussian() for d in self.input_distributions):
            return None
        import numpy as np

        shapes = [(self.widths[l + 1], self.widths[l]) for l in range(len(self.widths) - 1)]
        sizes = [a * b for a, b in shapes]
        W0 = np.zeros((self.widths[-1], self.widths[0]))
        W0[range(self.r), range(self.r)] = 1
        s2 = float(self.noise) ** 2

        def mats(W):
            out, pos = [], 0
            for (a, b), k in zip(shapes, sizes):
                out.append(W[:, pos:pos + k].reshape(-1, a, b))
                pos += k
            return out

        def value(W):
            Ms = mats(np.atleast_2d(W))
            P = Ms[0]
            for M in Ms[1:]:
                P = M @ P
            return ((P - W0) ** 2).sum(axis=(1, 2)) / (2 * s2)

        def gradient(W):
            Ms = mats(np.atleast_2d(W))
            prefix = [Ms[0]]
            for M in Ms[1:]:
                prefix.append(M @ prefix[-1])
            R = (prefix[-1] - W0) / s2                     # dK/dP
            grads, G = [], R
            for l in range(len(Ms) - 1, -1, -1):         # dK/dW_l = (W_L..W_{l+1})ᵀ R (W_{l-1}..W_1)ᵀ
                right = prefix[l - 1].transpose(0, 2, 1) if l > 0 else None
                g = G @ right if right is not None else G
                grads.append(g.reshape(W.shape[0], -1))
                G = Ms[l].transpose(0, 2, 1) @ G
            return np.concatenate(grads[::-1], axis=1)


        return ModelLoss(self.parameters, 0, value, gradient, f"population K of {self!r} by matrix products")

    def known(self):

        return known.deep_linear_network(self.widths, self.r)

    def __repr__(self):
        return f"DeepLinearNetwork(widths={self.widths}, r={self.r})"
