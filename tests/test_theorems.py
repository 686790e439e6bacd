"""Rule 0 of the blow-up engine: an ideal a cited theorem resolves (rules/theorems.py).

Values: the 1-H-1 tanh network learning zero, λ = (H + i² + i)/(4i + 2), i = ⌊√H⌋, m = 2 iff H = i²
(Watanabe 2001; Aoyagi 2010, Comm. Statist. Theory Methods 39(15)) — the rows below are the
literature's table, not the code's formula. Where the engine decides alone (H ≤ 4) its value is an
independent check of the theorem.
"""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

import rlct
from rlct.errors import InputError
from rlct.linalg import rank
from rlct.polynomial import as_polynomial
from rlct.resolution import blowup_resolution
from rlct.resolution.blowup import engine
from rlct.resolution.blowup.rules.theorems import aoyagi_value, odd_vandermonde
from test_blowup import tanh_ideal

# Watanabe 2001; Aoyagi 2010 (known_rlcts table): H -> (λ, m)
LITERATURE = {1: (F(1, 2), 2), 2: (F(2, 3), 1), 3: (F(5, 6), 1), 4: (F(1), 2), 5: (F(11, 10), 1),
              9: (F(3, 2), 2)}
# Aoyagi's formula evaluated by hand for the sizes the table skips (i = 2 for H = 6, 7, 8; H ≠ i²):
# (6 + 6)/10, (7 + 6)/10, (8 + 6)/10
BY_HAND = {6: (F(6, 5), 1), 7: (F(13, 10), 1), 8: (F(7, 5), 1)}
VALUES = {**LITERATURE, **BY_HAND}


def V(H, k, a="a", b="b"):
    return " + ".join(f"{a}{h}*{b}{h}**{2 * k - 1}" for h in range(1, H + 1))


def gens_of(H, texts, names=None):
    names = names or tuple(f"a{h}" for h in range(1, H + 1)) + tuple(f"b{h}" for h in range(1, H + 1))
    return [as_polynomial(t, names) for t in texts], (0,) * len(names)


@pytest.mark.parametrize("H", sorted(VALUES))
def test_the_rule_s_formula_is_the_literature_s(H):
    assert aoyagi_value(H)[:2] == VALUES[H]


@pytest.mark.parametrize("H", [5, 6])
def test_tanh_five_and_six_are_decided_and_cite_the_theorem(H):
    r = rlct.rlct(ideal=tanh_ideal(H), budget=8)     # blow-ups alone for 2 s, then the theorem
    assert (r.exact, r.lambda_, r.multiplicity, r.method) == (True, *VALUES[H], "theorem")
    (chart,) = r.certificate.charts
    assert chart.method == "theorem" and "Aoyagi, M. (2010)" in chart.detail and "rank" in chart.detail
    assert "consistent" in r.certificate.lower_bound_reason


@pytest.mark.parametrize("H", [2, 3])
def test_where_the_engine_decides_alone_it_agrees_with_the_theorem(H):
    R = blowup_resolution(ideal=tanh_ideal(H), seconds=30)   # theorems off: charts only
    assert R.exact and all(c.method != "theorem" for c in R.charts)
    assert (R.lambda_, R.multiplicity) == LITERATURE[H]
    # and rlct keeps those charts by default (blow-ups are tried first)
    assert rlct.rlct(ideal=tanh_ideal(H)).method == "blowup"


@pytest.mark.parametrize("H", range(1, 10))
def test_the_generic_chart_of_the_b_blow_up_has_the_theorem_s_value(H):
    # Independent of the theorem's code: blow up the b-subspace (b1 = s, b_h = s·β_h, Jacobian s^(H−1))
    # and, where the β_h are distinct, nonzero and not ±1, take c_k = Σ_h a_h β_h^(2k−1) (β_1 = 1) as
    # coordinates: the ideal is <s^(2k−1)·c_k>, whose Newton value is the formula with its m (the
    # theorem's content is that the special β do no worse). Newton decides this monomial ideal.
    r = rlct.rlct(ideal=[f"s**{2 * k - 1}*c{k}" for k in range(1, H + 1)], prior=f"s**{H - 1}")
    assert r.exact and (r.lambda_, r.multiplicity) == VALUES[H]


def test_engine_alone_brackets_the_theorem_for_tanh_five():
    # the upper bound is the generic point of the b-subspace chart (fibre.linear_point_bound)
    R = blowup_resolution(ideal=tanh_ideal(5), seconds=8)
    assert not R.exact and R.lower_bound == F(1, 2) and R.upper_bound == F(11, 10)
    assert any("generic point" in c.detail for c in R.charts if not c.exact)


def test_recognition_up_to_renaming_combinations_and_extra_moments():
    # x's are the b's, y's the a's, listed in a scrambled order; generators mixed and padded
    names = ("x2", "y1", "x3", "y3", "x1", "y2")
    texts = [f"{V(3, 1, 'y', 'x')} + 2*({V(3, 2, 'y', 'x')})",
             f"{V(3, 2, 'y', 'x')} - ({V(3, 4, 'y', 'x')})",
             f"3*({V(3, 3, 'y', 'x')}) + 5*({V(3, 1, 'y', 'x')}) + {V(3, 5, 'y', 'x')}"]
    gens, tau = gens_of(3, texts, names)
    H, pairs = odd_vandermonde(gens, tau)
    assert H == 3 and {(names[a], names[b]) for a, b in pairs} == {("y1", "x1"), ("y2", "x2"), ("y3", "x3")}
    r = rlct.rlct(ideal=texts, variables=names, budget=4)
    assert (r.lambda_, r.multiplicity) == LITERATURE[3]


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(0, 10**6))
def test_recognised_under_random_invertible_combinations(H, seed):
    rng = random.Random(seed)
    while True:  # a random invertible H×H rational matrix, plus higher moments
        C = [[F(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(H)] for _ in range(H)]
        if rank(C) == H:
            break
    texts = []
    for row in C:
        terms = [f"({c})*({V(H, k + 1)})" for k, c in enumerate(row) if c]
        terms += [f"({rng.randint(-2, 2)})*({V(H, H + j)})" for j in (1, 2)]
        texts.append(" + ".join(terms))
    perm = list(range(1, H + 1))
    rng.shuffle(perm)
    names = tuple(f"a{h}" for h in perm) + tuple(f"b{h}" for h in reversed(perm))
    gens, tau = gens_of(H, texts, names)
    found = odd_vandermonde(gens, tau)
    assert found is not None and found[0] == H


@pytest.mark.parametrize("texts, names, tau, why", [
    ([V(3, 1), V(3, 2)], None, None, "rank 2 < H = 3"),
    ([V(2, 1), V(2, 2)], None, (1, 0, 0, 0), "a prior exponent"),
    (["a1*b1 + 2*a2*b2", "a1*b1**3 + a2*b2**3"], None, None, "pair weights that differ between moments"),
    (["a1*b1 + a2*b2", "a1*b1**3 + 2*a2*b2**3 + a1*b1**5"], None, None, "pair weights differ within a generator"),
    (["a1*b1 + a2*b2", "a1*b1**2 + a2*b2**2"], None, None, "even powers"),
    (["a1**2*b1 + a2**2*b2", "a1*b1**3 + a2*b2**3"], None, None, "a squared a"),
    (["a1*b1 + a1*b2", "a1*b1**3 + a1*b2**3"], ("a1", "b1", "b2"), None, "pairs sharing a variable"),
    (["a1*b1 + a2*b2", "a1*b1**3 + a2*b2**3", "a1*b1**3*c"], ("a1", "a2", "b1", "b2", "c"), None, "extra variable"),
    ([V(4, 1), V(4, 2), f"{V(4, 3)} + {V(4, 4)}"], None, None, "rank 3 < H = 4"),
])
def test_not_recognised(texts, names, tau, why):
    names = names or tuple(sorted({v for t in texts for v in as_polynomial(t).variables}))
    gens = [as_polynomial(t, names) for t in texts]
    assert odd_vandermonde(gens, tau or (0,) * len(names)) is None, why


def test_pair_weights_are_a_change_of_coordinates():
    # a2 ↦ −a2 (and a1 ↦ 2·a1) map these onto I_2 (tanh H = 2: (2/3, 1))
    for texts in (["a1*b1 - a2*b2", "a1*b1**3 - a2*b2**3"], ["2*a1*b1 + a2*b2", "6*a1*b1**3 + 3*a2*b2**3"]):
        gens, tau = gens_of(2, texts)
        assert odd_vandermonde(gens, tau) == (2, ((0, 2), (1, 3)))
    r = rlct.rlct(ideal=["a1*b1 - a2*b2 + 3*a3*b3", "a1*b1**3 - a2*b2**3 + 3*a3*b3**3",
                         "a1*b1**5 - a2*b2**5 + 3*a3*b3**5"], theorems=False)
    assert (r.lambda_, r.multiplicity) == LITERATURE[3]   # the engine agrees: the weights keep (λ, m)


def test_rule_zero_is_not_used_on_a_wedge_or_with_a_prior():
    for kw in (dict(domain=["b1 >= b2"]), dict(prior="b1**2")):
        r = rlct.rlct(ideal=tanh_ideal(5), budget=2, **kw)
        assert r.method != "theorem" and "theorem" not in str(r.certificate), kw


def test_a_restriction_a_symmetry_drops_leaves_the_theorem_s_ideal():
    # a ↦ −a maps every generator to minus itself, (a1, b1) ↦ (−a1, −b1) keeps it: {a1, b1 >= 0} has
    # the full neighbourhood's value (rules/domain.py drops both restrictions)
    r = rlct.rlct(ideal=tanh_ideal(5), domain=["a1 >= 0", "b1 >= 0"], budget=4)
    assert (r.lambda_, r.multiplicity, r.method) == (F(11, 10), 1, "theorem")


def test_a_sum_with_a_disjoint_part_combines_the_theorem():
    # λ = 11/10 + 1/2 (sum rule over disjoint variables), m = 1 + 2 − 1; <c*d>: (1/2, 2)
    r = rlct.rlct(ideal=tanh_ideal(5) + ["c*d"], budget=20)
    assert (r.exact, r.lambda_, r.multiplicity) == (True, F(8, 5), 2)


def test_a_disagreement_is_never_reported_exact(monkeypatch):
    # if the theorem's value and the charts' ever differed, neither may be returned as exact
    monkeypatch.setattr(engine, "aoyagi_value", lambda H: (F(1, 10), 1, 1))   # below λ >= 1/2
    r = rlct.rlct(ideal=tanh_ideal(2), method="blowup")
    assert not r.exact and "one of them is wrong" in r.reason
    r = rlct.rlct(ideal=tanh_ideal(5), method="blowup", budget=2)    # below the charts' lower bound
    assert not r.exact and "one of them is wrong" in r.reason


def test_theorems_must_be_a_bool():
    with pytest.raises(InputError, match="theorems must be True or False"):
        rlct.rlct(ideal=tanh_ideal(2), theorems="yes")

