"""Rule 0: an ideal the literature has resolved — its (λ, m) by the theorem, cited.

Aoyagi's *Vandermonde-type* ideal: the 1-H-1 tanh network learning zero has K
equivalent near the origin to Σ_k V_k², ``V_k = Σ_{h=1..H} a_h b_h^{2k−1}``
(Watanabe 2001), and Aoyagi (2010) resolved ``I_H = <V_1, …, V_H>``:

    λ = (H + i² + i)/(4i + 2),  i = ⌊√H⌋;  m = 2 if H = i², else 1

at the origin of R^{2H}, prior positive there. The blow-up engine alone decides
H ≤ 4 (it agrees with the theorem there) but not H = 5, 6: the least pole comes from
charts where all b_h are of one size and ⌊√H⌋ of the moments are tight, and the
divisor's special points (b_h = 0, b_h = ±b_l) form positive-dimensional sets the
engine's rules cannot stratify. The rule applies only when it is on by the caller
(``rlct(..., theorems=True)``, the default; the engine's own entry points keep it off).

Recognition is exact. The generators must be, up to renaming the 2H variables into
pairs ``(a_h, b_h)`` and scaling each a_h by a nonzero rational γ_h (the same in every
generator), Q-linear combinations ``g_i = Σ_k C_ik V_k`` (any k), with a
prior exponent 0 on every variable, at the origin of a full neighbourhood (a local
problem). Then ``<g> = I_H`` in the local ring at 0:

- ``<g> ⊆ I_H``: every ``V_k`` with k > H lies in ``m·I_H`` — the b_h² are the roots of
  ``Π_l (t − b_l²)``, so ``V_{H+j} = Σ_{r=1..H} (−1)^{r+1} e_r(b²) V_{H+j−r}`` with
  ``e_r(b²)`` vanishing at 0 (Newton's identities);
- ``I_H ⊆ <g>``: modulo ``m·I_H`` the g_i are the rows of C's first H columns; when
  these have rank H, the g_i span ``I_H/m·I_H``, so ``<g> = I_H`` (Nakayama's lemma).
"""

from __future__ import annotations

from fractions import Fraction

from ....known.certificate import AOYAGI_2010
from ....known.formulas import tanh_network
from ....linalg import rank
from ..certificate import Value
from ..problems import Prob



def odd_vandermonde(gens, tau):
    """``(H, pairs)`` when ``<gens>`` is Aoyagi's ideal I_H at the origin (module docstring),
    ``pairs`` the ``(a_h, b_h)`` variable indices; None otherwise. Every generator may use
    γ_h·a_h in place of a_h, with the same nonzero rationals γ_h throughout (a linear change of
    coordinates a_h ↦ γ_h a_h, which keeps λ and m).

    >>> from rlct.polynomial import as_polynomial
    >>> V = ("a1", "a2", "b1", "b2")
    >>> g = [as_polynomial(p, V) for p in ("a1*b1 + a2*b2", "2*a1*b1**3 + 2*a2*b2**3 + a1*b1 + a2*b2")]
    >>> odd_vandermonde(g, (0, 0, 0, 0))
    (2, ((0, 2), (1, 3)))
    >>> odd_vandermonde(g[:1], (0, 0, 0, 0)) is None    # rank 1 < H = 2
    True
    """
    if not gens or any(Fraction(t) != 0 for t in tau):
        return None
    d = gens[0].nvars
    if d < 2 or d % 2:
        return None
    H = d // 2
    partner, b_of = {}, set()
    for g in gens:
        for e in g.exponents:
            supp = [j for j in range(d) if e[j]]
            if len(supp) != 2:
                return None
            u, v = supp
            if e[u] == 1 and e[v] == 1:
                pass
            elif e[u] == 1 and e[v] % 2:
                b_of.add(v)
            elif e[v] == 1 and e[u] % 2:
                b_of.add(u)
            else:
                return None
            for x, y in ((u, v), (v, u)):
                if partner.setdefault(x, y) != y:
                    return None
    if len(partner) != d or len(b_of) != H or any(partner[b] in b_of for b in b_of):
        return None
    pairs = tuple(sorted((partner[b], b) for b in b_of))
    slot = {b: h for h, (_, b) in enumerate(pairs)}
    weight = None  # γ_h: the generators may use γ_h·a_h in place of a_h (a linear change of coordinates)
    rows = []
    for g in gens:
        by_k = {}
        for e, c in g.terms.items():
            b = next(j for j in range(d) if e[j] and j in b_of)
            if e[partner[b]] != 1:
                return None
            by_k.setdefault((e[b] + 1) // 2, [Fraction(0)] * H)[slot[b]] = Fraction(c)
        for cs in by_k.values():
            if not all(cs):
                return None  # some pair's term is missing: g is not Σ_k C_k V_k
            weight = weight or [x / cs[0] for x in cs]
            if any(x != cs[0] * w for x, w in zip(cs, weight)):
                return None  # the pairs' coefficients are not in the ratio γ_h of the other moments
        rows.append([by_k[k][0] if k in by_k else Fraction(0) for k in range(1, H + 1)])
    if rank(rows) != H:
        return None
    return H, pairs


def aoyagi_value(H: int):
    """``(λ, m, i)`` of I_H by Aoyagi's theorem: the catalogue's formula
    (:func:`rlct.known.tanh_network`).

    >>> aoyagi_value(5)
    (Fraction(11, 10), 1, 2)
    """
    r = tanh_network(H)
    return r.lambda_, r.multiplicity, dict(r.certificate.parameters)["i"]


class TheoremRules:
    """Rule 0 (mixed into the engine): a local problem whose ideal is one the literature resolved."""

    def theorem(self, prob: Prob):
        """The value of a local problem by a cited theorem (module docstring), or None."""
        if not self.theorems or prob.mode != "ideal" or prob.fibre is not None:
            return None
        found = odd_vandermonde(prob.gens, prob.tau)
        if found is None:
            return None
        H, pairs = found
        lam, m, i = aoyagi_value(H)
        names = prob.variables
        pair_text = ", ".join(f"({names[a]}, {names[b]})" for a, b in pairs)
        return self.leaf(prob, Value(lam, m, True, lam, m), "theorem",
                         f"<g> = <Σ_h a_h b_h^(2k−1) : k = 1..{H}> near 0 with (a_h, b_h) = {pair_text} "
                         f"(each g a rational combination of these; the first {H} have full rank, so they "
                         f"generate the same ideal by Nakayama's lemma and Newton's identities); "
                         f"{AOYAGI_2010}: λ = (H + i² + i)/(4i + 2) with i = ⌊√H⌋ = {i}, "
                         f"m = {'2 (H = i²)' if m == 2 else '1 (H ≠ i²)'}: λ = {lam}, m = {m}")
