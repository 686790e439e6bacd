"""Decomposition rules (issue 16): K as a sum or product of parts in disjoint variables.

Expected values are derived by hand beside each case, from the monomial rule
(Lin 2011, Prop 3.7: K = Π u_j^{a_j}, prior Π |u_j|^{τ_j} gives λ = min (τ_j+1)/a_j, m = #argmin),
two classical values:

* (x² − y²)² = (x − y)²(x + y)²: in u = x − y, v = x + y it is u²v², so (1/2, 2);
* (z² − w³)²: the cusp z² − w³ has log canonical threshold 1/2 + 1/3 = 5/6 (a Newton
  non-degenerate f = z^a + w^b has 1/a + 1/b, Varchenko; Lin 2011, Thm 4.15 applied to f),
  so its square has (5/12, 1);

and the sum rule λ = Σλ_i, m = Σm_i − (k − 1) (Lin 2011, Prop 3.6) or the product rule
λ = min λ_i, m = Σ of the m_i attaining it (the zeta function of a product in disjoint
variables is the product of the zeta functions). The property tests compare the combined
problem with its parts computed separately by ``method="blowup"``, which never decomposes,
so the two sides go through different code.
"""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import rlct
from rlct.decomposition import DecompositionCertificate, combine, split, tighten
from rlct.models import TwoLayerNetwork
from rlct.problem import prepare
from rlct.result import RLCT

F = Fraction
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def pair(r):
    return (r.lambda_, r.multiplicity)


# -- hand-derived cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("K, kw, expected", [
    # (x²−y²)²: (1/2, 2); z²: (1/2, 1). Sum: (1, 2 + 1 − 1) = (1, 2)
    ("(x**2-y**2)**2 + z**2", {}, (F(1), 2)),
    # two copies of (1/2, 2): (1, 2 + 2 − 1) = (1, 3)
    ("(x**2-y**2)**2 + (z**2-w**2)**2", {}, (F(1), 3)),
    # z² with prior |z|² on z ≥ 0: (2+1)/2 = 3/2; plus (1/2, 2): (2, 2)
    ("(x**2-y**2)**2 + z**2", dict(prior="z**2", domain=["z >= 0"]), (F(2), 2)),
    # the true point moves, the parts stay: z² at z = 1 is (z−1)²
    ("(x**2-y**2)**2 + (z-1)**2", dict(at=[0, 0, 1]), (F(1), 2)),
    # a free direction t adds nothing
    ("(x**2-y**2)**2 + z**2", dict(variables=["x", "y", "z", "t"]), (F(1), 2)),
    # product, a tie: z² (1/2, 1) and (x²−y²)² (1/2, 2): (1/2, 1 + 2) = (1/2, 3)
    ("z**2*(x**2-y**2)**2", {}, (F(1, 2), 3)),
    # prior |z|²: z² has (3/2, 1) > 1/2, so (x²−y²)² alone: (1/2, 2)
    ("z**2*(x**2-y**2)**2", dict(prior="z**2"), (F(1, 2), 2)),
    # product: min(1/2, 5/12) = 5/12 attained by the cusp only: (5/12, 1)
    ("(x**2-y**2)**2*(z**2-w**3)**2", {}, (F(5, 12), 1)),
    # x, y >= 0: x·y is monomial with (1, 1) each; the cusp (5/12, 1) is smaller: (5/12, 1)
    ("x*y*(z**2-w**3)**2", dict(domain=["x >= 0", "y >= 0"]), (F(5, 12), 1)),
    # y >= x straightens to v1 = y − x >= 0: v1² (1/2, 1) times the cusp (5/12, 1): (5/12, 1)
    ("(x - y)**2*(z**2 - w**3)**2", dict(domain=["y >= x"]), (F(5, 12), 1)),
    # v1 = y − x >= 0: v1⁴ (1/4, 1); the cusp squared with prior |z|: f = z² − w³ has
    # t(τ+1) = (2t, t) on z/2 + w/3 = 1, t = 3/4, λ(f²) = min(2/3, 1/2) = 1/2 (smooth points of
    # f = 0 near 0 give 1/2), m = 1. Sum: (3/4, 1)
    ("(x - y)**4 + (z**2 - w**3)**2", dict(domain=["y >= x"], prior="z"), (F(3, 4), 1)),
])
def test_hand_derived(K, kw, expected):
    r = rlct.rlct(K, budget=30, **kw)
    assert r.exact and r.method == "decomposition"
    assert pair(r) == expected
    assert r.certificate.check()
    json.dumps(r.to_dict())


def test_the_issue_example_was_not_decided_without_the_rules():
    # Newton alone gives only the bound 1 (degenerate face x⁴ − 2x²y² + y⁴); with the sum rule
    # (1/2, 2) + (1/2, 1) = (1, 2).
    assert not rlct.rlct("(x**2-y**2)**2 + z**2", method="newton").exact
    r = rlct.rlct("(x**2-y**2)**2 + z**2", budget=30)
    assert pair(r) == (1, 2)
    text = str(r.certificate)
    assert "sum rule (Lin 2011, Prop 3.6): λ = 1/2 + 1/2 = 1, m = 2 + 1 - 1 = 2" in text
    assert "(exact, blowup)" in text and "(exact, monomial)" in text and "certificate of part 1 (blowup)" in text


def test_newton_still_decides_what_it_decides():
    # x²y² (1/2, 2) + z⁴ (1/4, 1) + w⁶ (1/6, 1): (11/12, 2 + 1 + 1 − 2) = (11/12, 2); Newton
    # decides every part, so it decides K and keeps its certificate.
    r = rlct.rlct("x**2*y**2 + z**4 + w**6")
    assert r.method == "newton" and pair(r) == (F(11, 12), 2)
    assert len(split(prepare("x**2*y**2 + z**4 + w**6")).parts) == 3


@pytest.mark.parametrize("ideal, kw, expected", [
    # <x²−y²>: (1/2, 2); <zw, z²−w³>: K = z²w² + (z²−w³)², Newton vertices (4,0), (2,2), (0,6),
    # faces z²(z²+w²), w²(z²+w⁴) have no real torus zero, t(1,1) = (2,2) is the vertex where
    # both edges meet: (1/2, 2). Sum: (1, 3)
    (["x**2-y**2", "z*w", "z**2-w**3"], {}, (F(1), 3)),
    # generators (x²−y²)·z, (x²−y²)·w: K = (x²−y²)²(z² + w²); <z, w> with prior |z| is
    # (1 + 1/2, 1) > 1/2, so (1/2, 2)
    (["(x**2-y**2)*z", "(x**2-y**2)*w"], dict(prior="z"), (F(1, 2), 2)),
    # the same without prior: <z, w> is (1, 1) > 1/2: (1/2, 2)
    (["(x**2-y**2)*z", "(x**2-y**2)*w"], {}, (F(1, 2), 2)),
    # (x²−y²)·(z² − w³) as one generator: min(1/2, 5/12) = 5/12, m = 1
    (["(x**2-y**2)*(z**2-w**3)"], {}, (F(5, 12), 1)),
    # a unit cofactor: (x²−y²)(1 + z) and (x²−y²)·w²: Σ B² = (1+z)² + w⁴ is a unit near 0,
    # so that block is ≍ (x²−y²)² with (z, w) free: (1/2, 2); plus <u³>, K = u⁶: (1/6, 1).
    # Sum: (1/2 + 1/6, 2 + 1 − 1)
    (["(x**2-y**2)*(1+z)", "(x**2-y**2)*w**2", "u**3"], {}, (F(1, 2) + F(1, 6), 2)),
    (["(x**2-y**2)*(1+z)", "(x**2-y**2)*w**2"], {}, (F(1, 2), 2)),
])
def test_ideals(ideal, kw, expected):
    r = rlct.rlct(ideal=ideal, budget=30, **kw)
    assert r.exact and r.method == "decomposition" and pair(r) == expected
    assert r.certificate.check()


def test_split_structure_and_no_split():
    s = rlct.decompose("(x**2-y**2)**2 + z**2")
    assert s.rule == "sum" and [p.polynomial.variables for p in s.parts] == [("x", "y"), ("z",)]
    assert rlct.decompose("x**2 + x*y + y**2") is None            # one block
    assert rlct.decompose("(x + y)**2*(x - y)**2") is None         # factors share variables
    s = rlct.decompose("(x**2 - y**2)**2*(z - w**2)**2", prior="z")
    assert s.rule == "product" and [p.tau for p in s.parts] == [(0, 1), (0, 0)]   # (w, z), (x, y)
    assert "part 1 in (w, z)" in str(s) and "prior |z|^1" in str(s)


def test_a_unit_factor_is_dropped():
    # K = (1 + z)·(x²−y²)²: c·(x²−y²)² <= K <= C·(x²−y²)² near 0, and z is free: (1/2, 2)
    s = rlct.decompose("(1 + z)*(x**2 - y**2)**2")
    assert s.rule == "product" and len(s.parts) == 1 and str(s.unit) == "1 + z"
    r = rlct.rlct("(1 + z)*(x**2 - y**2)**2")
    assert r.method == "decomposition" and pair(r) == (F(1, 2), 2) and r.certificate.check()
    assert "unit rule" in str(r.certificate)
    assert rlct.decompose("(x**2 - y**2)**2") is None     # nothing to drop, nothing to split


def test_parts_keep_their_domain_and_prior():
    s = split(prepare("(x**2-y**2)**2 + z**2", prior="z**2*x", domain=["z >= 0"]))
    (pxy, pz) = s.parts
    assert pxy.tau == (1, 0) and pxy.signs == (0, 0) and pz.tau == (2,) and pz.signs == (1,)
    # straightened coordinates travel with their block
    s = split(prepare("(x - y)**2*(z**2 - w**3)**2", domain=["y >= x"]))
    assert [p.coordinates for p in s.parts] == [("v1 = -x + y",), ("v2 = w", "v4 = z")]


def test_negative_product_parts_are_not_split_off():
    # −(x²−y²)²·z² is ≤ 0: it is refused as input, never split into a "product of parts".
    with pytest.raises(rlct.InputError):
        rlct.rlct("-(x**2-y**2)**2*z**2")


# -- combining undecided parts: bounds only, never a wrong exact value ---------------------------


def _undecided(lo, up, ubm=1):
    return RLCT(lambda_=None, multiplicity=None, exact=False, method="blowup", upper_bound=up,
                upper_bound_multiplicity=ubm, lower_bound=lo, reason="open")


def _exact(lam, m):
    return RLCT(lambda_=lam, multiplicity=m, exact=True, method="monomial", upper_bound=lam,
                upper_bound_multiplicity=m)


def test_sum_of_an_undecided_part_keeps_the_summed_bounds():
    s = split(prepare("(x**2-y**2)**2 + z**2"))
    r = combine(s, [_undecided(F(1, 4), F(1)), _exact(F(1, 2), 1)])
    assert not r.exact and (r.lower_bound, r.upper_bound) == (F(3, 4), F(3, 2))
    r = combine(s, [_undecided(None, F(1)), _exact(F(1, 2), 1)])
    assert (r.lower_bound, r.upper_bound) == (F(1, 2), F(3, 2))     # λ_1 > 0 is all that is known
    r = combine(s, [_undecided(F(1, 4), None), _exact(F(1, 2), 1)])
    assert (r.lower_bound, r.upper_bound) == (F(3, 4), None)


def test_product_of_an_undecided_part():
    s = split(prepare("z**2*(x**2-y**2)**2"))
    # the exact part's 1/2 is below the other's lower bound 3/4: λ = 1/2 with its m alone
    r = combine(s, [_undecided(F(3, 4), F(1)), _exact(F(1, 2), 1)])
    assert r.exact and pair(r) == (F(1, 2), 1)
    # a tie is possible (lower bound 1/2 = 1/2): λ = 1/2 but m is 1 or more, so not exact
    r = combine(s, [_undecided(F(1, 2), F(1)), _exact(F(1, 2), 1)])
    assert not r.exact and (r.lower_bound, r.upper_bound) == (F(1, 2), F(1, 2))
    # the undecided part may be the smaller: min of the bounds
    r = combine(s, [_undecided(F(1, 4), F(1, 3)), _exact(F(1, 2), 1)])
    assert not r.exact and (r.lower_bound, r.upper_bound) == (F(1, 4), F(1, 3))
    r = combine(s, [_undecided(None, F(1)), _exact(F(1, 2), 1)])
    assert not r.exact and (r.lower_bound, r.upper_bound) == (None, F(1, 2))


def test_tighten_takes_the_best_bounds():
    a = _undecided(F(1, 4), F(1))
    b = _undecided(F(1, 2), F(3, 2))
    r = tighten(a, b, None)
    assert (r.lower_bound, r.upper_bound) == (F(1, 2), F(1))
    assert tighten(a, _exact(F(3, 4), 1)).exact


def test_an_undecided_network_part_gives_bounds_and_a_smaller_part_decides_a_product():
    # 1-4-1 tanh network learning zero: (1, 2) (Aoyagi), not decided within half a second; its
    # sub-ideal <g1> proves λ >= 1/2 (see docs/blowups.md).
    gens = [str(g) for g in TwoLayerNetwork(4).ideal()]
    # product with z⁴ (each generator times z²): z⁴ has (1/4, 1) < 1/2 <= λ_net, so (1/4, 1)
    r = rlct.rlct(ideal=[f"({g})*z**2" for g in gens], budget=0.5)
    assert r.method == "decomposition" and pair(r) == (F(1, 4), 1)


def test_an_undecided_part_of_a_sum_leaves_correct_bounds():
    # sum with <z>: λ = 1 + 1/2 = 3/2 (m = 2); the result must bracket it and not be exact
    gens = [str(g) for g in TwoLayerNetwork(4).ideal()]
    r = rlct.rlct(ideal=gens + ["z"], budget=0.5)
    assert r.method == "decomposition"
    if r.exact:   # only if the engine someday decides H = 4 within half a second
        assert pair(r) == (F(3, 2), 2)
    else:         # the network part's bounds (1/2 from <g1>, 1 from the charts) plus z²'s 1/2
        assert r.lower_bound <= F(3, 2) <= r.upper_bound and r.lower_bound >= F(1, 2) + F(1, 2)
        assert "part 1 in (a1, a2, a3, a4, b1, b2, b3, b4)" in r.reason


def test_certificate_check_catches_a_wrong_split():
    r = rlct.rlct("(x**2-y**2)**2 + z**2")
    c = r.certificate
    bad = DecompositionCertificate(rule="sum", polynomial=c.polynomial + c.polynomial, parts=c.parts,
                                   results=c.results, unit=None)
    with pytest.raises(ValueError, match="add up"):
        bad.check()
    d = r.to_dict()["certificate"]
    assert d["kind"] == "decomposition" and d["citation"] == "Lin 2011, Prop 3.6"
    assert [p["result"]["lambda"] for p in d["parts"]] == ["1/2", "1/2"]


# -- properties: the combined problem against its parts computed separately ----------------------


def _random_poly(rnd, names):
    """A small polynomial in ``names`` with integer coefficients in [-2, 2], zero at 0."""
    xs = sympy.symbols(names)
    monos = [xs[0], xs[1], xs[0] ** 2, xs[0] * xs[1], xs[1] ** 2, xs[0] ** 3, xs[1] ** 3]
    f = sum(rnd.randint(-2, 2) * m for m in rnd.sample(monos, 3))
    return sympy.expand(f)


def _random_part(rnd, names):
    """The square of a random small polynomial (usually degenerate), or a sum of even monomials."""
    f = _random_poly(rnd, names)
    if f == 0:
        return None
    if rnd.random() < 0.75:
        return sympy.expand(f**2)
    xs = sympy.symbols(names)
    exps = [(2 * rnd.randint(0, 2), 2 * rnd.randint(0, 2)) for _ in range(2)]
    return sympy.expand(sum(rnd.randint(1, 3) * xs[0] ** a * xs[1] ** b for a, b in exps if a or b)) or None


def _separately(K, names, prior=None):
    """The value of one part by the blow-up method, which never decomposes."""
    return rlct.rlct(K, variables=names, prior=prior, method="blowup", budget=5)


@settings(max_examples=25, **SETTINGS)
@given(st.integers(0, 10**9), st.integers(0, 2))
def test_sum_rule_against_the_parts(seed, t):
    rnd = random.Random(seed)
    K1, K2 = _random_part(rnd, ["x1", "x2"]), _random_part(rnd, ["y1", "y2"])
    assume(K1 is not None and K2 is not None and K1.subs({"x1": 0, "x2": 0}) == 0 and K1 != 0 and K2 != 0)
    prior = {"x1": t} if t else None
    a, b = _separately(K1, ["x1", "x2"], prior), _separately(K2, ["y1", "y2"])
    assume(a.exact and b.exact)
    r = rlct.rlct(K1 + K2, variables=["x1", "x2", "y1", "y2"], prior=prior, budget=10)
    assert r.exact and pair(r) == (a.lambda_ + b.lambda_, a.multiplicity + b.multiplicity - 1)
    # invariance under permuting the variables (the blocks interleave)
    p = rlct.rlct(K1 + K2, variables=["y2", "x1", "y1", "x2"], prior=prior, budget=10)
    assert pair(p) == pair(r)


@settings(max_examples=25, **SETTINGS)
@given(st.integers(0, 10**9))
def test_product_rule_against_the_parts(seed):
    rnd = random.Random(seed)
    K1, K2 = _random_part(rnd, ["x1", "x2"]), _random_part(rnd, ["y1", "y2"])
    assume(K1 is not None and K2 is not None and K1 != 0 and K2 != 0)
    a, b = _separately(K1, ["x1", "x2"]), _separately(K2, ["y1", "y2"])
    assume(a.exact and b.exact)
    r = rlct.rlct(sympy.expand(K1 * K2), variables=["x1", "y1", "x2", "y2"], budget=10)
    assert r.exact
    lam = min(a.lambda_, b.lambda_)
    assert pair(r) == (lam, sum(x.multiplicity for x in (a, b) if x.lambda_ == lam))


@settings(max_examples=20, **SETTINGS)
@given(st.integers(0, 10**9))
def test_ideal_sum_rule_against_the_parts(seed):
    rnd = random.Random(seed)
    gx = [g for g in (_random_poly(rnd, ["x1", "x2"]) for _ in range(2)) if g != 0]
    gy = [g for g in (_random_poly(rnd, ["y1", "y2"]) for _ in range(1)) if g != 0]
    assume(gx and gy)
    a = rlct.rlct(ideal=gx, variables=["x1", "x2"], method="blowup", budget=5)
    b = rlct.rlct(ideal=gy, variables=["y1", "y2"], method="blowup", budget=5)
    assume(a.exact and b.exact)
    r = rlct.rlct(ideal=gy + gx, variables=["x1", "y1", "x2", "y2"], budget=10)
    assert r.exact and pair(r) == (a.lambda_ + b.lambda_, a.multiplicity + b.multiplicity - 1)
