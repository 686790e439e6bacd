"""Blow-ups for Newton-degenerate K: exact (λ, m) where the Newton polyhedron is not enough.

The engine works on *problems*: ideal generators ``g_1..g_r`` (meaning K = Σ g_k²;
a K that is not a sum of squares is kept as one polynomial, "K mode") in
coordinates ``u``, with a monomial prior ``|u|^τ`` (the Jacobians of earlier
blow-ups included). A problem is either *local* (the RLCT at the origin) or a
*fibre* problem (the least RLCT over all points of the exceptional divisor
``{u_i = 0}`` of the last blow-up; the chart is one of several covering it).
The answer is ``min`` over the pieces of (λ, −m): λ is the least value and m the
largest multiplicity among the pieces attaining it (the zeta function is a sum
over the pieces; Watanabe 2009, §3.4).

Rules, in order, all exact (rational arithmetic, flint, z3's complete real
arithmetic):

1. *Normalise*: drop variables K does not involve; in a local problem drop the
   factors of a generator that do not vanish at the origin (units); remove the
   terms of a generator divisible by another generator that is a monomial (the
   ideal does not change); a K that is ``c·Π f^{2e}`` becomes the ideal ``<Π f^e>``.
   In a local problem, *triangulate*: where a variable occurs linearly in two
   generators and one coefficient divides the other, eliminate it from the second
   (same ideal; for Σ a_h b_h^{2k−1} this is the Vandermonde-triangular basis).
2. *Coordinate changes*: a factor ``c·u_k + q`` (``q`` free of ``u_k``) of a
   generator, or of a degenerate face polynomial, with ``u_k`` unweighted
   (``τ_k = 0``) becomes a coordinate: ``u_k ↦ (u_k − q)/c`` is a polynomial
   automorphism with constant Jacobian (e.g. (w1+w2)² + w2⁴ with
   ``w1 ↦ w1 − w2``: λ = 3/4, Lin 2011 Remark 4.19).
3. *Integrate out a lonely variable*: a variable ``v`` occurring only in one
   generator ``u^α·v``, every other generator divisible by ``u^α``: with μ the
   value of ``u^{2α}``, λ = μ when μ < 1/2, and λ = 1/2 + λ' when μ > 1/2, λ' the
   value of the other generators with prior ``u^{τ−α}`` (:meth:`_Engine.lonely`).
4. *Dominant generator*: every generator divisible by ``u^α`` with μ < 1/2, and
   some ``u^α·h`` with h a coordinate transversal to the u's: λ = μ there; the
   finitely many points where no generator is such are solved locally, where a
   generator ``u^α·h(x)`` whose h alone has λ > μ also settles it
   (:meth:`_Engine.dominant`). At μ = 1/2 exactly, a generator ``u^α·h`` and a
   coordinate ``u_j`` attaining μ that divides every other generator beyond u^α give
   K ≥ u^{2α}h² and K ≤ C·u^{2α}(h² + u_j²), both (1/2, # + 1) where h is a
   transversal coordinate (:meth:`_Engine.sandwich`; tanh H = 4).
5. *Newton* (local problems): if every compact face is real non-degenerate
   (for ideals: the face ideals have no zero on the torus; for one generator
   ``f``: ``f_γ`` has no singular point on the torus, Lin 2011 Thm 4.18 with
   ``λ(f²) = 1/(2 t_τ(f))``), λ = 1/t and m = the codimension of the principal face.
6. *Factor arrangement* (fibre problems whose generators are products of
   factors): at a point ``p`` of the divisor, let S be the coordinates and T the
   other factors vanishing at p. When the differentials of ``u_S`` and ``f_T``
   are independent at every such point (checked with z3), they are part of a
   coordinate system, the ideal is monomial in them and the local (λ, m) is its
   Newton value; the chart's value is the least over the vanishing patterns that
   occur (each occurrence decided by z3).
7. *Finitely many bad points* (fibre problems): where the strict transform
   vanishes at finitely many rational points of the divisor (Gröbner basis,
   sympy), translate to each and recurse; everywhere else the pull-back is
   ``u^a · unit`` and the chart origin dominates (every stratum of the divisor
   passes arbitrarily close to it).
8. *Blow up* the origin of a local problem (the coordinates K involves): chart
   ``i`` is ``u_j ↦ u_i u_j`` (``j ≠ i``), with Jacobian ``u_i^{n−1}``; each chart is
   a fibre problem along ``{u_i = 0}``. When that leaves charts open, blow up a
   coordinate subspace instead, one along whose complement the ideal is
   homogeneous (e.g. the b-subspace of Σ a_h b_h^{2k−1}, which is linear in a;
   Watanabe's route for these networks), and keep the better attempt.

When the charts do not decide, a *lower bound* comes from a sub-ideal J (a subset
of the generators: K_J ≤ K, so λ_J ≤ λ, and m ≤ m_J at equality) or from
λ ≥ 1/ord₀(K); if it meets the charts' upper bound in λ and m, (λ, m) is decided.

Problems equal up to a permutation of the variables are solved once (memo).
Whatever no rule decides within the budget is returned as an *open* chart with
an upper bound (a Newton bound at one of its points), and the result is not
exact.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from dataclasses import dataclass, field
from functools import cached_property
from fractions import Fraction

from ..errors import InputError
from ..polynomial import Polynomial, format_polynomial
from ..result import latex_fraction

__all__ = ["BlowupChart", "BlowupResolution", "blowup_resolution"]

EXACT = "exact"
OPEN = "open"


@dataclass(frozen=True)
class _Val:
    """A piece's value: exact (λ, m), or open with an upper bound; ``lam is None``
    and ``exact`` means no pole at all (K does not vanish on the piece)."""

    lam: Fraction | None
    m: int
    exact: bool
    ub: Fraction | None = None
    ubm: int = 1

    @staticmethod
    def none():
        return _Val(None, 0, True)


def _interval(lower, upper) -> str:
    """``"1/2 <= λ <= 1"``, ``"λ <= 1"`` or ``"λ undecided"``."""
    text = "λ" if lower is None else f"{lower} <= λ"
    if upper is not None:
        text += f" <= {upper}"
    return text if (lower is not None or upper is not None) else "λ undecided"


def _combine(vals) -> _Val:
    vals = list(vals)
    exact = all(v.exact for v in vals)
    ex = [v for v in vals if v.exact and v.lam is not None]
    if exact:
        if not ex:
            return _Val.none()
        lam = min(v.lam for v in ex)
        m = max(v.m for v in ex if v.lam == lam)
        return _Val(lam, m, True, lam, m)
    bounds = [(v.lam, v.m) for v in ex] + [(v.ub, v.ubm) for v in vals if not v.exact and v.ub is not None]
    if not bounds:
        return _Val(None, 0, False)
    ub = min(b for b, _ in bounds)
    return _Val(None, 0, False, ub, max(m for b, m in bounds if b == ub))


@dataclass(frozen=True)
class BlowupChart:
    """One leaf of the resolution: the coordinate changes from the original
    coordinates, the final generators, and how its value was decided.

    Attributes
    ----------
    index : int
    steps : tuple of str
        The maps applied, in order (``"blow up (a1, a2, b1, b2) at 0, chart a1:
        a2 ↦ a1*a2, ..."``, ``"b1 ↦ b1 - a2*b2"``, ``"a2 ↦ a2 + 1"``).
    variables : tuple of str
    generators : tuple of Polynomial
        The ideal (K = Σ g²) or, in K mode, K itself, in the chart's coordinates.
    mode : str
        ``"ideal"`` or ``"K"``.
    tau : tuple
        Exponents of the prior times the Jacobian, ``|u|^τ``.
    where : str
        ``"at the origin"`` or ``"along {u_i = 0}"``.
    status : str
        ``"exact"`` or ``"open"``.
    lambda_, multiplicity :
        The chart's value when exact; ``upper_bound`` when open.
    method : str
        The rule that decided it.
    detail : str
    """

    index: int
    steps: tuple
    variables: tuple
    generators: tuple
    mode: str
    tau: tuple
    where: str
    status: str
    lambda_: Fraction | None
    multiplicity: int | None
    upper_bound: Fraction | None
    method: str
    detail: str = ""
    auxiliary: bool = False
    shift: Fraction = Fraction(0)

    @property
    def contribution(self):
        """The chart's λ (or upper bound) as a contribution to K's: ``λ + shift``, the
        shift being 1/2 per variable integrated out on the way."""
        v = self.lambda_ if self.exact else self.upper_bound
        return None if v is None else v + self.shift

    @property
    def exact(self) -> bool:
        return self.status == EXACT

    def text(self) -> str:
        gens = ", ".join(str(g) for g in self.generators)
        what = f"<{gens}>" if self.mode == "ideal" else f"K = {gens}"
        tau = "*".join(f"{v}**{t}" if t != 1 else v for v, t in zip(self.variables, self.tau) if t) or "1"
        if self.exact:
            val = f"λ = {self.lambda_}, m = {self.multiplicity}" if self.lambda_ is not None else "no pole"
        else:
            val = f"λ <= {self.upper_bound}" if self.upper_bound is not None else "open"
        if self.shift and self.contribution is not None:
            val += f" (+ {self.shift} from integrated-out variables: {self.contribution} for K)"
        return f"{what}, prior·Jacobian {tau}, {self.where}: {val} [{self.method}{': ' + self.detail if self.detail else ''}]"

    def __str__(self):
        path = " ; ".join(self.steps) if self.steps else "(original coordinates)"
        aux = " (auxiliary: a bound used by another chart, not a piece of K)" if self.auxiliary else ""
        return f"chart {self.index}{aux}: {path}\n    {self.text()}"

    def _repr_latex_(self):
        lam = latex_fraction(self.lambda_) if self.lambda_ is not None else "?"
        return f"$\\text{{chart {self.index}}}: \\lambda = {lam}$"

    def to_dict(self) -> dict:
        return {"index": self.index, "steps": list(self.steps), "variables": list(self.variables),
                "generators": [str(g) for g in self.generators], "mode": self.mode,
                "tau": [str(t) for t in self.tau], "where": self.where, "status": self.status,
                "lambda": str(self.lambda_) if self.lambda_ is not None else None, "m": self.multiplicity,
                "upper_bound": str(self.upper_bound) if self.upper_bound is not None else None,
                "method": self.method, "detail": self.detail, "auxiliary": self.auxiliary,
                "shift": str(self.shift)}


@dataclass(frozen=True)
class BlowupResolution:
    """The outcome of :func:`blowup_resolution`.

    Attributes
    ----------
    polynomial : Polynomial
        K in local coordinates.
    charts : tuple of BlowupChart
        Every leaf, decided or open.
    exact : bool
    lambda_, multiplicity : exact values (None when not exact)
    upper_bound, upper_bound_multiplicity : the best proven upper bound
    lower_bound, lower_bound_reason : a proven lower bound (λ itself when exact) and its proof
        (None when the charts alone decide)
    blowups, depth, memo_hits : int
        Size of the search.
    reason : str or None
        Why it is not exact.
    seconds : float
    """

    polynomial: Polynomial
    tau: tuple
    charts: tuple
    exact: bool
    lambda_: Fraction | None
    multiplicity: int | None
    upper_bound: Fraction | None
    upper_bound_multiplicity: int | None
    blowups: int
    depth: int
    memo_hits: int
    reason: str | None = None
    seconds: float = field(default=0.0, compare=False)
    coordinates: tuple | None = None
    lower_bound: Fraction | None = None
    lower_bound_reason: str | None = None

    @property
    def open_charts(self) -> tuple:
        return tuple(c for c in self.charts if not c.exact)

    def __str__(self):
        head = (f"blow-up resolution of K = {self.polynomial}: {self.blowups} blow-ups, {len(self.charts)} charts, "
                f"depth {self.depth}, {self.memo_hits} repeated charts; ")
        head += (f"λ = {self.lambda_}, m = {self.multiplicity}" if self.exact
                 else f"{_interval(self.lower_bound, self.upper_bound)} (not exact: {self.reason})")
        if self.lower_bound_reason:
            head += f"; lower bound: {self.lower_bound_reason}"
        rows = [head]
        if self.coordinates:
            rows.append("local coordinates: " + "; ".join(self.coordinates))
        rows += [str(c) for c in self.charts]
        return "\n".join(rows)

    def __repr__(self):
        v = (f"λ = {self.lambda_}, m = {self.multiplicity}" if self.exact
             else f"{_interval(self.lower_bound, self.upper_bound)}, not exact")
        return f"<BlowupResolution: {len(self.charts)} charts, {self.blowups} blow-ups, {v}>"

    def to_dict(self) -> dict:
        return {"kind": "blowup", "polynomial": str(self.polynomial), "exact": self.exact,
                "lambda": str(self.lambda_) if self.lambda_ is not None else None, "m": self.multiplicity,
                "upper_bound": str(self.upper_bound) if self.upper_bound is not None else None,
                "blowups": self.blowups, "depth": self.depth, "memo_hits": self.memo_hits,
                "lower_bound": str(self.lower_bound) if self.lower_bound is not None else None,
                "lower_bound_reason": self.lower_bound_reason,
                "reason": self.reason, "charts": [c.to_dict() for c in self.charts]}


# ---------------------------------------------------------------------------------
# problems


@dataclass(frozen=True)
class _Prob:
    gens: tuple  # Polynomials in the same variables
    mode: str  # "ideal" | "K"
    tau: tuple  # Fractions
    fibre: int | None  # None: local at the origin
    steps: tuple = ()
    depth: int = 0
    shift: Fraction = Fraction(0)  # 1/2 per variable integrated out on the way here
    auxiliary: bool = False  # a side computation for a bound, not a piece of K

    @property
    def variables(self):
        return self.gens[0].variables

    @property
    def d(self):
        return self.gens[0].nvars

    def replace(self, **kw):
        return dataclasses.replace(self, **kw)

    def child(self, gens, tau, fibre, step: str, *, mode=None, deeper: bool = True, shift=Fraction(0),
              auxiliary: bool = False) -> "_Prob":
        """A problem derived from this one by ``step``: the path, depth, shift and
        auxiliary mark carry over."""
        return _Prob(tuple(gens), mode or self.mode, tuple(tau), fibre, self.steps + (step,),
                     self.depth + (1 if deeper else 0), self.shift + shift, self.auxiliary or auxiliary)

    @cached_property
    def K(self) -> Polynomial:
        """K itself (Σ g² in ideal mode), expanded once per problem."""
        if self.mode == "K":
            return self.gens[0]
        return sum((g * g for g in self.gens[1:]), self.gens[0] * self.gens[0])


def _var(name, variables) -> Polynomial:
    i = variables.index(name)
    return Polynomial({tuple(1 if j == i else 0 for j in range(len(variables))): Fraction(1)}, variables)


def _monomial_value(tau, a):
    """The value of the monomial ``u^a`` with prior ``u^τ``: ``(λ, attaining)`` with
    λ = min over a_j > 0 of (τ_j + 1)/a_j and the coordinates attaining it (their
    number is m); ``(None, [])`` when a = 0."""
    ratios = {j: (Fraction(t) + 1) / x for j, (t, x) in enumerate(zip(tau, a)) if x}
    if not ratios:
        return None, []
    lam = min(ratios.values())
    return lam, [j for j, r in ratios.items() if r == lam]


def _monomial_content(p: Polynomial) -> tuple:
    exps = p.exponents
    return tuple(min(e[j] for e in exps) for j in range(p.nvars))


def _divide_monomial(p: Polynomial, c) -> Polynomial:
    return Polynomial({tuple(x - y for x, y in zip(e, c)): v for e, v in p.terms.items()}, p.variables)


def _is_monomial(p: Polynomial) -> bool:
    return len(p) == 1


def _coordinate_index(f: Polynomial):
    """j if f is (a constant times) the variable u_j, else None."""
    if len(f) != 1:
        return None
    (e,) = f.exponents
    if sum(e) == 1:
        return e.index(1)
    return None


def _canonical_factor(f: Polynomial) -> Polynomial:
    exps = sorted(f.exponents, reverse=True)
    c = f.coefficient(exps[0])
    return Polynomial({e: v / c for e, v in f.terms.items()}, f.variables)


def _subspace_centres(prob) -> list:
    """Coordinate subspaces ``{u_S = 0}`` (2 ≤ |S| < d) that are valid centres for
    a local problem: every generator homogeneous in the coordinates T outside S
    (T a 0/1 vector in the kernel of the generators' exponent differences). The
    scaling ``u_T ↦ t·u_T`` then preserves the ideal and the monomial prior, so a
    point of the exceptional divisor with ``u_T ≠ 0`` has the same value as points
    arbitrarily close to the fibre over the origin and, by lower semicontinuity,
    is no worse than them: the least value over the whole divisor is the local one."""
    import flint

    d = prob.d
    rows = []
    for g in prob.gens:
        exps = g.exponents
        rows += [[a - b for a, b in zip(e, exps[0])] for e in exps[1:]]
    if not rows:
        return []
    K, nullity = flint.fmpz_mat(rows).nullspace()
    out = []
    for c in range(nullity):
        v = [int(K[r, c]) for r in range(d)]
        nz = {x for x in v if x}
        if len(nz) != 1:
            continue
        S = tuple(j for j in range(d) if not v[j])
        if 2 <= len(S) < d and S not in out:
            out.append(S)
    return out


class _Budget(Exception):
    pass


class _Engine:
    def __init__(self, seconds, max_charts, max_depth, timeout):
        self.start = time.perf_counter()
        self.deadline = self.start + seconds
        self.max_charts = max_charts
        self.max_depth = max_depth
        self.timeout = timeout
        self.leaves: list = []
        self.memo: dict = {}
        self.blowups = 0
        self.memo_hits = 0
        self.depth = 0
        self.out_of_budget = False

    # -- bookkeeping --------------------------------------------------------------------
    def step_timeout(self) -> float:
        """Seconds for one exact decision (z3, a Gröbner basis): the per-step
        ``timeout``, but no more than what is left of the budget (at least 0.1 s)."""
        return min(self.timeout, max(0.1, self.deadline - time.perf_counter()))

    def over(self) -> bool:
        if time.perf_counter() > self.deadline or len(self.leaves) >= self.max_charts:
            self.out_of_budget = True
            return True
        return False

    def leaf(self, prob: _Prob, val: _Val, method: str, detail: str = "") -> _Val:
        where = "at the origin" if prob.fibre is None else f"along {{{prob.variables[prob.fibre]} = 0}}"
        self.leaves.append(BlowupChart(
            len(self.leaves) + 1, prob.steps, prob.variables, prob.gens, prob.mode, prob.tau, where,
            EXACT if val.exact else OPEN, val.lam if val.exact else None, val.m if val.exact else None,
            val.lam if val.exact else val.ub, method, detail, prob.auxiliary, prob.shift))
        self.depth = max(self.depth, prob.depth)
        return val

    def open(self, prob: _Prob, reason: str) -> _Val:
        ub, ubm = self.quick_bound(prob)
        return self.leaf(prob, _Val(None, 0, False, ub, ubm), "open", reason)

    def quick_bound(self, prob: _Prob):
        """An upper bound: the Newton bound at the origin of the chart (a point of it)."""
        from ..newton.polyhedron import NewtonPolyhedron

        try:
            K = prob.K
            if K.coefficient((0,) * K.nvars):
                return None, 1
            D = NewtonPolyhedron(K).distance(prob.tau)
            return 1 / D.t, D.codimension
        except Exception:  # pragma: no cover - a bound is optional
            return None, 1

    # -- memo -------------------------------------------------------------------------------
    def key(self, prob: _Prob):
        d = prob.d

        def sig(j):
            col = sorted(tuple((e[j], str(c)) for e, c in g.terms.items()) for g in prob.gens)
            return (str(prob.tau[j]), prob.fibre == j, tuple(col))

        sigs = [sig(j) for j in range(d)]
        order = sorted(range(d), key=lambda j: sigs[j])
        groups = [list(g) for _, g in itertools.groupby(order, key=lambda j: sigs[j])]
        count = 1
        for g in groups:
            for k in range(2, len(g) + 1):
                count *= k
        if count > 720:
            perms = [order]
        else:
            perms = [list(itertools.chain(*c)) for c in itertools.product(*[itertools.permutations(g) for g in groups])]
        best = None
        for perm in perms:
            gens = tuple(sorted(tuple(sorted((tuple(e[j] for j in perm), c) for e, c in g.terms.items()))
                                for g in prob.gens))
            rep = (prob.mode, tuple(prob.tau[j] for j in perm),
                   None if prob.fibre is None else perm.index(prob.fibre), gens)
            if best is None or repr(rep) < repr(best):
                best = rep
        return repr(best)

    # -- entry points -----------------------------------------------------------------------
    def solve(self, prob: _Prob) -> _Val:
        if self.over():
            return self.open(prob, "budget exhausted")
        prob = self.normalise(prob)
        if prob is None:
            return _Val.none()
        if isinstance(prob, _Val):
            return prob
        k = self.key(prob)
        if k in self.memo:
            self.memo_hits += 1
            val, idx = self.memo[k]
            return self.leaf(prob, val, "same as an earlier chart up to renaming variables",
                             f"chart {idx}" if idx else "")
        first = len(self.leaves) + 1
        val = self.local(prob) if prob.fibre is None else self.fibre(prob)
        self.memo[k] = (val, first if len(self.leaves) >= first else None)
        return val

    # -- normalisation ----------------------------------------------------------------------
    def normalise(self, prob: _Prob):
        gens = [g for g in prob.gens if not g.is_zero()]
        if not gens:
            return None
        mode = prob.mode
        local = prob.fibre is None
        if mode == "K":
            K = gens[0]
            c, fs = K.factor()
            if c > 0 and fs and all(e % 2 == 0 for _, e in fs):
                g = Polynomial({(0,) * K.nvars: Fraction(1)}, K.variables)
                for f, e in fs:
                    g = g * f ** (e // 2)
                gens, mode = [g], "ideal"
        if mode == "ideal":
            new = []
            for g in gens:
                if local:
                    c, fs = g.factor()
                    g2 = Polynomial({(0,) * g.nvars: c}, g.variables)
                    for f, e in fs:
                        if f.coefficient((0,) * f.nvars) == 0:
                            g2 = g2 * f ** e
                    g = g2
                new.append(g)
            gens = new
            if local and any(len(g) == 1 and sum(g.exponents[0]) == 0 for g in gens):
                return _Val.none()  # a unit generator: K does not vanish here
            gens = self.reduce(gens)
        # drop variables that K does not involve
        used = [j for j in range(prob.d) if any(e[j] for g in gens for e in g.exponents)]
        if prob.fibre is not None and prob.fibre not in used:  # pragma: no cover - the divisor always divides K
            used.append(prob.fibre)
            used.sort()
        if len(used) < prob.d:
            names = tuple(prob.variables[j] for j in used)
            gens = [Polynomial({tuple(e[j] for j in used): c for e, c in g.terms.items()}, names) for g in gens]
            tau = tuple(prob.tau[j] for j in used)
            fibre = used.index(prob.fibre) if prob.fibre is not None else None
        else:
            tau, fibre = prob.tau, prob.fibre
        if not gens[0].nvars:
            return None
        return prob.replace(gens=tuple(gens), mode=mode, tau=tau, fibre=fibre)

    @staticmethod
    def reduce(gens):
        """Remove from each generator the terms divisible by a monomial generator."""
        monos = [g.exponents[0] for g in gens if len(g) == 1]
        out = []
        seen = set()
        for g in gens:
            if len(g) == 1:
                e = g.exponents[0]
                if any(m != e and all(x >= y for x, y in zip(e, m)) for m in monos):
                    continue  # divisible by another monomial generator
                if e in seen:
                    continue
                seen.add(e)
                out.append(Polynomial({e: Fraction(1)}, g.variables))
                continue
            keep = {e: c for e, c in g.terms.items() if not any(all(x >= y for x, y in zip(e, m)) for m in monos)}
            if keep:
                out.append(Polynomial(keep, g.variables))
        # drop duplicates up to a constant
        uniq, keys = [], set()
        for g in out:
            k = _canonical_factor(g)
            if k not in keys:
                keys.add(k)
                uniq.append(g)
        return uniq

    # -- coordinate changes -------------------------------------------------------------------
    def substitution(self, prob: _Prob, candidates):
        """Find a polynomial ``f = u_k·(c + r) + q`` among ``candidates`` (``c`` a
        nonzero constant, ``q`` and ``r`` free of ``u_k``) that can become the
        coordinate ``u_k``; return the changed problem or None.

        With ``r = 0`` the change ``u_k ↦ (u_k − q)/c`` is a polynomial
        automorphism (allowed in fibre problems). With ``r(0) = 0`` it is a local
        analytic change near the origin (local problems only): ``c + r`` is a
        unit there, so each generator ``h`` is replaced by
        ``(c + r)^D · h(u_k ↦ (u_k − q)/(c + r))`` (``D = deg_{u_k} h``, even in K
        mode), which is a polynomial generating the same ideal locally.
        """
        d = prob.d
        local = prob.fibre is None
        zero = (0,) * d
        for f in sorted(candidates, key=len):
            if _coordinate_index(f) is not None or len(f) < 2:
                continue
            if local and f.coefficient(zero):
                continue
            for k in range(d):
                if k == prob.fibre or prob.tau[k] != 0:
                    continue
                with_k = {e: c for e, c in f.terms.items() if e[k]}
                if not with_k or any(e[k] != 1 for e in with_k):
                    continue
                unit_k = tuple(1 if j == k else 0 for j in range(d))
                c = with_k.get(unit_k)
                if not c:
                    continue
                r = Polynomial({tuple(x - (1 if j == k else 0) for j, x in enumerate(e)): v / c
                                for e, v in with_k.items() if e != unit_k}, f.variables)
                if not r.is_zero() and not local:
                    continue
                q = Polynomial({e: v for e, v in f.terms.items() if not e[k]}, f.variables)
                if q.is_zero() or all(sum(e) == 0 for e in q.exponents):
                    continue  # a translate u_k + const: handled as a factor, not a coordinate change
                names = prob.variables
                one = Polynomial({zero: Fraction(1)}, names)
                uk = _var(names[k], names)
                num = (uk - q) * Polynomial({zero: 1 / c}, names)  # (u_k - q)/c
                den = one + r  # (c + r)/c, a unit near the origin
                gens = tuple(self._rational_substitute(g, k, num, den, prob.mode == "K") for g in prob.gens)
                if r.is_zero():
                    step = f"{names[k]} ↦ {format_polynomial(num.terms, names)}"
                else:
                    step = (f"{names[k]} ↦ ({format_polynomial(num.terms, names)})/({format_polynomial(den.terms, names)}) "
                            f"near 0 (generators times powers of the unit {format_polynomial(den.terms, names)})")
                yield prob.replace(gens=gens, steps=prob.steps + (step,))

    def triangular(self, prob: _Prob) -> _Prob:
        """Gaussian elimination on a variable occurring linearly: when ``v`` has
        degree 1 in generators ``g_j = c_j·v + r_j`` and ``g_k = c_k·v + r_k`` and
        ``c_j`` divides ``c_k``, replace ``g_k`` by ``g_k − (c_k/c_j)·g_j`` (same
        ideal; v leaves g_k). Each pivot generator and variable is used once, so
        this ends. For Σ_h a_h b_h^{2k−1} it gives the Vandermonde-triangular
        basis (a_1 in one generator, a_2 in two, ...)."""
        if prob.mode != "ideal" or len(prob.gens) < 2:
            return prob
        gens = list(prob.gens)
        d = prob.d
        names = prob.variables
        done_gens, done_vars, steps = set(), set(), []

        def split(g, v):
            if max((e[v] for e in g.exponents), default=0) != 1:
                return None
            return Polynomial({tuple(x - (1 if j == v else 0) for j, x in enumerate(e)): c
                               for e, c in g.terms.items() if e[v]}, names)

        progress = True
        while progress:
            progress = False
            for v in range(d):
                if v in done_vars:
                    continue
                lin = {k: split(gens[k], v) for k in range(len(gens)) if k not in done_gens}
                lin = {k: c for k, c in lin.items() if c is not None}
                if len(lin) < 2:
                    continue
                for j in sorted(lin, key=lambda k: (lin[k].degree, len(lin[k]), k)):
                    targets = []
                    for k, ck in lin.items():
                        if k == j:
                            continue
                        q, r = divmod(ck.flint, lin[j].flint)
                        if r == 0:
                            targets.append((k, Polynomial._from_flint(q, names)))
                    if not targets:
                        continue
                    for k, q in targets:
                        gens[k] = gens[k] - q * gens[j]
                        steps.append(f"g{k + 1} ↦ g{k + 1} − ({q})·g{j + 1}")
                    done_gens.add(j)
                    done_vars.add(v)
                    progress = True
                    break
        if not steps:
            return prob
        step = f"same ideal, eliminating variables that occur linearly: {'; '.join(steps)}"
        return prob.replace(gens=tuple(g for g in gens if not g.is_zero()), steps=prob.steps + (step,))

    def improve(self, prob: _Prob, candidates):
        """Apply coordinate changes from ``candidates`` while each one makes more
        generators monomials or, failing that, lowers the total number of terms
        (so the loop ends and never undoes itself)."""
        def measure(p):
            return (-sum(1 for g in p.gens if len(g) == 1), sum(len(g) for g in p.gens))

        size = measure(prob)
        for _ in range(2 * prob.d):
            for new in self.substitution(prob, candidates(prob)):
                new = self.normalise(new)
                if new is None or isinstance(new, _Val):
                    return new or _Val.none()
                n = measure(new)
                if n < size:
                    prob, size = new, n
                    break
            else:
                break
        return prob

    @staticmethod
    def _rational_substitute(h: Polynomial, k: int, num: Polynomial, den: Polynomial, even: bool) -> Polynomial:
        """``den^D · h(u_k = num/den)`` with ``D = deg_{u_k} h`` (rounded up to even)."""
        D = max((e[k] for e in h.exponents), default=0)
        if even and D % 2:
            D += 1
        names = h.variables
        parts = {}
        for e, c in h.terms.items():
            rest = tuple(0 if j == k else x for j, x in enumerate(e))
            parts.setdefault(e[k], {})[rest] = c
        total = Polynomial({}, names)
        for p, terms in parts.items():
            total = total + Polynomial(terms, names) * num ** p * den ** (D - p)
        return total

    def factors(self, prob: _Prob):
        """Candidates for coordinate changes: the irreducible factors of the
        generators, then the coefficients of a variable that occurs linearly
        (e.g. ``a22 − a12·a21`` in ``b12·(a22 − a12·a21) + ...``)."""
        out = []
        for g in prob.gens:
            if len(g) > 1:
                _, fs = g.factor()
                out += [f for f, _ in fs]
        for g in prob.gens:
            c = _monomial_content(g)
            for j in range(prob.d):
                lin = {e: v for e, v in g.terms.items() if e[j] == c[j] + 1}
                if len(lin) > 1 and len(lin) < len(g) + 1:
                    coef = Polynomial({tuple(x - (1 if i == j else 0) for i, x in enumerate(e)): v
                                       for e, v in lin.items()}, g.variables)
                    cc = _monomial_content(coef)
                    coef = _divide_monomial(coef, cc)
                    if len(coef) > 1:
                        out.append(coef)
        return out

    # -- local problems --------------------------------------------------------------------------
    def local(self, prob: _Prob) -> _Val:
        """A local problem: first with the triangular basis; when that changes the
        generators and leaves charts open, also with the generators as given (each
        basis suits some ideals: the triangular one tanh H = 3, the given one
        <a1 b1 + a2 b2, a1 b1² + a2 b2²>), keeping the better attempt."""
        tri = self.triangular(prob)
        if tri is prob:
            return self._local(prob)
        start, memo_start = len(self.leaves), len(self.memo)
        val = self._local(tri)
        if val.exact or self.over():
            return val
        first = self.leaves[start:]
        self._rollback(start, memo_start)
        alt = self._local(prob)
        if alt.exact or (alt.ub is not None and (val.ub is None or alt.ub < val.ub)):
            return alt
        self._rollback(start, memo_start)
        self.leaves += first
        return val

    def first_rules(self, prob: _Prob):
        """Coordinate changes, then the rules that need no blow-up and hold both
        locally and along a divisor: ``(problem, value or None)``."""
        prob = self.improve(prob, self.factors)
        if isinstance(prob, _Val):
            return prob, prob
        for rule in (self.lonely, self.dominant):
            v = rule(prob)
            if v is not None:
                return prob, v
        return prob, None

    def _local(self, prob: _Prob) -> _Val:
        prob, v = self.first_rules(prob)
        if v is not None:
            return v
        res = self.newton(prob)
        if res[0] == "exact":
            return self.leaf(prob, res[1], res[2], res[3])
        # a degenerate face polynomial with a factor c·u_k + q: try making it a
        # coordinate; keep the change only if Newton then decides
        faces = res[4]
        cands = [f for fp in faces for f, _ in fp.factor()[1]]
        for new in self.substitution(prob, cands):
            new = self.normalise(new)
            if new is None or isinstance(new, _Val):
                return new or _Val.none()
            res = self.newton(new)
            if res[0] == "exact":
                return self.leaf(new, res[1], res[2], res[3])
        if prob.depth >= self.max_depth:
            return self.open(prob, f"depth limit {self.max_depth} reached")
        start, memo_start = len(self.leaves), len(self.memo)
        val = self.blow_up(prob)
        if val.exact:
            return val
        # the point blow-up left charts open: try the coordinate subspaces that are
        # valid centres, keeping whichever attempt is better
        for S in _subspace_centres(prob):
            if self.over():
                break
            first = self.leaves[start:]
            self._rollback(start, memo_start)
            alt = self.blow_up(prob, S)
            if alt.exact or (alt.ub is not None and (val.ub is None or alt.ub < val.ub)):
                val = alt
                if alt.exact:
                    break
                first = self.leaves[start:]
            self._rollback(start, memo_start)
            self.leaves += first
        return val

    def _rollback(self, start, memo_start):
        """Forget the charts (and memo entries, which point at them) after ``start``."""
        del self.leaves[start:]
        for k in list(self.memo)[memo_start:]:
            del self.memo[k]

    def newton(self, prob: _Prob):
        """("exact", val, method, detail) or ("open", bound, ..., degenerate face polynomials)."""
        from ..newton.nondegeneracy import DEGENERATE, NONDEGENERATE, run_checks
        from ..newton.polyhedron import NewtonPolyhedron

        K = prob.K
        P = NewtonPolyhedron(K)
        D = P.distance(prob.tau)
        if len(P.vertices) == 1:
            return ("exact", _Val(1 / D.t, D.codimension, True, 1 / D.t, D.codimension), "monomial",
                    f"K = {format_polynomial({P.vertices[0]: K.coefficient(P.vertices[0])}, K.variables)} · unit")
        budget = max(0.5, min(20.0, self.deadline - time.perf_counter()))
        zero = (0,) * prob.d
        if prob.mode == "ideal":
            rep = run_checks(P, mode="ideal", generators=list(prob.gens), signs=zero, timeout=self.step_timeout(),
                             budget=budget, first=(D.face,))
        else:
            rep = run_checks(P, mode="nonnegative", signs=zero, timeout=self.step_timeout(), budget=budget, first=(D.face,))
        if rep.status == NONDEGENERATE:
            return ("exact", _Val(1 / D.t, D.codimension, True, 1 / D.t, D.codimension), "newton",
                    f"non-degenerate; t = {D.t}, principal face of codimension {D.codimension}")
        if prob.mode == "ideal" and len(prob.gens) == 1:
            f = prob.gens[0]
            Pf = NewtonPolyhedron(f)
            Df = Pf.distance(prob.tau)
            rf = run_checks(Pf, mode="singular", signs=zero, timeout=self.step_timeout(), budget=budget, first=(Df.face,))
            if rep.status == DEGENERATE and rf.status == NONDEGENERATE and 1 / (2 * Df.t) != Fraction(1, 2):
                # f changes sign: its smooth zeros on the torus give the pole 1/2 of
                # order 1; the toric divisors give 1/(2t) with the codimension.
                if 1 / (2 * Df.t) < Fraction(1, 2):
                    lam, m = 1 / (2 * Df.t), Df.codimension
                else:
                    lam, m = Fraction(1, 2), 1
                return ("exact", _Val(lam, m, True, lam, m), "newton (f non-degenerate)",
                        f"K = f² with f = {f} non-degenerate (no singular point of a face polynomial on the torus); "
                        f"t(f) = {Df.t}, λ = min(1/(2t), 1/2)")
        faces = [c.face.polynomial for c in rep.checks if c.status == DEGENERATE]
        return ("open", 1 / D.t, D.codimension, None, faces)

    def blow_up(self, prob: _Prob, centre=None) -> _Val:
        """Blow up the origin, or the coordinate subspace ``{u_j = 0 : j in centre}``:
        chart ``i`` (i in the centre) is ``u_j ↦ u_i u_j`` for the other j in the
        centre, with Jacobian ``u_i^{s−1}`` (s = size of the centre); each chart is a
        fibre problem along ``{u_i = 0}``. A subspace is used only when the problem
        is homogeneous in the coordinates outside it (:func:`_subspace_centres`), so
        that no point of the divisor is worse than those over the origin."""
        self.blowups += 1
        d = prob.d
        names = prob.variables
        S = list(range(d)) if centre is None else list(centre)
        total = sum(Fraction(prob.tau[j]) for j in S) + len(S) - 1
        vals = []
        for i in S:
            subs = [_var(names[j], names) * (_var(names[i], names) if j != i and j in S else 1) for j in range(d)]
            gens = tuple(g.compose(subs, names) for g in prob.gens)
            tau = tuple(total if j == i else prob.tau[j] for j in range(d))
            maps = ", ".join(f"{names[j]} ↦ {names[i]}*{names[j]}" for j in S if j != i)
            what = "at 0" if len(S) == d else "along {" + ", ".join(names[j] for j in range(d) if j not in S) + " free}"
            step = f"blow up ({', '.join(names[j] for j in S)}) {what}, chart {names[i]}: {maps}"
            vals.append(self.solve(prob.child(gens, tau, i, step)))
        return _combine(vals)

    # -- fibre problems --------------------------------------------------------------------------
    def fibre(self, prob: _Prob) -> _Val:
        prob, v = self.first_rules(prob)
        if v is not None:
            return v
        if prob.mode == "ideal":
            v = self.separable(prob)
            if v is not None:
                return v
            v = self.arrangement(prob)
            if v is not None:
                return v
        return self.bad_points(prob)

    def lonely(self, prob: _Prob):
        """Integrate out a variable ``v`` that occurs in one generator only, as
        ``u^α·v`` (a monomial, ``τ_v = 0``), when every other generator is divisible
        by ``u^α``: K = A·v² + B with A = u^{2α}, B = K_J ≤ C·A.

        Over ``|v| < ε``, ``∫ (A v² + B)^{-z} dv`` is within constants (uniform in
        z away from 1/2) of ``A^{-z}`` for z < 1/2 and of ``A^{-1/2} B^{1/2 - z}``
        for z > 1/2, and points with ``v ≠ 0`` are dominated by ``v = 0``. With
        ``μ = min_j (τ_j + 1)/(2 α_j)`` (the value of ``A`` alone):

        - μ < 1/2: λ = μ, m = #{j attaining it};
        - μ > 1/2: λ = 1/2 + λ', m = m', where (λ', m') is the value of the other
          generators ``J`` with prior ``u^{τ − α}`` (exponents stay > −1).

        μ = 1/2 is left to the other rules.
        """
        if prob.mode != "ideal" or len(prob.gens) < 2:
            return None
        d = prob.d
        for k, g in enumerate(prob.gens):
            if len(g) != 1:
                continue
            (e,) = g.exponents
            for v in range(d):
                if e[v] != 1 or v == prob.fibre or prob.tau[v] != 0:
                    continue
                rest = [h for i, h in enumerate(prob.gens) if i != k]
                if any(x[v] for h in rest for x in h.exponents):
                    continue
                alpha = tuple(0 if j == v else e[j] for j in range(d))
                if not all(all(x[j] >= alpha[j] for j in range(d)) for h in rest for x in h.exponents):
                    continue
                mu, att = _monomial_value(prob.tau, [2 * x for x in alpha])
                mono = format_polynomial({tuple(2 * x for x in alpha): Fraction(1)}, prob.variables)
                name = prob.variables[v]
                if mu is not None and mu < Fraction(1, 2):
                    m = len(att)
                    return self.leaf(prob, _Val(mu, m, True, mu, m), f"integrate out {name}",
                                     f"K = {mono}·{name}² + B with B ≤ C·{mono}: below 1/2 the {name}-integral is "
                                     f"≍ ({mono})^(-z), λ = {mu}")
                if mu == Fraction(1, 2):
                    continue
                tau = tuple(Fraction(prob.tau[j]) - alpha[j] for j in range(d))
                step = (f"integrate out {name} (K = {mono}·{name}² + B, B ≤ C·{mono}): "
                        f"λ = 1/2 + λ' of B with prior ×({mono})^(-1/2)")
                sub = self.solve(prob.child(rest, tau, prob.fibre, step, deeper=False, shift=Fraction(1, 2)))
                if sub.exact:
                    if sub.lam is None:
                        return None  # B does not vanish: then A cannot either (B ≤ C·A fails); other rules
                    val = _Val(sub.lam + Fraction(1, 2), sub.m, True, sub.lam + Fraction(1, 2), sub.m)
                else:
                    ub = None if sub.ub is None else sub.ub + Fraction(1, 2)
                    val = _Val(None, 0, False, ub, sub.ubm)
                return val
        return None

    def at_points(self, prob: _Prob, points, why: str | None = None) -> list:
        """Solve the local problems at ``points`` of a fibre (translated to the origin;
        the prior's factors that are units there dropped)."""
        names, d = prob.variables, prob.d
        vals = []
        for p in points:
            if self.over():
                vals.append(self.open(prob, "budget exhausted"))
                break
            if any(p):
                gens = tuple(g.shift(p) for g in prob.gens)
                tau = tuple(0 if p[j] else prob.tau[j] for j in range(d))
                where = ", ".join(f"{names[j]} ↦ {names[j]} {'+' if p[j] > 0 else '-'} {abs(p[j])}"
                                  for j in range(d) if p[j])
            else:
                gens, tau, where = prob.gens, prob.tau, "at the origin of the chart"
            step = f"{why}: {where}" if why else where
            vals.append(self.solve(prob.child(gens, tau, None, step)))
        return vals

    def zeros_on_fibre(self, prob: _Prob, system):
        """The common real zeros of ``system`` on the divisor ``{u_i = 0}``: a finite
        list of rational points, or None (positive-dimensional, irrational or undecided)."""
        from .z3tools import real_zeros

        i = prob.fibre
        on = [Polynomial({e: c for e, c in p.terms.items() if e[i] == 0}, p.variables) for p in system]
        on = [p for p in on if not p.is_zero()]
        if not on:
            return None
        return real_zeros(on, fix_zero=[i], timeout=self.step_timeout())

    def dominant(self, prob: _Prob):
        """Every generator is divisible by ``u^α`` and ``μ = min_j (τ_j + 1)/(2α_j) < 1/2``.

        Then K ≤ C·u^{2α} gives λ_p ≤ μ_p at every point p. Where some generator
        ``u^α·h`` has h(p) ≠ 0, or ∂h/∂x_j(p) ≠ 0 for a coordinate ``x_j`` outside
        ``u^α`` (so h is a coordinate there, independent of the u's), also
        K ≥ c·u^{2α}h² and λ_p ≥ min(μ_p, 1/2) = μ_p with the same multiplicity:
        (λ_p, m_p) = (μ_p, #{j attaining μ_p}). The points where every generator
        fails this (finitely many rational points, or the rule does not apply)
        are solved as local problems.
        """
        if prob.mode != "ideal":
            return None
        d, i = prob.d, prob.fibre
        alpha = tuple(min(_monomial_content(g)[j] for g in prob.gens) for j in range(d))
        supp = [j for j in range(d) if alpha[j]]
        if not supp or (i is not None and i not in supp):
            return None
        mu, att = _monomial_value(prob.tau, [2 * x for x in alpha])
        if mu == Fraction(1, 2):
            return self.sandwich(prob, alpha, supp, att)
        if mu > Fraction(1, 2):
            return None
        m = len(att)
        hs = [_divide_monomial(g, alpha) for g in prob.gens]
        others = [j for j in range(d) if j not in supp]
        system = []
        for h in hs:
            system.append(h)
            system += [h.derivative(j) for j in others]
        system = [p for p in system if not p.is_zero()]
        fixed = list(range(d)) if i is None else [i]
        if i is None:
            if not any(p.coefficient((0,) * d) for p in system):
                return self.dominant_by_value(prob, alpha, supp, mu, m)
            bad = []
        else:
            bad = self.zeros_on_fibre(prob, system)
            if bad is None:
                return None
        mono = format_polynomial({tuple(2 * x for x in alpha): Fraction(1)}, prob.variables)
        # a good point where every coordinate of u^α vanishes attains (μ, m)
        zero_dim = len(set(supp) | set(fixed)) == d
        origin = (Fraction(0),) * d
        vals = []
        if not (zero_dim and origin in bad):
            vals.append(_Val(mu, m, True, mu, m))
            self.leaf(prob, vals[0], "dominant generator",
                      f"K ≍ {mono}·(h² + …) with h a coordinate transversal to {mono} "
                      + (f"off {len(bad)} point(s)" if bad else "everywhere") + f": λ = {mu} (< 1/2), m = {m}")
        vals += self.at_points(prob, bad, "dominant generator fails here")
        return _combine(vals)

    def sandwich(self, prob: _Prob, alpha, supp, att):
        """The case μ = 1/2 of :meth:`dominant`, where the multiplicity needs more.

        Take a generator ``g0 = u^α·h`` and a coordinate ``u_j`` attaining μ such that
        every other generator is divisible by ``u^α·u_j``. Where h is a coordinate
        transversal to the u's, K ≥ u^{2α}h² and K ≤ C·u^{2α}(h² + u_j²); both
        bounds have the value (1/2, # + 1) where h and the u's vanish (Newton
        polygon of the monomial ideal <u^α h, u^α u_j>: the vertex (2α_j, 2) is hit
        at t = 2), and (1/2, #) where h ≠ 0. The finitely many points where h is not
        transversal are solved as local problems; at the origin of a local
        problem, a generator ``u^α·h(x)`` whose h alone has λ > 1/2 gives (1/2, #).
        """
        from .z3tools import _other_zero

        d, i = prob.d, prob.fibre
        m = len(att)
        half = Fraction(1, 2)
        others = [j for j in range(d) if j not in supp]
        if any(prob.tau[k] for k in others):
            return None  # h would carry a prior weight: the bounds below assume none
        mono = format_polynomial({tuple(2 * x for x in alpha): Fraction(1)}, prob.variables)
        for k0, g0 in sorted(enumerate(prob.gens), key=lambda kg: len(kg[1])):
            rest = [g for k, g in enumerate(prob.gens) if k != k0]
            js = [j for j in att if all(all(e[j] > alpha[j] for e in g.exponents) for g in rest)]
            if not js:
                continue
            j = js[0]
            h = _divide_monomial(g0, alpha)
            system = [p for p in [h] + [h.derivative(k) for k in others] if not p.is_zero()]
            # where every coordinate attaining μ vanishes (and the divisor): the deepest points
            E = sorted(set(att) | ({i} if i is not None else set()))
            if i is None:
                if h.coefficient((0,) * d):
                    return self.leaf(prob, _Val(half, m, True, half, m), "monomial", f"K = {mono}·unit")
                if any(p.coefficient((0,) * d) for p in system):
                    return self.leaf(prob, _Val(half, m + 1, True, half, m + 1), "sandwich",
                                     f"K ≥ {mono}·h², K ≤ C·{mono}·(h² + {prob.variables[j]}²) with h = {h} "
                                     f"a coordinate: both (1/2, {m + 1})")
                return None
            bad = self.zeros_on_fibre(prob, system)
            if bad is None:
                return None
            bad_E = [p for p in bad if all(p[k] == 0 for k in E)]
            hE = Polynomial({e: c for e, c in h.terms.items() if not any(e[k] for k in E)}, h.variables)
            if hE.is_zero():
                good_zero = len(E) < d or not bad_E
            else:
                good_zero = _other_zero([hE], E, bad_E, self.step_timeout())
                if good_zero is None:
                    return None
            vals = []
            if good_zero:
                vals.append(_Val(half, m + 1, True, half, m + 1))
                detail = (f"K ≥ {mono}·h², K ≤ C·{mono}·(h² + {prob.variables[j]}²) with h = {h} transversal "
                          f"off {len(bad)} point(s): (1/2, {m + 1}) where h = 0")
            elif len(E) < d or not bad_E:
                vals.append(_Val(half, m, True, half, m))
                detail = f"K ≍ {mono} where h = {h} ≠ 0; h has no transversal zero over the origin: (1/2, {m})"
            else:
                detail = ""
            if vals:
                self.leaf(prob, vals[0], "sandwich", detail)
            vals += self.at_points(prob, bad, f"h = {h} not transversal here")
            return _combine(vals)
        return None

    def dominant_by_value(self, prob: _Prob, alpha, supp, mu, m):
        """The local form of :meth:`dominant` when no ``h`` is a coordinate: a
        generator ``u^α·h(x)`` with ``h`` free of the u's gives K ≥ c·u^{2α}·h(x)²,
        whose value (product rule, disjoint variables) is ``min(μ, λ_x(h²))``; when
        the local value of ``h`` alone is > μ, the local value is (μ, m)."""
        d = prob.d
        others = [j for j in range(d) if j not in supp]
        names = tuple(prob.variables[j] for j in others)
        tried = 0
        for g in sorted(prob.gens, key=len):
            h = _divide_monomial(g, alpha)
            if any(e[j] for e in h.exponents for j in supp) or not others:
                continue
            tried += 1
            if tried > 2:
                break
            hx = Polynomial({tuple(e[j] for j in others): c for e, c in h.terms.items()}, names)
            mono = format_polynomial({tuple(2 * x for x in alpha): Fraction(1)}, prob.variables)
            step = (f"lower bound K ≥ c·{mono}·h² with h = {hx}: the value is (μ, m) = ({mu}, {m}) "
                    f"if h alone has λ > {mu}")
            start, memo_start = len(self.leaves), len(self.memo)
            sub = self.solve(prob.child((hx,), tuple(prob.tau[j] for j in others), None, step, auxiliary=True))
            if not (sub.exact and (sub.lam is None or sub.lam > mu)):
                self._rollback(start, memo_start)
                continue
            return self.leaf(prob, _Val(mu, m, True, mu, m), "dominant generator",
                             f"K ≤ C·{mono} and K ≥ c·{mono}·h² with λ(h²) = "
                             f"{sub.lam if sub.lam is not None else '∞'} > {mu}: λ = {mu}, m = {m}")
        return None

    def separable(self, prob: _Prob):
        """``g_k = u^c · P_k(x)`` with the ``P_k`` homogeneous in variables ``x``
        disjoint from the divisor and from ``u^c``: K = u^{2c} K'(x), so (product
        rule for disjoint variables) the chart's value combines the monomial value
        of ``u^{2c}`` with the RLCT of ``<P_k>`` at ``x = 0``; a homogeneous ideal
        is invariant under scaling, so no point of the divisor is worse than the
        origin (lower semicontinuity)."""
        d = prob.d
        c = tuple(min(_monomial_content(g)[j] for g in prob.gens) for j in range(d))
        U = {j for j in range(d) if c[j]} | {prob.fibre}
        P = [_divide_monomial(g, c) for g in prob.gens]
        X = sorted({j for p in P for e in p.exponents for j in range(d) if e[j]})
        if not X or U & set(X):
            return None
        if any(len({sum(e) for e in p.exponents}) != 1 for p in P):
            return None
        lam_u, att = _monomial_value(prob.tau, [2 * x for x in c])
        m_u = len(att)
        names = tuple(prob.variables[j] for j in X)
        sub = [Polynomial({tuple(e[j] for j in X): v for e, v in p.terms.items()}, names) for p in P]
        if any(len(p) == 1 and sum(p.exponents[0]) == 0 for p in sub):
            return self.leaf(prob, _Val(lam_u, m_u, True, lam_u, m_u), "monomial", "K = u^a · unit")
        mono = format_polynomial({tuple(2 * x for x in c): Fraction(1)}, prob.variables)
        step = f"K = {mono} · K'({', '.join(names)}) with K' = Σ P_k², P_k homogeneous (product rule)"
        vx = self.solve(prob.child(sub, tuple(prob.tau[j] for j in X), None, step, mode="ideal"))
        if vx.exact:
            if vx.lam is None or lam_u < vx.lam:
                val = _Val(lam_u, m_u, True, lam_u, m_u)
            elif vx.lam < lam_u:
                val = vx
            else:
                val = _Val(lam_u, m_u + vx.m, True, lam_u, m_u + vx.m)
        else:
            ub = lam_u if vx.ub is None else min(lam_u, vx.ub)
            val = _Val(None, 0, False, ub, 1)
        return self.leaf(prob, val, "product rule",
                         f"{mono}: λ = {lam_u} (m = {m_u}); K' at 0: " +
                         (f"λ = {vx.lam}, m = {vx.m}" if vx.exact else f"open (λ <= {vx.ub})"))

    def arrangement(self, prob: _Prob):
        """Rule 4; None when it does not apply."""
        d = prob.d
        coords_used = set()
        others = []
        gen_factors = []
        for g in prob.gens:
            c, fs = g.factor()
            parts = []
            for f, e in fs:
                j = _coordinate_index(f)
                if j is not None:
                    coords_used.add(j)
                    parts.append(("u", j, e))
                else:
                    f = _canonical_factor(f)
                    if f not in others:
                        others.append(f)
                    parts.append(("f", others.index(f), e))
            gen_factors.append(parts)
        if len(others) > 6:
            return None
        # each non-coordinate factor must be usable as a coordinate where it vanishes
        rel = sorted(coords_used | {j for j in range(d) if prob.tau[j]} | {prob.fibre})
        free_rel = [j for j in rel if j != prob.fibre]
        from .z3tools import exists_point, jacobian_degenerate

        patterns = []
        for T in itertools.chain.from_iterable(itertools.combinations(range(len(others)), k)
                                                for k in range(min(len(others), d) + 1)):
            for r in range(len(free_rel) + 1):
                for Sx in itertools.combinations(free_rel, r):
                    if self.over():
                        return self.open(prob, "budget exhausted (factor arrangement)")
                    S = set(Sx) | {prob.fibre}
                    if not T and len(S) < len(rel):
                        continue  # pure coordinate strata: dominated by the origin of the chart
                    zero = sorted(S)
                    nonzero = [j for j in rel if j not in S]
                    ok = exists_point(d, zero=zero, nonzero=nonzero, vanish=[others[t] for t in T],
                                      nonvanish=[others[t] for t in range(len(others)) if t not in T],
                                      timeout=self.step_timeout())
                    if ok is None:
                        return None
                    if not ok:
                        continue
                    if T:
                        bad = jacobian_degenerate(d, zero=zero, nonzero=nonzero, fs=[others[t] for t in T],
                                                  nonvanish=[others[t] for t in range(len(others)) if t not in T],
                                                  timeout=self.step_timeout())
                        if bad is None or bad:
                            return None  # not transversal somewhere (or undecided): other rules
                    patterns.append((tuple(zero), T))
        vals = []
        descr = []
        for zero, T in patterns:
            v = self.monomial_value(prob, gen_factors, zero, T)
            vals.append(v)
            descr.append((zero, T, v))
        val = _combine(vals)
        if val.exact and val.lam is not None:
            best = [z for z in descr if z[2].lam == val.lam and z[2].m == val.m][0]
            where = ", ".join([prob.variables[j] for j in best[0]] + [f"({others[t]})" for t in best[1]])
            detail = (f"{len(patterns)} vanishing patterns on the divisor; least at {where} = 0"
                      + (f"; factors {', '.join(str(f) for f in others)} are transversal coordinates there" if others else ""))
        else:
            detail = f"{len(patterns)} vanishing patterns"
        return self.leaf(prob, val, "factor arrangement", detail)

    def monomial_value(self, prob, gen_factors, zero, T) -> _Val:
        from ..newton.polyhedron import NewtonPolyhedron

        cols = [("u", j) for j in zero] + [("f", t) for t in T]
        names = tuple(f"x{k}" for k in range(len(cols)))
        terms = {}
        for parts in gen_factors:
            e = [0] * len(cols)
            for kind, idx, mult in parts:
                if (kind, idx) in cols:
                    e[cols.index((kind, idx))] += 2 * mult
            terms[tuple(e)] = Fraction(1)
        if any(not any(e) for e in terms):
            return _Val.none()
        tau = tuple(prob.tau[j] for j in zero) + (0,) * len(T)
        D = NewtonPolyhedron(Polynomial(terms, names)).distance(tau)
        return _Val(1 / D.t, D.codimension, True, 1 / D.t, D.codimension)

    def bad_points(self, prob: _Prob) -> _Val:
        """Rule 7 of the module docstring."""
        d, i = prob.d, prob.fibre
        if prob.mode == "ideal":
            c = tuple(min(_monomial_content(g)[j] for g in prob.gens) for j in range(d))
            strict = [_divide_monomial(g, c) for g in prob.gens]
            a = tuple(2 * x for x in c)
            system = strict
        else:
            K = prob.gens[0]
            a = _monomial_content(K)
            strict = [_divide_monomial(K, a)]
            system = strict + [strict[0].derivative(j) for j in range(d) if j != i]
        names = prob.variables
        pts = self.zeros_on_fibre(prob, system)
        if pts is None:
            return self.open(prob, "the strict transform vanishes on a positive-dimensional set of the divisor "
                                   "(or at irrational points) that no rule resolves")
        vals = []
        origin = tuple([0] * d)
        if origin not in pts:
            lam, att = _monomial_value(prob.tau, a)
            vals.append(_Val(lam, len(att), True, lam, len(att)))
        if origin not in pts:
            mono = format_polynomial({a: Fraction(1)}, names)
            self.leaf(prob, vals[0], "normal crossing",
                      f"K = {mono} · unit off {len(pts)} point(s) of the divisor" if pts else f"K = {mono} · unit")
        vals += self.at_points(prob, pts)
        return _combine(vals)


def blowup_resolution(K=None, *, ideal=None, at=None, prior=None, domain=None, variables=None,
                      seconds: float = 60.0, max_charts: int = 2000, max_depth: int = 6,
                      timeout: float = 5.0) -> BlowupResolution:
    """Resolve a (possibly Newton-degenerate) K by blow-ups and read off (λ, m).

    Parameters
    ----------
    K, ideal, at, prior, domain, variables
        As for :func:`rlct.rlct`. A domain with boundary is not supported here
        (the result says so).
    seconds, max_charts, max_depth : budget
        Every run ends: what is left when the budget runs out is reported as
        open charts, and the result is not exact.
    timeout : float
        Seconds per z3 decision.

    Returns
    -------
    BlowupResolution
        ``exact`` with (λ, m) when every chart is decided; otherwise the best
        upper bound and the open charts.

    Examples
    --------
    >>> from rlct.resolution import blowup_resolution
    >>> R = blowup_resolution("(w1 + w2)**2 + w2**4")      # Lin 2011, Remark 4.19
    >>> R.exact, R.lambda_, R.multiplicity
    (True, Fraction(3, 4), 1)
    >>> print(R.charts[0])
    chart 1: w1 ↦ w1 - w2
        K = w1**2 + w2**4, prior·Jacobian 1, at the origin: λ = 3/4, m = 1 [newton: non-degenerate; t = 4/3, principal face of codimension 1]
    >>> R = blowup_resolution(ideal=["a1*b1 + a2*b2", "a1*b1**3 + a2*b2**3"])   # tanh, H = 2
    >>> R.lambda_, R.multiplicity
    (Fraction(2, 3), 1)
    """
    from ..api import _prepare

    for name, val in (("seconds", seconds), ("timeout", timeout)):
        if not isinstance(val, (int, float)) or isinstance(val, bool) or not val > 0:
            raise InputError(f"{name} must be a positive number of seconds, got {val!r}")
    for name, val in (("max_charts", max_charts), ("max_depth", max_depth)):
        if not isinstance(val, int) or isinstance(val, bool) or val < 1:
            raise InputError(f"{name} must be a positive integer, got {val!r}")
    loc, P = _prepare(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables)
    Kl = loc.polynomial
    eng = _Engine(seconds, max_charts, max_depth, timeout)
    lower = None
    if any(loc.signs):
        val = _Val(None, 0, False, None)
        reason = "blow-ups on a domain with boundary are not implemented"
    else:
        if loc.generators is not None:
            root = _Prob(tuple(loc.generators), "ideal", tuple(Fraction(t) for t in loc.tau), None)
        else:
            root = _Prob((Kl,), "K", tuple(Fraction(t) for t in loc.tau), None)
        val = eng.solve(root)
        reason = None
        if not val.exact:
            n = sum(1 for c in eng.leaves if not c.exact)
            reason = (f"{n} of {len(eng.leaves)} charts open"
                      + (" (budget exhausted)" if eng.out_of_budget else ""))
            lower = _lower_bound(root, Kl, max(eng.deadline - time.perf_counter(), 0.1 * seconds),
                                 max_charts, max_depth, timeout)
            if (lower is not None and val.ub is not None and lower[0] == val.ub and lower[1] is not None
                    and lower[1] == val.ubm):
                # λ_J = ub and m_J = the multiplicity at the bound: (λ, m) is squeezed
                val = _Val(val.ub, val.ubm, True, val.ub, val.ubm)
                reason = None
                lower = (lower[0], lower[1], lower[2] + f"; it equals the upper bound ({val.ubm} at λ = {val.ub} "
                                                         f"from the charts), so (λ, m) = ({val.ub}, {val.ubm})")
    exact = val.exact and val.lam is not None
    if exact and lower is None:
        lower = (val.lam, val.m, None)  # λ itself; the charts are the proof
    return BlowupResolution(
        Kl, loc.tau, tuple(eng.leaves), exact,
        val.lam if val.exact else None, val.m if val.exact else None,
        val.lam if val.exact else val.ub, val.m if val.exact else (val.ubm if val.ub is not None else None),
        eng.blowups, eng.depth, eng.memo_hits, reason, time.perf_counter() - eng.start, loc.coordinates,
        lower[0] if lower else None, lower[2] if lower else None)


def _lower_bound(root: _Prob, K: Polynomial, seconds, max_charts, max_depth, timeout):
    """A proven lower bound on λ: ``(λ_J, m_J, why)`` or None.

    A sub-ideal J ⊆ I (a subset of the generators) has K_J ≤ K, hence λ_J ≤ λ
    and, when they are equal, m ≤ m_J. Single generators and all-but-one subsets
    are tried, each with a share of ``seconds``. Without generators (or when
    none is decided), λ ≥ lct_C(K) ≥ 1/ord₀(K) for a prior with nonnegative
    exponents (the real threshold is at least the complex one, Saito 2007; the
    complex one is at least 1/multiplicity, Kollár, "Singularities of pairs" 1997, §8)."""
    best = None
    if root.mode == "ideal" and len(root.gens) > 1:
        r = len(root.gens)
        subsets = [(k,) for k in range(r)]
        if r >= 3:
            subsets += [tuple(j for j in range(r) if j != k) for k in range(r)]
        share = max(seconds / len(subsets), 0.2)
        for ks in subsets:
            eng = _Engine(share, max_charts, max_depth, timeout)
            v = eng.solve(root.replace(gens=tuple(root.gens[k] for k in ks)))
            if v.exact and v.lam is not None and (best is None or (v.lam, -v.m) > (best[0], -best[1])):
                names = ", ".join(f"g{k + 1}" for k in ks)
                best = (v.lam, v.m, f"λ(<{names}>) = {v.lam} (m = {v.m}) by blow-ups; a sub-ideal has K_J ≤ K, "
                                    f"so λ ≥ {v.lam}")
    if best is None and all(Fraction(t) >= 0 for t in root.tau):
        order = min(sum(e) for e in K.exponents)
        best = (Fraction(1, order), None, f"λ ≥ lct_C(K) ≥ 1/ord₀(K) = 1/{order} (Saito 2007; Kollár 1997, §8)")
    return best
