"""Where the parameter lives near the true point: the point, the prior, the domain.

:func:`localize` turns user input (``at``, ``prior``, ``domain``) into a local
problem at the origin: K (or the generators of an ideal) shifted to ``w0``, the
prior's monomial exponents τ, and the domain's tangent cone at ``w0`` straightened
by an invertible rational linear map into ``{v_1, ..., v_k >= 0}`` (the other
coordinates free). A linear change of coordinates changes neither λ nor m; a
positive smooth factor of the prior never does either (Lin 2011, Lemma 3.8).

Examples
--------
>>> from rlct.domain import localize
>>> from rlct.polynomial import as_polynomial
>>> loc = localize(as_polynomial("w1*w2**2"), domain=["w1 >= 0", "w2 >= w1"])
>>> str(loc.polynomial), loc.signs, loc.coordinates
('v1**3 + 2*v1**2*v2 + v1*v2**2', (1, 1), ('v1 = w1', 'v2 = -w1 + w2'))
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm
from typing import Mapping, Sequence

import flint
import ppl

from .errors import InputError, NotApplicable
from .linalg import rank
from .polynomial import Polynomial, as_fraction, as_polynomial, format_polynomial, natural_key, parse_string

__all__ = ["LocalProblem", "NonSimplicialCone", "localize", "parse_prior", "parse_point", "parse_domain", "can_be_negative",
           "parse_ideal", "sum_of_squares",
           "positive_on_region"]


def positive_on_region(exp, c, signs) -> bool:
    """Is the term ``c w^exp`` positive at every point of the region (``w_i > 0``
    where ``signs[i]``, ``w_i != 0`` elsewhere)?

    >>> positive_on_region((2, 1), 3, (0, 1)), positive_on_region((2, 1), 3, (0, 0))
    (True, False)
    """
    if c <= 0:
        return False
    return all(e % 2 == 0 or s > 0 for e, s in zip(exp, signs))


def can_be_negative(exp, c, signs) -> bool:
    """Can the term ``c w^exp`` be negative on the region?

    >>> can_be_negative((1, 2), 1, (0, 0)), can_be_negative((1, 2), 1, (1, 0))
    (True, False)
    """
    return c < 0 or any(e % 2 == 1 and s == 0 for e, s in zip(exp, signs))


@dataclass(frozen=True)
class LocalProblem:
    """K near ``w0`` in local coordinates where ``w0`` is the origin.

    Attributes
    ----------
    polynomial : Polynomial
        K in the local coordinates.
    generators : tuple of Polynomial or None
        The ideal's generators in local coordinates (when given as an ideal).
    tau : tuple of Fraction
        Prior exponents, per local coordinate.
    signs : tuple of int
        1 where the local coordinate is restricted to be >= 0, 0 where free.
    at : tuple of Fraction
        The true point, in the original variables.
    variables : tuple of str
        The original variables.
    coordinates : tuple of str or None
        ``"v1 = w2 - w1"``-style definitions when the domain needed new
        coordinates (None when the local coordinates are ``w - w0``).
    """

    polynomial: Polynomial
    generators: tuple | None
    tau: tuple
    signs: tuple
    at: tuple
    variables: tuple
    coordinates: tuple | None = None


def parse_point(at, variables: Sequence[str]) -> tuple:
    """The true point as a tuple of Fractions (mapping: missing variables are 0).

    >>> parse_point({"w2": "3/10"}, ["w1", "w2"])
    (Fraction(0, 1), Fraction(3, 10))
    """
    d = len(variables)
    if at is None:
        return (Fraction(0),) * d
    if isinstance(at, Mapping):
        out = [Fraction(0)] * d
        for k, v in at.items():
            name = str(k)
            if name not in variables:
                raise InputError(f"unknown variable {name} in at: variables are {', '.join(variables)}")
            out[variables.index(name)] = as_fraction(v, f"at[{name}]")
        return tuple(out)
    if isinstance(at, str):
        raise InputError("at must be a mapping {variable: value} or a sequence of rationals, not a string")
    try:
        vals = list(at)
    except TypeError:
        raise InputError(f"at must be a mapping or a sequence, got {type(at).__name__}") from None
    if len(vals) != d:
        raise InputError(f"at has {len(vals)} coordinates but there are {d} variables ({', '.join(variables)})")
    return tuple(as_fraction(v, f"at[{name}]") for v, name in zip(vals, variables))


def parse_prior(prior, variables: Sequence[str]) -> tuple:
    """Prior exponents τ from a monomial amplitude (string, sympy, or mapping).

    ``"w1**6*w2**3"`` means φ ∝ |w1 − w01|^6 |w2 − w02|^3 times a positive smooth
    density. Exponents must be non-negative rationals.

    >>> parse_prior("w1**6*w2**3", ["w1", "w2"])
    (Fraction(6, 1), Fraction(3, 1))
    >>> parse_prior({"w2": "1/2"}, ["w1", "w2"])
    (Fraction(0, 1), Fraction(1, 2))
    """
    d = len(variables)
    tau = [Fraction(0)] * d
    if prior is None:
        return tuple(tau)
    if isinstance(prior, Mapping):
        items = [(str(k), v) for k, v in prior.items()]
    else:
        import sympy

        if isinstance(prior, str):
            expr = parse_string(prior, "prior")
        elif isinstance(prior, sympy.Basic):
            expr = prior
        elif isinstance(prior, (list, tuple)):
            if len(prior) != d:
                raise InputError(f"prior exponents: {len(prior)} given for {d} variables")
            items = list(zip(variables, prior))
            expr = None
        else:
            raise InputError(f"prior must be a monomial such as 'w1**2*w2', a mapping, or a sequence of exponents, "
                             f"got {type(prior).__name__}")
        if expr is not None:
            coeff, rest = expr.as_coeff_Mul()
            if not (coeff.is_Rational and coeff > 0):
                raise InputError(f"prior {prior} must be a monomial with a positive coefficient")
            items = []
            for base, ex in rest.as_powers_dict().items():
                if base == 1:
                    continue
                if not base.is_Symbol:
                    raise InputError(f"prior {prior} is not a monomial amplitude: factor {base}")
                if not ex.is_Rational:
                    raise InputError(f"prior exponent of {base} must be a rational number, got {ex}")
                items.append((base.name, ex))
    for name, ex in items:
        if name not in variables:
            raise InputError(f"unknown variable {name} in prior: variables are {', '.join(variables)}")
        e = as_fraction(ex, f"prior exponent of {name}")
        if e < 0:
            raise InputError(f"prior exponent of {name} is {e}: prior exponents must be non-negative")
        tau[variables.index(name)] += e
    return tuple(tau)


def parse_domain(domain, variables: Sequence[str]) -> list:
    """Linear inequalities as ``(coefficients, constant)`` meaning ``a·w + c >= 0``.

    ``domain`` is a list of strings like ``"w1 >= 0"`` or ``"w2 >= w1"``, or the
    word ``"positive"`` (every coordinate at least its true value).

    >>> parse_domain(["w2 >= w1", "w1 <= 1"], ["w1", "w2"])
    [((Fraction(-1, 1), Fraction(1, 1)), Fraction(0, 1)), ((Fraction(-1, 1), Fraction(0, 1)), Fraction(1, 1))]
    """
    if domain is None:
        return []
    if isinstance(domain, str):
        if domain.strip().lower() in ("positive", "orthant"):
            return ["positive"]
        domain = [domain]
    out = []
    for item in domain:
        if isinstance(item, str) and item.strip().lower() in ("positive", "orthant"):
            out.append("positive")
            continue
        import sympy

        expr = parse_string(item, "domain constraint") if isinstance(item, str) else item
        if not getattr(expr, "is_Relational", False):
            raise InputError(f"domain constraint {item!r} must be an inequality such as 'w1 >= 0'")
        if isinstance(expr, (sympy.Eq, sympy.Ne)):
            raise InputError(f"domain constraint {item!r}: only inequalities (>=, <=, >, <) are supported")
        if isinstance(expr, (sympy.GreaterThan, sympy.StrictGreaterThan)):
            g = expr.lhs - expr.rhs
        else:
            g = expr.rhs - expr.lhs
        p = as_polynomial(g, variables, what=f"domain constraint {item!r}")
        if p.degree > 1:
            raise InputError(f"domain constraint {item!r} is not linear")
        d = len(variables)
        a = [Fraction(0)] * d
        c = Fraction(0)
        for e, coef in p.terms.items():
            if sum(e) == 0:
                c = coef
            else:
                a[e.index(1)] = coef
        if not any(a):
            if c < 0:
                raise InputError(f"domain constraint {item!r} is never satisfied")
            continue
        out.append((tuple(a), c))
    return out


def _integer_row(row) -> tuple:
    den = lcm(*[x.denominator for x in row]) if row else 1
    ints = [int(x * den) for x in row]
    g = 0
    for x in ints:
        g = gcd(g, x)
    return tuple(x // g for x in ints) if g else tuple(ints)


def _inverse(T):
    m = flint.fmpq_mat([[flint.fmpq(int(x)) for x in row] for row in T])
    inv = m.inv()
    n = len(T)
    return [[Fraction(int(inv[i, j].p), int(inv[i, j].q)) for j in range(n)] for i in range(n)]


def localize(K: Polynomial, *, generators=None, at=None, prior=None, domain=None) -> LocalProblem:
    """Shift to ``w0 = at``, read the prior's τ, and straighten the domain's tangent cone.

    Raises
    ------
    InputError
        ``at`` outside the domain, unknown variables, bad constraints, or a
        domain with empty interior near ``w0``.
    NotApplicable
        When the tangent cone is not simplicial, or the prior is not monomial in
        the straightened coordinates.
    """
    variables = K.variables
    d = len(variables)
    w0 = parse_point(at, variables)
    tau = parse_prior(prior, variables)
    cons = parse_domain(domain, variables)
    Kl = K.shift(w0)
    gens = tuple(g.shift(w0) for g in generators) if generators is not None else None
    active = []
    for con in cons:
        if con == "positive":
            active.extend(tuple(Fraction(int(i == j)) for j in range(d)) for i in range(d))
            continue
        a, c = con
        val = sum((x * y for x, y in zip(a, w0)), Fraction(0)) + c
        if val < 0:
            lhs = format_polynomial({tuple(int(i == j) for j in range(d)): x for i, x in enumerate(a) if x}, variables)
            raise InputError(f"the true point is not in the domain: {lhs} + {c} = {val} < 0 there")
        if val == 0:
            active.append(a)
    if not active:
        return LocalProblem(Kl, gens, tau, (0,) * d, w0, variables, None)
    rows = list(dict.fromkeys(_integer_row(a) for a in active))  # keep the user's order
    if rank(rows) < len(rows):
        rows = _minimize_cone(rows, d, w0, variables)
    # complete the constraint normals to a basis with unit vectors (prior variables first)
    T = list(rows)
    order = [i for i in range(d) if tau[i]] + [i for i in range(d) if not tau[i]]
    for i in order:
        e = tuple(int(i == j) for j in range(d))
        if rank(T + [e]) > len(T):
            T.append(e)
        if len(T) == d:
            break
    k = len(rows)
    signs = tuple(1 if r < k else 0 for r in range(d))
    perm_ok = all(sum(1 for x in row if x) == 1 and max(row) == 1 for row in T)
    if perm_ok:
        # every local coordinate is one of the w_i - w0_i: keep the names, record the signs
        idx = [row.index(1) for row in T]
        signs_by_var = [0] * d
        for r, i in enumerate(idx):
            signs_by_var[i] = signs[r]
        return LocalProblem(Kl, gens, tau, tuple(signs_by_var), w0, variables, None)
    Tinv = _inverse(T)
    names = _fresh_names(variables, d)
    coords = []
    for r, row in enumerate(T):
        terms = {tuple(int(i == j) for j in range(d)): Fraction(x) for i, x in enumerate(row) if x}
        rhs = format_polynomial(terms, [f"{v}" if not w0[i] else f"({v} - {w0[i]})" for i, v in enumerate(variables)])
        coords.append(f"{names[r]} = {rhs}")
    new_tau = [Fraction(0)] * d
    for i in range(d):
        if tau[i]:
            nz = [kk for kk in range(d) if Tinv[i][kk]]
            if len(nz) != 1:
                raise NotApplicable(
                    f"the prior's factor |{variables[i]}|^{tau[i]} is not a monomial in the coordinates that "
                    f"straighten the domain ({'; '.join(coords)})")
            new_tau[nz[0]] += tau[i]
    Kv = Kl.linear_substitution(Tinv, names)
    gv = tuple(g.linear_substitution(Tinv, names) for g in gens) if gens is not None else None
    return LocalProblem(Kv, gv, tuple(new_tau), signs, w0, variables, tuple(coords))


def _fresh_names(variables, d):
    base = "v"
    taken = set(variables)
    while any(f"{base}{i + 1}" in taken for i in range(d)):
        base += "v"
    return tuple(f"{base}{i + 1}" for i in range(d))


class NonSimplicialCone(NotApplicable):
    """The domain's tangent cone at the true point is not simplicial.

    Attributes
    ----------
    pieces : list of list of str
        Simplicial cones (as domains in the original variables) whose union is the
        tangent cone; they overlap only on lower-dimensional faces.
    """

    def __init__(self, message: str, pieces):
        super().__init__(message)
        self.pieces = pieces


def _expr(row, d):
    xs = [ppl.Variable(i) for i in range(d)]
    return sum((int(c) * x for c, x in zip(row, xs) if c), ppl.Linear_Expression(0))


def _minimize_cone(rows, d, w0=None, variables=None):
    cs = ppl.Constraint_System()
    for row in rows:
        cs.insert(_expr(row, d) >= 0)
    P = ppl.C_Polyhedron(d, "universe")  # of dimension d even when a coordinate occurs in no constraint
    P.add_constraints(cs)
    if P.affine_dimension() < d:
        raise InputError("the domain has empty interior near the true point (its constraints force an equality)")
    out = []
    for c in P.minimized_constraints():
        if c.is_equality():  # pragma: no cover - excluded by the dimension test
            raise InputError("the domain has empty interior near the true point")
        out.append(_integer_row([Fraction(int(x)) for x in c.coefficients()]))
    if rank(out) < len(out):
        gens = P.minimized_generators()
        rays = [tuple(int(x) for x in g.coefficients()) for g in gens if g.is_ray()]
        lines = [tuple(int(x) for x in g.coefficients()) for g in gens if g.is_line()]
        pieces = [_cone_domain(piece, lines, d, w0, variables) for piece in _triangulate(rays, lines, d)]
        raise NonSimplicialCone(
            "the domain's tangent cone at the true point is not simplicial "
            f"({len(out)} facets in dimension {d}); it is the union of {len(pieces)} simplicial cones", pieces)
    return sorted(out)


def _cone(rays, lines, d):
    gs = ppl.Generator_System()
    gs.insert(ppl.point())
    for r in rays:
        gs.insert(ppl.ray(_expr(r, d)))
    for r in lines:
        gs.insert(ppl.line(_expr(r, d)))
    C = ppl.C_Polyhedron(d, "empty")
    C.add_generators(gs)
    return C


def _triangulate(rays, lines, d) -> list:
    """Simplicial cones (lists of rays; the lines added to each) covering the cone spanned by
    ``rays`` and ``lines`` and meeting only in lower-dimensional faces: a pulling
    triangulation (the first ray joined to the triangulated facets that miss it)."""
    C = _cone(rays, lines, d)
    if len(rays) == C.affine_dimension() - len(lines):
        return [list(rays)]
    r = rays[0]
    out = []
    for c in C.minimized_constraints():
        if c.is_equality():
            continue
        a = [int(x) for x in c.coefficients()]
        if sum(x * y for x, y in zip(a, r)) == 0:
            continue  # a facet through r
        facet = [s for s in rays if sum(x * y for x, y in zip(a, s)) == 0]
        out += [[r] + piece for piece in _triangulate(facet, lines, d)]
    return out


def _cone_domain(rays, lines, d, w0, variables) -> list:
    """The simplicial cone ``w0 + cone(rays) + span(lines)`` as domain strings ``a·w >= a·w0``."""
    out = []
    for c in _cone(rays, lines, d).minimized_constraints():
        a = [Fraction(int(x)) for x in c.coefficients()]
        lhs = format_polynomial({tuple(int(i == j) for j in range(d)): x for i, x in enumerate(a) if x}, variables)
        rhs = sum((x * y for x, y in zip(a, w0)), Fraction(0))
        if c.is_equality():  # pragma: no cover - the pieces are full-dimensional
            raise InputError("the domain has empty interior near the true point")
        out.append(f"{lhs} >= {rhs}")
    return out


def parse_ideal(ideal, variables: Sequence[str] | None = None) -> list:
    """The generators of an ideal as Polynomials in common variables (zeros dropped).

    >>> [str(g) for g in parse_ideal(["w1*w2", "w2 - w3"])]
    ['w1*w2', 'w2 - w3']
    """
    if isinstance(ideal, (str, bytes)) or not hasattr(ideal, "__iter__"):
        raise InputError("ideal must be a list of polynomials, e.g. ideal=['w1*w2', 'w2 - w3']")
    items = list(ideal)
    if not items:
        raise InputError("ideal is empty: give at least one generator")
    polys = [as_polynomial(g, variables, what=f"generator {i + 1}") for i, g in enumerate(items)]
    if variables is None:
        allv = sorted({v for p in polys for v in p.variables}, key=natural_key)
        polys = [p.embed(allv) for p in polys]
    polys = [p for p in polys if not p.is_zero()]
    if not polys:
        raise InputError("every generator of the ideal is zero")
    return polys


def sum_of_squares(generators: Sequence[Polynomial]) -> Polynomial:
    """``K = Σ g²`` for the generators of an ideal (in their common variables).

    >>> print(sum_of_squares([as_polynomial("w1*w2"), as_polynomial("w1*w2")]))
    2*w1**2*w2**2
    """
    gens = list(generators)
    return sum((g * g for g in gens[1:]), gens[0] * gens[0])
