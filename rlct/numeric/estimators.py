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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from ..polynomial import as_polynomial
from ..result import jsonable as _jsonable
from .diagnostics import ess as _ess
from .diagnostics import mcse as _mcse
from .diagnostics import rhat as _rhat
from .exact import ExpectedValue, expected_lambda_hat
from .convergence import DEFAULT_ESS, DEFAULT_MAX_SECONDS, DEFAULT_RHAT, Convergence, sample_until_converged
from .potential import Potential, Prior, check_positive  # noqa: F401  Prior: for the doctests
from .samplers import SGLD, Trace, sample

__all__ = ["Estimate", "llc", "llc_curve", "wbic", "two_temperature", "slope", "llc_sgld", "free_energy",
           "volume_scaling", "estimate_from_trace"]

FLAGS = ("negative", "above d/2", "non-finite")


@dataclass(frozen=True)
class Estimate:
    """One estimated number with its uncertainty, settings and diagnostics.

    Attributes
    ----------
    value : float
    se : float
        Monte Carlo standard error (from the effective sample size).
    estimator : str
        ``"llc"``, ``"wbic"``, ``"two-temperature"``, ``"slope"`` or ``"llc-sgld"``.
    ess, rhat : float
        Effective sample size and rank-normalised split R-hat of the statistic.
    acceptance : float
        Mean acceptance probability (1 for SGLD).
    divergences : int
    first_half, second_half : float
        The estimate from the first and from the second half of the draws.
    burn_in : int
        Warm-up steps excluded per chain.
    warnings : tuple of str
        Each names the problem and the fix.
    flags : tuple of str
        Serious problems (negative, above d/2, non-finite): the value is not a finding.
    settings : dict
        Potential, sampler and conventions.
    expected : ExpectedValue or None
        The ideal sampler's value at the same finite nβ, when computed.
    trace : Trace or None
        The run (not compared, not shown).
    seconds : float
        Wall time of the sampling (not compared).

    Examples
    --------
    >>> est = llc("w1**2", nbeta=100, prior=Prior.gaussian(1.0), chains=64, draws=400, seed=1)
    >>> est.estimator, est.ok, sorted(est.to_dict())[:3]
    ('llc', True, ['acceptance', 'burn_in', 'divergences'])
    >>> print(est.to_markdown().splitlines()[2])
    | estimator | llc |
    """

    value: float
    se: float
    estimator: str
    ess: float = float("nan")
    rhat: float = float("nan")
    acceptance: float = float("nan")
    divergences: int = 0
    first_half: float = float("nan")
    second_half: float = float("nan")
    burn_in: int = 0
    warnings: tuple = ()
    flags: tuple = ()
    settings: dict = field(default_factory=dict, hash=False)
    expected: ExpectedValue | None = field(default=None, compare=False)
    trace: Any = field(default=None, compare=False, repr=False)
    seconds: float = field(default=0.0, compare=False)

    @property
    def ok(self) -> bool:
        """No warnings and no flags."""
        return not self.warnings and not self.flags

    def __float__(self):
        return float(self.value)

    def __repr__(self):
        s = f"Estimate({self.estimator} = {self.value:.4g} ± {self.se:.2g}"
        if self.flags:
            s += f" FLAGGED ({', '.join(self.flags)})"
        if np.isfinite(self.ess):
            s += f", ESS {self.ess:.0f}"
        if np.isfinite(self.rhat):
            s += f", R-hat {self.rhat:.3f}"
        if np.isfinite(self.acceptance):
            s += f", acceptance {self.acceptance:.2f}"
        s += f", {self.settings.get('sampler', '?')}"
        ext = self.settings.get("convergence", {}).get("extensions", 0)
        if ext:
            s += f", {self.settings['convergence']['draws']} draws after {ext} extension{'s' * (ext > 1)}"
        if "nbeta" in self.settings and self.settings["nbeta"] is not None:
            s += f", nβ={self.settings['nbeta']:.6g}"
        if self.expected is not None:
            s += f", ideal {self.expected.value:.4g}"
        boot = self.settings.get("bootstrap")
        if boot:
            s += f", data-set SD {boot['sd']:.2g} (bootstrap, B={boot['B']})"
        elif self.settings.get("kind") == "empirical":
            s += ", SE excludes data-set spread"
        if self.warnings:
            s += f", {len(self.warnings)} warning{'s' * (len(self.warnings) > 1)}"
        return s + ")"

    _SYMBOL = {"llc": r"\hat\lambda", "llc-sgld": r"\hat\lambda_{\mathrm{SGLD}}", "wbic": r"\mathrm{WBIC}",
               "two-temperature": r"\hat\lambda_{2T}", "slope": r"\hat\lambda_{\mathrm{slope}}",
               "free-energy": r"\hat F"}

    def _repr_latex_(self):
        sym = self._SYMBOL.get(self.estimator, self.estimator)
        tail = r"\ \text{(flagged: " + ", ".join(self.flags) + ")}" if self.flags else ""
        return rf"${sym} = {self.value:.4g} \pm {self.se:.2g}{tail}$"

    def _repr_html_(self):
        flag = f" <b>FLAGGED ({', '.join(self.flags)})</b>" if self.flags else ""
        warn = "".join(f"<li>{w}</li>" for w in self.warnings)
        return (f"<b>{self.estimator} = {self.value:.4g} ± {self.se:.2g}</b>{flag} "
                f"<i>(ESS {self.ess:.0f}, R-hat {self.rhat:.3f}, {self.settings.get('sampler', '?')})</i>"
                + (f"<ul>{warn}</ul>" if warn else ""))

    def to_markdown(self) -> str:
        """A two-column Markdown table of the value, its diagnostics and warnings."""
        rows = [("estimator", self.estimator), ("value", f"{self.value:.6g}"), ("standard error", f"{self.se:.3g}"),
                ("ESS", f"{self.ess:.0f}"), ("R-hat", f"{self.rhat:.4f}"), ("acceptance", f"{self.acceptance:.3f}"),
                ("divergences", str(self.divergences)),
                ("first half / second half", f"{self.first_half:.6g} / {self.second_half:.6g}"),
                ("burn-in", str(self.burn_in))]
        for key in ("sampler", "nbeta", "n", "beta", "gamma", "chains", "draws", "step_size", "seed"):
            if self.settings.get(key) is not None:
                rows.append((key, str(self.settings[key])))
        if self.expected is not None:
            rows.append(("ideal value at this nβ", f"{self.expected.value:.6g} ({self.expected.method})"))
        rows += [("FLAG", f) for f in self.flags] + [("warning", w) for w in self.warnings]
        from ..report.render import to_markdown

        return to_markdown(["", ""], rows, align="ll")

    def to_dict(self) -> dict:
        """A JSON-friendly view (no trace)."""
        return {"estimator": self.estimator, "value": self.value, "se": self.se, "ess": self.ess, "rhat": self.rhat,
                "acceptance": self.acceptance, "divergences": self.divergences, "first_half": self.first_half,
                "second_half": self.second_half, "burn_in": self.burn_in, "warnings": list(self.warnings),
                "flags": list(self.flags), "settings": _jsonable(self.settings),
                "expected": self.expected.to_dict() if self.expected is not None else None, "seconds": self.seconds}


# ------------------------------------------------------------------------------------
# building blocks


_as_potential = Potential.of


def _lambda_flags(potential, value, se) -> list:
    """The serious problems of a λ̂: negative, above the largest possible value Σ(h_j + 1)/2."""
    flags = []
    if value < 0:
        flags.append("negative")
    if np.isfinite(value) and value - 3 * se > _max_lambda(potential):
        flags.append("above d/2")
    return flags


def _flags_and_warnings(potential, value, se):
    flags, warnings = _lambda_flags(potential, value, se), []
    if "negative" in flags:
        warnings.append(f"λ̂ = {value:.3g} < 0: the chains found lower loss than at w* — w* is not a local minimum "
                        f"of the loss, or the chains escaped; check w*, add localisation (gamma=) or reduce the step")
    if "above d/2" in flags:
        warnings.append(f"λ̂ = {value:.3g} exceeds {_max_lambda(potential):g} = Σ(h_j + 1)/2 (d/2 without a prior "
                        f"amplitude), the largest learning coefficient at a minimum: chains escaped or the step is "
                        f"too large; reduce the step size or localise (gamma=)")
    return warnings, flags


def _line_fit(x, y, se):
    """Weighted least squares y ≈ c0 + c1 x with weights 1/se² (non-finite se: weight 0); (coef, cov).
    Raises numpy.linalg.LinAlgError with fewer than two usable points."""
    se = np.asarray(se, dtype=float)
    w = np.where(np.isfinite(se) & (se > 0), 1 / np.maximum(np.where(np.isfinite(se), se, 1.0), 1e-300) ** 2, 0.0)
    X = np.stack([np.ones_like(x, dtype=float), np.asarray(x, dtype=float)], axis=1)
    cov = np.linalg.inv(X.T @ (w[:, None] * X))
    return cov @ X.T @ (w * np.asarray(y, dtype=float)), cov


def _max_lambda(U: Potential) -> float:
    """Σ_j (h_j + 1)/2: λ of a regular minimum with the prior amplitude, the largest possible."""
    h = U.prior.arrays(U.dim).get("h", np.zeros(U.dim))
    return float(np.sum(h + 1) / 2)


def _series_stats(x: np.ndarray):
    """mean, se, ess, rhat, first, second of a (chains, draws) statistic (finite chains only)."""
    value = float(np.mean(x))
    e = _ess(x)
    se = _mcse(x, e)
    r = _rhat(x) if x.shape[0] > 1 else float("nan")
    h = x.shape[1] // 2
    first = float(np.mean(x[:, :h])) if h else float("nan")
    second = float(np.mean(x[:, h:])) if h else float("nan")
    return value, se, e, r, first, second


def estimate_from_trace(trace: Trace, *, estimator: str = "llc", scale: float | None = None,
                        expected: bool | ExpectedValue = False, extra: dict | None = None,
                        convergence: Convergence | None = None) -> Estimate:
    """The estimate ``scale · (E[f] − f*)`` (default scale nβ: the LLC) from a :class:`Trace`.

    With ``convergence`` (from :func:`rlct.numeric.run_until_converged`) its record goes
    into ``settings["convergence"]`` and, when the targets were not met, its reason becomes
    a flag ``"not converged: ..."``.

    Examples
    --------
    >>> U = Potential.from_polynomial("w1**2", nbeta=100, prior=Prior.gaussian(1.0))
    >>> est = estimate_from_trace(sample(U, chains=16, draws=300, seed=0))
    >>> est.estimator, est.burn_in
    ('llc', 150)
    """
    U = trace.potential
    scale = U.nbeta if scale is None else scale
    raw = scale * (trace.loss - U.center_loss)
    warnings = []
    finite = np.all(np.isfinite(raw), axis=1)
    nbad = int(np.sum(~finite))
    if nbad:
        warnings.append(f"{nbad} of {trace.chains} chains reached NaN/inf and were left out: the step is too large "
                        f"(reduce step_size/epsilon) or the potential overflows far from w* (add gamma= or a prior)")
    x = raw[finite]
    if x.shape[0] == 0:
        return Estimate(float("nan"), float("nan"), estimator, warnings=tuple(warnings), flags=("non-finite",),
                        settings={**U.settings(), **trace.settings()}, trace=trace, burn_in=trace.warmup)
    value, se, e, r, first, second = _series_stats(x)
    w, flags = _flags_and_warnings(U, value, se) if estimator in ("llc", "llc-sgld") else ([], [])
    warnings += w
    if nbad:
        flags.append("non-finite")
    if convergence is not None and convergence.flag:
        flags.append(convergence.flag)
    warnings += _mcmc_warnings(trace, se, e, r, first, second)
    settings = {**U.settings(), **trace.settings(), **_conventions(U, estimator), **(extra or {})}
    if convergence is not None:
        settings["convergence"] = convergence.to_dict()
    ev = None
    if expected is True:
        ev = expected_lambda_hat(U) if U.dim <= 3 else None
    elif isinstance(expected, ExpectedValue):
        ev = expected
    return Estimate(value, se, estimator, e, r, float(np.mean(trace.acceptance[finite])),
                    int(trace.divergences.sum()), first, second, trace.warmup, tuple(warnings), tuple(flags),
                    settings, ev, trace, trace.seconds)


def _mcmc_warnings(trace: Trace, se, e, r, first, second) -> list:
    out = []
    if np.isfinite(r) and r > 1.01:
        out.append(f"R-hat = {r:.3f} > 1.01: the chains disagree; run more draws (draws=) or a longer warm-up (warmup=)")
    if np.isfinite(e) and e < 100:
        out.append(f"ESS = {e:.0f} < 100: too few effective draws for a reliable standard error; increase draws= or chains=")
    if np.isfinite(se) and se > 0 and abs(first - second) > 3 * math.sqrt(2) * se:
        out.append(f"first half {first:.4g} vs second half {second:.4g} differ by "
                   f"{abs(first - second) / (math.sqrt(2) * se):.1f} SE: not stationary; increase warmup= (burn-in)")
    div = int(trace.divergences.sum())
    if div > 0.01 * trace.chains * trace.draws:
        out.append(f"{div} divergent transitions ({div / (trace.chains * trace.draws):.1%}: energy error > 1000 or "
                   f"NaN): "
                   f"the step is too large where the posterior is narrow; raise target_accept or give a smaller step_size")
    acc = float(np.mean(trace.acceptance))
    if trace.sampler.name != "sgld":
        if acc < 0.2:
            out.append(f"acceptance {acc:.2f} is low: step too large; give a smaller step_size (or let it adapt)")
        elif acc > 0.95 and not trace.sampler.adapt:
            out.append(f"acceptance {acc:.2f} is very high: the step is small and mixing slow; give a larger step_size")
    U = trace.potential
    radius = _escape_radius(U)
    if radius is not None:
        esc = int(np.sum(trace.max_distance > radius))
        if esc:
            out.append(f"{esc} of {trace.chains} chains went further than {radius:.3g} from w*: they escaped the "
                       f"neighbourhood; increase gamma (localisation) or reduce the step")
    return out


def _escape_radius(U: Potential):
    if U.prior.kind == "uniform":
        return None
    scales = []
    if U.gamma is not None:
        scales.append(10.0 / math.sqrt(U.gamma))
    if U.prior.kind == "gaussian":
        a = U.prior.arrays(U.dim)
        scales.append(10.0 * float(np.max(a["scale"])) + float(np.max(np.abs(a["center"] - U.center))))
    return min(scales) if scales else None


def _conventions(U: Potential, estimator: str) -> dict:
    out = {"estimator": estimator}
    if estimator in ("llc", "llc-sgld"):
        out["formula"] = "nβ (E_β[f] − f(w*))"
    empirical = U.kind == "empirical"
    out["n_convention"] = ("n = the data's sample size (devinterp's default nβ uses the batch size B: B/log B)"
                           if empirical else "population K: nβ as given" if U.kind == "population"
                           else "callable loss: nβ as given")
    if empirical:
        out["estimand"] = ("this data set's value: it moves between data sets by much more than the Monte Carlo SE, "
                           "by an amount of order √(λβ/2) (Watanabe 2013, Thm 4; llc(..., bootstrap=B) measures "
                           "it); the population potential (K instead of L_n) is a different, data-free number")
        out["loss_evaluation"] = ("full batch (L_n as an exact polynomial in the data's moments)"
                                  if U.polynomial is not None else "full batch (the model's vectorised loss)")
        out["scaling"] = U.info.get("scaling", "nll")
    return out


def _temperature_kw(n, beta, nbeta):
    return {"n": n, "beta": beta, "nbeta": nbeta}


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
        As in :func:`rlct.numeric.sample`.
    expected : bool
        Also compute the ideal sampler's value at this nβ (d ≤ 3, quadrature).
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
    sampler = _with_batch(sampler, batch_size)
    U = _user_model(target, data, more, n=n, beta=beta, nbeta=nbeta, prior=prior, center=center, gamma=gamma,
                    loss=loss, noise=noise, dtype=dtype)
    if U is None:
        U = _as_potential(target, data, **_temperature_kw(n, beta, nbeta), prior=prior, center=center, gamma=gamma)
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
        Ub = _as_potential(target, data_b, **_temperature_kw(n, beta, nbeta), prior=prior, center=center,
                           gamma=gamma)
        trb, convb = sample_until_converged(Ub, sampler, seed=seed_b, **run)
        return estimate_from_trace(trb, estimator="llc", convergence=convb)

    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
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
        return SGLD(sampler.epsilon, batch_size=batch_size)
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
    if isinstance(target, Potential) and n is None:
        if target.n is None:
            raise InputError("wbic needs a potential built with n (β = 1/log n)")
        U = _as_potential(target, data, prior=prior, center=center, gamma=gamma)
        if not math.isclose(U.beta, 1 / math.log(U.n), rel_tol=1e-9):
            raise InputError(f"WBIC is defined at β = 1/log n = {1 / math.log(U.n):.6g}; this potential has "
                             f"β = {U.beta:.6g} (use potential.at(beta=1/log(n)))")
    else:
        if n is None:
            raise InputError("wbic needs n (β = 1/log n)")
        U = _as_potential(target, data, n=n, prior=prior, center=center, gamma=gamma)
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
    if isinstance(target, Potential) and n is None:
        if target.n is None:
            raise InputError("give a potential built with n (the temperatures are β = c/log n)")
        base = _as_potential(target, data, **kw)
    else:
        if n is None:
            raise InputError("give n (the temperatures are β = c/log n)")
        base = _as_potential(target, data, n=n, **kw)
    seqs = np.random.SeedSequence(seed).spawn(len(betas))
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
    flags = _lambda_flags(base, value, se)
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
        return _line_fit(x, yv, s)

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
    base = _as_potential(target, data, **_temperature_kw(n, beta, nbeta), prior=prior, center=center, gamma=gamma)
    if warmup is None:
        warmup = max(draws // 2, 50)
    seqs = np.random.SeedSequence(seed).spawn(len(eps))
    ests = []
    for e, s in zip(eps, seqs):
        tr = sample(base, SGLD(e), chains=chains, draws=draws, warmup=warmup, seed=s, init=init, progress=progress)
        ests.append(estimate_from_trace(tr, estimator="llc-sgld"))
    x = np.array(eps)
    y = np.array([e.value for e in ests])
    warnings = [f"at ε = {e:.2g}: {m}" for e, est in zip(eps, ests) for m in est.warnings]
    try:
        coef, cov = _line_fit(x, y, [e.se for e in ests])
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
    flags = _lambda_flags(base, value, se)
    per = [{"epsilon": e, "value": est.value, "se": est.se, "ess": est.ess, "rhat": est.rhat,
            "first_half": est.first_half, "second_half": est.second_half} for e, est in zip(eps, ests)]
    settings = {**base.settings(), "sampler": "sgld", "chains": chains, "draws": draws, "warmup": warmup,
                "per_epsilon": per, "slope_in_epsilon": b, "slope_in_epsilon_se": b_se,
                **_conventions(base, "llc-sgld"),
                "bias": "unadjusted Langevin: O(ε) bias; value = weighted linear extrapolation of λ̂(ε) to ε = 0",
                "burn_in": f"{warmup} steps discarded per chain (devinterp 2.x's compute_llc averages every step, "
                           f"burn-in included; pass warmup=0 to match it)"}
    halves = (float(np.mean([e.first_half for e in ests])), float(np.mean([e.second_half for e in ests])))
    return Estimate(value, se, "llc-sgld", float(min(e.ess for e in ests)), float(max(e.rhat for e in ests)), 1.0,
                    int(sum(e.divergences for e in ests)), halves[0], halves[1], warmup, tuple(warnings),
                    tuple(flags), settings, None, tuple(e.trace for e in ests), sum(e.seconds for e in ests))


def free_energy(target, data=None, *, n=None, beta=None, nbeta=None, prior=None, center=None, gamma=None,
                temperatures: int = 32, lowest: float = 1e-5, sampler="mala", chains: int = 100, draws: int = 500,
                warmup: int | None = None, seed=None, init=None, progress=None) -> Estimate:
    """The free energy F(nβ) = −log E_φ[e^{−nβ (f − f*)}] by thermodynamic integration.

    With g(s) = E_s[s (f − f*)] (the LLC statistic at inverse temperature s),
    dF/d log s = g(s), so F(nβ) = ∫ g(s) d log s over a log-spaced ladder
    s_1 = lowest·nβ < … < s_K = nβ (trapezoid rule), plus g(s_1) for [0, s_1]
    (a lower bound of that segment, since E_s[f] decreases in s: keep s_1 small
    enough that g(s_1) is below the standard error — a warning says when not).
    Each rung is an independent run (seeds spawned from ``seed``).
    ``settings["curve"]`` holds (s, F(s), SE) at every rung — the curve of F
    against log n that Watanabe's F = λ log n − (m − 1) log log n + O(1)
    describes — and ``settings["discretisation_error"]`` the Richardson estimate
    of the trapezoid error (the ladder against every other rung).

    The prior must be proper (or localised): at s → 0 the chains sample φ_γ.

    Examples
    --------
    >>> from rlct.numeric import expected_free_energy
    >>> F = free_energy("w1**2", nbeta=100, prior=Prior.gaussian(1.0), temperatures=16, chains=64, draws=300, seed=0)
    >>> exact = expected_free_energy("w1**2", nbeta=100, prior=Prior.gaussian(1.0)).value   # ½ log 201
    >>> abs(F.value - exact) < 4 * F.se + F.settings["discretisation_error"]
    True
    """
    if not isinstance(temperatures, (int, np.integer)) or temperatures < 3:
        raise InputError(f"temperatures must be an integer >= 3, got {temperatures!r}")
    lowest = check_positive(lowest, "lowest")
    if lowest >= 1:
        raise InputError(f"lowest must be < 1 (the bottom rung is lowest·nβ), got {lowest}")
    top = _as_potential(target, data, **_temperature_kw(n, beta, nbeta), prior=prior, center=center, gamma=gamma)
    if top.prior.kind == "flat" and top.gamma is None:
        raise InputError("thermodynamic integration needs a proper prior or a localisation gamma (at s → 0 the "
                         "chains sample the prior)")
    ladder = top.nbeta * np.logspace(math.log10(lowest), 0.0, int(temperatures))
    seqs = np.random.SeedSequence(seed).spawn(len(ladder))
    ests = []
    for s_k, sq in zip(ladder, seqs):
        U = top.at(nbeta=float(s_k))
        tr = sample(U, sampler, chains=chains, draws=draws, warmup=warmup, seed=sq, init=init, progress=progress)
        ests.append(estimate_from_trace(tr, estimator="llc"))
    x = np.log(ladder)
    g = np.array([e.value for e in ests])
    se = np.array([e.se for e in ests])

    def integrate(vals, xs):
        steps = np.diff(xs)
        cum = np.concatenate([[0.0], np.cumsum(steps * (vals[1:] + vals[:-1]) / 2)])
        return vals[0] + cum  # + g(s_1) for [0, s_1]

    curve = integrate(g, x)
    w = np.zeros(len(x))
    dx = np.diff(x)
    w[0] += 1.0
    w[:-1] += dx / 2
    w[1:] += dx / 2
    value = float(curve[-1])
    F_se = float(math.sqrt(np.sum((w * se) ** 2)))
    idx = sorted(set(range(0, len(x), 2)) | {len(x) - 1})
    coarse = integrate(g[idx], x[idx])[-1]
    disc = float(abs(value - coarse) / 3)
    rung_warnings = [f"at nβ = {s_k:.3g}: {m}" for s_k, e in zip(ladder, ests) for m in e.warnings
                     if "exceeds" not in m and "< 0" not in m]
    warnings = []
    if rung_warnings:
        bad = sum(1 for e in ests if any("exceeds" not in m and "< 0" not in m for m in e.warnings))
        warnings.append(f"{bad} of {len(ests)} rungs have warnings (settings['rung_warnings']), e.g. {rung_warnings[0]}")
    if g[0] > max(F_se, 1e-12):
        warnings.append(f"the bottom rung contributes g(s1) = {g[0]:.2g} > SE, and the segment [0, s1] is only bounded "
                        f"below by it (E_s[f] decreases in s); lower `lowest`")
    if disc > max(F_se, 1e-12):
        warnings.append(f"the trapezoid error of the ladder (~{disc:.2g}) exceeds the Monte Carlo SE ({F_se:.2g}); "
                        f"use more temperatures")
    halves = (float(integrate(np.array([e.first_half for e in ests]), x)[-1]),
              float(integrate(np.array([e.second_half for e in ests]), x)[-1]))
    flags = ["non-finite"] if not np.isfinite(value) else []
    settings = {**top.settings(), "sampler": ests[0].settings["sampler"], "chains": chains, "draws": draws,
                "temperatures": int(temperatures), "lowest": lowest,
                "ladder": [[float(a), float(b), float(c)] for a, b, c in zip(ladder, g, se)],
                "curve": [[float(a), float(b), float(math.sqrt(np.sum(((w[:k + 1] if k else w[:1]) * se[:k + 1]) ** 2)))]
                          for k, (a, b) in enumerate(zip(ladder, curve))],
                "discretisation_error": disc, "rung_warnings": rung_warnings,
                "formula": "F(nβ) = ∫ E_s[s(f − f*)] d log s (trapezoid over the ladder) + E_{s1}[s1(f − f*)]"}
    return Estimate(value, F_se, "free-energy", float(min(e.ess for e in ests)), float(max(e.rhat for e in ests)),
                    float(np.mean([e.acceptance for e in ests])), int(sum(e.divergences for e in ests)), halves[0],
                    halves[1], ests[0].burn_in, tuple(warnings), tuple(flags), settings, None,
                    tuple(e.trace for e in ests), sum(e.seconds for e in ests))


def volume_scaling(target, data=None, *, n=None, beta=None, nbeta=None, prior=None, center=None, gamma=None,
                   temperatures: int = 32, lowest: float = 1e-5, fit_below: float = 0.1, sampler="mala",
                   chains: int = 100, draws: int = 500, warmup: int | None = None, seed=None, init=None,
                   progress=None) -> Estimate:
    """λ (and m) from the volume V(ε) = φ_γ{w : f(w) − f* < ε} ≍ c ε^λ (−log ε)^{m−1}, from a tempered ladder.

    Runs :func:`free_energy` and reads the volume off each rung: with Z(s) = e^{−F(s)},
    ``V(ε) = Z(s) · E_s[e^{s(f − f*)} 1{f − f* < ε}]`` exactly, evaluated at ε = 1/s
    (where rung s has its mass). The curve (ε, log V, SE) is ``settings["curve"]``.
    ``value`` is the least-squares fit of log V = λ log ε + (m − 1) log(−log ε) + c
    over the points with ε < ``fit_below``; ``settings["m"]`` is the fitted m and
    ``settings["lambda_m1"]`` the slope with m = 1 fixed. Over the finite range of ε
    a ladder reaches (1/nβ … 1/(lowest·nβ)) the fitted pair is biased like every
    finite-n estimate — compare the curve itself with theory when you can.

    Examples
    --------
    >>> vs = volume_scaling("w1**2 + w2**2", nbeta=1e4, prior=Prior.uniform(-1, 1), temperatures=16,
    ...                     chains=64, draws=300, seed=0)
    >>> eps, logV, se = vs.settings["curve"][-1]        # V(ε) = πε/4 on [−1, 1]² for ε ≤ 1
    >>> bool(abs(logV - np.log(np.pi * eps / 4)) < 4 * se + 0.02)
    True
    """
    F = free_energy(target, data, n=n, beta=beta, nbeta=nbeta, prior=prior, center=center, gamma=gamma,
                    temperatures=temperatures, lowest=lowest, sampler=sampler, chains=chains, draws=draws,
                    warmup=warmup, seed=seed, init=init, progress=progress)
    fit_below = check_positive(fit_below, "fit_below")
    curve = []
    for (s_k, Fk, Fse), tr in zip(F.settings["curve"], F.trace):
        eps = 1.0 / s_k
        delta = tr.loss - tr.potential.center_loss
        with np.errstate(over="ignore", invalid="ignore"):
            wgt = np.where(delta < eps, np.exp(np.minimum(s_k * delta, 700.0)), 0.0)
        wgt = wgt[np.all(np.isfinite(wgt), axis=1)]
        mean = float(np.mean(wgt)) if wgt.size else float("nan")
        if not (mean > 0):
            continue
        se_mean = _mcse(wgt)
        logV = -Fk + math.log(mean)
        curve.append([eps, logV, float(math.hypot(Fse, se_mean / mean))])
    pts = np.array([c for c in curve if c[0] < min(fit_below, 1.0)])
    warnings = list(F.warnings)
    value = se = m_hat = lam1 = float("nan")
    if len(pts) >= 4:
        L = np.log(pts[:, 0])
        X = np.stack([L, np.log(-L), np.ones_like(L)], axis=1)
        coef, *_ = np.linalg.lstsq(X, pts[:, 1], rcond=None)
        value, m_hat = float(coef[0]), float(coef[1] + 1)
        resid = pts[:, 1] - X @ coef
        dof = max(len(pts) - 3, 1)
        cov = np.linalg.pinv(X.T @ X) * max(float(resid @ resid) / dof, float(np.mean(pts[:, 2] ** 2)))
        se = float(math.sqrt(cov[0, 0]))
        X1 = np.stack([L, np.ones_like(L)], axis=1)
        lam1 = float(np.linalg.lstsq(X1, pts[:, 1], rcond=None)[0][0])
    else:
        warnings.append(f"only {len(pts)} points of the volume curve below ε = {fit_below}: lower `lowest` or raise nβ")
    settings = {**F.settings, "curve": curve, "m": m_hat, "lambda_m1": lam1, "fit_below": fit_below,
                "free_energy": F.value,
                "formula": "V(ε) = Z(s) E_s[e^{s(f−f*)} 1{f−f* < ε}] at ε = 1/s; "
                           "fit log V = λ log ε + (m−1) log(−log ε) + c"}
    settings.pop("ladder", None)
    flags = list(F.flags)
    if np.isfinite(value) and value < 0:
        flags.append("negative")
    return Estimate(value, se, "volume-scaling", F.ess, F.rhat, F.acceptance, F.divergences, float("nan"),
                    float("nan"), F.burn_in, tuple(warnings), tuple(flags), settings, None, F.trace, F.seconds)


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
    for n, ss in zip(ns, np.random.SeedSequence(seed).spawn(len(ns))):
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
