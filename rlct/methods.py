"""The exact methods, each a function of a prepared :class:`~rlct.problem.Problem` and a
:class:`Budget` returning one :class:`~rlct.RLCT`.

=============  ============================================================
``monomial``   K = c·u^a·unit: λ = min (τ_j+1)/a_j (Lin 2011, Prop 3.7)
``newton``     every compact face non-degenerate: λ = 1/t (Lin 2011, Thm 4.15, 4.18)
``toric``      the toric resolution's charts (Lin 2011, §4.3)
``blowup``     the blow-up engine (:mod:`rlct.resolution.blowup`)
``auto``       all of them, with the decomposition rules (:mod:`rlct.decomposition`)
=============  ============================================================

:func:`rlct.rlct` chains them (:func:`auto`). Each result is exact only when its
method proved it; otherwise it carries an upper bound and the reason.

Examples
--------
>>> from rlct.problem import prepare
>>> from rlct.methods import Budget, newton
>>> newton(prepare("w1**2 + w2**4"), Budget(timeout=5, seconds=5))
RLCT(λ=3/4, m=1, exact, method='newton')
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

from . import decomposition
from .errors import InputError, Undecided
from .newton.nondegeneracy import DEGENERATE, NEGATIVE, UNDECIDED, newton_decision
from .problem import Problem
from .problem import order_bound as problem_order_bound
from .resolution.blowup import resolve as resolve_blowup
from .resolution.toric import resolve as resolve_toric
from .result import RLCT, MonomialCertificate, NewtonCertificate

__all__ = ["Budget", "monomial", "newton", "toric", "blowup", "auto", "order_bound", "newton_bound"]


@dataclass(frozen=True, kw_only=True)
class Budget:
    """Time limits: ``timeout`` seconds per real-algebra decision, ``seconds`` in all,
    counted from ``start`` (``time.perf_counter()``)."""

    timeout: float
    seconds: float
    start: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def left(self) -> float:
        return self.seconds - self.elapsed()


def monomial(problem: Problem, budget: Budget) -> RLCT:
    """K = c·u^a·unit (one Newton vertex): λ = min_j (τ_j+1)/a_j, m = the number of minimisers."""
    P, Kl, tau = problem.polyhedron, problem.polynomial, problem.tau
    common = dict(polynomial=Kl, point=problem.at, tau=tau)
    if len(P.vertices) != 1:
        lower, why = order_bound(problem)
        ub, ubm, newton_why = newton_bound(problem)
        return RLCT(lambda_=None, multiplicity=None, exact=False, method="monomial",
                    reason=f"K is not a monomial times a unit (its Newton polyhedron has {len(P.vertices)} vertices); "
                           f"bounds: {why}, and {newton_why}",
                    upper_bound=ub, upper_bound_multiplicity=ubm, lower_bound=lower,
                    seconds=budget.elapsed(), **common)
    a = P.vertices[0]
    ratios = [((tau[j] + 1) / Fraction(a[j]), j) for j in range(len(a)) if a[j]]
    lam = min(r for r, _ in ratios)
    m = sum(1 for r, _ in ratios if r == lam)
    cert = MonomialCertificate(variables=Kl.variables, exponent=a, coefficient=Kl.coefficient(a), tau=tau,
                               ratios=tuple((Kl.variables[j], r) for r, j in ratios), coordinates=problem.coordinates)
    return RLCT(lambda_=lam, multiplicity=m, exact=True, method="monomial", upper_bound=lam,
                upper_bound_multiplicity=m, certificate=cert, seconds=budget.elapsed(), **common)


def newton(problem: Problem, budget: Budget) -> RLCT:
    """The Newton polyhedron's value 1/t: exact when every compact face is real
    non-degenerate, otherwise an upper bound with the offending face as reason.

    Raises
    ------
    InputError
        When a face polynomial of K is negative somewhere (so is K near the true point).
    """
    Kl = problem.polynomial
    left = max(budget.left(), 0.05)  # the faces' share counts from the budget's start, not from now
    dec = newton_decision(problem.polyhedron, problem.tau, generators=problem.generators, signs=problem.signs,
                          timeout=min(budget.timeout, left), budget=left)
    lam, codim = dec.bound, dec.multiplicity
    cert = NewtonCertificate(polynomial=Kl, distance=dec.distance, checks=dec.report.checks,
                             complete=dec.report.complete, coordinates=problem.coordinates, signs=problem.signs)
    common = dict(certificate=cert, polynomial=Kl, point=problem.at, tau=problem.tau)
    bad = dec.report.offending
    if bad is not None and bad.status == NEGATIVE:
        w = f" at {Kl.variables} = ({', '.join(bad.witness)})" if bad.witness else ""
        raise InputError(f"K is negative near the true point: on the Newton face {list(bad.face.vertices)} "
                         f"the face polynomial {bad.face.polynomial} is negative{w} (local coordinates). "
                         "K must be non-negative (e.g. a KL divergence); to give generators g_i of K = Σ g_i², "
                         "pass ideal=[...]")
    if dec.status == "non-degenerate":
        return RLCT(lambda_=lam, multiplicity=codim, exact=True, method="newton", upper_bound=lam,
                    upper_bound_multiplicity=codim, seconds=budget.elapsed(), **common)
    if bad is not None and bad.status == DEGENERATE:
        w = f" at ({', '.join(bad.witness)})" if bad.witness else ""
        polys = "; ".join(str(p) for p in bad.polynomials) if bad.polynomials else str(bad.face.polynomial)
        reason = (f"degenerate Newton face {list(bad.face.vertices)}: {polys} vanishes on the real torus{w}; "
                  f"1/t = {lam} is only an upper bound (Lin 2011, Thm 4.18)")
    elif bad is not None and bad.status == UNDECIDED:
        reason = f"could not decide non-degeneracy of face {list(bad.face.vertices)}: {bad.reason}"
    else:
        reason = dec.report.reason or "non-degeneracy undecided"
    lower, why = order_bound(problem)
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="newton", upper_bound=lam,
                upper_bound_multiplicity=codim, reason=f"{reason}; {why}", lower_bound=lower,
                seconds=budget.elapsed(), **common)


def toric(problem: Problem, budget: Budget) -> RLCT:
    """(λ, m) read off the toric resolution's charts; exact when every chart is normal crossing."""
    try:
        R = resolve_toric(problem, seconds=max(0.05, budget.left()), timeout=budget.timeout)
    except Undecided as e:  # the smooth refinement of the normal fan ran out of budget
        lower, why = order_bound(problem)
        ub, ubm, newton_why = newton_bound(problem)
        return RLCT(lambda_=None, multiplicity=None, exact=False, method="toric", upper_bound=ub,
                    upper_bound_multiplicity=ubm, lower_bound=lower, reason=f"{e}; {newton_why}, {why}",
                    polynomial=problem.polynomial, point=problem.at, tau=problem.tau, seconds=budget.elapsed())
    lam, m = R.lambda_, R.multiplicity
    common = dict(certificate=R, polynomial=R.polynomial, point=None, tau=R.tau)
    if R.normal_crossing:
        return RLCT(lambda_=lam, multiplicity=m, exact=True, method="toric", upper_bound=lam,
                    upper_bound_multiplicity=m, seconds=budget.elapsed(), **common)
    open_ = R.open_charts
    first = open_[0]
    bad = next((st for st in first.strata if st.vanishes is not False), None)
    where = ""
    if bad is not None:
        zs = ", ".join(first.chart_variables[i] for i in bad.zero)
        where = f"; K~ = {bad.polynomial} on {{{zs} = 0}}" + (" vanishes" if bad.vanishes else " is undecided")
        if bad.witness:
            where += f" at ({', '.join(bad.witness)})"
    lower, why = order_bound(problem)
    reason = (f"{len(open_)} of {len(R.charts)} toric charts are not normal crossing (chart {first.index}{where}); "
              f"{lam} is only an upper bound; {why}")
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="toric", upper_bound=lam,
                upper_bound_multiplicity=m, reason=reason, lower_bound=lower, seconds=budget.elapsed(), **common)


def blowup(problem: Problem, budget: Budget, theorems: bool = True) -> RLCT:
    """(λ, m) from the blow-up engine, with its charts as certificate; ``theorems``: the engine
    may close a local problem by a cited theorem (:mod:`rlct.resolution.blowup.rules.theorems`)."""
    R = resolve_blowup(problem, seconds=max(0.2, budget.left()), timeout=budget.timeout, theorems=theorems)
    common = dict(certificate=R, polynomial=R.polynomial, point=None, tau=R.tau)
    if R.exact:
        # say when a cited theorem closed charts (rules/theorems.py): "theorem" when it closed the problem
        cited = [c.method == "theorem" for c in R.charts if not c.auxiliary]
        method = "theorem" if cited and all(cited) else "blowup+theorem" if any(cited) else "blowup"
        return RLCT(lambda_=R.lambda_, multiplicity=R.multiplicity, exact=True, method=method,
                    upper_bound=R.lambda_, upper_bound_multiplicity=R.multiplicity,
                    seconds=budget.elapsed(), **common)
    ub, ubm, reason = R.upper_bound, R.upper_bound_multiplicity, R.reason
    if ub is None:  # no chart bounded λ: the Newton polyhedron's 1/t still does
        ub, ubm, newton_why = newton_bound(problem)
        reason = f"{reason}; {newton_why}"
    lower = R.lower_bound
    if lower is None:
        lower, why = order_bound(problem)
        reason = f"{reason}; {why}"
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="blowup", upper_bound=ub,
                upper_bound_multiplicity=ubm, reason=reason, lower_bound=lower, seconds=budget.elapsed(), **common)


def auto(problem: Problem, budget: Budget, theorems: bool = True) -> RLCT:
    """Monomial, then Newton (with a third of the budget), then the decomposition rules
    (:mod:`rlct.decomposition`: a sum or product of parts in disjoint variables, each part
    solved by ``auto`` with a share of what is left), then blow-ups with what is left;
    when none decides, the best bounds with every method's reason.

    Newton goes before the decomposition because it decides K exactly when it decides every
    part (a compact face of a disjoint sum or product is made of faces of the parts), so the
    rules only run when some part needs more than Newton."""
    r = monomial(problem, budget)
    if r.exact:
        return r
    share = budget.seconds / 3
    nt = newton(problem, Budget(timeout=budget.timeout, seconds=share, start=budget.start))
    if nt.exact:
        return nt
    parts = decomposition.split(problem)
    if parts is not None:
        dec = decomposition.solve_parts(
            parts, lambda part, seconds: auto(part, Budget(timeout=budget.timeout, seconds=seconds), theorems),
            max(budget.left(), 0.0))
        if dec.exact or budget.elapsed() >= budget.seconds:
            return decomposition.tighten(dec, nt)
        blow = blowup(problem, Budget(timeout=budget.timeout, seconds=budget.left()), theorems)
        return decomposition.tighten(dec, blow, nt)
    if budget.elapsed() >= budget.seconds:
        return nt
    blow = blowup(problem, Budget(timeout=budget.timeout, seconds=budget.left()), theorems)   # what is left, from now
    if blow.exact:
        return blow
    reason = nt.reason + f"; blow-ups did not decide either ({blow.reason})"
    lower = max((x for x in (blow.lower_bound, nt.lower_bound) if x is not None), default=None)
    if blow.upper_bound is not None and blow.upper_bound < nt.upper_bound:
        return RLCT(lambda_=None, multiplicity=None, exact=False, method="blowup", upper_bound=blow.upper_bound,
                    upper_bound_multiplicity=blow.upper_bound_multiplicity, reason=reason,
                    certificate=blow.certificate, polynomial=nt.polynomial, seconds=budget.elapsed(),
                    point=problem.at, tau=problem.tau, lower_bound=lower)
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="newton", upper_bound=nt.upper_bound,
                upper_bound_multiplicity=nt.upper_bound_multiplicity, reason=reason, certificate=nt.certificate,
                polynomial=nt.polynomial, seconds=budget.elapsed(), point=problem.at, tau=problem.tau,
                lower_bound=lower)


def newton_bound(problem: Problem) -> tuple:
    """The upper bound every K has: ``(1/t, codimension, why)`` from the τ-distance t of its Newton
    polyhedron (Lin 2011, Thm 4.18: λ <= 1/t, equality when non-degenerate).

    >>> from rlct.problem import prepare
    >>> newton_bound(prepare("(w1 + w2)**2 + w2**4"))[:2]
    (Fraction(1, 1), 1)
    """
    D = problem.polyhedron.distance(problem.tau)
    return 1 / D.t, D.codimension, f"λ <= 1/t = {1 / D.t} from the Newton polyhedron"


def order_bound(problem: Problem) -> tuple:
    """:func:`rlct.problem.order_bound` of a prepared problem's K (on its domain).

    >>> from rlct.problem import prepare
    >>> order_bound(prepare("(w1 + w2)**2 + w2**4"))[0]
    Fraction(1, 2)
    """
    return problem_order_bound(problem.polynomial, problem.has_boundary)

