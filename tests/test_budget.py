"""Budgets that hold (issue 17): the engine's deadline reaches its inner loops, and a hard
problem given one second returns soon after with bounds and a reason.

Timing is tested only with a generous bound where the old code overran by far more
(TwoLayerNetwork(6) with budget 1 returned after 71 s); the rest tests the mechanism. The
last test is of the speed work beside it: the memo key up to signs.
"""

import time
from fractions import Fraction

import pytest

import rlct
from rlct.resolution.blowup.engine import Engine
from rlct.resolution.blowup.problems import OutOfTime, Prob
from rlct.resolution.blowup.rules.normalise import NormaliseRules
from rlct.polynomial import as_polynomial
from test_blowup import tanh_ideal


def test_past_the_deadline_the_rules_stop_and_the_chart_is_open():
    eng = Engine(1.0, 2000, 6, 5.0)
    eng.deadline = time.perf_counter() - 1          # already spent
    with pytest.raises(OutOfTime):
        eng.check_time()
    gens = tuple(as_polynomial(g) for g in tanh_ideal(2))
    val = eng.solve(Prob(gens, "ideal", (Fraction(0),) * 4, None))
    assert not val.exact and eng.out_of_budget
    assert [c.detail for c in eng.leaves] == ["budget exhausted"]


def test_the_rational_substitution_checks_its_deadline():
    h = as_polynomial("(x + y)**6 + x**3*y**5")
    num, den = as_polynomial("x - y**2"), as_polynomial("1 + x*y")
    calls = []
    out = NormaliseRules._rational_substitute(h, 0, num, den, False, lambda: calls.append(1))
    assert calls                                    # the hook runs between the terms

    def stop():
        raise OutOfTime

    with pytest.raises(OutOfTime):
        NormaliseRules._rational_substitute(h, 0, num, den, False, stop)
    # the same polynomial as den^6 · h(x = num/den), computed independently with sympy
    import sympy

    x, y = sympy.symbols("x y")
    H = (x + y)**6 + x**3*y**5
    expected = sympy.expand(sympy.cancel((1 + x*y)**6 * H.subs(x, (x - y**2) / (1 + x*y))))
    assert sympy.expand(out.to_sympy() - expected) == 0

def test_a_hard_network_with_budget_one_returns_soon_with_bounds():
    # TwoLayerNetwork(6): λ = 6/5 (Aoyagi); the old code returned after about 71 s with budget 1
    from rlct.models import TwoLayerNetwork

    t = time.perf_counter()
    r = rlct.rlct(TwoLayerNetwork(6), budget=1, theorems=False)   # blow-ups only (rule 0 would close it)
    assert time.perf_counter() - t < 6
    assert not r.exact and r.reason
    assert r.lower_bound <= Fraction(6, 5) <= r.upper_bound


def test_memo_key_is_invariant_under_sign_flips():
    # u_j ↦ −u_j and g ↦ −g keep the ideal and the prior |u|^τ, hence (λ, m): the memo key must
    # not see them (tanh H = 4's points of the sandwich are such copies); a different problem
    # must keep a different key
    import random

    from rlct.polynomial import Polynomial

    rng = random.Random(0)
    gens = tuple(as_polynomial(g) for g in ["a1*b1 - 2*a2*b2**2 + a1*a2", "a1*b1**3 + 3*a2*b2**3 - b1*b2"])
    names = gens[0].variables
    tau = (Fraction(0), Fraction(1), Fraction(0), Fraction(2))
    eng = Engine(10.0, 2000, 6, 5.0)
    key = eng.key(Prob(gens, "ideal", tau, None))
    for _ in range(10):
        s = [rng.choice((1, -1)) for _ in names]
        t = [rng.choice((1, -1)) for _ in gens]
        flipped = tuple(Polynomial({e: c * tk * Fraction((-1) ** sum(x for x, sj in zip(e, s) if sj < 0))
                                    for e, c in g.terms.items()}, names) for g, tk in zip(gens, t))
        assert eng.key(Prob(flipped, "ideal", tau, None)) == key
    other = (gens[0], as_polynomial("a1*b1**3 + 3*a2*b2**3 + b1*b2**2"))
    assert eng.key(Prob(other, "ideal", tau, None)) != key
    # in K mode K itself cannot change sign
    K = as_polynomial("a1**2 + b1**4 - a1*b1**2")
    assert Engine(10.0, 2000, 6, 5.0).key(Prob((K,), "K", (0, 0), None)) != \
        Engine(10.0, 2000, 6, 5.0).key(Prob((-K,), "K", (0, 0), None))
