"""Benchmark of rlct.numeric: ``python benchmarks/bench_numeric.py [--quick] [--no-devinterp]``.

Prints three tables.

1. Throughput and accuracy of MALA (default sampler; one HMC row) on small models: the
   normal-crossing K = (w1 w2)² and w1² w2⁴ (Lau et al. 2023) at nβ = 579 on the uniform prior
   on [−1, 1]^d, and K = ‖BA − B0A0‖² of reduced rank regression (expanded exactly with
   rlct.Polynomial, d up to 14) at nβ = n/log n, n = 1000. Columns: d, monomials in the
   compiled table, chain-steps per second (warm-up included), effective samples per second of
   the λ̂ statistic, λ̂ ± SE, the exact λ, and the finite-nβ value an ideal sampler returns
   (quadrature for d ≤ 3; the first-order asymptotic λ − (m−1)/log nβ otherwise, marked "asy").
2. Scaling: microseconds per chain-step against the number of chains and against d.
3. devinterp 2.x side by side (optional): its SGLD optimizer, run the way devinterp runs chains
   (one torch model per chain, sequentially), and its packaged ``slt.llc``, on the same K, nβ,
   γ and ε as rlct's SGLD, MALA and HMC; needs the virtual environment /tmp/venv-devinterp (or
   $RLCT_DEVINTERP_PYTHON) with ``torch==2.13.0`` (CPU) and ``devinterp``, and is skipped with a
   message otherwise.
4. NumPyro's NUTS (optional, same environment plus ``pip install numpyro``): effective samples
   per second of λ̂ against rlct's MALA and HMC, ESS computed by the same estimator.

5. A ReLU MLP 10→20→20→10 (850 parameters) against devinterp, and 6. reduced rank regression
   with d = 200 (see ``_networks.py``).

devinterp, torch and NumPyro come from the ``bench`` extra (``pip install -e '.[bench]'``).
Targets: ≥ 10⁶ chain-steps/s on the small models; λ̂ within 2 SE of the finite-n value; ≥ 10×
devinterp's chain-steps/s on the MLP with λ̂ within 2 combined SE; RRR d = 200 in < 30 s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from rlct import Polynomial, as_polynomial, known  # noqa: E402
from rlct.models import ReducedRankRegression  # noqa: E402
from rlct.numeric import SGLD, Potential, expected_lambda_hat, llc, sample  # noqa: E402
from rlct.numeric.compiled import CompiledPolynomial  # noqa: E402

import _networks  # noqa: E402


def rrr_kl(M, N, H, r=0):
    """‖BA − B0A0‖² (twice the model's K, as in Lau et al.'s MSE convention) for B (N×H), A (H×M),
    from ``rlct.models.ReducedRankRegression``; returned with the true point (B0, A0)."""
    model = ReducedRankRegression(M, N, H, r)
    return model.kl() * 2, list(model.true_parameter)


def rrr_lambda(M, N, H, r):
    """Aoyagi & Watanabe (2005): (λ, m) of reduced rank regression, from rlct.known."""
    return known.reduced_rank_regression(M, N, H, r).pair


def models():
    n = 1000
    nb_rrr = n / math.log(n)
    out = [("(w1 w2)^2", as_polynomial("(w1*w2)**2"), None, 579.0, (Fraction(1, 2), 2)),
           ("w1^2 w2^4", as_polynomial("w1**2*w2**4"), None, 579.0, (Fraction(1, 4), 1))]
    for M, N, H, r in ((2, 2, 1, 0), (2, 2, 2, 0), (3, 3, 2, 0), (4, 3, 2, 1)):
        K, pt = rrr_kl(M, N, H, r)
        out.append((f"RRR M{M} N{N} H{H} r{r}", K, pt, nb_rrr, rrr_lambda(M, N, H, r)))
    return out


def fmt(x, nd=3):
    return f"{x:.{nd}f}" if isinstance(x, float) else str(x)


def table1(quick):
    chains, draws, warmup = (1000, 400, 200) if quick else (1000, 2000, 1000)
    rows = []
    for name, K, pt, nb, (lam, m) in models():
        U = Potential.from_polynomial(K, nbeta=nb, center=pt)
        ideal = (expected_lambda_hat(U) if U.dim <= 3 else expected_lambda_hat(U, method="asymptotic", lam=lam, m=m))
        samplers = ["mala", "hmc"] if name == "(w1 w2)^2" else ["mala"]
        for s in samplers:
            sample(U, s, chains=chains, draws=20, warmup=20, seed=0)  # warm caches
            est = llc(U, sampler=s, chains=chains, draws=draws, warmup=warmup, seed=1, init="center")
            tr = est.trace
            steps = tr.chains * (tr.draws + tr.warmup)
            grads = steps * tr.sampler.grads_per_step
            z = f"{(est.value - ideal.value) / est.se:+.1f}" if ideal.method == "quadrature" else "—"
            rows.append([name + ("" if s == "mala" else " (HMC)"), U.dim, CompiledPolynomial(K).nmonomials,
                         f"{steps / tr.seconds:,.0f}", f"{grads / tr.seconds:,.0f}", f"{est.ess / tr.seconds:,.0f}",
                         f"{est.value:.3f} ± {est.se:.3f}", str(lam) + (f" (m={m})" if m > 1 else ""),
                         f"{ideal.value:.3f}" + (" asy" if ideal.method != "quadrature" else ""), z,
                         f"{est.rhat:.3f}", f"{est.acceptance:.2f}"])
    head = ["model", "d", "monomials", "chain-steps/s", "grad evals/s", "ESS/s (λ̂)", "λ̂ ± SE", "λ", "finite-n",
            "z", "R-hat", "accept"]
    print(f"\n## MALA on small models ({chains} chains, {warmup} warm-up + {draws} draws, uniform prior on w* ± 1)\n")
    print_table(head, rows)


def table2(quick):
    K12, pt12 = rrr_kl(3, 3, 2)
    U12 = Potential.from_polynomial(K12, nbeta=144.76, center=pt12)
    rows = []
    steps = 100 if quick else 300
    for chains in (10, 100, 1000, 10000):
        sample(U12, "mala", chains=chains, draws=10, warmup=20, seed=0)
        tr = sample(U12, "mala", chains=chains, draws=steps, warmup=20, seed=0)
        rows.append([f"chains = {chains}", 12, f"{1e6 * tr.seconds / (chains * (steps + 20)):.3f}",
                     f"{chains * (steps + 20) / tr.seconds:,.0f}"])
    for name, (K, pt) in (("d = 2  (w1 w2)^2", (as_polynomial("(w1*w2)**2"), None)),
                          ("d = 4  RRR 2-2-1", rrr_kl(2, 2, 1)), ("d = 8  RRR 2-2-2", rrr_kl(2, 2, 2)),
                          ("d = 12 RRR 3-3-2", rrr_kl(3, 3, 2)), ("d = 18 RRR 3-3-3", rrr_kl(3, 3, 3)),
                          ("d = 24 RRR 4-4-3", rrr_kl(4, 4, 3))):
        U = Potential.from_polynomial(K, nbeta=144.76, center=pt)
        sample(U, "mala", chains=1000, draws=10, warmup=20, seed=0)
        tr = sample(U, "mala", chains=1000, draws=steps, warmup=20, seed=0)
        rows.append([name, U.dim, f"{1e6 * tr.seconds / (1000 * (steps + 20)):.3f}",
                     f"{1000 * (steps + 20) / tr.seconds:,.0f}"])
    print(f"\n## Scaling of MALA (cost per chain-step; {steps} draws + 20 warm-up; 1000 chains in the d rows)\n")
    print_table(["setting", "d", "µs / chain-step", "chain-steps/s"], rows)


def devinterp_python():
    """The Python that runs devinterp and NumPyro: this one when the ``bench`` extra is installed
    (``pip install -e '.[bench]'``), else $RLCT_DEVINTERP_PYTHON or /tmp/venv-devinterp."""
    import importlib.util

    if importlib.util.find_spec("devinterp") and importlib.util.find_spec("numpyro"):
        return sys.executable
    p = os.environ.get("RLCT_DEVINTERP_PYTHON", "/tmp/venv-devinterp/bin/python")
    return p if Path(p).exists() else None


def table3(quick):
    py = devinterp_python()
    if py is None:
        print("\n## devinterp: skipped (pip install -e '.[bench]')")
        return
    gamma, eps = 1.0, 1e-4
    dchains, dsteps = (2, 500) if quick else (4, 2000)
    rows = []
    cases = [("(w1 w2)^2", as_polynomial("(w1*w2)**2"), None, 579.0), ("RRR M3 N3 H2 r0", *rrr_kl(3, 3, 2), 144.76)]
    for name, K, pt, nb in cases:
        spec = {"variables": list(K.variables), "terms": [[list(e), str(c)] for e, c in K.terms.items()],
                "center": [float(x) for x in (pt or [0] * K.nvars)], "nbeta": nb, "gamma": gamma, "epsilon": eps,
                "chains": dchains, "steps": dsteps, "seed": 0}
        proc = subprocess.run([py, str(HERE / "devinterp_sgld.py")], input=json.dumps(spec), capture_output=True,
                              text=True, timeout=1800, env={**os.environ, "TQDM_DISABLE": "1"})
        if proc.returncode != 0:
            print(f"\n## devinterp: failed on {name}:\n{proc.stderr[-2000:]}")
            return
        dv = json.loads(proc.stdout.strip().splitlines()[-1])
        U = Potential.from_polynomial(K, nbeta=nb, center=pt, prior="flat", gamma=gamma)
        ideal = expected_lambda_hat(U) if U.dim <= 3 else None
        sample(U, SGLD(eps), chains=1000, draws=50, warmup=0, seed=0)  # warm caches
        ours = llc(U, sampler=SGLD(eps), chains=1000, draws=dsteps, warmup=0, seed=0)
        mala = llc(U, chains=1000, draws=dsteps, warmup=dsteps // 2, seed=0, init="center")
        hmc = llc(U, sampler="hmc", chains=1000, draws=dsteps // 2, warmup=dsteps // 4, seed=0, init="center")
        ideal_s = f"{ideal.value:.3f}" if ideal else "—"
        rows.append([name, "devinterp SGMCMC.sgld loop", f"{dv['steps_per_second']:,.0f}", "1",
                     f"{dv['llc']:.3f} ± {dv['llc_se']:.3f}", ideal_s, f"{dv['version']}"])
        if "llc_api_steps_per_second" in dv:
            rows.append([name, "devinterp slt.llc()", f"{dv['llc_api_steps_per_second']:,.0f}",
                         f"{dv['llc_api_steps_per_second'] / dv['steps_per_second']:.2f}×",
                         f"{dv['llc_api_value']:.3f}", ideal_s, "end to end, batch 1, 1/4 of the steps"])
        else:
            rows.append([name, "devinterp slt.llc()", "—", "—", "—", ideal_s, dv.get("llc_api_error", "")[:60]])
        for label, e in (("rlct SGLD", ours), ("rlct MALA", mala), ("rlct HMC (10 leapfrog)", hmc)):
            sps = e.trace.chains * (e.trace.draws + e.trace.warmup) / e.trace.seconds
            rows.append([name, label, f"{sps:,.0f}", f"{sps / dv['steps_per_second']:,.0f}×",
                         f"{e.value:.3f} ± {e.se:.3f}", ideal_s,
                         f"1000 chains, R-hat {e.rhat:.3f}, {len(e.warnings)} warnings"])
    print(f"\n## Side by side with devinterp (flat prior, γ = {gamma}, ε = {eps}; devinterp: {dchains} chains × "
          f"{dsteps} steps, one after another, SE from the chains' spread; rlct SGLD starts at w* without burn-in "
          f"like devinterp; both SGLD runs are far from equilibrium at this ε and number of steps)\n")
    print_table(["model", "sampler", "chain-steps/s", "ratio", "λ̂ ± SE", "finite-n", "note"], rows)


def table4(quick):
    py = devinterp_python()
    if py is None:
        print("\n## NumPyro NUTS: skipped (pip install -e '.[bench]')")
        return
    probe = subprocess.run([py, "-c", "import numpyro"], capture_output=True)
    if probe.returncode != 0:
        print("\n## NumPyro NUTS: skipped (run /tmp/venv-devinterp/bin/pip install numpyro)")
        return
    from rlct.numeric import ess

    nchains, nwarm, ndraws = (8, 200, 400) if quick else (16, 500, 1000)
    rows = []
    cases = [("(w1 w2)^2", as_polynomial("(w1*w2)**2"), 579.0), ("RRR M3 N3 H2 r0", rrr_kl(3, 3, 2)[0], 144.76)]
    for name, K, nb in cases:
        spec = {"terms": [[list(e), str(c)] for e, c in K.terms.items()], "nbeta": nb, "low": -1.0, "high": 1.0,
                "chains": nchains, "warmup": nwarm, "draws": ndraws, "seed": 0}
        proc = subprocess.run([py, str(HERE / "numpyro_nuts.py")], input=json.dumps(spec), capture_output=True,
                              text=True, timeout=3600)
        if proc.returncode != 0:
            print(f"\n## NumPyro NUTS: failed on {name}:\n{proc.stderr[-2000:]}")
            return
        nuts = json.loads(proc.stdout.strip().splitlines()[-1])
        lam = np.array(nuts["lam"])
        e_nuts = ess(lam)
        se_nuts = float(lam.std(ddof=1) / math.sqrt(e_nuts))
        U = Potential.from_polynomial(K, nbeta=nb)
        ideal = f"{expected_lambda_hat(U).value:.3f}" if U.dim <= 3 else "—"
        rows.append([name, f"NUTS ({nchains} chains, vectorized)", f"{nuts['grad_evals_sampling'] / nuts['seconds']:,.0f}",
                     f"{e_nuts / nuts['seconds']:,.0f}", "1", f"{lam.mean():.3f} ± {se_nuts:.3f}", ideal,
                     f"{nuts['version']}; {nuts['seconds']:.1f} s after a {nuts['seconds_first_run']:.1f} s compile run"])
        UJ = Potential.from_polynomial(K, nbeta=nb, backend="jax")
        llc(UJ, sampler="nuts", chains=nchains, draws=20, warmup=20, seed=1)      # compile first, as for NumPyro
        runs = [("rlct NUTS, compiled", UJ, "nuts", nchains, ndraws, nwarm),
                ("rlct MALA", U, "mala", nchains, ndraws, nwarm),
                ("rlct MALA", U, "mala", 1000, 1000, 500), ("rlct HMC", U, "hmc", 1000, 1000, 500)]
        for label, UU, s_name, ch, dr, wu in runs:
            # init="center": the peer's run has no annealing ladder either (its time is not in tr.seconds)
            est = llc(UU, sampler=s_name, chains=ch, draws=dr, warmup=wu, seed=0, init="center")
            tr = est.trace
            grads = tr.chains * (tr.draws + tr.warmup) * (tr.sampler.grads_per_step if s_name != "nuts" else 1)
            ratio = (est.ess / tr.seconds) / (e_nuts / nuts["seconds"])
            rows.append([name, f"{label} ({ch} chains)", f"{grads / tr.seconds:,.0f}" if s_name != "nuts" else "—",
                         f"{est.ess / tr.seconds:,.0f}", f"{ratio:,.1f}×", f"{est.value:.3f} ± {est.se:.3f}", ideal,
                         f"{tr.seconds:.1f} s incl. warm-up, R-hat {est.rhat:.3f}"])
    print(f"\n## Effective samples per second of λ̂ against NumPyro's NUTS (float64 everywhere; uniform prior on "
          f"[−1, 1]^d; NumPyro and the first rlct rows: {nchains} chains, {nwarm} warm-up + {ndraws} draws, timed "
          f"after a compile run; grad evals/s for NumPyro count the sampling phase; ESS by the same estimator for "
          f"all rows)\n")
    print_table(["model", "sampler", "grad evals/s", "ESS/s (λ̂)", "ratio", "λ̂ ± SE", "finite-n", "note"], rows)


def print_table(head, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(head)]
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer draws (a smoke run)")
    ap.add_argument("--no-devinterp", action="store_true", help="skip the devinterp and NumPyro comparisons")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    print(f"rlct.numeric benchmark — numpy {np.__version__}, {os.cpu_count()} CPUs")
    table1(args.quick)
    table2(args.quick)
    if not args.no_devinterp:
        table3(args.quick)
        table4(args.quick)
        _networks.table5(args.quick, print_table)
    _networks.table6(args.quick, print_table)
    print(f"\n(total {time.perf_counter() - t:.0f} s)")


if __name__ == "__main__":
    main()
