"""Network tables of ``bench_numeric.py``: a real MLP against devinterp, RRR with d = 200.

Table 5 — Lau et al.'s realisable teacher, a ReLU MLP 10→20→20→10 (850 parameters), defined
once in PyTorch. devinterp 2.x runs its SGLD optimizer (``devinterp.optim.SGMCMC.sgld``) the way
devinterp runs chains: one torch model per chain, one chain after another, a shuffled
``DataLoader`` of batch B, the minibatch MSE recorded at every step. rlct runs the same module,
converted by ``rlct.numeric.torch_adapter.from_torch``, with ``llc(module, data,
sampler=SGLD(ε), batch_size=B, loss="mse", ...)``: all chains in one compiled scan. Same data,
w*, nβ, γ, ε, B, chains, warm-up and draws, float32 on both sides; λ̂ = nβ(mean minibatch loss
over the draws − full-batch L_n(w*)). What differs: rlct draws each minibatch with replacement
(devinterp: a reshuffled pass over the data), the random streams, and the SE (rlct: from the
ESS of the pooled draws; devinterp: the spread of the per-chain values over √chains). rlct's run
is neither extended nor trimmed (``max_seconds=0``: one run, checked), so both take the same
steps and average the same draws.

Table 6 — reduced rank regression M = N = H = 10 (d = 200): building the potential from the
model and data, then 200 chains × 1000 draws of MALA, wall time.
"""

from __future__ import annotations

import copy
import math
import time

import numpy as np


def _teacher(seed=0):
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(10, 20), torch.nn.ReLU(), torch.nn.Linear(20, 20), torch.nn.ReLU(),
                               torch.nn.Linear(20, 10))


def _devinterp_sgld(module, X, Y, *, nbeta, gamma, eps, batch, chains, warmup, draws, seed):
    import torch
    from devinterp.optim import SGMCMC
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(seed)
    mse = torch.nn.MSELoss()
    with torch.no_grad():
        init_loss = float(mse(module(X), Y))
    per_chain = []
    t0 = time.perf_counter()
    for _ in range(chains):
        model = copy.deepcopy(module)
        opt = SGMCMC.sgld(model.parameters(), lr=eps, nbeta=nbeta, localization=gamma)
        loader = DataLoader(TensorDataset(X, Y), batch_size=batch, shuffle=True, drop_last=True)
        it = iter(loader)
        total = 0.0
        for step in range(warmup + draws):
            try:
                xb, yb = next(it)
            except StopIteration:
                it = iter(loader)
                xb, yb = next(it)
            opt.zero_grad()
            loss = mse(model(xb), yb)
            loss.backward()
            opt.step()
            if step >= warmup:
                total += float(loss.detach())
        per_chain.append(nbeta * (total / draws - init_loss))
    secs = time.perf_counter() - t0
    v = np.array(per_chain)
    return {"value": float(v.mean()), "se": float(v.std(ddof=1) / math.sqrt(chains)),
            "steps_per_second": chains * (warmup + draws) / secs, "seconds": secs}


def table5(quick, print_table):
    try:
        import devinterp  # noqa: F401
        import torch
    except ImportError:
        print("\n## MLP against devinterp: skipped (pip install -e '.[bench]' installs torch, devinterp, numpyro)")
        return
    from rlct.numeric import SGLD, llc

    torch.set_num_threads(2)
    n, batch, eps, gamma = 10_000, 100, 1e-5, 100.0
    nbeta = n / math.log(n)
    chains, warmup, draws = (8, 200, 800) if quick else (32, 500, 2000)
    module = _teacher(0)
    g = torch.Generator().manual_seed(1)
    X = torch.randn(n, 10, generator=g)
    with torch.no_grad():
        Y = module(X) + torch.randn(n, 10, generator=g)
    dv = _devinterp_sgld(module, X, Y, nbeta=nbeta, gamma=gamma, eps=eps, batch=batch, chains=chains,
                         warmup=warmup, draws=draws, seed=0)
    data = (X.numpy(), Y.numpy())
    kw = dict(sampler=SGLD(eps), batch_size=batch, loss="mse", nbeta=nbeta, gamma=gamma, prior="flat",
              chains=chains, warmup=warmup, draws=draws, max_seconds=0, dtype="float32")   # one run, as devinterp
    t0 = time.perf_counter()
    first = llc(module, data, seed=1, **kw)                       # includes the compilation
    t_first = time.perf_counter() - t0
    ours = llc(module, data, seed=0, **kw)
    tr = ours.trace
    sps = tr.chains * (tr.draws + tr.warmup) / tr.seconds
    sps_first = tr.chains * (tr.draws + tr.warmup) / t_first
    z = (ours.value - dv["value"]) / math.hypot(ours.se, dv["se"])
    d = sum(p.numel() for p in module.parameters())
    rows = [["devinterp SGMCMC.sgld, chains one after another", f"{dv['steps_per_second']:,.0f}", "1",
             f"{dv['value']:.3f} ± {dv['se']:.3f}", "—", f"torch {torch.__version__}, float32, {dv['seconds']:.1f} s"],
            ["rlct SGLD, compiled (after the first call)", f"{sps:,.0f}", f"{sps / dv['steps_per_second']:,.0f}×",
             f"{ours.value:.3f} ± {ours.se:.3f}", f"{z:+.2f}", f"float32, {tr.seconds:.1f} s, R-hat {ours.rhat:.3f}"],
            ["rlct SGLD, first call (compilation included)", f"{sps_first:,.0f}",
             f"{sps_first / dv['steps_per_second']:,.0f}×", f"{first.value:.3f} ± {first.se:.3f}", "—",
             f"{t_first:.1f} s end to end"]]
    print(f"\n## ReLU MLP 10→20→20→10 (d = {d}), realisable teacher, n = {n}: rlct against devinterp "
          f"(MSE loss, nβ = n/log n = {nbeta:.1f}, γ = {gamma:g}, ε = {eps:g}, batch {batch}, {chains} chains, "
          f"{warmup} warm-up + {draws} draws, the same torch module and data; z = difference / combined SE)\n")
    print_table(["sampler", "chain-steps/s", "ratio", "λ̂ ± SE", "z", "note"], rows)


def table6(quick, print_table):
    from rlct.models import ReducedRankRegression
    from rlct.numeric import Potential, llc

    rows = []
    for M in ((6,) if quick else (10,)):
        model = ReducedRankRegression(M, M, M, 0)
        t0 = time.perf_counter()
        data = model.sample(10_000, seed=0)
        U = Potential.from_model(model, data)
        t_build = time.perf_counter() - t0
        # the target's run: 200 × 1000 draws after 500 warm-up steps from w*, not extended; then the
        # default llc (annealed start, extended until converged) on the same potential
        for what, kw in (("200 × 1000 from w*", dict(init="center", max_draws=1000)), ("default llc", {})):
            t1 = time.perf_counter()
            est = llc(U, chains=200, draws=1000, seed=0, **kw)
            t_run = time.perf_counter() - t1
            rows.append([f"RRR M = N = H = {M}, r = 0", U.dim, what, f"{t_build:.1f} s", f"{t_run:.1f} s",
                         f"{t_build + t_run:.1f} s", f"{est.trace.draws}", f"{est.value:.2f} ± {est.se:.2f}",
                         str(model.known().lambda_), f"R-hat {est.rhat:.3f}"])
    print("\n## Reduced rank regression with d = 200: built from the model and n = 10⁴ data points (JAX loss "
          "through the data's second moments), 200 chains × 1000 draws of MALA (compilation included); target < 30 s\n")
    print_table(["model", "d", "run", "build", "sample", "total", "draws/chain", "λ̂ ± SE", "λ (n → ∞)", "note"],
                rows)
