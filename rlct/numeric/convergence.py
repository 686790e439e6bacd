"""Runs that are long enough by themselves: extend a sampler run until the estimate's
split R-hat and effective sample size reach their targets, within a time budget.

:func:`run_until_converged` is a small loop around any callable that produces more
draws, so every sampler back end (the numpy kernels of :func:`rlct.numeric.sample`,
a compiled one) can use it. It returns the run and a :class:`Convergence` record:
whether the targets were met, and if not, why (the reason becomes a flag of the
:class:`~rlct.numeric.Estimate`).

Policy, per round: compute R-hat, ESS and the first-half / second-half difference of
the statistic (the per-draw λ̂ contribution, shape (chains, draws)).

- All three pass: done.
- The halves differ by more than 3√2 standard errors (the smaller of the second half's and
  the whole run's; not stationary): the first half
  becomes warm-up (``discard``) and at least as many draws are added.
- Otherwise: draws are added — enough for the ESS target at the observed draws per
  effective draw (with a 20 % margin), and at least half the current length (R-hat
  falls slowly with length).
- The budget is ``max_draws`` kept draws per chain, by default ten times the draws asked
  for: a run becomes at most ten times as long. Every decision depends only on the
  draws, so the result is reproducible from the seed, on any machine.
- A time budget ``max_seconds`` can be given as well (then the result depends on the
  machine's speed): the time of the next block is predicted from the last one's speed,
  and the block is shortened to fit.
- When less than a quarter of the current length fits in a budget, the loop stops and
  the run is returned with ``converged=False`` and the reason.

Examples
--------
>>> from rlct.numeric import Potential, sample, extend
>>> U = Potential.from_polynomial("w1**2 + w2**2", nbeta=100)
>>> def run_block(previous, draws, discard):
...     if previous is None:
...         return sample(U, chains=4, draws=draws, warmup=100, seed=0)
...     return extend(previous, draws, discard=discard)
>>> tr, conv = run_until_converged(run_block, lambda tr: tr.loss, draws=100, ess=400)
>>> conv.converged, tr.draws > 100, conv.ess >= 400
(True, True, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..validate import MAX_COUNT, check_int, check_number
from .diagnostics import ess as _ess
from .diagnostics import mcse as _mcse
from .diagnostics import rhat as _rhat

__all__ = ["Convergence", "run_until_converged", "sample_until_converged", "check_targets", "DEFAULT_ESS",
           "DEFAULT_RHAT", "DEFAULT_MAX_SECONDS"]

DEFAULT_ESS = 400          # Vehtari et al. (2021) recommend ESS > 400 (100 per chain for 4 chains)
DEFAULT_RHAT = 1.01        # ... and split R-hat < 1.01
DEFAULT_MAX_SECONDS = None  # no time limit: the result must not depend on the machine's speed
RELATIVE_BUDGET = 10        # default max_draws: 10 × the draws asked for
MAX_ROUNDS = 12


@dataclass(frozen=True)
class Convergence:
    """What :func:`run_until_converged` did and reached.

    Attributes
    ----------
    converged : bool
        R-hat < target, ESS ≥ target and the two halves agree.
    reason : str
        Why not ("" when converged), e.g. ``"R-hat 1.023 > 1.01 at the limit of 10000
        draws per chain (max_draws)"``.
    rhat, ess : float
        Of the statistic at the end.
    extensions : int
        Blocks added after the first run.
    draws : int
        Kept draws per chain at the end.
    discarded : int
        Draws per chain moved to the warm-up because the run was not yet stationary.
    seconds : float
        Wall time of all blocks.
    targets : dict
        ``rhat``, ``ess``, ``max_draws``, ``max_seconds`` (the budgets used).

    Examples
    --------
    >>> c = Convergence(False, "R-hat 1.05 > 1.01", 1.05, 800.0, 2, 4000, 0, 1.5,
    ...                 {"rhat": 1.01, "ess": 400, "max_draws": 4000, "max_seconds": None})
    >>> c.flag
    'not converged: R-hat 1.05 > 1.01'
    """

    converged: bool
    reason: str
    rhat: float
    ess: float
    extensions: int
    draws: int
    discarded: int
    seconds: float
    targets: dict

    @property
    def flag(self) -> str | None:
        """The Estimate flag ("not converged: <reason>"), or None."""
        return None if self.converged else f"not converged: {self.reason}"

    def to_dict(self) -> dict:
        """A JSON-friendly view (without the wall time, so that equal runs give equal dicts)."""
        return {"converged": self.converged, "reason": self.reason, "rhat": self.rhat, "ess": self.ess,
                "extensions": self.extensions, "draws": self.draws, "discarded": self.discarded,
                **{f"target_{k}": v for k, v in self.targets.items()}}


def check_targets(x: np.ndarray, rhat: float = DEFAULT_RHAT, ess: float = DEFAULT_ESS) -> dict:
    """R-hat, ESS and stationarity of a (chains, draws) statistic against the targets.

    Returns a dict with ``rhat``, ``ess``, ``stationary`` (the means of the first and the
    second half within 3√2 standard errors of the second half's mean, so that a transient
    at the start, which inflates the autocorrelation of the whole run, cannot hide itself),
    ``ok`` and ``problems`` (a list of short phrases).

    >>> x = np.random.default_rng(0).standard_normal((4, 500))
    >>> check_targets(x)["ok"], check_targets(x + np.arange(4)[:, None])["problems"][0][:5]
    (True, 'R-hat')
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] < 4 or not np.all(np.isfinite(x)):
        return {"rhat": float("nan"), "ess": float("nan"), "stationary": False, "ok": False,
                "problems": ["no finite chains with at least 4 draws"]}
    r = _rhat(x) if x.shape[0] > 1 else float("nan")
    e = _ess(x)
    h = x.shape[1] // 2
    # the smaller of the second half's own standard error (a transient at the start inflates the
    # whole run's autocorrelation, which would hide the transient from the test) and the whole
    # run's (the test the estimate's own warning applies): a run the loop accepts is never one
    # whose estimate then says "not stationary"
    se = min(_mcse(x[:, h:]), _mcse(x))
    diff = abs(float(np.mean(x[:, :h]) - np.mean(x[:, h:])))
    stationary = not (np.isfinite(se) and se > 0 and diff > 3 * math.sqrt(2) * se)
    problems = []
    if x.shape[0] > 1 and not r < rhat:
        problems.append(f"R-hat {r:.3f} > {rhat:g}")
    if not e >= ess:
        problems.append(f"ESS {e:.0f} < {ess:g}")
    if not stationary:
        problems.append(f"first and second half differ by {diff / (math.sqrt(2) * se):.1f} SE")
    return {"rhat": float(r), "ess": float(e), "stationary": stationary, "ok": not problems, "problems": problems}


def run_until_converged(run_block: Callable[[Any, int, int], Any], statistic: Callable[[Any], np.ndarray], *,
                        draws: int, rhat: float = DEFAULT_RHAT, ess: float = DEFAULT_ESS,
                        max_seconds: float | None = DEFAULT_MAX_SECONDS, max_draws: int | None = None,
                        clock: Callable[[], float] = time.perf_counter):
    """Call ``run_block`` until ``statistic(run)`` passes R-hat, ESS and the halves test, or
    the time budget is spent; return ``(run, Convergence)``.

    Parameters
    ----------
    run_block : callable ``(previous, draws, discard) -> run``
        ``run_block(None, draws, 0)`` makes the first run; ``run_block(run, k, discard)``
        returns ``run`` with ``k`` more draws per chain and its first ``discard`` draws
        dropped (moved to warm-up). For :func:`rlct.numeric.sample` this is
        :func:`rlct.numeric.extend`.
    statistic : callable ``run -> ndarray (chains, draws)``
        The per-draw quantity whose mean is the estimate (non-finite chains left out).
    draws : int
        Draws per chain of the first run.
    rhat, ess : float
        Targets: split R-hat below ``rhat`` (≥ 1; use ``inf`` to ignore), ESS of the mean at
        least ``ess`` (0 to ignore).
    max_seconds : float, optional
        Time budget of the whole loop (first run included); 0 runs once and only checks.
        Default None: no time limit, so that the result depends only on the seed.
    max_draws : int, optional
        Upper limit on the kept draws per chain (default 10 × ``draws``).
    clock : callable
        The time source (for tests).

    Returns
    -------
    (run, Convergence)

    Examples
    --------
    >>> from rlct.numeric import Potential, sample, extend
    >>> U = Potential.from_polynomial("(w1*w2)**2", nbeta=1000)
    >>> def block(prev, k, discard):
    ...     return sample(U, chains=8, draws=k, seed=0) if prev is None else extend(prev, k, discard=discard)
    >>> tr, conv = run_until_converged(block, lambda t: t.loss, draws=50, max_seconds=0)
    >>> conv.converged, conv.reason.startswith("R-hat") or conv.reason.startswith("ESS")
    (False, True)
    """
    draws = check_int(draws, "draws", maximum=MAX_COUNT)
    rhat = check_number(rhat, "rhat", minimum=1.0, allow_inf=True)
    ess = check_number(ess, "ess", minimum=0.0, allow_inf=True)
    max_seconds = check_number(max_seconds, "max_seconds", minimum=0.0, allow_inf=True, allow_none=True)
    default_draws = max_draws is None
    max_draws = (RELATIVE_BUDGET * draws if default_draws
                 else check_int(max_draws, "max_draws", minimum=draws, maximum=MAX_COUNT))
    t0 = clock()
    run = run_block(None, int(draws), 0)
    last_block_seconds, last_block_draws = clock() - t0, int(draws)
    kept, extensions, discarded = int(draws), 0, 0
    stopped = ""
    while True:
        c = check_targets(statistic(run), rhat, ess)
        if c["ok"]:
            break
        if extensions >= MAX_ROUNDS:
            stopped = f"at the limit of {MAX_ROUNDS} extensions"
            break
        discard = kept // 2 if not c["stationary"] else 0
        more = max(kept // 2, discard)
        if np.isfinite(c["ess"]) and c["ess"] > 0 and c["ess"] < ess:
            more = max(more, math.ceil((kept - discard) * (1.2 * ess / c["ess"] - 1)))
        room = max_draws - (kept - discard)
        rate = last_block_seconds / max(last_block_draws, 1)
        fits = int((max_seconds - (clock() - t0)) / rate) if max_seconds is not None and rate > 0 else more
        least = max(kept // 4, 1)
        if room < least:
            stopped = (f"at the limit of {max_draws} draws per chain (max_draws"
                       + (f" = {RELATIVE_BUDGET} × draws)" if default_draws else ")"))
            break
        if fits < least:
            stopped = ("(not extended: max_seconds=0)" if max_seconds == 0 else
                       f"when the time budget (max_seconds={max_seconds:g}) ran out")
            break
        more = min(more, room, fits)
        t1 = clock()
        run = run_block(run, int(more), int(discard))
        last_block_seconds, last_block_draws = clock() - t1, int(more)
        kept = kept - discard + int(more)
        discarded += discard
        extensions += 1
    reason = "" if c["ok"] else f"{', '.join(c['problems'])} {stopped}".strip()
    if extensions and reason:
        reason += f", after {extensions} extension{'s' * (extensions > 1)} to {kept} draws per chain"
    conv = Convergence(bool(c["ok"]), reason, c["rhat"], c["ess"], extensions, kept, discarded, clock() - t0,
                       {"rhat": rhat, "ess": ess, "max_draws": max_draws, "max_seconds": max_seconds})
    return run, conv


def sample_until_converged(potential, sampler="mala", *, scale: float | None = None, chains: int = 200,
                           draws: int = 1000, warmup: int | None = None, seed=None, init=None, progress=None,
                           ess: float = DEFAULT_ESS, rhat: float = DEFAULT_RHAT,
                           max_seconds: float | None = DEFAULT_MAX_SECONDS, max_draws: int | None = None):
    """:func:`rlct.numeric.sample`, then :func:`rlct.numeric.extend` until the statistic
    ``scale · (f − f*)`` (default scale nβ: the LLC's) meets the targets; ``(Trace, Convergence)``.
    The chains start as :func:`rlct.numeric.samplers.default_init` says unless ``init`` is given
    (annealed from w* for MALA, HMC and NUTS).

    >>> from rlct.numeric import Potential
    >>> U = Potential.from_polynomial("w1**2", nbeta=100)
    >>> tr, conv = sample_until_converged(U, chains=8, draws=100, seed=0)
    >>> conv.converged, tr.draws >= 100
    (True, True)
    """
    from .samplers import default_init, extend, sample

    s = potential.nbeta if scale is None else scale
    if init is None:
        init = default_init(sampler)

    def run_block(previous, k, discard):
        if previous is None:
            return sample(potential, sampler, chains=chains, draws=k, warmup=warmup, seed=seed, init=init,
                          progress=progress)
        return extend(previous, k, discard=discard, progress=progress)

    def statistic(trace):
        x = s * (trace.loss - potential.center_loss)
        return x[np.all(np.isfinite(x), axis=1)]

    return run_until_converged(run_block, statistic, draws=draws, rhat=rhat, ess=ess, max_seconds=max_seconds,
                               max_draws=max_draws)
