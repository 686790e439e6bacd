"""Command line: ``rlct demo``, ``compute``, ``table``, ``compare`` and ``plot``.

Every command that prints a result takes ``--format text|md|latex|html|json``
(``table`` also ``csv``). Errors in the input print one line naming the problem on
stderr and exit with code 2 (no traceback).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import textwrap

from .api import rlct
from .errors import InputError, RLCTError
from .models import MODELS, NormalMixture, ReducedRankRegression, TwoLayerNetwork, from_spec
from .polynomial import as_polynomial
from .problem import prepare
from .report import Report, Rich, compare, table
from .render import latex_escape
from .resolution import normal_fan

WIDTH = 100  # the demo's prose is wrapped to this width

FORMATS = ("text", "md", "latex", "html", "json")
TABLE_FORMATS = FORMATS + ("csv",)
_ALIASES = {"markdown": "md"}
_RENDER = {"md": "markdown"}  # the report layer's name for a format

# (label, K or None, keyword arguments, source of the known value)
DEMO = [
    ("regular point in R^3", "w1**2 + w2**2 + w3**2", {}, "(3/2, 1): regular, d/2"),
    ("normal crossing", "w1**2*w2**2", {}, "(1/2, 2): Lin Prop 3.7"),
    ("monomial with prior", "w1**8*w2**2", {"prior": "w1**6*w2**3"}, "(7/8, 1): Lau et al. 2023"),
    ("Lin's example, t = 8/5", "w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8", {}, "(5/16, 1): Lin"),
    ("same, prior |w1|", "w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8", {"prior": "w1"}, "(1/2, 2): Lin"),
    ("ideal <w1w2, w2w3, w1w3>", None, {"ideal": ["w1*w2", "w2*w3", "w1*w3"]}, "(3/4, 1): Lin Thm 4.18"),
    ("RRR M=N=2, H=1, r=0", None, {"ideal": ["a1*b1", "a2*b1", "a1*b2", "a2*b2"]}, "(1, 2): Aoyagi-Watanabe"),
    ("sum rule", "(w1*w2)**2 + w3**2*w4**4", {}, "(3/4, 2): Lin Prop 4.5"),
    ("wedge 0 <= w1 <= w2", "w1*w2**2", {"domain": ["w1 >= 0", "w2 >= w1"]}, "(2/3, 1): Lin Ex 3.13"),
    ("line and point, at (0,0)", "(w1 - 1)**2*(w1**2 + w2**2)**4", {}, "(1/4, 1): Lau et al. 2023"),
    ("Lin Rem 4.19 (degenerate)", "(w1 + w2)**2 + w2**4", {}, "(3/4, 1): Lin Rem 4.19"),
    ("cusp, K = f^2", "(w2**2 - w1**3)**2", {}, "(5/12, 1): Lin"),
    ("tanh 1-2-1 learning zero", None, {"ideal": ["a1*b1 + a2*b2", "a1*b1**3 + a2*b2**3"]}, "(2/3, 1): Aoyagi"),
    ("RRR M=N=H=2, r=0", None, {"ideal": ["b11*a11 + b12*a21", "b11*a12 + b12*a22", "b21*a11 + b22*a21",
                                          "b21*a12 + b22*a22"]}, "(3/2, 1): Aoyagi-Watanabe"),
]


def _format(choices):
    """An argparse type accepting ``choices`` (and ``markdown`` for ``md``)."""
    def parse(text):
        fmt = _ALIASES.get(text, text)
        if fmt not in choices:
            raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(choices)})")
        return fmt

    return parse


def _wrap(text: str, width: int = WIDTH) -> str:
    """Wrap prose lines longer than ``width`` (table rows, with runs of spaces, are kept)."""
    out = []
    for line in text.splitlines():
        if len(line) <= width or "  " in line.strip():
            out.append(line)
        else:
            indent = len(line) - len(line.lstrip())
            out += textwrap.wrap(line, width, subsequent_indent=" " * (indent + 2))
    return "\n".join(out)


def cmd_demo(args) -> int:
    fmt = args.format
    items = [dict(name=label, source=source, **({"K": K} if K is not None else {}), **kw)
             for label, K, kw, source in DEMO]
    exact = table(items, columns="name K lambda m method source")
    if fmt != "text":
        print(_render_table(exact, fmt))
        return 0
    print("Exact learning coefficients (λ, m) of K, Watanabe's convention\n")
    print(exact.render("text", max_cell=26))
    print(_wrap("\nmethod: 'monomial' and 'newton' read (λ, m) off the Newton polyhedron (non-degenerate K); "
                "'blowup' resolved a degenerate K by coordinate changes and blow-ups (certificate: the charts). "
                "A λ shown as '≤ b' would mean no method decided it: b is only an upper bound."))
    if args.quick:
        return 0
    models = [ReducedRankRegression(3, 3, 2, 0), TwoLayerNetwork(2, "tanh"), NormalMixture()]
    print("\nModels: the engine's (λ, m) at the true parameter, and the literature's closed form\n")
    print(table(models, columns="name d BIC lambda m method time").render("text", max_cell=44))
    for mdl in models:
        k = mdl.known()
        if k is not None:
            print(f"  {mdl!r}: literature (λ, m) = ({k.lambda_}, {k.multiplicity})")
    print("\nTheory next to a sampler (MALA, 200 chains; the finite-n value is E_β[nβK] by quadrature)\n")
    print(_wrap(str(compare("(w1*w2)**2", ns=[1000, 10000], chains=200, draws=1000, seed=0))))
    return 0


def _render_table(t, fmt: str, caption=None, label=None) -> str:
    if fmt == "latex":
        return t.to_latex(caption=caption, label=label)
    if fmt == "html":
        return t.to_html(caption=caption)
    if fmt == "json":
        return t.to_json()
    out = t.render(_RENDER.get(fmt, fmt))
    return f"{caption}\n\n{out}" if caption and fmt in ("text", "md") else out


def render_result(r, fmt: str = "text", certificate: bool = False) -> str:
    """One exact result in an output format: the one-line summary, with the certificate
    when asked (as a code block in Markdown, ``verbatim`` in LaTeX, ``<pre>`` in HTML).

    >>> import rlct
    >>> print(render_result(rlct.rlct("w1**2*w2**4"), "md"))
    **λ = 1/4**, m = 1 (exact, monomial)
    """
    if fmt == "json":
        return json.dumps(r.to_dict(certificate=certificate), indent=2, ensure_ascii=False, default=str)
    cert = str(r.certificate) if certificate and r.certificate is not None else None
    if fmt == "text":
        return str(r) + (f"\n\n{cert}" if cert else "")
    if fmt == "md":
        head = (f"**λ = {r.lambda_}**, m = {r.multiplicity} (exact, {r.method})" if r.exact
                else f"{str(r).split(': ', 1)[0]}: {r.reason}")
        return head + (f"\n\n```text\n{cert}\n```" if cert else "")
    if fmt == "latex":
        head = r.to_latex() if r.exact else f"{r.to_latex()}: {latex_escape(str(r.reason))}"
        return head + (f"\n\n\\begin{{verbatim}}\n{cert}\n\\end{{verbatim}}" if cert else "")
    return f"<p>{r.to_html()}</p>" + (f"\n<pre>{html.escape(cert)}</pre>" if cert else "")


def _problem_kw(args) -> dict:
    """at, prior, domain and variables from the command line; an empty value is an error, not a default."""
    kw = {}
    for opt in ("at", "prior", "variables"):
        value = getattr(args, opt)
        if value is not None and not value.strip():
            raise InputError(f"--{opt} is empty: give a value (see 'rlct {args.command} --help') or leave it out")
    if args.at:
        kw["at"] = dict(_pair(p) for p in args.at.split(",")) if "=" in args.at else args.at.split(",")
    if args.prior:
        kw["prior"] = args.prior
    if args.domain:
        kw["domain"] = args.domain
    if args.variables:
        kw["variables"] = [v.strip() for v in args.variables.split(",")]
        if not all(kw["variables"]):
            raise InputError(f"--variables {args.variables!r} has an empty name: write them comma separated, "
                             "e.g. --variables w1,w2")
    return kw


def cmd_compute(args) -> int:
    kw = {"method": args.method, "timeout": args.timeout, "budget": args.budget, "theorems": not args.no_theorems,
          **_problem_kw(args)}
    if args.ideal:
        r = rlct(ideal=args.K, **kw)
    else:
        if len(args.K) != 1:
            raise InputError(f"give one polynomial K (got {len(args.K)}; use --ideal for several generators, "
                             "or quote K)")
        r = rlct(args.K[0], **kw)
    print(render_result(r, "json" if args.json else args.format, certificate=args.certificate))
    return 0


def _load_toml(path: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        try:
            import tomli as tomllib
        except ImportError:
            raise InputError("reading TOML on Python 3.10 needs the package tomli") from None
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a TOML file") from None
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path} is not valid TOML: {e}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not valid TOML: not UTF-8 text") from None


def read_table_file(path: str) -> dict:
    """Read a table file: ``[[case]]`` (or ``[[item]]``) entries and optional top-level
    ``columns``, ``caption``, ``label``, ``timeout``, ``budget``.

    Returns ``{"items": [...], "columns": ..., "caption": ..., "label": ..., ...}``.
    """
    data = _load_toml(path)
    if not isinstance(data.get("case", []), list) or not isinstance(data.get("item", []), list):
        raise InputError(f"{path}: entries must be written [[case]] or [[item]] (arrays of tables)")
    items = list(data.get("case", [])) + list(data.get("item", []))
    if not items:
        raise InputError(f"{path} has no [[case]] or [[item]] entries")
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            raise InputError(f"{path}: entry {i + 1} is not a table of fields (write [[case]] and key = value lines)")
    out = {"items": items}
    for key in ("columns", "caption", "caption_latex", "label", "timeout", "budget", "format"):
        if key in data:
            out[key] = _table_setting(path, key, data[key])
    return out


def _table_setting(path: str, key: str, value):
    """A top-level setting of a table file, checked: texts are strings, columns a string or a list
    of strings, timeout and budget positive numbers of seconds."""
    if key in ("timeout", "budget"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
            raise InputError(f"{path}: {key} must be a positive number of seconds, got {value!r}")
    elif key == "columns":
        if not (isinstance(value, str) or isinstance(value, list) and all(isinstance(c, str) for c in value)):
            raise InputError(f"{path}: columns must be a list of column names such as [\"name\", \"K\", "
                             f"\"lambda\"] or a comma-separated string, got {value!r}")
    elif not isinstance(value, str):
        raise InputError(f"{path}: {key} must be a string, got {value!r}")
    return value


def cmd_table(args) -> int:
    spec = read_table_file(args.file)
    columns = args.columns if args.columns is not None else spec.get("columns")
    kw = {}
    for key in ("timeout", "budget"):
        value = getattr(args, key)
        if value is None:
            value = spec.get(key)
        if value is not None:
            kw[key] = value
    t = table(spec["items"], **({"columns": columns} if columns is not None else {}), **kw)
    fmt = args.format or _ALIASES.get(spec.get("format", "text"), spec.get("format", "text"))
    if fmt not in TABLE_FORMATS:
        raise InputError(f"format must be one of {', '.join(TABLE_FORMATS)}; got {fmt!r}")
    caption = args.caption if args.caption is not None else spec.get("caption")
    label = args.label if args.label is not None else spec.get("label")
    if fmt == "latex" and args.caption is None and spec.get("caption_latex") is not None:
        caption = Rich(str(caption or spec["caption_latex"]), str(spec["caption_latex"]))
    out = t.to_csv() if fmt == "csv" else _render_table(t, fmt, caption=caption, label=label)
    print(out.rstrip("\n"))
    return 0


def _pair(text):
    k, _, v = text.partition("=")
    return k.strip(), v.strip()


def _one_line(text: str) -> str:
    """``text`` on one line: runs of whitespace (newlines, carriage returns) become one space and
    other control characters are escaped, so an error is always a single printable line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in " ".join(str(text).split()))


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit code 2) pointing to ``--help``."""

    def error(self, message):
        # a K such as '-x**2' reads as an option; a misspelt option such as '--budgte' does not need the hint
        words = message.split("unrecognized arguments: ", 1)[1].split() if "unrecognized arguments: " in message else []
        minus_k = any(w.startswith("-") and not re.fullmatch(r"--?[A-Za-z][\w-]*", w) for w in words)
        if "required: K" in message or "required: TARGET" in message or minus_k:
            message += "; a K that starts with '-' goes after '--', e.g. rlct compute -- '-x**2'"
        self.exit(2, _one_line(f"{self.prog}: error: {message} (see '{self.prog} --help')") + "\n")


def _positive_number(text, what):
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of {what}, got {text!r}") from None
    if not 0 < x < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive finite number of {what}, got {text!r}")
    return x


def _seconds(text):
    return _positive_number(text, "seconds")


def _positive_int(text, minimum=1):
    what = "a positive integer" if minimum == 1 else "a non-negative integer"
    try:
        x = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if x < minimum:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return x


def _seed(text):
    return _positive_int(text, minimum=0)


def _tolerance(text):
    return _positive_number(text, "standard errors")


TABLE_EPILOG = """\
FILE.toml holds [[case]] (or [[item]]) entries, one per row:
  name   = "cusp"                      # or id = "..."
  K      = "(w2**2 - w1**3)**2"        # or ideal = ["f1", "f2"] for K = f1^2 + f2^2,
                                       # or model = "ReducedRankRegression(M=2, N=2, H=1, r=0)"
  prior  = "w1**2"                     # optional: prior amplitude |w1|^2
  at     = {w1 = 1, w2 = 0}            # optional: true point (default the origin)
  domain = ["w1 >= 0"]                 # optional: linear inequalities near the point
  source = "Lin 2011"                  # optional: citation shown in the table
Optional top-level keys: columns = ["name", "K", "lambda", "m", ...], caption (plain
text), caption_latex (raw LaTeX for --format latex), label, timeout, budget. Columns: name, K, d, BIC (d/2), lambda, m, exact, bound, method, time,
source, reason. A row no method decides shows "<= bound" for lambda and "?" for m.
Example: rlct table examples/lecture_table.toml --format latex > table.tex
"""


PLOT_EPILOG = """\
WHAT is one of
  newton   the Newton polyhedron of K at the true point (2 or 3 variables), with the
           diagonal t(τ+1) that meets it at t = 1/λ's bound
  fan      the normal fan of K's Newton polyhedron (2 or 3 variables)
  report   λ̂ ± 2 SE against log n from a report saved by 'rlct compare --out FILE.json'
Examples: rlct plot newton "w1**4 + w1**2*w2**2 + w2**6" --out newton.png
          rlct plot report report.json --out report.png
"""


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="rlct", description="Exact learning coefficients (RLCTs) for singular learning theory.",
                epilog="Run 'rlct COMMAND --help' for the options of a command. "
                       "Bad input prints one line on stderr and exits with code 2.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    problem = argparse.ArgumentParser(add_help=False)  # where K lives: shared by compute and plot
    problem.add_argument("--ideal", action="store_true", help="the arguments are generators f_i of K = sum f_i^2")
    problem.add_argument("--at", help="true point: 'w1=1,w2=3/10' or '1,3/10' (default the origin)")
    problem.add_argument("--prior", help="monomial amplitude of the prior, e.g. 'w1**2*w2' (default 1)")
    problem.add_argument("--domain", action="append",
                         help="a linear inequality such as 'w1 >= 0' (repeatable; default a full neighbourhood)")
    problem.add_argument("--variables", help="variable order, comma separated (default natural order: w2 before w10)")

    d = sub.add_parser("demo", help="the built-in tour: exact RLCTs, models against the literature, a sampler report")
    d.add_argument("--quick", action="store_true", help="only the table of exact RLCTs")
    d.add_argument("--format", "-f", type=_format(FORMATS), default="text",
                   help="output format of the exact table: text, md, latex, html or json (default text; "
                        "other formats print the exact table only)")
    d.set_defaults(func=cmd_demo)

    c = sub.add_parser("compute", help="compute (λ, m) of a polynomial K", parents=[problem],
                       description="Compute (λ, m) of K exactly. Prints one line: λ, m and the method, or the "
                                   "proven bounds and why no method decided; --certificate adds the proof.")
    c.add_argument("K", nargs="+", help="the polynomial K, e.g. '(w1+w2)^2 + w2^4' (several with --ideal)")
    c.add_argument("--method", choices=("auto", "monomial", "newton", "toric", "blowup"), default="auto",
                   help="exact method (default auto: monomial, then Newton, then blow-ups)")
    c.add_argument("--timeout", type=_seconds, default=10.0,
                   help="seconds per real-algebra decision (z3), e.g. one Newton face (default 10)")
    c.add_argument("--budget", type=_seconds, default=60.0, help="seconds for the whole computation (default 60)")
    c.add_argument("--no-theorems", action="store_true",
                   help="blow-ups only: never close an ideal by a cited theorem (Aoyagi's, for tanh networks)")
    c.add_argument("--format", "-f", type=_format(FORMATS), default="text",
                   help="text, md, latex, html or json (default text)")
    c.add_argument("--json", action="store_true", help="the same as --format json")
    c.add_argument("--certificate", action="store_true",
                   help="add the certificate: the charts or Newton faces that prove (λ, m) (default off)")
    c.set_defaults(func=cmd_compute)

    t = sub.add_parser("table", help="a table of exact RLCTs for the entries of a TOML file",
                       description="Compute (λ, m) for every entry of FILE.toml and print a table "
                                   "(text, Markdown, LaTeX booktabs, HTML, JSON or CSV).",
                       epilog=TABLE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("file", metavar="FILE.toml", help="the entries ([[case]] or [[item]])")
    t.add_argument("--format", "-f", type=_format(TABLE_FORMATS),
                   help="text, md, latex, html, json or csv (default: the file's 'format', else text)")
    t.add_argument("--columns", help="comma-separated columns, e.g. 'name,K,lambda,m,source' "
                                     "(default: the file's 'columns', else name,K,lambda,m,method)")
    t.add_argument("--timeout", type=_seconds,
                   help="seconds per real-algebra decision (default: the file's 'timeout', else 10)")
    t.add_argument("--budget", type=_seconds,
                   help="seconds per entry (default: the file's 'budget', else 60)")
    t.add_argument("--caption", help="LaTeX/HTML caption (LaTeX output is then a table float; default none)")
    t.add_argument("--label", help="LaTeX \\label (LaTeX output is then a table float; default none)")
    t.set_defaults(func=cmd_table)

    m = sub.add_parser("compare", help="exact λ next to sampler estimates λ̂ at several n",
                       description="Run samplers on a model or K at several n and print the exact (λ, m), the "
                                   "finite-n value and each λ̂ ± SE with a verdict.",
                       epilog=COMPARE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("target", metavar="TARGET", help="model spec or polynomial K")
    m.add_argument("--n", type=_ns, default=[1000, 10000, 100000],
                   help="sample sizes, e.g. 1e3,1e4,1e5 (default 1e3,1e4,1e5)")
    m.add_argument("--estimator", default="llc",
                   help="comma-separated: llc, wbic, two-temperature, slope, llc-sgld (default llc)")
    m.add_argument("--sampler", default="mala", choices=("mala", "hmc", "sgld"), help="sampler (default mala)")
    m.add_argument("--chains", type=_positive_int, default=200, help="independent chains per row (default 200)")
    m.add_argument("--draws", type=_positive_int, default=1000, help="draws per chain after warm-up (default 1000)")
    m.add_argument("--seed", type=_seed, default=0, help="random seed; equal seeds give equal reports (default 0)")
    m.add_argument("--data", choices=("population", "sample"), help="population K (default) or a sampled data set")
    m.add_argument("--k", type=_tolerance, default=2.0, help="verdict tolerance in standard errors (default 2)")
    m.add_argument("--budget", type=_seconds, help="seconds for the exact computation (default 60)")
    m.add_argument("--format", "-f", type=_format(FORMATS), default="text",
                   help="text, md, latex, html or json (default text)")
    m.add_argument("--out", help="also write the report as JSON to this file, e.g. for 'rlct plot report' "
                                 "(default none)")
    m.add_argument("--workers", type=_positive_int, help="run the rows on a local process pool of N workers "
                                                         "(default: in this process)")
    m.add_argument("--dask", metavar="ADDRESS", help="run the rows on a Dask cluster (scheduler address; default none)")
    m.set_defaults(func=cmd_compare)

    pl = sub.add_parser("plot", help="draw a Newton polyhedron, a normal fan or a compare report to an image",
                        parents=[problem], epilog=PLOT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    pl.add_argument("what", choices=("newton", "fan", "report"), metavar="WHAT", help="newton, fan or report")
    pl.add_argument("target", metavar="TARGET", nargs="+",
                    help="K (several generators with --ideal), or the JSON file of a report")
    pl.add_argument("--out", "-o", help="image file; the suffix picks the format: .png, .pdf, .svg "
                                        "(default WHAT.png)")
    pl.set_defaults(func=cmd_plot)
    return p


COMPARE_EPILOG = """\
TARGET is a model spec such as "ReducedRankRegression(M=3, N=3, H=2, r=0)" or
"TwoLayerNetwork(H=2, activation='tanh')", or a polynomial K such as "(w1*w2)^2".
Each row is one (n, estimator); the verdict compares the estimate with the value an
ideal sampler gives at the same finite n (quadrature for d <= 3 with the population K,
else a sequential Monte Carlo reference with its standard error), within --k standard
errors.
Example: rlct compare "(w1*w2)^2" --n 1e3,1e4 --estimator llc,wbic --out report.json
"""


def _target(text):
    head = text.strip().split("(", 1)[0].strip()
    if head in MODELS or (head.isidentifier() and "=" in text and text.strip().endswith(")")):
        return from_spec(text)  # a model, or a misspelt one (the error names the closest model)
    return as_polynomial(text)


def _ns(text):
    try:
        ns = [int(float(x)) for x in text.split(",") if x.strip()]
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"expected sample sizes such as 1e3,1e4, got {text!r}") from None
    if not ns:
        raise argparse.ArgumentTypeError("expected at least one sample size")
    return ns


def cmd_compare(args) -> int:
    target = _target(args.target)
    estimators = [e.strip() for e in args.estimator.split(",") if e.strip()]
    executor = None
    client = None
    if args.dask or args.workers:
        executor, client = _executor(args)
    try:
        rep = compare(target, ns=args.n, estimators=estimators, sampler=args.sampler, chains=args.chains,
                      draws=args.draws, seed=args.seed, data=args.data, k=args.k, executor=executor,
                      **({"budget": args.budget} if args.budget is not None else {}))
    finally:
        if client is not None:
            client.close()
        elif executor is not None:
            executor.shutdown()
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(rep.to_json())
        except OSError as e:
            raise InputError(f"cannot write {args.out}: {e.strerror}") from None
    out = {"text": str, "md": lambda r: r.to_markdown(), "latex": lambda r: r.to_latex(),
           "html": lambda r: r.to_html(), "json": lambda r: r.to_json()}[args.format](rep)
    print(out)
    return 0


def cmd_plot(args) -> int:
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("rlct plot needs matplotlib: pip install 'rlct[plot]'") from None
    out = args.out or f"{args.what}.png"
    if args.what == "report":
        if len(args.target) != 1:
            raise InputError("rlct plot report takes one JSON file written by 'rlct compare --out FILE.json'")
        try:
            with open(args.target[0], encoding="utf-8") as fh:
                text = fh.read()
        except OSError as e:
            raise InputError(f"cannot read {args.target[0]}: {e.strerror}") from None
        fig = Report.from_json(text).plot()
    else:
        kw = _problem_kw(args)
        if args.ideal:
            problem = prepare(ideal=args.target, **kw)
        elif len(args.target) != 1:
            raise InputError(f"give one polynomial K (got {len(args.target)}; use --ideal for several generators, "
                             "or quote K)")
        else:
            problem = prepare(args.target[0], **kw)
        P = problem.polyhedron
        if P.dim not in (2, 3):
            raise InputError(f"rlct plot {args.what} draws 2 or 3 variables; K has {P.dim} "
                             f"({', '.join(problem.polynomial.variables)})")
        if args.what == "newton":
            ax = P.plot(tau=problem.tau)
        else:
            ax = normal_fan(P).plot()
        fig = ax.figure
    try:
        fig.savefig(out, bbox_inches="tight")
    except (OSError, ValueError) as e:
        raise InputError(f"cannot write {out}: {e}") from None
    plt.close(fig)
    print(f"wrote {out}")
    return 0


def _executor(args):
    """A process pool (--workers N) or a Dask client (--dask ADDRESS); returns (executor, client)."""
    if args.dask:
        try:
            from dask.distributed import Client
        except ImportError:
            raise InputError("--dask needs dask.distributed (pip install 'rlct[dask]')") from None
        try:
            client = Client(args.dask, timeout=5)
        except (OSError, TimeoutError) as e:
            raise InputError(f"cannot connect to the Dask scheduler at {args.dask}: {e}") from None
        return client, client
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=args.workers), None


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RLCTError as e:
        print(f"rlct: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rlct: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output was piped into a command that stopped reading (head)
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
