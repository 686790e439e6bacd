"""The top-level entry point :func:`rlct`."""

from __future__ import annotations

from . import methods
from .errors import InputError
from .methods import Budget
from .problem import prepare
from .domain import NonSimplicialCone
from .result import RLCT, union
from .validate import check_sequence, check_str

__all__ = ["rlct"]

METHODS = ("auto", "monomial", "newton", "toric", "blowup")


def rlct(K=None, *, ideal=None, at=None, prior=None, domain=None, variables=None, method: str = "auto",
         timeout: float = 10.0, budget: float = 60.0, theorems: bool = True) -> RLCT:
    """The real log canonical threshold (λ, m) of K at a point, exactly.

    Parameters
    ----------
    K : str, sympy expression, mapping, Polynomial or model
        A polynomial ``K(w) >= 0`` vanishing at the true point, e.g.
        ``"(w1+w2)**2 + w2^4"`` or ``{(2, 0): 1, (0, 2): 1}``; or a model from
        :mod:`rlct.models` (its ``ideal()`` at its true parameter, with its domain
        and prior), also as a spec such as ``"TwoLayerNetwork(H=2)"``.
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
        default a full neighbourhood. The active ones are straightened into an
        orthant corner (a linear change of coordinates); a tangent cone that is not
        simplicial is split into simplicial cones, computed one by one (λ the least,
        m the largest among the pieces attaining it; the certificate lists them).
    variables : sequence of str, optional
        Variable order (default: natural order of the names, ``w2`` before ``w10``).
    method : {"auto", "monomial", "newton", "toric", "blowup"}
        ``"auto"`` tries monomial, then Newton, then the decomposition rules
        (:mod:`rlct.decomposition`: a sum or product of parts in disjoint
        variables, each part solved on its own), then blow-ups
        (:func:`rlct.resolution.blowup_resolution`; the toric charts decide
        exactly the Newton-non-degenerate cases, so auto goes from Newton to
        blow-ups). ``"blowup"`` runs the blow-up engine alone. ``"toric"`` computes the toric
        resolution (:func:`rlct.resolution.toric_resolution`) and reads (λ, m)
        off its charts; its certificate is the list of verified charts.
    timeout : float
        Seconds per face for the real non-degeneracy decision (z3).
    budget : float
        Seconds for all faces together; when exhausted the result is not exact.
    theorems : bool
        Let the blow-up engine close a local problem whose ideal a cited theorem
        resolves (:mod:`rlct.resolution.blowup.rules.theorems`: Aoyagi's
        Vandermonde-type ideal of the 1-H-1 tanh network, recognised exactly); the chart
        says so (method ``"theorem"``). ``False`` resolves by blow-ups only — to check
        the theorem, or to see how far the engine gets on its own.

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
        The prior is not monomial after straightening the domain.

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
    if not isinstance(method, str) or method not in METHODS:
        raise InputError(f"method must be one of {', '.join(repr(m) for m in METHODS)}; got {method!r}")
    if domain is not None and not isinstance(domain, str):
        check_sequence(domain, "domain", example="['w1 >= 0', 'w2 >= w1']")
    if variables is not None and not isinstance(variables, str):
        for v in check_sequence(variables, "variables", example="['w1', 'w2']"):
            check_str(v, "a variable name")
    if not isinstance(theorems, bool):
        raise InputError(f"theorems must be True or False, got {theorems!r}")
    budget_ = Budget(timeout=_seconds("timeout", timeout), seconds=_seconds("budget", budget))
    try:
        problem = prepare(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables)
    except NonSimplicialCone as e:  # one result per simplicial piece of the tangent cone
        out = []
        for k, piece in enumerate(e.pieces):
            share = max(budget_.left(), 0.5) / (len(e.pieces) - k)
            out.append(rlct(K, ideal=ideal, at=at, prior=prior, domain=piece, variables=variables, method=method,
                            timeout=timeout, budget=share, theorems=theorems))
        return union(e.pieces, out)
    if method == "blowup":  # a monomial K is decided before the engine starts
        r = methods.monomial(problem, budget_)
        return r if r.exact else methods.blowup(problem, budget_, theorems)
    if method == "auto":
        return methods.auto(problem, budget_, theorems)
    run = {"monomial": methods.monomial, "newton": methods.newton, "toric": methods.toric}
    return run[method](problem, budget_)


def _seconds(name: str, value) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise InputError(f"{name} must be a positive number of seconds, got {value!r}")
    return value
