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

Folding squares the restricted variables, which hides a variable that occurs linearly
(the rules that integrate one out need it). So first a restriction ``u_k >= 0`` is
dropped when a sign flip ``σ`` of ``u_k`` and of some unrestricted coordinates maps every
generator to ± itself (a K given as one polynomial: to itself; :func:`unfold_symmetric`).
Then K∘σ = K and |u|^τ is unchanged, σ maps the domain D onto its mirror image,
D ∪ σ(D) is the domain without that restriction and D ∩ σ(D) lies in ``{u_k = 0}``:
the zeta function of the larger domain is twice that of D (the same poles and orders).
For Σ_h a_h b_h^{2k−1} on ``{a1 >= 0, b1 >= 0}``, ``a ↦ −a`` drops ``a1 >= 0`` and then
``(a1, b1) ↦ (−a1, −b1)`` drops ``b1 >= 0``.

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

__all__ = ["open_corner", "fold", "unfold_symmetric"]


def open_corner(gens, tau, signs, mode="ideal"):
    """``(generators, τ', steps)`` of a full-neighbourhood problem with the same (λ, m) as
    the corner ``{u_k >= 0 : signs[k]}``: restrictions that a sign flip shows to be
    irrelevant dropped, the others folded open.

    >>> from rlct.polynomial import as_polynomial
    >>> gens, tau, steps = open_corner((as_polynomial("x**2 - y**3"),), (0, 0), (1, 1), "ideal")
    >>> str(gens[0]), tau, len(steps)
    ('x**2 - y**6', (Fraction(0, 1), Fraction(1, 1)), 2)
    """
    names = gens[0].variables
    signs, dropped = unfold_symmetric(gens, signs, mode)
    steps = tuple(f"drop {names[k]} >= 0: the flip {', '.join(names[j] + ' ↦ -' + names[j] for j in flip)} maps "
                  "every generator to ± itself, so the domain and its mirror image have the same zeta function"
                  for k, flip in dropped)
    if any(signs):
        gens, tau, step = fold(gens, tau, signs)
        steps += (step,)
    return gens, tuple(Fraction(t) for t in tau), steps


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


def unfold_symmetric(gens, signs, mode="ideal"):
    """``(signs', [(k, flipped coordinates), ...])``: the restrictions ``u_k >= 0`` that a
    sign flip of ``u_k`` and free coordinates (each generator mapped to ± itself) shows
    to be irrelevant, dropped one after another (module docstring). In ``mode="K"`` the one
    generator is K itself, which must be mapped to itself (not to −K: K >= 0 is known on the
    domain only).

    >>> from rlct.polynomial import as_polynomial
    >>> g = as_polynomial("a1*b1 + a2*b2")
    >>> g.variables, unfold_symmetric((g,), (1, 0, 1, 0))
    (('a1', 'a2', 'b1', 'b2'), ((0, 0, 0, 0), [(0, (0, 1)), (2, (0, 2))]))
    """
    d = len(signs)
    rows = []
    for g in gens:
        exps = g.exponents
        rows += [tuple((a - b) % 2 for a, b in zip(e, exps[0])) for e in exps[1:]]
        if mode == "K":
            rows.append(tuple(a % 2 for a in exps[0]))
    signs = list(signs)
    dropped = []
    for k in range(d):
        if not signs[k]:
            continue
        flip = _parity_solution(rows, k, [j for j in range(d) if not signs[j] and j != k])
        if flip is not None:
            signs[k] = 0
            dropped.append((k, flip))
    return tuple(signs), dropped


def _parity_solution(rows, k, free):
    """A set F ∋ k of coordinates (k and some of ``free``) with Σ_{j∈F} r_j even for every
    row r (over GF(2): the free columns must sum to column k), or None."""
    cols = free + [k]
    eqs = [[r[j] for j in cols] for r in rows if any(r[j] for j in cols)]
    n = len(free)
    # Gaussian elimination on [A_free | A_k] over GF(2)
    pivots, r = [], 0
    for c in range(n):
        p = next((i for i in range(r, len(eqs)) if eqs[i][c]), None)
        if p is None:
            continue
        eqs[r], eqs[p] = eqs[p], eqs[r]
        for i in range(len(eqs)):
            if i != r and eqs[i][c]:
                eqs[i] = [x ^ y for x, y in zip(eqs[i], eqs[r])]
        pivots.append(c)
        r += 1
    if any(row[n] for row in eqs[r:]):
        return None  # inconsistent: column k is not a sum of free columns
    x = [0] * n
    for i, c in enumerate(pivots):
        x[c] = eqs[i][n]
    return tuple(sorted([free[c] for c in range(n) if x[c]] + [k]))
