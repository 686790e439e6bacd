"""Model families for checking papers: binomial and Poisson mixtures with two components, and the
naive Bayes network with one binary hidden variable (the latent class model with two classes).

Each builds its exact ideal (or a polynomial equivalent to K, with the reason in ``kl_note``),
with the bounds where its parameters live, and samples and losses for the numeric side.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import comb, lgamma

import numpy as np

from ..errors import InputError
from ..validate import check_int
from ..polynomial import Polynomial, as_fraction
from .base import Data, Model, ModelLoss, as_point, column_data
from .discrete import Multinomial

__all__ = ["BinomialMixture", "PoissonMixture", "NaiveBayes", "unfold_boundary"]


def _count(value, name, minimum, maximum=1000):
    return check_int(value, name, minimum=minimum, maximum=maximum)


def edge_domain(parameters, point, bounds) -> list | None:
    """``p >= lo`` / ``p <= hi`` for every parameter whose true value is on its bound."""
    dom = []
    for name, v in zip(parameters, point):
        lo, hi = bounds.get(name, (None, None))
        if lo is not None and v == lo:
            dom.append(f"{name} >= {lo}")
        if hi is not None and v == hi:
            dom.append(f"{name} <= {hi}")
    return dom or None


def check_box(parameters, point, bounds, what):
    """Raise InputError naming the first parameter whose true value is outside its bounds."""
    for name, v in zip(parameters, point):
        lo, hi = bounds.get(name, (None, None))
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise InputError(f"the true {what} {name} = {v} is outside [{lo}, {'∞' if hi is None else hi}]")


def _mixture_names(K: int):
    """(weight texts, location names, weight parameters) of a K-component mixture: (1 − a, a) and
    (b, c) for K = 2; else a1..a(K−1) with the last weight 1 − Σ a_h, and b1..bK."""
    if K == 2:
        return ["(1 - a)", "a"], ["b", "c"], ["a"]
    A = [f"a{h + 1}" for h in range(K - 1)]
    return A + ["(1 - " + " - ".join(A) + ")"], [f"b{h + 1}" for h in range(K)], A


def _mixture_point(K, params, weights, locations, true, default, bounds):
    """The true point, its weights (Fractions), the mixture's domain near it, and its distinct atoms."""
    point = as_point(true if true is not None else default, params)
    check_box(params, point, bounds, "parameter")
    w = [_poly(t, params)(point) for t in weights]
    if w[-1] < 0:
        raise InputError(f"the true weights must lie in the simplex; the last weight is {w[-1]}")
    dom = edge_domain(params, point, bounds) or []
    if K > 2 and w[-1] == 0:
        dom.append(" + ".join(weights[:-1]) + " <= 1")
    loc = dict(zip(params, point))
    atoms = sorted({loc[b] for b, wh in zip(locations, w) if wh != 0})
    return point, w, dom or None, atoms


def _default_weights(K):
    return ["1/2"] if K == 2 else [f"1/{K}"] * (K - 1)


class BinomialMixture(Multinomial):
    """p(x | w) = Σ_h w_h Bin(x; N, b_h), x = 0..N, with K components (N = 1: a Bernoulli mixture).

    For K = 2 (the default) the parameters are w = (a, b, c): (1 − a) Bin(N, b) + a Bin(N, c);
    for K ≥ 3 they are the weights a1..a(K−1) (the last weight is 1 − Σ a_h) and b1..bK, all in
    [0, 1]. It is a multinomial model with N + 1 outcomes whose probabilities are polynomial in
    w. When every true probability is positive, K is equivalent to Σ_x (p_x − q_x)² (Watanabe 2009;
    Lin 2011 §1.3), i.e. to the ideal ⟨p_x − q_x⟩. The binomial probabilities are an invertible
    (triangular) linear transform of the moments m_k(w) = Σ_h w_h b_h^k, k ≤ N, of the mixing
    measure (E[C(X, k)] = C(N, k) θ^k), so the ideal is ⟨m_k − m_k(w0) : 1 ≤ k ≤ N⟩. The
    difference of the two mixing measures has at most s = K + (number of atoms of the true one)
    atoms and total mass 0, so its moments obey a linear recursion of order s and those with
    k ≥ s lie in the ideal of the first s − 1: ``ideal()`` returns m_k − m_k(w0) for
    k ≤ min(N, s − 1).

    Parameters
    ----------
    N : int
        The number of trials (>= 1).
    true : sequence or mapping, optional
        The true parameter; default equal weights and every b_h = 1/2, i.e. the single
        binomial Bin(N, 1/2).
    components : int, optional
        The number K of components (>= 2, default 2).

    Examples
    --------
    >>> import rlct
    >>> from rlct.models import BinomialMixture
    >>> m = BinomialMixture(3)
    >>> [str(g) for g in m.ideal()]
    ['-1/2 + b - a*b + a*c', '-1/4 + b**2 - a*b**2 + a*c**2']
    >>> rlct.rlct(m, budget=20)
    RLCT(λ=3/4, m=1, exact, method='blowup')
    """

    def __init__(self, N: int = 2, true=None, components: int = 2):
        N = _count(N, "N", 1)
        K = _count(components, "components", 2)
        weights, locations, A = _mixture_names(K)
        params = tuple(A + locations)
        bounds = {p: (0, 1) for p in params}
        point, w, domain, atoms = _mixture_point(K, params, weights, locations, true,
                                                 _default_weights(K) + ["1/2"] * K, bounds)
        probs = [" + ".join(f"{comb(N, x)}*{wt}*{b}**{x}*(1 - {b})**{N - x}" for wt, b in zip(weights, locations))
                 for x in range(N + 1)]
        super().__init__(probs, parameters=params, true=point, domain=domain, bounds=bounds, name=None)
        self.N = N
        self.components = K
        self._moment_texts = [" + ".join(f"{wt}*{b}**{k}" for wt, b in zip(weights, locations))
                              for k in range(1, N + 1)]
        self._R = min(N, K + len(atoms) - 1)
        self.kl_note = (f"K is equivalent to Σ_x (p_x − q_x)² (all q_x > 0), whose ideal is generated by the "
                        f"moment differences m_k − m_k(w0), k ≤ {self._R} (binomial ↔ moments, then the "
                        f"moment recursion)")

    def ideal(self) -> list:
        """m_k(w) − m_k(w0) for 1 ≤ k ≤ min(N, s − 1) (see the class notes)."""
        self._check_interior()
        gens = []
        for text in self._moment_texts[:self._R]:
            m = _poly(text, self.parameters)
            gens.append(m - m(self.true_parameter))
        return gens

    def __repr__(self):
        extra = "" if self.components == 2 else f", components={self.components}"
        return f"BinomialMixture(N={self.N}, true=({', '.join(str(v) for v in self.true_parameter)}){extra})"


def _poly(text, parameters) -> Polynomial:
    from ..polynomial import as_polynomial

    return as_polynomial(text, variables=parameters)


class PoissonMixture(Model):
    """p(x | w) = Σ_h w_h Poi(x; b_h), x = 0, 1, 2, ..., with K components, learning a single
    Poisson distribution Poi(μ0).

    For K = 2 (the default) the parameters are (a, b, c): (1 − a) Poi(b) + a Poi(c); for K ≥ 3
    the weights a1..a(K−1) (the last is 1 − Σ a_h) and the rates b1..bK. With the Charlier
    polynomials C_k of Poi(μ0) (generating function e^{−t}(1 + t/μ0)^x, E[C_j C_k] =
    δ_jk k!/μ0^k), p/q − 1 = Σ_{k≥1} M_k C_k(x)/k! with M_k = Σ_h w_h (b_h − μ0)^k, so
    E_q[(p/q − 1)²] = Σ_k M_k²/(k! μ0^k). The signed measure Σ_h w_h δ_{b_h − μ0} − δ_0 has at
    most K + 1 atoms and mass 0, so its moments obey a linear recursion of order K + 1 and
    M_k ∈ ⟨M_1, ..., M_K⟩ for k > K: K is equivalent to Σ_{k≤K} M_k²/(k! μ0^k), and ``ideal()``
    is [M_1, ..., M_K].

    Parameters
    ----------
    true : sequence or mapping, optional
        The true parameter; every component with positive weight must have the same rate μ0
        (a single Poisson as truth). Default: equal weights and every rate 1.
    components : int, optional
        The number K of components (>= 2, default 2).

    Examples
    --------
    >>> import rlct
    >>> from rlct.models import PoissonMixture
    >>> m = PoissonMixture()
    >>> [str(g) for g in m.ideal()]
    ['-1 + b - a*b + a*c', '1 - 2*b + 2*a*b - 2*a*c + b**2 - a*b**2 + a*c**2']
    >>> rlct.rlct(m, budget=20)
    RLCT(λ=3/4, m=1, exact, method='blowup')
    """

    def __init__(self, true=None, components: int = 2):
        K = _count(components, "components", 2)
        weights, locations, A = _mixture_names(K)
        self.parameters = tuple(A + locations)
        self._bounds = tuple([(a, (0, 1)) for a in A] + [(b, (0, None)) for b in locations])
        point, w, domain, atoms = _mixture_point(K, self.parameters, weights, locations, true,
                                                 _default_weights(K) + [1] * K, self.bounds)
        if len(atoms) != 1:
            raise InputError(f"the true distribution must be a single Poisson: every component with positive "
                             f"weight needs the same rate, got rates {[str(v) for v in atoms]}")
        if atoms[0] <= 0:
            raise InputError(f"the true rate must be positive, got {atoms[0]}")
        self.true_parameter = point
        self.rate = atoms[0]
        self.components = K
        self.domain = domain
        self._weights, self._locations = weights, locations
        self.kl_note = (f"K is equivalent to Σ_(k≤{K}) M_k²/(k! μ0^k), M_k = Σ_h w_h (b_h − μ0)^k "
                        f"(Charlier expansion of the likelihood ratio)")

    def ideal(self) -> list:
        mu = self.rate
        return [_poly(" + ".join(f"{wt}*({b} - {mu})**{k}" for wt, b in zip(self._weights, self._locations)),
                      self.parameters) for k in range(1, self.components + 1)]

    def kl(self) -> Polynomial:
        """The equivalent polynomial Σ_(k≤K) M_k²/(k! μ0^k) (same λ and m as K)."""
        from math import factorial

        return sum((M * M * (1 / (factorial(k) * self.rate ** k)) for k, M in enumerate(self.ideal(), start=1)),
                   Polynomial({}, self.parameters))

    def sample(self, n: int, seed=None) -> Data:
        """n draws from Poi(μ0), as a column of counts in ``x``.

        >>> PoissonMixture().sample(5, seed=0).x.shape
        (5, 1)
        """
        n = self._check_n(n)
        x = self._rng(seed).poisson(float(self.rate), n)
        return Data(x[:, None].astype(float), np.zeros((n, 0)), seed)

    def _neglog(self, x, weights, const, n, description) -> ModelLoss:
        K = self.components
        lf = np.array([lgamma(v + 1) for v in x])

        def parts(W):
            if K == 2:                       # (1 − a, a)
                mix = np.concatenate([1 - W[:, :1], W[:, :1]], axis=1)
            else:                            # (a1, ..., a(K−1), 1 − Σ a_h)
                mix = np.concatenate([W[:, :K - 1], 1 - W[:, :K - 1].sum(axis=1, keepdims=True)], axis=1)
            rates = W[:, K - 1:]
            with np.errstate(divide="ignore", invalid="ignore"):
                e = np.exp(x[None, None] * np.log(rates)[:, :, None] - rates[:, :, None] - lf[None, None])
            return mix, rates, e, np.einsum("ch,chx->cx", mix, e)

        def value(W):
            *_, p = parts(W)
            with np.errstate(divide="ignore", invalid="ignore"):
                out = const - np.log(p) @ weights
            return np.where(np.isfinite(out), out, np.inf)

        def gradient(W):
            mix, rates, e, p = parts(W)
            with np.errstate(divide="ignore", invalid="ignore"):
                de = e[:, 1:] - e[:, :1] if K == 2 else e[:, :K - 1] - e[:, K - 1:]
                gw = -(de / p[:, None]) @ weights
                gr = -(mix[:, :, None] * e * (x[None, None] / rates[:, :, None] - 1) / p[:, None]) @ weights
            return np.concatenate([gw, gr], axis=1)

        return ModelLoss(self.parameters, n, value, gradient, description)

    def loss(self, data: Data) -> ModelLoss:
        """L_n(w) = −(1/n) Σ log p(x_i | w), vectorised (value and gradient).

        >>> import numpy as np
        >>> m = PoissonMixture()
        >>> L = m.loss(m.sample(200, seed=0))
        >>> L.gradient(np.array([[0.5, 1.0, 1.0]])).shape
        (1, 3)
        """
        x = column_data(data)
        if np.any(x < 0) or np.any(x != np.round(x)):
            raise InputError("data.x must hold Poisson counts (non-negative whole numbers)")
        return self._neglog(x, np.full(len(x), 1 / len(x)), 0.0, len(x), "Poisson mixture negative log-likelihood")

    def population_loss(self) -> ModelLoss:
        """The true K(w) = Σ_x q(x) log(q(x)/p(x | w)), summed until the tail of Poi(μ0) is below 1e-16."""
        mu = float(self.rate)
        top = int(mu + 12 * np.sqrt(mu) + 40)
        x = np.arange(top + 1, dtype=float)
        logq = x * np.log(mu) - mu - np.array([lgamma(v + 1) for v in x])
        q = np.exp(logq)
        return self._neglog(x, q, float(q @ logq), 0, "Poisson mixture KL divergence (truncated sum)")

    def __repr__(self):
        extra = "" if self.components == 2 else f", components={self.components}"
        return f"PoissonMixture(true=({', '.join(str(v) for v in self.true_parameter)}){extra})"


class NaiveBayes(Multinomial):
    """The naive Bayes network with one binary hidden variable and n binary observed variables.

    P(H = 1) = t, P(X_i = 1 | H = 0) = a_i, P(X_i = 1 | H = 1) = b_i, so that
    p(x) = (1 − t) Π_i a_i^{x_i}(1 − a_i)^{1−x_i} + t Π_i b_i^{x_i}(1 − b_i)^{1−x_i}
    on the 2^n outcomes (the latent class model with two classes); d = 2n + 1 parameters
    (t, a1..an, b1..bn), all in [0, 1]. When every true probability is positive, K is
    equivalent to Σ_x (p_x − q_x)², and the probabilities are an invertible (unitriangular,
    Möbius) transform of the multilinear moments m_S(w) = (1 − t) Π_{i∈S} a_i + t Π_{i∈S} b_i,
    ∅ ≠ S ⊆ {1..n}: ``ideal()`` returns m_S − m_S(w0).

    Parameters
    ----------
    n : int
        The number of observed binary variables (>= 1).
    true : sequence or mapping, optional
        (t0, a0_1..a0_n, b0_1..b0_n); default t0 = 1/2 and all a0_i = b0_i = 1/2 (the
        uniform distribution on {0, 1}^n, where the features are independent).

    Examples
    --------
    >>> import rlct
    >>> from rlct.models import NaiveBayes
    >>> m = NaiveBayes(2)
    >>> m.d, len(m.ideal())
    (5, 3)
    >>> rlct.rlct(m, budget=20)          # local at t0 = 1/2; the global value is (3/2, 3)
    RLCT(λ=3/2, m=2, exact, method='blowup')
    """

    def __init__(self, n: int = 3, true=None):
        n = _count(n, "n", 1, 12)  # 2^n outcomes
        A = [f"a{i + 1}" for i in range(n)]
        B = [f"b{i + 1}" for i in range(n)]
        params = tuple(["t"] + A + B)
        bounds = {p: (0, 1) for p in params}
        point = as_point(true if true is not None else ["1/2"] * (2 * n + 1), params)
        check_box(params, point, bounds, "parameter")

        def factor(names, x):
            return "*".join(v if xi else f"(1 - {v})" for v, xi in zip(names, x))

        outcomes = list(itertools.product((0, 1), repeat=n))
        probs = [f"(1 - t)*{factor(A, x)} + t*{factor(B, x)}" for x in outcomes]
        super().__init__(probs, parameters=params, true=point, domain=edge_domain(params, point, bounds),
                         bounds=bounds, name=None)
        self.n = n
        self.outcomes = tuple(outcomes)
        self.kl_note = ("K is equivalent to Σ_x (p_x − q_x)² (all q_x > 0), whose ideal is generated by the "
                        "multilinear moment differences m_S − m_S(w0) (Möbius transform)")

    def moments(self) -> dict:
        """S (a tuple of 0-based feature indices) → m_S(w) = (1 − t) Π_{i∈S} a_i + t Π_{i∈S} b_i."""
        out = {}
        for k in range(1, self.n + 1):
            for S in itertools.combinations(range(self.n), k):
                a = "*".join(f"a{i + 1}" for i in S)
                b = "*".join(f"b{i + 1}" for i in S)
                out[S] = _poly(f"(1 - t)*{a} + t*{b}", self.parameters)
        return out

    def ideal(self) -> list:
        """m_S(w) − m_S(w0) for every non-empty S (zero generators dropped)."""
        self._check_interior()
        gens = [m - m(self.true_parameter) for m in self.moments().values()]
        return [g for g in gens if not g.is_zero()]

    def differing(self) -> int:
        """The number k of features whose two conditional distributions differ at the true
        parameter (a0_i ≠ b0_i) when 0 < t0 < 1, else 0; k ≤ 1 means the true features are
        independent."""
        t0 = self.true_parameter[0]
        if t0 in (0, 1):
            return 0
        a0 = self.true_parameter[1:self.n + 1]
        b0 = self.true_parameter[self.n + 1:]
        return sum(1 for x, y in zip(a0, b0) if x != y)

    def known(self):
        """Rusakov & Geiger's (2005) global value for the true distribution
        (:func:`rlct.known.naive_bayes`); None when their hypotheses fail (n = 1, or a true
        probability is zero).

        >>> NaiveBayes(3).known()
        RLCT(λ=2, m=1, exact, method='formula')
        >>> NaiveBayes(1).known() is None
        True
        """
        from .. import known

        if self.n < 2 or any(v == 0 for v in self.q):
            return None
        k = self.differing()
        return known.naive_bayes(self.n, 0 if k <= 1 else k)

    def __repr__(self):
        return f"NaiveBayes(n={self.n}, true=({', '.join(str(v) for v in self.true_parameter)}))"


def unfold_boundary(model) -> dict:
    """Arguments for :func:`rlct.rlct` that put a true parameter on the boundary of the
    parameter space into the interior: each parameter with a one-sided ``domain`` entry
    ``w >= lo`` (``w <= hi``) at ``w0 = lo`` (``hi``) becomes w = w0 + s² (w0 − s²) with a
    prior factor |s|, over a full neighbourhood of s = 0.

    Since ∫_0^ε g(w) dw = ∫_{−√ε}^{√ε} g(s²)|s| ds, the zeta function, hence (λ, m), is
    unchanged. :func:`rlct.rlct` does the same by itself on a domain with a corner (the
    blow-up engine folds it open); this function shows the substitution explicitly.

    Parameters
    ----------
    model : Model
        A model whose ``domain`` entries are all of the form ``"p >= v"`` or ``"p <= v"`` with
        v the true value of the parameter p (as built by the models of this module).

    Returns
    -------
    dict
        ``ideal``, ``at``, ``prior`` and ``variables`` for :func:`rlct.rlct`.

    Examples
    --------
    >>> import rlct
    >>> from rlct.models import BinomialMixture
    >>> m = BinomialMixture(3, true=[0, "1/2", "1/2"])       # a0 = 0: on the boundary a >= 0
    >>> rlct.rlct(**unfold_boundary(m), budget=20)
    RLCT(λ=3/4, m=1, exact, method='blowup')
    >>> rlct.rlct(m, budget=20)                              # the same, folded by the engine
    RLCT(λ=3/4, m=1, exact, method='blowup')
    """
    params = tuple(model.parameters)
    w0 = dict(zip(params, model.true_parameter))
    signs = {}
    for entry in model.domain or ():
        parts = str(entry).split()
        if len(parts) != 3 or parts[0] not in params or parts[1] not in (">=", "<=") \
                or as_fraction(parts[2]) != w0[parts[0]]:
            raise InputError(f"unfold_boundary needs domain entries 'p >= w0_p' or 'p <= w0_p'; got {entry!r}")
        signs[parts[0]] = 1 if parts[1] == ">=" else -1
    names = tuple(f"s_{p}" if p in signs else p for p in params)
    subs = [_poly(f"{w0[p]} + {signs[p]}*s_{p}**2" if p in signs else p, names) for p in params]
    ideal = [g.compose(subs, names) for g in model.ideal()]
    at = {v: (0 if p in signs else w0[p]) for v, p in zip(names, params)}
    prior = "*".join(f"s_{p}" for p in params if p in signs) or None
    return {"ideal": ideal, "at": at, "prior": prior, "variables": names}
