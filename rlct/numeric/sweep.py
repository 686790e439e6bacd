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
import hashlib
import itertools
import json
import math
import os
import pickle
import queue
import socket
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError

__all__ = ["sweep", "product", "point_seed", "load_store", "Record", "SweepResult"]

_STATUSES = ("ok", "error")


# ---------------------------------------------------------------------------------------------
# Points, canonical JSON and seeds
# ---------------------------------------------------------------------------------------------

def _to_json(obj):
    """``default=`` hook of :func:`json.dumps`: numpy scalars and arrays, fractions, paths."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"object of type {type(obj).__name__} is not JSON serialisable")


def _canonical(point: Mapping) -> str:
    """The canonical JSON text of a point: sorted keys, no spaces; the point's identity."""
    if not isinstance(point, Mapping):
        raise InputError(f"a grid point must be a dict of parameter values; got {type(point).__name__}")
    for k in point:
        if not isinstance(k, str):
            raise InputError(f"parameter names must be strings; got {k!r} in {point!r}")
    try:
        return json.dumps(point, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False, default=_to_json)
    except (TypeError, ValueError) as exc:
        raise InputError(f"grid point {point!r} is not JSON-representable: {exc}") from None


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be a non-negative integer; got {seed!r}")
    return int(seed)


def _seed_from_key(key: str, seed: int) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
    words = tuple(int(w) for w in np.frombuffer(digest, dtype="<u4"))
    state = np.random.SeedSequence(seed, spawn_key=words).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def point_seed(point: Mapping, seed: int = 0) -> int:
    """The seed a sweep with base ``seed`` passes to ``run`` for ``point``.

    Parameters
    ----------
    point : dict
        A grid point: parameter name → JSON-representable value.
    seed : int, default 0
        The sweep's base seed (a non-negative integer).

    Returns
    -------
    int
        A 63-bit non-negative integer, for :func:`numpy.random.default_rng` or
        :class:`numpy.random.SeedSequence`.

    Raises
    ------
    InputError
        If the point is not a dict of JSON-representable values or the seed is not a
        non-negative integer.

    Notes
    -----
    The seed is the first 64-bit word (shifted right by one bit) of the
    :class:`numpy.random.SeedSequence` with entropy ``seed`` and spawn key the BLAKE2b-128
    digest (four 32-bit words) of the point's canonical JSON (sorted keys, no spaces). It
    depends only on the point and on ``seed``: adding points to a grid, reordering it or running
    it on another executor leaves every other point's seed unchanged. Values are compared as
    JSON text, so ``1`` and ``1.0`` are different points; a tuple and a list are the same.

    Examples
    --------
    >>> point_seed({"n": 100, "rep": 0}) == point_seed({"rep": 0, "n": 100})
    True
    >>> point_seed({"n": 100, "rep": 0}) != point_seed({"n": 100, "rep": 1})
    True
    >>> point_seed({"n": 100, "rep": 0}, seed=1) != point_seed({"n": 100, "rep": 0})
    True
    """
    return _seed_from_key(_canonical(point), _check_seed(seed))


def product(params: Mapping[str, Any]) -> list[dict]:
    """All combinations of parameter values, as a list of dicts.

    Parameters
    ----------
    params : dict
        Parameter name → iterable of values. A string or a non-iterable value counts as a
        single value.

    Returns
    -------
    list of dict
        The Cartesian product in a stable order: keys in the order given, the last key
        varying fastest (the order of :func:`itertools.product`).

    Raises
    ------
    InputError
        If ``params`` is not a dict with string keys.

    Examples
    --------
    >>> product({"n": [10, 100], "rep": range(2)})
    [{'n': 10, 'rep': 0}, {'n': 10, 'rep': 1}, {'n': 100, 'rep': 0}, {'n': 100, 'rep': 1}]
    >>> product({"model": "tanh", "h": [1, 2]})
    [{'model': 'tanh', 'h': 1}, {'model': 'tanh', 'h': 2}]
    """
    if not isinstance(params, Mapping):
        raise InputError(f"params must be a dict of name -> values; got {type(params).__name__}")
    names, values = [], []
    for name, vals in params.items():
        if not isinstance(name, str):
            raise InputError(f"parameter names must be strings; got {name!r}")
        if isinstance(vals, (str, bytes)) or not isinstance(vals, Iterable) or isinstance(vals, Mapping):
            vals = [vals]
        names.append(name)
        values.append(list(vals))
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


def _grid_points(grid) -> list[dict]:
    if isinstance(grid, Mapping):
        return product(grid)
    if isinstance(grid, (str, bytes)) or not isinstance(grid, Iterable):
        raise InputError("grid must be a dict of name -> values or a list of dicts; "
                         f"got {type(grid).__name__}")
    points = list(grid)
    for p in points:
        if not isinstance(p, Mapping):
            raise InputError(f"a list grid must hold dicts; got {type(p).__name__}: {p!r}")
    return [dict(p) for p in points]


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    """One run of a sweep: its point, seed, outcome and provenance.

    Attributes
    ----------
    point : dict
        The grid point, as it reads back from JSON (tuples become lists).
    seed : int
        The seed passed to ``run`` (see :func:`point_seed`).
    status : {'ok', 'error'}
        Whether ``run`` returned.
    result : JSON value or None
        What ``run`` returned, after a JSON round trip (numpy scalars become Python numbers).
    error : str or None
        ``"ExceptionType: message"`` when the run failed (also when its worker was lost).
    traceback : str or None
        The formatted traceback of the failure.
    seconds : float or None
        Time spent in ``run``, measured where it ran; None when the worker was lost.
    worker, host : str or None
        Where it ran (the Dask worker address, else process id and thread name; host name).
    finished : str or None
        UTC time the run ended, ISO 8601.

    Notes
    -----
    Two records are equal when point, seed, status, result and error agree; timings and
    provenance do not take part, so the same sweep on two executors gives equal records.

    Examples
    --------
    >>> r = Record({"n": 10}, 7, "ok", {"lam": 0.5})
    >>> r
    Record(point={'n': 10}, seed=7, ok, result={'lam': 0.5})
    >>> r == Record.from_dict(r.to_dict()), r.ok
    (True, True)
    """

    point: dict
    seed: int
    status: str
    result: Any = None
    error: str | None = None
    traceback: str | None = field(default=None, compare=False)
    seconds: float | None = field(default=None, compare=False)
    worker: str | None = field(default=None, compare=False)
    host: str | None = field(default=None, compare=False)
    finished: str | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.status not in _STATUSES:
            raise InputError(f"status must be one of {_STATUSES}; got {self.status!r}")

    @property
    def ok(self) -> bool:
        """True when the run returned a result."""
        return self.status == "ok"

    @property
    def key(self) -> str:
        """The canonical JSON of the point (its identity in a store)."""
        return _canonical(self.point)

    def to_dict(self) -> dict:
        """The record as a plain dict (one line of a JSON-lines store)."""
        return {"point": self.point, "seed": self.seed, "status": self.status,
                "result": self.result, "error": self.error, "traceback": self.traceback,
                "seconds": self.seconds, "worker": self.worker, "host": self.host,
                "finished": self.finished}

    @classmethod
    def from_dict(cls, d: Mapping) -> Record:
        """Inverse of :meth:`to_dict`; unknown keys are ignored."""
        try:
            return cls(point=dict(d["point"]), seed=int(d["seed"]), status=d["status"],
                       result=d.get("result"), error=d.get("error"), traceback=d.get("traceback"),
                       seconds=d.get("seconds"), worker=d.get("worker"), host=d.get("host"),
                       finished=d.get("finished"))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"not a sweep record: {exc}") from None

    def __hash__(self):
        return hash((self.key, self.seed, self.status, self.error))

    def __repr__(self):
        tail = f"result={self.result!r}" if self.ok else f"error={self.error!r}"
        return f"Record(point={self.point!r}, seed={self.seed}, {self.status}, {tail})"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _worker_name() -> str:
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker
            return str(get_worker().address)
        except Exception:  # not inside a Dask worker
            pass
    return f"pid {os.getpid()} {threading.current_thread().name}"


def _execute(run: Callable, point: dict, seed: int) -> dict:
    """Call ``run(point, seed)`` where the executor put it and return the record as a dict.

    Exceptions raised by ``run`` (and results that are not JSON) become error records here, on
    the worker, with their traceback; only a lost worker makes the future itself fail.
    """
    t0 = time.perf_counter()
    try:
        out = run(dict(point), seed)
        result = json.loads(json.dumps(out, default=_to_json))
        status, error, tb = "ok", None, None
    except Exception as exc:
        result, status = None, "error"
        error, tb = f"{type(exc).__name__}: {exc}", traceback.format_exc()
    return {"point": point, "seed": seed, "status": status, "result": result, "error": error,
            "traceback": tb, "seconds": time.perf_counter() - t0, "worker": _worker_name(),
            "host": socket.gethostname(), "finished": _now()}


def _lost(point: dict, seed: int, exc: BaseException) -> dict:
    """The error record of a run whose future failed (worker killed, pool broken, cancelled)."""
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return {"point": point, "seed": seed, "status": "error",
            "result": None, "error": f"{type(exc).__name__}: {exc}", "traceback": tb,
            "seconds": None, "worker": None, "host": None, "finished": _now()}


# ---------------------------------------------------------------------------------------------
# The JSON-lines store
# ---------------------------------------------------------------------------------------------

def _read_lines(path: Path, repair: bool) -> list[dict]:
    """Parse a JSON-lines store; drop (and with ``repair`` cut off) a truncated last line."""
    if not path.exists():
        return []
    data = path.read_bytes()
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    out = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError:
            warnings.warn(f"{path}:{lineno}: skipping a line that is not JSON", RuntimeWarning,
                          stacklevel=3)
    if tail.strip():
        try:
            out.append(json.loads(tail))
            if repair:  # complete record without its newline: add the newline
                with open(path, "ab") as fh:
                    fh.write(b"\n")
        except ValueError:
            warnings.warn(f"{path}: dropping a truncated last line ({len(tail)} bytes) "
                          "left by an interrupted write", RuntimeWarning, stacklevel=3)
            if repair:
                with open(path, "r+b") as fh:
                    fh.truncate(len(data) - len(tail))
    return out


def load_store(path) -> list[Record]:
    """All records of a JSON-lines store, in the order they were written.

    Parameters
    ----------
    path : str or os.PathLike
        The store a sweep wrote.

    Returns
    -------
    list of Record
        One per line; a point run more than once (an error, then a success on resume) appears
        more than once. A truncated last line (an interrupted write) is skipped with a warning.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "runs.jsonl")
    >>> _ = sweep([{"x": 1}, {"x": 2}], lambda p, s: p["x"] ** 2, store=path)
    >>> [(r.point["x"], r.result) for r in load_store(path)]
    [(1, 1), (2, 4)]
    """
    return _records(Path(path), repair=False)


def _records(path: Path, repair: bool) -> list:
    """The records of a store, skipping (with a warning) lines that are not records."""
    out = []
    for d in _read_lines(path, repair=repair):
        try:
            out.append(Record.from_dict(d))
        except InputError as exc:
            warnings.warn(f"{path}: skipping a line that is not a record ({exc})", RuntimeWarning, stacklevel=3)
    return out


class _Writer:
    """Append one JSON line per record: write, flush, fsync (a finished run is never lost)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(path, "a", encoding="utf-8")

    def write(self, d: dict) -> None:
        self._fh.write(json.dumps(d, ensure_ascii=False, default=_to_json) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


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
                fut = executor.submit(_execute, run, points[i], seeds[i])
            except Exception as exc:  # executor shut down or pool already broken
                finish(i, _lost(points[i], seeds[i], exc))
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
                d = _lost(points[i], seeds[i], exc)
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
    seed = _check_seed(seed)
    raw = _grid_points(grid)
    keys = [_canonical(p) for p in raw]
    seen: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k in seen:
            raise InputError(f"grid point {raw[i]!r} appears twice (positions {seen[k]} and {i}); "
                             "add a replicate parameter such as 'rep' to run it more than once")
        seen[k] = i
    # as the store will read them back (tuples become lists), in the user's key order
    points = [json.loads(json.dumps(p, ensure_ascii=False, default=_to_json)) for p in raw]
    seeds = [_seed_from_key(k, seed) for k in keys]
    ex, described = _adapt_executor(executor, run)

    path = None if store is None else Path(os.fspath(store))
    if path is not None and path.suffix == ".parquet":
        raise InputError("the store is JSON lines (it is appended to run by run); give a .jsonl "
                         "path and convert afterwards with SweepResult.to_parquet()")
    done: dict[int, Record] = {}
    if path is not None and resume:
        latest = {(r.key, r.seed): r for r in _records(path, repair=True)}
        for i, k in enumerate(keys):
            r = latest.get((k, seeds[i]))
            if r is not None and r.ok:
                done[i] = r
    resumed = len(done)
    todo = [i for i in range(len(points)) if i not in done]

    t0 = time.perf_counter()
    writer = _Writer(path) if path is not None and todo else None
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
                finish(i, _execute(run, points[i], seeds[i]))
        else:
            _run_on(ex, run, points, seeds, todo, finish)
    finally:
        bar.close()
        if writer is not None:
            writer.close()
    return SweepResult(records=tuple(done[i] for i in range(len(points))), seed=seed,
                       store=None if path is None else str(path), executor=described,
                       resumed=resumed, seconds=time.perf_counter() - t0)


# ---------------------------------------------------------------------------------------------
# SweepResult
# ---------------------------------------------------------------------------------------------

def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _fmt(x: float, digits: int) -> str:
    return f"{x:.{digits}g}"


@dataclass(frozen=True)
class SweepResult:
    """The records of a sweep, one per grid point in grid order, and how they were obtained.

    Attributes
    ----------
    records : tuple of Record
        One per grid point, in grid order (finished now or taken from the store).
    seed : int
        The sweep's base seed.
    store : str or None
        The JSON-lines store, if any.
    executor : str
        ``'sequential'``, the executor's class, or ``'dask <scheduler address>'``.
    resumed : int
        How many records were taken from the store instead of being run.
    seconds : float
        Wall time of the sweep call.

    Notes
    -----
    Equality compares records (point, seed, status, result, error) and the base seed only.

    Examples
    --------
    >>> res = sweep({"x": [1, 2, 3]}, lambda p, s: {"y": p["x"] ** 2})
    >>> [r.result["y"] for r in res.ok], len(res.failed)
    ([1, 4, 9], 0)
    >>> res.to_rows()[0]["y"], res.to_rows()[0]["status"]
    (1, 'ok')
    """

    records: tuple[Record, ...]
    seed: int = 0
    store: str | None = field(default=None, compare=False)
    executor: str = field(default="sequential", compare=False)
    resumed: int = field(default=0, compare=False)
    seconds: float = field(default=0.0, compare=False)

    @property
    def ok(self) -> tuple[Record, ...]:
        """Records of the runs that returned."""
        return tuple(r for r in self.records if r.ok)

    @property
    def failed(self) -> tuple[Record, ...]:
        """Records of the runs that raised or lost their worker."""
        return tuple(r for r in self.records if not r.ok)

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        n, bad = len(self.records), len(self.failed)
        store = f"; {self.resumed} from the store" if self.resumed else ""
        return f"SweepResult({n} runs: {n - bad} ok, {bad} failed{store}; {self.executor})"

    def to_rows(self) -> list[dict]:
        """One flat dict per record: the point's parameters, the result's fields, then
        ``seed``, ``status``, ``error``, ``seconds``, ``worker``, ``host``.

        A result that is not a dict goes in a ``result`` column. A result field whose name is a
        parameter or one of the record columns is prefixed with ``result.``.
        """
        meta = ("seed", "status", "error", "seconds", "worker", "host")
        rows = []
        for r in self.records:
            row = {(f"point.{k}" if k in meta else k): v for k, v in r.point.items()}
            res = r.result if isinstance(r.result, dict) else (
                {} if r.result is None else {"result": r.result})
            for k, v in res.items():
                row[f"result.{k}" if (k in row or k in meta) else k] = v
            row.update(seed=r.seed, status=r.status, error=r.error, seconds=r.seconds,
                       worker=r.worker, host=r.host)
            rows.append(row)
        return rows

    def summary(self, field: str | None = None, *, over: str | Sequence[str] = "rep",
                reference: Callable[[dict], float | None] | None = None, digits: int = 4) -> str:
        """Mean ± standard error of a numeric result field per grid point, as a Markdown table.

        Parameters
        ----------
        field : str or None
            The field of each run's result (a dict) to summarise; None when ``run`` returns a
            bare number.
        over : str or sequence of str, default 'rep'
            Parameters that index replicates: runs differing only in these are averaged
            together. Names absent from the grid are ignored (then every row is one run).
        reference : callable, optional
            ``reference(row_point) -> float or None``, e.g. the exact λ where it is known; adds
            columns ``reference`` and ``z`` = (mean − reference) / SE.
        digits : int, default 4
            Significant digits.

        Returns
        -------
        str
            A Markdown table (readable as plain text): one row per grid point (without the
            ``over`` parameters) in grid order, with the mean ± SE over its successful runs
            (SE = sample standard deviation / √runs), the number of runs with a finite value,
            and the number of failed runs.

        Raises
        ------
        InputError
            If ``field`` is not a field of any successful result.

        Examples
        --------
        >>> res = sweep({"n": [10, 100], "rep": range(4)},
        ...             lambda p, s: {"lam": 0.5 + (s % 3) / p["n"]})
        >>> print(res.summary("lam", reference=lambda p: 0.5, digits=3))
        | n   | lam (mean ± SE) | runs | failed | reference | z    |
        | :-- | :-------------- | :--- | :----- | :-------- | :--- |
        | 10  | 0.65 ± 0.0289   | 4    | 0      | 0.5       | 5.20 |
        | 100 | 0.505 ± 0.005   | 4    | 0      | 0.5       | 1.00 |
        """
        over = {over} if isinstance(over, str) else set(over)
        if field is not None and self.ok and not any(
                isinstance(r.result, dict) and field in r.result for r in self.ok):
            fields = sorted({k for r in self.ok if isinstance(r.result, dict) for k in r.result})
            raise InputError(f"no successful result has a field {field!r}; fields: {fields}")
        groups: dict[str, tuple[dict, list[float], list[int]]] = {}
        for r in self.records:
            p = {k: v for k, v in r.point.items() if k not in over}
            values, failed = groups.setdefault(_canonical(p), (p, [], [0]))[1:]
            if not r.ok:
                failed[0] += 1
                continue
            v = r.result if field is None else (
                r.result.get(field) if isinstance(r.result, dict) else None)
            if _is_number(v):
                values.append(float(v))
        names = list(dict.fromkeys(k for p, _, _ in groups.values() for k in p))
        label = f"{field if field is not None else 'result'} (mean ± SE)"
        header = [*names, label, "runs", "failed"] + (["reference", "z"] if reference else [])
        rows = []
        for p, values, failed in groups.values():
            n = len(values)
            mean = float(np.mean(values)) if n else math.nan
            se = float(np.std(values, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
            cell = "—" if not n else (
                f"{_fmt(mean, digits)} ± {_fmt(se, digits)}" if n > 1 else _fmt(mean, digits))
            row = ["" if k not in p else p[k] if isinstance(p[k], str) else json.dumps(p[k])
                   for k in names] + [cell, str(n), str(failed[0])]
            if reference:
                ref = reference(dict(p))
                z = (mean - ref) / se if ref is not None and n > 1 and se > 0 else math.nan
                row += ["—" if ref is None else _fmt(float(ref), digits),
                        "—" if math.isnan(z) else f"{z:.2f}"]
            rows.append(row)
        from ..report.render import to_markdown

        return to_markdown(header, rows, align="l" * len(header))

    def to_dataframe(self):
        """The rows of :meth:`to_rows` as a pandas DataFrame (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_dataframe needs pandas: pip install pandas") from None
        return pd.DataFrame(self.to_rows())

    def to_parquet(self, path) -> None:
        """Write the rows of :meth:`to_rows` to a Parquet file (needs pyarrow)."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ImportError("to_parquet needs pyarrow: pip install pyarrow") from None
        pq.write_table(pa.Table.from_pylist(self.to_rows()), os.fspath(path))
