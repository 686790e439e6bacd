"""The JAX backend: user functions, the compiled driver, model losses.

Expected values are independent of the code under test: quadrature (rlct's cubature is tested
against closed forms elsewhere), the exact d/2 of a quadratic loss with a flat prior centred at
its minimiser (a Gaussian posterior), numpy evaluations of the same losses.
"""

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = jax.numpy

from rlct.errors import InputError  # noqa: E402
from rlct.models import DeepLinearNetwork, ReducedRankRegression, TwoLayerNetwork  # noqa: E402
from rlct.numeric import SGLD, Potential, llc, sample, estimate_from_trace  # noqa: E402
from rlct.numeric.jaxloss import function_loss  # noqa: E402
from rlct.numeric.modelloss import model_loss  # noqa: E402


def _linear_data(n=400, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ np.array([1.0, -0.5, 0.25])[:d] + rng.normal(size=n)
    what = np.linalg.lstsq(X, y, rcond=None)[0]            # the empirical minimiser (numpy)
    return X, y, what


def _linear(p, x):
    return jnp.dot(p["w"], x)


def test_function_loss_matches_numpy():
    X, y, what = _linear_data()
    L = function_loss(_linear, {"w": jnp.zeros(3)}, (X, y), loss="gaussian", noise=2.0)
    W = np.random.default_rng(1).normal(size=(5, 3))
    expect = np.array([np.mean((y - X @ w) ** 2) / (2 * 4.0) for w in W])
    grad = np.array([-(X.T @ (y - X @ w)) / len(y) / 4.0 for w in W])
    v, g = L.value_and_grad(W)
    assert np.allclose(v, expect, rtol=1e-12) and np.allclose(g, grad, rtol=1e-10)
    mse = function_loss(_linear, {"w": jnp.zeros(3)}, (X, y), loss="mse")
    assert np.allclose(mse.value(W), [np.mean((y - X @ w) ** 2) for w in W], rtol=1e-12)


def test_llc_of_a_regular_function_is_half_d():
    # L_n quadratic, flat prior, w* = its minimiser: the tempered posterior is Gaussian and
    # E_β[nβ(L_n − L_n(w*))] = d/2 exactly, at every nβ.
    X, y, what = _linear_data()
    est = llc(_linear, {"w": jnp.asarray(what)}, (X, y), prior="flat", chains=64, draws=600, seed=0)
    assert est.settings["backend"] == "jax (compiled)"
    assert abs(est.value - 1.5) < 4 * est.se and est.se < 0.0185     # 4 SE < 5 % of 1.5
    nuts = llc(_linear, {"w": jnp.asarray(what)}, (X, y), prior="flat", sampler="nuts", chains=16, draws=500,
               seed=1)
    assert abs(nuts.value - 1.5) < 3 * nuts.se and nuts.se < 0.025     # 3 SE < 5 % of 1.5


def test_compiled_mala_matches_quadrature_on_a_singular_K():
    U = Potential.from_polynomial("(w1*w2)**2", nbeta=579, backend="jax")
    est = estimate_from_trace(sample(U, "mala", chains=100, draws=1000, seed=2))
    # E_β[nβ K] at nβ = 579 on [-1, 1]², uniform prior: 0.37988, from test_numeric's independent
    # reduction to 1-D integrals (inner y-integrals in closed form), not from rlct's cubature
    from test_numeric import _cross_reference

    assert abs(est.value - _cross_reference(579.0)[0]) < 4 * est.se and est.se < 0.02


def test_minibatch_sgld_settings_and_value():
    X, y, what = _linear_data(n=2000)
    est = llc(_linear, {"w": jnp.asarray(what)}, (X, y), prior="flat", sampler=SGLD(2e-5), batch_size=200,
              chains=32, draws=1500, warmup=500, seed=3)
    assert est.settings["batch_size"] == 200 and est.settings["sampler"] == "sgld"
    # minibatch noise and the Langevin step bias λ̂ by a few percent at this ε; not more than 10 %
    assert abs(est.value - 1.5) < 0.15 + 3 * est.se


def test_model_losses_match_the_polynomials():
    rng = np.random.default_rng(0)
    for m in (ReducedRankRegression(3, 2, 2, 1), DeepLinearNetwork((2, 2, 2), r=1)):
        data = m.sample(300, seed=1)
        P, L = m.loss(data), model_loss(m, data)
        W = rng.normal(size=(3, m.d))
        assert np.allclose(L.value(W), [float(P([float(v) for v in w])) for w in W], rtol=1e-9)
        K, LK = m.kl(), model_loss(m)
        assert np.allclose(LK.value(W), [float(K([float(v) for v in w])) for w in W], rtol=1e-9)
    net = TwoLayerNetwork(2)
    data = net.sample(200, seed=2)
    W = rng.normal(size=(4, net.d))
    assert np.allclose(model_loss(net, data).value(W), net.loss(data).value(W), rtol=1e-10)
    assert np.allclose(model_loss(net).value(W), net.population_loss().value(W), rtol=1e-10)


def test_large_rrr_uses_jax_without_expanding_the_polynomial():
    m = ReducedRankRegression(8, 8, 8, 0)
    U = Potential.from_model(m, m.sample(100, seed=0))
    assert U.dim == 128 and U.polynomial is None and "second moments" in repr(U.loss_function)


@pytest.mark.parametrize("call, match", [
    (lambda: llc(_linear, {"w": jnp.zeros(3)}, (np.ones((5, 3)), np.ones(4))), "rows"),
    (lambda: llc(_linear, {"w": jnp.zeros(3)}, (np.full((5, 3), np.nan), np.ones(5))), "NaN"),
    (lambda: llc(_linear, {"w": jnp.zeros(3)}, (np.ones((5, 3)), np.ones(5)), loss="hinge"), "loss must be"),
    (lambda: llc(_linear, {"w": jnp.zeros(3)}), "params0, data"),
    (lambda: llc(_linear, {"w": jnp.zeros(3)}, (np.ones((5, 3)), np.ones(5)), batch_size=2), "SGLD"),
    (lambda: llc(lambda p, x: p["v"] * x, {"w": jnp.zeros(3)}, (np.ones((5, 3)), np.ones(5))), "failed"),
    (lambda: llc(_linear, {"w": jnp.zeros(3)}, (np.ones((5, 3)), np.ones(5)), sampler=SGLD(1e-3),
                 batch_size=50), "batch_size"),
])
def test_bad_function_input(call, match):
    with pytest.raises(InputError, match=match):
        call()


def test_compiled_runs_extend_reproducibly():
    from rlct.numeric import extend

    U = Potential.from_polynomial("w1**2 + (w1*w2)**2", nbeta=200, backend="jax")
    whole = sample(U, "mala", chains=4, draws=250, warmup=100, seed=5)
    part = extend(sample(U, "mala", chains=4, draws=150, warmup=100, seed=5), 100)
    assert part.draws == 250 and part.extensions == 1
    assert np.allclose(part.loss, whole.loss, rtol=0, atol=1e-12)


def test_expected_value_of_an_empirical_potential_above_d3_is_smc():
    # used to raise "K is not zero at at=..." (the asymptotic fallback called rlct() on L_n)
    from rlct.numeric import expected_lambda_hat

    m = ReducedRankRegression(4, 3, 2, 1)
    U = Potential.from_model(m, m.sample(1000, seed=0))
    ev = expected_lambda_hat(U)
    assert ev.method == "smc" and ev.error is not None and 2.5 < ev.value < 4.5
    with pytest.raises(InputError, match="empirical"):
        expected_lambda_hat(U, method="asymptotic")
