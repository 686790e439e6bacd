"""Benchmark of rlct.numeric.sweep: ``python benchmarks/bench_sweep.py [--runs 200 --short 0.01 --long-runs 10 --long 1]``.

Runs the same sweep sequentially, on a 2-worker ``ProcessPoolExecutor`` and on a 2-worker Dask
``LocalCluster`` (processes, one thread each), twice: ``--runs`` runs of ``--short`` seconds
each (the overhead measure) and ``--long-runs`` runs of ``--long`` seconds each (the speed-up
measure; 200 runs of 1 s would take almost 7 minutes over the three executors, so 10 by
default). Every sweep writes its JSON-lines store (flush + fsync per run), as a real sweep would.

A run is CPU-bound numpy work of fixed size (``np.sin`` over a 10⁴-array, repeated), calibrated
in this process to the requested duration; its duration is work, not a timer, so two runs
sharing one core take twice as long. Pools and clusters are started and warmed up (one tiny
sweep) before timing; their start-up time is printed separately.

Columns: wall time; speed-up over sequential; overhead per run = (wall × workers − Σ time inside
``run``) / runs, i.e. worker-time spent on anything but the user's function (scheduling,
pickling, the store, idle workers at the tail); CPU share = CPU time / wall time inside ``run``
(below ~95% means other processes were taking the cores, so the speed-up is a lower bound);
speed-up on free cores (est.) = workers × (w + sequential overhead) / (w + overhead), w = CPU
seconds of one run: the speed-up the measured overheads allow when nothing else runs.

Targets (issue 8): overhead under 20 ms per run; speed-up ≥ 1.7× on 2 cores for runs ≥ 1 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from rlct.numeric.sweep import sweep


def spin(point, seed):
    """CPU-bound numpy work: ``point['iters']`` passes of sin over 10⁴ numbers."""
    cpu = time.process_time()
    x = np.random.default_rng(seed).random(10_000)
    for _ in range(point["iters"]):
        x = np.sin(x + 1.0)
    return {"value": float(x.sum()), "cpu": time.process_time() - cpu}


def calibrate(seconds: float) -> int:
    """Iterations of :func:`spin` that take about ``seconds`` here."""
    iters, took = 16, 0.0
    while took < 0.2:
        iters *= 2
        t = time.perf_counter()
        spin({"iters": iters}, 0)
        took = time.perf_counter() - t
    return max(1, round(iters * seconds / took))


def timed_sweep(grid, executor, store):
    t = time.perf_counter()
    res = sweep(grid, spin, executor=executor, store=store, progress=False)
    wall = time.perf_counter() - t
    if res.failed:
        raise RuntimeError(f"{len(res.failed)} runs failed: {res.failed[0].error}")
    return wall, sum(r.seconds for r in res.records), sum(r.result["cpu"] for r in res.records)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200, help="runs in the overhead measure")
    ap.add_argument("--short", type=float, default=0.01, help="seconds per run (overhead measure)")
    ap.add_argument("--long-runs", type=int, default=10, help="runs in the speed-up measure")
    ap.add_argument("--long", type=float, default=1.0, help="seconds per run (speed-up measure)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster")
    args = ap.parse_args(argv)

    cases = [(args.runs, args.short), (args.long_runs, args.long)]
    iters = {d: calibrate(d) for _, d in cases}
    grids = {d: [{"iters": iters[d], "i": i} for i in range(n)] for n, d in cases}
    warm = [{"iters": 1, "i": i} for i in range(2 * args.workers)]
    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    k = args.workers
    print(f"cores: {os.cpu_count()}; workers: {k}; calibrated iterations: "
          + ", ".join(f"{d:g} s -> {iters[d]}" for d in iters))

    load0 = os.getloadavg()[0]
    results = {}  # (executor, duration) -> (wall, time inside run, CPU time inside run)
    for n, d in cases:
        results["sequential", d] = timed_sweep(grids[d], None, tmp / f"seq-{d}.jsonl")

    t = time.perf_counter()
    with ProcessPoolExecutor(k) as pool:
        sweep(warm, spin, executor=pool, progress=False)
        startup_pool = time.perf_counter() - t
        for n, d in cases:
            results["process pool", d] = timed_sweep(grids[d], pool, tmp / f"pool-{d}.jsonl")

    startup_dask = None
    if not args.no_dask:
        from distributed import Client, LocalCluster

        t = time.perf_counter()
        with LocalCluster(n_workers=k, threads_per_worker=1, processes=True,
                          dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
                Client(cluster) as client:
            sweep(warm, spin, executor=client, progress=False)
            startup_dask = time.perf_counter() - t
            for n, d in cases:
                results["dask LocalCluster", d] = timed_sweep(grids[d], client,
                                                              tmp / f"dask-{d}.jsonl")

    header = ["executor", "runs", "s/run", "wall s", "speed-up", "overhead ms/run", "CPU share",
              "speed-up, free cores (est.)"]
    rows = []
    for (name, d), (wall, inside, cpu) in results.items():
        n = len(grids[d])
        workers = 1 if name == "sequential" else k
        speedup = results["sequential", d][0] / wall
        overhead = (wall * workers - inside) / n * 1e3
        work = results["sequential", d][2] / n  # CPU seconds of one run
        seq_overhead = (results["sequential", d][0] - results["sequential", d][1]) / n
        rows.append([name, str(n), f"{d:g}", f"{wall:.2f}", f"{speedup:.2f}×", f"{overhead:.1f}",
                     f"{cpu / inside:.0%}", f"{workers * (work + seq_overhead) / (work + overhead / 1e3):.2f}×"])
    rows.sort(key=lambda r: (float(r[2]), r[0] != "sequential"))
    widths = [max(len(h), *(len(r[j]) for r in rows)) for j, h in enumerate(header)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    print(f"start-up (excluded): process pool {startup_pool:.2f} s"
          + (f", Dask LocalCluster {startup_dask:.2f} s" if startup_dask is not None else ""))

    print(f"load average (1 min) at start {load0:.2f}, at end {os.getloadavg()[0]:.2f}; CPU share = "
          "CPU time / wall time inside run: below ~95% other processes were taking the cores, "
          "and speed-ups are then lower bounds")
    worst = max(float(r[5]) for r in rows if float(r[2]) == args.short)
    par = [float(r[4][:-1]) for r in rows if float(r[2]) == args.long and r[0] != "sequential"]
    print(f"target overhead < 20 ms/run: worst {worst:.1f} ms -> {'met' if worst < 20 else 'MISSED'}")
    if args.long >= 1 and k == 2:
        print(f"target speed-up >= 1.7x for {args.long:g} s runs: worst {min(par):.2f}x -> "
              f"{'met' if min(par) >= 1.7 else 'MISSED'}")


if __name__ == "__main__":
    main()
