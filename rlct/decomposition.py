"""Decomposition rules: K as a sum or a product of parts in disjoint variables.

Before the blow-up engine, :func:`rlct.rlct` (``method="auto"``, see :func:`rlct.methods.auto`)
looks for a split of the prepared problem (:func:`split`) into parts in disjoint blocks of
local coordinates, each with its own prior exponents and its own half-lines. The domain is
already a coordinate orthant in the local coordinates (:func:`rlct.domain.localize`
straightens the tangent cone), so every inequality lies in one block. The monomial and Newton
methods run first: they are cheap, and Newton decides K exactly when it decides every part.

``sum``
    K = K_1(x_1) + ... + K_k(x_k): the terms of K (or the generators of an ideal, K = Σ g²)
    fall into groups whose variables are disjoint (the connected components of the graph
    "two variables share a term / a generator"). Then λ = Σ λ_i and m = Σ m_i − (k − 1)
    (Lin 2011, Prop 3.6).
``product``
    K = u · K_1(x_1) ··· K_k(x_k) with u(0) > 0: the irreducible factors of K (of the
    generators' greatest common divisor, for an ideal) fall into groups in disjoint
    variables. Then λ = min λ_i and m = Σ of the m_i attaining it. With k = 1 this drops a
    unit factor u (K ≍ K_1).

Variables that occur in no part are free directions: they add a finite positive factor
to every integral below and change neither λ nor m.

**Why.** On a small product neighbourhood W = W_1 × ... × W_k of the origin, with the prior
φ = Π_i |x_i|^{τ_i} times a positive smooth factor (bounded above and below near the origin,
so it changes neither λ nor m; Lin 2011, Lemma 3.8):

* *sum*: the Laplace integral factorises, Z(n) = ∫ e^{−nK} φ = Π_i Z_i(n), and
  Z_i(n) ≍ n^{−λ_i} (log n)^{m_i − 1} (the largest pole of the zeta function and its order
  give the asymptotics of the Laplace integral; Watanabe 2009, Ch. 4), so
  Z(n) ≍ n^{−Σλ_i} (log n)^{Σ(m_i − 1)};
* *product*: u lies between two positive constants near 0, so K ≍ Π_i K_i, whose Laplace
  integrals agree with K's up to constants in n; and the zeta function of Π_i K_i factorises,
  ζ(z) = ∫ Π_i K_i^{−z} φ = Π_i ζ_i(z). For real z below its first pole each ζ_i is finite and
  positive, so the first pole of ζ is min λ_i, of order m_i when one part attains it, and of
  order Σ m_i over the parts attaining it (the leading Laurent coefficients are positive, so
  they cannot cancel).

When a part is undecided the combination keeps what is proved: for a sum
Σ lower_i ≤ λ ≤ Σ upper_i; for a product min lower_i ≤ λ ≤ min upper_i (and λ is exact
when the smallest upper bound belongs to exact parts and every other part is proved larger).

Examples
--------
>>> import rlct
>>> print(rlct.decompose("(x**2 - y**2)**2 + z**2"))
sum of 2 parts in disjoint variables:
  part 1 in (x, y): K1 = x**4 - 2*x**2*y**2 + y**4
  part 2 in (z): K2 = z**2
>>> r = rlct.rlct("(x**2 - y**2)**2 + z**2")
>>> r
RLCT(λ=1, m=2, exact, method='decomposition')
>>> for line in str(r.certificate).splitlines()[:4]:     # then each part's certificate
...     print(line)
K = z**2 + x**4 - 2*x**2*y**2 + y**4 is a sum of 2 parts in disjoint variables:
  part 1 in (x, y): K1 = x**4 - 2*x**2*y**2 + y**4: λ = 1/2, m = 2 (exact, blowup)
  part 2 in (z): K2 = z**2: λ = 1/2, m = 1 (exact, monomial)
sum rule (Lin 2011, Prop 3.6): λ = 1/2 + 1/2 = 1, m = 2 + 1 - 1 = 2
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction

from .domain import can_be_negative, sum_of_squares
from .newton.polyhedron import NewtonPolyhedron
from .polynomial import Polynomial
from .problem import Problem, prepare
from .result import RLCT

__all__ = ["Split", "DecompositionCertificate", "split", "decompose", "solve_parts", "combine", "tighten",
           "SUM_RULE", "PRODUCT_RULE"]

SUM_RULE = "Lin 2011, Prop 3.6"
PRODUCT_RULE = "ζ(z) = Π ζ_i(z), Lin 2011, Ch. 3"
MAX_FACTOR_TERMS = 5000  # larger polynomials are not factored (flint is fast, but not free)
MIN_PART_SECONDS = 0.05


# -- the split ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Split:
    """A problem written as a sum or a product of parts in disjoint local coordinates.

    Attributes
    ----------
    rule : str
        ``"sum"`` or ``"product"``.
    problem : Problem
        The whole problem.
    parts : tuple of Problem
        One prepared problem per part, in its own block of coordinates.
    blocks : tuple of tuple of int
        The positions of each part's coordinates among the problem's.
    unit : Polynomial or None
        For a product: ``u`` with ``K = u · Π K_i`` and ``u(0) > 0``.
    """

    rule: str
    problem: Problem
    parts: tuple
    blocks: tuple
    unit: Polynomial | None = None

    def __str__(self):
        lines = [_heading(self.rule, len(self.parts)) + ":"]
        if self.unit is not None and self.unit != _one(self.unit.variables):
            lines.append(f"  unit factor u = {self.unit} (u(0) = {self.unit.coefficient((0,) * self.unit.nvars)} > 0)")
        lines += [f"  part {i + 1} in ({', '.join(p.polynomial.variables)}): {_describe(p, i + 1)}"
                  for i, p in enumerate(self.parts)]
        return "\n".join(lines)


def _heading(rule: str, k: int) -> str:
    if rule == "product" and k == 1:
        return "unit times one part (K ≍ the part: a unit factor changes neither λ nor m)"
    return f"{rule} of {k} parts in disjoint variables"


def _one(variables) -> Polynomial:
    return Polynomial({(0,) * len(variables): 1}, variables)


def _describe(p: Problem, i: int) -> str:
    text = (f"K{i} = Σ g² for the ideal <{', '.join(map(str, p.generators))}>" if p.generators is not None
            else f"K{i} = {p.polynomial}")
    extra = []
    names = p.polynomial.variables
    if any(p.tau):
        extra.append("prior " + "·".join(f"|{v}|^{t}" for v, t in zip(names, p.tau) if t))
    if any(p.signs):
        extra.append(", ".join(f"{v} >= 0" for v, s in zip(names, p.signs) if s))
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _components(variable_sets, d: int) -> list:
    """Connected components (sorted lists of positions) of the graph joining the variables
    of each set; variables in no set are left out."""
    parent = list(range(d))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    used = set()
    for vs in variable_sets:
        vs = sorted(vs)
        used.update(vs)
        for a in vs[1:]:
            parent[root(a)] = root(vs[0])
    groups = {}
    for i in sorted(used):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())


def _support(p: Polynomial) -> set:
    return {j for e in p.exponents for j, x in enumerate(e) if x}


def _restrict(p: Polynomial, block) -> Polynomial:
    """``p`` (whose variables lie in ``block``) as a polynomial in the block's variables."""
    names = tuple(p.variables[j] for j in block)
    return Polynomial({tuple(e[j] for j in block): c for e, c in p.terms.items()}, names)


def _part(problem: Problem, block, polynomial: Polynomial, generators=None) -> Problem:
    """The prepared problem of one part: its coordinates, prior exponents and half-lines."""
    local = problem.polynomial.variables
    if problem.coordinates:
        coords = tuple(problem.coordinates[j] for j in block)
        at, variables = (Fraction(0),) * len(block), tuple(local[j] for j in block)
    else:
        coords, at, variables = None, tuple(problem.at[j] for j in block), tuple(problem.variables[j] for j in block)
    K = _restrict(polynomial, block)
    gens = tuple(_restrict(g, block) for g in generators) if generators is not None else None
    return Problem(polynomial=K, generators=gens, tau=tuple(problem.tau[j] for j in block),
                   signs=tuple(problem.signs[j] for j in block), at=at, variables=variables, coordinates=coords,
                   polyhedron=NewtonPolyhedron(K))


def _sum_split(problem: Problem):
    K, d = problem.polynomial, problem.polynomial.nvars
    if problem.generators is not None:
        gens = problem.generators
        blocks = _components([_support(g) for g in gens], d)
        if len(blocks) < 2:
            return None
        parts = []
        for b in blocks:
            mine = tuple(g for g in gens if _support(g) <= set(b))
            parts.append(_part(problem, b, sum_of_squares(mine), mine))
        return Split("sum", problem, tuple(parts), tuple(map(tuple, blocks)))
    blocks = _components([{j for j, x in enumerate(e) if x} for e in K.exponents], d)
    if len(blocks) < 2:
        return None
    parts = []
    for b in blocks:
        keep = [e for e in K.exponents if any(e[j] for j in b)]
        parts.append(_part(problem, b, K.select(keep)))
    return Split("sum", problem, tuple(parts), tuple(map(tuple, blocks)))


def _is_unit(p: Polynomial) -> bool:
    return p.coefficient((0,) * p.nvars) != 0


def _product(polys, variables) -> Polynomial:
    out = _one(variables)
    for p in polys:
        out = out * p
    return out


def _quotient(K: Polynomial, parts) -> Polynomial | None:
    """``u = K / Π parts`` when the division is exact and ``u(0) > 0``, else None."""
    den = _product(parts, K.variables)
    q, r = divmod(K.flint, den.flint)
    if r != 0:
        return None
    u = Polynomial.from_flint(q, K.variables)
    return u if u.coefficient((0,) * u.nvars) > 0 else None


def _nonnegative_vertices(p: Polynomial, signs) -> bool:
    return all(not can_be_negative(v, p.coefficient(v), signs) for v in NewtonPolyhedron(p).vertices)


def _product_split(problem: Problem):
    K, d = problem.polynomial, problem.polynomial.nvars
    if problem.generators is not None:
        return _ideal_product_split(problem)
    if len(K) > MAX_FACTOR_TERMS:
        return None
    _, factors = K.factor()
    factors = [(f, e) for f, e in factors if not _is_unit(f)]
    blocks = _components([_support(f) for f, _ in factors], d)
    if not blocks:
        return None
    parts, polys = [], []
    for b in blocks:
        mine = [(f, e) for f, e in factors if _support(f) <= set(b)]
        F = _product([f ** e for f, e in mine], K.variables)
        sign = 1 if F.coefficient(NewtonPolyhedron(F).vertices[0]) > 0 else -1
        F = F if sign > 0 else -F
        if not _nonnegative_vertices(F, problem.signs):
            return None
        polys.append(F)
        if sign > 0 and all(e % 2 == 0 for _, e in mine):  # a square: keep it as an ideal <h>, K_i = h²
            h = _product([f ** (e // 2) for f, e in mine], K.variables)
            parts.append(_part(problem, b, F, (h,)))
        else:
            parts.append(_part(problem, b, F))
    return _product_of(problem, parts, polys, blocks)


def _product_of(problem: Problem, parts, polys, blocks):
    """The product split, or None when K is not unit · Π parts, or when there is one part
    and no unit to drop (nothing would change)."""
    u = _quotient(problem.polynomial, polys)
    if u is None or (len(parts) == 1 and u.degree < 1):
        return None
    return Split("product", problem, tuple(parts), tuple(map(tuple, blocks)), u)


def _ideal_product_split(problem: Problem):
    """Generators g_k = G·B_k: K = G²·Σ B_k²; the pieces are the non-unit factors of G and
    (unless some B_k(0) ≠ 0, when Σ B_k² is a unit) the ideal <B_k>."""
    gens, K = problem.generators, problem.polynomial
    d = K.nvars
    G = gens[0].flint
    for g in gens[1:]:
        G = G.gcd(g.flint)
    G = Polynomial.from_flint(G, K.variables)
    if G.degree < 1:
        return None
    _, factors = G.factor()
    factors = [(f, e) for f, e in factors if not _is_unit(f)]
    B = [Polynomial.from_flint(g.flint / G.flint, K.variables) for g in gens]
    B_unit = any(_is_unit(b) for b in B)
    sets = [_support(f) for f, _ in factors] + ([] if B_unit else [set().union(*map(_support, B))])
    blocks = _components(sets, d)
    if not blocks:
        return None
    parts, polys = [], []
    for b in blocks:
        F = _product([f ** e for f, e in factors if _support(f) <= set(b)], K.variables)
        mine = (tuple(F * bk for bk in B) if not B_unit and set().union(*map(_support, B)) <= set(b) else (F,))
        Kb = sum_of_squares(mine)
        polys.append(Kb)
        parts.append(_part(problem, b, Kb, mine))
    return _product_of(problem, parts, polys, blocks)


def split(problem: Problem) -> Split | None:
    """The problem as a sum or product of parts in disjoint coordinates, or None.

    A sum is looked for first (terms, or generators of an ideal, in disjoint groups of
    variables), then a product (the irreducible factors of K, or of the generators'
    greatest common divisor, in disjoint groups). A product part whose Newton vertex terms
    can be negative on its region is not split off (the other methods then decide K).

    Examples
    --------
    >>> from rlct.problem import prepare
    >>> s = split(prepare("z**2*(x**2 - y**2)**2"))
    >>> s.rule, [str(p.polynomial) for p in s.parts]
    ('product', ['x**4 - 2*x**2*y**2 + y**4', 'z**2'])
    >>> split(prepare("x**2 + x*y + y**2")) is None
    True
    """
    return _sum_split(problem) or _product_split(problem)


def decompose(K=None, *, ideal=None, at=None, prior=None, domain=None, variables=None) -> Split | None:
    """How :func:`rlct.rlct` splits K (the arguments are those of :func:`rlct.rlct`): a
    :class:`Split` into parts in disjoint local coordinates, or None when K does not split.

    Only the top level is shown; each part may split again when it is solved.

    Examples
    --------
    >>> import rlct
    >>> ideal = ["(x**2 - y**2)*z", "(x**2 - y**2)*w"]
    >>> print(rlct.decompose(ideal=ideal, prior="z"))
    product of 2 parts in disjoint variables:
      part 1 in (w, z): K1 = Σ g² for the ideal <z, w> (prior |z|^1)
      part 2 in (x, y): K2 = Σ g² for the ideal <x**2 - y**2>
    >>> rlct.rlct(ideal=ideal, prior="z")     # min((1+1)/2 + 1/2, 1/2) = 1/2; m = 2 from (x² − y²)²
    RLCT(λ=1/2, m=2, exact, method='decomposition')
    """
    return split(prepare(K, ideal=ideal, at=at, prior=prior, domain=domain, variables=variables))


# -- solving the parts and combining their values -----------------------------------------------------
def solve_parts(sp: Split, run, seconds: float) -> RLCT:
    """Solve every part with ``run(part, seconds)`` and :func:`combine` the results.

    The parts share ``seconds``: they run smallest first, each with an equal share of what
    is left (at least ``MIN_PART_SECONDS``), so that time a quick part does not use passes
    on to the harder ones.
    """
    start = time.perf_counter()
    order = sorted(range(len(sp.parts)), key=lambda i: (len(sp.parts[i].polynomial), i))
    results = [None] * len(sp.parts)
    for n, i in enumerate(order):
        left = seconds - (time.perf_counter() - start)
        results[i] = run(sp.parts[i], max(left / (len(order) - n), MIN_PART_SECONDS))
    return combine(sp, results, seconds=time.perf_counter() - start)


def _interval(r: RLCT):
    """(lower, upper, multiplicity at the upper bound) proved by one part's result."""
    if r.exact:
        return r.lambda_, r.lambda_, r.multiplicity
    return r.lower_bound, r.upper_bound, r.upper_bound_multiplicity


def _combine_sum(results):
    k = len(results)
    if all(r.exact for r in results):
        lam = sum((r.lambda_ for r in results), Fraction(0))
        return lam, sum(r.multiplicity for r in results) - (k - 1), lam, lam, None
    iv = [_interval(r) for r in results]
    lo = sum((x[0] for x in iv if x[0] is not None), Fraction(0)) or None
    up = sum((x[1] for x in iv), Fraction(0)) if all(x[1] is not None for x in iv) else None
    ubm = max(1, sum(x[2] or 1 for x in iv) - (k - 1)) if up is not None else None
    return None, None, lo, up, ubm


def _combine_product(results):
    iv = [_interval(r) for r in results]
    ups = [x[1] for x in iv if x[1] is not None]
    up = min(ups) if ups else None
    lo = min(x[0] for x in iv) if all(x[0] is not None for x in iv) else None
    if up is None:
        return None, None, lo, None, None
    at_min = [i for i, x in enumerate(iv) if x[1] == up]
    others_above = all(x[0] is not None and x[0] > up for i, x in enumerate(iv) if i not in at_min)
    if others_above and all(results[i].exact for i in at_min):
        m = sum(results[i].multiplicity for i in at_min)
        return up, m, up, up, m
    return None, None, lo, up, sum(iv[i][2] or 1 for i in at_min)


def combine(sp: Split, results, seconds: float = 0.0) -> RLCT:
    """The value of the whole problem from its parts' results (sum or product rule)."""
    results = tuple(results)
    lam, m, lo, up, ubm = (_combine_sum if sp.rule == "sum" else _combine_product)(results)
    cert = DecompositionCertificate(rule=sp.rule, polynomial=sp.problem.polynomial, parts=sp.parts,
                                    results=results, unit=sp.unit, coordinates=sp.problem.coordinates)
    common = dict(method="decomposition", certificate=cert, polynomial=sp.problem.polynomial, seconds=seconds,
                  point=sp.problem.at, tau=sp.problem.tau)
    if lam is not None:
        return RLCT(lambda_=lam, multiplicity=m, exact=True, upper_bound=lam, upper_bound_multiplicity=m, **common)
    open_ = [f"part {i + 1} in ({', '.join(p.polynomial.variables)}): {r.reason}"
             for i, (p, r) in enumerate(zip(sp.parts, results)) if not r.exact]
    reason = (f"{sp.rule} of {len(results)} parts in disjoint variables, {len(open_)} undecided: "
              + "; ".join(open_))
    return RLCT(lambda_=None, multiplicity=None, exact=False, upper_bound=up, upper_bound_multiplicity=ubm,
                lower_bound=lo, reason=reason, **common)


def tighten(result: RLCT, *others: RLCT) -> RLCT:
    """``result`` with the best bounds proved by any of ``others`` on the same problem
    (an exact one among them is returned as it is)."""
    if result.exact:
        return result
    for o in others:
        if o is not None and o.exact:
            return o
    up, ubm, lo = result.upper_bound, result.upper_bound_multiplicity, result.lower_bound
    for o in others:
        if o is None:
            continue
        if o.upper_bound is not None and (up is None or o.upper_bound < up):
            up, ubm = o.upper_bound, o.upper_bound_multiplicity
        elif o.upper_bound is not None and o.upper_bound == up and (o.upper_bound_multiplicity or 0) > (ubm or 0):
            ubm = o.upper_bound_multiplicity
        if o.lower_bound is not None and (lo is None or o.lower_bound > lo):
            lo = o.lower_bound
    reasons = [result.reason] + [f"{o.method}: {o.reason}" for o in others if o is not None and o.reason]
    return RLCT(lambda_=None, multiplicity=None, exact=False, method=result.method, upper_bound=up,
                upper_bound_multiplicity=ubm, lower_bound=lo, reason="; ".join(r for r in reasons if r),
                certificate=result.certificate, polynomial=result.polynomial, seconds=result.seconds,
                point=result.point, tau=result.tau)


# -- the certificate -----------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class DecompositionCertificate:
    """K as a sum or product of parts in disjoint variables, each part's value with its own
    certificate, and the rule that combines them (see :mod:`rlct.decomposition`).

    Attributes
    ----------
    rule : str
        ``"sum"`` or ``"product"``.
    polynomial : Polynomial
        K in local coordinates.
    parts : tuple of Problem
        The parts, each in its own coordinates.
    results : tuple of RLCT
        Each part's value (with its method and certificate).
    unit : Polynomial or None
        For a product, ``u`` with ``K = u · Π K_i`` and ``u(0) > 0``.
    coordinates : tuple of str or None
        Definitions of the local coordinates when the domain needed new ones.
    """

    rule: str
    polynomial: Polynomial
    parts: tuple
    results: tuple
    unit: Polynomial | None = None
    coordinates: tuple | None = None

    def _embedded(self):
        return [p.polynomial.embed(self.polynomial.variables) for p in self.parts]

    def check(self) -> bool:
        """Re-verify: the parts' variables are disjoint, they add up (or multiply up, with a
        unit positive at 0) to K, the rule's arithmetic, and every part certificate that has a
        ``check()``."""
        names = [set(p.polynomial.variables) for p in self.parts]
        if sum(map(len, names)) != len(set().union(*names)):
            raise ValueError("the parts' variables are not disjoint")
        polys = self._embedded()
        if self.rule == "sum":
            total = polys[0]
            for p in polys[1:]:
                total = total + p
        else:
            total = self.unit
            for p in polys:
                total = total * p
            if self.unit.coefficient((0,) * self.unit.nvars) <= 0:
                raise ValueError("the unit factor is not positive at the origin")
        if total != self.polynomial:
            raise ValueError(f"the parts do not {'add' if self.rule == 'sum' else 'multiply'} up to K")
        for p in self.parts:
            if p.generators is not None and sum_of_squares(p.generators) != p.polynomial:
                raise ValueError(f"part {p.polynomial} is not the sum of squares of its generators")
        lam, m, _, _, _ = (_combine_sum if self.rule == "sum" else _combine_product)(self.results)
        if all(r.exact for r in self.results) and lam is None:
            raise ValueError("the rule's arithmetic does not give an exact value")
        for r in self.results:
            check = getattr(r.certificate, "check", None)
            if r.exact and callable(check) and check() is False:
                raise ValueError(f"a part's certificate ({r.method}) does not check")
        return True

    def _arithmetic(self) -> str:
        rs = self.results
        if not all(r.exact for r in rs):
            return ""
        if self.rule == "sum":
            lam = sum((r.lambda_ for r in rs), Fraction(0))
            m = sum(r.multiplicity for r in rs) - (len(rs) - 1)
            return (f"sum rule ({SUM_RULE}): λ = {' + '.join(str(r.lambda_) for r in rs)} = {lam}, "
                    f"m = {' + '.join(str(r.multiplicity) for r in rs)} - {len(rs) - 1} = {m}")
        lam = min(r.lambda_ for r in rs)
        if len(rs) == 1:
            return (f"unit rule (c·K1 <= K <= C·K1 near 0, so their Laplace integrals agree up to constants): "
                    f"λ = {lam}, m = {rs[0].multiplicity}")
        att = [r.multiplicity for r in rs if r.lambda_ == lam]
        m = f"{' + '.join(map(str, att))} = {sum(att)} (the parts attaining it)" if len(att) > 1 else \
            f"{att[0]} (the one part attaining it)"
        return f"product rule ({PRODUCT_RULE}): λ = min({', '.join(str(r.lambda_) for r in rs)}) = {lam}, m = {m}"

    def __str__(self):
        lines = []
        if self.coordinates:
            lines.append("local coordinates: " + "; ".join(self.coordinates))
        lines.append(f"K = {self.polynomial} is a {_heading(self.rule, len(self.parts))}:")
        if self.unit is not None and self.unit != _one(self.unit.variables):
            lines.append(f"  times the unit u = {self.unit} (u(0) > 0)")
        for i, (p, r) in enumerate(zip(self.parts, self.results)):
            val = str(r)  # "λ = …, m = … (exact, method)" or "bounds (not exact, method): reason"
            lines.append(f"  part {i + 1} in ({', '.join(p.polynomial.variables)}): {_describe(p, i + 1)}: {val}")
        arith = self._arithmetic()
        if arith:
            lines.append(arith)
        for i, r in enumerate(self.results):
            if r.certificate is not None:
                lines.append(f"certificate of part {i + 1} ({r.method}):")
                lines += ["    " + line for line in str(r.certificate).splitlines()]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """A JSON-friendly view (each part's result with its certificate)."""
        return {"kind": "decomposition", "rule": self.rule, "polynomial": str(self.polynomial),
                "variables": list(self.polynomial.variables), "coordinates": list(self.coordinates or []),
                "unit": str(self.unit) if self.unit is not None else None,
                "citation": SUM_RULE if self.rule == "sum" else PRODUCT_RULE,
                "parts": [{"variables": list(p.polynomial.variables), "polynomial": str(p.polynomial),
                           "generators": [str(g) for g in p.generators] if p.generators is not None else None,
                           "tau": [str(t) for t in p.tau], "signs": list(p.signs), "result": r.to_dict()}
                          for p, r in zip(self.parts, self.results)]}
