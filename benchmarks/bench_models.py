"""Time to build K (and its ideal) from models: RRR up to (5, 5, 5), tanh networks up to H = 6.

Run: python benchmarks/bench_models.py [--repeat 3]
Target (issue 5): under 2 s per model with flint arithmetic. Each row builds a fresh
model (nothing cached between repeats).
"""

from __future__ import annotations

import argparse

from _common import timed

from rlct.models import DeepLinearNetwork, ReducedRankRegression, TwoLayerNetwork


def cases():
    for M, N, H in [(2, 2, 2), (3, 3, 2), (3, 3, 3), (4, 4, 4), (5, 5, 3), (5, 5, 5)]:
        for r in sorted({0, min(M, N, H) // 2}):
            yield f"RRR ({M},{N},{H},{r})", (lambda M=M, N=N, H=H, r=r: ReducedRankRegression(M, N, H, r))
    for H in range(1, 7):
        yield f"tanh H={H}", (lambda H=H: TwoLayerNetwork(H, "tanh"))
    yield "swish H=4", (lambda: TwoLayerNetwork(4, "swish"))
    for widths in [(3, 3, 3, 3), (4, 4, 4, 4, 4), (5, 5, 5, 5)]:
        yield f"DLN {widths}", (lambda w=widths: DeepLinearNetwork(w, 1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"{'model':<22}{'d':>5}{'terms of K':>12}{'generators':>12}{'K (s)':>10}{'ideal (s)':>11}  target<2s")
    for name, make in cases():
        K, tk = timed(lambda: make().kl(), args.repeat)
        gens, ti = timed(lambda: make().ideal(), args.repeat)
        ok = "yes" if max(tk, ti) < 2 else "NO"
        print(f"{name:<22}{K.nvars:>5}{len(K):>12}{len(gens):>12}{tk:>10.3f}{ti:>11.3f}  {ok}")


if __name__ == "__main__":
    main()
