"""Rules 3–4: integrate out a lonely variable; a dominant generator.

3. *Integrate out a lonely variable*: a variable ``v`` occurring only in one
   generator ``u^α·v``, every other generator divisible by ``u^α``: with μ the
   value of ``u^{2α}``, λ = μ when μ < 1/2, and λ = 1/2 + λ' when μ > 1/2, λ' the
   value of the other generators with prior ``u^{τ−α}`` (:meth:`DominantRules.lonely`).
4. *Dominant generator*: every generator divisible by ``u^α`` with μ < 1/2, and
   some ``u^α·h`` with h a coordinate transversal to the u's: λ = μ there; the
   finitely many points where no generator is such are solved locally, where a
   generator ``u^α·h(x)`` whose h alone has λ > μ also settles it
   (:meth:`DominantRules.dominant`). At μ = 1/2 exactly, a generator ``u^α·h`` and a
   coordinate ``u_j`` attaining μ that divides every other generator beyond u^α give
   K ≥ u^{2α}h² and K ≤ C·u^{2α}(h² + u_j²), both (1/2, # + 1) where h is a
   transversal coordinate (:meth:`DominantRules.sandwich`; tanh H = 4). A
   *separable* ideal ``u^c·P_k(x)`` with the P_k homogeneous combines the monomial
   value with the RLCT of ``<P_k>`` (:meth:`DominantRules.separable`).

The comparisons K₁ ≤ C·K₂ ⇒ λ(K₁) ≥ λ(K₂) are Watanabe 2009, Remark 7.2 and
Lin 2011, Prop 3.2; the sum over disjoint variables is Lin 2011, Prop 3.6.
"""

from __future__ import annotations

from fractions import Fraction

from .... import real
from ....polynomial import Polynomial, format_polynomial
from ..certificate import Value, combine
from ..problems import Prob, divide_monomial, monomial_content, monomial_lambda


class DominantRules:
    """Rules 3–4: a lonely variable, a dominant generator, a separable ideal (mixed into the engine)."""

    def lonely(self, prob: Prob):
        """Integrate out a variable ``v`` that occurs in one generator only, as
        ``u^α·v`` (a monomial, ``τ_v = 0``), when every other generator is divisible
        by ``u^α``: K = A·v² + B with A = u^{2α}, B = K_J ≤ C·A.

        Over ``|v| < ε``, ``∫ (A v² + B)^{-z} dv`` is within constants (uniform in
        z away from 1/2) of ``A^{-z}`` for z < 1/2 and of ``A^{-1/2} B^{1/2 - z}``
        for z > 1/2, and points with ``v ≠ 0`` are dominated by ``v = 0``. With
        ``μ = min_j (τ_j + 1)/(2 α_j)`` (the value of ``A`` alone):

        - μ < 1/2: λ = μ, m = #{j attaining it};
        - μ > 1/2: λ = 1/2 + λ', m = m', where (λ', m') is the value of the other
          generators ``J`` with prior ``u^{τ − α}`` (exponents stay > −1).

        μ = 1/2 is left to the other rules.
        """
        if prob.mode != "ideal" or len(prob.gens) < 2:
            return None
        d = prob.d
        for k, g in enumerate(prob.gens):
            if len(g) != 1:
                continue
            (e,) = g.exponents
            for v in range(d):
                if e[v] != 1 or v == prob.fibre or prob.tau[v] != 0:
                    continue
                rest = [h for i, h in enumerate(prob.gens) if i != k]
                if any(x[v] for h in rest for x in h.exponents):
                    continue
                alpha = tuple(0 if j == v else e[j] for j in range(d))
                if not all(all(x[j] >= alpha[j] for j in range(d)) for h in rest for x in h.exponents):
                    continue
                mu, att = monomial_lambda(prob.tau, [2 * x for x in alpha])
                mono = format_polynomial({tuple(2 * x for x in alpha): Fraction(1)}, prob.variables)
                name = prob.variables[v]
                if mu is not None and mu < Fraction(1, 2):
                    m = len(att)
                    return self.leaf(prob, Value(mu, m, True, mu, m), f"integrate out {name}",
                                     f"K = {mono}·{name}² + B with B ≤ C·{mono}: below 1/2 the {name}-integral is "
                                     f"≍ ({mono})^(-z), λ = {mu}")
                if mu == Fraction(1, 2):
                    continue
                tau = tuple(Fraction(prob.tau[j]) - alpha[j] for j in range(d))
                step = (f"integrate out {name} (K = {mono}·{name}² + B, B ≤ C·{mono}): "
                        f"λ = 1/2 + λ' of B with prior ×({mono})^(-1/2)")
                sub = self.solve(prob.child(rest, tau, prob.fibre, step, deeper=False, shift=Fraction(1, 2)))
                if sub.exact:
                    if sub.lam is None:
                        return None  # B does not vanish: then A cannot either (B ≤ C·A fails); other rules
                    val = Value(sub.lam + Fraction(1, 2), sub.m, True, sub.lam + Fraction(1, 2), sub.m)
                else:
                    ub = None if sub.ub is None else sub.ub + Fraction(1, 2)
                    val = Value(None, 0, False, ub, sub.ubm)
                return val
        return None

    def dominant(self, prob: Prob):
        """Every generator is divisible by ``u^α`` and ``μ = min_j (τ_j + 1)/(2α_j) < 1/2``.

        Then K ≤ C·u^{2α} gives λ_p ≤ μ_p at every point p. Where some generator
        ``u^α·h`` has h(p) ≠ 0, or ∂h/∂x_j(p) ≠ 0 for a coordinate ``x_j`` outside
        ``u^α`` (so h is a coordinate there, independent of the u's), also
        K ≥ c·u^{2α}h² and λ_p ≥ min(μ_p, 1/2) = μ_p with the same multiplicity:
        (λ_p, m_p) = (μ_p, #{j attaining μ_p}). The points where every generator
        fails this (finitely many rational points, or the rule does not apply)
        are solved as local problems.
        """
        if prob.mode != "ideal":
            return None
        d, i = prob.d, prob.fibre
        alpha = tuple(min(monomial_content(g)[j] for g in prob.gens) for j in range(d))
        supp = [j for j in range(d) if alpha[j]]
        if not supp or (i is not None and i not in supp):
            return None
        mu, att = monomial_lambda(prob.tau, [2 * x for x in alpha])
        if mu == Fraction(1, 2):
            return self.sandwich(prob, alpha, supp, att)
        if mu > Fraction(1, 2):
            return None
        m = len(att)
        hs = [divide_monomial(g, alpha) for g in prob.gens]
        others = [j for j in range(d) if j not in supp]
        system = []
        for h in hs:
            system.append(h)
            system += [h.derivative(j) for j in others]
        system = [p for p in system if not p.is_zero()]
        fixed = list(range(d)) if i is None else [i]
        if i is None:
            if not any(p.coefficient((0,) * d) for p in system):
                return self.dominant_by_value(prob, alpha, supp, mu, m)
            bad = []
        else:
            bad = self.zeros_on_fibre(prob, system)
            if bad is None:
                return None
        mono = format_polynomial({tuple(2 * x for x in alpha): Fraction(1)}, prob.variables)
        # a good point where every coordinate of u^α vanishes attains (μ, m)
        zero_dim = len(set(supp) | set(fixed)) == d
        origin = (Fraction(0),) * d
        vals = []
        if not (zero_dim and origin in bad):
            vals.append(Value(mu, m, True, mu, m))
            self.leaf(prob, vals[0], "dominant generator",
                      f"K ≍ {mono}·(h² + …) with h a coordinate transversal to {mono} "
                      + (f"off {len(bad)} point(s)" if bad else "everywhere") + f": λ = {mu} (< 1/2), m = {m}")
        vals += self.at_points(prob, bad, "dominant generator fails here")
        return combine(vals)

    def sandwich(self, prob: Prob, alpha, supp, att):
        """The case μ = 1/2 of :meth:`dominant`, where the multiplicity needs more.

        Take a generator ``g0 = u^α·h`` and a coordinate ``u_j`` attaining μ such that
        every other generator is divisible by ``u^α·u_j``. Where h is a coordinate
        transversal to the u's, K ≥ u^{2α}h² and K ≤ C·u^{2α}(h² + u_j²); both
        bounds have the value (1/2, # + 1) where h and the u's vanish (Newton
        polygon of the monomial ideal <u^α h, u^α u_j>: the vertex (2α_j, 2) is hit
        at t = 2), and (1/2, #) where h ≠ 0. The finitely many points where h is not
        transversal are solved as local problems; at the origin of a local
        problem, a generator ``u^α·h(x)`` whose h alone has λ > 1/2 gives (1/2, #).
        """
        d, i = prob.d, prob.fibre
        m = len(att)
        half = Fraction(1, 2)
        others = [j for j in range(d) if j not in supp]
        if any(prob.tau[k] for k in others):
            return None  # h would carry a prior weight: the bounds below assume none
        mono = format_polynomial({tuple(2 * x for x in alpha): Fraction(1)}, prob.variables)
        for k0, g0 in sorted(enumerate(prob.gens), key=lambda kg: len(kg[1])):
            rest = [g for k, g in enumerate(prob.gens) if k != k0]
            js = [j for j in att if all(all(e[j] > alpha[j] for e in g.exponents) for g in rest)]
            if not js:
                continue
            j = js[0]
            h = divide_monomial(g0, alpha)
            system = [p for p in [h] + [h.derivative(k) for k in others] if not p.is_zero()]
            # where every coordinate attaining μ vanishes (and the divisor): the deepest points
            E = sorted(set(att) | ({i} if i is not None else set()))
            if i is None:
                if h.coefficient((0,) * d):
                    return self.leaf(prob, Value(half, m, True, half, m), "monomial", f"K = {mono}·unit")
                if any(p.coefficient((0,) * d) for p in system):
                    return self.leaf(prob, Value(half, m + 1, True, half, m + 1), "sandwich",
                                     f"K ≥ {mono}·h², K ≤ C·{mono}·(h² + {prob.variables[j]}²) with h = {h} "
                                     f"a coordinate: both (1/2, {m + 1})")
                return None
            bad = self.zeros_on_fibre(prob, system)
            if bad is None:
                return None
            bad_E = [p for p in bad if all(p[k] == 0 for k in E)]
            hE = Polynomial({e: c for e, c in h.terms.items() if not any(e[k] for k in E)}, h.variables)
            if hE.is_zero():
                good_zero = len(E) < d or not bad_E
            else:
                good_zero = real.other_zero([hE], E, bad_E, self.step_timeout())
                if good_zero is None:
                    return None
            vals = []
            if good_zero:
                vals.append(Value(half, m + 1, True, half, m + 1))
                detail = (f"K ≥ {mono}·h², K ≤ C·{mono}·(h² + {prob.variables[j]}²) with h = {h} transversal "
                          f"off {len(bad)} point(s): (1/2, {m + 1}) where h = 0")
            elif len(E) < d or not bad_E:
                vals.append(Value(half, m, True, half, m))
                detail = f"K ≍ {mono} where h = {h} ≠ 0; h has no transversal zero over the origin: (1/2, {m})"
            else:
                detail = ""
            if vals:
                self.leaf(prob, vals[0], "sandwich", detail)
            vals += self.at_points(prob, bad, f"h = {h} not transversal here")
            return combine(vals)
        return None

    def dominant_by_value(self, prob: Prob, alpha, supp, mu, m):
        """The local form of :meth:`dominant` when no ``h`` is a coordinate: a
        generator ``u^α·h(x)`` with ``h`` free of the u's gives K ≥ c·u^{2α}·h(x)²,
        whose value (product rule, disjoint variables) is ``min(μ, λ_x(h²))``; when
        the local value of ``h`` alone is > μ, the local value is (μ, m)."""
        d = prob.d
        others = [j for j in range(d) if j not in supp]
        names = tuple(prob.variables[j] for j in others)
        tried = 0
        for g in sorted(prob.gens, key=len):
            h = divide_monomial(g, alpha)
            if any(e[j] for e in h.exponents for j in supp) or not others:
                continue
            tried += 1
            if tried > 2:
                break
            hx = Polynomial({tuple(e[j] for j in others): c for e, c in h.terms.items()}, names)
            mono = format_polynomial({tuple(2 * x for x in alpha): Fraction(1)}, prob.variables)
            step = (f"lower bound K ≥ c·{mono}·h² with h = {hx}: the value is (μ, m) = ({mu}, {m}) "
                    f"if h alone has λ > {mu}")
            start, memo_start = len(self.leaves), len(self.memo)
            sub = self.solve(prob.child((hx,), tuple(prob.tau[j] for j in others), None, step, auxiliary=True))
            if not (sub.exact and (sub.lam is None or sub.lam > mu)):
                self._rollback(start, memo_start)
                continue
            return self.leaf(prob, Value(mu, m, True, mu, m), "dominant generator",
                             f"K ≤ C·{mono} and K ≥ c·{mono}·h² with λ(h²) = "
                             f"{sub.lam if sub.lam is not None else '∞'} > {mu}: λ = {mu}, m = {m}")
        return None

    def separable(self, prob: Prob):
        """``g_k = u^c · P_k(x)`` with the ``P_k`` homogeneous in variables ``x``
        disjoint from the divisor and from ``u^c``: K = u^{2c} K'(x), so (product
        rule for disjoint variables) the chart's value combines the monomial value
        of ``u^{2c}`` with the RLCT of ``<P_k>`` at ``x = 0``; a homogeneous ideal
        is invariant under scaling, so no point of the divisor is worse than the
        origin (lower semicontinuity)."""
        d = prob.d
        c = tuple(min(monomial_content(g)[j] for g in prob.gens) for j in range(d))
        U = {j for j in range(d) if c[j]} | {prob.fibre}
        P = [divide_monomial(g, c) for g in prob.gens]
        X = sorted({j for p in P for e in p.exponents for j in range(d) if e[j]})
        if not X or U & set(X):
            return None
        if any(len({sum(e) for e in p.exponents}) != 1 for p in P):
            return None
        lam_u, att = monomial_lambda(prob.tau, [2 * x for x in c])
        m_u = len(att)
        names = tuple(prob.variables[j] for j in X)
        sub = [Polynomial({tuple(e[j] for j in X): v for e, v in p.terms.items()}, names) for p in P]
        if any(len(p) == 1 and sum(p.exponents[0]) == 0 for p in sub):
            return self.leaf(prob, Value(lam_u, m_u, True, lam_u, m_u), "monomial", "K = u^a · unit")
        mono = format_polynomial({tuple(2 * x for x in c): Fraction(1)}, prob.variables)
        step = f"K = {mono} · K'({', '.join(names)}) with K' = Σ P_k², P_k homogeneous (product rule)"
        vx = self.solve(prob.child(sub, tuple(prob.tau[j] for j in X), None, step, mode="ideal"))
        if vx.exact:
            if vx.lam is None or lam_u < vx.lam:
                val = Value(lam_u, m_u, True, lam_u, m_u)
            elif vx.lam < lam_u:
                val = vx
            else:
                val = Value(lam_u, m_u + vx.m, True, lam_u, m_u + vx.m)
        else:
            ub = lam_u if vx.ub is None else min(lam_u, vx.ub)
            val = Value(None, 0, False, ub, 1)
        return self.leaf(prob, val, "product rule",
                         f"{mono}: λ = {lam_u} (m = {m_u}); K' at 0: " +
                         (f"λ = {vx.lam}, m = {vx.m}" if vx.exact else f"open (λ <= {vx.ub})"))
