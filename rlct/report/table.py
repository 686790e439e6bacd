r"""Tables of exact learning coefficients for many polynomials or models: :func:`table`.

Examples
--------
>>> from rlct.report import table
>>> t = table([("regular", "w1**2 + w2**2"), ("normal crossing", "w1**2*w2**2")],
...           columns=("name", "K", "d", "BIC", "lambda", "m", "method"))
>>> t
Table of 2 learning coefficients (2 exact, 0 not exact); columns name, K, d, BIC, lambda, m, method
>>> print(t)
name             K              d  d/2    λ  m  method
---------------  -------------  -  ---  ---  -  --------
regular          w1**2 + w2**2  2    1    1  1  newton
normal crossing  w1**2*w2**2    2    1  1/2  2  monomial
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any

from ..api import rlct
from ..errors import InputError, NotApplicable, Undecided
from ..models import from_spec
from ..polynomial import Polynomial
from ..result import RLCT, latex_fraction, parse_json
from ..render import Bound, Math, Rich, expression_latex, latex_escape, markdown_escape, render
from ..validate import check_sequence, check_str

__all__ = ["table", "Table", "Row", "COLUMNS", "DEFAULT_COLUMNS"]

# column key -> (header cell, alignment)
COLUMNS = {
    "name": ("name", "l"),
    "K": (Math("K", "K"), "l"),
    "d": (Math("d", "d"), "r"),
    "BIC": (Math("d/2", "d/2"), "r"),
    "lambda": (Math("λ", r"\lambda"), "r"),
    "m": (Math("m", "m"), "r"),
    "exact": ("exact", "l"),
    "bound": (Math("λ ≤", r"\lambda \le"), "r"),
    "method": ("method", "l"),
    "time": ("time (s)", "r"),
    "source": ("source", "l"),
    "reason": ("why not exact", "l"),
}
DEFAULT_COLUMNS = ("K", "d", "BIC", "lambda", "m", "method", "time", "source")

# Keys of a dict item. Fields of tests/data/known_rlcts.toml that record expected values are
# accepted and ignored, so that file can be tabulated as it is.
ITEM_KEYS = ("K", "ideal", "model", "result", "at", "prior", "domain", "variables", "method", "timeout", "budget",
             "name", "id", "source")
IGNORED_KEYS = ("lambda", "m", "newton_degenerate", "newton_bound")


def _check_columns(columns) -> tuple:
    if isinstance(columns, str):
        columns = [c for c in columns.replace(",", " ").split()]
    columns = tuple(check_sequence(columns, "columns", example="['name', 'K', 'lambda', 'm'] or 'name,K,lambda,m'"))
    bad = [c for c in columns if c not in COLUMNS]
    if bad or not columns:
        what = f"unknown column {bad[0]!r}" if bad else "no columns given"
        raise InputError(f"{what}; valid columns: {', '.join(COLUMNS)}")
    return columns


def _frac(x, name="value"):
    if x is None:
        return None
    try:
        return Fraction(x)
    except (TypeError, ValueError, ZeroDivisionError):
        raise InputError(f"{name} must be a rational number such as '3/4', got {x!r}") from None


@dataclass(frozen=True)
class Row:
    """One row of a :class:`Table`: what was asked and what was found, as plain values.

    Attributes
    ----------
    name : str or None
        The item's name (``name``/``id`` of a dict, first of a pair, or the model's name).
    K, K_latex, K_markdown : str or None
        The K cell as text, LaTeX (with its own ``$...$``) and Markdown, with the
        prior, true point and domain when they are not the defaults.
    d : int or None
        The number of parameters.
    lambda_, multiplicity : Fraction, int or None
        λ and m when exact; None otherwise (never a bound).
    exact : bool
    upper_bound : Fraction or None
        A proven upper bound on λ (equal to λ when exact).
    method : str or None
        The method that decided or tried; None if none applied.
    seconds : float or None
    source : str or None
        Citation for the value or the example.
    reason : str or None
        Why the row is not exact.
    result : RLCT or None
        The full result with its certificate (not compared, not serialised).
    """

    name: str | None
    K: str | None
    K_latex: str | None
    K_markdown: str | None
    d: int | None
    lambda_: Fraction | None
    multiplicity: int | None
    exact: bool
    upper_bound: Fraction | None
    method: str | None
    seconds: float | None
    source: str | None
    reason: str | None
    result: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.exact and self.lambda_ is None:
            raise InputError("an exact row needs λ")
        if not self.exact and (self.lambda_ is not None or self.multiplicity is not None):
            raise InputError("a row that is not exact must not carry λ or m (give upper_bound instead)")

    def cell(self, column: str):
        """The cell of ``column`` (a key of :data:`COLUMNS`)."""
        if column == "name":
            return self.name
        if column == "K":
            if self.K is None:
                return None
            return Rich(self.K, self.K_latex or f"${latex_escape(self.K)}$", self.K_markdown)
        if column == "d":
            return self.d
        if column == "BIC":
            return None if self.d is None else Fraction(self.d, 2)
        if column == "lambda":
            if self.exact:
                return self.lambda_
            return Bound(self.upper_bound) if self.upper_bound is not None else "?"
        if column == "m":
            return self.multiplicity if self.exact else "?"
        if column == "exact":
            return self.exact
        if column == "bound":
            return self.upper_bound
        if column == "method":
            return self.method if self.method is not None else "none"
        if column == "time":
            return None if self.seconds is None else f"{self.seconds:.2f}"
        if column == "source":
            return self.source
        if column == "reason":
            return self.reason
        raise InputError(f"unknown column {column!r}; valid columns: {', '.join(COLUMNS)}")

    def to_dict(self) -> dict:
        """A JSON-friendly dictionary (fractions as strings)."""
        out = {}
        for f in fields(self):
            if f.name == "result":
                continue
            v = getattr(self, f.name)
            out[f.name] = str(v) if isinstance(v, Fraction) else v
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> "Row":
        """Inverse of :meth:`to_dict`."""
        names = [f.name for f in fields(cls) if f.name != "result"]
        bad = set(data) - set(names)
        if bad:
            raise InputError(f"unknown row fields {sorted(bad)}; valid: {', '.join(names)}")
        kw = {k: data.get(k) for k in names}
        for k in ("lambda_", "upper_bound"):
            kw[k] = _frac(kw[k], k)
        kw["exact"] = bool(kw["exact"])
        return cls(**kw)

    @classmethod
    def from_result(cls, r: RLCT, *, name=None, K=None, d=None, source=None, seconds=None) -> "Row":
        """A row from an :class:`RLCT` (``K`` a ``(text, latex, markdown)`` triple)."""
        if source is None:
            source = getattr(r.certificate, "source", None)
        if d is None and r.polynomial is not None and hasattr(r.polynomial, "nvars"):
            d = r.polynomial.nvars
        if d is None:
            d = _formula_d(r.certificate)
        if K is None and r.polynomial is not None:
            K = _k_cells(r.polynomial)
        if K is None:
            label = _formula_label(r.certificate)
            K = _name_cells(label) if label is not None else (None, None, None)
            if name is None:
                name = label
        return cls(name=name, K=K[0], K_latex=K[1], K_markdown=K[2], d=d,
                   lambda_=r.lambda_ if r.exact else None, multiplicity=r.multiplicity if r.exact else None,
                   exact=bool(r.exact), upper_bound=r.upper_bound, method=r.method,
                   seconds=r.seconds if seconds is None else seconds, source=source,
                   reason=None if r.exact else r.reason, result=r)


@dataclass(frozen=True)
class Table:
    """Exact (λ, m) for many items, rendered for the REPL, Jupyter, Markdown, LaTeX, HTML, CSV, JSON.

    Build one with :func:`table`. ``str(t)`` is the aligned text table;
    :meth:`to_latex` a booktabs ``tabular`` (needs ``\\usepackage{booktabs}``).

    Attributes
    ----------
    rows : tuple of Row
    columns : tuple of str
        Keys of :data:`COLUMNS`, in display order.
    """

    rows: tuple
    columns: tuple = DEFAULT_COLUMNS

    def __post_init__(self):
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "columns", _check_columns(self.columns))
        for r in self.rows:
            if not isinstance(r, Row):
                raise InputError(f"Table rows must be Row objects, got {type(r).__name__}; build tables with rlct.report.table()")

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __repr__(self):
        n = len(self.rows)
        ex = sum(1 for r in self.rows if r.exact)
        noun = "learning coefficient" if n == 1 else "learning coefficients"
        return (f"Table of {n} {noun} ({ex} exact, {n - ex} not exact); "
                f"columns {', '.join(self.columns)}")

    # -- rendering -------------------------------------------------------------------------
    def _parts(self):
        header = [COLUMNS[c][0] for c in self.columns]
        align = "".join(COLUMNS[c][1] for c in self.columns)
        cells = [[r.cell(c) for c in self.columns] for r in self.rows]
        return header, cells, align

    def render(self, fmt: str = "text", **kw) -> str:
        """The table in ``fmt``: ``"text"``, ``"markdown"``, ``"latex"``, ``"html"`` or ``"csv"``."""
        header, cells, align = self._parts()
        return render(header, cells, fmt, align, **kw)

    def __str__(self):
        return self.render("text")

    def to_text(self) -> str:
        """The aligned plain-text table (as ``str(table)``)."""
        return self.render("text")

    def to_markdown(self) -> str:
        """A GitHub Markdown table (polynomials as code spans)."""
        return self.render("markdown")

    def to_latex(self, caption=None, label: str | None = None) -> str:
        r"""A booktabs ``tabular`` (λ as ``\frac``, K in math mode); in a ``table`` float with
        ``\caption`` and ``\label`` when either is given. ``caption`` is plain text
        (escaped) or a :class:`rlct.report.Rich` carrying raw LaTeX."""
        return self.render("latex", caption=caption, label=label)

    def to_html(self, caption: str | None = None) -> str:
        """An HTML ``<table>``, every cell escaped."""
        return self.render("html", caption=caption)

    def _repr_html_(self):
        return self.to_html()

    def to_csv(self) -> str:
        """Comma-separated text cells, one line per row after the header."""
        return self.render("csv")

    def to_dict(self) -> dict:
        """``{"columns": [...], "rows": [Row.to_dict(), ...]}``."""
        return {"columns": list(self.columns), "rows": [r.to_dict() for r in self.rows]}

    def to_json(self, indent: int | None = 2) -> str:
        """JSON of :meth:`to_dict`; :meth:`from_json` reads it back (certificates are not kept)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping) -> "Table":
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, Mapping) or "rows" not in data:
            raise InputError("a table dictionary needs 'rows' (and optionally 'columns')")
        rows = check_sequence(data["rows"], "a table's 'rows'")
        for i, r in enumerate(rows):
            if not isinstance(r, Mapping):
                raise InputError(f"row {i + 1} of the table must be an object of fields, got {type(r).__name__}")
        return cls(tuple(Row.from_dict(r) for r in rows), _check_columns(data.get("columns", DEFAULT_COLUMNS)))

    @classmethod
    def from_json(cls, text: str) -> "Table":
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(parse_json(text, "a JSON table"))


# -- cells for K ---------------------------------------------------------------------------

def _count(x):
    if x is None:
        return None
    if isinstance(x, int) and not isinstance(x, bool):
        return x
    try:
        return len(x)
    except TypeError:
        return None


def _formula_label(cert):
    """``reduced_rank_regression(M=3, N=3, H=2, r=0)`` for a closed-form certificate of :mod:`rlct.known`."""
    label = getattr(cert, "label", None)
    return label() if callable(label) else None


def _formula_d(cert):
    """The number of parameters a closed-form certificate of :mod:`rlct.known` records."""
    d = getattr(cert, "d", None)
    return d if isinstance(d, int) and not isinstance(d, bool) else None


def _name_cells(name: str):
    return name, latex_escape(name), markdown_escape(name)


def _expr_text(x) -> str:
    return " ".join(x.split()) if isinstance(x, str) else str(x)


def _k_cells(K=None, ideal=None, at=None, prior=None, domain=None):
    """(text, LaTeX, Markdown) of K with its conditions."""
    if ideal is not None:
        gens = list(ideal)
        txt, tex = [], []
        for g in gens:
            t, x = _expr_text(g), expression_latex(g)
            if t.isidentifier():  # a single variable
                txt.append(f"{t}**2")
                tex.append(f"{x}^{{2}}")
            else:
                txt.append(f"({t})**2")
                tex.append(f"({x})^{{2}}")
        text, latex = " + ".join(txt), " + ".join(tex)
    else:
        text, latex = _expr_text(K), expression_latex(K)
    md = _code(text)
    latex = f"${latex}$"
    conds_t, conds_l, conds_m = [], [], []
    if prior is not None:
        p = prior if not isinstance(prior, Mapping) else "*".join(
            f"{v}**{e}" if e != 1 else str(v) for v, e in prior.items())
        pt = _expr_text(p)
        conds_t.append(f"prior |{pt}|")
        try:
            pl = expression_latex(p)
        except Exception:  # noqa: BLE001 - display only: fall back to the text
            pl = latex_escape(pt)
        conds_l.append(rf"prior $\propto |{pl}|$")
        conds_m.append("prior " + _code(f"|{pt}|"))
    if at is not None:
        if isinstance(at, Mapping):
            items = [(str(k), v) for k, v in at.items()]
            conds_t.append("at " + ", ".join(f"{k}={v}" for k, v in items))
            conds_l.append("at $" + r",\ ".join(f"{expression_latex(k)} = {_num_latex(v)}" for k, v in items) + "$")
            conds_m.append("at " + _code(", ".join(f"{k}={v}" for k, v in items)))
        else:
            vals = list(at)
            conds_t.append("at (" + ", ".join(map(str, vals)) + ")")
            conds_l.append("at $(" + ", ".join(_num_latex(v) for v in vals) + ")$")
            conds_m.append("at " + _code("(" + ", ".join(map(str, vals)) + ")"))
    if domain is not None:
        ineqs = [domain] if isinstance(domain, str) else list(domain)
        conds_t.append(", ".join(_expr_text(q) for q in ineqs))
        conds_l.append(", ".join(f"${expression_latex(q)}$" for q in ineqs))
        conds_m.append(", ".join(_code(_expr_text(q)) for q in ineqs))
    if conds_t:
        text += " (" + "; ".join(conds_t) + ")"
        latex += " (" + "; ".join(conds_l) + ")"
        md += " (" + "; ".join(conds_m) + ")"
    return text, latex, md


def _code(text: str) -> str:
    """A Markdown code span that survives inside a GitHub table cell."""
    return "`" + text.replace("`", "'").replace("|", r"\|") + "`"


def _num_latex(v) -> str:
    try:
        return latex_fraction(Fraction(str(v)))
    except (ValueError, ZeroDivisionError):
        return expression_latex(str(v))


# -- the items -----------------------------------------------------------------------------

def _label(item) -> str:
    text = str(item)
    return text if len(text) <= 40 else text[:37] + "..."


def _compute(*args, **kw):
    """``rlct.rlct(*args, **kw)`` as ``(result, None)``, or ``(None, why)`` when no theorem applies."""
    try:
        return rlct(*args, **kw), None
    except NotApplicable as e:
        return None, f"not applicable: {e}"
    except Undecided as e:
        if isinstance(e.result, RLCT):
            return e.result, None
        return None, f"undecided: {e}"


def _row_from_dict(d: Mapping, kw: dict, name):
    bad = [k for k in d if k not in ITEM_KEYS and k not in IGNORED_KEYS]
    if bad:
        raise InputError(f"unknown field {bad[0]!r}; valid fields: {', '.join(ITEM_KEYS)}")
    given = [k for k in ("K", "ideal", "model", "result") if d.get(k) is not None]
    if len(given) != 1:
        raise InputError("give exactly one of K, ideal, model or result"
                         + (f" (got {', '.join(given)})" if given else ""))
    for key in ("name", "id", "source"):
        check_str(d.get(key), key, allow_none=True)
    name = d.get("name", d.get("id", name))
    source = d.get("source")
    if "result" in d:
        if not isinstance(d["result"], RLCT):
            raise InputError(f"result must be an RLCT, got {type(d['result']).__name__}")
        return Row.from_result(d["result"], name=name, source=source)
    kw = dict(kw)
    for k in ("at", "prior", "domain", "variables", "method", "timeout", "budget"):
        if d.get(k) is not None:
            kw[k] = d[k]
    if "model" in d:
        model = d["model"]
        if isinstance(model, str):
            model = _model_from_spec(model)
        return _row_from_object(model, kw, name, source)
    if "ideal" in d:
        if isinstance(d["ideal"], str) or not hasattr(d["ideal"], "__iter__"):
            raise InputError("ideal must be a list of polynomials, e.g. ideal = ['w1*w2', 'w2 - w3']")
        kw["ideal"] = list(d["ideal"])
    else:
        kw["K"] = d["K"]
    r, err = _compute(**kw)
    K = _k_cells(kw.get("K"), kw.get("ideal"), kw.get("at"), kw.get("prior"), kw.get("domain"))
    if r is None:
        return Row(name, *K, d=None, lambda_=None, multiplicity=None, exact=False, upper_bound=None, method=None,
                   seconds=None, source=source, reason=err)
    return Row.from_result(r, name=name, K=K, source=source)


def _model_from_spec(spec: str):
    return from_spec(spec)


def _row_from_object(obj, kw: dict, name, source=None):
    r, err = _compute(obj, **{k: v for k, v in kw.items() if k not in ("K", "ideal")})
    label = getattr(obj, "name", None) or str(obj)
    label = label() if callable(label) else str(label)
    K = _name_cells(label)
    d = _count(getattr(obj, "parameters", None))
    if source is None:
        source = getattr(obj, "source", None) or getattr(obj, "citation", None)
    if source is None and r is not None and r.exact and callable(getattr(obj, "known", None)):
        source = _known_source(obj, r)
    if r is None:
        return Row(name or label, *K, d=d, lambda_=None, multiplicity=None, exact=False, upper_bound=None,
                   method=None, seconds=None, source=source, reason=err)
    return Row.from_result(r, name=name or label, K=K, d=d, source=source)


def _known_source(obj, r: RLCT):
    """The citation of the model's closed form when it agrees with the computed (λ, m)."""
    try:
        k = obj.known()
    except Exception:  # noqa: BLE001 - a citation is optional; never fail the table for it
        return None
    if isinstance(k, RLCT) and k.exact and (k.lambda_, k.multiplicity) == (r.lambda_, r.multiplicity):
        return getattr(k.certificate, "source", None)
    return None


def _row(item, kw: dict) -> Row:
    import sympy

    name = None
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        name, item = item
    if isinstance(item, RLCT):
        return Row.from_result(item, name=name)
    if isinstance(item, Mapping):
        return _row_from_dict(item, kw, name)
    if isinstance(item, (str, Polynomial, sympy.Basic)):
        return _row_from_dict({"K": item}, kw, name)
    if isinstance(item, (list, tuple, set)):
        raise InputError(f"a {type(item).__name__} is not an item: give a polynomial, {{'ideal': [...]}} "
                         "for K = sum of squares, a (name, item) pair, an RLCT, or a model")
    return _row_from_object(item, kw, name)


def table(items, columns=DEFAULT_COLUMNS, *, timeout: float = 10, budget: float = 60, **rlct_kwargs) -> Table:
    r"""Exact (λ, m) for many polynomials or models at once, as a :class:`Table`.

    Parameters
    ----------
    items : iterable
        Each item is one of: a polynomial K (``str``, sympy expression or
        :class:`rlct.Polynomial`); a dict with ``K``, ``ideal`` (generators,
        K = Σ fᵢ²), ``model`` (a model object, or a spec string read by
        ``rlct.models.from_spec``) or ``result`` (an :class:`RLCT`, to give it a
        name or source), and optionally ``at``, ``prior``, ``domain``,
        ``variables``, ``method``, ``timeout``, ``budget``, ``name`` (or ``id``)
        and ``source`` (the fields of ``tests/data/known_rlcts.toml``; its
        ``lambda``, ``m``, ``newton_*`` fields are ignored); an :class:`RLCT`
        already computed (e.g. from :mod:`rlct.known`, whose certificate's
        ``source`` fills the source column); a ``(name, item)`` pair; or any
        other object, passed to :func:`rlct.rlct` (models).
    columns : sequence of str or str
        Keys of :data:`COLUMNS`: ``name``, ``K`` (or the model's name), ``d``
        (number of parameters), ``BIC`` (d/2), ``lambda`` (exact, or ``≤ bound``
        when not exact), ``m``, ``exact``, ``bound`` (the proven upper bound),
        ``method``, ``time``, ``source``, ``reason`` (why not exact).
    timeout, budget : float
        Passed to :func:`rlct.rlct` for each item (seconds per face / per item).
    **rlct_kwargs
        Further keywords for :func:`rlct.rlct` applied to every item (a dict
        item's own fields take precedence).

    Returns
    -------
    Table

    Raises
    ------
    InputError
        An unknown column (the message lists the valid ones), an item that is
        not understood, or an item :func:`rlct.rlct` rejects (the message
        names the item).

    Notes
    -----
    An item that no method decides is shown with ``≤ b`` in the λ column and
    ``?`` for m, where b is the proven upper bound; one where a theorem's
    hypothesis fails (:class:`rlct.NotApplicable`) shows ``?`` and the
    reason in the ``reason`` column. A bound is never shown as λ.

    Examples
    --------
    >>> from rlct.report import table
    >>> t = table(["w1**2*w2**4", {"ideal": ["a1*b1", "a2*b1"], "name": "RRR"}],
    ...           columns=["K", "lambda", "m"])
    >>> print(t.to_latex())
    \begin{tabular}{lrr}
    \toprule
    $K$ & $\lambda$ & $m$ \\
    \midrule
    $w_{1}^{2} w_{2}^{4}$ & $\frac{1}{4}$ & 1 \\
    $(a_{1} b_{1})^{2} + (a_{2} b_{1})^{2}$ & $\frac{1}{2}$ & 1 \\
    \bottomrule
    \end{tabular}
    >>> table(["w1**2"], columns=["K", "lam"])
    Traceback (most recent call last):
    ...
    rlct.errors.InputError: unknown column 'lam'; valid columns: name, K, d, BIC, lambda, m, exact, bound, method, time, source, reason
    """
    columns = _check_columns(columns)
    if isinstance(items, (str, Mapping, RLCT)):
        items = [items]
    items = check_sequence(items, "items", example="['w1**2*w2**4', {'K': 'w1*w2', 'name': 'cross'}]")
    if not items:
        raise InputError("no cases: table needs at least one item (a K, a dict with K/ideal/model, a model, ...)")
    kw = dict(rlct_kwargs, timeout=timeout, budget=budget)
    rows = []
    for i, item in enumerate(items):
        try:
            rows.append(_row(item, kw))
        except InputError as e:
            label = item[0] if isinstance(item, tuple) and item and isinstance(item[0], str) else \
                item.get("name", item.get("id")) if isinstance(item, Mapping) else None
            label = label or _label(item.get("K", item.get("ideal", item.get("model"))) if isinstance(item, Mapping) else item)
            raise InputError(f"item {i + 1} ({label}): {e}") from None
    return Table(tuple(rows), columns)
