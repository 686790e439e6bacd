"""Toric resolutions: one chart per smooth cone of a refinement of the normal fan.

For a smooth maximal cone with rays ``v_1..v_d`` (the rows of ``V``), the chart is
the monomial map ``w_j = Π_i u_i^{V[i][j]}``. Every term ``c w^α`` pulls back to
``c u^{Vα}``, so ``K∘w = u^a K̃(u)`` with ``a_i = min_α <v_i, α>`` and ``K̃`` not
divisible by any ``u_i``; the Jacobian is ``±u^{V·1 − 1}`` and the prior's
amplitude ``|w|^τ`` becomes ``|u|^{Vτ}``, so ``b_i = <v_i, τ+1> − 1``. The chart
is normal crossing over the origin when ``K̃`` has no zero on any torus orbit of
the chart lying over ``w = 0`` (the strata ``{u_S = 0}`` whose rays cover every
coordinate). Then ``λ_chart = min_i (b_i+1)/a_i`` over ``a_i > 0`` and
``m_chart`` the number of minimisers; λ is the least ``λ_chart`` and m the largest
multiplicity among the charts attaining it (Lin 2011, §4.3; AGV vol. II ch. 8).

Real charts: a unimodular ``V`` is invertible mod 2, so ``u ∈ (R*)^d`` reaches
every sign pattern of ``w`` once and one chart serves all orthants; a domain that
restricts some ``w_j >= 0`` restricts the signs of ``u`` accordingly, and the
normal-crossing checks respect it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .. import real
from ..polynomial import Polynomial, as_polynomial, format_polynomial, latex_var
from ..problem import Problem, prepare
from ..result import latex_fraction
from .fan import normal_fan

__all__ = ["Chart", "ToricResolution", "toric_resolution", "Stratum", "resolve"]

NORMAL_CROSSING = "normal crossing"
NOT_NORMAL_CROSSING = "not normal crossing"
UNDECIDED = "undecided"


@dataclass(frozen=True, kw_only=True)
class Stratum:
    """A torus orbit ``{u_i = 0 for i in S, u_j != 0 otherwise}`` of a chart over ``w = 0``.

    ``vanishes`` is True when ``K̃`` has a zero there (the chart is not normal
    crossing at that point), False when it has none, None when undecided.
    """

    zero: tuple  # indices i with u_i = 0
    polynomial: Polynomial  # K̃ restricted to the stratum
    vanishes: bool | None
    method: str
    witness: tuple | None = None


@dataclass(frozen=True, kw_only=True)
class Chart:
    """One toric chart ``w = u^V`` with ``K∘w = u^a K̃(u)`` and Jacobian·prior ``u^b``.

    Attributes
    ----------
    index : int
    rays : tuple of tuple of int
        The rows of ``V`` (the cone's rays).
    variables, chart_variables : tuple of str
        Names of ``w`` and of ``u``.
    a, b : tuple of int or Fraction
        Exponents of ``u`` in K and in Jacobian × prior amplitude.
    strict : Polynomial
        ``K̃``, not divisible by any ``u_i``.
    status : str
        ``"normal crossing"``, ``"not normal crossing"`` or ``"undecided"``.
    strata : tuple of Stratum
        The strata over the origin where ``K̃`` vanishes or that are undecided
        (empty for a normal-crossing chart).
    """

    index: int
    rays: tuple
    variables: tuple
    chart_variables: tuple
    a: tuple
    b: tuple
    strict: Polynomial
    status: str
    strata: tuple = field(default=(), repr=False)

    @property
    def normal_crossing(self) -> bool:
        """True when K̃ has no zero on the strata over the origin."""
        return self.status == NORMAL_CROSSING

    @property
    def ratios(self) -> tuple:
        """``(b_i + 1)/a_i`` per divisor with ``a_i > 0`` (None where ``a_i = 0``)."""
        return tuple(Fraction(bi + 1) / ai if ai else None for ai, bi in zip(self.a, self.b))

    @property
    def lambda_(self) -> Fraction:
        """``min_i (b_i+1)/a_i`` over ``a_i > 0``."""
        return min(r for r in self.ratios if r is not None)

    @property
    def multiplicity(self) -> int:
        """The number of divisors attaining ``lambda_``."""
        lam = self.lambda_
        return sum(1 for r in self.ratios if r == lam)

    def substitution(self, latex: bool = False) -> list:
        """``["w1 = u1*u2**2", ...]`` (or LaTeX)."""
        out = []
        for j, w in enumerate(self.variables):
            exps = {tuple(r[j] for r in self.rays): Fraction(1)}
            rhs = format_polynomial(exps, self.chart_variables, latex=latex)
            out.append(f"{_lv(w) if latex else w} = {rhs}")
        return out

    def pullback_text(self, latex: bool = False) -> str:
        """``K = u1**2*u2**6 * (1 + u1**2)`` style text (or LaTeX)."""
        mono = format_polynomial({tuple(self.a): Fraction(1)}, self.chart_variables, latex=latex)
        strict = self.strict.latex() if latex else str(self.strict)
        if len(self.strict) == 1 and self.strict.coefficient((0,) * len(self.a)) == 1:
            return mono
        if mono == "1":
            return strict
        return f"{mono} ({strict})" if latex else f"{mono} * ({strict})"

    def __str__(self):
        return (f"chart {self.index}: {', '.join(self.substitution())}; K = {self.pullback_text()}; "
                f"λ = {self.lambda_} (m = {self.multiplicity}); {self.status}")

    def _repr_latex_(self):
        return ("$\\text{chart } %d:\\ %s;\\ K = %s;\\ \\lambda = %s$" %
                (self.index, ",\\ ".join(self.substitution(latex=True)), self.pullback_text(latex=True),
                 latex_fraction(self.lambda_)))


def _lv(name):
    return latex_var(name)


@dataclass(frozen=True, kw_only=True)
class ToricResolution:
    """A toric resolution: the smooth fan and one :class:`Chart` per maximal cone.

    Attributes
    ----------
    polynomial : Polynomial
        K in local coordinates.
    tau : tuple
    fan : Fan
        The smooth refinement of the normal fan.
    charts : tuple of Chart
    signs : tuple of int
        1 for a local coordinate restricted to be >= 0.
    """

    polynomial: Polynomial
    tau: tuple
    fan: Any
    charts: tuple
    signs: tuple = ()
    coordinates: tuple | None = None
    normal_fan: Any = field(default=None, repr=False, compare=False)

    @property
    def normal_crossing(self) -> bool:
        """True when every chart is normal crossing over the origin."""
        return all(c.normal_crossing for c in self.charts)

    @property
    def lambda_(self) -> Fraction:
        """The least chart value (exact λ when :attr:`normal_crossing`; an upper bound otherwise)."""
        return min(c.lambda_ for c in self.charts)

    @property
    def multiplicity(self) -> int:
        """The largest multiplicity among the charts attaining :attr:`lambda_`."""
        lam = self.lambda_
        return max(c.multiplicity for c in self.charts if c.lambda_ == lam)

    @property
    def open_charts(self) -> tuple:
        """The charts that are not (known to be) normal crossing."""
        return tuple(c for c in self.charts if not c.normal_crossing)

    def verify(self) -> bool:
        """Recompute every chart with sympy, independently of the flint pull-back.

        Checks, per chart: ``|det V| = 1``; ``K(u^V) = u^a K̃(u)`` as polynomials;
        no ``u_i`` divides ``K̃``; ``b = V(τ+1) − 1``; and every stratum verdict
        (every stratum over the origin re-derived from the sympy ``K̃`` and
        re-decided).

        Raises
        ------
        ValueError
            Naming the chart and the claim that failed.
        """
        import sympy

        ws = sympy.symbols(self.polynomial.variables)
        Kexpr = self.polynomial.to_sympy()
        for ch in self.charts:
            us = sympy.symbols(ch.chart_variables)
            V = sympy.Matrix(ch.rays)
            if abs(V.det()) != 1:
                raise ValueError(f"chart {ch.index}: the cone is not unimodular")
            sub = {w: sympy.Mul(*[u ** r[j] for u, r in zip(us, ch.rays)]) for j, w in enumerate(ws)}
            lhs = sympy.expand(Kexpr.xreplace(sub))
            mono = sympy.Mul(*[u ** ai for u, ai in zip(us, ch.a)])
            rhs = sympy.expand(mono * ch.strict.to_sympy().xreplace(dict(zip(sympy.symbols(ch.strict.variables), us))))
            if sympy.expand(lhs - rhs) != 0:
                raise ValueError(f"chart {ch.index}: K(u^V) != u^a K~(u)")
            P = sympy.Poly(ch.strict.to_sympy(), *sympy.symbols(ch.strict.variables))
            for i in range(len(us)):
                if all(m[i] > 0 for m in P.monoms()):
                    raise ValueError(f"chart {ch.index}: u{i + 1} divides K~")
            for i, r in enumerate(ch.rays):
                if ch.b[i] != sum(x * (Fraction(t) + 1) for x, t in zip(r, self.tau)) - 1:
                    raise ValueError(f"chart {ch.index}: wrong Jacobian exponent for u{i + 1}")
            seen = {}
            found_zero = False
            for S in _covering_subsets(ch.rays):
                zero = [i for i in range(len(us)) if S >> i & 1]
                restricted = sympy.expand(P.as_expr().xreplace({us[i]: 0 for i in zero}))
                if restricted not in seen:
                    poly = as_polynomial(restricted, ch.chart_variables) if restricted != 0 else Polynomial({}, ch.chart_variables)
                    seen[restricted] = _stratum_vanishes(poly, zero, ch.rays, self.signs, timeout=30.0)[0]
                van = seen[restricted]
                if ch.status == NORMAL_CROSSING and van is not False:
                    raise ValueError(f"chart {ch.index}: claimed normal crossing but K~ on the stratum "
                                     f"{{{', '.join(ch.chart_variables[i] for i in zero)} = 0}} is not cleared")
                found_zero = found_zero or bool(van)
            if ch.status == NOT_NORMAL_CROSSING and not found_zero:
                raise ValueError(f"chart {ch.index}: claimed not normal crossing but no stratum vanishes")
        return True

    def __str__(self):
        head = (f"toric resolution of K = {self.polynomial}: {len(self.charts)} charts, fan with "
                f"{len(self.fan.rays)} rays; λ = {self.lambda_}, m = {self.multiplicity}"
                + ("" if self.normal_crossing else f" (upper bound: {len(self.open_charts)} charts not normal crossing)"))
        rows = [head]
        if self.coordinates:
            rows.append("local coordinates: " + "; ".join(self.coordinates))
        rows += [str(c) for c in self.charts]
        return "\n".join(rows)

    def __repr__(self):
        return (f"<ToricResolution: {len(self.charts)} charts, λ = {self.lambda_}, m = {self.multiplicity}, "
                f"{'normal crossing' if self.normal_crossing else f'{len(self.open_charts)} charts open'}>")

    def _repr_latex_(self):
        lines = [c._repr_latex_().strip("$") for c in self.charts]
        return "$\\begin{array}{l}" + " \\\\ ".join(lines) + "\\end{array}$"

    def to_dict(self) -> dict:
        """A JSON-friendly view."""
        return {
            "kind": "toric",
            "polynomial": str(self.polynomial),
            "rays": [list(r) for r in self.fan.rays],
            "charts": [{"rays": [list(r) for r in c.rays], "a": list(c.a), "b": [str(x) for x in c.b],
                        "strict": str(c.strict), "status": c.status, "lambda": str(c.lambda_),
                        "m": c.multiplicity} for c in self.charts],
        }


def _stratum_vanishes(poly: Polynomial, zero, rays, signs, timeout: float):
    """(vanishes: bool|None, method, witness) for K̃ restricted to a stratum."""
    d = poly.nvars
    live = [i for i in range(d) if i not in zero]
    if poly.is_zero():
        return True, "identically zero", None
    if len(poly) == 1:
        return False, "monomial", None
    if all(c > 0 and all(e % 2 == 0 for e in exp) for exp, c in poly.terms.items()):
        return False, "positive terms", None
    found, info = real.stratum_zero(poly, rays, signs, timeout)
    if found is None:
        return None, f"z3 ({info})", None
    return found, "z3", tuple(info[i] for i in live) if found else None


def _covering_subsets(rays):
    """Bitmasks S of ray indices whose rays cover every coordinate (strata over w = 0)."""
    d = len(rays)
    cover = [sum(1 << j for j in range(d) if rays[i][j] > 0) for i in range(d)]
    full = (1 << d) - 1
    out = []
    for S in range(1, 1 << d):
        c = 0
        for i in range(d):
            if S >> i & 1:
                c |= cover[i]
        if c == full:
            out.append(S)
    return out


def _chart(index, rays, K: Polynomial, tau, signs, names, timeout, deadline, cache):
    """Build one chart; strata verdicts are cached by the face of Γ they correspond to
    (the terms of K left on the stratum) and, with a domain, by the chart's sign parity."""
    d = K.nvars
    terms = []
    for exp, c in K.terms.items():
        terms.append((tuple(sum(r[j] * exp[j] for j in range(d)) for r in rays), c))
    a = tuple(min(e[i] for e, _ in terms) for i in range(d))
    strict_terms = [(tuple(x - y for x, y in zip(e, a)), c) for e, c in terms]
    strict = Polynomial(dict(strict_terms), names)
    b = tuple(sum(r[j] * (Fraction(tau[j]) + 1) for j in range(d)) - 1 for r in rays)
    b = tuple(int(x) if x.denominator == 1 else x for x in b)
    masks = [sum(1 << i for i in range(d) if e[i] == 0) for e, _ in strict_terms]
    parity = tuple(tuple(r[j] % 2 for r in rays) for j in range(d) if signs[j]) if any(signs) else ()
    open_strata = []
    status = NORMAL_CROSSING
    for S in _covering_subsets(rays):
        face = frozenset(t for t, m in enumerate(masks) if m & S == S)
        key = (frozenset(K.exponents[t] for t in face), parity)
        zero = tuple(i for i in range(d) if S >> i & 1)
        if key in cache and cache[key][0] is False:
            van, method, wit = cache[key]
            rest = None
        else:
            rest = Polynomial({strict_terms[t][0]: strict_terms[t][1] for t in face}, names)
            if time.perf_counter() > deadline:
                van, method, wit = None, "budget", None
            else:
                van, method, wit = _stratum_vanishes(rest, zero, rays, signs, timeout)
                cache[key] = (van, method, wit)
        if van is not False:
            if rest is None:
                rest = Polynomial({strict_terms[t][0]: strict_terms[t][1] for t in face}, names)
            open_strata.append(Stratum(zero=zero, polynomial=rest, vanishes=van, method=method, witness=wit))
            if van:
                status = NOT_NORMAL_CROSSING
            elif status == NORMAL_CROSSING:
                status = UNDECIDED
    return Chart(index=index, rays=tuple(rays), variables=K.variables, chart_variables=names, a=a, b=b, strict=strict,
                 status=status, strata=tuple(open_strata))


def toric_resolution(K=None, *, ideal=None, at=None, prior=None, domain=None, variables=None,
                     max_cones: int = 20_000, seconds: float = 120.0, timeout: float = 10.0) -> ToricResolution:
    """The toric resolution of K's Newton polyhedron, with verified charts.

    Parameters
    ----------
    K, ideal, at, prior, domain, variables
        As for :func:`rlct.rlct`.
    max_cones, seconds : budget
        Limits for the smooth refinement and the chart checks; exceeding them
        raises :class:`rlct.Undecided` saying how far it got.
    timeout : float
        Seconds per stratum for z3.

    Returns
    -------
    ToricResolution

    Examples
    --------
    >>> from rlct.resolution import toric_resolution
    >>> R = toric_resolution("w1**4 + w2**6")
    >>> len(R.charts), R.lambda_, R.multiplicity, R.normal_crossing
    (4, Fraction(5, 12), 1, True)
    >>> print(R.charts[0])
    chart 1: w1 = u1, w2 = u1*u2; K = u1**4 * (1 + u1**2*u2**6); λ = 1/2 (m = 1); normal crossing
    >>> R.verify()
    True
    """
    start = time.perf_counter()
    return resolve(prepare(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables),
                   max_cones=max_cones, seconds=seconds, timeout=timeout, start=start)


def resolve(problem: Problem, *, max_cones: int = 20_000, seconds: float = 120.0, timeout: float = 10.0,
            start: float | None = None) -> ToricResolution:
    """:func:`toric_resolution` of a prepared problem (:func:`rlct.problem.prepare`)."""
    start = time.perf_counter() if start is None else start
    Kl = problem.polynomial
    fan0 = normal_fan(problem.polyhedron)
    fan = fan0.smooth(max_cones=max_cones, seconds=seconds)
    names = _chart_names(Kl.variables)
    deadline = start + seconds
    charts = []
    cache: dict = {}
    for k, cone in enumerate(sorted(fan.cones, key=lambda c: sorted(c.rays, reverse=True)), start=1):
        charts.append(_chart(k, _order_rays(cone.rays), Kl, problem.tau, problem.signs, names, timeout, deadline,
                             cache))
    return ToricResolution(polynomial=Kl, tau=problem.tau, fan=fan, charts=tuple(charts), signs=problem.signs,
                           coordinates=problem.coordinates, normal_fan=fan0)


def _order_rays(rays):
    """Order a chart's rays so that ray i is close to e_i where possible (readable charts):
    greedily give each coordinate, in order, the remaining ray with the largest entry there."""
    left = list(rays)
    out = []
    for j in range(len(rays)):
        r = max(left, key=lambda r: (r[j], -sum(r)))
        left.remove(r)
        out.append(r)
    return tuple(out)


def _chart_names(variables):
    base = "u"
    while any(v.startswith(base) and v[len(base):].isdigit() for v in variables):
        base += "u"
    return tuple(f"{base}{i + 1}" for i in range(len(variables)))
