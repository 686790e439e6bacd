"""Real non-degeneracy of Newton face polynomials (Lin 2011, §4.2).

A polynomial ``f`` is *real non-degenerate* when, for every compact face γ of its
Newton polyhedron, the face polynomial ``f_γ`` has no singular point
(``f_γ = ∂f_γ/∂w_i = 0`` for all i) in the real torus ``(R*)^d``. An ideal
``⟨f_1..f_r⟩`` is *sos-non-degenerate* when no face ideal ``⟨f_{1γ}..f_{rγ}⟩``
has a zero in ``(R*)^d``. For ``K >= 0`` every zero of ``K_γ`` on the torus is a
minimum and hence singular, so the two notions agree for ``K = Σ f_i²``.

Decisions are exact: fast paths for monomials, polynomials whose terms are all
positive on the region, and binomials; otherwise z3's nonlinear real arithmetic
(nlsat, a complete decision procedure for real polynomial systems) under a time
limit, answering *undecided* if it runs out.

The region is the real torus, optionally with some coordinates restricted to be
positive (a domain such as an orthant).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
import itertools
import math
import time
from typing import Sequence

import flint

from .. import real
from ..domain import can_be_negative, parse_ideal, positive_on_region, sum_of_squares
from ..errors import InputError
from ..polynomial import Polynomial, as_polynomial
from .polyhedron import Face, NewtonPolyhedron

__all__ = ["FaceCheck", "nondegeneracy", "check_face", "NONDEGENERATE", "DEGENERATE", "UNDECIDED", "NEGATIVE"]

NONDEGENERATE = "non-degenerate"
DEGENERATE = "degenerate"
UNDECIDED = "undecided"
NEGATIVE = "negative"


@dataclass(frozen=True)
class FaceCheck:
    """The verdict on one compact face.

    Attributes
    ----------
    face : Face
    status : str
        ``"non-degenerate"``, ``"degenerate"``, ``"undecided"``, or ``"negative"``
        (the face polynomial of K takes negative values, so K does too).
    method : str
        How it was decided: ``"monomial"``, ``"positive terms"``, ``"binomial"``,
        ``"z3"``, or ``"budget"``.
    witness : tuple of str or None
        A torus point where the face polynomial is singular (or negative).
    reason : str
    """

    face: Face
    status: str
    method: str
    witness: tuple | None = None
    reason: str = ""
    polynomials: tuple = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        """True when the face is non-degenerate."""
        return self.status == NONDEGENERATE

    def __str__(self):
        polys = "; ".join(str(p) for p in self.polynomials) or str(self.face.polynomial)
        s = f"face {list(self.face.vertices)} (dim {self.face.dimension}): {polys} -- {self.status} [{self.method}]"
        if self.witness:
            s += f" at ({', '.join(self.witness)})"
        return s


def _binomial_has_zero(p: Polynomial, signs) -> bool:
    """Does ``c1 w^α + c2 w^β`` vanish somewhere on the region?"""
    (a, c1), (b, c2) = p.terms.items()
    r = -c2 / c1  # need w^(a-b) = r
    g = [x - y for x, y in zip(a, b)]
    if r > 0:
        return True
    return any(gi % 2 != 0 and s == 0 for gi, s in zip(g, signs))


def _quadratic_matrix(p: Polynomial):
    """The symmetric matrix of a quadratic form (every term of degree 2), else None."""
    if any(sum(e) != 2 for e in p.exponents):
        return None
    d = p.nvars
    A = [[Fraction(0)] * d for _ in range(d)]
    for e, c in p.terms.items():
        idx = [i for i, x in enumerate(e) for _ in range(x)]
        i, j = idx
        if i == j:
            A[i][i] += c
        else:
            A[i][j] += c / 2
            A[j][i] += c / 2
    return A


def _is_psd(A) -> bool:
    """Exact positive semi-definiteness by symmetric Gaussian elimination (Schur complements)."""
    A = [row[:] for row in A]
    while A:
        n = len(A)
        if any(A[i][i] < 0 for i in range(n)):
            return False
        piv = next((i for i in range(n) if A[i][i] > 0), None)
        if piv is None:
            return not any(A[i][j] for i in range(n) for j in range(n))
        a = A[piv][piv]
        A = [[A[i][j] - A[i][piv] * A[piv][j] / a for j in range(n) if j != piv] for i in range(n) if i != piv]
    return True


def _kernel(A):
    """A basis of the kernel of a rational matrix (columns as lists), exactly."""
    d = len(A)
    M = flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in row] for row in A])
    R, rk = M.rref()
    pivots = []
    for r in range(rk):
        pivots.append(next(j for j in range(d) if R[r, j] != 0))
    basis = []
    for free in (j for j in range(d) if j not in pivots):
        v = [Fraction(0)] * d
        v[free] = Fraction(1)
        for r, pj in enumerate(pivots):
            x = R[r, free]
            v[pj] = -Fraction(int(x.p), int(x.q))
        basis.append(v)
    return basis


def _quadratic_check(p: Polynomial, mode: str):
    """Decide a quadratic form on the whole real torus: (status, witness, reason) or None.

    Its singular points are the kernel of its matrix A, and for A >= 0 so are its
    zeros; the kernel meets the torus iff no coordinate vanishes on all of it
    (a vector space is not a finite union of proper subspaces).
    """
    A = _quadratic_matrix(p)
    if A is None:
        return None
    if mode == "nonnegative" and not _is_psd(A):
        return NEGATIVE, None, f"the quadratic form {p} is indefinite"
    ker = _kernel(A)
    if not ker or any(all(v[i] == 0 for v in ker) for i in range(p.nvars)):
        return NONDEGENERATE, None, f"the kernel of the quadratic form {p} does not meet the torus"
    for k in range(1, 4 * p.nvars + 2):  # a generic combination has no zero coordinate
        w = [sum((Fraction(k) ** j * v[i] for j, v in enumerate(ker)), Fraction(0)) for i in range(p.nvars)]
        if all(w):
            return DEGENERATE, tuple(str(x) for x in w), f"the quadratic form {p} vanishes on its kernel, which meets the torus"
    return None  # pragma: no cover - a combination always exists


def _sign_point_zero(polys, signs, max_vars: int = 14):
    """A common zero of ``polys`` with every coordinate ±1 (+1 where restricted),
    found by exact integer evaluation at all such points, or None. A cheap first
    try before z3: degenerate faces of statistical models often vanish there."""
    import numpy as np

    d = polys[0].nvars
    free = [j for j in range(d) if not signs[j]]
    if len(free) > max_vars or not free:
        return None
    pts = np.array(list(itertools.product((0, 1), repeat=len(free))), dtype=np.int64)  # 1 = negative
    alive = np.ones(len(pts), dtype=bool)
    for g in polys:
        exps = np.array([[e[j] % 2 for j in free] for e in g.exponents], dtype=np.int64)
        cs = list(g.terms.values())
        den = 1
        for c in cs:
            den = den * c.denominator // math.gcd(den, c.denominator)
        coef = np.array([int(c * den) for c in cs], dtype=object)
        par = (exps @ pts[alive].T) % 2
        vals = (coef[:, None] * (1 - 2 * par).astype(object)).sum(axis=0)
        idx = np.flatnonzero(alive)
        alive[idx[vals != 0]] = False
        if not alive.any():
            return None
    x = pts[np.flatnonzero(alive)[0]]
    out = ["1"] * d
    for k, j in enumerate(free):
        out[j] = "-1" if x[k] else "1"
    return tuple(out)


def check_face(face: Face, *, mode: str = "nonnegative", generators: Sequence[Polynomial] | None = None,
               signs: Sequence[int] | None = None, timeout: float = 10.0) -> FaceCheck:
    """Decide whether one compact face is real non-degenerate.

    Parameters
    ----------
    face : Face
    mode : {"nonnegative", "singular", "ideal"}
        ``"nonnegative"``: the polynomial is K >= 0; decide whether ``K_γ`` has a
        zero on the region, and report ``"negative"`` if it takes a negative
        value there. ``"singular"``: Lin's definition for any f (a common zero of
        ``f_γ`` and its partial derivatives). ``"ideal"``: a common zero of the
        face parts of ``generators``.
    generators : sequence of Polynomial
        The face parts ``f_{iγ}`` (``mode="ideal"`` only).
    signs : sequence of int
        Per coordinate, 1 if restricted to be positive, 0 if free (default all 0).
    timeout : float
        Seconds for z3.

    Returns
    -------
    FaceCheck
    """
    p = face.polynomial
    d = p.nvars
    signs = tuple(signs) if signs is not None else (0,) * d
    if mode not in ("nonnegative", "singular", "ideal"):
        raise InputError(f"mode must be one of 'nonnegative', 'singular', 'ideal', got {mode!r}")
    polys = tuple(g for g in (generators or ()) if not g.is_zero()) if mode == "ideal" else (p,)
    if mode == "ideal" and not polys:  # pragma: no cover - some generator has a vertex term on every face
        return FaceCheck(face, DEGENERATE, "monomial", reason="every generator vanishes on this face", polynomials=polys)

    def done(status, method, witness=None, reason=""):
        return FaceCheck(face, status, method, witness, reason, polys)

    # fast paths
    for g in polys:
        if len(g) == 1:
            return done(NONDEGENERATE, "monomial", reason=f"{g} is a monomial: never zero on the torus")
        if all(positive_on_region(e, c, signs) for e, c in g.terms.items()):
            return done(NONDEGENERATE, "positive terms", reason=f"every term of {g} is positive on the region")
    if mode == "nonnegative" and len(p) == 2:
        if any(can_be_negative(e, c, signs) for e, c in p.terms.items()):
            return done(NEGATIVE, "binomial", reason=f"the binomial {p} takes negative values on the region")
        return done(NONDEGENERATE, "binomial", reason=f"{p} is a sum of two positive monomials")  # pragma: no cover
    if mode == "singular" and len(p) == 2:
        return done(NONDEGENERATE, "binomial", reason="a binomial has no singular point on the torus")
    if mode == "ideal" and len(polys) == 1 and len(polys[0]) == 2 and not _binomial_has_zero(polys[0], signs):
        return done(NONDEGENERATE, "binomial", reason=f"{polys[0]} has no zero on the region")

    if mode in ("nonnegative", "singular") and not any(signs):
        q = _quadratic_check(p, mode)
        if q is not None:
            return done(q[0], "quadratic form", q[1], q[2])
    ms = timeout * 1000
    if mode in ("nonnegative", "ideal"):
        hit = _sign_point_zero(polys, signs)
        if hit is not None:
            if mode == "nonnegative":
                st, inf = real.torus_solve(lambda xs: [real.z3_expr(p, xs) < 0], d, signs, min(ms, 1000))
                if st == "sat":
                    return done(NEGATIVE, "z3", inf, reason=f"{p} < 0 at a point of the region")
            return done(DEGENERATE, "sign points", hit, reason="vanishes at a point with coordinates ±1")
    if mode == "nonnegative":
        status, info = real.torus_solve(lambda xs: [real.z3_expr(p, xs) <= 0], d, signs, ms)
        if status == "unsat":
            return done(NONDEGENERATE, "z3", reason=f"{p} > 0 on the region")
        if status == "unknown":
            return done(UNDECIDED, "z3", reason=f"z3 could not decide ({info}) within {timeout} s")
        status2, info2 = real.torus_solve(lambda xs: [real.z3_expr(p, xs) < 0], d, signs, ms)
        if status2 == "sat":
            return done(NEGATIVE, "z3", info2, reason=f"{p} < 0 at a point of the region")
        if status2 == "unknown":
            return done(UNDECIDED, "z3", info, reason=f"{p} has a zero on the region; z3 could not decide its sign ({info2})")
        return done(DEGENERATE, "z3", info, reason=f"{p} vanishes at a point of the real torus")
    if mode == "singular":
        parts = [p] + [p.derivative(i) for i in range(d)]
    else:
        parts = list(polys)
    status, info = real.torus_solve(lambda xs: [real.z3_expr(g, xs) == 0 for g in parts], d, signs, ms)
    if status == "unsat":
        what = "a singular point" if mode == "singular" else "a common zero"
        return done(NONDEGENERATE, "z3", reason=f"no {what} on the region")
    if status == "unknown":
        return done(UNDECIDED, "z3", reason=f"z3 could not decide ({info}) within {timeout} s")
    what = "is singular" if mode == "singular" else "has a common zero"
    return done(DEGENERATE, "z3", info, reason=f"the face {what} at a point of the real torus")


def ideal_face_parts(generators: Sequence[Polynomial], face: Face) -> tuple:
    """The face parts ``f_{iγ}`` of generators for a face of Γ(Σ f_i²) = 2Γ(I)."""
    out = []
    for g in generators:
        keep = [e for e in g.exponents if all(f.contains([2 * x for x in e]) for f in face.facets)]
        out.append(g.select(keep))
    return tuple(out)


@dataclass(frozen=True)
class NondegeneracyReport:
    """Verdicts on all compact faces (see :func:`nondegeneracy`)."""

    checks: tuple
    complete: bool
    reason: str = ""

    @property
    def status(self) -> str:
        """``"non-degenerate"``, ``"degenerate"``, ``"negative"`` or ``"undecided"``."""
        sts = {c.status for c in self.checks}
        for s in (NEGATIVE, DEGENERATE):
            if s in sts:
                return s
        if UNDECIDED in sts or not self.complete:
            return UNDECIDED
        return NONDEGENERATE

    def __bool__(self):
        return self.status == NONDEGENERATE

    @property
    def offending(self):
        """The first face that is not non-degenerate, or None."""
        for s in (NEGATIVE, DEGENERATE, UNDECIDED):
            for c in self.checks:
                if c.status == s:
                    return c
        return None

    def __repr__(self):
        return f"<non-degeneracy: {self.status}; {len(self.checks)} compact faces checked>"

    def __str__(self):
        lines = [repr(self)] + ["  " + str(c) for c in self.checks]
        if self.reason:
            lines.append("  " + self.reason)
        return "\n".join(lines)


def run_checks(P: NewtonPolyhedron, *, mode="nonnegative", generators=None, signs=None,
               timeout: float = 10.0, budget: float = 60.0, stop_early: bool = True,
               first=()) -> NondegeneracyReport:
    """Check every compact face of ``P`` (largest first) under a time budget.

    ``first``: faces to examine before enumerating the others (e.g. the principal
    face, which decides most degenerate cases at once); with ``stop_early`` a
    degenerate one ends the run before the (possibly long) face enumeration.
    """
    start = time.perf_counter()
    checks = []
    cache = {}

    def examine(face):
        elapsed = time.perf_counter() - start
        gens = ideal_face_parts(generators, face) if mode == "ideal" else None
        key = (face.polynomial, gens)
        if key in cache:
            c = cache[key]
            return FaceCheck(face, c.status, c.method, c.witness, c.reason, c.polynomials)
        c = check_face(face, mode=mode, generators=gens, signs=signs,
                       timeout=min(timeout, max(0.05, budget - elapsed)))
        cache[key] = c
        return c

    done = set()
    for face in first:
        if face.rays or face.vertices in done:
            continue
        c = examine(face)
        done.add(face.vertices)
        checks.append(c)
        if stop_early and c.status in (NEGATIVE, DEGENERATE):
            return NondegeneracyReport(tuple(checks), False, "stopped at the first degenerate face (the principal face)")
    try:
        faces = P.faces_until(start + budget)
    except TimeoutError:
        return NondegeneracyReport(tuple(checks), False,
                                   f"time budget of {budget} s exhausted while enumerating the compact faces")
    for k, face in enumerate(faces):
        if face.vertices in done:
            continue
        elapsed = time.perf_counter() - start
        if elapsed > budget:
            return NondegeneracyReport(tuple(checks), False,
                                       f"time budget of {budget} s exhausted after {k} of {len(faces)} compact faces")
        c = examine(face)
        checks.append(c)
        if stop_early and c.status in (NEGATIVE, DEGENERATE):
            return NondegeneracyReport(tuple(checks), False, f"stopped at the first degenerate face ({k + 1} of {len(faces)})")
    return NondegeneracyReport(tuple(checks), True)


def nondegeneracy(f=None, *, ideal=None, variables=None, positive=None, timeout: float = 10.0,
                  budget: float = 60.0) -> NondegeneracyReport:
    """Decide real non-degeneracy of ``f`` (or sos-non-degeneracy of an ideal) face by face.

    Parameters
    ----------
    f : polynomial-like, optional
        Any polynomial; a face is degenerate when its face polynomial has a
        singular point in the real torus.
    ideal : sequence of polynomial-like, optional
        Generators ``f_1..f_r``; a face is degenerate when the face parts have a
        common zero in the real torus.
    variables : sequence of str, optional
    positive : sequence of str, optional
        Variables restricted to be positive (default: none, the whole torus).
    timeout, budget : float
        Seconds per face for z3, and in all.

    Returns
    -------
    NondegeneracyReport
        ``bool(report)`` is True when every compact face is non-degenerate;
        ``report.checks`` has one :class:`FaceCheck` per compact face.

    Notes
    -----
    Lin (2011, Thm 4.15, 4.18): if every compact face is non-degenerate then the
    RLCT is read off the Newton polyhedron. Real, not complex, zeros count:
    ``w1**4 - w1**2*w2**2 + w2**4`` has complex zeros on the torus but no real
    ones, so it is non-degenerate here.

    References
    ----------
    S. Lin, *Algebraic Methods for Evaluating Integrals in Bayesian Statistics*,
    PhD thesis, UC Berkeley, 2011, §4.2.

    Examples
    --------
    >>> from rlct.newton import nondegeneracy
    >>> bool(nondegeneracy("w1**4 - w1**2*w2**2 + w2**4"))
    True
    >>> r = nondegeneracy("(w1 + w2)**2 + w2**4")
    >>> r.status, str(r.offending.face.polynomial)
    ('degenerate', 'w1**2 + 2*w1*w2 + w2**2')
    >>> bool(nondegeneracy(ideal=["w1*w2", "w2*w3", "w1*w3"]))
    True
    """
    if (f is None) == (ideal is None):
        raise InputError("give exactly one of f or ideal=")
    if ideal is not None:
        gens = parse_ideal(ideal, variables)
        K = sum_of_squares(gens)
        P = NewtonPolyhedron(K)
        mode = "ideal"
    else:
        gens = None
        P = NewtonPolyhedron(f, variables)
        mode = "singular"
    vs = P.polynomial.variables
    positive = list(positive or [])
    for v in positive:
        if v not in vs:
            raise InputError(f"unknown variable {v} in positive: variables are {', '.join(vs)}")
    signs = tuple(1 if v in positive else 0 for v in vs)
    return run_checks(P, mode=mode, generators=gens, signs=signs, timeout=timeout, budget=budget, stop_early=False)


@dataclass(frozen=True, kw_only=True)
class NewtonDecision:
    """The Newton decision on K (or an ideal): the τ-distance and the verdict on the
    compact faces, principal face first. ``status`` is ``"non-degenerate"`` when
    (λ, m) = (1/t, codimension of the principal face) is proved (Lin 2011, Thm 4.15
    and 4.18); otherwise 1/t is an upper bound only."""

    polyhedron: NewtonPolyhedron
    distance: object
    report: NondegeneracyReport

    @property
    def status(self) -> str:
        return self.report.status

    @property
    def bound(self) -> Fraction:
        """1/t: λ when non-degenerate, else an upper bound."""
        return 1 / self.distance.t

    @property
    def multiplicity(self) -> int:
        return self.distance.codimension


def newton_decision(P: NewtonPolyhedron, tau, *, generators=None, signs=None, timeout: float,
                    budget: float) -> NewtonDecision:
    """Decide non-degeneracy of the Newton polyhedron ``P`` with prior ``|u|^τ``: the
    one Newton decision of rlct (used by :func:`rlct.rlct` and the blow-up engine).
    With ``generators`` the faces are those of the ideal (``K = Σ g²``), otherwise of
    K itself; the principal face is examined first and a degenerate face ends it.

    >>> from rlct.newton import NewtonPolyhedron
    >>> d = newton_decision(NewtonPolyhedron("w1**2 + w2**4"), (0, 0), timeout=5, budget=5)
    >>> d.status, d.bound, d.multiplicity
    ('non-degenerate', Fraction(3, 4), 1)
    """
    D = P.distance(tau)
    mode = "ideal" if generators is not None else "nonnegative"
    signs = tuple(signs) if signs is not None else (0,) * P.dim
    report = run_checks(P, mode=mode, generators=list(generators) if generators is not None else None,
                        signs=signs, timeout=timeout, budget=budget, stop_early=True, first=(D.face,))
    return NewtonDecision(polyhedron=P, distance=D, report=report)
