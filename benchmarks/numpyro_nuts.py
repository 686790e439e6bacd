"""NumPyro's NUTS on a polynomial K — run by bench_numeric.py in a separate environment.

Not imported by rlct: bench_numeric.py runs it in a subprocess (NumPyro switches JAX to float64
globally), with this Python when the ``bench`` extra is installed. It reads a JSON spec on stdin (terms [[exponents, "p/q"], ...],
nbeta, low, high (the uniform prior's box), chains, warmup, draws, seed) and prints one JSON line
with the wall time of a second (compiled) run, the number of gradient evaluations, and the draws
of the λ̂ statistic nβK (chains × draws), so the caller computes ESS with its own estimator.
"""

from __future__ import annotations

import json
import sys
import time
from fractions import Fraction


def main():
    spec = json.loads(sys.stdin.read())
    import jax
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import MCMC, NUTS

    numpyro.set_host_device_count(1)
    numpyro.enable_x64()                      # float64, as rlct
    E = jnp.array([t[0] for t in spec["terms"]], dtype=jnp.int32)
    c = jnp.array([float(Fraction(t[1])) for t in spec["terms"]])
    d = E.shape[1]
    nb = spec["nbeta"]
    low, high = spec["low"], spec["high"]

    def K(w):
        return jnp.sum(c * jnp.prod(w[None, :] ** E, axis=1))

    def model():
        w = numpyro.sample("w", dist.Uniform(low * jnp.ones(d), high * jnp.ones(d)).to_event(1))
        numpyro.factor("tempered", -nb * K(w))

    def run(seed):
        mcmc = MCMC(NUTS(model), num_warmup=spec["warmup"], num_samples=spec["draws"], num_chains=spec["chains"],
                    chain_method="vectorized", progress_bar=False)
        t0 = time.perf_counter()
        mcmc.run(jax.random.PRNGKey(seed), extra_fields=("num_steps",))
        w = mcmc.get_samples(group_by_chain=True)["w"]
        w.block_until_ready()
        return mcmc, time.perf_counter() - t0

    _, first = run(spec["seed"] + 1)  # includes compilation
    mcmc, secs = run(spec["seed"])
    w = mcmc.get_samples(group_by_chain=True)["w"]
    lam = nb * jax.vmap(jax.vmap(K))(w)
    steps = int(jnp.sum(mcmc.get_extra_fields()["num_steps"]))  # sampling phase only
    print(json.dumps({"version": f"numpyro {numpyro.__version__}, jax {jax.__version__}", "seconds": secs,
                      "seconds_first_run": first, "grad_evals_sampling": steps,
                      "lam": [[float(x) for x in row] for row in lam]}))


if __name__ == "__main__":
    main()
