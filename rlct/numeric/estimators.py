"""Estimators of the learning coefficient from samples, each returning an :class:`Estimate`.

- :func:`llc` — the local learning coefficient λ̂ = nβ (E_β[L_n] − L_n(w*)) at
  β = 1/log n (Lau, Furman, Wang, Murfet, Wei 2023, arXiv:2308.12108);
  :func:`llc_curve` — the same across a range of n;
- :func:`wbic` — E_β[n L_n] at β = 1/log n (Watanabe 2013, JMLR 14:867–897);
- :func:`two_temperature` — (E_β1[nL_n] − E_β2[nL_n]) / (1/β1 − 1/β2) (Watanabe 2013);
- :func:`slope` — the weighted least-squares slope of E_β[nL_n] against 1/β over
  several temperatures (Wei, Murfet, Gong, Li, Gell-Redman, Quella 2022);
- :func:`llc_sgld` — devinterp's localised SGLD at two or three step sizes and
  the linear extrapolation ε → 0;
- :func:`free_energy` — F(nβ) by thermodynamic integration over a ladder of
  temperatures, with the curve F against log nβ;
- :func:`volume_scaling` — the volume V(ε) = φ{f − f* < ε} read off the same
  ladder, and a fit of λ and m to V(ε) ≍ c ε^λ (−log ε)^{m−1}.

Every estimate carries its Monte Carlo standard error (standard deviation over
sqrt(ESS), not the spread of per-chain means), R-hat, ESS, acceptance, the
first-half and second-half values, the burn-in, the settings that change the
number, and warnings that name the fix. A negative λ̂, or one above d/2 (the
largest learning coefficient at a minimum), is flagged.

Examples
--------
>>> est = llc("w1**2 + w2**2", nbeta=1000, prior=Prior.gaussian(1.0), chains=64, draws=400, seed=1)
>>> est
Estimate(llc = ... ± ..., ESS ..., R-hat ..., acceptance ..., mala, nβ=1000)
>>> abs(est.value - 1.0) < 4 * est.se    # regular: d/2 = 1
True
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..errors import InputError
from ..validate import check_int, check_seed, seed_sequence
from ..polynomial import as_polynomial
from .convergence import DEFAULT_ESS, DEFAULT_MAX_SECONDS, DEFAULT_RHAT, sample_until_converged
from .estimate import Estimate, conventions, estimate_from_trace, lambda_flags, line_fit, temperature_kw
from .potential import Potential, Prior, check_positive  # noqa: F401  Prior: for the doctests
from .samplers import SGLD, sample
from .thermo import free_energy, volume_scaling

__all__ = ["Estimate", "llc", "llc_curve", "wbic", "two_temperature", "slope", "llc_sgld", "free_energy",
           "volume_scaling", "estimate_from_trace"]

_as_potential = Potential.of


# ------------------------------------------------------------------------------------
# public estimators


def llc(target, data=None, *more, n=None, beta=None, nbeta=None, prior=None, center=None, gamma=None,
        sampler="mala", chains: int = 200, draws: int = 1000, warmup: int | None = None, seed=None, init=None,
        progress: bool | None = None, expected: bool = False, ess: float = DEFAULT_ESS,
        rhat: float = DEFAULT_RHAT, max_seconds: float | None = DEFAULT_MAX_SECONDS,
        max_draws: int | None = None, bootstrap: int | None = None, loss="gaussian", noise: float = 1.0,
        batch_size: int | None = None, dtype: str = "float64") -> Estimate:
    """The local learning coefficient λ̂ = nβ (E_β[f] − f(w*)) from MALA (default), HMC, NUTS or SGLD.

    Call it as ``llc(K, ...)``, ``llc(potential)``, ``llc(model, data)``, ``llc(fn, params0, data)``
    (your own JAX model) or ``llc(torch_module, data)``.

    The run is extended (:func:`rlct.numeric.extend`, no new warm-up) until the split R-hat
    of λ̂ is below ``rhat``, its ESS at least ``ess`` and the first and second half agree,
    or until ``max_draws`` per chain (default ten times ``draws``) are reached; then the
    estimate is flagged ``"not converged: ..."`` with the reason (``ok`` is False and
    ``repr`` shows it).

    Parameters
    ----------
    target : Potential, model, K, function or torch.nn.Module
        A :class:`Potential`; a model with ``data`` (f = L_n); a polynomial K
        (population version, f = K); a JAX function ``fn(params, x) -> prediction`` (for one
        sample) followed by its parameters w* and the data; or a PyTorch module followed by
        the data (its current weights are w*; see :mod:`rlct.numeric.torch_adapter`).
    loss, noise, dtype :
        For a function or module: the per-sample loss (``"gaussian"``, ½‖y − f‖²/σ² with
        σ = ``noise``, Watanabe's convention; ``"mse"``, torch's MSELoss, devinterp's usual;
        ``"cross_entropy"``; ``"nll"``; or a callable) and the precision (float64 by default).
    batch_size : int, optional
        Minibatch SGLD (devinterp's estimator: each step a random batch of this size); only with
        ``sampler="sgld"`` (or an SGLD object) and a loss with data.
    n, beta, nbeta :
        Give ``nbeta``, or ``n`` (β = 1/log n, Lau et al.'s choice, unless ``beta``).
    prior, center, gamma :
        As in :meth:`Potential.from_polynomial` (default prior: uniform on the box
        w* ± 1; no localisation).
    sampler, chains, draws, warmup, seed, init, progress :
        As in :func:`rlct.numeric.sample`, except the default start: ``init="anneal"`` for
        MALA, HMC and NUTS (w*, then a short tempering ladder up to nβ; chains that all start
        at the singular point w* otherwise lag behind along the flat directions of K = 0, which
        R-hat cannot see), ``"center"`` (w*) for SGLD as devinterp.
    expected : bool
        Also compute the ideal sampler's value at this nβ (quadrature for d ≤ 3, sequential Monte
        Carlo up to d = 24; see :func:`expected_lambda_hat`).
    ess, rhat : float
        Convergence targets (default 400 and 1.01, Vehtari et al. 2021).
    max_draws, max_seconds : int, float, optional
        Budgets of the whole run: kept draws per chain (default 10 × ``draws``) and wall
        time (default none; with a time budget the result depends on the machine's speed).
        ``max_seconds=0`` or ``max_draws=draws``: one run, checked and flagged but not
        extended. ``settings["convergence"]`` records the extensions, draws and discarded
        warm-up.
    bootstrap : int, optional
        With a model and ``data``: also refit on this many fresh data sets of the same size
        from the model at w* (parametric bootstrap,
        :func:`rlct.numeric.bootstrap.bootstrap_spread`) and report their standard deviation,
        the data-set spread, in ``settings["bootstrap"]`` and ``repr`` (costs ``bootstrap``
        more runs).

    Returns
    -------
    Estimate

    Raises
    ------
    InputError
        Non-positive n, β, nβ, γ or sizes; wrong shapes; a potential not finite at w*.

    Notes
    -----
    With f = L_n (negative log-likelihood per sample) this is the estimator of
    Lau et al. (2023); E_β[nβ(f − f*)] → λ as nβ → ∞ with the expectation at
    finite nβ given by :func:`expected_lambda_hat` (for K = (w1w2)² on
    [−1, 1]² at nβ = 579: 0.380, against λ = 1/2). ``settings`` records the
    conventions that change the number: which n, full-batch evaluation, the
    NLL/MSE scaling of L_n.

    On a data set (f = L_n) the standard error is the Monte Carlo error *for that
    data set*. λ̂ itself changes from data set to data set by an amount of order
    √(λβ/2) (Watanabe 2013, Theorem 4), much more than that SE: for
    ``TwoLayerNetwork(2)`` at n = 1000, ten data sets gave λ̂ from 0.08 to 0.46
    (standard deviation 0.13) with Monte Carlo SEs of 0.011, while the
    population potential nβK gives 0.46. ``repr`` says "SE excludes data-set
    spread"; ``bootstrap=B`` estimates the spread.

    References
    ----------
    Lau, Furman, Wang, Murfet, Wei (2023), "The local learning coefficient: a
    singularity-aware complexity measure", arXiv:2308.12108.

    Examples
    --------
    >>> est = llc("(w1*w2)**2", nbeta=579, chains=100, draws=400, seed=3, expected=True)
    >>> abs(est.value - est.expected.value) < 4 * est.se
    True
    """
    check_seed(seed)
    bootstrap = check_int(bootstrap, "bootstrap (the number of resampled data sets)", minimum=2, allow_none=True)
    sampler = _with_batch(sampler, batch_size)
    U = _user_model(target, data, more, n=n, beta=beta, nbeta=nbeta, prior=prior, center=center, gamma=gamma,
                    loss=loss, noise=noise, dtype=dtype)
    if U is None:
        U = _as_potential(target, data, **temperature_kw(n, beta, nbeta), prior=prior, center=center, gamma=gamma)
    elif bootstrap is not None:
        raise InputError("bootstrap= needs a model that can sample data (llc(model, data, bootstrap=B)); for your "
                         "own function, refit on resampled data sets yourself")
    run = dict(chains=chains, draws=draws, warmup=warmup, init=init, progress=progress, ess=ess, rhat=rhat,
               max_seconds=max_seconds, max_draws=max_draws)
    tr, conv = sample_until_converged(U, sampler, seed=seed, **run)
    est = estimate_from_trace(tr, estimator="llc", expected=expected, convergence=conv)
    if bootstrap is None:
        return est
    if data is None or isinstance(target, Potential) or not callable(getattr(target, "sample", None)):
        raise InputError("bootstrap= needs a model with .sample(n, seed=) and its data (llc(model, data, "
                         "bootstrap=B)): it refits on fresh data sets of the same size from the model at w*")
    from .bootstrap import bootstrap_spread

    def refit(data_b, seed_b):
        Ub = _as_potential(target, data_b, **temperature_kw(n, beta, nbeta), prior=prior, center=center,
                           gamma=gamma)
        trb, convb = sample_until_converged(Ub, sampler, seed=seed_b, **run)
        return estimate_from_trace(trb, estimator="llc", convergence=convb)

    ss = seed_sequence(seed)
    size = int(U.n)
    boot = bootstrap_spread(refit, lambda s: target.sample(size, seed=s), bootstrap, seed=ss.spawn(1)[0])
    return dataclasses.replace(est, settings={**est.settings, "bootstrap": boot})


def _user_model(target, data, more, *, n, beta, nbeta, prior, center, gamma, loss, noise, dtype):
    """The Potential of a JAX function with ``params0, data`` or of a torch module with ``data`` (the
    temperature, prior and γ given apply to it); None for every other target."""
    from .potential import is_torch_module

    is_fn = callable(target) and not isinstance(target, (Potential, str)) and not hasattr(target, "parameters")
    if is_torch_module(target):
        if more:
            raise InputError("llc(module, data): a torch module carries its own parameters; pass only the data")
        params0, fdata = None, data
    elif is_fn:
        if len(more) != 1:
            raise InputError("llc(fn, params0, data): give the function, its parameters w* and the data (x, y)")
        params0, fdata = data, more[0]
    else:
        if more:
            raise InputError(f"too many positional arguments for llc({type(target).__name__}, ...): "
                             f"use llc(K), llc(model, data), llc(fn, params0, data) or llc(module, data)")
        return None
    if center is not None:
        raise InputError("center= is the parameters w*: pass them as params0 (for a module, its weights)")
    return Potential.from_function(target, params0, fdata, loss=loss, noise=noise, n=n, beta=beta, nbeta=nbeta,
                                   prior=prior, gamma=gamma, dtype=dtype)


def _with_batch(sampler, batch_size):
    """The sampler with a minibatch size (SGLD only)."""
    if batch_size is None:
        return sampler
    if isinstance(sampler, str) and sampler.lower() == "sgld":
        return SGLD(batch_size=batch_size)
    if isinstance(sampler, SGLD):
        return SGLD(sampler.epsilon, batch_size=batch_size, shuffle=sampler.shuffle)
    raise InputError(f"batch_size= is for minibatch SGLD (sampler='sgld'); {sampler!r} uses the full batch")


def wbic(target, data=None, *, n=None, prior=None, center=None, gamma=None, sampler="mala", chains: int = 200,
         draws: int = 1000, warmup: int | None = None, seed=None, init=None, progress=None,
         ess: float = DEFAULT_ESS, rhat: float = DEFAULT_RHAT,
         max_seconds: float | None = DEFAULT_MAX_SECONDS,
         max_draws: int | None = None) -> Estimate:
    """Watanabe's WBIC = E_β[n f] at β = 1/log n; ``settings["lambda_hat"]`` is
    (WBIC − n f(w*)) / log n with its standard error.

    The run is extended until R-hat < ``rhat`` and ESS ≥ ``ess`` within ``max_draws``
    (and ``max_seconds``), or the estimate is flagged ``"not converged: ..."``, as in
    :func:`llc`.

    For f = L_n the negative log-likelihood, WBIC ≈ n L_n(w0) + λ log n is an
    approximation of the Bayes free energy F_n (Watanabe 2013, JMLR 14:867–897).

    Examples
    --------
    >>> est = wbic("w1**2", n=10**4, prior=Prior.gaussian(1.0), chains=32, draws=400, seed=0)
    >>> est.estimator, round(est.settings["lambda_hat"], 1)
    ('wbic', 0.5)
    """
    check_seed(seed)
    if isinstance(target, Potential) and n is None:
        if target.n is None:
            raise InputError("wbic needs a potential built with n (β = 1/log n)")
        U = _as_potential(target, data, prior=prior, center=center, gamma=gamma)
        if not math.isclose(U.beta, 1 / math.log(U.n), rel_tol=1e-9):
            raise InputError(f"WBIC is defined at β = 1/log n = {1 / math.log(U.n):.6g}; this potential has "
                             f"β = {U.beta:.6g} (use potential.at(beta=1/log(n)))")
    else:
        if n is None and data is None:
            raise InputError("wbic needs n (β = 1/log n), or a model with its data (n = the data's size)")
        U = _as_potential(target, data, **({} if n is None else {"n": n}), prior=prior, center=center, gamma=gamma)
    tr, conv = sample_until_converged(U, sampler, scale=U.n, chains=chains, draws=draws, warmup=warmup, seed=seed,
                                      init=init, progress=progress, ess=ess, rhat=rhat, max_seconds=max_seconds,
                                      max_draws=max_draws)
    est = estimate_from_trace(tr, estimator="wbic", scale=U.n, convergence=conv)
    lam = (est.value) / math.log(U.n)
    wb = est.value + U.n * U.center_loss
    settings = {**est.settings, "lambda_hat": lam, "lambda_hat_se": est.se / math.log(U.n),
                "formula": "WBIC = E_β[n f], β = 1/log n; λ̂ = (WBIC − n f(w*)) / log n"}
    return Estimate(wb, est.se, "wbic", est.ess, est.rhat, est.acceptance, est.divergences,
                    est.first_half + U.n * U.center_loss, est.second_half + U.n * U.center_loss, est.burn_in,
                    est.warnings, est.flags, settings, None, tr, est.seconds)


def _multi(target, data, betas, n, kw, sampler, chains, draws, warmup, seed, init, progress, targets):
    check_seed(seed)
    if isinstance(target, Potential) and n is None:
        if target.n is None:
            raise InputError("give a potential built with n (the temperatures are β = c/log n)")
        base = _as_potential(target, data, **kw)
    else:
        if n is None:
            raise InputError("give n (the temperatures are β = c/log n)")
        base = _as_potential(target, data, n=n, **kw)
    seqs = seed_sequence(seed).spawn(len(betas))
    ests = []
    for b, s in zip(betas, seqs):
        U = base.at(beta=b)
        # the time budget is shared by the temperatures
        ms = targets["max_seconds"]
        t = {**targets, "max_seconds": ms if ms is None else ms / len(betas)}
        tr, conv = sample_until_converged(U, sampler, scale=U.n, chains=chains, draws=draws, warmup=warmup, seed=s,
                                          init=init, progress=progress, **t)
        ests.append(estimate_from_trace(tr, estimator="wbic", scale=U.n, convergence=conv))
    return base, ests


def _combine(name, value, se, ests, base, settings, halves):
    warnings = tuple(dict.fromkeys(w for e in ests for w in e.warnings))
    flags = lambda_flags(base, value, se)
    flags += list(dict.fromkeys(f"{f} (at β = {e.settings['beta']:.4g})" for e in ests for f in e.flags
                                if f.startswith("not converged")))
    return Estimate(value, se, name, float(min(e.ess for e in ests)), float(max(e.rhat for e in ests)),
                    float(np.mean([e.acceptance for e in ests])), int(sum(e.divergences for e in ests)),
                    halves[0], halves[1], ests[0].burn_in, warnings, tuple(flags), settings, None,
                    tuple(e.trace for e in ests), sum(e.seconds for e in ests))


def two_temperature(target, data=None, *, n=None, betas=None, prior=None, center=None, gamma=None, sampler="mala",
                    chains: int = 200, draws: int = 1000, warmup=None, seed=None, init=None, progress=None,
                    ess: float = DEFAULT_ESS, rhat: float = DEFAULT_RHAT,
                    max_seconds: float | None = DEFAULT_MAX_SECONDS,
                    max_draws: int | None = None) -> Estimate:
    """λ̂ = (E_β1[n f] − E_β2[n f]) / (1/β1 − 1/β2) (Watanabe 2013, Corollary 3).

    ``betas`` defaults to (1/log n, 2/log n). The two runs use independent seeds
    spawned from ``seed``; the standard error combines theirs. Each run is extended until
    it converges (``ess``, ``rhat``, ``max_draws``; ``max_seconds`` shared by the runs), as in
    :func:`llc`.

    Examples
    --------
    >>> est = two_temperature("w1**2", n=10**4, prior=Prior.gaussian(1.0), chains=64, draws=500, seed=0)
    >>> abs(est.value - 0.5) < 5 * est.se
    True
    """
    L = _log_n(target, n)
    betas = tuple(betas) if betas is not None else ((1 / L, 2 / L) if L else None)
    if betas is None or len(betas) != 2:
        raise InputError("two_temperature needs n and two temperatures betas=(β1, β2)")
    b1, b2 = (check_positive(b, "beta") for b in betas)
    if b1 == b2:
        raise InputError("the two temperatures must differ")
    base, (e1, e2) = _multi(target, data, (b1, b2), n, dict(prior=prior, center=center, gamma=gamma), sampler,
                            chains, draws, warmup, seed, init, progress,
                            dict(ess=ess, rhat=rhat, max_seconds=max_seconds, max_draws=max_draws))
    den = 1 / b1 - 1 / b2
    value = (e1.value - e2.value) / den
    se = math.hypot(e1.se, e2.se) / abs(den)
    halves = ((e1.first_half - e2.first_half) / den, (e1.second_half - e2.second_half) / den)
    settings = {**base.settings(), "betas": [b1, b2], "sampler": e1.settings["sampler"], "chains": chains,
                "draws": draws, "E_nf": [e1.value, e2.value], "E_nf_se": [e1.se, e2.se],
                "formula": "(E_β1[n(f − f*)] − E_β2[n(f − f*)]) / (1/β1 − 1/β2)"}
    return _combine("two-temperature", value, se, [e1, e2], base, settings, halves)


def _log_n(target, n):
    """log n, with n given or taken from a Potential; None when neither says."""
    nn = n if n is not None else (target.n if isinstance(target, Potential) else None)
    return math.log(check_positive(nn, "n")) if nn is not None else None


def slope(target, data=None, *, n=None, betas=None, prior=None, center=None, gamma=None, sampler="mala",
          chains: int = 200, draws: int = 1000, warmup=None, seed=None, init=None, progress=None,
          ess: float = DEFAULT_ESS, rhat: float = DEFAULT_RHAT,
          max_seconds: float | None = DEFAULT_MAX_SECONDS, max_draws: int | None = None) -> Estimate:
    """λ̂ as the weighted least-squares slope of E_β[n f] against 1/β (Wei et al. 2022).

    ``betas`` defaults to (0.5, 0.75, 1, 1.5, 2)/log n. ``settings["points"]``
    holds (1/β, E_β[n(f − f*)], SE) per temperature. Each run is extended until it
    converges (``ess``, ``rhat``, ``max_draws``; ``max_seconds`` shared by the runs), as in
    :func:`llc`.

    Examples
    --------
    >>> est = slope("w1**2", n=10**4, prior=Prior.gaussian(1.0), chains=32, draws=300, seed=0)
    >>> abs(est.value - 0.5) < 5 * est.se
    True
    """
    L = _log_n(target, n)
    if betas is None:
        if L is None:
            raise InputError("slope needs n")
        betas = tuple(c / L for c in (0.5, 0.75, 1.0, 1.5, 2.0))
    betas = tuple(check_positive(b, "beta") for b in betas)
    if len(set(betas)) < 2:
        raise InputError("slope needs at least two different temperatures")
    base, ests = _multi(target, data, betas, n, dict(prior=prior, center=center, gamma=gamma), sampler, chains,
                        draws, warmup, seed, init, progress,
                        dict(ess=ess, rhat=rhat, max_seconds=max_seconds, max_draws=max_draws))
    x = np.array([1 / b for b in betas])
    y = np.array([e.value for e in ests])
    s = np.array([e.se for e in ests])

    def fit(yv):
        return line_fit(x, yv, s)

    coef, cov = fit(y)
    value, se = float(coef[1]), float(math.sqrt(cov[1, 1]))
    halves = (float(fit(np.array([e.first_half for e in ests]))[0][1]),
              float(fit(np.array([e.second_half for e in ests]))[0][1]))
    settings = {**base.settings(), "betas": list(betas), "sampler": ests[0].settings["sampler"], "chains": chains,
                "draws": draws, "points": [[float(a), float(b), float(c)] for a, b, c in zip(x, y, s)],
                "formula": "slope of E_β[n(f − f*)] against 1/β (weighted least squares)"}
    return _combine("slope", value, se, ests, base, settings, halves)


def llc_sgld(target, data=None, *, epsilons=(1e-4, 3e-4, 1e-3), gamma=None, n=None, beta=None, nbeta=None,
             prior="flat", center=None, chains: int = 100, draws: int = 2000, warmup: int | None = None, seed=None,
             init=None, progress=None) -> Estimate:
    """devinterp-style localised SGLD λ̂ at several step sizes ε and the linear extrapolation ε → 0.

    The SGLD step is ``Δw = (ε/2)(−nβ ∇L_n + γ(w* − w)) + N(0, ε)`` (full batch,
    flat prior by default as in devinterp; the ``warmup`` steps, default
    ``max(draws // 2, 50)``, are discarded, whereas devinterp 2.x averages every
    step — pass ``warmup=0`` to match it). Its stationary law differs from the
    target by O(ε), so λ̂(ε) = λ̂(0) + cε + O(ε²); the returned value is the
    weighted least-squares intercept at ε = 0, and ``settings["per_epsilon"]``
    lists λ̂(ε) ± SE. Warnings: chains that could not move from w* (ε too small
    for the number of steps), λ̂ growing with ε (bias too large: prefer
    :func:`llc` with MALA).

    Examples
    --------
    >>> est = llc_sgld("w1**2 + w2**2", nbeta=100, gamma=1.0, epsilons=(1e-3, 3e-3), chains=32, draws=500, seed=0)
    >>> [round(p["epsilon"], 4) for p in est.settings["per_epsilon"]]
    [0.001, 0.003]
    """
    eps = tuple(check_positive(e, "epsilon") for e in epsilons)
    if len(eps) < 2 or len(set(eps)) != len(eps):
        raise InputError("llc_sgld needs at least two different step sizes epsilons=(...)")
    base = _as_potential(target, data, **temperature_kw(n, beta, nbeta), prior=prior, center=center, gamma=gamma)
    if warmup is None:
        warmup = max(draws // 2, 50)
    seqs = seed_sequence(seed).spawn(len(eps))
    ests = []
    for e, s in zip(eps, seqs):
        tr = sample(base, SGLD(e), chains=chains, draws=draws, warmup=warmup, seed=s, init=init, progress=progress)
        ests.append(estimate_from_trace(tr, estimator="llc-sgld"))
    x = np.array(eps)
    y = np.array([e.value for e in ests])
    warnings = [f"at ε = {e:.2g}: {m}" for e, est in zip(eps, ests) for m in est.warnings]
    try:
        coef, cov = line_fit(x, y, [e.se for e in ests])
        value, se, b, b_se = float(coef[0]), float(math.sqrt(cov[0, 0])), float(coef[1]), float(math.sqrt(cov[1, 1]))
    except np.linalg.LinAlgError:
        value, se, b, b_se = float("nan"), float("nan"), float("nan"), float("nan")
        warnings.append("the extrapolation failed (fewer than two finite λ̂(ε)): reduce the step sizes")
    if np.isfinite(b) and b > 0 and b > 3 * b_se:
        warnings.append(f"λ̂ grows with ε ({y[0]:.3g} at ε={x[0]:.2g} → {y[-1]:.3g} at ε={x[-1]:.2g}, "
                        f"slope {b:.3g} ± {b_se:.2g}): the SGLD bias is large; the ε → 0 extrapolation is reported — "
                        f"compare llc(..., sampler='mala')")
    width = 1 / math.sqrt(base.gamma) if base.gamma else None
    if base.prior.kind == "gaussian":
        sc = float(np.max(base.prior.arrays(base.dim)["scale"]))
        width = min(width, sc) if width else sc
    if base.prior.kind == "uniform":
        a = base.prior.arrays(base.dim)
        hw = float(np.min(a["high"] - a["low"])) / 2
        width = min(width, hw) if width else hw
    if width is not None:
        reach = math.sqrt(min(eps) * (warmup + draws))
        if reach < 0.1 * width:
            warnings.append(f"at ε = {min(eps):.2g} the chains can diffuse only ~{reach:.2g} in {warmup + draws} steps, "
                            f"against a posterior width ~{width:.2g}: they have not moved from w*; "
                            f"increase ε or the number of steps")
    flags = lambda_flags(base, value, se)
    per = [{"epsilon": e, "value": est.value, "se": est.se, "ess": est.ess, "rhat": est.rhat,
            "first_half": est.first_half, "second_half": est.second_half} for e, est in zip(eps, ests)]
    settings = {**base.settings(), "sampler": "sgld", "chains": chains, "draws": draws, "warmup": warmup,
                "per_epsilon": per, "slope_in_epsilon": b, "slope_in_epsilon_se": b_se,
                **conventions(base, "llc-sgld"),
                "bias": "unadjusted Langevin: O(ε) bias; value = weighted linear extrapolation of λ̂(ε) to ε = 0",
                "burn_in": f"{warmup} steps discarded per chain (devinterp 2.x's compute_llc averages every step, "
                           f"burn-in included; pass warmup=0 to match it)"}
    halves = (float(np.mean([e.first_half for e in ests])), float(np.mean([e.second_half for e in ests])))
    return Estimate(value, se, "llc-sgld", float(min(e.ess for e in ests)), float(max(e.rhat for e in ests)), 1.0,
                    int(sum(e.divergences for e in ests)), halves[0], halves[1], warmup, tuple(warnings),
                    tuple(flags), settings, None, tuple(e.trace for e in ests), sum(e.seconds for e in ests))


def llc_curve(target, *, ns, prior=None, center=None, gamma=None, sampler="mala", chains: int = 200,
              draws: int = 1000, warmup: int | None = None, seed=None, init=None, progress=None,
              expected: bool = False, ess: float = DEFAULT_ESS, rhat: float = DEFAULT_RHAT,
              max_seconds: float | None = DEFAULT_MAX_SECONDS,
              max_draws: int | None = None) -> tuple:
    """λ̂(n) at β = 1/log n for each n in ``ns``: the curve that papers plot.

    Each point is run until it converges (``ess``, ``rhat``, ``max_draws``, ``max_seconds``
    per point) or is flagged, as in :func:`llc`.

    ``target`` is a model (with ``sample(n, seed=)``: a fresh data set of size n per
    point, L_n from it) or a polynomial K (population: nβ = n/log n). Seeds for the
    data and the chains are spawned from ``seed``, one per n. With
    ``expected=True`` (K, d ≤ 3) each estimate carries the ideal finite-n value.

    Returns
    -------
    tuple of Estimate, one per n (``est.settings["n"]``).

    Examples
    --------
    >>> curve = llc_curve("(w1*w2)**2", ns=[10**2, 10**4], chains=64, draws=300, seed=0, expected=True)
    >>> [(int(e.settings["n"]), round(e.expected.value, 3)) for e in curve]
    [(100, 0.302), (10000, 0.388)]
    """
    ns = [check_positive(v, "n") for v in ns]
    if not ns:
        raise InputError("ns is empty")
    is_model = hasattr(target, "loss") and hasattr(target, "parameters")
    if is_model and not hasattr(target, "sample"):
        raise InputError("llc_curve on a model needs model.sample(n, seed=) to draw a data set per n")
    K = None if is_model or isinstance(target, Potential) else as_polynomial(target)   # parsed once
    out = []
    for n, ss in zip(ns, seed_sequence(seed).spawn(len(ns))):
        data_ss, chain_ss = ss.spawn(2)
        if is_model:
            if center is not None:
                raise InputError("the model fixes w* (model.true_parameter); do not pass center=")
            data = target.sample(int(n), seed=int(data_ss.generate_state(1)[0]))
            U = Potential.from_model(target, data, prior=prior, gamma=gamma)
        else:
            U = _as_potential(K, n=n, prior=prior, center=center, gamma=gamma)
        tr, conv = sample_until_converged(U, sampler, chains=chains, draws=draws, warmup=warmup, seed=chain_ss,
                                          init=init, progress=progress, ess=ess, rhat=rhat, max_seconds=max_seconds,
                                      max_draws=max_draws)
        out.append(estimate_from_trace(tr, estimator="llc", expected=expected and U.dim <= 3, convergence=conv))
    return tuple(out)
