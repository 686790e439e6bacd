"""rlct.known: the closed-form catalogue against the literature, the team table
(tests/data/known_rlcts.toml), hand-derived rules and the exact engine.

Every expected value carries its source beside it.
"""

from __future__ import annotations

import itertools
import math
import pickle
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rlct
from conftest import known_table
from rlct import known
from rlct.errors import InputError, NotApplicable

TABLE = known_table()


def pair(r):
    return (r.lambda_, r.multiplicity)


# -- the product rule (Lin 2011, Prop 4.5, in K's convention), used as an independent oracle --------
def product_rule(*pairs):
    """K1(x)·K2(y)·... in disjoint variables: the deepest pair; on a tie the multiplicities add."""
    lam = min(p[0] for p in pairs)
    return (F(lam), sum(p[1] for p in pairs if p[0] == lam))


# -- regular -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("d", [1, 2, 3, 7, 10])
def test_regular(d):
    # Watanabe 2009: a regular point has λ = d/2, m = 1; table row "regular-3" (λ = 3/2).
    assert pair(known.regular(d)) == (F(d, 2), 1)


def test_regular_matches_table_row():
    row = next(c for c in TABLE["case"] if c["id"] == "regular-3")
    assert pair(known.regular(3)) == (F(row["lambda"]), row["m"])


# -- normal crossing ----------------------------------------------------------------------------------
@pytest.mark.parametrize("k, h, expected", [
    ([1, 1], None, (F(1, 2), 2)),            # table "normal-crossing-11": w1²w2²
    ([1, 2], None, (F(1, 4), 1)),            # table "normal-crossing-12": w1²w2⁴
    ([1, 1, 1], None, (F(1, 2), 3)),         # table "normal-crossing-111"
    ([4, 1], [6, 3], (F(7, 8), 1)),          # table "monomial-prior": w1⁸w2², prior |w1|⁶|w2|³
    ([0, 1], None, (F(1, 2), 1)),            # absent variable does not constrain
    ([2, 0, 2], [1, 5, 1], (F(1, 2), 2)),    # (1+1)/4 twice
    ([3], [F(-1, 2)], (F(1, 12), 1)),        # (−1/2+1)/6
])
def test_normal_crossing_values(k, h, expected):
    # Lin 2011 Prop 3.7: λ = min_j (h_j+1)/(2k_j), m = #argmin.
    r = known.normal_crossing(k, h)
    assert pair(r) == expected
    assert r.exact and r.method == "formula" and r.certificate.check()


@pytest.mark.parametrize("k, h", [([1, 1], None), ([1, 2], None), ([4, 1], [6, 3]), ([2, 1, 3], [0, 1, 2])])
def test_normal_crossing_agrees_with_engine(k, h):
    K = "*".join(f"w{j+1}**{2*kj}" for j, kj in enumerate(k) if kj)
    prior = None if h is None else "*".join(f"w{j+1}**{hj}" for j, hj in enumerate(h) if hj)
    assert pair(known.normal_crossing(k, h)) == pair(rlct.rlct(K, prior=prior))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 8)), min_size=1, max_size=6)
       .filter(lambda kh: any(k for k, _ in kh)), st.randoms(use_true_random=False))
def test_normal_crossing_permutation_invariant(kh, rnd):
    k, h = [a for a, _ in kh], [b for _, b in kh]
    base = pair(known.normal_crossing(k, h))
    perm = list(range(len(k)))
    rnd.shuffle(perm)
    assert pair(known.normal_crossing([k[i] for i in perm], [h[i] for i in perm])) == base
    # adding an absent variable changes nothing
    assert pair(known.normal_crossing(k + [0], h + [5])) == base
    # an independent computation: the exact engine's monomial rule on K = Π w_j^(2k_j), prior Π |w_j|^h_j
    names = [f"w{j + 1}" for j in range(len(k))]
    K = "*".join(f"{v}**{2 * kj}" for v, kj in zip(names, k) if kj)
    prior = "*".join(f"{v}**{hj}" for v, hj, kj in zip(names, h, k) if hj and kj) or None
    assert base == pair(rlct.rlct(K, prior=prior))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=4), st.lists(st.integers(1, 5), min_size=1, max_size=4))
def test_normal_crossing_product_rule(k1, k2):
    # K1(x)·K2(y) in disjoint variables (Lin 2011 Prop 4.5): the deeper pair, m's add on a tie
    assert pair(known.normal_crossing(k1 + k2)) == product_rule(pair(known.normal_crossing(k1)),
                                                                  pair(known.normal_crossing(k2)))


# -- reduced rank regression --------------------------------------------------------------------------
RRR_ROWS = TABLE["rrr"][0]["values"]


@pytest.mark.parametrize("row", RRR_ROWS, ids=lambda r: "rrr-" + "-".join(map(str, r[:4])))
def test_rrr_table(row):
    # tests/data/known_rlcts.toml [[rrr]] (Aoyagi & Watanabe 2005)
    M, N, H, r, lam, m = row
    assert pair(known.reduced_rank_regression(M, N, H, r)) == (F(lam), m)


def test_rrr_table_case_rows():
    # rows "rrr-1-1-3-0" and "rrr-2-2-1-0" of the [[case]] table
    rows = {c["id"]: c for c in TABLE["case"]}
    for key, args in (("rrr-1-1-3-0", (1, 1, 3, 0)), ("rrr-2-2-1-0", (2, 2, 1, 0))):
        assert pair(known.reduced_rank_regression(*args)) == (F(rows[key]["lambda"]), rows[key]["m"])


@pytest.mark.parametrize("M, N, H, r, lam, m, case", [
    # Aoyagi & Watanabe 2005, evaluated by hand from the four cases:
    (3, 3, 3, 0, F(7, 2), 2, "1, M+N+H+r odd"),     # [2·3·6 − 0 − 9 + 1]/8 = 28/8
    (4, 4, 2, 2, F(6), 1, "1, M+N+H+r even"),       # [2·4·8 − 0 − 16]/8 = 48/8
    (1, 5, 2, 1, F(5, 2), 1, "2 (M+H < N+r)"),      # (2 − 2 + 5)/2
    (5, 1, 2, 1, F(5, 2), 1, "3 (N+H < M+r)"),      # (2 − 2 + 5)/2
    (2, 3, 6, 1, F(3), 1, "4 (M+N < H+r)"),         # MN/2 = 3
])
def test_rrr_cases_by_hand(M, N, H, r, lam, m, case):
    res = known.reduced_rank_regression(M, N, H, r)
    assert pair(res) == (lam, m)
    assert res.certificate.case == case and res.certificate.check()


@pytest.mark.parametrize("M, N", list(itertools.product(range(1, 9), repeat=2)))
def test_rrr_rank_one_model_is_a_product(M, N):
    # r = 0, H = 1: K = ‖b‖²‖a‖² with a ∈ R^M, b ∈ R^N. Product rule (Lin 2011 Prop 4.5) of
    # two regular factors (M/2, 1) and (N/2, 1): λ = min(M, N)/2, m = 2 if M == N else 1.
    assert pair(known.reduced_rank_regression(M, N, 1, 0)) == product_rule((F(M, 2), 1), (F(N, 2), 1))


@pytest.mark.parametrize("H", range(1, 9))
def test_rrr_scalar_output_is_a_quadratic_form(H):
    # M = N = 1, r = 0: K = (Σ_h a_h b_h)², the square of a non-degenerate quadratic form of rank 2H.
    # Its RLCT is 1/2 (a smooth point of {f = 0} is near 0), with m = 2 only for H = 1 (K = (ab)²,
    # normal crossing); table rows "rrr-1-1-3-0" and "indefinite-quadratic-4" (H = 2).
    assert pair(known.reduced_rank_regression(1, 1, H, 0)) == (F(1, 2), 2 if H == 1 else 1)


@pytest.mark.parametrize("M, N, H", [(M, N, H) for M in range(1, 7) for N in range(1, 7) for H in range(1, 8)
                                     if H >= min(M, N)])
def test_rrr_full_rank_truth_is_regular(M, N, H):
    # r = min(M, N): the true matrix has full rank, so at every point of the fibre (say M ≤ N) A has
    # rank M and dB·A already covers all N×M matrices: (A, B) ↦ BA is a submersion there and the
    # model is locally the space of all N×M matrices: the regular value (MN/2, 1) (Watanabe 2009).
    assert pair(known.reduced_rank_regression(M, N, H, min(M, N))) == (F(M * N, 2), 1)


@pytest.mark.parametrize("M, N, H, r", [
    (1, 1, 1, 0), (1, 1, 2, 0), (1, 1, 3, 0), (2, 1, 1, 0), (1, 2, 1, 0), (2, 1, 2, 0), (1, 2, 2, 0),
    (2, 2, 1, 0), (3, 1, 1, 0), (1, 3, 1, 0), (1, 3, 2, 0), (2, 2, 2, 0), (3, 2, 1, 0), (3, 1, 2, 0),
    (1, 4, 2, 0), (2, 1, 1, 1), (1, 1, 2, 1), (2, 2, 1, 1), (1, 3, 1, 1), (3, 1, 1, 1), (2, 2, 2, 1),
])
def test_rrr_agrees_with_engine(M, N, H, r):
    # Independent: the exact engine on K = ‖BA − B0A0‖² at a true point with B0A0 = diag(1..1, 0..0)
    # of rank r (all four cases of Aoyagi–Watanabe occur in this list).
    gens, at = _rrr_ideal(M, N, H, r)
    res = rlct.rlct(ideal=gens, at=at, budget=30)
    assert res.exact, res.reason
    assert pair(res) == pair(known.reduced_rank_regression(M, N, H, r))


def _rrr_ideal(M, N, H, r):
    A = [[f"a{h}_{j}" for j in range(M)] for h in range(H)]
    B = [[f"b{i}_{h}" for h in range(H)] for i in range(N)]
    gens = []
    for i in range(N):
        for j in range(M):
            g = " + ".join(f"{B[i][h]}*{A[h][j]}" for h in range(H))
            gens.append(g + (" - 1" if i == j and i < r else ""))
    at = {A[h][j]: int(h == j and h < r) for h in range(H) for j in range(M)}
    at.update({B[i][h]: int(h == i and h < r) for i in range(N) for h in range(H)})
    return gens, at


# -- deep linear networks -----------------------------------------------------------------------------
DLN_ROWS = TABLE["dln"][0]["values"]


@pytest.mark.parametrize("row", DLN_ROWS, ids=lambda r: "dln-" + "-".join(map(str, r[0])) + f"-r{r[1]}")
def test_dln_table(row):
    # tests/data/known_rlcts.toml [[dln]] (Aoyagi 2024 as coded in validating_lambdahat)
    widths, r, lam, m = row
    assert pair(known.deep_linear_network(widths, r)) == (F(lam), m)


GRID = [(M, N, H, r) for M in range(1, 7) for N in range(1, 7) for H in range(1, 7) for r in range(min(M, N, H) + 1)]


@pytest.mark.parametrize("M, N, H, r", GRID)
def test_dln_with_three_widths_is_rrr(M, N, H, r):
    # Aoyagi 2024 with L = 2 reduces to Aoyagi–Watanabe 2005 in all four cases (widths (M, H, N)).
    dln = known.deep_linear_network([M, H, N], r)
    rrr = known.reduced_rank_regression(M, N, H, r)
    assert pair(dln) == pair(rrr)
    ell = dict(dln.certificate.parameters)["ℓ"]
    assert ell == (2 if rrr.certificate.case.startswith("1") else 1)


def test_dln_grid_covers_every_rrr_case():
    cases = {known.reduced_rank_regression(*g).certificate.case.split(",")[0].split(" ")[0] for g in GRID}
    assert cases == {"1", "2", "3", "4"}


@pytest.mark.parametrize("H1, H2", list(itertools.product(range(1, 6), repeat=2)))
@pytest.mark.parametrize("r", [0, 1])
def test_dln_single_layer_is_regular(H1, H2, r):
    # one linear layer W ∈ R^{H2×H1}: identifiable, regular, λ = H1·H2/2, m = 1 (whatever the true rank)
    if r <= min(H1, H2):
        assert pair(known.deep_linear_network([H1, H2], r)) == pair(known.regular(H1 * H2))


@pytest.mark.parametrize("L", range(1, 9))
def test_dln_scalar_layers_are_normal_crossing(L):
    # all widths 1: K = (w_1 ··· w_L)², normal crossing (Lin 2011 Prop 3.7): (1/2, L);
    # with a nonzero true product (r = 1) the true set is the smooth hypersurface Π w = c: (1/2, 1)
    assert pair(known.deep_linear_network([1] * (L + 1), 0)) == (F(1, 2), L)
    assert pair(known.deep_linear_network([1] * (L + 1), 1)) == (F(1, 2), 1)


@pytest.mark.parametrize("M, N, k", [(M, N, k) for M in range(1, 5) for N in range(1, 5) for k in range(1, 5)])
def test_dln_bottleneck_is_a_product(M, N, k):
    # widths (M, 1, ..., 1, N) with k ones, r = 0: K = ‖b‖² · w_1² ··· w_{k−1}² · ‖a‖², disjoint
    # factors (M/2, 1), (1/2, 1) × (k − 1), (N/2, 1): product rule (Lin 2011 Prop 4.5)
    expected = product_rule((F(M, 2), 1), *[(F(1, 2), 1)] * (k - 1), (F(N, 2), 1))
    assert pair(known.deep_linear_network([M] + [1] * k + [N], 0)) == expected


@pytest.mark.parametrize("widths, r", [((1, 2, 2, 1), 0), ((2, 1, 1, 2), 0), ((1, 1, 2, 1), 0), ((2, 1, 2), 0)])
def test_dln_agrees_with_engine(widths, r):
    # Independent: the exact engine on K = ‖W_L ··· W_1‖² (true product 0)
    res = rlct.rlct(ideal=_dln_ideal(widths), budget=30)
    assert res.exact, res.reason
    assert pair(res) == pair(known.deep_linear_network(widths, r))


def test_dln_formula_within_newton_bound_where_engine_undecided():
    # (1, 2, 2, 2): formula (1, 3); the Newton polyhedron of ‖DCa‖² gives the upper bound λ ≤ 1
    res = rlct.rlct(ideal=_dln_ideal((1, 2, 2, 2)), method="newton", budget=30)
    assert known.deep_linear_network([1, 2, 2, 2], 0).lambda_ <= res.upper_bound


def _dln_ideal(widths):
    import sympy
    L = len(widths) - 1
    P = None
    for l in range(L):
        W = sympy.Matrix(widths[l + 1], widths[l], lambda i, j: sympy.Symbol(f"w{l}_{i}_{j}"))
        P = W if P is None else W * P
    return [str(sympy.expand(e)) for e in P]


def test_dln_sigma_search_is_unique_and_a_prefix():
    # the set Σ of Aoyagi (2024) exists and is unique; brute force over all subsets
    from rlct.known.formulas import _dln_sigma
    for Ms in itertools.product(range(0, 5), repeat=4):
        found = []
        for size in range(1, 5):
            for sub in itertools.combinations(range(4), size):
                S = sum(Ms[i] for i in sub)
                ell = size - 1
                rest = [Ms[i] for i in range(4) if i not in sub]
                ok = S >= ell * max(Ms[i] for i in sub)
                if rest:
                    ok = ok and max(Ms[i] for i in sub) < min(rest) and S < ell * min(rest)
                if ok:
                    found.append(sorted(Ms[i] for i in sub))
        assert len({tuple(f) for f in found}) == 1, Ms
        assert sorted(_dln_sigma(list(Ms))[1]) == found[0]


# -- tanh networks --------------------------------------------------------------------------------------
TANH_ROWS = TABLE["tanh"][0]["values"]


@pytest.mark.parametrize("row", TANH_ROWS, ids=lambda r: f"tanh-H{r[0]}")
def test_tanh_table(row):
    # tests/data/known_rlcts.toml [[tanh]]; Aoyagi 2010 and Watanabe 2001: H = 1: 1/2, 2: 2/3, 3: 5/6, 4: 1, 9: 3/2
    H, lam, m = row
    assert pair(known.tanh_network(H)) == (F(lam), m)


@pytest.mark.parametrize("H", range(1, 50))
def test_tanh_monotone_and_below_regular(H):
    # adding a unit can only raise λ, and λ stays below the regular value H (2H parameters)
    assert known.tanh_network(H).lambda_ < known.tanh_network(H + 1).lambda_ < H + 1


def test_tanh_small_h_agree_with_engine():
    # H = 1: K = (ab)² (normal crossing, (1/2, 2)); H = 2: table row "tanh-H2" decided by blow-ups;
    # H = 3 by the b-subspace blow-up
    r1 = rlct.rlct(ideal=["a1*b1"])
    r2 = rlct.rlct(ideal=["a1*b1 + a2*b2", "a1*b1**3 + a2*b2**3"])
    r3 = rlct.rlct(ideal=[f"a1*b1**{k} + a2*b2**{k} + a3*b3**{k}" for k in (1, 3, 5)])
    assert pair(r1) == pair(known.tanh_network(1))
    assert pair(r2) == pair(known.tanh_network(2))
    assert pair(r3) == pair(known.tanh_network(3))


# -- Lin's mixture of independence models ---------------------------------------------------------------
@pytest.mark.parametrize("q, lam", [
    ([[1, 1, 1], [1, 1, 1], [1, 1, 1]], F(5, 2)),                       # rank 1, positive
    ([[1, 2, 3], [2, 4, 6], [1, 2, 3]], F(5, 2)),                       # rank 1, positive
    ([[1, 2, 3], [2, 3, 4], [3, 4, 5]], F(7, 2)),                       # rank 2, positive
    ([[0, 1, 1], [1, 1, 1], [1, 1, 1]], F(4)),                          # rank 2, one zero
    ([[0, 1, 1], [1, 0, 1], [1, 1, 2]], F(9, 2)),                       # rank 2, zeros at (0,0),(1,1)
])
def test_lin_mixture_strata(q, lam):
    # Lin 2011 Thm 4.23: learning coefficients 5/2, 7/2, 4, 9/2, all with m = 1
    r = known.lin_mixture_3x3(q)
    assert pair(r) == (lam, 1)
    assert r.certificate.check()
    # the certificate holds the table's rank and zero count (checked here independently), not constants
    import numpy as np

    lhs = {c.text: c.lhs for c in r.certificate.conditions}
    assert lhs["rank q"] == np.linalg.matrix_rank(np.array(q, dtype=float))
    assert lhs["#zero cells"] == sum(v == 0 for row in q for v in row)


def test_lin_mixture_generic_rank_two_has_rank_seven_parametrisation():
    # Independent support for 7/2 = dim(model)/2 on the positive rank-2 stratum: at an interior
    # parameter, p(t, a, b, c, d) = t a bᵀ + (1 − t) c dᵀ has a Jacobian of rank 7 (the maximum:
    # the image is the 7-dimensional determinantal hypersurface of the simplex), so near that point
    # K ≍ Σ (p − q)² is a sum of 7 squares in suitable coordinates: local (7/2, 1).
    import sympy
    t, a1, a2, b1, b2, c1, c2, d1, d2 = sympy.symbols("t a1 a2 b1 b2 c1 c2 d1 d2")
    a, b = [a1, a2, 1 - a1 - a2], [b1, b2, 1 - b1 - b2]
    c, d = [c1, c2, 1 - c1 - c2], [d1, d2, 1 - d1 - d2]
    p = [t * a[i] * b[j] + (1 - t) * c[i] * d[j] for i in range(3) for j in range(3)]
    J = sympy.Matrix(p).jacobian([t, a1, a2, b1, b2, c1, c2, d1, d2])
    pt = {t: F(1, 3), a1: F(1, 2), a2: F(1, 3), b1: F(1, 5), b2: F(2, 5), c1: F(1, 7), c2: F(3, 7),
          d1: F(1, 2), d2: F(1, 4)}
    assert J.subs(pt).rank() == 7
    q = [[v.subs(pt) for v in p[3 * i:3 * i + 3]] for i in range(3)]
    assert sympy.Matrix(q).rank() == 2 and all(v > 0 for row in q for v in row)
    assert known.lin_mixture_3x3([[F(str(v)) for v in row] for row in q]).lambda_ == F(7, 2)


def _lin_fibre_K(point, kl=False):
    """Generators p_ij − q_ij of Lin's fibre ideal at a parameter point of the 3×3 mixture, q = p(point);
    with ``kl=True`` instead the KL divergence's equivalent Σ_{q>0} (p − q)² + Σ_{q=0} p, as a string."""
    al, ga = ["a1", "a2", "(1 - a1 - a2)"], ["c1", "c2", "(1 - c1 - c2)"]
    be, de = ["b1", "b2", "(1 - b1 - b2)"], ["d1", "d2", "(1 - d1 - d2)"]
    v = {k: F(x) for k, x in point.items()}
    a, b = [v["a1"], v["a2"], 1 - v["a1"] - v["a2"]], [v["b1"], v["b2"], 1 - v["b1"] - v["b2"]]
    c, d = [v["c1"], v["c2"], 1 - v["c1"] - v["c2"]], [v["d1"], v["d2"], 1 - v["d1"] - v["d2"]]
    q = [[v["t"] * a[i] * b[j] + (1 - v["t"]) * c[i] * d[j] for j in range(3)] for i in range(3)]
    gens, terms = [], []
    for i in range(3):
        for j in range(3):
            p = f"(t*{al[i]}*{be[j]} + (1 - t)*{ga[i]}*{de[j]})"
            gens.append(f"{p} - ({q[i][j]})")
            terms.append(p if q[i][j] == 0 else f"({p} - ({q[i][j]}))**2")
    return (" + ".join(terms) if kl else gens), q


def test_lin_mixture_rank_one_and_two_locally_with_engine():
    # rank 1, q uniform: at the fibre point t = 1, (a, b) = (q's margins), (c, d) generic the engine
    # finds local (5/2, 1), so the global λ ≤ 5/2 (Lin: 5/2). Rank 2, q > 0: local (7/2, 1) at an
    # interior fibre point (Lin: 7/2).
    u = "1/3"
    K, q = _lin_fibre_K({"t": 1, "a1": u, "a2": u, "b1": u, "b2": u, "c1": "1/2", "c2": "1/4", "d1": "1/5", "d2": "2/5"})
    res = rlct.rlct(ideal=K, at={"t": 1, "a1": u, "a2": u, "b1": u, "b2": u, "c1": "1/2", "c2": "1/4", "d1": "1/5",
                           "d2": "2/5"}, domain=["t <= 1"], budget=60)
    assert pair(res) == (F(5, 2), 1) == pair(known.lin_mixture_3x3(q))
    pt = {"t": "1/3", "a1": "1/2", "a2": "1/3", "b1": "1/5", "b2": "2/5", "c1": "1/7", "c2": "3/7", "d1": "1/2",
          "d2": "1/4"}
    K, q = _lin_fibre_K(pt)
    assert pair(rlct.rlct(ideal=K, at=pt, budget=60)) == (F(7, 2), 1) == pair(known.lin_mixture_3x3(q))


TWO_ZEROS = {"t": "1/2", "a1": 0, "a2": "1/3", "b1": "1/5", "b2": 0, "c1": "1/2", "c2": 0, "d1": 0, "d2": "1/4"}
TWO_ZEROS_DOMAIN = ["a1 >= 0", "d1 >= 0", "b2 >= 0", "c2 >= 0"]


@pytest.mark.slow
def test_lin_mixture_two_zeros_with_engine():
    # q = p(TWO_ZEROS) has zeros at (1,1), (2,2) only and rank 2. Its non-negative rank-2
    # factorisation is unique up to swapping the components (each zero forces one factor of each
    # term to vanish; the alternatives make two rows or two columns of q proportional), so the
    # fibre is one point and the local value is the global one: (9/2, 1) for Lin's fibre ideal.
    K, q = _lin_fibre_K(TWO_ZEROS)
    assert [(i, j) for i in range(3) for j in range(3) if q[i][j] == 0] == [(0, 0), (1, 1)]
    res = rlct.rlct(ideal=K, at=TWO_ZEROS, domain=TWO_ZEROS_DOMAIN, budget=120)
    assert pair(res) == (F(9, 2), 1) == pair(known.lin_mixture_3x3(q))


@pytest.mark.slow
def test_lin_mixture_two_zeros_kl_differs_from_fibre_ideal():
    # The KL divergence at a q with zero cells is ≍ Σ_{q>0} (p − q)² + Σ_{q=0} p: linear zero-cell
    # terms. Its RLCT on the two-zero stratum is 13/2, not Lin's 9/2 (documented in the docstring).
    K, q = _lin_fibre_K(TWO_ZEROS, kl=True)
    res = rlct.rlct(K, at=TWO_ZEROS, domain=TWO_ZEROS_DOMAIN, budget=120)
    assert pair(res) == (F(13, 2), 1)
    assert "fibre ideal" in known.lin_mixture_3x3(q).certificate.note


def test_lin_mixture_refuses_what_it_does_not_know():
    with pytest.raises(NotApplicable, match="rank 3"):
        known.lin_mixture_3x3([[2, 1, 1], [1, 2, 1], [1, 1, 2]])
    with pytest.raises(NotApplicable, match="not among"):
        known.lin_mixture_3x3([[0, 0, 1], [1, 1, 1], [2, 2, 1]])          # two zeros in one row
    with pytest.raises(NotApplicable, match="not among"):
        known.lin_mixture_3x3([[0, 0, 0], [1, 1, 1], [1, 1, 1]])          # rank 1 with zeros
    with pytest.raises(InputError, match="non-negative"):
        known.lin_mixture_3x3([[-1, 1, 1], [1, 1, 1], [1, 1, 1]])
    with pytest.raises(InputError, match="3×3"):
        known.lin_mixture_3x3([[1, 1], [1, 1]])
    with pytest.raises(InputError, match="positive sum"):
        known.lin_mixture_3x3([[0] * 3] * 3)


# -- normal mixture --------------------------------------------------------------------------------------
def test_normal_mixture_values():
    # derived: K ≍ a²b² on [0,1]×[−B,B] (see the docstring); monomial rule (Lin 2011 Prop 3.7)
    assert pair(known.normal_mixture()) == (F(1, 2), 2)
    assert pair(known.normal_mixture((0, 0))) == (F(1, 2), 2)
    assert pair(known.normal_mixture((0, F(3, 2)))) == (F(1, 2), 1)
    assert pair(known.normal_mixture((F(1, 2), 0))) == (F(1, 2), 1)
    assert pair(known.normal_mixture((1, 0))) == (F(1, 2), 1)


def test_normal_mixture_matches_engine_on_a2b2():
    # the engine on K = a²b² restricted to a ≥ 0 (Lin 2011 Example 1.18 has the same shape)
    assert pair(rlct.rlct("a**2*b**2", domain=["a >= 0"])) == pair(known.normal_mixture())
    assert pair(rlct.rlct("a**2*b**2", at={"a": 0, "b": 1}, domain=["a >= 0"])) == pair(known.normal_mixture((0, 1)))


def _kl_normal_mixture(a, b, nodes=120):
    x, w = np.polynomial.hermite_e.hermegauss(nodes)   # ∫ f(x) e^{−x²/2} dx
    w = w / math.sqrt(2 * math.pi)
    g = np.expm1(b * x - b * b / 2)
    return float(np.sum(w * -np.log1p(a * g)))


@pytest.mark.parametrize("a", [1e-3, 1e-2, 0.1])
@pytest.mark.parametrize("b", [1e-3, 1e-2, 0.1, -0.1])
def test_normal_mixture_kl_is_equivalent_to_a2b2(a, b):
    # K(a, b) / (a²(e^{b²} − 1)/2) → 1 near the origin (numerical check of the equivalence used)
    ratio = _kl_normal_mixture(a, b) / (a * a * math.expm1(b * b) / 2)
    assert abs(ratio - 1) < 3 * a * b * b + 3 * b * b + 1e-6


def test_normal_mixture_kl_bounded_ratio_on_a_compact_set():
    # c ≤ K / (a²b²) ≤ C on (0, 1) × [−1, 1] away from 0 as well
    ratios = [_kl_normal_mixture(a, b) / (a * a * b * b)
              for a in (0.05, 0.3, 0.6, 0.9) for b in (-1, -0.4, 0.2, 0.7, 1)]
    assert 0.1 < min(ratios) and max(ratios) < 2


def test_normal_mixture_bad_points():
    with pytest.raises(InputError, match="not a true parameter"):
        known.normal_mixture((F(1, 2), 1))
    with pytest.raises(InputError, match="outside"):
        known.normal_mixture((2, 0))
    with pytest.raises(InputError, match="pair"):
        known.normal_mixture(3)


# -- bad input --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, match", [
    ((2, 2, 1, 2), r"true rank r = 2 exceeds min\(M, N, H\) = 1"),
    ((0, 2, 1, 0), "M must be positive"),
    ((2, 2, 0, 0), "H must be positive"),
    ((2, -1, 1, 0), "N must be positive"),
    ((2, 2, 1, -1), "r must be non-negative"),
    ((2.5, 2, 1, 0), "M must be a positive integer, got 2.5"),
    ((2, 2, "1", 0), "H must be a positive integer"),
    ((2, 2, True, 0), "H must be a positive integer"),
    ((2, 2, 1, F(1, 2)), "r must be a non-negative integer"),
])
def test_rrr_bad_input(args, match):
    with pytest.raises(InputError, match=match):
        known.reduced_rank_regression(*args)


@pytest.mark.parametrize("widths, r, match", [
    ([2, 2, 2], 3, r"true rank r = 3 exceeds min\(widths\) = 2"),
    ([2, -1, 2], 0, r"widths\[1\] must be positive"),
    ([2, 0, 2], 0, r"widths\[1\] must be positive"),
    ([3], 0, "at least two entries"),
    ([], 0, "at least two entries"),
    ([2, 1.5, 2], 0, r"widths\[1\] must be a positive integer"),
    (5, 0, "widths must be a sequence"),
    ([2, 2], -1, "r must be non-negative"),
])
def test_dln_bad_input(widths, r, match):
    with pytest.raises(InputError, match=match):
        known.deep_linear_network(widths, r)


@pytest.mark.parametrize("H, match", [(0, "H must be positive"), (-3, "H must be positive"),
                                      (1.5, "H must be a positive integer"), ("4", "positive integer")])
def test_tanh_bad_input(H, match):
    with pytest.raises(InputError, match=match):
        known.tanh_network(H)


@pytest.mark.parametrize("k, h, match", [
    ([], None, "at least one entry"), ([0, 0], None, "at least one k_j must be positive"),
    ([1, -1], None, r"k\[1\] must be non-negative"), ([1], [-1], r"h\[0\] = -1 must be > -1"),
    ([1, 1], [0], "h has 1 entries but k has 2"), ("11", None, "sequence"), ([1.5], None, "integer"),
])
def test_normal_crossing_bad_input(k, h, match):
    with pytest.raises(InputError, match=match):
        known.normal_crossing(k, h)


def test_regular_bad_input():
    for d in (0, -1, 1.5, None):
        with pytest.raises(InputError):
            known.regular(d)


def test_input_errors_are_value_errors():
    with pytest.raises(ValueError):
        known.reduced_rank_regression(1, 1, 1, 5)


# -- results, certificates, catalogue -------------------------------------------------------------------
ALL = [known.regular(2), known.normal_crossing([1, 2], [0, 1]), known.reduced_rank_regression(3, 3, 3, 0),
       known.deep_linear_network([2, 3, 4, 2], 1), known.tanh_network(4), known.normal_mixture(),
       known.lin_mixture_3x3([[1, 2, 3], [2, 3, 4], [3, 4, 5]])]


@pytest.mark.parametrize("res", ALL, ids=lambda r: r.certificate.name)
def test_result_shape(res):
    assert res.exact and res.method == "formula"
    assert isinstance(res.lambda_, F) and isinstance(res.multiplicity, int)
    assert res.upper_bound == res.lambda_
    lam, m = res
    assert (lam, m) == pair(res)
    c = res.certificate
    assert c.check()
    text = str(c)
    assert c.source in text and f"λ = {res.lambda_}" in text
    d = c.to_dict()
    assert d["kind"] == "formula" and d["lambda"] == str(res.lambda_) and d["m"] == res.multiplicity
    assert res.to_dict()["certificate"]["source"] == c.source
    # pickle round trip, equality and hash
    again = pickle.loads(pickle.dumps(res))
    assert again == res and hash(again) == hash(res)
    assert pickle.loads(pickle.dumps(c)) == c and hash(c) == hash(c)
    assert repr(res).startswith("RLCT(λ=") and "method='formula'" in repr(res)


def test_certificate_shows_evaluated_inequalities():
    text = str(known.reduced_rank_regression(2, 2, 1, 0).certificate)
    assert "N+r ≤ M+H (2 ≤ 3)" in text and "M+N+H+r = 5 is odd" in text
    assert "Aoyagi, M. and Watanabe, S. (2005)" in text and "Neural Networks 18(7), 924-933" in text


def test_certificate_check_catches_a_false_hypothesis():
    from rlct.known import Condition, FormulaCertificate
    c = FormulaCertificate(name="x", source="src", formula="λ = 1", case="case", parameters={"M": 1},
                           conditions=[Condition("M+H < N+r", 5, "<", 3)], lambda_=F(1), multiplicity=1)
    with pytest.raises(ValueError, match="M\\+H < N\\+r"):
        c.check()


def test_catalogue_lists_every_function_with_a_citation():
    entries = known.catalogue()
    names = [e.name for e in entries]
    assert names == ["regular", "normal_crossing", "reduced_rank_regression", "deep_linear_network",
                     "tanh_network", "lin_mixture_3x3", "normal_mixture", "naive_bayes"]
    for e in entries:
        name, citation, description = e
        assert callable(getattr(known, name))
        assert citation and description
        assert getattr(known, name).__doc__ and "References" in getattr(known, name).__doc__
    assert all(n in known.__all__ for n in names)
