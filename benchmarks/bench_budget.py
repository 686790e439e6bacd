"""Budgets that hold: wall time of rlct.rlct against its budget, with the bounds it returns.

Run: python benchmarks/bench_budget.py [--budgets 1 5 20] [--only tanh]

Rows: tanh 1-H-1 (H = 4..7, the ideal of tests/test_blowup.py), reduced rank regression
(5,5,4,1) from the model, dense random polynomials in 5-7 variables (fixed seeds; K = Σ g² of
two random generators without constant or linear terms, so K is a sum of squares that
vanishes to order 4 at 0) and TwoLayerNetwork(5) (model building counts toward the budget).
The tanh rows run blow-ups only (``theorems=False``: rule 0 would close them); TwoLayerNetwork(5)
runs rlct's defaults (blow-ups alone for a quarter of the budget, then Aoyagi's theorem).
A row whose overrun (wall − budget) exceeds max(1 s, 10 % of the budget) is marked OVER and
the script exits 1.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402,F401  (puts tests/ on the path)
from test_blowup import tanh_ideal  # noqa: E402

import rlct  # noqa: E402
from rlct.models import ReducedRankRegression, TwoLayerNetwork  # noqa: E402


def dense_generators(d: int, seed: int) -> list:
    """Two dense random generators in d variables: every monomial of degree 2..3 with an
    integer coefficient in [-3, 3] (fixed seed)."""
    rng = random.Random(seed)
    names = [f"x{i + 1}" for i in range(d)]
    monos = [(i, j) for i in range(d) for j in range(i, d)] + [(i, j, k) for i in range(d) for j in range(i, d)
                                                              for k in range(j, d)]
    gens = []
    for _ in range(2):
        terms = [f"({rng.randint(-3, 3)})*" + "*".join(names[i] for i in m) for m in monos]
        gens.append(" + ".join(terms))
    return gens


def rows(only: str):
    out = [(f"tanh H={H}", lambda H=H: dict(ideal=tanh_ideal(H), theorems=False)) for H in (4, 5, 6, 7)]
    out.append(("rrr model (5,5,4,1)", lambda: dict(K=ReducedRankRegression(5, 5, 4, 1))))
    out += [(f"dense d={d} seed={d}", lambda d=d: dict(ideal=dense_generators(d, d))) for d in (5, 6, 7)]
    out.append(("TwoLayerNetwork(5)", lambda: dict(K=TwoLayerNetwork(5))))
    return [r for r in out if only in r[0]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budgets", type=float, nargs="+", default=[1.0, 5.0, 20.0])
    ap.add_argument("--only", default="")
    args = ap.parse_args(argv)
    fmt = "{:<22} {:>6} {:>8} {:>8} {:<22} {:<8} {}"
    print(fmt.format("example", "budget", "wall s", "overrun", "bounds", "decided", ""))
    print("-" * 90)
    over = 0
    for name, make in rows(args.only):
        for b in args.budgets:
            t = time.perf_counter()
            r = rlct.rlct(**make(), budget=b)        # model building (make) counts too
            wall = time.perf_counter() - t
            late = wall - b
            bad = late > max(1.0, 0.1 * b)
            over += bad
            shown = str(r.lambda_) if r.exact else f"[{r.lower_bound}, {r.upper_bound}]"
            print(fmt.format(name, f"{b:g}", f"{wall:.2f}", f"{late:+.2f}", shown, "yes" if r.exact else "no",
                             "OVER" if bad else ""), flush=True)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
