r"""Render a table (a header and rows of cells) as text, Markdown, LaTeX, HTML or CSV.

The kernel of :mod:`rlct.report`: plain functions over a header (a sequence of
cells) and rows (sequences of cells). A cell is ``None`` (empty), a ``str``
(plain words, escaped for each format), an ``int``, a
:class:`~fractions.Fraction` (``3/2`` in text, ``$\frac{3}{2}$`` in LaTeX), a
:class:`Math` (text and LaTeX given separately), a :class:`Bound`
(``≤ 3/2``), or any object with a ``latex()`` method (a
:class:`rlct.Polynomial`) or a sympy expression.

The LaTeX output needs only ``\usepackage{booktabs}``; it contains no
non-ASCII characters (λ, ≤, τ, ... in plain strings are written as math), so
it compiles with pdflatex as well as with LuaLaTeX.

Examples
--------
>>> from fractions import Fraction
>>> header = [Math("K", "K"), Math("λ", r"\lambda"), Math("m", "m")]
>>> rows = [[Math("w1**2*w2**2", "w_{1}^{2} w_{2}^{2}"), Fraction(1, 2), 2],
...         [Math("(w1+w2)**2 + w2**4", "(w_{1} + w_{2})^{2} + w_{2}^{4}"), Bound(Fraction(1)), None]]
>>> print(to_text(header, rows, align="lrr"))
K                   λ    m
------------------  ---  -
w1**2*w2**2         1/2  2
(w1+w2)**2 + w2**4  ≤ 1
>>> print(to_latex(header, rows, align="lrr"))
\begin{tabular}{lrr}
\toprule
$K$ & $\lambda$ & $m$ \\
\midrule
$w_{1}^{2} w_{2}^{2}$ & $\frac{1}{2}$ & 2 \\
$(w_{1} + w_{2})^{2} + w_{2}^{4}$ & $\le 1$ &  \\
\bottomrule
\end{tabular}
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from fractions import Fraction
import html
import io
import re
import textwrap

from .errors import InputError
from .polynomial import parse_string
from .result import latex_fraction

__all__ = ["Math", "Rich", "Bound", "FORMATS", "cell", "render", "to_text", "to_markdown", "to_latex", "to_html",
           "to_csv", "latex_escape", "markdown_escape", "expression_latex"]

FORMATS = ("text", "markdown", "latex", "html", "csv")


@dataclass(frozen=True)
class Math:
    """A cell with a text form and a LaTeX form (typeset in math mode).

    ``text`` is shown in text, HTML and CSV; in Markdown it is a code span
    when ``code`` is true (so that ``w1**2*w2`` is not read as emphasis).
    """

    text: str
    latex: str
    code: bool = False

    def __str__(self):
        return self.text


@dataclass(frozen=True)
class Rich:
    """A cell given ready-made for each format: ``text`` (also HTML, escaped, and CSV),
    ``latex`` (raw, with its own ``$...$``) and ``markdown`` (raw; default: ``text`` escaped)."""

    text: str
    latex: str
    markdown: str | None = None

    def __str__(self):
        return self.text


@dataclass(frozen=True)
class Bound:
    """An upper bound shown as ``≤ b`` (text) and ``$\\le b$`` (LaTeX): never as a value."""

    value: Fraction

    def __str__(self):
        return f"≤ {Fraction(self.value)}"


# -- escaping ------------------------------------------------------------------------------

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}
# Non-ASCII symbols that pdflatex's utf8 input does not know, written as math.
_LATEX_UNICODE = {
    "λ": r"$\lambda$", "τ": r"$\tau$", "θ": r"$\theta$", "φ": r"$\varphi$", "Σ": r"$\Sigma$",
    "β": r"$\beta$", "α": r"$\alpha$", "≤": r"$\le$", "≥": r"$\ge$", "⟨": r"$\langle$",
    "⟩": r"$\rangle$", "∞": r"$\infty$", "±": r"$\pm$", "×": r"$\times$", "→": r"$\to$",
    "²": r"$^{2}$", "³": r"$^{3}$", "…": r"\dots{}", "≈": r"$\approx$", "∈": r"$\in$",
}


def latex_escape(text: str) -> str:
    r"""Escape plain text for LaTeX (``_ & % # $ { } ~ ^ \ < >``; λ, ≤, ... as math).

    >>> print(latex_escape("Lin 2011 §4, 50% of w_1 & λ ≤ 1"))
    Lin 2011 §4, 50\% of w\_1 \& $\lambda$ $\le$ 1
    """
    out = []
    for ch in str(text):
        if ch in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[ch])
        elif ch in _LATEX_UNICODE:
            out.append(_LATEX_UNICODE[ch])
        else:
            out.append(ch)
    return "".join(out)


def markdown_escape(text: str) -> str:
    r"""Escape plain text for a GitHub Markdown table cell.

    >>> markdown_escape("a|b *c* w_1")
    'a\\|b \\*c\\* w\\_1'
    """
    return re.sub(r"([\\`*_|<>\[\]])", r"\\\1", str(text))


# -- expressions as LaTeX, in the order the author wrote them -----------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|\^|[-+*/(),]|>=|<=|==|[<>=]))")


class _Unparsed(Exception):
    pass


def _symbol_latex(name: str) -> str:
    import sympy

    return sympy.latex(sympy.Symbol(name))


def _tokens(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise _Unparsed(text[pos:])
        out.append(("num", m.group(1)) if m.group(1) else ("name", m.group(2)) if m.group(2) else ("op", m.group(3)))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent over ``+ - * / ** ^ ( )``, numbers and names.

    Each node is returned as ``(latex, kind)`` with kind ``"sum"``, ``"neg"``,
    ``"prod"``, ``"num"`` or ``"atom"`` (for parenthesisation).
    """

    def __init__(self, tokens):
        self.t, self.i = tokens, 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expr(self):
        parts = []
        kind = None
        tok = self.peek()
        if tok == ("op", "-"):
            self.take()
            parts.append("-")
        elif tok == ("op", "+"):
            self.take()
        s, kind = self.term()
        parts.append(s)
        n = 1
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            s, _ = self.term()
            parts.append(f" {op} {s}")
            n += 1
        out = "".join(parts)
        if n > 1:
            return out, "sum"
        return out, ("neg" if parts[0] == "-" else kind)

    def term(self):
        s, kind = self.power()
        factors = [(s, kind)]
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            t, k = self.power()
            if op == "/":
                prev, pk = factors.pop()
                factors.append((rf"\frac{{{prev}}}{{{t}}}", "atom"))
            else:
                factors.append((t, k))
        if len(factors) == 1:
            return factors[0]
        out = factors[0][0]
        for (prev, pk), (s, k) in zip(factors, factors[1:]):
            sep = r" \cdot " if k == "num" else " "
            out += sep + s
        return out, "prod"

    def power(self):
        base, kind = self.unary()
        if self.peek() in (("op", "**"), ("op", "^")):
            self.take()
            exp, _ = self.unary_exponent()
            if kind in ("sum", "neg", "prod", "pow"):
                base = f"({base})"
            return f"{base}^{{{exp}}}", "pow"
        return base, kind

    def unary_exponent(self):
        if self.peek() == ("op", "-"):
            self.take()
            s, _ = self.power()
            return "-" + s, "neg"
        return self.power()

    def unary(self):
        tok = self.take()
        if tok[0] == "num":
            return tok[1], "num"
        if tok[0] == "name":
            if self.peek() == ("op", "("):
                raise _Unparsed("function call")
            return _symbol_latex(tok[1]), "atom"
        if tok == ("op", "("):
            s, k = self.expr()
            if self.take() != ("op", ")"):
                raise _Unparsed("unbalanced parenthesis")
            return (f"({s})" if k in ("sum", "neg") else s), ("atom" if k in ("sum", "neg") else k)
        raise _Unparsed(str(tok))


_RELATIONS = {">=": r"\ge", "<=": r"\le", ">": ">", "<": "<", "==": "=", "=": "="}


def expression_latex(expr) -> str:
    r"""LaTeX (no dollars) for a polynomial or a linear inequality, keeping the author's order.

    A string is translated token by token (``**``/``^`` → ``^{}``, ``*`` → a
    space, ``a/b`` → ``\frac{a}{b}``, names as sympy writes symbols: ``w1`` →
    ``w_{1}``, ``alpha`` → ``\alpha``); other objects go through their
    ``latex()`` method or ``sympy.latex``.

    >>> print(expression_latex("(w2**2 - w1^3)**2 + 1/3*w3"))
    (w_{2}^{2} - w_{1}^{3})^{2} + \frac{1}{3} w_{3}
    >>> print(expression_latex("w2 >= w1"))
    w_{2} \ge w_{1}
    """
    if isinstance(expr, str):
        try:
            toks = _tokens(expr)
            rel = [i for i, t in enumerate(toks) if t[0] == "op" and t[1] in _RELATIONS]
            pieces, start = [], 0
            for i in rel + [len(toks)]:
                p = _Parser(toks[start:i])
                s, _ = p.expr()
                if p.i != len(p.t):
                    raise _Unparsed("trailing tokens")
                pieces.append(s)
                if i < len(toks):
                    pieces.append(_RELATIONS[toks[i][1]])
                start = i + 1
            return " ".join(pieces)
        except (_Unparsed, IndexError, TypeError):
            import sympy

            return sympy.latex(parse_string(expr, "expression"))
    if hasattr(expr, "latex") and callable(expr.latex):
        return expr.latex()
    import sympy

    return sympy.latex(expr)


# -- cells ---------------------------------------------------------------------------------

def cell(x, fmt: str) -> str:
    """One cell as a string of the given format (already escaped)."""
    if x is None:
        return ""
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, Math):
        if fmt == "latex":
            return f"${x.latex}$"
        if fmt == "markdown":
            return "`" + x.text.replace("|", r"\|") + "`" if x.code else markdown_escape(x.text)
        if fmt == "html":
            return html.escape(x.text)
        return x.text
    if isinstance(x, Rich):
        if fmt == "latex":
            return x.latex
        if fmt == "markdown":
            return x.markdown if x.markdown is not None else markdown_escape(x.text)
        if fmt == "html":
            return html.escape(x.text)
        return x.text
    if isinstance(x, Bound):
        if fmt == "latex":
            return rf"$\le {latex_fraction(Fraction(x.value))}$"
        if fmt == "html":
            return html.escape(str(x))
        return str(x)
    if isinstance(x, int):
        return f"${x}$" if fmt == "latex" and x < 0 else str(x)
    if isinstance(x, Fraction):
        if fmt == "latex":
            return f"${latex_fraction(x)}$" if (x.denominator != 1 or x < 0) else str(x.numerator)
        return str(x)
    if isinstance(x, float):
        return f"{x:g}"
    if isinstance(x, str):
        return {"latex": latex_escape, "markdown": markdown_escape, "html": html.escape}.get(fmt, str)(x)
    if hasattr(x, "latex") or type(x).__module__.startswith("sympy"):
        return cell(Math(str(x), expression_latex(x), code=True), fmt)
    return cell(str(x), fmt)


def _check(header, rows, align):
    header = list(header)
    rows = [list(r) for r in rows]
    for i, r in enumerate(rows):
        if len(r) != len(header):
            raise InputError(f"row {i} has {len(r)} cells but the header has {len(header)}")
    if align is None:
        align = "l" * len(header)
    if len(align) != len(header) or set(align) - set("lrc"):
        raise InputError(f"align must be one of 'l', 'r', 'c' per column ({len(header)} columns), got {align!r}")
    return header, rows, align


def _pad(s: str, w: int, a: str) -> str:
    return s.rjust(w) if a == "r" else s.center(w) if a == "c" else s.ljust(w)


# -- formats -------------------------------------------------------------------------------

def to_text(header, rows, align=None, max_cell: int | None = None) -> str:
    """An aligned plain-text table (unicode λ, ≤), two spaces between columns; with
    ``max_cell`` a longer cell is wrapped (at spaces) onto continuation lines.

    >>> print(to_text(["K", "λ"], [["w1**2 + w2**2 + w3**2", "3/2"]], max_cell=14))
    K              λ
    -------------  ---
    w1**2 + w2**2  3/2
      + w3**2
    """
    header, rows, align = _check(header, rows, align)
    head = [cell(h, "text") for h in header]
    body = [[_wrap(cell(c, "text"), max_cell) for c in r] for r in rows]
    widths = [max(len(line) for x in col for line in (x if isinstance(x, list) else [x])) for col in zip(head, *body)]
    lines = ["  ".join(_pad(h, w, a) for h, w, a in zip(head, widths, align)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for r in body:
        height = max(len(c) for c in r)
        for k in range(height):
            lines.append("  ".join(_pad(c[k] if k < len(c) else "", w, a)
                                   for c, w, a in zip(r, widths, align)).rstrip())
    return "\n".join(lines)


def _wrap(text: str, width: int | None) -> list:
    """A cell as its lines: ``[text]``, or wrapped at spaces to ``width`` (continuations indented)."""
    if width is None or len(text) <= width:
        return [text]

    return textwrap.wrap(text, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False)


def to_markdown(header, rows, align=None) -> str:
    """A GitHub-flavoured Markdown table; polynomials in code spans."""
    header, rows, align = _check(header, rows, align)
    head = [cell(h, "markdown") for h in header]
    body = [[cell(c, "markdown") for c in r] for r in rows]
    widths = [max(3, *(len(x) for x in col)) for col in zip(head, *body)]
    rule = {"l": lambda w: ":" + "-" * (w - 1), "r": lambda w: "-" * (w - 1) + ":",
            "c": lambda w: ":" + "-" * (w - 2) + ":"}

    def line(cells):
        return "| " + " | ".join(_pad(c, w, a) for c, w, a in zip(cells, widths, align)) + " |"

    out = [line(head), "| " + " | ".join(rule[a](w) for a, w in zip(align, widths)) + " |"]
    out += [line(r) for r in body]
    return "\n".join(out)


def to_latex(header, rows, align=None, *, caption: str | None = None, label: str | None = None) -> str:
    r"""A booktabs ``tabular``; inside a ``table`` float when a caption or label is given.

    Needs ``\usepackage{booktabs}`` in the preamble, nothing else. The caption
    is plain text (escaped), or a :class:`Rich` whose ``latex`` is used as it is;
    it is placed above the table, as booktabs recommends.
    """
    header, rows, align = _check(header, rows, align)
    lines = [rf"\begin{{tabular}}{{{align}}}", r"\toprule",
             " & ".join(cell(h, "latex") for h in header) + r" \\", r"\midrule"]
    for r in rows:
        cells = [cell(c, "latex") for c in r]
        if cells and cells[0][:1] in ("[", "*"):  # not an argument of the previous row's \\
            cells[0] = "{}" + cells[0]
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if caption is None and label is None:
        return "\n".join(lines)
    outer = [r"\begin{table}[htbp]", r"\centering"]
    if caption is not None:
        text = caption.latex if isinstance(caption, (Rich, Math)) else latex_escape(caption)
        outer.append(rf"\caption{{{text}}}")
    if label is not None:
        if re.search(r"[\\{}%#&$\s]", label):
            raise InputError(f"a LaTeX label may not contain spaces or \\ {{ }} % # & $, got {label!r}")
        outer.append(rf"\label{{{label}}}")
    return "\n".join(outer + lines + [r"\end{table}"])


def to_html(header, rows, align=None, *, caption: str | None = None) -> str:
    """An HTML ``<table>`` with every cell escaped."""
    header, rows, align = _check(header, rows, align)
    style = {"l": "left", "r": "right", "c": "center"}
    out = ["<table>"]
    if caption is not None:
        out.append(f"<caption>{html.escape(str(caption))}</caption>")
    out.append("<thead><tr>" + "".join(f'<th style="text-align: {style[a]}">{cell(h, "html")}</th>'
                                        for h, a in zip(header, align)) + "</tr></thead>")
    out.append("<tbody>")
    for r in rows:
        out.append("<tr>" + "".join(f'<td style="text-align: {style[a]}">{cell(c, "html")}</td>'
                                    for c, a in zip(r, align)) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def to_csv(header, rows) -> str:
    """Comma-separated values of the text forms (RFC 4180 quoting, ``\\n`` line ends)."""
    header, rows, _ = _check(header, rows, None)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([cell(h, "csv") for h in header])
    for r in rows:
        w.writerow([cell(c, "csv") for c in r])
    return buf.getvalue()


def render(header, rows, fmt: str = "text", align=None, **kw) -> str:
    """Dispatch on ``fmt`` (one of :data:`FORMATS`)."""
    funcs = {"text": to_text, "markdown": to_markdown, "latex": to_latex, "html": to_html}
    if fmt == "csv":
        return to_csv(header, rows)
    if fmt not in funcs:
        raise InputError(f"format must be one of {', '.join(map(repr, FORMATS))}; got {fmt!r}")
    return funcs[fmt](header, rows, align, **kw)
