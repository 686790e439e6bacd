"""The exact methods, each a function of a prepared :class:`~rlct.problem.Problem` and a
:class:`Budget` returning one :class:`~rlct.RLCT`.

=============  ============================================================
``monomial``   K = c·u^a·unit: λ = min (τ_j+1)/a_j (Lin 2011, Prop 3.7)
``newton``     every compact face non-degenerate: λ = 1/t (Lin 2011, Thm 4.15, 4.18)
``toric``      the toric resolution's charts (Lin 2011, §4.3)
``blowup``     the blow-up engine (:mod:`rlct.resolution.blowup`)
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

from .errors import InputError
from .newton.nondegeneracy import DEGENERATE, NEGATIVE, UNDECIDED, newton_decision
from .problem import Problem
from .resolution.blowup import resolve as resolve_blowup
from .resolution.toric import resolve as resolve_toric
from .result import RLCT, MonomialCertificate, NewtonCertificate

__all__ = ["Budget", "monomial", "newton", "toric", "blowup", "auto"]


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
        return RLCT(lambda_=None, multiplicity=None, exact=False, method="monomial",
                    reason=f"K is not a monomial times a unit (its Newton polyhedron has {len(P.vertices)} vertices)",
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
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="newton", upper_bound=lam,
                upper_bound_multiplicity=codim, reason=reason, seconds=budget.elapsed(), **common)


def toric(problem: Problem, budget: Budget) -> RLCT:
    """(λ, m) read off the toric resolution's charts; exact when every chart is normal crossing."""
    R = resolve_toric(problem, seconds=max(0.05, budget.left()), timeout=budget.timeout)
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
    reason = (f"{len(open_)} of {len(R.charts)} toric charts are not normal crossing (chart {first.index}{where}); "
              f"{lam} is only an upper bound")
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="toric", upper_bound=lam,
                upper_bound_multiplicity=m, reason=reason, seconds=budget.elapsed(), **common)


def blowup(problem: Problem, budget: Budget) -> RLCT:
    """(λ, m) from the blow-up engine, with its charts as certificate."""
    R = resolve_blowup(problem, seconds=max(0.2, budget.left()), timeout=budget.timeout)
    common = dict(certificate=R, polynomial=R.polynomial, point=None, tau=R.tau)
    if R.exact:
        return RLCT(lambda_=R.lambda_, multiplicity=R.multiplicity, exact=True, method="blowup",
                    upper_bound=R.lambda_, upper_bound_multiplicity=R.multiplicity,
                    seconds=budget.elapsed(), **common)
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="blowup", upper_bound=R.upper_bound,
                upper_bound_multiplicity=R.upper_bound_multiplicity, reason=R.reason, lower_bound=R.lower_bound,
                seconds=budget.elapsed(), **common)


def auto(problem: Problem, budget: Budget) -> RLCT:
    """Monomial, then Newton (with a third of the budget), then blow-ups with what is left;
    when none decides, the best upper bound with every method's reason."""
    r = monomial(problem, budget)
    if r.exact:
        return r
    share = budget.seconds / 3 if not problem.has_boundary else budget.seconds
    nt = newton(problem, Budget(timeout=budget.timeout, seconds=share, start=budget.start))
    if nt.exact or problem.has_boundary or budget.elapsed() >= budget.seconds:
        return nt
    blow = blowup(problem, Budget(timeout=budget.timeout, seconds=budget.left()))   # what is left, from now
    if blow.exact:
        return blow
    reason = nt.reason + f"; blow-ups did not decide either ({blow.reason})"
    if blow.upper_bound is not None and blow.upper_bound < nt.upper_bound:
        return RLCT(lambda_=None, multiplicity=None, exact=False, method="blowup", upper_bound=blow.upper_bound,
                    upper_bound_multiplicity=blow.upper_bound_multiplicity, reason=reason,
                    certificate=blow.certificate, polynomial=nt.polynomial, seconds=budget.elapsed(),
                    point=problem.at, tau=problem.tau, lower_bound=blow.lower_bound)
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="newton", upper_bound=nt.upper_bound,
                upper_bound_multiplicity=nt.upper_bound_multiplicity, reason=reason, certificate=nt.certificate,
                polynomial=nt.polynomial, seconds=budget.elapsed(), point=problem.at, tau=problem.tau,
                lower_bound=blow.lower_bound)

