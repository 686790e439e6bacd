"""The result of a sweep: its records in grid order, summaries and exports."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from .grid import canonical
from .records import Record

__all__ = ["SweepResult"]



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
    >>> from rlct.numeric.sweep import sweep
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
        >>> from rlct.numeric.sweep import sweep
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
            values, failed = groups.setdefault(canonical(p), (p, [], [0]))[1:]
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
        from ..render import to_markdown

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
