"""The data-set spread of an estimate: refit on resampled data sets.

λ̂ on an empirical loss L_n is a property of the data set as well as of the model:
Watanabe (2013, JMLR 14, Theorem 4) has E_β[n L_n] = n L_n(w0) + λ/β + U_n √(λ/(2β)) + O_p(1)
with U_n a random variable of order one, so λ̂ = β(E_β[nL_n] − nL_n(w0)) moves between data
sets by an amount of order √(λβ/2) — at β = 1/log n that shrinks only like 1/√(log n), and it
is usually far larger than the Monte Carlo standard error, which holds the data set fixed.
:func:`bootstrap_spread` measures it by the parametric bootstrap: fresh data sets of the
same size from the model at w*, each refit, and the standard deviation of the refits.

The nonparametric bootstrap (resampling the observations) is not used: in its world the
"true" distribution is the empirical one, whose best fit is not w*, so λ̂ at w* is biased
there and its spread inflated (for ``TwoLayerNetwork(2)`` at n = 1000: standard deviation
0.33 with negative refits, against 0.13 over fresh data sets).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..validate import check_int, seed_sequence

__all__ = ["bootstrap_spread"]


def bootstrap_spread(refit: Callable, draw_data: Callable, B: int, seed=None) -> dict:
    """Refit on ``B`` fresh data sets: ``draw_data(seed_b)`` makes one (e.g.
    ``lambda s: model.sample(n, seed=s)``), ``refit(data_b, seed_b)`` returns an Estimate.

    Returns a dict: ``B``, ``values`` (the refits' estimates), ``sd`` (their standard
    deviation: the data-set spread), ``mc_se`` (the refits' mean Monte Carlo SE),
    ``flagged`` (refits with flags), ``method``.

    Examples
    --------
    >>> class E:                              # a stand-in for an Estimate: the mean of the data
    ...     def __init__(self, v): self.value, self.se, self.flags = v, 0.0, ()
    >>> draw = lambda s: np.random.default_rng(s).standard_normal(100)
    >>> out = bootstrap_spread(lambda d, s: E(float(d.mean())), draw, B=400, seed=0)
    >>> bool(abs(out["sd"] - 0.1) < 0.01)    # the standard error of a mean of 100 N(0, 1)
    True
    """
    B = check_int(B, "bootstrap (the number of resampled data sets)", minimum=2)
    ss = seed_sequence(seed)
    values, ses, flagged = [], [], 0
    for child in ss.spawn(int(B)):
        data_ss, fit_ss = child.spawn(2)
        est = refit(draw_data(int(data_ss.generate_state(1)[0])), fit_ss)
        values.append(float(est.value))
        ses.append(float(est.se))
        flagged += bool(est.flags)
    v = np.array(values)
    ok = np.isfinite(v)
    return {"B": int(B), "values": values, "sd": float(np.std(v[ok], ddof=1)) if ok.sum() > 1 else float("nan"),
            "mc_se": float(np.nanmean(ses)), "flagged": int(flagged),
            "method": "parametric bootstrap: fresh data sets of the same size from the model at w*, each refit "
                      "by the same sampler; sd = standard deviation of the refits"}
