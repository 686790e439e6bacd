"""The SMC reference against MALA's λ̂: ``python benchmarks/bench_reference.py [--particles P] [--runs R]``.

For reduced rank regression RRR(4, 3, 2, 1) (d = 14), the deep linear network DLN(2, 2, 2, 2)
with r = 1 (d = 12) and the tanh networks with H = 2 and 3 (d = 4, 6), at n = 10³ and 10⁴,
on the population potential that ``rlct.compare(model, data="population")`` builds (β = 1/log n,
uniform prior on w* ± 1; the tanh networks' true K by quadrature), prints the sequential Monte
Carlo reference ``reference_lambda_hat`` ± its standard error (over independent runs), the
default ``llc`` (MALA, 200 chains × 1000 draws, annealed start, extended until converged) ± SE,
z = difference / combined SE, the potential evaluations of the reference, the kept draws per chain
of ``llc``, and the seconds of each. Goal: |z| ≤ 2 on every row.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rlct.models import DeepLinearNetwork, ReducedRankRegression, TwoLayerNetwork  # noqa: E402
from rlct.numeric import Potential, llc, reference_lambda_hat  # noqa: E402


def population_potential(model, n):
    """The potential of ``compare(model, data="population")`` at sample size n (the one model-to-potential
    step, ``Potential.of(model, "population", n=n)``)."""
    return Potential.of(model, "population", n=n)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--particles", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--ns", default="1000,10000")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    models = [("RRR(4,3,2,1)", ReducedRankRegression(4, 3, 2, 1)), ("DLN(2,2,2,2) r=1", DeepLinearNetwork((2, 2, 2, 2), r=1)),
              ("tanh H=2", TwoLayerNetwork(2)), ("tanh H=3", TwoLayerNetwork(3))]
    head = (f"{'model':18} {'d':>3} {'n':>6} {'nβ':>7}  {'SMC ref ± err':>17} {'evals':>8} {'s':>6}  "
            f"{'llc ± SE':>17} {'draws':>8} {'s':>6}  {'z':>6}")
    print(f"SMC: {args.particles} particles × {args.runs} runs (each run adaptive); "
          f"llc: the default (MALA, 200 chains × 1000 draws, annealed start, 500 warm-up, extended until converged)")
    print(head)
    print("-" * len(head))
    for name, model in models:
        for n in (int(float(x)) for x in args.ns.split(",")):
            U = population_potential(model, n)
            t = time.perf_counter()
            ref = reference_lambda_hat(U, particles=args.particles, runs=args.runs, seed=args.seed)
            t_ref = time.perf_counter() - t
            t = time.perf_counter()
            est = llc(U, chains=200, draws=1000, seed=args.seed)
            t_llc = time.perf_counter() - t
            z = (est.value - ref.value) / math.hypot(est.se, ref.error)
            print(f"{name:18} {U.dim:>3} {n:>6} {U.nbeta:>7.1f}  {ref.value:>8.4f} ± {ref.error:.4f} "
                  f"{ref.settings['evaluations']:>8} {t_ref:>6.1f}  {est.value:>8.4f} ± {est.se:.4f} "
                  f"{est.trace.draws:>8} {t_llc:>6.1f}  {z:>6.2f}" + ("" if est.ok else "  (llc flagged: "
                                                                + "; ".join(w.split(":")[0] for w in est.warnings) + ")"),
                  flush=True)


if __name__ == "__main__":
    main()
