"""One sweep run's record, and the JSON-lines store that finished runs stream to (so an
interrupted sweep resumes where it stopped).

>>> r = Record({"n": 10}, 7, "ok", {"lam": 0.5})
>>> r.ok, Record.from_dict(r.to_dict()) == r
(True, True)
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InputError
from .grid import canonical, to_json

__all__ = ["Record", "load_store", "execute_run", "lost_run", "read_store", "StoreWriter"]

_STATUSES = ("ok", "error")


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
        return canonical(self.point)

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


def execute_run(run: Callable, point: dict, seed: int) -> dict:
    """Call ``run(point, seed)`` where the executor put it and return the record as a dict.

    Exceptions raised by ``run`` (and results that are not JSON) become error records here, on
    the worker, with their traceback; only a lost worker makes the future itself fail.
    """
    t0 = time.perf_counter()
    try:
        out = run(dict(point), seed)
        result = json.loads(json.dumps(out, default=to_json))
        status, error, tb = "ok", None, None
    except Exception as exc:
        result, status = None, "error"
        error, tb = f"{type(exc).__name__}: {exc}", traceback.format_exc()
    return {"point": point, "seed": seed, "status": status, "result": result, "error": error,
            "traceback": tb, "seconds": time.perf_counter() - t0, "worker": _worker_name(),
            "host": socket.gethostname(), "finished": _now()}


def lost_run(point: dict, seed: int, exc: BaseException) -> dict:
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
    >>> from rlct.numeric.sweep import sweep
    >>> _ = sweep([{"x": 1}, {"x": 2}], lambda p, s: p["x"] ** 2, store=path)
    >>> [(r.point["x"], r.result) for r in load_store(path)]
    [(1, 1), (2, 4)]
    """
    return read_store(Path(path), repair=False)


def read_store(path: Path, repair: bool) -> list:
    """The records of a store, skipping (with a warning) lines that are not records."""
    out = []
    for d in _read_lines(path, repair=repair):
        try:
            out.append(Record.from_dict(d))
        except InputError as exc:
            warnings.warn(f"{path}: skipping a line that is not a record ({exc})", RuntimeWarning, stacklevel=3)
    return out


class StoreWriter:
    """Append one JSON line per record: write, flush, fsync (a finished run is never lost)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(path, "a", encoding="utf-8")

    def write(self, d: dict) -> None:
        self._fh.write(json.dumps(d, ensure_ascii=False, default=to_json) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()
