"""Rules 1–2: normalise a problem and change coordinates.

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

Both keep the ideal (hence K up to constants) or change coordinates analytically
near the point, so (λ, m) is unchanged (Watanabe 2009, §2.4).
"""

from __future__ import annotations

from fractions import Fraction

from ....polynomial import Polynomial, format_polynomial
from ..certificate import Value
from ..problems import Prob, canonical_factor, coordinate_index, divide_monomial, monomial_content, variable


class NormaliseRules:
    """Rules 1–2: normalise a problem and change coordinates (mixed into the engine)."""

    def normalise(self, prob: Prob):
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
                self.check_time()
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
                return Value.none()  # a unit generator: K does not vanish here
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
                out.append(Polynomial.from_terms({e: Fraction(1)}, g.variables))
                continue
            keep = {e: c for e, c in g.terms.items() if not any(all(x >= y for x, y in zip(e, m)) for m in monos)}
            if keep:
                out.append(Polynomial.from_terms(keep, g.variables))
        # drop duplicates up to a constant
        uniq, keys = [], set()
        for g in out:
            k = canonical_factor(g)
            if k not in keys:
                keys.add(k)
                uniq.append(g)
        return uniq

    def substitution(self, prob: Prob, candidates):
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
            if coordinate_index(f) is not None or len(f) < 2:
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
                uk = variable(names[k], names)
                num = (uk - q) * Polynomial({zero: 1 / c}, names)  # (u_k - q)/c
                den = one + r  # (c + r)/c, a unit near the origin
                gens = tuple(self._rational_substitute(g, k, num, den, prob.mode == "K", self.check_time)
                             for g in prob.gens)
                if r.is_zero():
                    step = f"{names[k]} ↦ {format_polynomial(num.terms, names)}"
                else:
                    step = (f"{names[k]} ↦ ({format_polynomial(num.terms, names)})/({format_polynomial(den.terms, names)}) "
                            f"near 0 (generators times powers of the unit {format_polynomial(den.terms, names)})")
                yield prob.replace(gens=gens, steps=prob.steps + (step,))

    def triangular(self, prob: Prob) -> Prob:
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
                            targets.append((k, Polynomial.from_flint(q, names)))
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

    def improve(self, prob: Prob, candidates):
        """Apply coordinate changes from ``candidates`` while each one makes more
        generators monomials or, failing that, lowers the total number of terms
        (so the loop ends and never undoes itself)."""
        def measure(p):
            return (-sum(1 for g in p.gens if len(g) == 1), sum(len(g) for g in p.gens))

        size = measure(prob)
        for _ in range(2 * prob.d):
            for new in self.substitution(prob, candidates(prob)):
                self.check_time()
                new = self.normalise(new)
                if new is None or isinstance(new, Value):
                    return new or Value.none()
                n = measure(new)
                if n < size:
                    prob, size = new, n
                    break
            else:
                break
        return prob

    @staticmethod
    def _rational_substitute(h: Polynomial, k: int, num: Polynomial, den: Polynomial, even: bool,
                             check=lambda: None) -> Polynomial:
        """``den^D · h(u_k = num/den)`` with ``D = deg_{u_k} h`` (rounded up to even); ``check()``
        runs between the terms (the engine's deadline: the expansion can be large)."""
        D = max((e[k] for e in h.exponents), default=0)
        if even and D % 2:
            D += 1
        names = h.variables
        parts = {}
        for e, c in h.terms.items():
            rest = tuple(0 if j == k else x for j, x in enumerate(e))
            parts.setdefault(e[k], {})[rest] = c
        # in flint throughout (one conversion back at the end); powers of num and den once each
        num_f, den_f = num.flint, den.flint
        npow, dpow = [num_f ** 0], [den_f ** 0]
        for _ in range(D):
            npow.append(npow[-1] * num_f)
            dpow.append(dpow[-1] * den_f)
        total = num_f * 0
        for p, terms in parts.items():
            check()
            total += Polynomial.from_terms(terms, names).flint * npow[p] * dpow[D - p]
        return Polynomial.from_flint(total, names)

    def factors(self, prob: Prob):
        """Candidates for coordinate changes: the irreducible factors of the
        generators, then the coefficients of a variable that occurs linearly
        (e.g. ``a22 − a12·a21`` in ``b12·(a22 − a12·a21) + ...``)."""
        out = []
        for g in prob.gens:
            if len(g) > 1:
                _, fs = g.factor()
                out += [f for f, _ in fs]
        for g in prob.gens:
            c = monomial_content(g)
            for j in range(prob.d):
                lin = {e: v for e, v in g.terms.items() if e[j] == c[j] + 1}
                if len(lin) > 1 and len(lin) < len(g) + 1:
                    coef = Polynomial({tuple(x - (1 if i == j else 0) for i, x in enumerate(e)): v
                                       for e, v in lin.items()}, g.variables)
                    cc = monomial_content(coef)
                    coef = divide_monomial(coef, cc)
                    if len(coef) > 1:
                        out.append(coef)
        return out
