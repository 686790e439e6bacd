"""RLCTs on domains with a boundary: corners (orthants after straightening), wedges, non-simplicial
cones, and what every method returns when it cannot decide.

Expected values are derived by hand in the comments (or come from the literature, cited); the
engine's route (fold the corner open, rlct/resolution/blowup/rules/domain.py) is not used to derive
them.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

import rlct
from conftest import known_table
from rlct import known
from rlct.models.families import BinomialMixture, NaiveBayes
from test_catalogue import _lin_fibre_K

METHODS = ("auto", "monomial", "newton", "toric", "blowup")
QUADRANT = ["x >= 0", "y >= 0"]


def pair(r):
    return (r.lambda_, r.multiplicity)


def brackets(r, lam):
    """An exact result equals λ; an undecided one carries both bounds around it and a reason."""
    if r.exact:
        return r.lambda_ == lam
    return (r.lower_bound is not None and r.upper_bound is not None and r.lower_bound <= lam <= r.upper_bound
            and bool(r.reason))


# -- a degenerate K whose value on the quadrant differs from the full neighbourhood --------------------
# K = P² with P = (x − y)(x + y)², homogeneous of degree 3. Blow up the origin; chart y = x·s:
# P = x³ (1 − s)(1 + s)², prior·Jacobian |x|. Along {x = 0}: (1 + 1)/6 = 1/3. At s = 1 (the line x = y)
# K ≍ x⁶ (s − 1)²: min(1/3, 1/2) = 1/3, m = 1. At s = −1 (the line x = −y) K ≍ x⁶ (s + 1)⁴: ratios 1/3
# and 1/4, so (1/4, 1). The other chart is the same with x and y swapped. On the full neighbourhood the
# double line x = −y decides: (1/4, 1). On the quadrant s = y/x >= 0 never reaches −1: (1/3, 1).
# Newton's 1/t = 1/3 is only an upper bound (the face polynomial K vanishes at (1, 1)).
def test_double_line_outside_the_quadrant():
    K = "(x - y)**2*(x + y)**4"
    assert pair(rlct.rlct(K, domain=QUADRANT)) == (F(1, 3), 1)
    assert pair(rlct.rlct(K)) == (F(1, 4), 1)
    nt = rlct.rlct(K, domain=QUADRANT, method="newton")
    assert not nt.exact and nt.upper_bound == F(1, 3) and nt.lower_bound == F(1, 6)   # 1/ord₀ = 1/6
    R = rlct.rlct(K, domain=QUADRANT, method="blowup").certificate
    assert R.charts[0].steps[0].startswith("fold the corner x >= 0, y >= 0 open")


# -- the cusp on a corner -------------------------------------------------------------------------------
# K = (x² − y³)². The curve x² = y³ lies in {y >= 0}; its branch x = y^{3/2} lies in the quadrant and,
# since y^{3/2} <= y near 0, in the wedge {y >= x >= 0}. Weighted blow-up (x, y) = (t³X, t²Y):
# K = t¹² (X² − Y³)², |Jacobian| ≍ t⁴, so (4 + 1)/12 = 5/12 along {t = 0}; where the strict transform
# X² = Y³ meets it (inside the domain) it is a transversal smooth curve, value 1/2 > 5/12. So (5/12, 1)
# on the quadrant and on the wedge, as on the full neighbourhood (there, {y < 0} also gives 5/12).
@pytest.mark.parametrize("domain", [QUADRANT, ["y >= x", "x >= 0"]])
def test_cusp_on_corners(domain):
    r = rlct.rlct("(x**2 - y**3)**2", domain=domain)
    assert pair(r) == (F(5, 12), 1) and r.method == "blowup"


# -- the cusp turned away from a wedge ------------------------------------------------------------------
# K = (y² − x³)² on {y >= x >= 0}: there y² − x³ >= y² − y³ >= y²/2 and y² − x³ <= y², so K ≍ y⁴ and
# ∫_{0 <= x <= y <= ε} y^{-4z} dx dy = ∫ y^{1-4z} dy has its pole at z = 1/2, simple: (1/2, 1).
# On the full neighbourhood the cusp gives 5/12.
@pytest.mark.parametrize("method", ["auto", "newton", "toric", "blowup"])
def test_cusp_outside_the_wedge(method):
    assert pair(rlct.rlct("(y**2 - x**3)**2", domain=["y >= x", "x >= 0"], method=method)) == (F(1, 2), 1)


# -- K given as one polynomial, odd in a restricted variable --------------------------------------------
# K = x (x² + y²) on {x >= 0} (not >= 0 elsewhere, so no sign flip may drop x >= 0). Blow up: chart
# y = x·s: K = x³ (1 + s²), |x|: (1 + 1)/3 = 2/3; chart x = y·s (s·y >= 0): K = y³ s (s² + 1), prior |y|:
# ratios 2/3 (y) and 1 (s). So (2/3, 1).
def test_odd_in_a_restricted_variable():
    assert pair(rlct.rlct("x*y**2 + x**3", domain=["x >= 0"], method="blowup")) == (F(2, 3), 1)


# -- a non-simplicial cone: split into simplicial pieces --------------------------------------------------
# D = {x, y, z >= 0, x + y >= z}: four facets in dimension 3. (i) K = x² + y² + z² ≍ r² on a cone of
# positive solid angle: ∫ r^{-2w} r² dr, (3/2, 1). (ii) the ideal <(x − y)(x + y)², z>: K = P² + z² with
# z ∈ [0, x + y]; since |P| <= C (x + y)³ ≪ x + y, ∫_0^{x+y} (P² + z²)^{-w} dz ≍ |P|^{1-2w} for w > 1/2,
# so λ = 1/2 + λ(P² on the quadrant) = 1/2 + 1/3 = 5/6 (first test), m = 1.
CONE = ["x >= 0", "y >= 0", "z >= 0", "x + y >= z"]


def test_non_simplicial_cone_is_split():
    for method in METHODS[2:]:
        assert pair(rlct.rlct("x**2 + y**2 + z**2", domain=CONE, method=method)) == (F(3, 2), 1)
    r = rlct.rlct(ideal=["(x - y)*(x + y)**2", "z"], domain=CONE)
    assert pair(r) == (F(5, 6), 1)
    cert = r.certificate
    assert len(cert.pieces) == 2 and min(x.lambda_ for x in cert.results) == F(5, 6)
    assert "union of 2 simplicial cones" in str(cert)


def test_non_simplicial_cone_undecided_keeps_bounds():
    r = rlct.rlct("x**2 + y**2 + z**2", domain=CONE, method="monomial")
    assert not r.exact and r.lower_bound == F(1, 2) and r.upper_bound == F(3, 2) and "pieces" in r.reason


# -- every method, a tiny budget: never an exception ------------------------------------------------------
# Σ_h a_h b_h^{2k−1} (k = 1..3, tanh H = 3) on {a1 >= 0, b1 >= 0}: the flip a ↦ −a maps every generator to
# its negative, so {a1 >= 0} ∪ {a1 <= 0} gives twice the same integral; likewise (a1, b1) ↦ (−a1, −b1)
# for b1. So the value is the full neighbourhood's, 5/6 (Aoyagi; tests/data/known_rlcts.toml "tanh").
TANH3 = ["a1*b1 + a2*b2 + a3*b3", "a1*b1**3 + a2*b2**3 + a3*b3**3", "a1*b1**5 + a2*b2**5 + a3*b3**5"]


@pytest.mark.parametrize("method", METHODS)
def test_tiny_budget_returns_bounds(method):
    r = rlct.rlct(ideal=TANH3, domain=["a1 >= 0", "b1 >= 0"], method=method, budget=0.05, timeout=0.05)
    assert brackets(r, F(5, 6))
    if not r.exact:
        assert r.lower_bound < r.upper_bound
        with pytest.raises(rlct.Undecided):
            lam, m = r


def test_tiny_budget_toric_refinement(monkeypatch):
    # the smooth refinement of the normal fan stops (fan.py raises Undecided inside; forced here, as the
    # engine now finishes this fan within any budget): the result keeps
    # 1/ord₀(K) = 1/12 <= λ <= 1/t. t by hand: the ray t·(1,1,1) enters Γ through the facet
    # <200, 140, 268>·x >= 3080 (through (14,2,0), (0,22,0), (2,0,10); every vertex on its side), so
    # t = 3080/608 = 385/76 (the other positive facet <352, 52, 44>·x >= 1144 needs only 143/56)
    import rlct.methods

    def stopped(*a, **k):
        raise rlct.Undecided("smooth refinement stopped: 7 cones (3 smooth) after 0.05 s")

    monkeypatch.setattr(rlct.methods, "resolve_toric", stopped)
    r = rlct.rlct("w1**14*w2**2 + w2**22 + w3**26 + w1**2*w3**10", method="toric", budget=0.001)
    assert not r.exact and "smooth refinement stopped" in r.reason
    assert r.lower_bound == F(1, 12) and r.upper_bound == F(76, 385)


def test_symmetric_corner_decided():
    r = rlct.rlct(ideal=TANH3, domain=["a1 >= 0", "b1 >= 0"], budget=60)
    assert pair(r) == (F(5, 6), 1)
    assert r.certificate.charts[0].steps[0].startswith("drop a1 >= 0")


# -- the table's cases with a domain (tests/data/known_rlcts.toml, sources there) --------------------------
DOMAIN_CASES = [c for c in known_table()["case"] if "domain" in c]


@pytest.mark.parametrize("case", DOMAIN_CASES, ids=[c["id"] for c in DOMAIN_CASES])
def test_table_cases_every_method(case):
    kw = dict(ideal=case["ideal"]) if "ideal" in case else dict(K=case["K"])
    kw.update(domain=case["domain"], prior=case.get("prior"), at=case.get("at"))
    lam, m = F(case["lambda"]), case["m"]
    assert pair(rlct.rlct(**kw, method="blowup", budget=20)) == (lam, m)
    for method in METHODS:
        assert brackets(rlct.rlct(**kw, method=method, budget=5), lam)


# -- boundary true points of models, directly (no hand unfolding) -----------------------------------------
def test_models_on_their_boundary():
    # Rusakov & Geiger (2005), Thm 4: naive Bayes n = 2, independent features: (3/2, 3), attained on the
    # boundary t = 0 (see tests/test_families.py); n = 3: (2, 1).
    assert pair(rlct.rlct(NaiveBayes(2, true=[0, "1/2", "1/2", "1/2", "1/2"]), budget=20)) == (F(3, 2), 3)
    assert pair(rlct.rlct(NaiveBayes(3, true=[0] + ["1/2"] * 6), budget=30)) == known.naive_bayes(3, 0).pair
    # binomial mixture at a0 = 0 (a >= 0): K ≍ u'² + a²v⁴ with a >= 0, (3/4, 1) (tests/test_families.py)
    assert pair(rlct.rlct(BinomialMixture(3, true=[0, "1/2", "1/2"]), budget=20)) == (F(3, 4), 1)


# -- Lin 2011, Thm 4.23: the 3×3 mixture on the stratum "rank 2, one zero" ---------------------------------
# q = [[0, 1, 1], [1, 1, 1], [1, 1, 1]]/8. A fibre point: q_11 = 0 forces a1·b1 = 0 and c1·d1 = 0 (t in
# (0, 1)); a1 = d1 = 0 gives column 1 = t·b1·(0, a2, a3) and row 1 = (1−t)·c1·(0, d2, d3), so a2 = a3 = 1/2,
# d2 = d3 = 1/2, t·b1 = (1−t)·c1 = 1/4, b2 = b3, c2 = c3: the curve b1 = 1/(4t), c1 = 1/(4(1−t)),
# 1/4 <= t <= 3/4 (a1 = c1 = 0 or b1 = d1 = 0 would make a row or column of q zero; b1 = c1 = 0 is the
# same curve with the components swapped). The global λ is the least local λ over the fibre, m the
# largest multiplicity among the points attaining it (Watanabe 2009, §7). At t = 1/2 the active
# constraints are a1 >= 0 and d1 >= 0. There the engine integrates out six coordinates (+3) and is left
# with <g> ≍ <a1 + d1> on the corner a1, d1 >= 0, a non-degenerate Newton problem: λ = 1, m = 1 (on a full
# neighbourhood it would be 1/2, giving 7/2 as on the positive stratum). So the local value is (4, 1):
# the global λ <= 4, and Lin's Thm 4.23 gives exactly 4 with m = 1, which this point attains. (At the
# endpoint t = 1/4, where b2 >= 0 and b3 >= 0 become active too, the engine leaves charts open.)
ONE_ZERO = {"t": "1/2", "a1": 0, "a2": "1/2", "b1": "1/2", "b2": "1/4", "c1": "1/2", "c2": "1/4", "d1": 0,
            "d2": "1/2"}


@pytest.mark.slow
def test_lin_mixture_one_zero_with_engine():
    K, q = _lin_fibre_K(ONE_ZERO)
    assert [(i, j) for i in range(3) for j in range(3) if q[i][j] == 0] == [(0, 0)]
    assert all(v == F(1, 8) for row in q for v in row if v)
    res = rlct.rlct(ideal=K, at=ONE_ZERO, domain=["a1 >= 0", "d1 >= 0"], budget=120)
    assert pair(res) == (F(4), 1) == pair(known.lin_mixture_3x3(q))
    assert pair(rlct.rlct(ideal=K, at=ONE_ZERO, budget=60)) == (F(7, 2), 1)   # no boundary: as for q > 0
