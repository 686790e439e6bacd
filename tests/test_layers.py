"""The exact side's layers: one prepared problem, the methods as functions of it, frozen
keyword-only results and immutable models with equality (issue 18)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

import rlct
from rlct import methods
from rlct.errors import InputError
from rlct.methods import Budget
from rlct.models import Multinomial, NormalMixture, ReducedRankRegression, TwoLayerNetwork
from rlct.problem import prepare
from rlct.resolution.blowup import BlowupChart, BlowupResolution
from rlct.resolution.toric import Chart, ToricResolution
from rlct.result import RLCT


def budget(seconds=10.0):
    return Budget(timeout=5.0, seconds=seconds)


def test_prepare_localises_once_for_every_method():
    # (w1 − 1)²(w1² + w2²)⁴ at (1, 3/10): K = u1²·unit near the point, λ = 1/2 (Lin 2011, Prop 3.7)
    p = prepare("(w1 - 1)**2*(w1**2 + w2**2)**4", at=[1, "3/10"])
    assert p.polynomial.coefficient((0, 0)) == 0 and p.at == (1, Fraction(3, 10)) and p.mode == "nonnegative"
    assert methods.monomial(p, budget()).pair == (Fraction(1, 2), 1)


def test_prepare_of_an_ideal_keeps_the_generators_and_squares_them():
    p = prepare(ideal=["w1*w2", "w2*w3"])
    assert p.mode == "ideal" and len(p.generators) == 2
    assert str(p.polynomial) == "w1**2*w2**2 + w2**2*w3**2"


def test_prepare_takes_a_model():
    p = prepare(ReducedRankRegression(2, 2, 1))
    assert p.mode == "ideal" and p.variables == ReducedRankRegression(2, 2, 1).parameters


@pytest.mark.parametrize("method, K, expected", [
    # Lin 2011, Prop 3.7 (monomial), Thm 4.15/4.18 (Newton), Remark 4.19 (degenerate: 3/4)
    ("monomial", "w1**2*w2**4", (Fraction(1, 4), 1)),
    ("newton", "w1**2 + w2**4", (Fraction(3, 4), 1)),
    ("toric", "w1**4 + w2**6", (Fraction(5, 12), 1)),
    ("blowup", "(w1 + w2)**2 + w2**4", (Fraction(3, 4), 1)),
])
def test_each_method_is_a_function_of_a_prepared_problem(method, K, expected):
    r = getattr(methods, method)(prepare(K), budget())
    assert isinstance(r, RLCT) and r.method == method and r.pair == expected


def test_a_method_that_does_not_apply_says_why():
    r = methods.monomial(prepare("w1**2 + w2**2"), budget())
    assert not r.exact and "not a monomial" in r.reason
    r = methods.newton(prepare("(w1 + w2)**2 + w2**4"), budget())
    assert not r.exact and r.upper_bound == 1 and "degenerate Newton face" in r.reason


def test_auto_is_the_chain_rlct_runs():
    for K in ("w1**2*w2**4", "w1**2 + w2**4", "(w1 + w2)**2 + w2**4"):
        assert methods.auto(prepare(K), budget()) == rlct.rlct(K)


def test_one_newton_decision():
    from rlct.newton import NewtonPolyhedron, newton_decision

    d = newton_decision(NewtonPolyhedron("(w1 + w2)**2 + w2**4"), (0, 0), timeout=5, budget=5)
    assert d.status == "degenerate" and d.bound == 1 and d.multiplicity == 1


@pytest.mark.parametrize("cls", [RLCT, BlowupChart, BlowupResolution, Chart, ToricResolution])
def test_results_are_frozen(cls):
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen


@pytest.mark.parametrize("cls", [BlowupChart, BlowupResolution, Chart, ToricResolution])
def test_resolution_results_are_keyword_only(cls):
    n = len(dataclasses.fields(cls))
    with pytest.raises(TypeError):
        cls(*range(n))


def test_rlct_is_keyword_only():
    with pytest.raises(TypeError):
        RLCT(Fraction(1, 2), 1, True, "newton")
    r = RLCT(lambda_=Fraction(1, 2), multiplicity=1, exact=True, method="newton")
    assert r.lower_bound == Fraction(1, 2)


def test_models_are_equal_by_class_and_arguments():
    assert TwoLayerNetwork(2) == TwoLayerNetwork(H=2, activation="tanh")
    assert hash(TwoLayerNetwork(2)) == hash(TwoLayerNetwork(H=2))
    assert TwoLayerNetwork(2) != TwoLayerNetwork(3)
    assert ReducedRankRegression(2, 2, 1) != TwoLayerNetwork(2)
    assert len({NormalMixture(), NormalMixture(), NormalMixture(sigma=2)}) == 2


def test_models_are_immutable():
    m = TwoLayerNetwork(2)
    with pytest.raises(AttributeError, match="immutable"):
        m.true_parameter = (0, 0, 0, 0)
    with pytest.raises(AttributeError, match="immutable"):
        del m.parameters


def test_bounds_are_per_model_and_read_only():
    mixture = Multinomial(["t", "1 - t"], bounds={"t": (0, 1)})
    assert dict(mixture.bounds) == {"t": (0, 1)}
    assert dict(TwoLayerNetwork(2).bounds) == {}       # not shared with the mixture
    with pytest.raises(TypeError):
        mixture.bounds["t"] = (0, 2)


def test_bad_budget_is_named():
    with pytest.raises(InputError, match="budget must be a positive number of seconds"):
        rlct.rlct("w1**2", budget=0)
