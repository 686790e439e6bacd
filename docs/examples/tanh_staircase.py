"""λ̂(n) of the tanh network 1-H-1 learning zero beside the asymptotic λ and the exact λ of the
model truncated to the Hermite modes resolvable at n (the "effective λ" staircase).

Run from the repository root:

    python docs/examples/tanh_staircase.py            # about 5 minutes on 2 cores

It writes, next to this file,

- ``tanh_staircase.json``  every number (estimates, diagnostics, exact values, bounds, settings),
- ``tanh_staircase_table.md``  the table shown in ``tanh.md``,
- ``tanh_staircase.png``  the plot shown in ``tanh.md``.

Options: ``--H 1 2 3 4 5``, ``--ns 100 1000 10000 100000 1000000``, ``--chains 64``,
``--draws 2000``, ``--max-draws 60000`` (each λ̂ run is extended until split R-hat < 1.01 and
ESS ≥ 400, up to this many draws per chain, or flagged; deterministic given the seed),
``--max-seconds`` (an optional time budget per run), ``--budget 30`` (seconds for each exact
computation), ``--workers 2``, ``--seed 0``, ``--quick`` (a small smoke run).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
NODES = 80   # Gauss–Hermite nodes for K: within 1e-10 of 160 nodes on [−1, 1]^10, half the cost


# ---------------------------------------------------------------------------------------------
# the resolvability criterion


def mode_sizes(j_max: int = 8) -> list:
    """|h_{2j−1}(1)| for j = 1..j_max: the Hermite coefficient of tanh(b x), x ~ N(0, 1), at b = 1."""
    from rlct.models import TwoLayerNetwork

    h = TwoLayerNetwork(1).hermite_coefficients(1.0, 2 * j_max - 1)
    return [float(abs(h[2 * j - 1])) for j in range(1, j_max + 1)]


def resolvable_modes(n: float, sizes: list) -> int:
    """k(n): the number of modes j with nβ · h_{2j−1}(1)² / 2 ≥ 1, nβ = n / log n.

    One hidden unit inside the prior box |a|, |b| ≤ 1 adds at most h_{2j−1}(1)²/2 to K through
    mode j (|h_{2j−1}(b)| grows with |b|); the tempered posterior ∝ exp(−nβK) φ is changed by a
    term of K only where nβ times it is of order 1 or more. The coefficients fall with j, so the
    resolvable modes are the first k(n)."""
    nbeta = n / math.log(n)
    k = 0
    for s in sizes:
        if nbeta * s * s / 2 < 1:
            break
        k += 1
    return k


# ---------------------------------------------------------------------------------------------
# exact λ of the truncated ideals


def truncated_ideal(H: int, k: int) -> list:
    """⟨Σ_h a_h b_h^(2j−1), j ≤ k⟩ as strings."""
    return [" + ".join(f"a{h}*b{h}**{2 * j - 1}" for h in range(1, H + 1)) for j in range(1, k + 1)]


def exact_truncated(H: int, ks, budget: float) -> dict:
    """{k: (lower, upper, m or None, how)} for the truncated ideals of H units.

    For k ≥ H the truncation is the model's own ideal (the power-sum recursion: the first H
    power sums generate all of them), so λ_k is the catalogue's λ_H (Aoyagi 2010). The ideals
    grow with k, so λ_1 ≤ λ_2 ≤ … ≤ λ_H: an undecided k gets its engine bounds sharpened by its
    neighbours, and once some λ_k equals λ_H every larger k has it too (and the same m when
    m_k = m_H, since (λ, −m) is monotone in the ideal)."""
    import rlct
    from rlct import known

    full = known.tanh_network(H)
    lam_H, m_H = Fraction(full.lambda_), int(full.multiplicity)
    out = {}
    for k in sorted(set(ks)):
        if k >= H:
            out[k] = (lam_H, lam_H, m_H, "catalogue (k ≥ H: the model's ideal)")
            continue
        prev = [v for kk, v in out.items() if kk < k]
        if prev and prev[-1][0] == lam_H:     # λ_{k'} ≤ λ_k ≤ λ_H; m too when m_{k'} = m_H
            out[k] = (lam_H, lam_H, m_H if prev[-1][2] == m_H else None,
                      f"= λ_{max(kk for kk in out if kk < k)} = λ_H (monotone in k)")
            continue
        if prev and prev[-1][0] != prev[-1][1]:      # the engine left a smaller k open: bounds only
            out[k] = (prev[-1][0], lam_H, None, "bounds by monotonicity in k (a smaller k is undecided)")
            continue
        t0 = time.perf_counter()
        r = rlct.rlct(ideal=truncated_ideal(H, k), budget=budget)
        secs = time.perf_counter() - t0
        if r.exact:
            out[k] = (Fraction(r.lambda_), Fraction(r.lambda_), int(r.multiplicity),
                      f"exact engine ({r.method}, {secs:.0f} s)")
        else:
            lo = Fraction(r.lower_bound) if r.lower_bound is not None else Fraction(0)
            hi = min(Fraction(r.upper_bound), lam_H) if r.upper_bound is not None else lam_H
            if prev:
                lo = max(lo, prev[-1][0])
            out[k] = (lo, hi, None, f"engine undecided in {secs:.0f} s (budget {budget:g} s); bounds")
    return out


# ---------------------------------------------------------------------------------------------
# λ̂ on the population potential


def run_point(args) -> dict:
    """λ̂ at (H, n) on nβK with K the population loss of the real tanh network."""
    H, n, chains, draws, max_draws, max_seconds, seed = args
    from rlct.models import TwoLayerNetwork
    from rlct.numeric import Potential, llc

    model = TwoLayerNetwork(H)
    K = model.population_loss(nodes=NODES)
    U = Potential.from_callable(K.value, K.gradient, dim=2 * H, n=n, center=[0.0] * (2 * H),
                                variables=model.parameters)
    t0 = time.perf_counter()
    est = llc(U, chains=chains, draws=draws, seed=seed, max_draws=max_draws, max_seconds=max_seconds)
    conv = est.settings["convergence"]
    return {"H": H, "n": n, "nbeta": U.nbeta, "lambda_hat": est.value, "se": est.se, "rhat": est.rhat,
            "ess": est.ess, "acceptance": est.acceptance, "draws": conv["draws"], "extensions": conv["extensions"],
            "discarded": conv["discarded"], "warmup": est.burn_in, "flags": list(est.flags),
            "warnings": list(est.warnings), "seconds": time.perf_counter() - t0, "seed": seed}


# ---------------------------------------------------------------------------------------------
# output


def _frac(x: Fraction) -> str:
    return str(x) if x.denominator != 1 else str(x.numerator)


def _effective_cell(lo, hi) -> str:
    return _frac(lo) if lo == hi else f"[{_frac(lo)}, {_frac(hi)}]"


def table(rows: list) -> str:
    head = ["H", "n", "nβ", "λ̂ ± SE", "R-hat", "ESS", "draws", "k(n)", "λ of k(n) modes", "λ (m)",
            "λ − (m−1)/log nβ", "row"]
    sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if i < 11 else "---" for i in range(len(head))) + "|"]
    for r in rows:
        status = "ok" if not r["flags"] else "**flagged**: " + "; ".join(f.replace("not converged: ", "")
                                                                         for f in r["flags"])
        first = float(Fraction(r["lambda_value"])) - (r["m"] - 1) / math.log(r["nbeta"])
        lines.append("| " + " | ".join([
            str(r["H"]), "10" + str(round(math.log10(r["n"]))).translate(sup),
            f"{r['nbeta']:.4g}" if r["nbeta"] < 1000 else f"{r['nbeta']:.0f}",
            f"{r['lambda_hat']:.3f} ± {r['se']:.3f}", f"{r['rhat']:.4f}", f"{r['ess']:.0f}", str(r["draws"]),
            str(r["k"]), r["effective"], r["lambda"], f"{first:.3f}", status]) + " |")
    return "\n".join(lines)


def plot(rows: list, sizes_H: list, exact: dict, sizes: list, path: str) -> None:
    """One panel per H: λ̂(n) ± 2 SE, the truncated-mode λ_k(n) over a fine grid of n (a band where
    the engine gave bounds), the asymptotic λ and, for m = 2, λ − 1/log nβ; a last panel k(n)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ncols = 3
    nrows = -(-(len(sizes_H) + 1) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 3.3 * nrows + 0.6), dpi=110, sharex=True)
    axes = np.atleast_1d(axes).ravel()
    ns = np.array(sorted({r["n"] for r in rows}), float)
    grid = np.logspace(np.log10(ns.min()) - 0.2, np.log10(ns.max()) + 0.2, 400)
    kgrid = np.array([resolvable_modes(n, sizes) for n in grid])
    for ax, H in zip(axes, sizes_H):
        rs = sorted((r for r in rows if r["H"] == H), key=lambda r: r["n"])
        x = np.array([r["n"] for r in rs], float)
        y = np.array([r["lambda_hat"] for r in rs])
        se = np.array([r["se"] for r in rs])
        bad = np.array([bool(r["flags"]) for r in rs])
        lam = float(Fraction(rs[0]["lambda_value"]))
        m = rs[0]["m"]
        lo = np.array([float(exact[H][max(1, min(k, H))][0]) for k in kgrid])
        hi = np.array([float(exact[H][max(1, min(k, H))][1]) for k in kgrid])
        ax.fill_between(grid, lo, hi, where=hi > lo, color="tab:orange", alpha=0.2, lw=0,
                        label="λ of k(n) modes: engine bounds")
        ax.plot(grid, np.where(hi > lo, np.nan, lo), color="tab:orange", lw=2, label="λ of the k(n) resolvable modes")
        ax.axhline(lam, color="k", ls=":", lw=1.2, label="λ (catalogue, Aoyagi)")
        if m > 1:
            ax.plot(grid, lam - (m - 1) / np.log(grid / np.log(grid)), color="grey", ls="--", lw=1,
                    label="λ − (m−1)/log nβ")
        ax.errorbar(x[~bad], y[~bad], yerr=2 * se[~bad], color="tab:blue", marker="o", ms=4, lw=1.2, capsize=2,
                    label="λ̂(n) ± 2 SE")
        if bad.any():
            ax.errorbar(x[bad], y[bad], yerr=2 * se[bad], color="tab:red", marker="x", ms=7, ls="none", capsize=2,
                        label="λ̂ flagged (R-hat > 1.01)")
        ax.set_title(f"H = {H}  (λ = {_frac(Fraction(rs[0]['lambda_value']))}, m = {m})", fontsize=10)
        ax.set_xscale("log")
        ax.set_ylim(0.2, 1.25)
        ax.grid(alpha=0.3, lw=0.5)
    axk = axes[len(sizes_H)]
    axk.step(grid, kgrid, where="post", color="tab:green")
    axk.set_title("k(n): modes j with nβ·h$_{2j−1}$(1)²/2 ≥ 1", fontsize=10)
    axk.set_xscale("log")
    axk.grid(alpha=0.3, lw=0.5)
    for ax in axes[len(sizes_H) + 1:]:
        ax.axis("off")
    axk.yaxis.get_major_locator().set_params(integer=True)
    for ax in axes[:len(sizes_H) + 1]:
        ax.set_xlabel("n", fontsize=9)
    fig.suptitle("tanh 1-H-1 network learning zero: λ̂(n) on the population potential nβK, β = 1/log n",
                 fontsize=11)
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:len(sizes_H)]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8.5, frameon=False)
    fig.tight_layout(rect=(0, 0.6 / fig.get_figheight(), 1, 1))
    fig.savefig(path)
    plt.close(fig)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--H", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    p.add_argument("--ns", type=float, nargs="+", default=[1e2, 1e3, 1e4, 1e5, 1e6])
    p.add_argument("--chains", type=int, default=64)
    p.add_argument("--draws", type=int, default=2000)
    p.add_argument("--max-seconds", type=float, default=None)
    p.add_argument("--max-draws", type=int, default=60000)
    p.add_argument("--budget", type=float, default=30.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quick", action="store_true", help="a small smoke run (H 1 2, two n, short chains)")
    p.add_argument("--out", default=HERE)
    a = p.parse_args(argv)
    if a.quick:
        a.H, a.ns, a.chains, a.draws, a.max_draws, a.budget = [1, 2], [1e2, 1e4], 32, 200, 2000, 10.0
    t_start = time.perf_counter()
    from rlct import known

    sizes = mode_sizes()
    ks = {n: resolvable_modes(n, sizes) for n in a.ns}
    print("h_{2j-1}(1):", " ".join(f"{s:.3g}" for s in sizes))
    print("k(n):", {int(n): k for n, k in ks.items()})

    t0 = time.perf_counter()
    # every k that occurs between the smallest and the largest n (for the plot's staircase)
    lo_n, hi_n = min(a.ns), max(a.ns)
    k_all = sorted({resolvable_modes(n, sizes) for n in np.logspace(np.log10(lo_n) - 0.2, np.log10(hi_n) + 0.2, 400)})
    exact = {H: exact_truncated(H, [max(1, min(k, H)) for k in k_all], a.budget) for H in a.H}
    t_exact = time.perf_counter() - t0
    print(f"exact truncated λ: {t_exact:.0f} s")

    seeds = np.random.SeedSequence(a.seed).generate_state(len(a.H) * len(a.ns))
    jobs = [(H, float(n), a.chains, a.draws, a.max_draws, a.max_seconds, int(seeds[i * len(a.ns) + j]))
            for i, H in enumerate(a.H) for j, n in enumerate(a.ns)]
    jobs.sort(key=lambda job: -job[0])            # the largest models first: better load balance
    t0 = time.perf_counter()
    with ProcessPoolExecutor(a.workers) as pool:
        rows = list(pool.map(run_point, jobs))
    t_numeric = time.perf_counter() - t0
    print(f"λ̂ runs: {t_numeric:.0f} s")

    for r in rows:
        k = max(1, min(ks[r["n"]], r["H"]))
        lo, hi, m, how = exact[r["H"]][k]
        full = known.tanh_network(r["H"])
        r.update(k=ks[r["n"]], effective=_effective_cell(lo, hi), effective_lo=str(lo), effective_hi=str(hi),
                 effective_m=m, effective_method=how, lambda_=str(full.lambda_), m=int(full.multiplicity),
                 **{"lambda": f"{_frac(Fraction(full.lambda_))} ({full.multiplicity})",
                    "lambda_value": str(full.lambda_)})
    rows.sort(key=lambda r: (r["H"], r["n"]))
    total = time.perf_counter() - t_start
    os.makedirs(a.out, exist_ok=True)
    meta = {"chains": a.chains, "draws": a.draws, "max_draws": a.max_draws, "max_seconds": a.max_seconds,
            "budget": a.budget,
            "workers": a.workers, "seed": a.seed, "mode_sizes": sizes, "k": {str(int(n)): k for n, k in ks.items()},
            "exact": {str(H): {str(k): [str(v[0]), str(v[1]), v[2], v[3]] for k, v in d.items()}
                      for H, d in exact.items()},
            "seconds": {"exact": t_exact, "numeric": t_numeric, "total": total}}
    with open(os.path.join(a.out, "tanh_staircase.json"), "w") as f:
        json.dump({"settings": meta, "rows": rows}, f, indent=1, default=str)
    md = table(rows)
    with open(os.path.join(a.out, "tanh_staircase_table.md"), "w") as f:
        f.write(md + "\n")
    plot(rows, a.H, exact, sizes, os.path.join(a.out, "tanh_staircase.png"))
    print(md)
    print(f"total {total:.0f} s (exact {t_exact:.0f} s, λ̂ {t_numeric:.0f} s on {a.workers} workers)")


if __name__ == "__main__":
    main()
