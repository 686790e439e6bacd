"""Exact real-algebraic decisions used by the blow-up engine (z3's complete
nonlinear real arithmetic; sympy Gröbner bases for finite zero sets)."""

from __future__ import annotations

import itertools
from fractions import Fraction

from ..newton.nondegeneracy import _z3_expr
from ..polynomial import Polynomial


def _solver(timeout):
    import z3

    s = z3.SolverFor("QF_NRA")
    s.set("timeout", max(1, int(timeout * 1000)))
    return s


def _check(s):
    import z3

    r = s.check()
    if r == z3.sat:
        return True
    if r == z3.unsat:
        return False
    return None


def exists_point(d, *, zero=(), nonzero=(), vanish=(), nonvanish=(), timeout=5.0):
    """Is there a real point with ``u_j = 0`` (j in zero), ``u_j != 0`` (nonzero),
    every ``f`` in ``vanish`` zero and every ``f`` in ``nonvanish`` nonzero?
    True / False / None (undecided)."""
    import z3

    xs = [z3.Real(f"x{i}") for i in range(d)]
    s = _solver(timeout)
    for j in zero:
        s.add(xs[j] == 0)
    for j in nonzero:
        s.add(xs[j] != 0)
    for f in vanish:
        s.add(_z3_expr(f, xs) == 0)
    for f in nonvanish:
        s.add(_z3_expr(f, xs) != 0)
    return _check(s)


def jacobian_degenerate(d, *, zero=(), nonzero=(), fs=(), nonvanish=(), timeout=5.0):
    """Is there a point of the pattern (as in :func:`exists_point`, with every
    ``f`` in ``fs`` vanishing) where the gradients of ``fs`` in the coordinates
    not in ``zero`` are linearly dependent (all maximal minors vanish)?"""
    import z3

    xs = [z3.Real(f"x{i}") for i in range(d)]
    s = _solver(timeout)
    for j in zero:
        s.add(xs[j] == 0)
    for j in nonzero:
        s.add(xs[j] != 0)
    for f in fs:
        s.add(_z3_expr(f, xs) == 0)
    for f in nonvanish:
        s.add(_z3_expr(f, xs) != 0)
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
        s.add(_z3_expr(m, xs) == 0)
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
        G = sympy.groebner(exprs, *syms, order="lex")
    except Exception:  # pragma: no cover - sympy failure: undecided
        return None
    if list(G.exprs) == [1]:
        return []
    if not G.is_zero_dimensional:
        return None
    sols = sympy.solve(list(G.exprs), syms, dict=True)
    out = []
    for sol in sols:
        vals = []
        real = True
        for s in syms:
            v = sympy.nsimplify(sol.get(s, 0))
            if not v.is_real:
                if v.is_real is False:
                    real = False
                    break
                return None
            if not v.is_rational:
                return None
            vals.append(Fraction(int(v.p), int(v.q)))
        if not real:
            continue
        pt = [Fraction(0)] * d
        for j, v in zip(free, vals):
            pt[j] = v
        out.append(tuple(pt))
        if len(out) > max_points:
            return None
    # sanity: every point is a common zero (exact)
    for pt in out:
        for p in polys:
            if p(*pt) != 0:  # pragma: no cover - sympy would be wrong
                return None
    return sorted(set(out))
