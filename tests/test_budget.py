"""Budgets that hold (issue 17): the engine's deadline reaches its inner loops, and a hard
problem given one second returns soon after with bounds and a reason.

Timing is tested only with a generous bound where the old code overran by far more
(TwoLayerNetwork(6) with budget 1 returned after 71 s); the rest tests the mechanism.
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
    r = rlct.rlct(TwoLayerNetwork(6), budget=1)
    assert time.perf_counter() - t < 6
    assert not r.exact and r.reason
    assert r.lower_bound <= Fraction(6, 5) <= r.upper_bound
