"""Sweeps: many independent, reproducible runs over a grid of settings, on any executor.

A sweep calls ``run(point, seed)`` once for every point of a grid. Each point gets its own seed,
derived from the sweep's ``seed`` and the point itself, so a run is reproducible on its own and
does not depend on which other points are in the grid, on the executor, or on the order in
which runs finish. Runs go to an executor that someone else wrote and maintains: none (in
process, one after another), any :class:`concurrent.futures.Executor`, or a
``dask.distributed.Client`` (through its ``concurrent.futures`` interface,
``Client.get_executor``). Finished runs stream to a JSON-lines store, so an interrupted sweep
resumes where it stopped.

Examples
--------
>>> from rlct.numeric.sweep import sweep
>>> def run(point, seed):
...     return {"lam": point["d"] / 2 + point["rep"] / 100}
>>> res = sweep({"d": [1, 2], "rep": range(3)}, run)
>>> res
SweepResult(6 runs: 6 ok, 0 failed; sequential)
>>> print(res.summary("lam", over="rep"))
| d   | lam (mean ± SE) | runs | failed |
| :-- | :-------------- | :--- | :----- |
| 1   | 0.51 ± 0.005774 | 3    | 0      |
| 2   | 1.01 ± 0.005774 | 3    | 0      |
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import pickle
import queue
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from .grid import canonical, check_seed, grid_points, point_seed, product, seed_from_key, to_json  # noqa: F401
from .records import Record, StoreWriter, execute_run, load_store, lost_run, read_store  # noqa: F401
from .sweep_result import SweepResult

__all__ = ["sweep", "product", "point_seed", "load_store", "Record", "SweepResult"]


# ---------------------------------------------------------------------------------------------
# Executors
# ---------------------------------------------------------------------------------------------

def _is_dask_client(obj) -> bool:
    return type(obj).__module__.split(".")[0] == "distributed" and hasattr(obj, "get_executor")


def _adapt_executor(executor, run) -> tuple[cf.Executor | None, str]:
    if executor is None:
        return None, "sequential"
    if _is_dask_client(executor):
        address = getattr(getattr(executor, "scheduler", None), "address", None)
        return executor.get_executor(pure=False), f"dask {address}" if address else "dask"
    if isinstance(executor, cf.Executor):
        if isinstance(executor, cf.ProcessPoolExecutor):
            try:
                pickle.dumps(run)
            except Exception as exc:
                raise InputError("run must be picklable to go to a process pool (define it at "
                                 f"module level, not as a lambda or closure): {exc}") from None
        workers = getattr(executor, "_max_workers", None)
        name = type(executor).__name__
        return executor, f"{name}({workers})" if workers else name
    raise InputError("executor must be one of: None (sequential), a concurrent.futures.Executor, "
                     f"a dask.distributed.Client; got {type(executor).__name__}")


def _run_on(executor: cf.Executor, run, points, seeds, todo, finish) -> None:
    """Submit every run, then record each one as its future completes (in completion order)."""
    done_q: queue.SimpleQueue = queue.SimpleQueue()
    futures: dict[cf.Future, int] = {}
    try:
        for i in todo:
            try:
                fut = executor.submit(execute_run, run, points[i], seeds[i])
            except Exception as exc:  # executor shut down or pool already broken
                finish(i, lost_run(points[i], seeds[i], exc))
                continue
            futures[fut] = i
            fut.add_done_callback(done_q.put)
        while futures:
            try:
                fut = done_q.get(timeout=0.5)  # a timeout keeps Ctrl-C responsive everywhere
            except queue.Empty:
                continue
            i = futures.pop(fut)
            try:
                d = fut.result()
            except BaseException as exc:  # KilledWorker, BrokenProcessPool, CancelledError, ...
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                d = lost_run(points[i], seeds[i], exc)
            finish(i, d)
    finally:
        for fut in futures:  # only on an interruption: do not leave work queued
            fut.cancel()


def _progress_bar(progress, total: int, initial: int):
    from tqdm import tqdm

    enabled = sys.stderr.isatty() if progress is None else bool(progress)
    return tqdm(total=total, initial=initial, disable=not enabled, unit="run", desc="sweep",
                file=sys.stderr, dynamic_ncols=True)


# ---------------------------------------------------------------------------------------------
# sweep()
# ---------------------------------------------------------------------------------------------

def sweep(grid, run: Callable[[dict, int], Any], *, executor=None, store=None, seed: int = 0,
          progress: bool | None = None, resume: bool = True) -> SweepResult:
    """Run ``run(point, seed)`` for every point of a grid, on an executor, into a store.

    Parameters
    ----------
    grid : dict or list of dict
        A dict of parameter name → list of values (every combination is run, see
        :func:`product`), or an explicit list of points (dicts). Values must be JSON
        (numbers, strings, booleans, None, lists; numpy scalars are converted).
    run : callable
        ``run(point: dict, seed: int) -> result``; the result must be JSON-serialisable (a dict
        of numbers is best; numpy scalars and arrays are converted). Use ``seed`` for all
        randomness, e.g. ``numpy.random.default_rng(seed)``. For a process pool or a Dask
        cluster with processes, ``run`` must be picklable: a module-level function or a
        :func:`functools.partial` of one.
    executor : None, concurrent.futures.Executor or dask.distributed.Client, optional
        None runs in this process, one point after another, in grid order. An executor (e.g.
        ``ProcessPoolExecutor(4)``) or a Dask client (through ``Client.get_executor``) runs
        points concurrently. The executor is not shut down.
    store : str or os.PathLike, optional
        A JSON-lines file. Each finished run is appended as one line (write, flush, fsync) as
        soon as it finishes, whatever the executor. Missing directories are created.
    seed : int, default 0
        Base seed; each point gets ``point_seed(point, seed)``.
    progress : bool or None, default None
        Show a tqdm progress bar over runs; None shows it when standard error is a terminal.
    resume : bool, default True
        With a store: skip the points whose latest record there (same point and seed) is
        ``ok`` and take their records from the store; failed runs are run again. With False
        every point is run again (new records are appended; the latest one counts).

    Returns
    -------
    SweepResult
        One record per grid point, in grid order.

    Raises
    ------
    InputError
        If the grid is not a dict or a list of dicts of JSON values, has a repeated point, the
        seed is negative, ``run`` is not callable (or not picklable for a process pool), or the
        executor is of an unknown kind.

    Notes
    -----
    *Failures.* An exception in ``run`` is caught on the worker and recorded (status
    ``'error'``, message, traceback); the sweep goes on. A worker that dies (a Dask worker
    killed by ``os._exit``, out of memory or pre-empted) is handled by Dask: tasks that were
    running there are retried on other workers, and a task that kills
    ``distributed.scheduler.allowed-failures`` + 1 workers (default 3 + 1) fails with
    ``KilledWorker``, which is recorded as that run's error. A dying process in a
    :class:`~concurrent.futures.ProcessPoolExecutor` breaks the whole pool: runs finished so
    far are kept; the others are recorded as ``BrokenProcessPool`` errors and run again on
    resume (with a fresh pool). On Ctrl-C, pending futures are cancelled and everything that
    finished is already in the store.

    *Resume.* A record is identified by its point's canonical JSON and its seed; a store
    belongs to one experiment (same ``run``); changing ``seed`` starts a new set of records in
    the same file. One sweep at a time may write to a store.

    *Reproducibility.* A run's seed depends only on the point and the base seed
    (:func:`point_seed`), so results equal those of the sequential sweep whatever the executor
    or the completion order, as long as ``run`` itself is deterministic given its seed.

    Examples
    --------
    >>> import numpy as np
    >>> def run(point, seed):
    ...     rng = np.random.default_rng(seed)
    ...     if point["n"] == 0:
    ...         raise ValueError("n must be positive")
    ...     return {"mean": float(rng.normal(size=point["n"]).mean())}
    >>> res = sweep({"n": [0, 10, 100]}, run, seed=1)
    >>> res
    SweepResult(3 runs: 2 ok, 1 failed; sequential)
    >>> res.failed[0].error
    'ValueError: n must be positive'
    >>> res == sweep({"n": [0, 10, 100]}, run, seed=1)   # same seeds, same results
    True
    """
    if not callable(run):
        raise InputError(f"run must be callable as run(point, seed); got {type(run).__name__}")
    seed = check_seed(seed)
    raw = grid_points(grid)
    keys = [canonical(p) for p in raw]
    seen: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k in seen:
            raise InputError(f"grid point {raw[i]!r} appears twice (positions {seen[k]} and {i}); "
                             "add a replicate parameter such as 'rep' to run it more than once")
        seen[k] = i
    # as the store will read them back (tuples become lists), in the user's key order
    points = [json.loads(json.dumps(p, ensure_ascii=False, default=to_json)) for p in raw]
    seeds = [seed_from_key(k, seed) for k in keys]
    ex, described = _adapt_executor(executor, run)

    path = None if store is None else Path(os.fspath(store))
    if path is not None and path.suffix == ".parquet":
        raise InputError("the store is JSON lines (it is appended to run by run); give a .jsonl "
                         "path and convert afterwards with SweepResult.to_parquet()")
    done: dict[int, Record] = {}
    if path is not None and resume:
        latest = {(r.key, r.seed): r for r in read_store(path, repair=True)}
        for i, k in enumerate(keys):
            r = latest.get((k, seeds[i]))
            if r is not None and r.ok:
                done[i] = r
    resumed = len(done)
    todo = [i for i in range(len(points)) if i not in done]

    t0 = time.perf_counter()
    writer = StoreWriter(path) if path is not None and todo else None
    bar = _progress_bar(progress, total=len(points), initial=resumed)
    failed = 0

    def finish(i: int, d: dict) -> None:
        nonlocal failed
        rec = Record.from_dict(d)
        if writer is not None:
            writer.write(d)
        done[i] = rec
        if not rec.ok:
            failed += 1
            bar.set_postfix_str(f"{failed} failed", refresh=False)
        bar.update(1)

    try:
        if ex is None:
            for i in todo:
                finish(i, execute_run(run, points[i], seeds[i]))
        else:
            _run_on(ex, run, points, seeds, todo, finish)
    finally:
        bar.close()
        if writer is not None:
            writer.close()
    return SweepResult(records=tuple(done[i] for i in range(len(points))), seed=seed,
                       store=None if path is None else str(path), executor=described,
                       resumed=resumed, seconds=time.perf_counter() - t0)
