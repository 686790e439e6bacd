"""The engine's problems (:class:`Prob`) and the monomial arithmetic its rules share."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import flint

from ...domain import sum_of_squares
from ...polynomial import Polynomial

__all__ = ["Prob", "OutOfTime", "variable", "monomial_lambda", "monomial_content", "divide_monomial", "coordinate_index",
           "canonical_factor", "subspace_centres", "sign_normal", "symmetries", "orbits", "ideal_symmetries", "in_ideal"]


class OutOfTime(Exception):
    """Raised inside a rule when the engine's deadline has passed; the search turns the
    problem being solved into an open chart."""


@dataclass(frozen=True)
class Prob:
    gens: tuple  # Polynomials in the same variables
    mode: str  # "ideal" | "K"
    tau: tuple  # Fractions
    fibre: int | None  # None: local at the origin
    steps: tuple = ()
    depth: int = 0
    shift: Fraction = Fraction(0)  # 1/2 per variable integrated out on the way here
    auxiliary: bool = False  # a side computation for a bound, not a piece of K

    @property
    def variables(self):
        return self.gens[0].variables

    @property
    def d(self):
        return self.gens[0].nvars

    def replace(self, **kw):
        return dataclasses.replace(self, **kw)

    def child(self, gens, tau, fibre, step: str, *, mode=None, deeper: bool = True, shift=Fraction(0),
              auxiliary: bool = False) -> "Prob":
        """A problem derived from this one by ``step``: the path, depth, shift and
        auxiliary mark carry over."""
        return Prob(tuple(gens), mode or self.mode, tuple(tau), fibre, self.steps + (step,),
                     self.depth + (1 if deeper else 0), self.shift + shift, self.auxiliary or auxiliary)

    @cached_property
    def K(self) -> Polynomial:
        """K itself (Σ g² in ideal mode), expanded once per problem."""
        if self.mode == "K":
            return self.gens[0]
        return sum_of_squares(self.gens)


def variable(name, variables) -> Polynomial:
    i = variables.index(name)
    return Polynomial({tuple(1 if j == i else 0 for j in range(len(variables))): Fraction(1)}, variables)


def monomial_lambda(tau, a):
    """The value of the monomial ``u^a`` with prior ``u^τ``: ``(λ, attaining)`` with
    λ = min over a_j > 0 of (τ_j + 1)/a_j and the coordinates attaining it (their
    number is m); ``(None, [])`` when a = 0."""
    ratios = {j: (Fraction(t) + 1) / x for j, (t, x) in enumerate(zip(tau, a)) if x}
    if not ratios:
        return None, []
    lam = min(ratios.values())
    return lam, [j for j, r in ratios.items() if r == lam]


def monomial_content(p: Polynomial) -> tuple:
    exps = p.exponents
    return tuple(min(e[j] for e in exps) for j in range(p.nvars))


def divide_monomial(p: Polynomial, c) -> Polynomial:
    terms = {tuple(x - y for x, y in zip(e, c)): v for e, v in p.terms.items()}
    if any(x < 0 for e in terms for x in e):
        return Polynomial(terms, p.variables)  # raises: c does not divide p
    return Polynomial.from_terms(terms, p.variables)


def coordinate_index(f: Polynomial):
    """j if f is (a constant times) the variable u_j, else None."""
    if len(f) != 1:
        return None
    (e,) = f.exponents
    if sum(e) == 1:
        return e.index(1)
    return None


def canonical_factor(f: Polynomial) -> Polynomial:
    exps = sorted(f.exponents, reverse=True)
    c = f.coefficient(exps[0])
    return Polynomial.from_terms({e: v / c for e, v in f.terms.items()}, f.variables)


def subspace_centres(prob) -> list:
    """Coordinate subspaces ``{u_S = 0}`` (2 ≤ |S| < d) that are valid centres for
    a local problem: every generator homogeneous in the coordinates T outside S
    (T a 0/1 vector in the kernel of the generators' exponent differences). The
    scaling ``u_T ↦ t·u_T`` then preserves the ideal and the monomial prior, so a
    point of the exceptional divisor with ``u_T ≠ 0`` has the same value as points
    arbitrarily close to the fibre over the origin and, by lower semicontinuity,
    is no worse than them: the least value over the whole divisor is the local one."""
    d = prob.d
    rows = []
    for g in prob.gens:
        exps = g.exponents
        rows += [[a - b for a, b in zip(e, exps[0])] for e in exps[1:]]
    if not rows:
        return []
    K, nullity = flint.fmpz_mat(rows).nullspace()
    out = []
    for c in range(nullity):
        v = [int(K[r, c]) for r in range(d)]
        nz = {x for x in v if x}
        if len(nz) != 1:
            continue
        S = tuple(j for j in range(d) if not v[j])
        if 2 <= len(S) < d and S not in out:
            out.append(S)
    return out


def sign_normal(gens, nvars: int, flip_generators: bool) -> tuple:
    """Generators (each a sequence of ``(exponent, coefficient)`` in a fixed order) with the
    signs that ``u_j ↦ −u_j`` (and, in ideal mode, ``g ↦ −g``) make canonical: every
    flip pattern multiplies a term's coefficient by ``(−1)^f`` with ``f`` linear over GF(2)
    in the flips; going through the terms in order, each term whose ``f`` is independent
    of the earlier ones is made positive (Gaussian elimination), so two problems that differ
    by such flips (which keep λ and m: the prior ``|u|^τ`` and the ideal are unchanged) get
    the same signs."""
    basis = {}  # top bit -> (form, value of the form under the chosen flips)
    out = []
    for k, terms in enumerate(gens):
        row = []
        for e, c in terms:
            form = sum(1 << j for j in range(nvars) if e[j] & 1) | ((1 << (nvars + k)) if flip_generators else 0)
            val = 0
            while form:
                top = form.bit_length() - 1
                if top not in basis:
                    break
                form ^= basis[top][0]
                val ^= basis[top][1]
            want = 1 if c < 0 else 0
            if form:
                basis[form.bit_length() - 1] = (form, want ^ val)
                parity = want
            else:
                parity = val
            row.append((e, -c if parity else c))
        out.append(tuple(row))
    return tuple(out)


def _scaled(g, perm) -> frozenset:
    """``g`` with ``u_j`` renamed ``u_perm[j]``, divided by its leading coefficient (a
    form that does not depend on a constant factor of ``g``)."""
    terms = {}
    for e, c in g.terms.items():
        f = [0] * len(e)
        for j, x in enumerate(e):
            f[perm[j]] = x
        terms[tuple(f)] = c
    lead = terms[max(terms)]
    return frozenset((e, c / lead) for e, c in terms.items())


def symmetries(gens, tau, stop=None) -> list:
    """Permutations ``perm`` of the variables (``u_j ↦ u_perm[j]``) that keep the prior
    exponents and map the set of generators onto itself up to constant factors — hence
    keep the ideal (or K, up to a positive constant) and the prior, so (λ, m) of any piece
    and of its image agree. Only transpositions and products of two transpositions
    between variables of equal prior exponent are tried (e.g. ``(a1 a2)(b1 b2)`` for
    Σ a_h b_h^k); the group they generate is what :func:`orbits` uses. ``stop()`` true (the
    engine's deadline) ends the search with the symmetries found so far, each one checked."""
    d = gens[0].nvars
    ident = list(range(d))
    target = {_scaled(g, ident) for g in gens}
    # a symmetry maps each variable to one with the same exponent columns (a quick filter)
    sig = [(tau[j], tuple(sorted(tuple(sorted((e[j], abs(c)) for e, c in g.terms.items())) for g in gens)))
           for j in range(d)]
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d) if sig[i] == sig[j]]
    found = []

    def test(swaps):
        perm = list(ident)
        for i, j in swaps:
            perm[i], perm[j] = perm[j], perm[i]
        if {_scaled(g, perm) for g in gens} == target:
            found.append(tuple(perm))

    for a in pairs:
        if stop is not None and stop():
            return found
        test([a])
    for x, a in enumerate(pairs):
        for b in pairs[x + 1:]:
            if stop is not None and stop():
                return found
            if not set(a) & set(b):
                test([a, b])
    return found


def orbits(points, perms, act=None, d=None) -> dict:
    """``points`` under the group that the permutations ``perms`` generate, acting by ``act(perm,
    point)`` (default: on variable indices, ``perm[point]``, keeping only the permutations that map
    ``points`` onto itself); a point's orbit is followed only through ``points``.
    ``{point: (representative, perm)}`` with ``perm`` (a product of the generators, of length ``d``)
    mapping the representative (the first point of its orbit in ``points``' order) to the point."""
    pts = list(points)
    where = set(pts)
    if act is None:
        perms = [g for g in perms if {g[p] for p in pts} == where]
        act = _on_index
    out = {}
    for r in pts:
        if r in out:
            continue
        out[r] = (r, tuple(range(d if d is not None else len(perms[0]))) if perms or d is not None else None)
        todo = [r]
        while todo:
            p = todo.pop()
            pi = out[p][1]
            for g in perms:
                q = act(g, p)
                if q in where and q not in out:
                    out[q] = (r, tuple(g[x] for x in pi))
                    todo.append(q)
    return out


def _on_index(perm, j):
    return perm[j]


def _linear_part(f, v: int, d: int):
    """``(c, True)`` with ``f = c·x_v + r`` (c, r free of x_v) when f has degree 1 in x_v;
    ``(None, False)`` when f does not involve x_v; ``(None, None)`` otherwise."""
    deg = f.degrees()[v] if not f.is_zero() else 0
    if deg == 0:
        return None, False
    if deg != 1:
        return None, None
    one = tuple(1 if j == v else 0 for j in range(d))
    lowered = {tuple(int(x) - y for x, y in zip(e, one)): c for e, c in f.to_dict().items() if e[v]}
    return f.context().from_dict(lowered), True


def in_ideal(f, gens, d: int) -> bool:
    """True when the flint polynomial ``f`` is proved to lie in the ideal of ``gens`` by
    echelon elimination: variables ``x_v`` in which generators are linear (``g = c·x_v + r``)
    are eliminated in turn, those in the fewest generators first, each with a generator free
    of the ones eliminated before whose ``c`` divides f's coefficient of x_v exactly
    (``f ↦ f − (c_f/c)·g``), until nothing is left. False means *not proved* (the reduction is
    incomplete, so False is no proof of the contrary)."""
    pivots = {}
    for g in gens:
        for v in range(d):
            c, lin = _linear_part(g, v, d)
            if lin:
                pivots.setdefault(v, []).append((g, c))
    involves = [{v for v in range(d) if not g.is_zero() and g.degrees()[v]} for g in gens]
    order = sorted(pivots, key=lambda v: (sum(1 for inv in involves if v in inv), v))
    done = set()
    for v in order:
        cf, lin = _linear_part(f, v, d)
        if lin is None:
            return False
        if lin:
            for g, c in pivots[v]:
                if not g.is_zero() and any(g.degrees()[u] for u in done):
                    continue
                q, r = divmod(cf, c)
                if r.is_zero():
                    f = f - q * g
                    break
            else:
                return False
        done.add(v)
    return f.is_zero()


def ideal_symmetries(gens, tau, wanted, stop=None) -> list:
    """Permutations ``perm`` (``u_j ↦ u_perm[j]``) among products of at most two
    transpositions of variables with equal prior exponents, accepted by ``wanted(perm)`` (a
    quick filter), that keep the prior and map every generator into the ideal (proved by
    :func:`in_ideal`, or the image is a constant times a generator). A permutation of
    finite order with σ(I) ⊆ I has σ(I) = I, so (λ, m) of a piece and of its image agree.
    ``stop()`` true ends the search with what was found so far."""
    d = gens[0].nvars
    ident = list(range(d))
    target = {_scaled(g, ident) for g in gens}
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d) if tau[i] == tau[j]]
    cands = [[a] for a in pairs] + [[a, b] for x, a in enumerate(pairs) for b in pairs[x + 1:] if not set(a) & set(b)]
    flints = None
    found = []
    for swaps in cands:
        if stop is not None and stop():
            break
        perm = list(ident)
        for i, j in swaps:
            perm[i], perm[j] = perm[j], perm[i]
        perm = tuple(perm)
        if not wanted(perm):
            continue
        if flints is None:
            flints = [g.flint for g in gens]
        ok = True
        for g, fg in zip(gens, flints):
            if _scaled(g, perm) in target:
                continue
            img = fg.context().from_dict({tuple(e[perm.index(j)] for j in range(d)): c
                                          for e, c in fg.to_dict().items()})
            if not in_ideal(img, flints, d):
                ok = False
                break
        if ok:
            found.append(perm)
    return found
