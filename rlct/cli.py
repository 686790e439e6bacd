"""Command line: ``rlct demo``, ``rlct compute``, ``rlct table`` and ``rlct compare``.

Errors in the input print one line naming the problem on stderr and exit with
code 2 (no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys

from .errors import InputError, RLCTError
from .report.render import FORMATS

# (label, K or None, keyword arguments, source of the known value)
DEMO = [
    ("regular point in R^3", "w1**2 + w2**2 + w3**2", {}, "(3/2, 1): regular, d/2"),
    ("normal crossing", "w1**2*w2**2", {}, "(1/2, 2): Lin 2011 Prop 3.7"),
    ("monomial with prior", "w1**8*w2**2", {"prior": "w1**6*w2**3"}, "(7/8, 1): Lau et al. 2023"),
    ("Lin's slides, distance 8/5", "w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8", {}, "(5/16, 1): Lin"),
    ("same, prior |w1|", "w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8", {"prior": "w1"}, "(1/2, 2): Lin"),
    ("monomial ideal <w1w2,w2w3,w1w3>", None, {"ideal": ["w1*w2", "w2*w3", "w1*w3"]}, "(3/4, 1): Lin 2011 Thm 4.18"),
    ("RRR M=N=2, H=1, r=0", None, {"ideal": ["a1*b1", "a2*b1", "a1*b2", "a2*b2"]}, "(1, 2): Aoyagi-Watanabe 2005"),
    ("sum rule", "(w1*w2)**2 + w3**2*w4**4", {}, "(3/4, 2): Lin 2011 Prop 4.5"),
    ("wedge 0 <= w1 <= w2", "w1*w2**2", {"domain": ["w1 >= 0", "w2 >= w1"]}, "(2/3, 1): Lin 2011 Ex 3.13"),
    ("line and point, at (0,0)", "(w1 - 1)**2*(w1**2 + w2**2)**4", {}, "(1/4, 1): Lau et al. 2023"),
    ("Lin's Remark 4.19 (degenerate)", "(w1 + w2)**2 + w2**4", {}, "(3/4, 1): Lin 2011 Rem 4.19"),
    ("cusp, K = f^2", "(w2**2 - w1**3)**2", {}, "(5/12, 1): Lin"),
    ("tanh 1-2-1 learning zero", None, {"ideal": ["a1*b1 + a2*b2", "a1*b1**3 + a2*b2**3"]}, "(2/3, 1): Aoyagi"),
    ("RRR M=N=H=2, r=0", None, {"ideal": ["b11*a11 + b12*a21", "b11*a12 + b12*a22", "b21*a11 + b22*a21",
                                          "b21*a12 + b22*a22"]}, "(3/2, 1): Aoyagi-Watanabe 2005"),
]


def cmd_demo(args) -> int:
    from .report import table

    items = [dict(name=label, source=source, **({"K": K} if K is not None else {}), **kw)
             for label, K, kw, source in DEMO]
    print("Exact learning coefficients (λ, m) of K, Watanabe's convention\n")
    print(table(items, columns="name K lambda m method time source"))
    print("\nmethod: 'monomial' and 'newton' read (λ, m) off the Newton polyhedron (non-degenerate K);"
          "\n'blowup' resolved a degenerate K by coordinate changes and blow-ups (certificate: the charts)."
          "\nA λ shown as '≤ b' would mean no method decided it: b is only an upper bound.")
    if getattr(args, "quick", False):
        return 0
    from .models import NormalMixture, ReducedRankRegression, TwoLayerNetwork
    from .report import compare, table

    models = [ReducedRankRegression(3, 3, 2, 0), TwoLayerNetwork(2, "tanh"), NormalMixture()]
    print("\nModels: the engine's (λ, m) at the true parameter, and the literature's closed form\n")
    print(table(models, columns="name d BIC lambda m method time"))
    for mdl in models:
        k = mdl.known()
        if k is not None:
            print(f"  {mdl!r}: literature (λ, m) = ({k.lambda_}, {k.multiplicity})")
    print("\nTheory next to a sampler (MALA, 200 chains; the finite-n value is E_β[nβK] by quadrature)\n")
    print(compare("(w1*w2)**2", ns=[1000, 10000], chains=200, draws=1000, seed=0))
    return 0


def cmd_compute(args) -> int:
    from . import rlct

    kw = {}
    if args.at:
        kw["at"] = dict(_pair(p) for p in args.at.split(",")) if "=" in args.at else args.at.split(",")
    if args.prior:
        kw["prior"] = args.prior
    if args.domain:
        kw["domain"] = args.domain
    if args.variables:
        kw["variables"] = args.variables.split(",")
    if args.timeout is not None:
        kw["timeout"] = args.timeout
    if args.budget is not None:
        kw["budget"] = args.budget
    if args.ideal:
        r = rlct(ideal=args.K, **kw)
    else:
        if len(args.K) != 1:
            raise InputError(f"give one polynomial K (got {len(args.K)}; use --ideal for several generators, "
                             "or quote K)")
        r = rlct(args.K[0], **kw)
    if args.json:
        print(json.dumps(r.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        print(str(r) if args.certificate else repr(r))
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
    items = list(data.get("case", [])) + list(data.get("item", []))
    if not isinstance(data.get("case", []), list) or not isinstance(data.get("item", []), list):
        raise InputError(f"{path}: entries must be written [[case]] or [[item]] (arrays of tables)")
    if not items:
        raise InputError(f"{path} has no [[case]] or [[item]] entries")
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            raise InputError(f"{path}: entry {i + 1} is not a table of fields (write [[case]] and key = value lines)")
    out = {"items": items}
    for key in ("columns", "caption", "caption_latex", "label", "timeout", "budget", "format"):
        if key in data:
            out[key] = data[key]
    return out


def cmd_table(args) -> int:
    from .report import table

    spec = read_table_file(args.file)
    columns = args.columns or spec.get("columns")
    kw = {}
    for key in ("timeout", "budget"):
        value = getattr(args, key)
        if value is None:
            value = spec.get(key)
        if value is not None:
            kw[key] = value
    t = table(spec["items"], **({"columns": columns} if columns else {}), **kw)
    fmt = args.format or spec.get("format", "text")
    caption = args.caption if args.caption is not None else spec.get("caption")
    label = args.label if args.label is not None else spec.get("label")
    if fmt == "latex" and args.caption is None and spec.get("caption_latex") is not None:
        from .report import Rich

        caption = Rich(str(caption or spec["caption_latex"]), str(spec["caption_latex"]))
    if fmt == "latex":
        out = t.to_latex(caption=caption, label=label)
    elif fmt == "html":
        out = t.to_html(caption=caption)
    elif fmt in ("text", "markdown", "csv", "json"):
        out = {"text": t.to_text, "markdown": t.to_markdown, "csv": t.to_csv, "json": t.to_json}[fmt]()
        if caption and fmt in ("text", "markdown"):
            out = f"{caption}\n\n{out}"
    else:
        raise InputError(f"format must be one of {', '.join(TABLE_FORMATS)}; got {fmt!r}")
    print(out.rstrip("\n"))
    return 0


TABLE_FORMATS = FORMATS + ("json",)


def _pair(text):
    k, _, v = text.partition("=")
    return k.strip(), v.strip()


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit code 2) pointing to ``--help``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _seconds(text):
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not x > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return x


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


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="rlct", description="Exact learning coefficients (RLCTs) for singular learning theory.",
                epilog="Run 'rlct COMMAND --help' for the options of a command. "
                       "Bad input prints one line on stderr and exits with code 2.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    limits = argparse.ArgumentParser(add_help=False)  # the exact computation's time limits, shared
    limits.add_argument("--timeout", type=_seconds, help="seconds per Newton face (default 10)")
    limits.add_argument("--budget", type=_seconds, help="seconds for the exact computation; per entry for "
                                                         "'table' (default 60)")
    d = sub.add_parser("demo", help="the built-in tour: exact RLCTs, models against the literature, a sampler report")
    d.add_argument("--quick", action="store_true", help="only the table of exact RLCTs")
    d.set_defaults(func=cmd_demo)
    c = sub.add_parser("compute", help="compute (λ, m) of a polynomial K", parents=[limits])
    c.add_argument("K", nargs="+", help="the polynomial K, e.g. '(w1+w2)^2 + w2^4' (several with --ideal)")
    c.add_argument("--ideal", action="store_true", help="the arguments are generators f_i of K = sum f_i^2")
    c.add_argument("--at", help="true point: 'w1=1,w2=3/10' or '1,3/10'")
    c.add_argument("--prior", help="monomial amplitude of the prior, e.g. 'w1**2*w2'")
    c.add_argument("--domain", action="append", help="a linear inequality such as 'w1 >= 0' (repeatable)")
    c.add_argument("--variables", help="variable order, comma separated")
    c.add_argument("--json", action="store_true", help="print the result as JSON (RLCT.to_dict())")
    c.add_argument("--certificate", action="store_true", help="print the certificate too")
    c.set_defaults(func=cmd_compute)
    t = sub.add_parser("table", help="a table of exact RLCTs for the entries of a TOML file",
                       description="Compute (λ, m) for every entry of FILE.toml and print a table "
                                   "(text, Markdown, LaTeX booktabs, HTML, CSV or JSON).",
                       epilog=TABLE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter, parents=[limits])
    t.add_argument("file", metavar="FILE.toml", help="the entries ([[case]] or [[item]])")
    t.add_argument("--format", "-f", choices=TABLE_FORMATS, help="output format (default text)")
    t.add_argument("--columns", help="comma-separated columns, e.g. 'name,K,lambda,m,source'")
    t.add_argument("--caption", help="LaTeX/HTML caption (LaTeX output is then a table float)")
    t.add_argument("--label", help="LaTeX \\label (LaTeX output is then a table float)")
    t.set_defaults(func=cmd_table)
    m = sub.add_parser("compare", help="exact λ next to sampler estimates λ̂ at several n",
                       description="Run samplers on a model or K at several n and print the exact (λ, m), the "
                                   "finite-n value and each λ̂ ± SE with a verdict.",
                       epilog=COMPARE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    m.add_argument("target", metavar="TARGET", help="model spec or polynomial K")
    m.add_argument("--n", type=_ns, default=[1000, 10000, 100000], help="sample sizes, e.g. 1e3,1e4,1e5")
    m.add_argument("--estimator", default="llc", help="comma-separated: llc, wbic, two-temperature, slope, llc-sgld")
    m.add_argument("--sampler", default="mala", choices=("mala", "hmc", "sgld"))
    m.add_argument("--chains", type=int, default=200)
    m.add_argument("--draws", type=int, default=1000)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--data", choices=("population", "sample"), help="population K (default) or a sampled data set")
    m.add_argument("--k", type=float, default=2.0, help="verdict tolerance in standard errors (default 2)")
    m.add_argument("--budget", type=_seconds, help="seconds for the exact computation (default 60)")
    m.add_argument("--format", "-f", choices=("text", "markdown", "latex", "html", "json"))
    m.add_argument("--out", help="also write the report as JSON to this file")
    m.add_argument("--workers", type=int, help="run the rows on a local process pool of N workers")
    m.add_argument("--dask", metavar="ADDRESS", help="run the rows on a Dask cluster (scheduler address)")
    m.set_defaults(func=cmd_compare)
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
    from .models import MODELS, from_spec

    head = text.strip().split("(", 1)[0].strip()
    if head in MODELS:
        return from_spec(text)
    from .polynomial import as_polynomial

    return as_polynomial(text)


def _ns(text):
    try:
        ns = [int(float(x)) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sample sizes such as 1e3,1e4, got {text!r}") from None
    if not ns:
        raise argparse.ArgumentTypeError("expected at least one sample size")
    return ns


def cmd_compare(args) -> int:
    from .report.compare import compare

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
    fmt = args.format or "text"
    out = {"text": str, "markdown": lambda r: r.to_markdown(), "latex": lambda r: r.to_latex(),
           "html": lambda r: r.to_html(), "json": lambda r: r.to_json()}[fmt](rep)
    print(out)
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
        message = " ".join(str(e).split())  # one line
        print(f"rlct: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rlct: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
