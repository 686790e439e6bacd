"""Rational polyhedral cones and fans in the positive orthant, with exact integer arithmetic.

A :class:`Cone` is given by primitive integer rays; a :class:`Fan` by its
maximal cones. :func:`normal_fan` builds the normal fan of a Newton polyhedron
(one maximal cone per vertex, spanned by the normals of the facets through it);
:meth:`Fan.simplicial` refines it by a pulling triangulation with one global ray
order (so the pieces fit together), and :meth:`Fan.smooth` by stellar
subdivisions at lattice points of fundamental parallelepipeds until every cone
is unimodular (in dimension 2 this gives the Hirzebruch–Jung continued-fraction
resolution).

Examples
--------
>>> from rlct.resolution import Fan, normal_fan
>>> from rlct.newton import NewtonPolyhedron
>>> F = normal_fan(NewtonPolyhedron("w1**4 + w2**6"))
>>> F
Fan in R^2 with 3 rays and 2 maximal cones (simplicial, not smooth)
>>> S = F.smooth()
>>> S.rays
((0, 1), (1, 0), (1, 1), (2, 1), (3, 2))
>>> S.is_smooth()
True
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
import itertools
from math import gcd
import math
import time
from typing import Iterable, Sequence

import flint
import ppl

from ..errors import InputError, Undecided

__all__ = ["Cone", "Fan", "normal_fan", "primitive"]


def primitive(v: Sequence[int]) -> tuple:
    """The primitive integer vector on the ray of ``v``.

    >>> primitive((2, 4, 0))
    (1, 2, 0)
    """
    v = [int(x) for x in v]
    g = 0
    for x in v:
        g = gcd(g, x)
    if g == 0:
        raise InputError("the zero vector does not span a ray")
    return tuple(x // g for x in v)


def _fmpz_mat(rows):
    return flint.fmpz_mat([list(r) for r in rows])


class Cone:
    """A rational polyhedral cone spanned by primitive integer rays.

    Parameters
    ----------
    rays : iterable of integer vectors
        Generators; each is made primitive, duplicates are dropped. They should
        be the cone's extreme rays (``check=True`` verifies it).
    check : bool
        Verify that no ray is a non-negative combination of the others.

    Examples
    --------
    >>> C = Cone([(1, 0), (1, 2)])
    >>> C
    Cone in R^2 with rays (1, 0), (1, 2) (simplicial, index 2)
    >>> C.is_smooth(), C.contains((1, 1)), C.contains((0, 1))
    (False, True, False)
    """

    def __init__(self, rays: Iterable, *, check: bool = True):
        rs = []
        for r in rays:
            p = primitive(r)
            if p not in rs:
                rs.append(p)
        if not rs:
            raise InputError("a cone needs at least one ray")
        if len({len(r) for r in rs}) != 1:
            raise InputError("rays of a cone must have the same length")
        self.rays = tuple(rs)
        self.ambient_dim = len(rs[0])
        if check and len(rs) > self.dimension:
            extreme = set(self._extreme_rays())
            extra = [r for r in rs if r not in extreme]
            if extra:
                raise InputError(f"ray {extra[0]} is not an extreme ray of the cone")

    def _ppl(self):
        xs = [ppl.Variable(i) for i in range(self.ambient_dim)]
        gs = ppl.Generator_System()
        gs.insert(ppl.point())
        for r in self.rays:
            gs.insert(ppl.ray(sum((c * x for c, x in zip(r, xs) if c), ppl.Linear_Expression(0))))
        return ppl.C_Polyhedron(gs)

    def _extreme_rays(self):
        out = []
        for g in self._ppl().minimized_generators():
            if g.is_ray():
                out.append(primitive([int(c) for c in g.coefficients()]))
            elif g.is_line():  # pragma: no cover - cones here are pointed
                raise InputError("the cone is not pointed (it contains a line)")
        return out

    @cached_property
    def dimension(self) -> int:
        """The dimension of the cone (rank of its rays)."""
        return int(_fmpz_mat(self.rays).rank())

    def is_simplicial(self) -> bool:
        """True when the rays are linearly independent."""
        return len(self.rays) == self.dimension

    @cached_property
    def index(self) -> int:
        """For a simplicial cone, the index of the lattice its rays span in the
        lattice points of their linear span (the gcd of the maximal minors);
        1 means smooth (unimodular)."""
        if not self.is_simplicial():
            raise InputError("the index is defined for simplicial cones")
        s = _fmpz_mat(self.rays).snf()
        out = 1
        for i in range(len(self.rays)):
            out *= abs(int(s[i, i]))
        return out

    def is_smooth(self) -> bool:
        """True when the cone is simplicial and its rays are part of a lattice basis."""
        return self.is_simplicial() and self.index == 1

    def coordinates(self, v) -> tuple:
        """Coefficients of ``v`` in the rays of a full-dimensional simplicial cone."""
        if not (self.is_simplicial() and self.dimension == self.ambient_dim):
            raise InputError("coordinates are defined for full-dimensional simplicial cones")

        R = flint.fmpq_mat([[flint.fmpq(self.rays[j][i]) for j in range(self.dimension)] for i in range(self.ambient_dim)])
        x = R.solve(flint.fmpq_mat([[flint.fmpq(int(c))] for c in v]))
        return tuple(Fraction(int(x[i, 0].p), int(x[i, 0].q)) for i in range(self.dimension))

    def contains(self, v) -> bool:
        """True when ``v`` lies in the cone (exact)."""
        if self.is_simplicial() and self.dimension == self.ambient_dim:
            return all(c >= 0 for c in self.coordinates(v))

        xs = [ppl.Variable(i) for i in range(self.ambient_dim)]
        pt = ppl.point(sum((int(c) * x for c, x in zip(v, xs) if c), ppl.Linear_Expression(0)))
        return self._ppl().relation_with(pt).implies(ppl.Poly_Gen_Relation.subsumes())

    def facets(self) -> list:
        """The facets, each as the tuple of the rays lying on it."""
        out = []
        for c in self._ppl().minimized_constraints():
            if c.is_equality():
                continue
            a = [int(x) for x in c.coefficients()]
            on = tuple(r for r in self.rays if sum(x * y for x, y in zip(a, r)) == 0)
            out.append(on)
        return out

    def __eq__(self, other):
        return isinstance(other, Cone) and set(self.rays) == set(other.rays)

    def __hash__(self):
        return hash(frozenset(self.rays))

    def __reduce__(self):
        return (Cone, (self.rays,), None)

    def __repr__(self):
        kind = (f"simplicial, index {self.index}" if self.index != 1 else "smooth") if self.is_simplicial() else "not simplicial"
        return f"Cone in R^{self.ambient_dim} with rays {', '.join(map(str, self.rays))} ({kind})"


class Fan:
    """A fan given by its maximal cones (all full-dimensional here).

    Examples
    --------
    >>> F = Fan([Cone([(1, 0), (1, 2)]), Cone([(1, 2), (0, 1)])])
    >>> F.is_simplicial(), F.is_smooth(), len(F.smooth().cones)
    (True, False, 3)
    """

    def __init__(self, cones: Iterable[Cone]):
        self.cones = tuple(cones)
        if not self.cones:
            raise InputError("a fan needs at least one cone")
        self.ambient_dim = self.cones[0].ambient_dim

    @cached_property
    def rays(self) -> tuple:
        """All rays, sorted."""
        return tuple(sorted({r for c in self.cones for r in c.rays}))

    def is_simplicial(self) -> bool:
        """True when every maximal cone is simplicial."""
        return all(c.is_simplicial() for c in self.cones)

    def is_smooth(self) -> bool:
        """True when every maximal cone is smooth (unimodular)."""
        return all(c.is_smooth() for c in self.cones)

    def __len__(self):
        return len(self.cones)

    def __eq__(self, other):
        return isinstance(other, Fan) and set(self.cones) == set(other.cones)

    def __hash__(self):
        return hash(frozenset(self.cones))

    def __reduce__(self):
        return (Fan, (self.cones,))

    def __repr__(self):
        kind = "smooth" if self.is_smooth() else ("simplicial, not smooth" if self.is_simplicial() else "not simplicial")
        return (f"Fan in R^{self.ambient_dim} with {len(self.rays)} rays and {len(self.cones)} maximal cones "
                f"({kind})")

    # -- refinements -------------------------------------------------------------------
    def simplicial(self) -> "Fan":
        """A simplicial refinement with no new rays: the pulling triangulation for one
        global order of the rays (sorted), which is consistent on shared faces."""
        order = {r: i for i, r in enumerate(self.rays)}

        def pull(rays: tuple) -> list:
            C = Cone(rays, check=False)
            if C.is_simplicial():
                return [rays]
            apex = min(rays, key=order.__getitem__)
            out = []
            for facet in C.facets():
                if apex in facet:
                    continue
                for piece in pull(facet):
                    out.append((apex,) + piece)
            return out

        cones = []
        for c in self.cones:
            for piece in pull(c.rays):
                cones.append(Cone(piece, check=False))
        return Fan(cones)

    def smooth(self, *, max_cones: int = 100_000, seconds: float = 60.0) -> "Fan":
        """A smooth refinement by stellar subdivisions.

        Each non-unimodular cone is subdivided at the lattice point of its
        fundamental parallelepiped with the smallest coefficient sum (a vertex of
        the convex hull of the cone's non-zero lattice points), and the
        subdivision is applied to every cone containing that point (those
        containing its carrier face), so the result is again a fan.

        Raises
        ------
        Undecided
            When ``max_cones`` or ``seconds`` is exceeded; the message says how
            far the refinement got.
        """
        start = time.perf_counter()
        base = self if self.is_simplicial() else self.simplicial()
        if any(c.dimension != c.ambient_dim for c in base.cones):
            raise InputError("smooth refinement needs full-dimensional maximal cones")
        cones: dict = {}
        index: dict = {}
        by_ray: dict = {}
        bad: set = set()
        counter = itertools.count()

        def add(rays):
            k = next(counter)
            cones[k] = rays
            n = abs(int(_fmpz_mat(rays).det()))
            index[k] = n
            for r in rays:
                by_ray.setdefault(r, set()).add(k)
            if n != 1:
                bad.add(k)

        def remove(k):
            for r in cones[k]:
                by_ray[r].discard(k)
            bad.discard(k)
            del cones[k], index[k]

        for c in base.cones:
            add(c.rays)
        while bad:
            if len(cones) > max_cones or time.perf_counter() - start > seconds:
                raise Undecided(f"smooth refinement stopped: {len(cones)} cones ({len(cones) - len(bad)} smooth) "
                                f"after {time.perf_counter() - start:.1f} s (limits: {max_cones} cones, {seconds} s)",
                                progress=f"{len(cones) - len(bad)} of {len(cones)} cones smooth")
            k = max(bad, key=lambda c: (index[c], -c))  # largest index first: fewer cones in tests
            rays = cones[k]
            v, lam = _parallelepiped_point(rays, index[k])
            carrier = [r for r, x in zip(rays, lam) if x]
            owners = set.intersection(*(by_ray[r] for r in carrier))
            for o in list(owners):
                old = cones[o]
                remove(o)
                for i, r in enumerate(old):
                    if r in carrier:
                        add(tuple(v if j == i else q for j, q in enumerate(old)))
        return Fan(Cone(r, check=False) for r in cones.values())

    # -- picture ---------------------------------------------------------------------------
    def plot(self, ax=None):
        """Draw a 2-d or 3-d fan (rays, and cones as sectors or triangles); needs matplotlib."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:  # pragma: no cover
            raise ImportError("plotting needs matplotlib: pip install 'rlct[plot]'") from None
        d = self.ambient_dim
        if d not in (2, 3):
            raise InputError(f"Fan.plot draws fans in 2 or 3 dimensions, this one is in {d}")
        if d == 2:
            if ax is None:
                _, ax = plt.subplots()

            for c in self.cones:
                pts = [(0.0, 0.0)]
                for r in sorted(c.rays, key=lambda r: math.atan2(r[1], r[0])):
                    n = math.hypot(*r)
                    pts.append((r[0] / n, r[1] / n))
                ax.fill(*zip(*pts), alpha=0.2)
            for r in self.rays:
                n = math.hypot(*r)
                ax.plot([0, r[0] / n], [0, r[1] / n], "-k", lw=1)
                ax.annotate(str(r), (r[0] / n, r[1] / n))
            ax.set_aspect("equal")
            return ax
        from mpl_toolkits.mplot3d.art3d import Poly3DCollection

        if ax is None:
            fig = plt.figure()
            ax = fig.add_subplot(projection="3d")
        for c in self.cones:
            # draw the cone's section by the plane x + y + z = 1
            pts = [tuple(x / sum(r) for x in r) for r in c.rays]
            ax.add_collection3d(Poly3DCollection([pts], alpha=0.3, edgecolor="k"))
        for r in self.rays:
            p = tuple(x / sum(r) for x in r)
            ax.scatter(*p, color="k")
            ax.text(*p, str(r))
        return ax


def _parallelepiped_point(rays, det: int):
    """A primitive lattice point ``v = Σ λ_i r_i`` with ``0 <= λ_i < 1`` (not all zero)
    and the smallest ``Σ λ_i``, and its coefficients ``λ``.

    With ``R`` the matrix of rays (as columns) and ``D = |det R|``, the
    coefficients of the points are ``adj(R) x / det R`` modulo 1; the classes
    of the unit vectors generate the group ``Z^d / R Z^d`` of order ``D``, which
    is enumerated exactly in integers (numerators modulo ``D``) when small.
    """
    d = len(rays)
    R = flint.fmpz_mat([[rays[j][i] for j in range(d)] for i in range(d)])
    sdet = int(R.det())
    D = abs(sdet)
    # adj(R) = det(R) * R^{-1}; R^{-1} e_j has numerators adj[:, j] over det
    Rinv = R.inv()  # fmpq_mat
    gens = []
    for j in range(d):
        num = tuple(int(Rinv[i, j] * sdet) % D for i in range(d))
        if any(num):
            gens.append(num)
    seen = {(0,) * d}
    frontier = [(0,) * d]
    if D <= 20000:
        while frontier:
            nxt = []
            for a in frontier:
                for g in gens:
                    b = tuple((x + y) % D for x, y in zip(a, g))
                    if b not in seen:
                        seen.add(b)
                        nxt.append(b)
            frontier = nxt
        cands = [x for x in seen if any(x)]
    else:  # pragma: no cover - very large index: multiples of the generators only
        cands = [tuple((k * x) % D for x in g) for g in gens for k in range(1, 200)]
        cands = [c for c in cands if any(c)]
    best = min(cands, key=lambda x: (sum(x), x))
    v = [sum(x * r[i] for x, r in zip(best, rays)) for i in range(d)]
    if any(c % D for c in v):  # pragma: no cover - a lattice point by construction
        raise RuntimeError("parallelepiped point is not integral")
    v = [c // D for c in v]
    p = primitive(v)
    scale = Fraction(p[0], v[0]) if v[0] else Fraction(next(a for a in p if a), next(b for b in v if b))
    lam = tuple(Fraction(x, D) * scale for x in best)
    return p, lam


def normal_fan(P) -> Fan:
    """The normal fan of a Newton polyhedron in the positive orthant: one maximal
    cone per vertex, spanned by the normals of the facets through that vertex.

    >>> from rlct.newton import NewtonPolyhedron
    >>> normal_fan(NewtonPolyhedron("w1**2*w2**2 + w1**4"))
    Fan in R^2 with 3 rays and 2 maximal cones (smooth)
    """
    cones = []
    for v in P.vertices:
        rays = [f.normal for f in P.facets if f.contains(v)]
        cones.append(Cone(rays, check=False))
    return Fan(cones)
