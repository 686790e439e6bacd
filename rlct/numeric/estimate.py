"""The :class:`Estimate` — one estimated number with its standard error, diagnostics, flags and
settings — and :func:`estimate_from_trace`, which makes one of a :class:`~rlct.numeric.Trace`.

The standard error is Monte Carlo error from the effective sample size (standard deviation over
sqrt(ESS), not the spread of per-chain means); a negative λ̂, or one above d/2 (the largest
learning coefficient at a minimum), is flagged, and a run that did not converge is flagged with
its reason.

Examples
--------
>>> from rlct.numeric import sample
>>> U = Potential.from_polynomial("w1**2", nbeta=100, prior=Prior.gaussian(1.0))
>>> estimate_from_trace(sample(U, chains=16, draws=300, seed=0)).estimator
'llc'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError, RLCTError
from ..result import jsonable as _jsonable
from .convergence import Convergence
from .diagnostics import ess as _ess
from .diagnostics import mcse as _mcse
from .diagnostics import rhat as _rhat
from .exact import expected_lambda_hat
from .expected import ExpectedValue
from .reference import REFERENCE_MAX_DIM
from .potential import Potential, Prior  # noqa: F401  Prior: for the doctests
from .samplers import Trace

__all__ = ["Estimate", "estimate_from_trace", "degenerate_run", "lambda_flags", "line_fit", "conventions",
           "temperature_kw", "ESTIMATOR_NAMES"]

ESTIMATOR_NAMES = ("llc", "wbic", "two-temperature", "slope", "llc-sgld")


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
    >>> from rlct.numeric import llc
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
        from ..render import to_markdown

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




def lambda_flags(potential, value, se) -> list:
    """The serious problems of a λ̂: negative, above the largest possible value Σ(h_j + 1)/2."""
    flags = []
    if value < 0:
        flags.append("negative")
    if np.isfinite(value) and value - 3 * se > _max_lambda(potential):
        flags.append("above d/2")
    return flags


def _flags_and_warnings(potential, value, se):
    flags, warnings = lambda_flags(potential, value, se), []
    if "negative" in flags:
        warnings.append(f"λ̂ = {value:.3g} < 0: the chains found lower loss than at w* — w* is not a local minimum "
                        f"of the loss, or the chains escaped; check w*, add localisation (gamma=) or reduce the step")
    if "above d/2" in flags:
        warnings.append(f"λ̂ = {value:.3g} exceeds {_max_lambda(potential):g} = Σ(h_j + 1)/2 (d/2 without a prior "
                        f"amplitude), the largest learning coefficient at a minimum: chains escaped or the step is "
                        f"too large; reduce the step size or localise (gamma=)")
    return warnings, flags


def line_fit(x, y, se):
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
    >>> from rlct.numeric import sample
    >>> U = Potential.from_polynomial("w1**2", nbeta=100, prior=Prior.gaussian(1.0))
    >>> est = estimate_from_trace(sample(U, chains=16, draws=300, seed=0))
    >>> est.estimator, est.burn_in
    ('llc', 150)
    """
    if estimator not in ESTIMATOR_NAMES:
        raise InputError(f"estimator must be one of {', '.join(ESTIMATOR_NAMES)}; got {estimator!r}")
    if not isinstance(trace, Trace):
        raise InputError(f"estimate_from_trace needs a Trace from rlct.numeric.sample, got {type(trace).__name__}")
    U = trace.potential
    scale = U.nbeta if scale is None else scale
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise InputError(f"scale must be a positive finite number, got {scale!r}")
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
    flags += degenerate_run(trace, x)
    warnings += _mcmc_warnings(trace, se, e, r, first, second)
    settings = {**U.settings(), **trace.settings(), **conventions(U, estimator), **(extra or {})}
    if convergence is not None:
        settings["convergence"] = convergence.to_dict()
    ev = None
    if expected is True:
        try:          # quadrature for d ≤ 3, sequential Monte Carlo above (not for very large d: cost)
            ev = expected_lambda_hat(U) if U.dim <= REFERENCE_MAX_DIM else None
        except RLCTError:
            ev = None
    elif isinstance(expected, ExpectedValue):
        ev = expected
    return Estimate(value, se, estimator, e, r, float(np.mean(trace.acceptance[finite])),
                    int(trace.divergences.sum()), first, second, trace.warmup, tuple(warnings), tuple(flags),
                    settings, ev, trace, trace.seconds)


def degenerate_run(trace: Trace, x: np.ndarray) -> list:
    """Flags for a run whose numbers are not a finding: no move accepted, a statistic that never
    varies, a potential that was NaN or −inf where the chains proposed to go, chains that escaped.

    >>> from rlct.numeric import MALA, sample
    >>> U = Potential.from_polynomial("w1**2", nbeta=10, prior=Prior.gaussian(1.0))
    >>> tr = sample(U, MALA(step_size=1e6, spread=1.0), chains=4, draws=50, warmup=0, seed=0)
    >>> degenerate_run(tr, tr.loss)
    ['failed run: no proposal accepted (acceptance 0.000): the step size is far too large', 'failed run: λ̂ does not vary over the draws (every chain stayed where it started)']
    """
    out = []
    acc = float(np.mean(trace.acceptance))
    if trace.sampler.name != "sgld" and acc < 1e-3:
        out.append(f"failed run: no proposal accepted (acceptance {acc:.3f}): the step size is far too large")
    if x.size and float(np.max(x) - np.min(x)) == 0.0:
        out.append("failed run: λ̂ does not vary over the draws (every chain stayed where it started)")
    if trace.sampler.name == "mala" and int(trace.divergences.sum()):
        out.append(f"failed run: the potential was NaN or −inf at {int(trace.divergences.sum())} proposals "
                   f"(the loss is not finite on part of the region the chains explore)")
    radius = _escape_radius(trace.potential)
    if radius is not None and int(np.sum(trace.max_distance > radius)):
        out.append(f"escaped: {int(np.sum(trace.max_distance > radius))} of {trace.chains} chains went further than "
                   f"{radius:.3g} from w*")
    return out


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
    """How far from w* a chain may go before it counts as escaped: ten standard deviations beyond
    the typical radius √d·s of the localisation (s = 1/√γ) or of a Gaussian prior (s = σ) in d
    dimensions; None for a box prior (the box bounds the chains)."""
    if U.prior.kind == "uniform":
        return None
    root = math.sqrt(U.dim)
    scales = []
    if U.gamma is not None:
        scales.append((root + 10.0) / math.sqrt(U.gamma))
    if U.prior.kind == "gaussian":
        a = U.prior.arrays(U.dim)
        scales.append((root + 10.0) * float(np.max(a["scale"])) + float(np.max(np.abs(a["center"] - U.center))))
    return min(scales) if scales else None


def conventions(U: Potential, estimator: str) -> dict:
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


def temperature_kw(n, beta, nbeta):
    return {"n": n, "beta": beta, "nbeta": nbeta}
