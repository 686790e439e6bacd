"""Runs that are long enough by themselves: extend(), run_until_converged(), and the flags of
estimates whose run did not converge."""

import numpy as np
import pytest

from rlct.errors import InputError
from rlct.numeric import Potential, expected_lambda_hat, extend, llc, run_until_converged, sample, wbic
from rlct.numeric.convergence import check_targets


def _U():
    return Potential.from_polynomial("(w1*w2)**2", nbeta=579)


def test_extend_equals_one_long_run():
    # the generator continues where the run stopped: same draws as one run of the total length
    U = _U()
    a = extend(extend(sample(U, chains=6, draws=40, warmup=30, seed=3, thin=5), 25), 35)
    b = sample(U, chains=6, draws=100, warmup=30, seed=3, thin=5)
    assert np.array_equal(a.loss, b.loss)
    assert np.array_equal(a.positions, b.positions)
    assert np.array_equal(a.divergences, b.divergences)
    assert np.allclose(a.acceptance, b.acceptance)
    assert np.array_equal(a.max_distance, b.max_distance)
    assert a.extensions == 2 and a.settings()["extensions"] == 2 and "extensions" not in b.settings()


def test_extend_discard_moves_draws_to_warmup():
    U = _U()
    tr = sample(U, chains=4, draws=60, warmup=30, seed=0, thin=10)
    ex = extend(tr, 40, discard=20)
    full = sample(U, chains=4, draws=100, warmup=30, seed=0, thin=10)
    assert ex.warmup == 50 and ex.draws == 80
    assert np.array_equal(ex.loss, full.loss[:, 20:])
    assert np.array_equal(ex.positions, full.positions[:, 2:])
    assert np.allclose(ex.warmup_loss[30:], full.loss[:, :20].mean(axis=0))


def test_extend_bad_input():
    tr = sample(_U(), chains=2, draws=10, warmup=20, seed=0)
    with pytest.raises(InputError, match="draws"):
        extend(tr, 0)
    with pytest.raises(InputError, match="discard"):
        extend(tr, 5, discard=15)
    with pytest.raises(InputError, match="Trace"):
        extend("not a trace", 5)


def test_default_run_fails_rhat_and_extended_run_passes_and_agrees_with_quadrature():
    # (w1 w2)² at nβ = 579: 16 chains × 200 draws have split R-hat > 1.01; the extended run
    # passes and agrees with the ideal sampler's value (quadrature, independent of the sampler)
    ideal = expected_lambda_hat("(w1*w2)**2", nbeta=579).value
    for seed in range(3):
        once = llc("(w1*w2)**2", nbeta=579, chains=16, draws=200, seed=seed, max_seconds=0)
        assert once.rhat > 1.01
        assert not once.ok and once.flags[0].startswith("not converged: R-hat")
        assert "not converged" in repr(once)
        est = llc("(w1*w2)**2", nbeta=579, chains=16, draws=200, seed=seed, max_seconds=60)
        conv = est.settings["convergence"]
        assert conv["converged"] and conv["extensions"] >= 1 and conv["draws"] > 200
        assert est.rhat < 1.01 and est.ess >= 400 and not est.flags
        assert est.trace.draws == conv["draws"]
        assert abs(est.value - ideal) < 4 * est.se
        assert est.se < once.se


def test_too_short_budget_gives_flagged_estimate_with_reason_in_repr():
    est = llc("(w1*w2)**2", nbeta=579, chains=16, draws=200, seed=0, max_seconds=1e-3)
    assert not est.ok
    assert est.settings["convergence"]["extensions"] == 0
    flag = [f for f in est.flags if f.startswith("not converged")]
    assert flag and "time budget" in flag[0] and "R-hat" in flag[0]
    assert "FLAGGED (not converged: R-hat" in repr(est) and "max_seconds=0.001" in repr(est)


def test_wbic_extends_too():
    once = wbic("(w1*w2)**2", n=4000, chains=16, draws=200, seed=0, max_seconds=0)
    est = wbic("(w1*w2)**2", n=4000, chains=16, draws=200, seed=0, max_seconds=60)
    assert once.flags and not est.flags and est.settings["convergence"]["extensions"] >= 1
    assert est.rhat < 1.01


def _ar1_block(start, rho=0.9, chains=4, seed=0):
    """A fake back end: AR(1) chains starting at ``start`` (relaxing to 0), as a run_block."""
    rng = np.random.default_rng(seed)

    def run_block(previous, draws, discard):
        x0 = np.full(chains, float(start)) if previous is None else previous[:, -1]
        out = np.empty((chains, draws))
        for t in range(draws):
            x0 = rho * x0 + rng.standard_normal(chains)
            out[:, t] = x0
        return out if previous is None else np.concatenate([previous, out], axis=1)[:, discard:]

    return run_block


def test_run_until_converged_discards_a_non_stationary_start():
    # a start 60 standard deviations out: the first half differs from the second, so the loop
    # moves it to warm-up instead of averaging it in
    run, conv = run_until_converged(_ar1_block(60.0), lambda r: r, draws=200, ess=400, max_seconds=1,
                                    clock=lambda: 0.0)
    assert conv.converged and conv.discarded > 0 and conv.extensions >= 1
    assert run.shape[1] == conv.draws
    assert abs(run.mean()) < 5 * run.std() / np.sqrt(conv.ess)


def test_run_until_converged_draw_limit_and_fake_clock():
    ticks = iter(range(10**6))
    run, conv = run_until_converged(_ar1_block(0.0, rho=0.999), lambda r: r, draws=50, ess=10**6,
                                    max_draws=400, clock=lambda: float(next(ticks)))
    assert not conv.converged and "limit of 400 draws per chain (max_draws)" in conv.reason
    assert run.shape[1] <= 400
    assert conv.flag.startswith("not converged: ")


def test_targets_are_checked():
    with pytest.raises(InputError, match="ess"):
        llc("w1**2", nbeta=10, chains=4, draws=50, ess=-1)
    with pytest.raises(InputError, match="rhat"):
        run_until_converged(_ar1_block(0.0), lambda r: r, draws=50, rhat=0.9)
    x = np.random.default_rng(0).standard_normal((4, 400))
    assert check_targets(x, ess=10**6)["problems"] == [f"ESS {check_targets(x)['ess']:.0f} < 1e+06"]


def test_data_set_spread_is_stated_and_bootstrap_measures_it():
    from rlct.models import ReducedRankRegression

    m = ReducedRankRegression(2, 2, 1, 0)
    data = m.sample(200, seed=0)
    est = llc(m, data, chains=8, draws=100, seed=0, max_seconds=0)
    assert "SE excludes data-set spread" in repr(est) and "Watanabe" in est.settings["estimand"]
    boot = llc(m, data, chains=8, draws=100, seed=0, bootstrap=4, max_seconds=0)
    b = boot.settings["bootstrap"]
    assert b["B"] == 4 and len(b["values"]) == 4 and np.isfinite(b["sd"]) and b["sd"] > 0
    assert f"data-set SD {b['sd']:.2g} (bootstrap, B=4)" in repr(boot)
    assert boot.value == est.value                 # the estimate itself is unchanged
    with pytest.raises(InputError, match="bootstrap"):
        llc("w1**2", nbeta=10, chains=4, draws=50, bootstrap=3)


def test_default_budget_is_ten_times_the_draws_and_does_not_depend_on_time():
    now = [0.0]                             # a fake clock: 50 draws per "second"
    inner = _ar1_block(0.0, rho=0.999)

    def block(previous, draws, discard):
        now[0] += draws / 50
        return inner(previous, draws, discard)

    run, conv = run_until_converged(block, lambda r: r, draws=50, ess=10**6, clock=lambda: now[0])
    assert conv.targets["max_draws"] == 500 and conv.targets["max_seconds"] is None
    assert not conv.converged and "at the limit of 500 draws per chain (max_draws = 10 × draws)" in conv.reason
    assert 375 < run.shape[1] <= 500
    # the same decisions with a clock that runs a thousand times slower: no time limit by default
    slow = [0.0]
    inner2 = _ar1_block(0.0, rho=0.999)

    def block2(previous, draws, discard):
        slow[0] += draws * 20
        return inner2(previous, draws, discard)

    run2, conv2 = run_until_converged(block2, lambda r: r, draws=50, ess=10**6, clock=lambda: slow[0])
    assert np.array_equal(run, run2) and conv2.reason == conv.reason


def test_default_llc_is_reproducible_from_the_seed():
    a = llc("(w1*w2)**2", nbeta=579, chains=16, draws=200, seed=5)
    b = llc("(w1*w2)**2", nbeta=579, chains=16, draws=200, seed=5)
    assert a.value == b.value and a.settings["convergence"] == b.settings["convergence"]


@pytest.mark.slow
def test_tanh_staircase_script_quick(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "docs" / "examples" / "tanh_staircase.py"
    p = subprocess.run([sys.executable, str(script), "--quick", "--out", str(tmp_path)], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "tanh_staircase.png").stat().st_size > 10_000
    rows = (tmp_path / "tanh_staircase_table.md").read_text().splitlines()
    assert len(rows) == 2 + 4 and rows[2].startswith("| 1 | 10² |")


# -- the annealed start (init="anneal", the estimators' default for MALA/HMC/NUTS) --------------------------
def test_anneal_is_the_estimators_default_and_is_reproducible():
    a = llc("(w1*w2)**2", nbeta=579, chains=16, draws=200, seed=5)
    assert a.trace.settings()["start"].startswith("anneal")
    assert llc("(w1*w2)**2", nbeta=579, sampler="sgld", chains=4, draws=50, seed=5,
               max_draws=50).trace.settings()["start"] == "center"          # devinterp's convention for SGLD
    U = _U()
    x = sample(U, chains=8, draws=50, warmup=40, seed=2, init="anneal")
    y = sample(U, chains=8, draws=50, warmup=40, seed=2, init="anneal")
    z = sample(U, chains=8, draws=50, warmup=40, seed=2)
    assert np.array_equal(x.loss, y.loss) and not np.array_equal(x.loss, z.loss)
    # the stages' steps are counted (4 stages × (max(20, 40 // 5) + max(20, 40 // 4))), and their time is in seconds
    assert (x.ladder_steps, z.ladder_steps) == (4 * (20 + 20), 0)
    assert x.steps_per_second == x.chains * (x.draws + x.warmup + 160) / x.seconds
    with pytest.raises(InputError, match="init must be"):
        sample(U, chains=4, draws=50, init="annealed")


def test_anneal_leaves_no_chain_stuck():
    # K = w1⁴w2⁴ at nβ = 8686: chains spread at nβ/64 over the box; where K's gradient is steep the
    # step size shared by all chains is too long at the next temperature and a chain can accept
    # nothing for ever (it happened with seed 1 before stuck chains were restarted: λ̂ 3.2 ± 3.1).
    # Every chain must keep moving, and λ̂ must match the quadrature value of E[nβK] (0.175).
    U = Potential.from_polynomial("w1**4*w2**4", nbeta=8686)
    for seed in range(4):
        tr = sample(U, chains=100, draws=300, seed=seed, init="anneal")
        assert tr.acceptance.min() > 0.2, seed
    ref = expected_lambda_hat(U)
    est = llc(U, chains=100, draws=500, seed=1)
    assert abs(est.value - ref.value) < 3 * est.se + 3 * ref.error, (est, ref)


@pytest.mark.slow
def test_anneal_removes_the_lag_along_flat_directions():
    # DLN(2,2,2,2), r = 1 (d = 12) at n = 10⁴ (population potential): all chains started at the
    # singular point w* lag together along the flat directions of K = 0 (λ̂ 1.745 ± 0.009, R-hat
    # 1.009, against 1.782 ± 0.010 by sequential Monte Carlo, an independent method). The default
    # (annealed) start must agree with the SMC reference within 2.5 combined SE (a 2 % bias is ≈ 3 SE).
    from rlct.models import DeepLinearNetwork
    from rlct.numeric import reference_lambda_hat

    U = Potential.of(DeepLinearNetwork((2, 2, 2, 2), r=1), "population", n=10**4)
    ref = reference_lambda_hat(U, particles=1000, runs=4, seed=0)
    est = llc(U, seed=1)
    assert est.ok, est
    assert abs(est.value - ref.value) < 2.5 * np.hypot(est.se, ref.error), (est, ref)
