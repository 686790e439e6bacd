"""Tests of rlct.numeric.sweep: sequential runs, thread and process pools, Dask LocalCluster
(worker processes and threads), failures, killed workers, the JSON-lines store and resume.

The run functions are module-level so that process pools and Dask workers can unpickle them.
One Dask cluster of each kind serves the whole module (startup is the expensive part).
"""

from __future__ import annotations

import functools
import json
import logging
import multiprocessing
import os
import pickle
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from rlct import InputError
from rlct.numeric.sweep import Record, SweepResult, load_store, point_seed, product, sweep

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

GRID = {"mu": [0.0, 0.5, 1.0], "n": [20, 50], "rep": range(2)}  # 12 runs


# --------------------------------------------------------------------------------------------
# run functions (module level: picklable)
# --------------------------------------------------------------------------------------------

def noisy(point, seed):
    """A small random run: the mean of n normal draws; fails when the point says so."""
    if point.get("fail"):
        raise ValueError(f"asked to fail at mu={point['mu']}")
    x = np.random.default_rng(seed).normal(point["mu"], 1.0, size=point["n"])
    return {"mean": float(x.mean()), "sd": np.float64(x.std())}  # a numpy scalar on purpose


def never_fail(point, seed):
    return noisy(dict(point, fail=False), seed)


def die_at(point, seed, *, i):
    """Kill the worker process (no exception, no clean-up) at point ``i``."""
    if point["i"] == i:
        os._exit(1)
    return {"u": float(np.random.default_rng(seed).random())}


def logged(point, seed, *, logdir, stop_at=None):
    """Leave one file per call in ``logdir`` (to count calls); Ctrl-C at ``stop_at``."""
    if point["i"] == stop_at:
        raise KeyboardInterrupt
    Path(logdir, f"{point['i']}-{uuid.uuid4().hex}").touch()
    return {"u": float(np.random.default_rng(seed).random())}


def calls(logdir) -> dict[int, int]:
    out: dict[int, int] = {}
    for f in Path(logdir).iterdir():
        i = int(f.name.split("-")[0])
        out[i] = out.get(i, 0) + 1
    return out


def core(res):
    """What must agree between executors: point, seed, status, result, error."""
    return [(r.point, r.seed, r.status, r.result, r.error) for r in res.records]


@pytest.fixture(scope="module")
def sequential():
    return sweep(GRID, noisy, seed=3)


def _cluster(processes):
    from distributed import Client, LocalCluster

    # allowed-failures=1: a task that kills two workers is given up (KilledWorker) instead of
    # four; worker-saturation=1.0: a 1-thread worker holds one task at a time, so a dying
    # worker takes no innocent task with it.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                          "distributed.scheduler.worker-saturation": 1.0}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                               dashboard_address=":0", silence_logs=logging.CRITICAL)
    return cluster, Client(cluster)


@pytest.fixture(scope="module")
def dask_procs():
    cluster, client = _cluster(processes=True)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def dask_threads():
    cluster, client = _cluster(processes=False)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def spawn_pool():
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


# --------------------------------------------------------------------------------------------
# grid and seeds
# --------------------------------------------------------------------------------------------

def test_product_order_and_scalars():
    assert product({"a": [1, 2], "b": "x", "c": (3, 4)}) == [
        {"a": 1, "b": "x", "c": 3}, {"a": 1, "b": "x", "c": 4},
        {"a": 2, "b": "x", "c": 3}, {"a": 2, "b": "x", "c": 4}]
    assert product({}) == [{}]


def test_seeds_depend_only_on_point_and_base_seed():
    small = sweep({"mu": [0.0, 1.0], "n": [20]}, noisy, seed=5)
    big = sweep({"mu": [2.0, 1.0, 0.0, -1.0], "n": [20, 30]}, noisy, seed=5)
    by_point = {json.dumps(r.point, sort_keys=True): r for r in big.records}
    for r in small.records:
        assert by_point[json.dumps(r.point, sort_keys=True)] == r
        assert r.seed == point_seed(r.point, 5)
    assert len({r.seed for r in big.records}) == len(big.records)
    other = sweep({"mu": [0.0, 1.0], "n": [20]}, noisy, seed=6)
    assert all(a.seed != b.seed for a, b in zip(small.records, other.records))
    assert 0 <= small.records[0].seed < 2**63


def test_list_grid_equals_dict_grid(sequential):
    assert sweep(product(GRID), noisy, seed=3) == sequential


@pytest.mark.parametrize("grid, message", [
    ([{"a": 1}, {"a": 1}], "appears twice"),
    ([{"a": object()}], "not JSON"),
    ([{"a": float("nan")}], "not JSON"),
    (["a"], "list grid must hold dicts"),
    (3, "grid must be"),
])
def test_bad_grids(grid, message):
    with pytest.raises(InputError, match=message):
        sweep(grid, noisy)


def test_bad_options():
    with pytest.raises(InputError, match="non-negative"):
        sweep(GRID, noisy, seed=-1)
    with pytest.raises(InputError, match="executor must be one of"):
        sweep(GRID, noisy, executor="processes")
    with pytest.raises(InputError, match="callable"):
        sweep(GRID, "noisy")
    with ProcessPoolExecutor(1) as pool, pytest.raises(InputError, match="picklable"):
        sweep(GRID, lambda p, s: 1, executor=pool)


# --------------------------------------------------------------------------------------------
# records, failures, results
# --------------------------------------------------------------------------------------------

def test_failures_are_recorded_and_do_not_stop(sequential):
    grid = [dict(p, fail=(p["mu"] == 0.5 and p["rep"] == 1)) for p in product(GRID)]
    res = sweep(grid, noisy, seed=3)
    assert len(res.failed) == 2 and len(res.ok) == 10
    assert all(r.error == "ValueError: asked to fail at mu=0.5" for r in res.failed)
    assert "Traceback" in res.failed[0].traceback and "noisy" in res.failed[0].traceback
    assert res.ok[0].result["sd"] == float(res.ok[0].result["sd"])  # numpy scalar converted
    table = res.summary("mean", over=("rep", "fail"))
    row = next(x for x in table.splitlines() if x.startswith("| 0.5 | 20 "))
    cells = [c.strip() for c in row.split("|")[1:-1]]
    assert "±" not in cells[2] and cells[3:5] == ["1", "1"]  # one ok run, one failed


def test_result_not_json_is_an_error():
    res = sweep([{"a": 1}], lambda p, s: {"x": object()})
    assert res.failed[0].error.startswith("TypeError")


def test_objects_pickle_equality_hash_repr(sequential):
    assert pickle.loads(pickle.dumps(sequential)) == sequential
    assert hash(pickle.loads(pickle.dumps(sequential))) == hash(sequential)
    r = sequential.records[0]
    assert Record.from_dict(json.loads(json.dumps(r.to_dict()))) == r
    assert hash(Record.from_dict(r.to_dict())) == hash(r)
    assert repr(sequential) == "SweepResult(12 runs: 12 ok, 0 failed; sequential)"
    assert repr(r).startswith("Record(point={'mu': 0.0, 'n': 20, 'rep': 0}, seed=")
    with pytest.raises(InputError, match="status"):
        Record({}, 0, "done")
    assert isinstance(sequential, SweepResult) and len(sequential) == 12


def test_rows_and_summary(sequential):
    rows = sequential.to_rows()
    assert rows[0].keys() >= {"mu", "n", "rep", "mean", "sd", "seed", "status", "seconds"}
    table = sequential.summary("mean", reference=lambda p: p["mu"])
    lines = table.splitlines()
    assert [c.strip() for c in lines[0].split("|")[1:-1]] == [
        "mu", "n", "mean (mean ± SE)", "runs", "failed", "reference", "z"]
    assert len(lines) == 2 + 6
    # mean ± SE by hand for the first grid point
    vals = [r.result["mean"] for r in sequential.records if r.point["mu"] == 0 and r.point["n"] == 20]
    cells = [c.strip() for c in lines[2].split("|")[1:-1]]
    assert cells[2] == f"{np.mean(vals):.4g} ± {np.std(vals, ddof=1) / np.sqrt(2):.4g}"
    assert cells[3:5] == ["2", "0"]
    with pytest.raises(InputError, match="fields: \\['mean', 'sd'\\]"):
        sequential.summary("lam")
    # averaging over more than one parameter; bare-number results
    assert len(sequential.summary("mean", over=("rep", "n")).splitlines()) == 2 + 3
    bare = sweep({"x": [1, 2]}, lambda p, s: p["x"] / 2)
    assert [c.strip() for c in bare.summary().splitlines()[2].split("|")[1:3]] == ["1", "0.5"]


def test_progress_bar(capsys):
    sweep({"x": range(3)}, lambda p, s: 0, progress=True)
    assert "3/3" in capsys.readouterr().err
    sweep({"x": range(3)}, lambda p, s: 0, progress=False)
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------------
# store and resume
# --------------------------------------------------------------------------------------------

def test_store_has_one_line_per_run(tmp_path, sequential):
    store = tmp_path / "sub" / "runs.jsonl"
    res = sweep(GRID, noisy, seed=3, store=store)
    assert res == sequential
    lines = store.read_text().splitlines()
    assert len(lines) == 12 and all(json.loads(x)["status"] == "ok" for x in lines)
    assert load_store(store) == list(res.records)
    with pytest.raises(InputError, match="JSON lines"):
        sweep(GRID, noisy, store=tmp_path / "runs.parquet")


def test_resume_skips_finished_runs(tmp_path):
    store, logdir = tmp_path / "runs.jsonl", tmp_path / "log"
    logdir.mkdir()
    run = functools.partial(logged, logdir=str(logdir))
    grid = [{"i": i} for i in range(10)]
    half = sweep(grid[:5], run, store=store)
    full = sweep(grid, run, store=store)
    assert calls(logdir) == {i: 1 for i in range(10)}
    assert full.resumed == 5 and full.records[:5] == half.records
    assert full == sweep(grid, run)  # same results as an uninterrupted sweep
    again = sweep(grid, run, store=store)
    assert again.resumed == 10 and again == full and sum(calls(logdir).values()) == 20
    sweep(grid[:2], run, store=store, resume=False)  # resume=False runs again
    assert calls(logdir)[0] == 3 and len(load_store(store)) == 12


def test_resume_after_ctrl_c(tmp_path):
    store, logdir = tmp_path / "runs.jsonl", tmp_path / "log"
    logdir.mkdir()
    grid = [{"i": i} for i in range(8)]
    with pytest.raises(KeyboardInterrupt):
        sweep(grid, functools.partial(logged, logdir=str(logdir), stop_at=5), store=store)
    assert len(load_store(store)) == 5
    res = sweep(grid, functools.partial(logged, logdir=str(logdir)), store=store)
    assert res.resumed == 5 and len(res.ok) == 8
    assert calls(logdir) == {i: 1 for i in range(8)}


def test_failed_runs_are_rerun_on_resume(tmp_path):
    store = tmp_path / "runs.jsonl"
    grid = [{"mu": 0.0, "n": 5, "fail": f} for f in (False, True)]
    assert len(sweep(grid, noisy, store=store).failed) == 1
    fixed = sweep(grid, never_fail, store=store)
    assert fixed.resumed == 1 and len(fixed.ok) == 2  # only the failed point ran again
    assert len(load_store(store)) == 3 and sweep(grid, never_fail, store=store).resumed == 2


def test_truncated_last_line_is_tolerated(tmp_path, sequential):
    store = tmp_path / "runs.jsonl"
    sweep(product(GRID)[:4], noisy, seed=3, store=store)
    with open(store, "a") as fh:
        fh.write('{"point": {"mu": 1.0, "n": 50, "re')  # a write cut short by a crash
    with pytest.warns(RuntimeWarning, match="truncated"):
        assert len(load_store(store)) == 4
    with pytest.warns(RuntimeWarning, match="truncated"):
        res = sweep(GRID, noisy, seed=3, store=store)
    assert res == sequential and res.resumed == 4
    assert [json.loads(x) for x in store.read_text().splitlines()]  # every line is JSON again
    assert len(load_store(store)) == 12


def test_complete_last_line_without_newline_is_kept(tmp_path):
    store = tmp_path / "runs.jsonl"
    sweep([{"x": 1}], lambda p, s: 1, store=store)
    store.write_text(store.read_text().rstrip("\n"))
    res = sweep([{"x": 1}, {"x": 2}], lambda p, s: 1, store=store)
    assert res.resumed == 1 and len(load_store(store)) == 2


# --------------------------------------------------------------------------------------------
# executors
# --------------------------------------------------------------------------------------------

def test_thread_pool_equals_sequential(sequential):
    with ThreadPoolExecutor(3) as pool:
        res = sweep(GRID, noisy, seed=3, executor=pool)
    assert res == sequential and res.executor == "ThreadPoolExecutor(3)"


def test_process_pool_equals_sequential(sequential, spawn_pool, tmp_path):
    res = sweep(GRID, noisy, seed=3, executor=spawn_pool, store=tmp_path / "runs.jsonl")
    assert res == sequential and core(res) == core(sequential)
    assert len({r.worker for r in res.records}) >= 1
    assert load_store(tmp_path / "runs.jsonl") != list(res.records)  # completion order ...
    assert sorted(load_store(tmp_path / "runs.jsonl"), key=lambda r: r.seed) == sorted(
        res.records, key=lambda r: r.seed)  # ... but the same records


def test_process_pool_exception_loses_nothing(sequential, spawn_pool):
    grid = [dict(p, fail=(i == 3)) for i, p in enumerate(product(GRID))]
    res = sweep(grid, noisy, seed=3, executor=spawn_pool)
    assert res == sweep(grid, noisy, seed=3) and len(res.ok) == 11


def test_broken_process_pool_keeps_finished_runs(tmp_path):
    store = tmp_path / "runs.jsonl"
    grid = [{"i": i} for i in range(12)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        res = sweep(grid, functools.partial(die_at, i=8), executor=pool, store=store)
    assert res.records[8].status == "error"
    assert all("BrokenProcessPool" in r.error for r in res.failed)
    assert len(load_store(store)) == 12  # every run has a record: nothing lost
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        again = sweep(grid, functools.partial(die_at, i=-1), executor=pool, store=store)
    assert again.resumed == len(res.ok) and len(again.ok) == 12
    assert all(a == b for a, b in zip(again.records, res.records) if b.ok)


def test_dask_processes_equal_sequential(sequential, dask_procs, tmp_path):
    res = sweep(GRID, noisy, seed=3, executor=dask_procs, store=tmp_path / "runs.jsonl")
    assert res == sequential
    assert res.executor.startswith("dask tcp://")
    assert all(r.worker.startswith("tcp://") for r in res.records)
    assert len(load_store(tmp_path / "runs.jsonl")) == 12


def test_dask_threads_equal_sequential(sequential, dask_threads):
    res = sweep(GRID, noisy, seed=3, executor=dask_threads)
    assert res == sequential


def test_dask_exception_loses_nothing(dask_threads, dask_procs):
    grid = [dict(p, fail=(i in (0, 7))) for i, p in enumerate(product(GRID))]
    expected = sweep(grid, noisy, seed=3)
    for client in (dask_threads, dask_procs):
        res = sweep(grid, noisy, seed=3, executor=client)
        assert res == expected and len(res.ok) == 10
        assert "asked to fail" in res.failed[0].traceback


def test_dask_killed_worker_loses_nothing_else(dask_procs, tmp_path):
    store = tmp_path / "runs.jsonl"
    grid = [{"i": i} for i in range(10)]
    res = sweep(grid, functools.partial(die_at, i=2), executor=dask_procs, store=store)
    assert [r.point["i"] for r in res.failed] == [2]
    assert res.failed[0].error.startswith("KilledWorker")
    expected = sweep(grid, functools.partial(die_at, i=-1))
    assert res.records[:2] + res.records[3:] == expected.records[:2] + expected.records[3:]
    assert len(load_store(store)) == 10
    dask_procs.wait_for_workers(2, timeout=30)


def test_dask_resume(dask_procs, tmp_path):
    store, logdir = tmp_path / "runs.jsonl", tmp_path / "log"
    logdir.mkdir()
    run = functools.partial(logged, logdir=str(logdir))
    grid = [{"i": i} for i in range(12)]
    sweep(grid[::2], run, store=store, executor=dask_procs)
    res = sweep(grid, run, store=store, executor=dask_procs)
    assert res.resumed == 6 and calls(logdir) == {i: 1 for i in range(12)}
    assert res == sweep(grid, run)
