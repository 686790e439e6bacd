"""Exact real-algebraic decisions: every z3 solver of rlct is built here.

z3's nonlinear real arithmetic (``QF_NRA``, complete for the existential theory
of the reals) decides whether polynomial systems have real solutions; sympy's
Gröbner bases list finite zero sets. Users are the Newton non-degeneracy checks
(:mod:`rlct.newton.nondegeneracy`), the toric charts' normal-crossing checks
(:mod:`rlct.resolution.toric`) and the blow-up engine
(:mod:`rlct.resolution.blowup`). z3 and sympy are imported on first use (they take
a second to load).
"""

from __future__ import annotations

from fractions import Fraction
import itertools
import signal
import threading
import time

from .polynomial import Polynomial


def z3_expr(p: Polynomial, xs):
    import z3

    if not p.terms:
        return z3.RealVal(0)
    # one SMT-LIB term parsed by z3 (one call) instead of a z3py call per product and sum
    names = [x.sexpr() for x in xs]  # (str() goes through z3's slow pretty-printer)
    parts = []
    for exp, c in p.terms.items():
        num = f"(- {-c.numerator}.0)" if c.numerator < 0 else f"{c.numerator}.0"   # real literals
        coef = f"(/ {num} {c.denominator}.0)" if c.denominator != 1 else num
        factors = [names[j] for j, e in enumerate(exp) for _ in range(e)]
        parts.append(f"(* {coef} {' '.join(factors)})" if factors else coef)
    body = parts[0] if len(parts) == 1 else f"(+ {' '.join(parts)})"
    decls = {n: x for n, x in zip(names, xs)}
    return z3.parse_smt2_string(f"(assert (= 0.0 {body}))", decls=decls)[0].arg(1)


def z3_value(v) -> str:
    import z3

    if z3.is_rational_value(v):
        return str(Fraction(v.numerator_as_long(), v.denominator_as_long()))
    if z3.is_algebraic_value(v):
        return "≈" + v.approx(12).as_decimal(12).rstrip("?")
    return str(v)


def torus_solve(constraints_builder, nvars, signs, timeout_ms):
    """Solve ``constraints_builder(xs)`` over the region (``x_i > 0`` where
    ``signs[i] > 0``, else ``x_i != 0``): ``('sat', witness)`` | ``('unsat', None)``
    | ``('unknown', reason)``."""
    import z3

    xs = [z3.Real(f"x{i}") for i in range(nvars)]
    s = _solver(ms=timeout_ms)
    for x, sg in zip(xs, signs):
        s.add(x > 0 if sg > 0 else x != 0)
    for c in constraints_builder(xs):
        s.add(c)
    r = s.check()
    if r == z3.sat:
        m = s.model()
        return "sat", tuple(z3_value(m.eval(x, model_completion=True)) for x in xs)
    if r == z3.unsat:
        return "unsat", None
    return "unknown", s.reason_unknown()


def _solver(timeout: float | None = None, *, ms: float | None = None):
    """A z3 solver for nonlinear real arithmetic with a time limit (``timeout`` seconds or ``ms``)."""
    import z3

    s = z3.SolverFor("QF_NRA")
    s.set("timeout", max(1, int(timeout * 1000 if ms is None else ms)))
    return s


def _check(s):
    import z3

    r = s.check()
    if r == z3.sat:
        return True
    if r == z3.unsat:
        return False
    return None


def _pattern(d, zero, nonzero, vanish, nonvanish, timeout):
    """A solver over ``x0..x{d-1}`` constrained to the vanishing pattern."""
    import z3

    xs = [z3.Real(f"x{i}") for i in range(d)]
    s = _solver(timeout)
    for j in zero:
        s.add(xs[j] == 0)
    for j in nonzero:
        s.add(xs[j] != 0)
    for f in vanish:
        s.add(z3_expr(f, xs) == 0)
    for f in nonvanish:
        s.add(z3_expr(f, xs) != 0)
    return s, xs


def exists_point(d, *, zero=(), nonzero=(), vanish=(), nonvanish=(), timeout=5.0):
    """Is there a real point with ``u_j = 0`` (j in zero), ``u_j != 0`` (nonzero),
    every ``f`` in ``vanish`` zero and every ``f`` in ``nonvanish`` nonzero?
    True / False / None (undecided)."""
    s, _ = _pattern(d, zero, nonzero, vanish, nonvanish, timeout)
    return _check(s)


def jacobian_degenerate(d, *, zero=(), nonzero=(), fs=(), nonvanish=(), timeout=5.0):
    """Is there a point of the pattern (as in :func:`exists_point`, with every
    ``f`` in ``fs`` vanishing) where the gradients of ``fs`` in the coordinates
    not in ``zero`` are linearly dependent (all maximal minors vanish)?"""
    s, xs = _pattern(d, zero, nonzero, fs, nonvanish, timeout)
    cols = [j for j in range(d) if j not in set(zero)]
    k = len(fs)
    if k > len(cols):
        return True
    grads = [[f.derivative(j) for j in cols] for f in fs]
    minors = []
    for cs in itertools.combinations(range(len(cols)), k):
        det = _det_poly([[grads[r][c] for c in cs] for r in range(k)])
        if not det.is_zero():
            minors.append(det)
        if len(minors) > 60:
            return None
    for m in minors:
        s.add(z3_expr(m, xs) == 0)
    return _check(s)


def _det_poly(M):
    n = len(M)
    if n == 1:
        return M[0][0]
    total = None
    for c in range(n):
        minor = [row[:c] + row[c + 1:] for row in M[1:]]
        term = M[0][c] * _det_poly(minor)
        if c % 2:
            term = -term
        total = term if total is None else total + term
    return total


def real_zeros(polys, *, fix_zero=(), timeout=5.0, max_points=50):
    """The real common zeros of ``polys`` with the coordinates in ``fix_zero`` set
    to 0, when they are finitely many and all rational: a list of tuples of
    Fractions (possibly empty). None when the zero set is positive-dimensional
    over C, has an irrational real point, or cannot be decided."""
    import sympy

    end = time.perf_counter() + 2 * timeout  # each step at most timeout, all together at most twice that

    def left():
        return max(min(timeout, end - time.perf_counter()), 0.01)

    d = polys[0].nvars
    names = polys[0].variables
    ex = exists_point(d, zero=fix_zero, vanish=[p for p in polys if not p.is_zero()], timeout=timeout)
    if ex is None:
        return None
    if not ex:
        return []
    free = [j for j in range(d) if j not in set(fix_zero)]
    syms = sympy.symbols([names[j] for j in free])
    exprs = []
    for p in polys:
        if p.is_zero():
            continue
        e = 0
        for exp, c in p.terms.items():
            if any(exp[j] for j in fix_zero):
                continue
            term = sympy.Rational(c.numerator, c.denominator)
            for s, j in zip(syms, free):
                term = term * s ** exp[j]
            e += term
        exprs.append(e)
    try:
        # grevlex is the cheap order; a zero-dimensional basis converts to lex by FGLM
        G = _within(left(), lambda: sympy.groebner(exprs, *syms, order="grevlex"))
        if G is None:
            return None
        if list(G.exprs) == [1]:
            return []
        if not G.is_zero_dimensional:
            return None
        G = _within(left(), lambda: G.fglm("lex"))
        if G is None:
            return None
        sols = _within(left(), lambda: sympy.solve(list(G.exprs), syms, dict=True))
        if sols is None:
            return None
    except Exception:  # pragma: no cover - sympy failure: undecided
        return None
    out = set()
    for sol in sols:
        if any(s not in sol for s in syms):
            return None  # a parametrised solution: not finitely many after all
        vals = [sympy.simplify(sol[s]) for s in syms]
        if any(v.is_real is None for v in vals):
            return None
        if not all(v.is_real for v in vals):
            continue
        if not all(v.is_rational for v in vals):
            return None  # an irrational real point: not handled
        pt = [Fraction(0)] * d
        for j, v in zip(free, vals):
            pt[j] = Fraction(int(v.p), int(v.q))
        out.add(tuple(pt))
        if len(out) > max_points:
            return None
    # certificate, independent of sympy's solver: each point is a common zero
    # (exact evaluation) and z3 finds no other real common zero
    for pt in out:
        if any(p(*pt) != 0 for p in polys):  # pragma: no cover - sympy would be wrong
            return None
    if other_zero(polys, fix_zero, sorted(out), left()) is not False:
        return None
    return sorted(out)


class _Timeout(Exception):
    pass


def _within(seconds, fn):
    """``fn()``, or None when it runs past ``seconds``. sympy's Gröbner bases have no
    time limit of their own; in the main thread a real-time interval timer interrupts
    them (elsewhere, where signals cannot be used, ``fn`` runs unbounded)."""

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return fn()  # pragma: no cover - worker threads

    def handler(signum, frame):
        raise _Timeout

    old = signal.signal(signal.SIGALRM, handler)
    previous = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    except _Timeout:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if previous[0]:  # pragma: no cover - an outer timer: re-arm what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(previous[0] - seconds, 1e-3))


def other_zero(polys, fix_zero, points, timeout):
    """Is there a real common zero (with ``fix_zero`` coordinates 0) other than ``points``?"""
    import z3

    d = polys[0].nvars
    s, xs = _pattern(d, fix_zero, (), [p for p in polys if not p.is_zero()], (), timeout)
    for pt in points:
        s.add(z3.Or([xs[j] != z3.RealVal(f"{pt[j].numerator}/{pt[j].denominator}") for j in range(d)]))
    return _check(s)


def stratum_zero(poly: Polynomial, rays, signs, timeout: float):
    """Does ``poly`` vanish on the torus ``u_i != 0`` with the sign constraints of a
    toric chart (``Π_{i: rays[i][j] odd} u_i > 0`` for each ``w_j >= 0``)?
    ``(True, witness)``, ``(False, None)`` or ``(None, reason)``."""
    import z3

    d = poly.nvars
    xs = [z3.Real(f"u{i}") for i in range(d)]
    s = _solver(timeout)
    for x in xs:
        s.add(x != 0)
    for j, sg in enumerate(signs):
        if sg:
            odd = [xs[i] for i in range(d) if rays[i][j] % 2]
            if odd:
                prod = odd[0]
                for x in odd[1:]:
                    prod = prod * x
                s.add(prod > 0)
    s.add(z3_expr(poly, xs) == 0)
    r = s.check()
    if r == z3.unsat:
        return False, None
    if r == z3.sat:
        m = s.model()
        return True, tuple(z3_value(m.eval(x, model_completion=True)) for x in xs)
    return None, s.reason_unknown()
