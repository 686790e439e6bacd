"""Newton polyhedra: vertices, facets, faces, face polynomials and the τ-distance.

Everything here is exact. The facets come from the Parma Polyhedra Library
(pplpy, exact double description over the integers); the τ-distance is the
largest ``b / <a, τ+1>`` over the facets ``<a, x> >= b`` (a rational number
computed with :class:`~fractions.Fraction`), and its certificate is built by
exact arithmetic only (no floating-point LP is involved).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from math import gcd
import math
import time
from typing import Sequence

import ppl

from ..errors import InputError
from ..linalg import rank
from ..polynomial import Polynomial, as_fraction, as_polynomial

__all__ = ["NewtonPolyhedron", "Face", "Facet", "Distance", "DistanceCertificate", "rank"]


def _exact(x):
    """``x`` with every entry an int or a Fraction (exponent vectors are ints: no conversion)."""
    return x if all(type(v) is int for v in x) else [Fraction(v) for v in x]


@dataclass(frozen=True, order=True)
class Facet:
    """A facet ``<normal, x> >= rhs`` of a Newton polyhedron (primitive integer normal).

    >>> Facet((1, 1), 2).contains((1, 1)), Facet((1, 1), 2).value((3, 0))
    (True, Fraction(3, 1))
    """

    normal: tuple[int, ...]
    rhs: int

    def value(self, x) -> Fraction:
        """``<normal, x>``."""
        return Fraction(sum(a * v for a, v in zip(self.normal, _exact(x))))

    def contains(self, x) -> bool:
        """True when ``x`` lies on the facet's hyperplane."""
        return sum(a * v for a, v in zip(self.normal, _exact(x))) == self.rhs

    def __str__(self):
        return f"<{', '.join(map(str, self.normal))}> . x >= {self.rhs}"


@dataclass(frozen=True)
class Face:
    """A face of a Newton polyhedron.

    Attributes
    ----------
    vertices : tuple of exponent tuples
        The vertices of the polyhedron lying on the face.
    facets : tuple of Facet
        The facets containing the face (its supporting hyperplanes).
    rays : tuple of int
        Indices ``i`` such that ``e_i`` is a recession direction of the face
        (empty for a compact face).
    dimension : int
    polynomial : Polynomial
        The face polynomial: the terms whose exponents lie on the face.
    """

    vertices: tuple
    facets: tuple
    rays: tuple
    dimension: int
    polynomial: Polynomial = field(compare=False)

    @property
    def is_compact(self) -> bool:
        """True when the face is bounded."""
        return not self.rays

    @property
    def codimension(self) -> int:
        """``d - dimension``."""
        return self.polynomial.nvars - self.dimension

    def __repr__(self):
        kind = "compact" if self.is_compact else "non-compact"
        return (f"<{kind} face of dimension {self.dimension} with vertices "
                f"{', '.join(map(str, self.vertices))}; polynomial {self.polynomial}>")


@dataclass(frozen=True)
class DistanceCertificate:
    """An exact, hand-checkable certificate of a τ-distance and its codimension.

    The point ``p = t (τ + 1)`` lies in the Newton polyhedron Γ because it is the
    combination ``Σ weight_i · vertex_i + Σ ray_j · e_j`` with weights summing to
    one; no smaller multiple of ``τ + 1`` does, because every listed facet
    inequality holds on all exponents of the polynomial and is tight at ``p``.
    All weights are strictly positive, so every point used lies on the face whose
    relative interior holds ``p``; that face therefore has dimension at least the
    dimension of their affine hull, and at most ``d - rank(normals)``; the two
    agree, so the codimension is exactly the rank of the tight normals.

    Use :meth:`check` to re-verify it from the exponents alone.
    """

    exponents: tuple
    tau: tuple
    t: Fraction
    point: tuple
    facets: tuple
    combination: tuple  # ((vertex, weight), ...)
    rays: tuple  # ((index, weight), ...)
    codimension: int

    def check(self) -> bool:
        """Re-verify every claim exactly; raise AssertionError-free ``ValueError`` on failure.

        Returns
        -------
        bool
            True when every claim holds.
        """
        d = len(self.tau)
        v = [Fraction(x) + 1 for x in self.tau]
        p = [self.t * x for x in v]
        if tuple(p) != tuple(self.point):
            raise ValueError("point is not t * (tau + 1)")
        for f in self.facets:
            if any(a < 0 for a in f.normal):
                raise ValueError(f"facet {f} has a negative normal entry")
            for e in self.exponents:
                if f.value(e) < f.rhs:
                    raise ValueError(f"facet {f} is violated by exponent {e}")
            if f.value(p) != f.rhs:
                raise ValueError(f"facet {f} is not tight at the point")
        if not self.facets or all(f.rhs == 0 for f in self.facets):
            raise ValueError("no facet with positive right-hand side supports the point")
        ws = [w for _, w in self.combination]
        if any(w <= 0 for w in ws) or sum(ws) != 1:
            raise ValueError("combination weights are not positive with sum 1")
        if any(w <= 0 for _, w in self.rays):
            raise ValueError("ray weights are not positive")
        exps = set(map(tuple, self.exponents))
        q = [Fraction(0)] * d
        for vert, w in self.combination:
            if tuple(vert) not in exps:
                raise ValueError(f"{vert} is not an exponent of the polynomial")
            for i in range(d):
                q[i] += w * vert[i]
        for i, w in self.rays:
            q[i] += w
        if q != p:
            raise ValueError("the combination does not reach the point")
        r = rank([f.normal for f in self.facets])
        base = self.combination[0][0]
        span = [[Fraction(a) - b for a, b in zip(vert, base)] for vert, _ in self.combination[1:]]
        span += [[1 if k == i else 0 for k in range(d)] for i, _ in self.rays]
        if rank(span) != d - r or r != self.codimension:
            raise ValueError("the face's dimension does not match the rank of the tight normals")
        return True

    def to_dict(self) -> dict:
        """A JSON-friendly view."""
        return {
            "tau": [str(x) for x in self.tau],
            "t": str(self.t),
            "point": [str(x) for x in self.point],
            "facets": [{"normal": list(f.normal), "rhs": f.rhs} for f in self.facets],
            "combination": [{"vertex": list(v), "weight": str(w)} for v, w in self.combination],
            "rays": [{"index": i, "weight": str(w)} for i, w in self.rays],
            "codimension": self.codimension,
        }

    def __str__(self):
        lines = [f"t = {self.t}: the point t·(τ+1) = ({', '.join(map(str, self.point))}) lies on"]
        for f in self.facets:
            lines.append(f"  facet {f}")
        comb = " + ".join(f"{w}·{v}" for v, w in self.combination)
        if self.rays:
            comb += " + " + " + ".join(f"{w}·e{i + 1}" for i, w in self.rays)
        lines.append(f"  and equals {comb}")
        lines.append(f"  codimension = rank of the tight normals = {self.codimension}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Distance:
    """The τ-distance of a Newton polyhedron and its principal face.

    Attributes
    ----------
    t : Fraction
        The least ``t`` with ``t (τ+1)`` in the polyhedron.
    tau : tuple of Fraction
    face : Face
        The face whose relative interior holds ``t (τ+1)``.
    codimension : int
        Its codimension (the multiplicity θ_τ).
    certificate : DistanceCertificate
    """

    t: Fraction
    tau: tuple
    face: Face
    codimension: int
    certificate: DistanceCertificate = field(compare=False, repr=False)

    @property
    def threshold(self) -> Fraction:
        """``1/t``, the Newton value of λ."""
        return 1 / self.t


class NewtonPolyhedron:
    """The Newton polyhedron Γ(f) = conv{α + R^d_{≥0} : c_α ≠ 0} of a polynomial.

    Parameters
    ----------
    f : str, sympy expression, mapping or Polynomial
        The polynomial (see :func:`rlct.polynomial.as_polynomial`).
    variables : sequence of str, optional

    Examples
    --------
    >>> from rlct.newton import NewtonPolyhedron
    >>> P = NewtonPolyhedron("w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8")
    >>> P
    Newton polyhedron in R^2 with 3 vertices and 4 facets
    >>> P.vertices
    ((0, 8), (4, 2), (8, 0))
    >>> D = P.distance()
    >>> D.t, D.codimension
    (Fraction(16, 5), 1)
    >>> P.distance(tau=[1, 0]).t   # prior |w1|: tau = (1, 0)
    Fraction(2, 1)
    """

    def __init__(self, f, variables=None):
        self.polynomial = as_polynomial(f, variables, what="f")
        if self.polynomial.is_zero():
            raise InputError("the zero polynomial has no Newton polyhedron")
        self.dim = self.polynomial.nvars
        self._exponents = tuple(sorted(set(self.polynomial.exponents)))

    def __repr__(self):
        return (f"Newton polyhedron in R^{self.dim} with {len(self.vertices)} vertices "
                f"and {len(self.facets)} facets")

    def __eq__(self, other):
        return isinstance(other, NewtonPolyhedron) and self.vertices == other.vertices and self.dim == other.dim

    def __hash__(self):
        return hash((self.dim, self.vertices))

    def __reduce__(self):
        return (NewtonPolyhedron, (self.polynomial,))

    # -- the H- and V-descriptions ------------------------------------------------
    @cached_property
    def _ppl(self):
        d = self.dim
        xs = [ppl.Variable(i) for i in range(d)]
        gs = ppl.Generator_System()
        for e in self._exponents:
            expr = sum((c * x for c, x in zip(e, xs) if c), ppl.Linear_Expression(0))
            gs.insert(ppl.point(expr))
        for x in xs:
            gs.insert(ppl.ray(x))
        return ppl.C_Polyhedron(gs)

    @cached_property
    def vertices(self) -> tuple:
        """The vertices (exponent tuples), sorted."""
        out = []
        for g in self._ppl.minimized_generators():
            if g.is_point():
                div = int(g.divisor())
                coords = [int(c) for c in g.coefficients()]
                if div != 1 or any(c % div for c in coords):  # pragma: no cover - vertices are exponents
                    raise RuntimeError("non-integral vertex")
                out.append(tuple(c // div for c in coords))
        return tuple(sorted(out))

    @cached_property
    def facets(self) -> tuple:
        """The facets ``<a, x> >= b`` with primitive integer normals ``a >= 0``, sorted."""
        out = []
        for c in self._ppl.minimized_constraints():
            if c.is_equality():  # pragma: no cover - Γ is full-dimensional
                raise RuntimeError("Newton polyhedron is not full-dimensional")
            a = [int(x) for x in c.coefficients()]
            b = -int(c.inhomogeneous_term())
            g = 0
            for x in a + [b]:
                g = gcd(g, x)
            a = [x // g for x in a]
            b //= g
            out.append(Facet(tuple(a), b))
        return tuple(sorted(out, key=lambda f: (-f.rhs, f.normal)))

    @cached_property
    def _exponent_incidence(self):
        """Per facet, the indices of the support's exponents on it."""
        exps = self._exponents
        return [frozenset(i for i, e in enumerate(exps) if f.contains(e)) for f in self.facets]

    @cached_property
    def _incidence(self):
        verts = self.vertices
        return [frozenset(i for i, v in enumerate(verts) if f.contains(v)) for f in self.facets]

    def contains(self, x) -> bool:
        """True when the point ``x`` lies in Γ (exact).

        >>> NewtonPolyhedron("w1**2 + w2**2").contains([1, 1])
        True
        """
        x = [as_fraction(v) for v in x]
        if len(x) != self.dim:
            raise InputError(f"point must have {self.dim} coordinates")
        return all(f.value(x) >= f.rhs for f in self.facets)

    # -- faces -----------------------------------------------------------------------
    def _face_from_facets(self, facet_idx) -> Face:
        idx = sorted(facet_idx)
        facets = tuple(self.facets[j] for j in idx)
        verts = tuple(self._on_facets(self.vertices, "_incidence", idx))
        rays = tuple(i for i in range(self.dim) if all(f.normal[i] == 0 for f in facets))
        dimension = self.dim - rank([f.normal for f in facets])
        exps = self._on_facets(self._exponents, "_exponent_incidence", idx)
        return Face(verts, facets, rays, dimension, self.polynomial.select(exps))

    def _on_facets(self, points, incidence: str, idx) -> list:
        """The ``points`` on every facet of ``idx``: from the cached incidence sets when the face
        enumeration has built them, else directly (one face, e.g. the principal face of
        :meth:`distance`, costs #points × a few facets instead of #points × #facets)."""
        if not idx:
            return list(points)
        if incidence in self.__dict__:
            on = frozenset.intersection(*(getattr(self, incidence)[j] for j in idx))
            return [p for i, p in enumerate(points) if i in on]
        tight = [self.facets[j] for j in idx]
        return [p for p in points if all(f.contains(p) for f in tight)]

    def _closure(self, vertex_set) -> frozenset:
        return frozenset(j for j, inc in enumerate(self._incidence) if vertex_set <= inc)

    @property
    def compact_faces(self) -> tuple:
        """All compact faces, by decreasing dimension (computed once, on demand).

        Examples
        --------
        >>> [f.dimension for f in NewtonPolyhedron("w1**2 + w2**2").compact_faces]
        [1, 0, 0]
        """
        return self.faces_until(None)

    def faces_until(self, deadline: float | None) -> tuple:
        """The compact faces; with ``deadline`` (a ``time.perf_counter()`` value),
        raise :class:`TimeoutError` once it passes (the enumeration can be large:
        2499 faces for the 12-variable ‖BA‖² with (M, N, H) = (3, 3, 2))."""
        if "_compact_faces_cache" in self.__dict__:
            return self.__dict__["_compact_faces_cache"]

        facet_sets = [inc for inc in self._incidence if inc]
        seen = set(facet_sets)
        frontier = list(seen)
        while frontier:
            new = []
            for s in frontier:
                if deadline is not None and time.perf_counter() > deadline:
                    raise TimeoutError("compact-face enumeration ran out of time")
                for inc in facet_sets:
                    u = s & inc
                    if u and u not in seen:
                        seen.add(u)
                        new.append(u)
            frontier = new
        faces = []
        self._exponent_incidence  # build the incidence sets once: every face below reads them
        for u in seen:
            if deadline is not None and time.perf_counter() > deadline:
                raise TimeoutError("compact-face enumeration ran out of time")
            closure = self._closure(u)
            covered = all(any(self.facets[j].normal[i] for j in closure) for i in range(self.dim))
            if covered:
                faces.append(self._face_from_facets(closure))
        faces.sort(key=lambda f: (-f.dimension, f.vertices))
        self.__dict__["_compact_faces_cache"] = tuple(faces)
        return tuple(faces)

    def face(self, weight) -> Face:
        """The face where the weight ``<weight, x>`` is minimal on Γ.

        Parameters
        ----------
        weight : sequence of non-negative rationals
            A strictly positive weight gives a compact face.

        Examples
        --------
        >>> NewtonPolyhedron("(w1 + w2)**2 + w2**4").face([1, 1]).polynomial
        Polynomial('w1**2 + 2*w1*w2 + w2**2', variables=('w1', 'w2'))
        """
        w = [as_fraction(x, "weight") for x in weight]
        if len(w) != self.dim:
            raise InputError(f"weight must have {self.dim} entries")
        if any(x < 0 for x in w):
            raise InputError("weight must be non-negative (Γ is unbounded in the positive directions)")
        vals = {v: sum((a * b for a, b in zip(w, v)), Fraction(0)) for v in self.vertices}
        m = min(vals.values())
        verts = frozenset(i for i, v in enumerate(self.vertices) if vals[v] == m)
        zero = [i for i in range(self.dim) if w[i] == 0]
        idx = [j for j in self._closure(verts) if all(self.facets[j].normal[i] == 0 for i in zero)]
        return self._face_from_facets(idx)

    def face_polynomial(self, face: Face) -> Polynomial:
        """The face polynomial ``f_γ = Σ_{α∈γ} c_α w^α``."""
        return face.polynomial

    # -- τ-distance ------------------------------------------------------------------
    def distance(self, tau=None) -> Distance:
        """The τ-distance ``t``: the least ``t`` with ``t (τ+1) ∈ Γ``.

        Parameters
        ----------
        tau : sequence of non-negative rationals, optional
            Exponents of the prior's monomial amplitude ``w^τ`` (default 0).

        Returns
        -------
        Distance
            ``t``, the principal face, its codimension θ_τ and an exact certificate.

        Notes
        -----
        For every facet ``<a, x> >= b`` of Γ, ``t (τ+1) ∈ Γ`` needs
        ``t >= b / <a, τ+1>``; so ``t`` is the largest of these ratios, and the
        facets attaining it cut out the principal face (Lin 2011, §4.2).
        """
        d = self.dim
        tau = tuple(Fraction(0) for _ in range(d)) if tau is None else tuple(as_fraction(x, "tau") for x in tau)
        if len(tau) != d:
            raise InputError(f"tau must have {d} entries")
        if any(x < 0 for x in tau):
            raise InputError("prior exponents tau must be non-negative")
        v = [x + 1 for x in tau]
        ratios = [(Fraction(f.rhs) / f.value(v), j) for j, f in enumerate(self.facets) if f.rhs > 0]
        if not ratios:
            raise InputError("the polynomial does not vanish at the origin (it has a constant term)")
        t = max(r for r, _ in ratios)
        point = tuple(t * x for x in v)
        tight = [j for j, f in enumerate(self.facets) if f.value(point) == f.rhs]
        face = self._face_from_facets(tight)
        comb, rays = self._represent(point, face)
        cert = DistanceCertificate(
            exponents=self._exponents,
            tau=tau,
            t=t,
            point=point,
            facets=face.facets,
            combination=tuple(sorted(comb.items())),
            rays=tuple(sorted(rays.items())),
            codimension=face.codimension,
        )
        return Distance(t=t, tau=tau, face=face, codimension=face.codimension, certificate=cert)

    def _represent(self, p, face: Face):
        """Write ``p`` (in the relative interior of ``face``) as a strictly positive
        combination of all the face's vertices and rays, exactly.

        Take the barycentre ``c`` of the face's generators (a relative-interior
        point with all weights positive), walk from ``c`` through ``p`` to the
        face's boundary point ``q``, represent ``q`` recursively on a smaller face,
        and mix: ``p = (q + s c) / (1 + s)``.
        """
        d = self.dim
        p = [Fraction(x) for x in p]
        verts = face.vertices
        k = len(verts)
        cw = {v: Fraction(1, k) for v in verts}
        cr = {i: Fraction(1) for i in face.rays}
        c = [sum((w * v[i] for v, w in cw.items()), Fraction(0)) + cr.get(i, 0) for i in range(d)]
        diff = [a - b for a, b in zip(p, c)]
        if not any(diff):
            return cw, cr
        # largest s with q = p + s (p - c) still in Γ
        s = None
        for f in self.facets:
            slope = f.value(diff)
            if slope < 0:
                cand = (f.value(p) - f.rhs) / -slope
                s = cand if s is None or cand < s else s
        if s is None:
            # p - c is a recession direction of the face: p = c + (p - c)
            rays = dict(cr)
            for i, x in enumerate(diff):
                if x:
                    rays[i] = rays.get(i, 0) + x
            return cw, rays
        if s == 0:  # pragma: no cover - p is in the relative interior
            raise RuntimeError("point is not in the relative interior of its face")
        q = [a + s * b for a, b in zip(p, diff)]
        qtight = [j for j, f in enumerate(self.facets) if f.value(q) == f.rhs]
        qface = self._face_from_facets(qtight)
        qw, qr = self._represent(q, qface)
        w = {}
        for v, x in qw.items():
            w[v] = w.get(v, 0) + x / (1 + s)
        for v, x in cw.items():
            w[v] = w.get(v, 0) + x * s / (1 + s)
        r = {}
        for i, x in qr.items():
            r[i] = r.get(i, 0) + x / (1 + s)
        for i, x in cr.items():
            r[i] = r.get(i, 0) + x * s / (1 + s)
        return w, {i: x for i, x in r.items() if x}

    # -- pictures --------------------------------------------------------------------
    def plot(self, ax=None, tau=None):
        """Draw the polyhedron (d = 2 or 3) with the diagonal ``t (τ+1)``; needs matplotlib.

        Returns the matplotlib axes.
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError:  # pragma: no cover
            raise ImportError("plotting needs matplotlib: pip install 'rlct[plot]'") from None
        if self.dim not in (2, 3):
            raise InputError(f"plot() draws Newton polyhedra in 2 or 3 dimensions, this one is in {self.dim}")
        D = self.distance(tau)
        verts = [tuple(float(x) for x in v) for v in self.vertices]
        if self.dim == 2:
            if ax is None:
                _, ax = plt.subplots()
            vs = sorted(verts)
            big = max(max(x) for x in verts) + 2
            xs = [vs[0][0]] + [v[0] for v in vs] + [big]
            ys = [big] + [v[1] for v in vs] + [vs[-1][1]]
            ax.fill(xs + [big], ys + [big], alpha=0.25, label="Γ")
            ax.plot(xs, ys, "-k", lw=1)
            ax.plot(*zip(*verts), "ok")
            pts = [tuple(e) for e in self._exponents]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], ".", color="gray")
            px, py = (float(x) for x in D.certificate.point)
            ax.plot([0, px], [0, py], "--r")
            ax.plot([px], [py], "*r", ms=12, label=f"t = {D.t}")
            ax.set_xlim(0, big)
            ax.set_ylim(0, big)
            ax.set_xlabel(self.polynomial.variables[0])
            ax.set_ylabel(self.polynomial.variables[1])
            ax.legend()
            ax.set_aspect("equal")
            return ax
        from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # noqa: F401

        if ax is None:
            fig = plt.figure()
            ax = fig.add_subplot(projection="3d")
        for f in self.compact_faces:
            if f.dimension == 2:
                pts = [tuple(float(x) for x in v) for v in f.vertices]
                cx = [sum(p[i] for p in pts) / len(pts) for i in range(3)]

                # order the polygon's vertices around its centre
                n = [float(a) for a in f.facets[0].normal]
                u = [pts[0][i] - cx[i] for i in range(3)]
                w = [n[1] * u[2] - n[2] * u[1], n[2] * u[0] - n[0] * u[2], n[0] * u[1] - n[1] * u[0]]
                pts.sort(key=lambda p: math.atan2(sum((p[i] - cx[i]) * w[i] for i in range(3)),
                                                  sum((p[i] - cx[i]) * u[i] for i in range(3))))
                ax.add_collection3d(Poly3DCollection([pts], alpha=0.3))
        ax.scatter(*zip(*verts), color="k")
        p = [float(x) for x in D.certificate.point]
        ax.plot([0, p[0]], [0, p[1]], [0, p[2]], "--r")
        ax.scatter([p[0]], [p[1]], [p[2]], color="r", marker="*", s=100)
        ax.set_xlabel(self.polynomial.variables[0])
        ax.set_ylabel(self.polynomial.variables[1])
        ax.set_zlabel(self.polynomial.variables[2])
        return ax
