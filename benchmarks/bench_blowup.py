"""Blow-up engine: per example, blow-ups, charts, depth, median time, decided? (and a "before" column)

Run: python benchmarks/bench_blowup.py [--repeat 3] [--baseline benchmarks/blowup_baseline.json]
                                       [--json out.json] [--only tanh]

Rows: the Newton-degenerate rows of the known table, reduced rank regression from its ideal
and from the model, tanh 1-H-1 for H = 1..6 (Aoyagi), deep linear networks (Aoyagi 2024) and the
families of docs/examples/families.md (values from the papers cited there, or the hand derivation
in that page). ``--baseline`` reads a JSON of median seconds per row (written by ``--json``)
and prints it as the "before" column; benchmarks/blowup_baseline.json holds the timings of the
engine before the speed work (its "commit" field names the commit).

Targets (issues "Degenerate K" and 16): every 2-4-variable degenerate row under 2 s;
tanh H = 4 and RRR (4,3,2,1) from the model under 5 s; tanh H = 5, 6 decided within the
default budget of rlct.rlct. The "tanh H=…" rows run the engine alone (blow-ups only); the
"TwoLayerNetwork(H)" rows run rlct.rlct with its defaults (budget 60 s, theorems on: blow-ups
alone first for up to 5 s, then rule 0, Aoyagi's theorem, when they do not decide). The "how"
column says which closed the problem.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import known_table  # noqa: E402


from test_blowup import rrr_ideal, tanh_ideal  # noqa: E402

import rlct  # noqa: E402
from rlct import known  # noqa: E402
from rlct.models import (BinaryTreeModel, BinomialMixture, DeepLinearNetwork, NaiveBayes,  # noqa: E402
                         PoissonMixture, ReducedRankRegression, TwoLayerNetwork)
from rlct.resolution import blowup_resolution  # noqa: E402
from rlct.resolution.blowup import BlowupResolution  # noqa: E402


def examples():
    """``(name, kind, argument, (λ, m))``: kind "engine" runs blowup_resolution(**argument),
    kind "rlct" runs rlct.rlct(argument) with the default method."""
    table = known_table()
    out = []
    for case in table["case"]:
        if case.get("newton_degenerate"):
            arg = dict(ideal=case["ideal"]) if "ideal" in case else dict(K=case["K"])
            out.append((case["id"], "engine", arg, (Fraction(case["lambda"]), case["m"])))
    out.append(("line-and-point (1, 3/10)", "engine", dict(K="(w1 - 1)**2*(w1**2 + w2**2)**4", at=[1, "3/10"]),
                (Fraction(1, 2), 1)))
    rrr = {tuple(r[:4]): (Fraction(r[4]), r[5]) for r in table["rrr"][0]["values"]}
    for key in [(2, 2, 2, 0), (2, 2, 2, 1), (3, 3, 2, 0), (3, 3, 3, 0), (4, 3, 2, 1)]:
        gens, at = rrr_ideal(*key)
        out.append(("rrr (%d,%d,%d,%d)" % key, "engine", dict(ideal=gens, at=at), rrr[key]))
    out.append(("rrr model (4,3,2,1)", "rlct", ReducedRankRegression(4, 3, 2, 1),
                known.reduced_rank_regression(4, 3, 2, 1).pair))          # Aoyagi & Watanabe 2005
    for H in (1, 2, 3, 4, 5, 6):
        out.append((f"tanh H={H}", "engine", dict(ideal=tanh_ideal(H)), known.tanh_network(H).pair))  # Aoyagi
    for H in (3, 4, 5, 6, 7):
        out.append((f"TwoLayerNetwork({H})", "rlct", TwoLayerNetwork(H), known.tanh_network(H).pair))  # Aoyagi
    for widths, r in (((2, 2, 2), 0), ((2, 2, 2), 1), ((1, 2, 2, 1), 0), ((2, 2, 2, 2), 1)):
        out.append((f"dln {widths} r={r}", "rlct", DeepLinearNetwork(widths, r),
                    known.deep_linear_network(widths, r).pair))             # Aoyagi 2024
    h = "1/2"
    out.append(("Bin(3) mixture a0=1/2", "rlct", BinomialMixture(3), (Fraction(3, 4), 1)))    # families.md, by hand
    out.append(("Poisson mixture a0=1/2", "rlct", PoissonMixture(), (Fraction(3, 4), 1)))     # families.md, by hand
    out.append(("naive Bayes n=2 t0=1/2", "rlct", NaiveBayes(2), (Fraction(3, 2), 2)))         # families.md (local)
    out.append(("naive Bayes n=3 t0=1/2", "rlct", NaiveBayes(3), (Fraction(9, 4), 1)))         # families.md (local)
    star = BinaryTreeModel([("h", "x1"), ("h", "x2"), ("h", "x3")],
                           true=[h, "1/4", "3/4", "1/4", "3/4", h, h])
    out.append(("tree star (NB(3), 2 dep.)", "rlct", star, known.naive_bayes(3, 2).pair))      # Rusakov-Geiger 2005
    quartet = [("h", "x1"), ("h", "x2"), ("h", "g"), ("g", "x3"), ("g", "x4")]
    flat = BinaryTreeModel(quartet, true=[h, "1/4", "3/4", "1/3", "2/3", h, h, "1/4", "2/3", "1/3", "3/5"])
    out.append(("tree quartet g indep.", "rlct", flat, (Fraction(7, 2), 1)))   # smooth, codim 7 (Jacobian rank)
    return out


def run(kind, arg, seconds):
    """``(exact, λ or None, m, lower, upper, blowups, charts, depth, nvars, how)``; rlct rows get at
    most rlct's default budget (60 s)."""
    if kind == "engine":
        R = blowup_resolution(**arg, seconds=seconds)
        return (R.exact, R.lambda_, R.multiplicity, R.lower_bound, R.upper_bound, R.blowups, len(R.charts),
                R.depth, R.polynomial.nvars, "blow-ups")
    r = rlct.rlct(arg, budget=min(seconds, 60.0))
    cert = r.certificate
    b = (cert.blowups, len(cert.charts), cert.depth) if isinstance(cert, BlowupResolution) else ("-", "-", "-")
    return (r.exact, r.lambda_, r.multiplicity, r.lower_bound, r.upper_bound, *b, r.polynomial.nvars, r.method)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=120.0, help="budget per run")
    ap.add_argument("--baseline", type=Path, help="JSON of earlier timings: the 'before' column")
    ap.add_argument("--json", type=Path, help="write this run's median seconds per row here")
    ap.add_argument("--only", default="", help="run only rows whose name contains this")
    args = ap.parse_args(argv)
    before = json.loads(args.baseline.read_text())["seconds"] if args.baseline else {}
    fmt = "{:<28} {:>4} {:>7} {:>6} {:>5} {:>9} {:>9} {:<14} {:<3} {:<9} {:<8}"
    print(fmt.format("example", "vars", "blowups", "charts", "depth", "before s", "median s", "λ (bounds)", "m",
                     "how", "decided"))
    print("-" * 120)
    timings, failed = {}, 0
    for name, kind, arg, (lam, m) in examples():
        if args.only not in name:
            continue
        times, res = [], None
        for _ in range(args.repeat):
            t = time.perf_counter()
            res = run(kind, arg, args.seconds)
            times.append(time.perf_counter() - t)
            if times[-1] > 10:
                break
        exact, lam_, m_, lower, upper, blowups, charts, depth, nvars, how = res
        ok = exact and (lam_, m_) == (lam, m)
        verdict = "WRONG" if exact and not ok else ("yes" if ok else "no (λ=%s)" % lam)
        failed += verdict == "WRONG"
        shown = str(lam_) if exact else f"[{lower}, {upper}]"
        med = statistics.median(times)
        timings[name] = round(med, 3)
        was = before.get(name)
        print(fmt.format(name, nvars, blowups, charts, depth, "-" if was is None else f"{was:.3f}", f"{med:.3f}",
                         shown, str(m_ if exact else "?"), how, verdict), flush=True)
    if args.json:
        args.json.write_text(json.dumps({"seconds": timings, "budget": args.seconds, "repeat": args.repeat},
                                        indent=1) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
