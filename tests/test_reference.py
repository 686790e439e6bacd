"""rlct.numeric.reference: the SMC finite-n reference, against quadrature and closed forms."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from rlct.errors import InputError, NotApplicable, Undecided
from rlct.numeric import Potential, Prior, expected_lambda_hat, reference_free_energy, reference_lambda_hat
from rlct.numeric.reference import _base_of


def _gaussian_case(d, nbeta=1000.0, s=1.5):
    """K = Σ c_i w_i² with the prior N(0, s²): E[nβ c_i w_i²] = nβ c_i/(2 nβ c_i + 1/s²) per coordinate
    and F = Σ ½ log(1 + 2 nβ c_i s²) (Gaussian integrals)."""
    c = np.linspace(0.2, 5.0, d)
    K = " + ".join(f"{float(ci)!r}*w{i + 1}**2" for i, ci in enumerate(c))
    lam = float(sum(nbeta * ci / (2 * nbeta * ci + 1 / s**2) for ci in c))
    F = float(sum(0.5 * math.log(1 + 2 * nbeta * ci * s**2) for ci in c))
    return K, Prior.gaussian(s), lam, F


def _pairs_2d(nbeta):
    """E[nβ (xy)²] on the uniform [-1, 1]², by scipy's dblquad (independent of rlct's cubature)."""
    Z = integrate.dblquad(lambda y, x: math.exp(-nbeta * (x * y) ** 2), 0, 1, 0, 1, epsabs=1e-13, epsrel=1e-12)[0]
    N = integrate.dblquad(lambda y, x: nbeta * (x * y) ** 2 * math.exp(-nbeta * (x * y) ** 2), 0, 1, 0, 1,
                          epsabs=1e-13, epsrel=1e-12)[0]
    return N / Z


def test_normal_crossing_matches_quadrature():
    # (w1 w2)² on [-1, 1]² at nβ = 579: 0.37988 by cubature (docs/numeric.md)
    ev = reference_lambda_hat("(w1*w2)**2", nbeta=579, particles=300, runs=4, seed=0, final_sweeps=20)
    exact = expected_lambda_hat("(w1*w2)**2", nbeta=579).value
    assert ev.method == "smc" and ev.nbeta == 579
    assert abs(ev.value - exact) < 3.5 * ev.error, (ev, exact)
    assert ev.error < 0.05 * exact          # tight enough that a 5 % bias would show
    assert ev.settings["runs"] == 4 and len(ev.settings["runs_lambda_hat"]) == 4


def test_w1sq_w2_fourth_matches_quadrature():
    # w1² w2⁴ at nβ = 579 on [-1, 1]²: 0.22233 by cubature (checked against plain Monte Carlo, 4·10⁷ draws)
    ev = reference_lambda_hat("w1**2*w2**4", nbeta=579, particles=1000, runs=6, seed=1, final_sweeps=20)
    exact = expected_lambda_hat("w1**2*w2**4", nbeta=579).value
    assert abs(ev.value - exact) < 3.5 * ev.error, (ev, exact)
    assert ev.error < 0.05 * exact / 2


@pytest.mark.slow
def test_separable_gaussian_closed_form_and_free_energy():
    # d = 6 closed forms: λ̂ and the free energy F (from the product of mean incremental weights)
    K, prior, lam, F = _gaussian_case(6)
    ev = reference_free_energy(K, nbeta=1000, prior=prior, particles=600, runs=6, seed=1, final_sweeps=30)
    assert abs(ev.settings["lambda_hat"] - lam) < 3.5 * ev.settings["lambda_hat_error"]
    assert ev.settings["lambda_hat_error"] < 0.05 * lam / 2
    assert abs(ev.value - F) < 3.5 * ev.error + 0.02, (ev.value, F)


def test_gaussian_prior_with_localisation_and_off_centre():
    # prior N(0, 1) × localisation γ around w* = (0.3, -0.2): the base is N(γ w*/(1 + γ), 1/(1 + γ));
    # K = ‖w − w*‖² shifts nothing else: E[nβ(w_j − w*_j)²] = nβ (v + (μ − w*_j)²), v = 1/(2nβ + 1 + γ),
    # μ = (γ + 2nβ) w*_j/(2nβ + 1 + γ)
    nb, g, c = 50.0, 4.0, np.array([0.3, -0.2])
    ev = reference_lambda_hat("(w1 - 3/10)**2 + (w2 + 1/5)**2", nbeta=nb, prior=Prior.gaussian(1.0), gamma=g,
                              center=[0.3, -0.2], particles=300, runs=4, seed=2)
    prec = 2 * nb + 1 + g
    mu = (g + 2 * nb) * c / prec
    exact = float(np.sum(nb * (1 / prec + (mu - c) ** 2)))
    assert abs(ev.value - exact) < 3.5 * ev.error, (ev, exact)


def test_reproducible_and_recorded():
    a = reference_lambda_hat("w1**2*w2**2", nbeta=100, particles=64, runs=2, seed=5, final_sweeps=2)
    b = reference_lambda_hat("w1**2*w2**2", nbeta=100, particles=64, runs=2, seed=5, final_sweeps=2)
    assert a.value == b.value and a.error == b.error
    s = a.settings
    assert s["seed"] == 5 and s["particles"] == 64 and s["evaluations"] > 0 and "free_energy" in s


def test_target_error_adds_runs_within_budget():
    ev = reference_lambda_hat("w1**2 + w2**2", nbeta=100, prior="gaussian", particles=64, runs=2, seed=0,
                              final_sweeps=2, target_error=1e-9, max_runs=5)
    assert ev.settings["runs"] == 5                                   # the target is out of reach
    kw = dict(nbeta=100, prior="gaussian", particles=64, runs=2, seed=0, final_sweeps=2)
    two = reference_lambda_hat("w1**2 + w2**2", **kw).settings["evaluations"]
    ev = reference_lambda_hat("w1**2 + w2**2", **kw, target_error=1e-9, max_runs=20, max_evaluations=two + 1)
    assert ev.settings["runs"] == 2                                   # the budget stops it at the minimum
    with pytest.raises(Undecided, match="max_evaluations"):          # the minimum itself is over budget
        reference_lambda_hat("w1**2 + w2**2", **kw, max_evaluations=two // 2)


def test_base_is_sampled_exactly():
    # uniform box × localisation: a truncated normal per coordinate; compare with scipy's
    U = Potential.from_polynomial("w1**2 + w2**2", nbeta=10, gamma=9.0, center=[0.5, 0.0],
                                  prior=Prior.uniform([0, -1], [1, 1]))
    w = _base_of(U).sample(np.random.default_rng(0), 200_000)
    for j, (lo, hi, c) in enumerate(((0, 1, 0.5), (-1, 1, 0.0))):
        a, b = (lo - c) * 3, (hi - c) * 3
        mean, var = stats.truncnorm.stats(a, b, loc=c, scale=1 / 3, moments="mv")
        assert abs(w[:, j].mean() - mean) < 4 * math.sqrt(var / len(w))
        assert abs(w[:, j].var() / var - 1) < 0.02
    # a box far in the Gaussian's tail keeps its precision
    U = Potential.from_polynomial("w1**2", nbeta=10, gamma=400.0, center=[0.95], prior=Prior.uniform(0.9, 1.0))
    x = _base_of(U).sample(np.random.default_rng(1), 10_000)
    assert np.all((x >= 0.9) & (x <= 1.0))


def test_uniform_prior_with_amplitude_matches_quadrature():
    # φ ∝ |w1| on [-1, 1]² (Lin's w^τ): the base |w1|^1 is drawn by inverse CDF
    prior = Prior.uniform(-1, 1).with_amplitude([1, 0])
    ev = reference_lambda_hat("(w1*w2)**2", nbeta=200, prior=prior, particles=300, runs=4, seed=3)
    exact = expected_lambda_hat("(w1*w2)**2", nbeta=200, prior=prior).value
    assert abs(ev.value - exact) < 3.5 * ev.error, (ev, exact)


@pytest.mark.parametrize("kw,err,match", [
    (dict(prior="flat"), InputError, "improper"),
    (dict(prior=Prior.gaussian(1.0).with_amplitude([1, 0])), NotApplicable, "amplitude"),
    (dict(particles=3), InputError, "particles"),
    (dict(runs=1), InputError, "runs"),
    (dict(ess_fraction=1.5), InputError, "ess_fraction"),
])
def test_bad_input(kw, err, match):
    with pytest.raises(err, match=match):
        reference_lambda_hat("(w1*w2)**2", nbeta=100, **kw)


@pytest.mark.slow
def test_sum_of_blocks_on_a_box_matches_scipy():
    # K = Σ_{i≤5} (w_{2i−1} w_{2i})² on [-1, 1]^10: E = 5 × the 2-D value (blocks independent)
    exact = 5 * _pairs_2d(579.0)
    K = " + ".join(f"(w{2 * i + 1}*w{2 * i + 2})**2" for i in range(5))
    ev = reference_lambda_hat(K, nbeta=579, particles=600, runs=6, seed=7)
    assert abs(ev.value - exact) < 3.5 * ev.error, (ev, exact)
    assert ev.error < 0.05 * exact / 2


@pytest.mark.slow
def test_error_bars_are_honest_over_seeds():
    # z-scores over independent seeds on the d = 6 Gaussian closed form: neither all tiny nor large
    K, prior, lam, _ = _gaussian_case(6, nbeta=300.0)
    z = []
    for seed in range(5):
        ev = reference_lambda_hat(K, nbeta=300, prior=prior, particles=150, runs=4, seed=100 + seed, final_sweeps=20)
        z.append((ev.value - lam) / ev.error)
    z = np.array(z)
    assert np.all(np.abs(z) < 4), z
    assert 0.05 < np.mean(z**2) < 4, z
