"""A domain with a corner: fold it open, so that every rule of the engine applies unchanged.

After :func:`rlct.domain.localize` the domain near the true point is the orthant
``{u_k >= 0 : k in S}`` (the other coordinates free): the tangent cone is straightened
by a linear change of coordinates, which changes neither λ nor m. On that orthant the
map ``u_k = x_k²`` (k in S) is 2-to-1 from the full neighbourhood of ``x = 0`` onto a
neighbourhood of the corner, smooth away from ``x_k = 0``, with ``du_k = 2|x_k| dx_k``.
So, for every z,

    ∫_{u_S >= 0, |u| < ε} K(u)^{-z} |u|^τ du  =  2^{-2|S|} ∫_{|x| < √ε} K(x²)^{-z} |x|^{τ'} dx,
    τ'_k = 2τ_k + 1 (k in S),  τ'_k = τ_k otherwise,

and the two zeta functions have the same poles with the same orders: the RLCT of K
on the corner *is* the RLCT of ``K(x²)`` with prior ``|x|^{τ'}`` on a full
neighbourhood. Each blow-up chart of the folded problem, restricted to ``x_S >= 0``,
is a chart of the corner that respects it (the sign patterns outside the corner never
arise), and the rules (Newton non-degeneracy, bad points, lower bounds) need no
domain of their own: a face polynomial of ``K(x²)`` vanishes on the torus exactly
when that of K vanishes on the positive torus.

For ``(x² − y³)²`` on ``{x >= 0, y >= 0}`` the folded problem is ``(x⁴ − y⁶)²`` with
prior ``|x|·|y|``.

Examples
--------
>>> from rlct.polynomial import as_polynomial
>>> gens, tau, step = fold((as_polynomial("x**2 - y**3"),), (0, 0), (1, 1))
>>> str(gens[0]), tau
('x**4 - y**6', (Fraction(1, 1), Fraction(1, 1)))
>>> step
'fold the corner x >= 0, y >= 0 open: x ↦ x**2, y ↦ y**2 (2-to-1, du = 2|x| dx: prior exponent 2τ + 1)'
"""

from __future__ import annotations

from fractions import Fraction

from ....polynomial import Polynomial

__all__ = ["fold"]


def fold(gens, tau, signs):
    """``(generators, τ', step)``: the generators composed with ``u_k ↦ u_k²`` for the
    restricted coordinates (``signs[k] = 1``), the prior exponents ``2τ_k + 1`` there,
    and the step's description for the certificate. The same maps serve a K given as
    one polynomial and the generators of an ideal (K = Σ g² folds to Σ g(x²)²)."""
    names = gens[0].variables
    d = len(names)
    subs = []
    for j in range(d):
        e = tuple((2 if signs[j] else 1) if i == j else 0 for i in range(d))
        subs.append(Polynomial({e: Fraction(1)}, names))
    new = tuple(g.compose(subs, names) for g in gens)
    new_tau = tuple(2 * Fraction(t) + 1 if s else Fraction(t) for t, s in zip(tau, signs))
    corner = ", ".join(f"{names[j]} >= 0" for j in range(d) if signs[j])
    maps = ", ".join(f"{names[j]} ↦ {names[j]}**2" for j in range(d) if signs[j])
    step = f"fold the corner {corner} open: {maps} (2-to-1, du = 2|x| dx: prior exponent 2τ + 1)"
    return new, new_tau, step
