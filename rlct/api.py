"""The top-level entry point :func:`rlct`."""

from __future__ import annotations

import time
from fractions import Fraction

from .domain import localize
from .errors import InputError
from .newton.nondegeneracy import DEGENERATE, NEGATIVE, UNDECIDED, _can_be_negative, run_checks
from .newton.polyhedron import NewtonPolyhedron
from .newton.nondegeneracy import _ideal_polys
from .polynomial import as_polynomial, format_polynomial
from .result import RLCT, MonomialCertificate, NewtonCertificate

__all__ = ["rlct"]

METHODS = ("auto", "monomial", "newton", "toric", "blowup")


def rlct(K=None, *, ideal=None, at=None, prior=None, domain=None, variables=None, method: str = "auto",
         timeout: float = 10.0, budget: float = 60.0) -> RLCT:
    """The real log canonical threshold (λ, m) of K at a point, exactly.

    Parameters
    ----------
    K : str, sympy expression, mapping, Polynomial or model
        A polynomial ``K(w) >= 0`` vanishing at the true point, e.g.
        ``"(w1+w2)**2 + w2^4"`` or ``{(2, 0): 1, (0, 2): 1}``; or a model from
        :mod:`rlct.models` (its ``ideal()`` at its true parameter, with its domain
        and prior).
    ideal : sequence of polynomial-like, optional
        Instead of K: generators ``f_1..f_r``, meaning ``K = Σ f_i²`` (Lin's ideal
        RLCT is 2λ).
    at : mapping or sequence of rationals, optional
        The true point ``w0`` (default the origin); the RLCT is local at ``w0``.
    prior : str or mapping, optional
        A monomial amplitude: ``"w1**6*w2**3"`` means φ ∝ |w1−w01|^6 |w2−w02|^3
        times a positive smooth density.
    domain : list of str, optional
        Linear inequalities that hold near ``w0``, e.g. ``["w1 >= 0", "w2 >= w1"]``;
        default a full neighbourhood.
    variables : sequence of str, optional
        Variable order (default: natural order of the names, ``w2`` before ``w10``).
    method : {"auto", "monomial", "newton", "toric", "blowup"}
        ``"auto"`` tries monomial, then Newton, then blow-ups
        (:func:`rlct.resolution.blowup_resolution`; the toric charts decide
        exactly the Newton-non-degenerate cases, so auto goes from Newton to
        blow-ups). ``"blowup"`` runs the blow-up engine alone. ``"toric"`` computes the toric
        resolution (:func:`rlct.resolution.toric_resolution`) and reads (λ, m)
        off its charts; its certificate is the list of verified charts.
    timeout : float
        Seconds per face for the real non-degeneracy decision (z3).
    budget : float
        Seconds for all faces together; when exhausted the result is not exact.

    Returns
    -------
    RLCT
        Exact ``(λ, m)`` when the method decides it, otherwise ``exact=False``
        with the Newton upper bound and the reason.

    Raises
    ------
    InputError
        Unparsable text, not a polynomial, non-rational coefficients, K not zero
        at ``at``, K negative near ``at``, unknown variables, negative prior
        exponents, the zero polynomial, an invalid ``method``.
    NotApplicable
        The domain's tangent cone is not simplicial, or the prior is not monomial
        after straightening the domain.

    Notes
    -----
    If K is a positive constant times a monomial times a unit, λ = min_j
    (τ_j+1)/a_j and m is the number of minimisers (Lin 2011, Prop 3.7). If every
    compact face of the Newton polyhedron is real non-degenerate (for K >= 0: its
    face polynomial has no zero in the real torus), then λ = 1/t and m = θ where
    t is the τ-distance and θ the codimension of the face whose relative interior
    holds t(τ+1) (Lin 2011, Thm 4.15 and 4.18; Varchenko 1976). Otherwise 1/t is
    only an upper bound and the result says so.

    References
    ----------
    S. Lin, *Algebraic Methods for Evaluating Integrals in Bayesian Statistics*,
    PhD thesis, UC Berkeley, 2011. S. Watanabe, *Algebraic Geometry and
    Statistical Learning Theory*, CUP, 2009.

    Examples
    --------
    >>> import rlct
    >>> rlct.rlct("w1**2*w2**4")
    RLCT(λ=1/4, m=1, exact, method='monomial')
    >>> rlct.rlct("w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8", prior="w1")
    RLCT(λ=1/2, m=2, exact, method='newton')
    >>> rlct.rlct(ideal=["w1*w2", "w2*w3", "w1*w3"])
    RLCT(λ=3/4, m=1, exact, method='newton')
    >>> rlct.rlct("w1*w2**2", domain=["w1 >= 0", "w2 >= w1"])
    RLCT(λ=2/3, m=1, exact, method='newton')
    >>> r = rlct.rlct("(w1 + w2)**2 + w2**4", method="newton")
    >>> r.exact, r.upper_bound
    (False, Fraction(1, 1))
    >>> rlct.rlct("(w1 + w2)**2 + w2**4")        # blow-ups decide it (Lin 2011, Remark 4.19)
    RLCT(λ=3/4, m=1, exact, method='blowup')
    """
    start = time.perf_counter()
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(repr(m) for m in METHODS)}; got {method!r}")
    for name, val in (("timeout", timeout), ("budget", budget)):
        if not isinstance(val, (int, float)) or isinstance(val, bool) or not val > 0:
            raise InputError(f"{name} must be a positive number of seconds, got {val!r}")
    if _is_model(K):
        if ideal is not None:
            raise InputError("pass either a model or ideal=, not both")
        model = K
        K, ideal = None, model.ideal()
        at = model.at() if at is None else at
        variables = model.parameters if variables is None else variables
        prior = model.prior if prior is None else prior
        domain = model.domain if domain is None else domain
    loc, P = _prepare(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables)
    Kl = loc.polynomial
    gens = loc.generators
    signs = loc.signs
    tau = loc.tau

    def elapsed():
        return time.perf_counter() - start

    if len(P.vertices) == 1 and method not in ("newton", "toric"):
        a = P.vertices[0]
        ratios = [((tau[j] + 1) / Fraction(a[j]), j) for j in range(len(a)) if a[j]]
        lam = min(r for r, _ in ratios)
        m = sum(1 for r, _ in ratios if r == lam)
        cert = MonomialCertificate(Kl.variables, a, Kl.coefficient(a), tau,
                                   tuple((Kl.variables[j], r) for r, j in ratios), loc.coordinates)
        return RLCT(lam, m, True, "monomial", upper_bound=lam, upper_bound_multiplicity=m,
                    certificate=cert, polynomial=Kl, seconds=elapsed(), point=loc.at, tau=tau)
    if method == "monomial":
        return RLCT(None, None, False, "monomial", reason=f"K is not a monomial times a unit "
                    f"(its Newton polyhedron has {len(P.vertices)} vertices)", polynomial=Kl, seconds=elapsed(), point=loc.at, tau=tau)
    if method == "blowup":
        return _blowup(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables,
                       timeout=timeout, seconds=budget, start=start)
    if method == "toric":
        return _toric(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables,
                      timeout=timeout, budget=budget, start=start)
    D = P.distance(tau)
    lam_bound = 1 / D.t
    # in auto mode the Newton stage gets a third of the budget, so that blow-ups keep time to decide
    newton_budget = budget / 3 if method == "auto" and not any(signs) else budget
    report = run_checks(P, mode="ideal" if gens is not None else "nonnegative", generators=loc.generators,
                        signs=signs, timeout=min(timeout, newton_budget), budget=newton_budget, stop_early=True,
                        first=(D.face,))
    cert = NewtonCertificate(Kl, D, report.checks, report.complete, loc.coordinates, signs)
    bad = report.offending
    if bad is not None and bad.status == NEGATIVE:
        w = f" at {Kl.variables} = ({', '.join(bad.witness)})" if bad.witness else ""
        raise InputError(f"K is negative near the true point: on the Newton face {list(bad.face.vertices)} "
                         f"the face polynomial {bad.face.polynomial} is negative{w} (local coordinates)")
    if report.status == "non-degenerate":
        return RLCT(lam_bound, D.codimension, True, "newton", upper_bound=lam_bound,
                    upper_bound_multiplicity=D.codimension, certificate=cert, polynomial=Kl, seconds=elapsed(), point=loc.at, tau=tau)
    if method == "auto" and not any(signs) and elapsed() < budget:
        r = _blowup(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables,
                    timeout=timeout, seconds=budget - elapsed(), start=start)
        if r.exact:
            return r
        blow = r
    else:
        blow = None
    if bad is not None and bad.status == DEGENERATE:
        w = f" at ({', '.join(bad.witness)})" if bad.witness else ""
        polys = "; ".join(str(p) for p in bad.polynomials) if bad.polynomials else str(bad.face.polynomial)
        reason = (f"degenerate Newton face {list(bad.face.vertices)}: {polys} vanishes on the real torus{w}; "
                  f"1/t = {lam_bound} is only an upper bound (Lin 2011, Thm 4.18)")
    elif bad is not None and bad.status == UNDECIDED:
        reason = f"could not decide non-degeneracy of face {list(bad.face.vertices)}: {bad.reason}"
    else:
        reason = report.reason or "non-degeneracy undecided"
    lower = None
    if blow is not None:
        reason += f"; blow-ups did not decide either ({blow.reason})"
        lower = blow.lower_bound
        if blow.upper_bound is not None and blow.upper_bound < lam_bound:
            return RLCT(None, None, False, "blowup", upper_bound=blow.upper_bound,
                        upper_bound_multiplicity=blow.upper_bound_multiplicity, reason=reason,
                        certificate=blow.certificate, polynomial=Kl, seconds=elapsed(), point=loc.at, tau=tau,
                        lower_bound=lower)
    return RLCT(None, None, False, "newton", upper_bound=lam_bound, upper_bound_multiplicity=D.codimension,
                reason=reason, certificate=cert, polynomial=Kl, seconds=elapsed(), point=loc.at, tau=tau,
                lower_bound=lower)


def _is_model(obj) -> bool:
    from .models.base import Model

    return isinstance(obj, Model)


def _prepare(K=None, *, ideal=None, at=None, prior=None, domain=None, variables=None):
    """Parse and validate the input, localise it at the true point, and build the
    Newton polyhedron; shared by :func:`rlct` and the resolution module."""
    if (K is None) == (ideal is None):
        raise InputError("give exactly one of K or ideal=[...]")
    if ideal is not None:
        gens = _ideal_polys(ideal, variables)
        Kp = sum((g * g for g in gens[1:]), gens[0] * gens[0])
    else:
        gens = None
        Kp = as_polynomial(K, variables, what="K")
    if Kp.is_zero():
        raise InputError("K is the zero polynomial: its RLCT is not defined")
    loc = localize(Kp, generators=gens, at=at, prior=prior, domain=domain)
    Kl = loc.polynomial
    const = Kl.coefficient((0,) * Kl.nvars)
    if const:
        where = "the origin" if at is None else f"at = ({', '.join(map(str, loc.at))})"
        raise InputError(f"K is not zero at {where}: K(w0) = {const}")
    P = NewtonPolyhedron(Kl)
    signs = loc.signs
    if gens is None:
        for v in P.vertices:
            c = Kl.coefficient(v)
            if _can_be_negative(v, c, signs):
                term = format_polynomial({v: c}, Kl.variables)
                raise InputError(
                    f"K is negative near the true point: its Newton vertex term {term} "
                    + ("has a negative coefficient" if c < 0 else "has an odd power of a free variable"))
    return loc, P


def _toric(K, *, ideal, at, prior, domain, variables, timeout, budget, start):
    from .resolution.toric import toric_resolution

    R = toric_resolution(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables,
                         seconds=budget, timeout=timeout)
    lam, m = R.lambda_, R.multiplicity
    common = dict(certificate=R, polynomial=R.polynomial, point=None, tau=R.tau)
    if R.normal_crossing:
        return RLCT(lam, m, True, "toric", upper_bound=lam, upper_bound_multiplicity=m,
                    seconds=time.perf_counter() - start, **common)
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
    return RLCT(None, None, False, "toric", upper_bound=lam, upper_bound_multiplicity=m, reason=reason,
                seconds=time.perf_counter() - start, **common)


def _blowup(K, *, ideal, at, prior, domain, variables, timeout, seconds, start):
    """Run the blow-up engine and wrap its outcome as an RLCT (method ``"blowup"``)."""
    from .resolution.blowup import blowup_resolution

    R = blowup_resolution(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables,
                          seconds=max(0.5, seconds), timeout=timeout)
    common = dict(certificate=R, polynomial=R.polynomial, point=None, tau=R.tau,
                  seconds=time.perf_counter() - start)
    if R.exact:
        return RLCT(R.lambda_, R.multiplicity, True, "blowup", upper_bound=R.lambda_,
                    upper_bound_multiplicity=R.multiplicity, **common)
    return RLCT(None, None, False, "blowup", upper_bound=R.upper_bound,
                upper_bound_multiplicity=R.upper_bound_multiplicity, reason=R.reason,
                lower_bound=R.lower_bound, **common)
