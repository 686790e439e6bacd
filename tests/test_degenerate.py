"""Runs whose numbers are not findings are flagged (issue: degenerate sampler runs looked like results)."""

import numpy as np
import pytest

from rlct.errors import InputError
from rlct.numeric import HMC, MALA, Potential, Prior, estimate_from_trace, llc, sample


def _U(**kw):
    return Potential.from_polynomial("w1**2 + w2**2", nbeta=kw.pop("nbeta", 100), prior=Prior.gaussian(1.0), **kw)


@pytest.mark.parametrize("sampler", [MALA(step_size=100.0, spread=1.0), MALA(step_size=1e6, spread=1.0),
                                     HMC(step_size=10.0)])
def test_huge_steps_are_failed_runs(sampler):
    est = estimate_from_trace(sample(_U(), sampler, chains=8, draws=100, warmup=0, seed=0))
    assert not est.ok and any(f.startswith("failed run") for f in est.flags)
    assert "FLAGGED" in repr(est)


def test_a_potential_that_is_nan_somewhere_is_a_failed_run():
    def f(w):
        return np.where(w[:, 0] > 0.05, np.nan, (w**2).sum(1))

    def g(w):
        return np.where(w[:, :1] > 0.05, np.nan, 2 * w)

    U = Potential.from_callable(f, g, dim=2, nbeta=100, prior=Prior.gaussian(1.0))
    est = estimate_from_trace(sample(U, chains=16, draws=200, seed=0))
    assert any("NaN or −inf" in fl for fl in est.flags) and not est.ok


def test_absurd_temperature_is_flagged_not_zero_plus_minus_zero():
    est = llc("w1**2 + w2**2", nbeta=1e300, prior=Prior.gaussian(1.0), chains=8, draws=100, seed=0, max_draws=100)
    assert not est.ok and est.flags


def test_a_healthy_run_has_no_flags():
    est = estimate_from_trace(sample(_U(), chains=32, draws=400, seed=1))
    assert not est.flags


def test_unknown_estimator_name_is_an_error():
    tr = sample(_U(), chains=4, draws=60, seed=0)
    with pytest.raises(InputError, match="estimator must be one of"):
        estimate_from_trace(tr, estimator="bogus")


def test_a_failed_run_is_a_failed_run_in_the_report():
    import rlct

    rep = rlct.compare("w1**2 + w2**2", ns=[1000], sampler=MALA(step_size=1e6, spread=1.0), chains=8, draws=60,
                       seed=0, exact=False)
    assert rep.rows[0].verdict == "failed run" and rep.rows[0].z is None
