"""Toric resolutions: fans, smooth refinements, charts, and agreement with the Newton answer."""

import pickle
from fractions import Fraction
from math import gcd

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rlct
from conftest import known_table
from rlct.newton import NewtonPolyhedron
from rlct.resolution import Cone, Fan, normal_fan, toric_resolution

CASES = known_table()["case"]


def _call(case, **kw):
    for key in ("prior", "domain", "at"):
        if key in case:
            kw[key] = case[key]
    if "ideal" in case:
        return kw, dict(ideal=case["ideal"])
    return kw, dict(K=case["K"])


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("newton_degenerate")], ids=lambda c: c["id"])
def test_toric_agrees_with_the_table(case):
    kw, arg = _call(case)
    r = rlct.rlct(method="toric", **arg, **kw)
    assert r.exact, r.reason
    assert (r.lambda_, r.multiplicity) == (Fraction(case["lambda"]), case["m"]), case["source"]
    assert r.certificate.verify()


@pytest.mark.parametrize("case", [c for c in CASES if c.get("newton_degenerate")], ids=lambda c: c["id"])
def test_toric_degenerate_rows_stay_open(case):
    kw, arg = _call(case)
    R = toric_resolution(**arg, **kw)
    assert not R.normal_crossing and R.open_charts
    assert R.lambda_ >= Fraction(case["lambda"])
    r = rlct.rlct(method="toric", **arg, **kw)
    assert not r.exact and "not normal crossing" in r.reason
    assert R.verify()


# -- 2-d: the smooth refinement is the Hirzebruch-Jung (minimal) one ----------------------


def _hull(points):
    """Andrew's monotone chain, exact in integers; counter-clockwise, no collinear points."""
    pts = sorted(set(points))

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _hj_count(u, v):
    """Independent count of the rays a minimal resolution of cone(u, v) inserts: the lattice
    points, other than u and v, on the compact boundary of conv(cone ∩ Z^2 minus 0)."""
    det = u[0] * v[1] - u[1] * v[0]
    R = max(map(abs, u + v)) + 1
    pts = []
    for x in range(-R, R + 1):
        for y in range(-R, R + 1):
            a = Fraction(x * v[1] - y * v[0], det)
            b = Fraction(u[0] * y - u[1] * x, det)
            if (x, y) != (0, 0) and a >= 0 and b >= 0 and a + b <= 1:
                pts.append((x, y))
    far = [(50 * u[0], 50 * u[1]), (50 * v[0], 50 * v[1])]
    hull = _hull(pts + far)
    i, j = hull.index(tuple(u)), hull.index(tuple(v))
    n = len(hull)
    # walk from u to v on the side that avoids the far points
    for step in (1, -1):
        chain = [hull[i]]
        k = i
        while hull[k] != tuple(v):
            k = (k + step) % n
            chain.append(hull[k])
        if not any(p in far for p in chain):
            break
    return sum(gcd(abs(q[0] - p[0]), abs(q[1] - p[1])) for p, q in zip(chain, chain[1:])) - 1


@pytest.mark.parametrize("a,b", [(1, 2), (2, 3), (1, 5), (3, 7), (2, 5), (4, 9)])
def test_two_dimensional_charts_are_minimal(a, b):
    K = f"w1**{2 * a} + w2**{2 * b}"
    g = gcd(a, b)
    n = (b // g, a // g)
    expected = 2 + _hj_count((1, 0), n) + _hj_count(n, (0, 1))
    R = toric_resolution(K)
    assert len(R.charts) == expected
    assert R.lambda_ == Fraction(1, 2 * a) + Fraction(1, 2 * b)
    assert R.verify()


# -- cones and fans ---------------------------------------------------------------------------


def test_cone_basics():
    C = Cone([(1, 0), (1, 2)])
    assert C.is_simplicial() and not C.is_smooth() and C.index == 2
    assert C.contains((1, 1)) and not C.contains((-1, 1))
    assert pickle.loads(pickle.dumps(C)) == C and hash(C) == hash(Cone([(1, 2), (1, 0)]))
    with pytest.raises(rlct.InputError):
        Cone([(1, 0), (1, 1), (0, 1)])  # (1, 1) is not extreme


def test_simplicial_refinement_of_a_square_cone():
    C = Cone([(1, 0, 0), (0, 1, 0), (1, 0, 1), (0, 1, 1)])
    assert not C.is_simplicial()
    F = Fan([C]).simplicial()
    assert F.is_simplicial() and len(F.cones) == 2
    assert set(F.rays) == set(C.rays)
    assert F.smooth().is_smooth()


def test_normal_fan_has_a_cone_per_vertex():
    P = NewtonPolyhedron("w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8")
    F = normal_fan(P)
    assert len(F.cones) == len(P.vertices)
    assert set(F.rays) == {f.normal for f in P.facets}


def test_budget_stops_with_a_clear_error():
    with pytest.raises(rlct.Undecided, match="smooth refinement stopped"):
        toric_resolution("w1**14 + w2**22 + w3**18", max_cones=5)


def test_chart_display():
    R = toric_resolution("w1**4 + w2**6")
    text = str(R)
    assert "4 charts" in text and "λ = 5/12" in text
    assert R.charts[0]._repr_latex_().startswith("$\\text{chart } 1")
    assert "chart" in R._repr_latex_()
    assert R.to_dict()["charts"][0]["status"] == "normal crossing"


def test_fan_plot():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    assert normal_fan(NewtonPolyhedron("w1**4 + w2**6")).smooth().plot() is not None
    assert normal_fan(NewtonPolyhedron("w1**2 + w2**4 + w3**6")).plot() is not None


def test_domain_charts_respect_signs():
    R = toric_resolution("w1*w2**2", domain=["w1 >= 0", "w2 >= w1"])
    assert R.normal_crossing and R.lambda_ == Fraction(2, 3) and R.verify()


# -- property: for non-degenerate K the toric answer is the Newton answer ----------------------

even_monomial = st.tuples(*[st.integers(0, 3).map(lambda k: 2 * k)] * 2)


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(even_monomial.filter(any), st.integers(1, 5), min_size=1, max_size=5),
       st.tuples(st.integers(0, 2), st.integers(0, 2)))
def test_toric_equals_newton_2d(terms, tau):
    prior = {"w1": tau[0], "w2": tau[1]}
    a = rlct.rlct(terms, prior=prior)
    b = rlct.rlct(terms, prior=prior, method="toric")
    assert a.exact and b.exact
    assert (a.lambda_, a.multiplicity) == (b.lambda_, b.multiplicity)


even3 = st.tuples(*[st.integers(0, 2).map(lambda k: 2 * k)] * 3)


@settings(max_examples=10, deadline=None)
@given(st.dictionaries(even3.filter(any), st.integers(1, 5), min_size=2, max_size=6))
def test_toric_equals_newton_3d(terms):
    a = rlct.rlct(terms)
    R = toric_resolution(terms)
    assert R.normal_crossing
    assert (a.lambda_, a.multiplicity) == (R.lambda_, R.multiplicity)
