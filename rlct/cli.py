"""Command line: ``rlct demo`` and ``rlct compute``.

Errors in the input print one line naming the problem and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from .errors import RLCTError

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


def _fmt_result(r) -> tuple[str, str, str]:
    if r.exact:
        return str(r.lambda_), str(r.multiplicity), "exact"
    return f"<= {r.upper_bound}", "?", "bound"


def _table(rows, headers) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)) for row in rows]
    return "\n".join(out)


def cmd_demo(args) -> int:
    from . import rlct

    rows = []
    for label, K, kw, source in DEMO:
        t0 = time.perf_counter()
        r = rlct(K, **kw) if K is not None else rlct(**kw)
        ms = (time.perf_counter() - t0) * 1000
        lam, m, status = _fmt_result(r)
        shown = K if K is not None else "ideal " + ", ".join(kw["ideal"])
        extra = "; ".join(f"{k}={v}" for k, v in kw.items() if k != "ideal")
        rows.append((label, shown + (f"  [{extra}]" if extra else ""), lam, m, status, r.method, f"{ms:.1f}", source))
    print("Exact learning coefficients (λ, m) of K, Watanabe's convention\n")
    print(_table(rows, ["model", "K", "λ", "m", "", "method", "ms", "literature"]))
    print("\nmethod: 'monomial' and 'newton' read (λ, m) off the Newton polyhedron (non-degenerate K);"
          "\n'blowup' resolved a degenerate K by coordinate changes and blow-ups (certificate: the charts)."
          "\n'bound' would mean no method decided it: the value shown is only an upper bound.")
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
    if args.ideal:
        r = rlct(ideal=args.K, **kw)
    else:
        if len(args.K) != 1:
            raise SystemExit("rlct compute: give one polynomial K (or use --ideal with several generators)")
        r = rlct(args.K[0], **kw)
    if args.json:
        print(json.dumps(r.to_dict(), indent=2))
    else:
        print(str(r) if args.certificate else repr(r))
    return 0


def _pair(text):
    k, _, v = text.partition("=")
    return k.strip(), v.strip()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rlct", description="Exact learning coefficients (RLCTs) for singular learning theory.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="print a table of exact RLCTs of built-in examples")
    d.set_defaults(func=cmd_demo)
    c = sub.add_parser("compute", help="compute (λ, m) of a polynomial K")
    c.add_argument("K", nargs="+", help="the polynomial K, e.g. '(w1+w2)^2 + w2^4' (several with --ideal)")
    c.add_argument("--ideal", action="store_true", help="the arguments are generators f_i of K = sum f_i^2")
    c.add_argument("--at", help="true point: 'w1=1,w2=3/10' or '1,3/10'")
    c.add_argument("--prior", help="monomial amplitude of the prior, e.g. 'w1**2*w2'")
    c.add_argument("--domain", action="append", help="a linear inequality such as 'w1 >= 0' (repeatable)")
    c.add_argument("--variables", help="variable order, comma separated")
    c.add_argument("--json", action="store_true", help="print the result as JSON")
    c.add_argument("--certificate", action="store_true", help="print the certificate too")
    c.set_defaults(func=cmd_compute)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RLCTError as e:
        print(f"rlct: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
