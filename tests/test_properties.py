"""Property tests (hypothesis): invariances of (λ, m) and the rules that combine them.

Every expected value here comes from an independent computation, not from the code under
test: the monomial formula λ = min_j (h_j+1)/(2k_j) (Lin 2011 Prop 3.7), the rank of a
quadratic form (λ = rank/2 for a positive semi-definite form, Watanabe 2009 Ch. 2), the
sum rule and product rule for functions of disjoint variables (Lin 2011 Prop 3.8;
Watanabe 2009 Remark 7.2), or the answer of the same computation on an equivalent input.
"""

from __future__ import annotations

import pickle
import random
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import rlct
from rlct.newton import NewtonPolyhedron

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def even_terms(d, max_half=3, min_size=1, max_size=5):
    """Sums of even monomials with positive integer coefficients in d variables."""
    exp = st.tuples(*[st.integers(0, max_half).map(lambda k: 2 * k)] * d).filter(any)
    return st.dictionaries(exp, st.integers(1, 9), min_size=min_size, max_size=max_size)


def _permute(terms, perm):
    return {tuple(e[p] for p in perm): c for e, c in terms.items()}


def _pair(r):
    return (r.lambda_, r.multiplicity)


def _lp_distance(exponents, tau):
    """min t with t(τ+1) in conv(exponents) + R^d_+, solved by scipy's LP (independent of rlct)."""
    import numpy as np
    from scipy.optimize import linprog

    A = np.array(exponents, dtype=float).T  # d x n
    d, n = A.shape
    c = np.zeros(n + 1)
    c[0] = 1.0
    # Σ μ_i α_i - t (τ+1) <= 0 ;  Σ μ_i = 1
    A_ub = np.hstack([-(np.array(tau, dtype=float) + 1).reshape(d, 1), A])
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(d), A_eq=np.hstack([[0.0], np.ones(n)]).reshape(1, -1),
                  b_eq=[1.0], bounds=[(0, None)] * (n + 1), method="highs")
    assert res.success
    return res.fun


# -- the monomial formula ------------------------------------------------------------------


@settings(max_examples=40, **SETTINGS)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=5).filter(any), st.data())
def test_monomial_formula(k, data):
    """K = Π w_j^(2k_j), prior Π |w_j|^(h_j): λ = min over k_j>0 of (h_j+1)/(2k_j), m = #argmin."""
    h = data.draw(st.lists(st.integers(0, 5), min_size=len(k), max_size=len(k)))
    d = len(k)
    K = {tuple(2 * x for x in k): 1}
    prior = {f"w{j + 1}": h[j] for j in range(d)}
    ratios = [Fraction(h[j] + 1, 2 * k[j]) for j in range(d) if k[j]]
    lam = min(ratios)
    r = rlct.rlct(K, prior=prior, variables=[f"w{j + 1}" for j in range(d)])
    assert r.exact and r.method == "monomial"
    assert _pair(r) == (lam, ratios.count(lam))


# -- invariances -----------------------------------------------------------------------------


@settings(max_examples=30, **SETTINGS)
@given(even_terms(3), st.permutations(range(3)))
def test_permuting_variables(terms, perm):
    a = rlct.rlct(terms, variables=["w1", "w2", "w3"])
    b = rlct.rlct(_permute(terms, perm), variables=["w1", "w2", "w3"])
    assert a.exact and b.exact
    assert _pair(a) == _pair(b)


@settings(max_examples=30, **SETTINGS)
@given(even_terms(3), st.lists(st.fractions(min_value=Fraction(1, 50), max_value=50), min_size=5, max_size=5))
def test_scaling_coefficients(terms, scales):
    """Positive rescaling of each coefficient of a sum of even monomials keeps (λ, m)."""
    scaled = {e: c * scales[i % 5] for i, (e, c) in enumerate(sorted(terms.items()))}
    a = rlct.rlct(terms, variables=["w1", "w2", "w3"])
    b = rlct.rlct(scaled, variables=["w1", "w2", "w3"])
    assert _pair(a) == _pair(b)


@settings(max_examples=30, **SETTINGS)
@given(st.integers(0, 10**6), st.fractions(min_value=Fraction(1, 100), max_value=100))
def test_common_scale_and_variable_scaling(seed, c):
    """K ↦ c·K and w ↦ diag(s)·w keep (λ, m) and the exactness of any polynomial."""
    rnd = random.Random(seed)
    w1, w2 = sympy.symbols("w1 w2")
    f = sum(rnd.randint(-3, 3) * w1 ** rnd.randint(0, 3) * w2 ** rnd.randint(0, 3) for _ in range(3))
    f = sympy.expand(f - f.subs({w1: 0, w2: 0}))
    assume(f != 0)
    K = f**2
    s1, s2 = Fraction(rnd.randint(1, 5), rnd.randint(1, 5)), Fraction(-rnd.randint(1, 5), rnd.randint(1, 5))
    a = rlct.rlct(K)
    b = rlct.rlct(sympy.Rational(c.numerator, c.denominator) * K)
    v = rlct.rlct(K.subs({w1: sympy.Rational(s1.numerator, s1.denominator) * w1,
                          w2: sympy.Rational(s2.numerator, s2.denominator) * w2}, simultaneous=True))
    assert (a.exact, _pair(a)) == (b.exact, _pair(b)) == (v.exact, _pair(v))


@settings(max_examples=30, **SETTINGS)
@given(even_terms(3, min_size=2), st.data())
def test_adding_monomials_inside_the_polyhedron(terms, data):
    """A positive even monomial inside Γ+(K) (here: the even ceiling of a midpoint of two
    exponents, plus an orthant step) changes neither (λ, m) nor the Newton polyhedron."""
    exps = sorted(terms)
    i = data.draw(st.integers(0, len(exps) - 1))
    j = data.draw(st.integers(0, len(exps) - 1))
    step = data.draw(st.tuples(*[st.integers(0, 1).map(lambda k: 2 * k)] * 3))
    mid = tuple(2 * -(-(a + b) // 4) + s for a, b, s in zip(exps[i], exps[j], step))
    assert NewtonPolyhedron(terms).contains(mid)
    more = dict(terms)
    more[mid] = more.get(mid, 0) + data.draw(st.integers(1, 9))
    assert NewtonPolyhedron(more).vertices == NewtonPolyhedron(terms).vertices
    assert _pair(rlct.rlct(terms)) == _pair(rlct.rlct(more))


# -- sum and product rules for disjoint variables ------------------------------------------


@settings(max_examples=25, **SETTINGS)
@given(even_terms(2), even_terms(2))
def test_sum_rule(t1, t2):
    """K1(x) + K2(y): λ = λ1 + λ2, m = m1 + m2 − 1."""
    a = rlct.rlct(t1, variables=["w1", "w2"])
    b = rlct.rlct(t2, variables=["w1", "w2"])
    both = {e + (0, 0): c for e, c in t1.items()}
    both.update({(0, 0) + e: c for e, c in t2.items()})
    r = rlct.rlct(both, variables=["w1", "w2", "w3", "w4"])
    assert r.exact
    assert _pair(r) == (a.lambda_ + b.lambda_, a.multiplicity + b.multiplicity - 1)


@settings(max_examples=25, **SETTINGS)
@given(even_terms(2, max_size=3), even_terms(2, max_size=3))
def test_product_rule(t1, t2):
    """K1(x)·K2(y): λ = min(λ1, λ2); m = the multiplicity of the smaller, m1 + m2 on a tie."""
    a = rlct.rlct(t1, variables=["w1", "w2"])
    b = rlct.rlct(t2, variables=["w1", "w2"])
    prod = {}
    for e1, c1 in t1.items():
        for e2, c2 in t2.items():
            prod[e1 + e2] = prod.get(e1 + e2, 0) + c1 * c2
    r = rlct.rlct(prod, variables=["w1", "w2", "w3", "w4"])
    assert r.exact
    if a.lambda_ == b.lambda_:
        expected = (a.lambda_, a.multiplicity + b.multiplicity)
    else:
        expected = _pair(min(a, b, key=lambda x: x.lambda_))
    assert _pair(r) == expected


# -- quadratic forms: λ = rank / 2 -------------------------------------------------------------


@settings(max_examples=30, **SETTINGS)
@given(st.integers(2, 4), st.integers(1, 4), st.integers(0, 10**6))
def test_quadratic_forms(d, r, seed):
    """K = Σ_i (l_i·w)² has λ = rank/2, m = 1; positive definite forms are always decided."""
    rnd = random.Random(seed)
    ws = sympy.symbols(f"w1:{d + 1}")
    rows = [[rnd.randint(-2, 2) for _ in range(d)] for _ in range(r)]
    rank = sympy.Matrix(rows).rank()
    assume(rank > 0)
    K = sum(sum(c * w for c, w in zip(row, ws)) ** 2 for row in rows)
    res = rlct.rlct(K, variables=[str(w) for w in ws])
    if rank == d:
        assert res.exact
    if res.exact:
        assert _pair(res) == (Fraction(rank, 2), 1)
    else:
        assert res.upper_bound >= Fraction(rank, 2)


# -- certificates and results ---------------------------------------------------------------


@settings(max_examples=30, **SETTINGS)
@given(even_terms(3), st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)))
def test_certificates_check_and_results_pickle(terms, tau):
    prior = dict(zip(("w1", "w2", "w3"), tau))
    r = rlct.rlct(terms, prior=prior, variables=["w1", "w2", "w3"])
    assert r.exact
    if r.method == "newton":
        assert r.certificate.check()
        # independent: the τ-distance as a floating-point LP (scipy HiGHS) over the exponents
        assert 1 / float(r.lambda_) == pytest.approx(_lp_distance(list(terms), tau), rel=1e-9)
    back = pickle.loads(pickle.dumps(r))
    assert back == r and _pair(back) == _pair(r)
    assert str(r.lambda_) in repr(r)
