"""Differential run: rlct() on random small ideals, one JSON line per ideal.

Used to check that a refactoring keeps every exact answer: run it on two
checkouts and compare the outputs with ``--compare``::

    PYTHONPATH=<old checkout> python benchmarks/differential.py --n 1000 > old.jsonl
    PYTHONPATH=<new checkout> python benchmarks/differential.py --n 1000 > new.jsonl
    python benchmarks/differential.py --compare old.jsonl new.jsonl

With ``--as-k`` K = Σ g² is passed as one polynomial (the engine's K mode); ``--method``
picks the method. The ideals have 2–4 variables, 1–3 generators of 1–3 terms with exponents ≤ 3
and coefficients in ±{1, 2}, and no constant term (so they vanish at the
origin). Results that ran out of their budget in either run are reported
apart: they may differ for timing reasons alone.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time


def random_ideal(rng: random.Random) -> list[str]:
    d = rng.randint(2, 4)
    names = [f"w{i + 1}" for i in range(d)]
    gens = []
    for _ in range(rng.randint(1, 3)):
        terms = []
        for _ in range(rng.randint(1, 3)):
            e = [0] * d
            while not any(e):
                e = [rng.choice((0, 0, 1, 1, 2, 3)) for _ in range(d)]
            mono = "*".join(f"{v}**{k}" if k > 1 else v for v, k in zip(names, e) if k)
            terms.append(f"{rng.choice((1, -1, 2, -2))}*{mono}")
        gens.append(" + ".join(terms))
    return gens


def run(n: int, seed: int, budget: float, start: int = 0, as_k: bool = False, method: str = "auto") -> None:
    import rlct

    rng = random.Random(seed)
    ideals = [random_ideal(rng) for _ in range(n)]
    for i, gens in enumerate(ideals[start:], start):
        t = time.perf_counter()
        given = {"K": " + ".join(f"({g})**2" for g in gens)} if as_k else {"ideal": gens}
        try:
            r = rlct.rlct(**given, method=method, budget=budget, timeout=min(budget, 2.0))
            row = {"exact": r.exact, "lambda": str(r.lambda_), "m": r.multiplicity,
                   "upper": str(r.upper_bound), "upper_m": r.upper_bound_multiplicity,
                   "lower": str(getattr(r, "lower_bound", None)), "method": r.method}
        except Exception as e:  # a rejection is a result too
            row = {"error": f"{type(e).__name__}: {e}"}
        row.update(i=i, ideal=gens, seconds=round(time.perf_counter() - t, 3))
        print(json.dumps(row), flush=True)


def compare(old_path: str, new_path: str, budget: float) -> int:
    def load(p):
        with open(p) as fh:
            return {r["i"]: r for r in map(json.loads, fh)}

    old, new = load(old_path), load(new_path)
    keys = ("exact", "lambda", "m", "upper", "upper_m", "lower", "method", "error")
    same = differ = timing = 0
    for i in sorted(set(old) & set(new)):
        a, b = old[i], new[i]
        if all(a.get(k) == b.get(k) for k in keys):
            same += 1
        elif max(a["seconds"], b["seconds"]) > 0.8 * budget:
            timing += 1
        else:
            differ += 1
            print("DIFFER", i, a["ideal"], {k: (a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)})
    exact = sum(1 for i in set(old) & set(new) if old[i].get("exact"))
    print(f"compared {len(set(old) & set(new))}: {same} identical ({exact} exact before), {differ} differ, "
          f"{timing} differ near the budget")
    return 1 if differ else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="number of random ideals (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--budget", type=float, default=5.0, help="rlct(budget=...) per ideal (default 5)")
    ap.add_argument("--start", type=int, default=0, help="skip the first ideals (default 0)")
    ap.add_argument("--as-k", action="store_true", help="pass K = Σ g² as one polynomial instead of the ideal")
    ap.add_argument("--method", default="auto", help="rlct(method=...) (default auto)")
    ap.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two outputs")
    a = ap.parse_args()
    if a.compare:
        sys.exit(compare(*a.compare, a.budget))
    run(a.n, a.seed, a.budget, a.start, a.as_k, a.method)
