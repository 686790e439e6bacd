"""Rules 6–7 on fibre problems (the least RLCT over a divisor ``{u_i = 0}``).

6. *Factor arrangement* (generators that are products of factors): at a point
   ``p`` of the divisor, let S be the coordinates and T the other factors vanishing
   at p. When the differentials of ``u_S`` and ``f_T`` are independent at every
   such point (checked with z3), they are part of a coordinate system, the ideal is
   monomial in them and the local (λ, m) is its Newton value (Lin 2011, Prop 3.7);
   the chart's value is the least over the vanishing patterns that occur (each
   occurrence decided by z3).
7. *Finitely many bad points*: where the strict transform vanishes at finitely
   many rational points of the divisor (Gröbner basis, sympy, certified by z3),
   translate to each and recurse; everywhere else the pull-back is ``u^a · unit``
   and the chart origin dominates (every stratum of the divisor passes arbitrarily
   close to it; lower semicontinuity of the RLCT, Watanabe 2009, §7.1).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from .... import real
from ....linalg import rank
from ....newton.polyhedron import NewtonPolyhedron
from ....polynomial import Polynomial, format_polynomial
from ..certificate import Value, combine
from ..problems import Prob, canonical_factor, coordinate_index, divide_monomial, monomial_content, monomial_lambda


class FibreRules:
    """Rules 6–7 on fibre problems: a factor arrangement, finitely many bad points (mixed into the engine)."""

    def arrangement(self, prob: Prob):
        """Rule 4; None when it does not apply."""
        d = prob.d
        coords_used = set()
        others = []
        gen_factors = []
        for g in prob.gens:
            c, fs = g.factor()
            parts = []
            for f, e in fs:
                j = coordinate_index(f)
                if j is not None:
                    coords_used.add(j)
                    parts.append(("u", j, e))
                else:
                    f = canonical_factor(f)
                    if f not in others:
                        others.append(f)
                    parts.append(("f", others.index(f), e))
            gen_factors.append(parts)
        if len(others) > 6:
            return None
        # each non-coordinate factor must be usable as a coordinate where it vanishes
        rel = sorted(coords_used | {j for j in range(d) if prob.tau[j]} | {prob.fibre})
        free_rel = [j for j in rel if j != prob.fibre]
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
                    ok = real.exists_point(d, zero=zero, nonzero=nonzero, vanish=[others[t] for t in T],
                                      nonvanish=[others[t] for t in range(len(others)) if t not in T],
                                      timeout=self.step_timeout())
                    if ok is None:
                        return None
                    if not ok:
                        continue
                    if T:
                        bad = real.jacobian_degenerate(d, zero=zero, nonzero=nonzero, fs=[others[t] for t in T],
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
        val = combine(vals)
        if val.exact and val.lam is not None:
            best = [z for z in descr if z[2].lam == val.lam and z[2].m == val.m][0]
            where = ", ".join([prob.variables[j] for j in best[0]] + [f"({others[t]})" for t in best[1]])
            detail = (f"{len(patterns)} vanishing patterns on the divisor; least at {where} = 0"
                      + (f"; factors {', '.join(str(f) for f in others)} are transversal coordinates there" if others else ""))
        else:
            detail = f"{len(patterns)} vanishing patterns"
        return self.leaf(prob, val, "factor arrangement", detail)

    def monomial_value(self, prob, gen_factors, zero, T) -> Value:
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
            return Value.none()
        tau = tuple(prob.tau[j] for j in zero) + (0,) * len(T)
        D = NewtonPolyhedron(Polynomial(terms, names)).distance(tau)
        return Value(1 / D.t, D.codimension, True, 1 / D.t, D.codimension)

    # distinct values in (0, 1) with distinct squares, none ±1: "generic" ratios for linear_point_bound
    GENERIC = tuple(Fraction(p, q) for p, q in ((2, 3), (3, 7), (5, 11), (7, 13), (11, 17), (13, 19), (17, 23),
                                                (19, 29), (23, 31), (29, 37), (31, 41), (37, 43)))

    def linear_point_bound(self, prob: Prob):
        """An upper bound ``(λ_p, m_p)`` from one point p of the divisor, or None.

        When every generator is ``u_i^{α_j}·L_j`` with ``L_j`` linear in a set X of variables
        (every term of degree 1 in X; coefficients polynomials in the others, y), take p with
        ``u_i = 0``, ``x = 0`` and the other y at fixed values in (0, 1) (:attr:`GENERIC`; the
        chart's coordinates range over a neighbourhood of [-1, 1]). Where the matrix
        ``∂L_j/∂x(p)`` has full row rank, ``c_j = L_j`` are part of a coordinate system at p and
        the ideal there is the monomial ideal ``<u_i^{α_j}·c_j>``: its
        Newton value is the RLCT at p, so λ ≤ λ_p (and m ≥ m_p when equal). On the b-subspace
        chart of Σ a_h b_h^{2k−1} this is the value at distinct ratios b_h/b_1, Aoyagi's
        λ for tanh H = 5, 6 (rules/theorems.py)."""
        if prob.mode != "ideal" or prob.fibre is None:
            return None
        d, i = prob.d, prob.fibre
        # only the divisor's power is divided out: other monomial factors are units at p (y) or stay in L (x)
        alphas = [tuple(c if j == i else 0 for j, c in enumerate(monomial_content(g))) for g in prob.gens]
        strict = [divide_monomial(g, a) for g, a in zip(prob.gens, alphas)]
        ones = [j for j in range(d) if j != i and not prob.tau[j]
                and all(e[j] <= 1 for g in strict for e in g.exponents)]
        X = [j for j in ones if not any(e[j] and e[k] for g in strict for e in g.exponents for k in ones if k != j)]
        if len(X) < len(strict) or any(sum(e[j] for j in X) != 1 for g in strict for e in g.exponents):
            return None
        ys = [j for j in range(d) if j != i and j not in X]
        if len(ys) > len(self.GENERIC):
            return None
        beta = dict(zip(ys, self.GENERIC))
        p = [beta.get(j, Fraction(0)) for j in range(d)]   # u_i = 0, x = 0
        if rank([[g.derivative(x)(*p) for x in X] for g in strict]) < len(strict):
            return None
        names = (prob.variables[i],) + tuple(f"c{k}" for k in range(len(strict)))
        terms = {}
        for k, a in enumerate(alphas):
            e = [2 * a[i]] + [0] * len(strict)
            e[k + 1] = 2
            terms[tuple(e)] = Fraction(1)
        D = NewtonPolyhedron(Polynomial.from_terms(terms, names)).distance((prob.tau[i],) + (0,) * len(strict))
        return 1 / D.t, D.codimension

    def bad_points(self, prob: Prob) -> Value:
        """Rule 7 of the module docstring."""
        d, i = prob.d, prob.fibre
        if prob.mode == "ideal":
            c = tuple(min(monomial_content(g)[j] for g in prob.gens) for j in range(d))
            strict = [divide_monomial(g, c) for g in prob.gens]
            a = tuple(2 * x for x in c)
            system = strict
        else:
            K = prob.gens[0]
            a = monomial_content(K)
            strict = [divide_monomial(K, a)]
            system = strict + [strict[0].derivative(j) for j in range(d) if j != i]
        names = prob.variables
        pts = self.zeros_on_fibre(prob, system)
        if pts is None:
            return self.open(prob, "the strict transform vanishes on a positive-dimensional set of the divisor "
                                   "(or at irrational points) that no rule resolves")
        vals = []
        origin = tuple([0] * d)
        if origin not in pts:
            lam, att = monomial_lambda(prob.tau, a)
            vals.append(Value(lam, len(att), True, lam, len(att)))
        if origin not in pts:
            mono = format_polynomial({a: Fraction(1)}, names)
            self.leaf(prob, vals[0], "normal crossing",
                      f"K = {mono} · unit off {len(pts)} point(s) of the divisor" if pts else f"K = {mono} · unit")
        vals += self.at_points(prob, pts)
        return combine(vals)
