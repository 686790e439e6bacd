"""MCMC diagnostics on (chain, draw) arrays: effective sample size, split R-hat,
Monte Carlo standard error.

The estimators follow Vehtari, Gelman, Simpson, Carpenter, Bürkner (2021),
"Rank-normalization, folding, and localization: an improved R-hat", Bayesian
Analysis 16(2), as implemented in Stan and ArviZ: the multi-chain
autocorrelation is computed by FFT and truncated with Geyer's (1992) initial
monotone sequence.

Examples
--------
>>> import numpy as np
>>> x = np.random.default_rng(0).standard_normal((4, 1000))
>>> round(ess(x) / x.size, 1), round(rhat(x), 2)
(1.0, 1.0)
"""

from __future__ import annotations

import numpy as np

__all__ = ["autocorrelation", "ess", "rhat", "mcse"]


def autocorrelation(x: np.ndarray) -> np.ndarray:
    """Autocorrelation of each row of ``x`` (shape ``(chains, draws)``) by FFT.

    >>> autocorrelation(np.array([[1.0, -1.0, 1.0, -1.0]]))[0, :2].tolist()
    [1.0, -0.75]
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    n = x.shape[1]
    x = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(x, size, axis=1)
    acov = np.fft.irfft(f * np.conj(f), size, axis=1)[:, :n] / n
    with np.errstate(invalid="ignore", divide="ignore"):
        return acov / acov[:, :1]


def ess(x: np.ndarray) -> float:
    """Effective sample size of the mean of ``x`` (shape ``(chains, draws)``).

    Multi-chain autocorrelation (Stan's combination of within- and between-chain
    variance), truncated by Geyer's initial monotone positive sequence. Returns
    ``nan`` for fewer than 4 draws and the total number of draws for a constant
    array (nothing to estimate).

    >>> rng = np.random.default_rng(1)
    >>> z = np.zeros((2, 2000)); e = rng.standard_normal((2, 2000))
    >>> for t in range(1, 2000): z[:, t] = 0.9 * z[:, t - 1] + e[:, t]
    >>> 150 < ess(z) < 300   # AR(1) with ρ = 0.9: 4000 (1−ρ)/(1+ρ) ≈ 210
    True
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    m, n = x.shape
    if n < 4 or not np.all(np.isfinite(x)):
        return float("nan")
    var_chain = x.var(axis=1, ddof=1)
    if np.all(var_chain == 0):
        return float(m * n)
    acov = autocorrelation(x) * x.var(axis=1, ddof=0)[:, None]
    acov = np.nan_to_num(acov)
    chain_mean = x.mean(axis=1)
    mean_var = acov[:, 0].mean() * n / (n - 1)
    var_plus = mean_var * (n - 1) / n
    if m > 1:
        var_plus += chain_mean.var(ddof=1)
    rho = 1.0 - (mean_var - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sum pairs while positive, then make the pair sums monotone.
    t = 0
    pairs = []
    while t + 1 < n:
        p = rho[t] + rho[t + 1]
        if p < 0:
            break
        pairs.append(p)
        t += 2
    pairs = np.minimum.accumulate(np.array(pairs)) if pairs else np.array([1.0])
    tau = -1.0 + 2.0 * pairs.sum()
    tau = max(tau, 1.0 / np.log10(m * n + 10))  # Stan's cap on antithetic chains
    return float(m * n / tau)


def _split(x):
    n = x.shape[1] // 2
    return np.concatenate([x[:, :n], x[:, x.shape[1] - n:]], axis=0)


def _rhat_basic(x):
    m, n = x.shape
    B = n * x.mean(axis=1).var(ddof=1)
    W = x.var(axis=1, ddof=1).mean()
    if W == 0:
        return float("nan") if B > 0 else 1.0
    return float(np.sqrt(((n - 1) / n * W + B / n) / W))


def rhat(x: np.ndarray) -> float:
    """Rank-normalised split R-hat (the larger of bulk and folded), Vehtari et al. 2021.

    Values above 1.01 mean the chains disagree: run longer or check the start points.

    >>> x = np.random.default_rng(2).standard_normal((4, 500))
    >>> rhat(x) < 1.01, rhat(x + np.arange(4)[:, None]) > 1.5
    (True, True)
    """
    from scipy.special import ndtri
    from scipy.stats import rankdata

    x = np.atleast_2d(np.asarray(x, dtype=float))
    if x.shape[1] < 4 or not np.all(np.isfinite(x)):
        return float("nan")
    s = _split(x)

    def z(a):
        r = rankdata(a, method="average").reshape(a.shape)
        return ndtri((r - 0.375) / (a.size + 0.25))

    bulk = _rhat_basic(z(s))
    folded = _rhat_basic(z(np.abs(s - np.median(s))))
    return float(max(bulk, folded))


def mcse(x: np.ndarray, ess_value: float | None = None) -> float:
    """Monte Carlo standard error of the mean: sd / sqrt(ESS) (``ess_value`` when already computed).

    >>> x = np.random.default_rng(3).standard_normal((4, 1000))
    >>> 0.012 < mcse(x) < 0.02
    True
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    e = ess(x) if ess_value is None else ess_value
    if x.size < 2 or not (e and np.isfinite(e) and e > 0):
        return float("nan")
    return float(x.std(ddof=1) / np.sqrt(e))
