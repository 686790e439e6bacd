"""The compiled sampler driver: every chain of MALA, HMC, NUTS or (minibatch) SGLD run inside one
``jax.lax.scan`` over steps, ``jax.vmap`` over chains, for a :class:`~rlct.numeric.Potential`
whose loss is a :class:`~rlct.numeric.jaxloss.JaxLoss` (or a polynomial, compiled to JAX).

:func:`rlct.numeric.sample` dispatches here for such potentials (and for ``sampler="nuts"``);
the result is the same :class:`~rlct.numeric.Trace` the numpy driver returns, so every
estimator and diagnostic applies unchanged.

Kernels: MALA, HMC and NUTS are BlackJAX's (``blackjax.mcmc.mala``, ``hmc``, ``nuts``); what is
SLT-specific is ours: the target ``exp(−U)`` with U = nβ f + (γ/2)‖w − w*‖² − log φ (tempering,
localisation, priors with a box or a monomial amplitude), minibatch SGLD with devinterp's update
``Δw = −(ε/2)(nβ ∇L_B(w) + γ(w − w*)) + N(0, ε)``, the shared step-size adaptation (dual
averaging on the mean acceptance over chains, Hoffman & Gelman 2014), MALA's random step spread
and the bookkeeping of the loss, divergences and distance from w*.

Step-size convention: as in the numpy driver, ε is the variance of the Langevin noise
(``w' = w − (ε/2)∇U + √ε ξ``); BlackJAX's MALA is called with ε/2 (its proposal is
``w + ε∇log p + √(2ε) ξ``). HMC's and NUTS's ε is the leapfrog step.

Minibatches (SGLD with ``batch_size``): each chain takes its batches without replacement within
each pass over the data (an epoch of ⌊n/B⌋ batches, in a fresh random order per epoch and chain),
as devinterp's shuffled ``DataLoader`` does, or with replacement (``SGLD(shuffle="replace")``);
the recorded loss is the minibatch loss at the point where the gradient was taken (devinterp
records the same), and λ̂ subtracts the full-batch L_n(w*).

Examples
--------
>>> from rlct.numeric import Potential, sample
>>> U = Potential.from_polynomial("w1**2 + w2**2", nbeta=100, backend="jax")
>>> tr = sample(U, "nuts", chains=4, draws=200, seed=0)
>>> tr.loss.shape, tr.sampler.name
((4, 200), 'nuts')
"""

from __future__ import annotations

import math
import time
import weakref
from typing import NamedTuple

import numpy as np

from ..errors import InputError
from ..validate import seed_sequence
from .jaxloss import JaxLoss, jax_context, polynomial_loss, require_jax

__all__ = ["CompiledRun", "sample_compiled", "compiled_loss"]


class CompiledRun(NamedTuple):
    """What the compiled driver returns; :func:`rlct.numeric.sample` makes the Trace of it."""

    loss: np.ndarray
    acceptance: np.ndarray
    divergences: np.ndarray
    step_size: float
    warmup_loss: np.ndarray
    max_distance: np.ndarray
    positions: np.ndarray | None
    seconds: float
    metric: np.ndarray | None
    final_position: np.ndarray
    rng_state: dict


def compiled_loss(potential) -> JaxLoss:
    """The potential's loss as a :class:`JaxLoss` (a polynomial is compiled to JAX); a clear error
    for a numpy callable."""
    L = potential.loss_function
    if isinstance(L, JaxLoss):
        return L
    if potential.polynomial is not None:
        cached = potential.polynomial.__dict__.get("_jax_loss")
        if cached is None:
            cached = polynomial_loss(potential.polynomial)
            potential.polynomial.__dict__["_jax_loss"] = cached
        return cached
    raise InputError("the compiled (JAX) samplers need a potential whose loss is JAX code or a polynomial; this one "
                     "is a numpy callable: use sampler='mala'/'hmc'/'sgld' on the numpy path, or build the "
                     "potential with Potential.from_function")


def _prior_arrays(potential) -> dict:
    """The prior's numbers as float arrays of length d (the traced part of the target)."""
    d = potential.dim
    a = potential.prior.arrays(d)
    out = {"center": a["center"], "scale": a.get("scale", np.ones(d)), "low": a.get("low", np.full(d, -np.inf)),
           "high": a.get("high", np.full(d, np.inf)), "h": a.get("h", np.zeros(d))}
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def _neglog_prior(kind: str, amplitude: bool, jnp):
    """−log φ(w; arrays) in JAX for a prior kind (inf outside a uniform prior's box)."""

    def neglog(w, a):
        v = 0.0
        if kind == "gaussian":
            z = (w - a["center"]) / a["scale"]
            v = 0.5 * jnp.dot(z, z)
        elif kind == "uniform":
            outside = jnp.any((w < a["low"]) | (w > a["high"]))
            v = jnp.where(outside, jnp.inf, 0.0)
        if amplitude:
            u = jnp.where(a["h"] > 0, jnp.abs(w - a["center"]), 1.0)
            v = v - jnp.dot(a["h"], jnp.log(u))
        return v

    return neglog


BLOCK = 100          # steps per compiled call (the last block is masked, so every call has one shape)
_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _program(L: JaxLoss, sampler, prior_kind: str, amplitude: bool):
    """The compiled functions for one loss, sampler and prior kind, built once and cached on the
    loss: ``init(w, theta)``, ``block(...)`` (steps with or without adaptation) and
    ``position(state)``. ``theta`` holds what varies
    between runs without recompiling: nβ, γ, w*, the prior's arrays."""
    key = (sampler, prior_kind, amplitude)
    progs = _CACHE.setdefault(L, {})
    if key in progs:
        return progs[key]
    jax, jnp = require_jax()
    import blackjax.mcmc.hmc as bhmc
    import blackjax.mcmc.mala as bmala
    import blackjax.mcmc.nuts as bnuts

    name = sampler.name
    batch = getattr(sampler, "batch_size", None)
    f = L.f
    neglog = _neglog_prior(prior_kind, amplitude, jnp)

    def extra(w, th):
        r = w - th["c"]
        return 0.5 * th["gamma"] * jnp.dot(r, r) + neglog(w, th["prior"])

    def logdensity_of(th):
        return lambda w: -(th["nbeta"] * f(w) + extra(w, th))

    def loss_of(state, th):
        return (-state.logdensity - extra(state.position, th)) / th["nbeta"]

    if name == "mala":
        mk = bmala.build_kernel()
        log_spread = math.log(sampler.spread)

        def init_one(w, th):
            return bmala.init(w, logdensity_of(th))

        def step_one(key, kc, state, eps, metric, th):
            k1, k2 = jax.random.split(key)
            e = eps * jnp.exp(log_spread * (jax.random.uniform(k1) - 0.5)) if log_spread else eps
            new, info = mk(k2, state, logdensity_of(th), e / 2)
            bad = ~jnp.isfinite(new.logdensity)
            return new, jnp.nan_to_num(info.acceptance_rate, nan=0.0), bad, loss_of(new, th)
    elif name in ("hmc", "nuts"):
        def outside(w, th):
            """Whether w left a uniform prior's box: BlackJAX counts a trajectory that meets the wall
            (log density −inf) as divergent; that is the prior's support, not a numerical failure."""
            if prior_kind != "uniform":
                return jnp.zeros((), dtype=bool)
            return jnp.any((w < th["prior"]["low"]) | (w > th["prior"]["high"]))

        def init_one(w, th):
            return bhmc.init(w, logdensity_of(th))

        if name == "hmc":
            hk = bhmc.build_kernel()
            jitter = float(sampler.jitter)

            def step_one(key, kc, state, eps, metric, th):
                k1, k2 = jax.random.split(key)
                e = eps * jax.random.uniform(k1, minval=1 - jitter, maxval=1 + jitter) if jitter else eps
                new, info = hk(k2, state, logdensity_of(th), e, metric, sampler.n_leapfrog)
                bad = info.is_divergent & ~outside(info.proposal.position, th)
                return new, jnp.nan_to_num(info.acceptance_rate, nan=0.0), bad, loss_of(new, th)
        else:
            nk = bnuts.build_kernel()

            def step_one(key, kc, state, eps, metric, th):
                new, info = nk(key, state, logdensity_of(th), eps, metric, sampler.max_doublings)
                wall = (outside(info.trajectory_leftmost_state.position, th)
                        | outside(info.trajectory_rightmost_state.position, th))
                return new, jnp.nan_to_num(info.acceptance_rate, nan=0.0), info.is_divergent & ~wall, loss_of(new, th)
    elif name == "sgld":
        per_sample, X, Y, n = L.per_sample, L.x, L.y, L.n
        epochs = batch is not None and getattr(sampler, "shuffle", "epoch") == "epoch"
        if epochs:
            # Batches without replacement within an epoch, as a shuffled DataLoader gives them: the
            # epoch's order is a random affine bijection j -> (a·j + b) mod n of the sample indices
            # (a a unit mod n, small enough that a·j stays below 2³¹), fresh for every epoch and chain;
            # the data are exchangeable, so any bijection serves, and each step costs O(B).
            per_epoch = n // batch
            amax = max(2, min(n, 2**31 // max(n, 1)))
            units = jnp.asarray([a for a in range(1, amax) if math.gcd(a, n) == 1] or [1], dtype=jnp.int32)

        def batch_indices(k1, kc, t):
            if not epochs:
                return jax.random.randint(k1, (batch,), 0, n)
            e, pos = t // per_epoch, t % per_epoch
            ka, kb = jax.random.split(jax.random.fold_in(jax.random.fold_in(kc, 2**30), e))
            a = units[jax.random.randint(ka, (), 0, units.shape[0])]
            b = jax.random.randint(kb, (), 0, n)
            j = pos * batch + jnp.arange(batch, dtype=jnp.int32)
            return (a * j % n + b) % n

        def init_one(w, th):
            return w

        def step_one(key, kc, w, eps, metric, th):
            k1, k2 = jax.random.split(key)
            if batch is None:
                fv, g = jax.value_and_grad(f)(w)
            else:
                idx = batch_indices(k1, kc, th["t"])
                xb, yb = jnp.take(X, idx, axis=0), jnp.take(Y, idx, axis=0)
                fv, g = jax.value_and_grad(lambda v: jnp.mean(per_sample(v, xb, yb)))(w)
            gx = jax.grad(lambda v: jnp.where(jnp.isfinite(extra(v, th)), extra(v, th), 0.0))(w)
            y = w - 0.5 * eps * (th["nbeta"] * g + gx) + jnp.sqrt(eps) * jax.random.normal(k2, w.shape)
            if prior_kind == "uniform":          # reflect at the box's walls
                lo, hi = th["prior"]["low"], th["prior"]["high"]
                width = hi - lo
                z = jnp.mod(y - lo, 2 * width)
                y = lo + jnp.where(z > width, 2 * width - z, z)
            return y, jnp.ones(()), ~jnp.isfinite(fv), fv
    else:  # pragma: no cover - as_sampler guards
        raise InputError(f"no compiled kernel for {name!r}")

    def position(state):
        return state if name == "sgld" else state.position

    vstep = jax.vmap(step_one, in_axes=(0, 0, 0, None, None, None))

    def keep_if(active, new, old):
        return jax.tree_util.tree_map(lambda a, b: jnp.where(active, a, b), new, old)

    @jax.jit
    def block(states, keys, t0, nsteps, da, metric, th, target, adapting):
        """``nsteps`` (≤ BLOCK) steps at ε = exp(da[0]); when ``adapting``, dual averaging of log ε
        on the mean acceptance over chains (Hoffman & Gelman 2014, §3.2: γ = 0.05, t0 = 10,
        κ = 0.75). Returns the states, da, the largest distance from w*, per-step (loss,
        acceptance, divergent) and the pooled moments of the positions."""
        def body(carry, i):
            st, (log_eps, hbar, log_eps_bar, k, mu), maxd = carry
            ks = jax.vmap(lambda kk: jax.random.fold_in(kk, t0 + i))(keys)
            new, acc, bad, fv = vstep(ks, keys, st, jnp.exp(log_eps), metric, {**th, "t": t0 + i})
            active = i < nsteps
            st = keep_if(active, new, st)
            k1 = k + 1
            w = 1.0 / (k1 + 10.0)
            hbar1 = (1 - w) * hbar + w * (target - jnp.mean(acc))
            log_eps1 = mu - jnp.sqrt(k1) / 0.05 * hbar1
            tk = k1 ** (-0.75)
            log_eps_bar1 = tk * log_eps1 + (1 - tk) * log_eps_bar
            da1 = keep_if(active & adapting, (log_eps1, hbar1, log_eps_bar1, k1, mu),
                          (log_eps, hbar, log_eps_bar, k, mu))
            pos = position(st)
            dist = jnp.sqrt(jnp.sum((pos - th["c"]) ** 2, axis=1))
            maxd = jnp.where(active, jnp.fmax(maxd, jnp.where(jnp.isfinite(dist), dist, jnp.inf)), maxd)
            out = (fv, acc * active, bad & active, active * jnp.sum(pos, 0), active * jnp.sum(pos * pos, 0))
            return (st, da1, maxd), out
        (states, da, maxd), (fv, acc, bad, s1, s2) = jax.lax.scan(
            body, (states, da, jnp.zeros(keys.shape[0], dtype=th["c"].dtype)), jnp.arange(BLOCK))
        return states, da, maxd, (fv, acc, bad), s1.sum(0), s2.sum(0)

    prog = (jax.jit(jax.vmap(init_one, in_axes=(0, None))), block, position)
    progs[key] = prog
    return prog


def sample_compiled(potential, sampler, *, chains: int, draws: int, warmup: int, seed=None, thin: int | None = None,
                    progress: bool = False, initial_positions=None, metric=None, step_size=None,
                    t_offset: int = 0) -> CompiledRun:
    """Run the compiled driver (called by :func:`rlct.numeric.sample`; see there for the
    parameters). ``initial_positions`` (chains, d) are the start points already chosen;
    ``step_size`` and ``metric`` given skip the adaptation, and ``t_offset`` numbers the steps
    from there (to continue a run: step t of chain c uses the key fold_in(key_c, t), so a run
    continued from its final state with the same seed draws what one longer run would)."""
    jax, jnp = require_jax()
    L = compiled_loss(potential)
    batch = getattr(sampler, "batch_size", None)
    if batch is not None and L.per_sample is None:
        raise InputError("batch_size needs a loss with data (a model or a function with data); this potential's loss "
                         "is a population K or a polynomial")
    if batch is not None and not (isinstance(batch, (int, np.integer)) and 1 <= batch <= L.n):
        raise InputError(f"batch_size must be an integer between 1 and n = {L.n}, got {batch!r}")
    d = potential.dim
    t0 = time.perf_counter()
    with jax_context(L.dtype):
        init, block, position = _program(L, sampler, potential.prior.kind,
                                                       potential.prior.amplitude is not None)
        ft = jnp.float64 if L.dtype == "float64" else jnp.float32
        th = {"nbeta": jnp.asarray(float(potential.nbeta), ft), "gamma": jnp.asarray(float(potential.gamma or 0.0), ft),
              "c": jnp.asarray(potential.center, ft),
              "prior": {k: jnp.asarray(v, ft) for k, v in _prior_arrays(potential).items()}}
        ss = seed_sequence(seed)
        keys = jax.random.split(jax.random.key(int(ss.generate_state(1, dtype=np.uint32)[0])), chains)
        states = init(jnp.asarray(initial_positions, ft), th)
        metric = jnp.ones(d, ft) if metric is None else jnp.asarray(metric, ft)

        def _f(v):
            return jnp.asarray(v, dtype=ft)

        def _i(v):
            return jnp.asarray(v, dtype=jnp.int32)

        def run(states, start, stop, eps, adapting=False):
            """Steps start..stop from ε (adapted when ``adapting``): the states, the final ε (the
            dual-averaged one when adapting), per-step losses (chains, steps), the sums of
            acceptance and divergences, the largest distance, the pooled moments."""
            da = tuple(_f(v) for v in (math.log(eps), 0.0, 0.0, 0.0, math.log(10 * eps)))
            fvs, acc_sum, bad_sum, maxd = [], np.zeros(chains), np.zeros(chains), np.zeros(chains)
            s1, s2 = np.zeros(d), np.zeros(d)
            for b in range(start, stop, BLOCK):
                m = min(BLOCK, stop - b)
                states, da, md, (fv, acc, bad), a1, a2 = block(states, keys, _i(b + t_offset), _i(m), da, metric, th,
                                                              _f(sampler.target_accept or 0.0), adapting)
                fvs.append(np.asarray(fv[:m]).T)
                acc_sum, bad_sum = acc_sum + np.asarray(acc).sum(0), bad_sum + np.asarray(bad).sum(0)
                maxd = np.fmax(maxd, np.asarray(md))
                s1, s2 = s1 + np.asarray(a1), s2 + np.asarray(a2)
                if bar is not None:
                    bar.update(m)
            loss = np.concatenate(fvs, axis=1) if fvs else np.zeros((chains, 0))
            eps_out = float(np.exp(da[2])) if adapting and stop > start else eps
            return states, eps_out, loss, acc_sum, bad_sum, maxd, s1, s2

        def acc1(states, keys, e, metric, th):
            """The mean acceptance of one step from ``states`` (the block's other steps are masked)."""
            da = tuple(_f(v) for v in (math.log(e), 0.0, 0.0, 0.0, 0.0))
            return np.asarray(block(states, keys, _i(-1), _i(1), da, metric, th, _f(0.0), False)[3][1][0]).mean()

        def find(e):
            """Hoffman & Gelman's heuristic: scale ε by 4 until the one-step acceptance crosses 1/2."""
            acc = float(acc1(states, keys, e, metric, th))
            direction = 1 if acc > 0.5 else -1
            for _ in range(40):
                new = e * 4.0 ** direction
                acc = float(acc1(states, keys, new, metric, th))
                if (direction == 1 and acc < 0.5) or (direction == -1 and acc > 0.5):
                    return e if direction == 1 else new
                e = new
            return e

        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=warmup + draws, desc=f"{sampler.name} ({chains} chains, compiled)", unit="step",
                       leave=False)
        adapting = sampler.adapt and step_size is None
        if adapting and warmup > 0:
            eps = find(1.0)
            if getattr(sampler, "adapt_metric", False) and warmup >= 100 and sampler.name in ("hmc", "nuts"):
                w1, w2 = int(0.15 * warmup), int(0.75 * warmup)
                states, eps, wl1, *_ = run(states, 0, w1, eps, True)
                states, eps, wl2, _, _, _, s1, s2 = run(states, w1, w2, eps, True)
                cnt = chains * (w2 - w1)
                var = np.maximum(s2 / cnt - (s1 / cnt) ** 2, 0.0)
                if np.all(np.isfinite(var)) and var.max() > 0:
                    var = np.maximum(var, 1e-8 * var.max())
                    metric = _f(var / np.exp(np.mean(np.log(var))))   # geometric mean 1
                eps = find(eps)
                states, eps, wl3, *_ = run(states, w2, warmup, eps, True)
                warm_loss = np.concatenate([wl1, wl2, wl3], axis=1).mean(axis=0)
            else:
                states, eps, wl, *_ = run(states, 0, warmup, eps, True)
                warm_loss = wl.mean(axis=0)
        else:
            eps = float(step_size if step_size is not None else sampler.step_size if sampler.step_size is not None
                        else find(1.0))
            states, eps, wl, *_ = run(states, 0, warmup, eps)
            warm_loss = wl.mean(axis=0)
        if thin:
            parts, keep, acc_sum, div, maxdist = [], [], np.zeros(chains), np.zeros(chains), np.zeros(chains)
            for t in range(warmup, warmup + draws, thin):
                stop = min(t + thin, warmup + draws)
                states, _, fv, a, b, md, _, _ = run(states, t, stop, eps)
                parts.append(fv)
                acc_sum, div, maxdist = acc_sum + a, div + b, np.fmax(maxdist, md)
                if stop - t == thin:
                    keep.append(np.asarray(position(states)))
            loss = np.concatenate(parts, axis=1)
            positions = np.stack(keep, axis=1) if keep else np.empty((chains, 0, d))
        else:
            states, _, loss, acc_sum, div, maxdist, _, _ = run(states, warmup, warmup + draws, eps)
            positions = None
        if bar is not None:
            bar.close()
        final = np.asarray(position(states), dtype=float)
    adapted_metric = None if not (getattr(sampler, "adapt_metric", False) and sampler.name in ("hmc", "nuts")) \
        else np.asarray(metric, dtype=float)
    return CompiledRun(loss, acc_sum / draws, div.astype(np.int64), float(eps), np.asarray(warm_loss, dtype=float),
                       maxdist, positions, time.perf_counter() - t0, adapted_metric, final,
                       {"seed_sequence": ss, "t": int(t_offset + warmup + draws)})
