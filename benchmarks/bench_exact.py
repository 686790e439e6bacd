"""Benchmark of the exact Newton-polyhedron path: ``python benchmarks/bench_exact.py [--repeat N]``.

Prints, per row of the known table and for the expanded K = ‖BA‖² of reduced rank
regression learning zero with (M, N, H) = (2,2,2), (3,3,2), (3,3,3): variables, monomials,
the method that decided (or "bound" when the Newton polyhedron only bounds λ), λ, and the
median times of building K, of the Newton polyhedron + τ-distance, and of ``rlct.rlct``.
The time of ``import rlct`` is measured in a fresh interpreter.

Targets (issue 2): every row with ≤ 4 variables under 50 ms after import; the Newton
polyhedron and τ-distance of the (3,3,3) case (18 variables) under 5 s; import under 1 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import known_table, timed  # noqa: E402






def rrr_kl(M, N, H):
    """‖BA‖² for B (N×H), A (H×M) (twice the K of rlct.models.ReducedRankRegression with r = 0)."""
    from rlct.models import ReducedRankRegression

    return ReducedRankRegression(M, N, H, 0).kl() * 2


def import_time():
    code = "import time; t = time.perf_counter(); import rlct; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    imp = min(import_time() for _ in range(3))
    import rlct
    from rlct import as_polynomial
    from rlct.newton import NewtonPolyhedron

    table = known_table()

    rows = []
    for case in table["case"]:
        kw = {k: case[k] for k in ("prior", "domain", "at") if k in case}
        arg = dict(ideal=case["ideal"]) if "ideal" in case else dict(K=case["K"])
        r, t = timed(lambda: rlct.rlct(**arg, **kw), args.repeat)
        P = r.polynomial
        nv = P.nvars if P is not None else "?"
        nt = len(P) if P is not None else "?"
        print(".", end="", file=sys.stderr, flush=True)
        rows.append((case["id"], nv, nt, r.method if r.exact else "bound", str(r.lambda_ if r.exact else r.upper_bound),
                     "", "", t, nv != "?" and nv <= 4))

    for M, N, H in ((2, 2, 2), (3, 3, 2), (3, 3, 3)):
        K, tb = timed(lambda: rrr_kl(M, N, H), args.repeat)

        def newton():
            P = NewtonPolyhedron(K)
            return P.distance()

        dist, tn = timed(newton, args.repeat)
        r, t = timed(lambda: rlct.rlct(K, method="newton", budget=20), 1)
        rows.append((f"rrr-zero ({M},{N},{H})", K.nvars, len(K), r.method if r.exact else "bound",
                     str(r.lambda_ if r.exact else r.upper_bound), tb, tn, t, False))

    head = ("example", "vars", "terms", "method", "λ (or bound)", "build ms", "Newton+dist ms", "rlct ms", "≤50ms?")
    print(f"import rlct: {imp * 1000:.0f} ms (target < 1000 ms) {'ok' if imp < 1 else 'MISSED'}")
    print()
    fmt = "{:<28} {:>4} {:>5} {:<9} {:<13} {:>9} {:>14} {:>9} {:>6}"
    print(fmt.format(*head))
    print("-" * 106)
    worst_small, newton333 = 0.0, None
    for name, nv, nt, method, lam, tb, tn, t, small in rows:
        ms = lambda x: f"{x * 1000:.1f}" if isinstance(x, float) else ""
        flag = ("ok" if t < 0.05 else "MISSED") if small else ""
        if small:
            worst_small = max(worst_small, t)
        if name.startswith("rrr-zero (3,3,3)"):
            newton333 = tn
        print(fmt.format(name, nv, nt, method, lam, ms(tb), ms(tn), ms(t), flag))
    print()
    print(f"slowest ≤4-variable row: {worst_small * 1000:.1f} ms (target < 50 ms)")
    print(f"(3,3,3) Newton polyhedron + τ-distance: {newton333 * 1000:.1f} ms (target < 5000 ms)")


if __name__ == "__main__":
    main()
