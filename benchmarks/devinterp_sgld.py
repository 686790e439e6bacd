"""devinterp's SGLD on a polynomial K — run by bench_numeric.py in devinterp's own environment.

Not imported by rlct: it runs under ``/tmp/venv-devinterp/bin/python`` (torch 2.13.0 CPU and
devinterp 2.x). It reads a JSON spec on stdin (variables, terms [[exponents, "p/q"], ...],
center w*, nbeta, gamma, epsilon, chains, steps, seed) and prints one JSON line:

- ``optimizer``: devinterp's ``SGMCMC.sgld`` optimizer stepping a torch parameter, one chain
  after another (as devinterp runs chains), loss K(w) full batch;
- ``llc``: ``devinterp.slt.llc`` (the packaged estimator: zarr store, callbacks) with a loss
  function that returns K(w) for every token of a dummy data set, batch size 1.

λ̂ = nβ (mean K over the draws − K(w*)); its SE is the spread of per-chain values / √chains.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
import warnings
from fractions import Fraction


def main():
    spec = json.loads(sys.stdin.read())
    import torch

    import devinterp
    from devinterp.optim import SGMCMC

    torch.set_num_threads(1)
    E = torch.tensor([t[0] for t in spec["terms"]], dtype=torch.float64)
    c = torch.tensor([float(Fraction(t[1])) for t in spec["terms"]], dtype=torch.float64)
    w0 = torch.tensor(spec["center"], dtype=torch.float64)

    def K(w):
        return ((w.unsqueeze(0) ** E).prod(dim=1) * c).sum()

    nb, gamma, eps = spec["nbeta"], spec["gamma"], spec["epsilon"]
    chains, steps = spec["chains"], spec["steps"]
    K0 = float(K(w0))
    torch.manual_seed(spec["seed"])

    # 1. the optimizer, chain after chain
    per_chain = []
    t0 = time.perf_counter()
    for _ in range(chains):
        w = torch.nn.Parameter(w0.clone())
        opt = SGMCMC.sgld([w], lr=eps, nbeta=nb, localization=gamma)
        total = 0.0
        for _ in range(steps):
            opt.zero_grad()
            loss = K(w)
            loss.backward()
            opt.step()
            total += float(loss.detach())
        per_chain.append(nb * (total / steps - K0))
    secs = time.perf_counter() - t0
    mean = sum(per_chain) / chains
    sd = math.sqrt(sum((x - mean) ** 2 for x in per_chain) / max(chains - 1, 1))
    out = {"version": f"devinterp {getattr(devinterp, '__version__', '2.x')}, torch {torch.__version__}",
           "steps_per_second": chains * steps / secs, "llc": mean, "llc_se": sd / math.sqrt(chains)}

    # 2. the packaged estimator devinterp.slt.llc
    try:
        from datasets import Dataset
        from devinterp.slt.llc import llc

        class Model(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.w = torch.nn.Parameter(w0.clone())

        def loss_fn(model, input_ids):
            return K(model.w).expand(input_ids.shape[0], input_ids.shape[1] - 1)

        ds = Dataset.from_dict({"input_ids": [[0, 0]] * 64}).with_format("torch")
        n2 = max(steps // 4, 50)
        with warnings.catch_warnings(), tempfile.TemporaryDirectory() as tmp:
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            res = llc(Model(), ds, {}, lr=eps, n_beta=nb, localization=gamma, num_chains=chains, num_draws=n2,
                      batch_size=1, loss_fn=loss_fn, output_path=f"{tmp}/s.zarr", device="cpu",
                      num_init_loss_batches=1)
            secs2 = time.perf_counter() - t0
        out["llc_api_steps_per_second"] = chains * n2 / secs2
        out["llc_api_value"] = float(res["llc_mean"])
    except Exception as exc:  # the packaged API is for language models; report why it did not run
        out["llc_api_error"] = f"{type(exc).__name__}: {exc}"[:300]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
