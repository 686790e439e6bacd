"""General Markov models on binary trees: the model against brute-force numpy, the star tree
against NaiveBayes, and the engine at points whose (λ, m) follows from an independent Jacobian-rank
computation (a smooth true set of codimension r through w0 with Jacobian rank r gives (r/2, 1))."""

from fractions import Fraction as F
from itertools import product

import numpy as np
import pytest

import rlct
from rlct import known
from rlct.errors import InputError
from rlct.models import BinaryTreeModel, NaiveBayes, from_spec
from rlct.linalg import rank
from rlct.polynomial import as_polynomial

RNG = np.random.default_rng(4)
QUARTET = [("h", "x1"), ("h", "x2"), ("h", "g"), ("g", "x3"), ("g", "x4")]
REGULAR = ["1/2", "1/4", "3/4", "1/3", "2/3", "1/5", "4/5", "1/4", "2/3", "1/3", "3/5"]
FLAT_EDGE = ["1/2", "1/4", "3/4", "1/3", "2/3", "1/2", "1/2", "1/4", "2/3", "1/3", "3/5"]   # g ⊥ h


def jacobian_rank(model):
    """The exact rank (over Fractions) of the ideal's Jacobian at the true point."""
    return rank([[g.derivative(j)(model.true_parameter) for j in range(model.d)] for g in model.ideal()])


def test_quartet_probabilities_brute_force():
    m = BinaryTreeModel(QUARTET, true=REGULAR)
    assert m.parameters == ("p_h", "x1_0", "x1_1", "x2_0", "x2_1", "g_0", "g_1", "x3_0", "x3_1", "x4_0", "x4_1")
    w = [F(int(k), 11) for k in RNG.integers(1, 11, m.d)]
    v = dict(zip(m.parameters, map(float, w)))

    def bern(p, x):
        return p if x else 1 - p

    for x, p in zip(m.outcomes, m.probabilities):
        total = 0.0
        for h, g in product((0, 1), repeat=2):
            total += (bern(v["p_h"], h) * bern(v[f"g_{h}"], g) * bern(v[f"x1_{h}"], x[0]) * bern(v[f"x2_{h}"], x[1])
                      * bern(v[f"x3_{g}"], x[2]) * bern(v[f"x4_{g}"], x[3]))
        assert float(p(w)) == pytest.approx(total, rel=1e-12)


def test_quartet_moebius():
    m = BinaryTreeModel(QUARTET, true=REGULAR)
    moments = m.moments()
    one = as_polynomial("1", variables=m.parameters)
    for x, p in zip(m.outcomes, m.probabilities):
        ones = {i for i, xi in enumerate(x) if xi}
        total = as_polynomial("0", variables=m.parameters)
        for T in product((0, 1), repeat=4):
            S = tuple(i for i, t in enumerate(T) if t)
            if ones <= set(S):
                total = total + (moments[S] if S else one) * (-1) ** (len(S) - len(ones))
        assert total == p


def test_star_tree_is_naive_bayes():
    star = BinaryTreeModel([("h", "x1"), ("h", "x2"), ("h", "x3")], true=["1/2", "1/4", "3/4", "1/4", "3/4", "1/2", "1/2"])
    nb = NaiveBayes(3, true=["1/2", "1/4", "1/4", "1/2", "3/4", "3/4", "1/2"])
    w = [F(int(k), 9) for k in RNG.integers(1, 9, 7)]
    t, pairs = w[0], [(w[1 + 2 * i], w[2 + 2 * i]) for i in range(3)]
    w_nb = [t] + [a for a, _ in pairs] + [b for _, b in pairs]
    assert [p(w) for p in star.probabilities] == [p(w_nb) for p in nb.probabilities]
    assert rlct.rlct(star, budget=30).pair == known.naive_bayes(3, 2).pair == (F(5, 2), 1)


def test_quartet_flat_edge_is_smooth_codimension_seven():
    # g ⊥ h: q = T12 ⊗ T34, each 2×2 table a two-class mixture with a 2-dimensional fibre (5 parameters,
    # 3-dimensional image), so the true set holds a 4-dimensional manifold through w0; the Jacobian
    # rank 7 = 11 − 4 makes it the whole true set near w0 and K ≍ a sum of 7 squares: (7/2, 1)
    m = BinaryTreeModel(QUARTET, true=FLAT_EDGE)
    assert jacobian_rank(m) == 7
    assert rlct.rlct(m, budget=30).pair == (F(7, 2), 1)


@pytest.mark.slow
def test_quartet_regular_point():
    m = BinaryTreeModel(QUARTET, true=REGULAR)
    assert jacobian_rank(m) == m.d == 11
    assert rlct.rlct(m, budget=120).pair == known.regular(11).pair


def test_tree_errors():
    with pytest.raises(InputError, match="two parents"):
        BinaryTreeModel([("a", "x"), ("b", "x")], true=[0] * 5)
    with pytest.raises(InputError, match="exactly one node without a parent"):
        BinaryTreeModel([("a", "x"), ("b", "y")], true=[0] * 5)
    with pytest.raises(InputError, match="cycle|exactly one node"):
        BinaryTreeModel([("a", "b"), ("b", "a")], true=[0] * 5)
    with pytest.raises(InputError, match="needs a true parameter"):
        BinaryTreeModel(QUARTET)
    with pytest.raises(InputError, match="pair"):
        BinaryTreeModel([("a", "b", "c")], true=[0] * 3)
    m = from_spec("BinaryTreeModel(edges=[('h', 'x1'), ('h', 'x2')], true=[0.5, 0.25, 0.75, 0.25, 0.75])")
    assert m == BinaryTreeModel(edges=[("h", "x1"), ("h", "x2")], true=[0.5, 0.25, 0.75, 0.25, 0.75])
