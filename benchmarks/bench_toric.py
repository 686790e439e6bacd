"""Benchmark of toric resolutions: ``python benchmarks/bench_toric.py [--repeat N]``.

Prints, per example: number of variables, rays and maximal cones of the smooth fan,
charts, whether every chart is normal crossing, λ, and the median time of
``toric_resolution`` and of ``verify()``. Targets (issue 3): every row of the known
table with at most 4 variables resolved and verified in under 0.5 s; a 6-variable
polynomial with 50 monomials resolved in under 10 s. In 2-d the number of charts is
compared with the minimal (Hirzebruch-Jung) number, the continued-fraction length.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from math import gcd
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import known_table, timed  # noqa: E402




def hj_length(n: int, q: int) -> int:
    """Length of the Hirzebruch-Jung continued fraction n/q = b1 - 1/(b2 - ...)."""
    count = 0
    while q:
        b = -(-n // q)
        n, q = q, b * q - n
        count += 1
    return count


def minimal_charts_2d(a: int, b: int) -> int:
    """Minimal number of charts for K = w1^(2a) + w2^(2b): the normal fan has the cones
    (e1, n) and (n, e2) with n = (b, a)/g; each cone(e2, N e1 - k e2) needs hj(N/k) rays."""
    g = gcd(a, b)
    n1, n2 = b // g, a // g
    total = 2
    # cone((1,0),(n1,n2)): det n2; map to normal form (0,1),(n2, -k) with k = n1 mod n2
    for N, k in ((n2, (-n1) % n2 if n2 > 1 else 0), (n1, (-n2) % n1 if n1 > 1 else 0)):
        if N > 1:
            total += hj_length(N, k)
    return total




def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    from rlct.resolution import toric_resolution

    toric_resolution("w1**2 + w2**2")  # warm-up: imports
    rows = []
    cases = known_table()["case"]
    for c in cases:
        kw = {k: c[k] for k in ("prior", "domain", "at") if k in c}
        arg = {"ideal": c["ideal"]} if "ideal" in c else {"K": c["K"]}
        R, t = timed(lambda: toric_resolution(**arg, **kw), args.repeat)
        _, tv = timed(R.verify, 1)
        d = R.polynomial.nvars
        target = "PASS" if (d > 4 or t + tv < 0.5) else "FAIL"
        rows.append((c["id"], d, len(R.fan.rays), len(R.fan.cones), len(R.charts), "-", R.normal_crossing,
                     str(R.lambda_), f"{t * 1000:.0f}", f"{tv * 1000:.0f}", target if d <= 4 else ""))
    for a, b in [(1, 2), (2, 3), (3, 7), (4, 9), (5, 13)]:
        K = f"w1**{2 * a} + w2**{2 * b}"
        R, t = timed(lambda: toric_resolution(K), args.repeat)
        _, tv = timed(R.verify, 1)
        rows.append((K, 2, len(R.fan.rays), len(R.fan.cones), len(R.charts), minimal_charts_2d(a, b),
                     R.normal_crossing, str(R.lambda_), f"{t * 1000:.0f}", f"{tv * 1000:.0f}", ""))
    rng = random.Random(0)
    for d, n, deg in [(6, 50, 2), (6, 50, 2), (5, 30, 3)]:
        terms = {}
        while len(terms) < n:
            e = tuple(2 * rng.randint(0, deg) for _ in range(d))
            if any(e):
                terms[e] = rng.randint(1, 5)
        try:
            R, t = timed(lambda: toric_resolution(terms, max_cones=200_000, seconds=60), 1)
            rows.append((f"random d={d}, {n} terms, exps<={2 * deg}", d, len(R.fan.rays), len(R.fan.cones),
                         len(R.charts), "-", R.normal_crossing, str(R.lambda_), f"{t * 1000:.0f}", "-",
                         ("PASS" if t < 10 else "FAIL") if d == 6 else ""))
        except Exception as e:  # budget exhausted: report it
            rows.append((f"random d={d}, {n} terms", d, "-", "-", "-", "-", "-", "-", "-", "-", f"stopped: {e}"[:40]))
    headers = ["example", "d", "rays", "cones", "charts", "minimal", "NC", "λ", "ms", "verify ms", "target"]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)))


if __name__ == "__main__":
    main()
