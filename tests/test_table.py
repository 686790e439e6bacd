"""rlct.report.table and the renderers: snapshot outputs, undecided rows, escaping, JSON.

The expected strings below were written by hand (column widths counted) and then
checked against the output; the values are the known ones of tests/data/known_rlcts.toml.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
from fractions import Fraction

import pytest

from rlct import RLCT, InputError
from rlct.report import COLUMNS, Row, Table, table
from rlct.render import Bound, Math, expression_latex, latex_escape, to_latex

COLS = ("name", "K", "d", "BIC", "lambda", "m", "method", "source")
ITEMS = [
    ("regular", "w1**2 + w2**2"),
    {"K": "w1**2*w2**2", "name": "normal crossing", "source": "Lin 2011 Prop 3.7"},
    {"K": "(w1 + w2)**2 + w2**4", "method": "newton", "name": "Remark 4.19", "source": "Lin 2011 Rem 4.19"},
    {"ideal": ["a1*b1", "a2*b1"], "name": "RRR 2-1-1", "source": "Aoyagi & Watanabe 2005"},
]

TEXT = """\
name             K                        d  d/2    λ  m  method    source
---------------  -----------------------  -  ---  ---  -  --------  ----------------------
regular          w1**2 + w2**2            2    1    1  1  newton
normal crossing  w1**2*w2**2              2    1  1/2  2  monomial  Lin 2011 Prop 3.7
Remark 4.19      (w1 + w2)**2 + w2**4     2    1  ≤ 1  ?  newton    Lin 2011 Rem 4.19
RRR 2-1-1        (a1*b1)**2 + (a2*b1)**2  3  3/2  1/2  1  newton    Aoyagi & Watanabe 2005"""

MARKDOWN = """\
| name            | K                         |   d | d/2 |   λ |   m | method   | source                 |
| :-------------- | :------------------------ | --: | --: | --: | --: | :------- | :--------------------- |
| regular         | `w1**2 + w2**2`           |   2 |   1 |   1 |   1 | newton   |                        |
| normal crossing | `w1**2*w2**2`             |   2 |   1 | 1/2 |   2 | monomial | Lin 2011 Prop 3.7      |
| Remark 4.19     | `(w1 + w2)**2 + w2**4`    |   2 |   1 | ≤ 1 |   ? | newton   | Lin 2011 Rem 4.19      |
| RRR 2-1-1       | `(a1*b1)**2 + (a2*b1)**2` |   3 | 3/2 | 1/2 |   1 | newton   | Aoyagi & Watanabe 2005 |"""

LATEX = r"""\begin{tabular}{llrrrrll}
\toprule
name & $K$ & $d$ & $d/2$ & $\lambda$ & $m$ & method & source \\
\midrule
regular & $w_{1}^{2} + w_{2}^{2}$ & 2 & 1 & 1 & 1 & newton &  \\
normal crossing & $w_{1}^{2} w_{2}^{2}$ & 2 & 1 & $\frac{1}{2}$ & 2 & monomial & Lin 2011 Prop 3.7 \\
Remark 4.19 & $(w_{1} + w_{2})^{2} + w_{2}^{4}$ & 2 & 1 & $\le 1$ & ? & newton & Lin 2011 Rem 4.19 \\
RRR 2-1-1 & $(a_{1} b_{1})^{2} + (a_{2} b_{1})^{2}$ & 3 & $\frac{3}{2}$ & $\frac{1}{2}$ & 1 & newton & Aoyagi \& Watanabe 2005 \\
\bottomrule
\end{tabular}"""


@pytest.fixture(scope="module")
def small():
    return table(ITEMS, columns=COLS)


def test_text_snapshot(small):
    assert str(small) == TEXT
    assert small.to_text() == TEXT


def test_markdown_snapshot(small):
    assert small.to_markdown() == MARKDOWN


def test_latex_snapshot(small):
    assert small.to_latex() == LATEX
    assert small.to_latex().isascii()


def test_latex_float_with_caption_and_label(small):
    out = small.to_latex(caption="Learning coefficients λ of K_1 (50%)", label="tab:small")
    head = out.splitlines()[:4]
    assert head == [r"\begin{table}[htbp]", r"\centering",
                    r"\caption{Learning coefficients $\lambda$ of K\_1 (50\%)}", r"\label{tab:small}"]
    assert out.endswith("\\end{tabular}\n\\end{table}") and LATEX in out
    with pytest.raises(InputError, match="label"):
        small.to_latex(label="tab small")


def test_repr_is_a_sentence(small):
    assert repr(small) == ("Table of 4 learning coefficients (3 exact, 1 not exact); "
                           "columns name, K, d, BIC, lambda, m, method, source")


def test_undecided_row_never_shows_a_bound_as_lambda(small):
    row = small.rows[2]
    assert not row.exact and row.lambda_ is None and row.multiplicity is None
    assert row.upper_bound == 1 and "degenerate Newton face" in row.reason
    assert row.cell("lambda") == Bound(Fraction(1)) and row.cell("m") == "?"
    for text in (str(small), small.to_markdown(), small.to_html(), small.to_csv()):
        assert "≤ 1" in text
    assert r"$\le 1$" in small.to_latex()
    with pytest.raises(InputError, match="not exact"):
        Row(None, "K", None, None, 2, Fraction(1), 1, False, Fraction(1), "newton", 0.0, None, "r")
    # an undecided RLCT passed as an item
    r = RLCT(lambda_=None, multiplicity=None, exact=False, method="newton", upper_bound=Fraction(3, 4),
             reason="budget")
    t = table([r], columns="lambda m bound exact reason")
    assert str(t).splitlines()[2].split() == ["≤", "3/4", "?", "3/4", "no", "budget"]


def test_not_applicable_row():
    # a non-monomial prior after straightening the domain (a non-simplicial cone is split, not refused)
    t = table([{"K": "w1**2 + w2**2", "prior": "w1*w2", "domain": ["w1 + w2 >= 0"]}],
              columns="lambda m method reason")
    row = t.rows[0]
    assert not row.exact and row.upper_bound is None and row.method is None
    assert row.reason.startswith("not applicable: the prior's factor |w2|^1 is not a monomial")
    assert str(t).splitlines()[2].startswith("?  ?  none    not applicable")


def test_html_escaping():
    t = table([{"K": "w1**2", "name": "<script>x</script>", "source": "A & B <i>"}], columns="name K source")
    out = t.to_html()
    assert "<script>" not in out and "&lt;script&gt;x&lt;/script&gt;" in out
    assert "A &amp; B &lt;i&gt;" in out
    assert t._repr_html_() == out
    assert out.startswith("<table>") and out.endswith("</table>")


def test_latex_escaping_and_ascii():
    assert latex_escape("w_1 & 50% #2 $x$ {a} ~^\\") == (
        r"w\_1 \& 50\% \#2 \$x\$ \{a\} \textasciitilde{}\textasciicircum{}\textbackslash{}")
    t = table([{"K": "w1**2", "name": "[first] λ ≤ τ", "source": "Lin_2011 #4 & 5"}], columns="name K source")
    body = t.to_latex().splitlines()[4]
    assert body == r"{}[first] $\lambda$ $\le$ $\tau$ & $w_{1}^{2}$ & Lin\_2011 \#4 \& 5 \\"
    assert t.to_latex().isascii()


def test_expression_latex_keeps_the_authors_order():
    assert expression_latex("(w2**2 - w1^3)**2") == "(w_{2}^{2} - w_{1}^{3})^{2}"
    assert expression_latex("(w1 - 1)**2*(w1**2 + w2**2)**4") == "(w_{1} - 1)^{2} (w_{1}^{2} + w_{2}^{2})^{4}"
    assert expression_latex("1/3*x - alpha") == r"\frac{1}{3} x - \alpha"
    assert expression_latex("w2 >= w1") == r"w_{2} \ge w_{1}"


def test_conditions_are_shown_with_K():
    t = table([{"K": "w1**8*w2**2", "prior": "w1**6*w2**3"},
               {"K": "w1*w2**2", "domain": ["w1 >= 0", "w2 >= w1"]},
               {"K": "(w1 - 1)**2*(w1**2 + w2**2)**4", "at": {"w1": 1, "w2": 0}}], columns="K lambda m")
    assert [r.K for r in t] == ["w1**8*w2**2 (prior |w1**6*w2**3|)", "w1*w2**2 (w1 >= 0, w2 >= w1)",
                                "(w1 - 1)**2*(w1**2 + w2**2)**4 (at w1=1, w2=0)"]
    assert [(r.lambda_, r.multiplicity) for r in t] == [(Fraction(7, 8), 1), (Fraction(2, 3), 1), (Fraction(1, 2), 1)]
    assert t.rows[0].K_latex == r"$w_{1}^{8} w_{2}^{2}$ (prior $\propto |w_{1}^{6} w_{2}^{3}|$)"
    assert t.rows[1].K_latex == r"$w_{1} w_{2}^{2}$ ($w_{1} \ge 0$, $w_{2} \ge w_{1}$)"
    md = t.to_markdown()
    assert r"prior `\|w1**6*w2**3\|`" in md  # a bar in a table cell must be escaped
    assert all(line.count(" | ") == 2 for line in md.splitlines())


def test_json_round_trip(small):
    back = Table.from_json(small.to_json())
    assert back == small and hash(back) == hash(small)
    assert str(back) == str(small) and back.to_latex() == small.to_latex()
    assert back.rows[0].result is None and small.rows[0].result is not None
    d = small.to_dict()
    assert d["columns"] == list(COLS) and d["rows"][1]["lambda_"] == "1/2"
    assert d["rows"][2]["lambda_"] is None and d["rows"][2]["upper_bound"] == "1"
    with pytest.raises(InputError):
        Table.from_json("{not json")


def test_pickle_and_equality(small):
    assert pickle.loads(pickle.dumps(small)) == small
    assert table(ITEMS[:2], columns=COLS) != small


def test_csv(small):
    lines = small.to_csv().splitlines()
    assert lines[0] == "name,K,d,d/2,λ,m,method,source"
    assert lines[3] == "Remark 4.19,(w1 + w2)**2 + w2**4,2,1,≤ 1,?,newton,Lin 2011 Rem 4.19"


def test_columns_validation():
    with pytest.raises(InputError) as e:
        table(["w1**2"], columns=("K", "lam"))
    msg = str(e.value)
    assert "unknown column 'lam'" in msg and "valid columns: " + ", ".join(COLUMNS) in msg
    with pytest.raises(InputError, match="valid columns"):
        Table((), columns=())
    assert table(["w1**2"], columns="K, lambda").columns == ("K", "lambda")


def test_item_kinds_and_errors():
    class Cert:
        source = "Aoyagi & Watanabe 2005"
        d = 4

    known = RLCT(lambda_=Fraction(1), multiplicity=2, exact=True, method="formula", upper_bound=Fraction(1),
                 certificate=Cert())
    t = table([("RRR", known), "w1**2"], columns="name d lambda m method source")
    assert t.rows[0].source == "Aoyagi & Watanabe 2005" and t.rows[0].d == 4 and t.rows[0].method == "formula"
    assert t.rows[1].lambda_ == Fraction(1, 2)
    with pytest.raises(InputError, match=r"item 2 \(w1\*\*\): cannot parse K"):
        table(["w1**2", "w1**"])
    with pytest.raises(InputError, match="unknown field 'lamda'; valid fields: K, ideal"):
        table([{"K": "w1**2", "lamda": 1}])
    with pytest.raises(InputError, match="exactly one of K, ideal, model or result"):
        table([{"name": "nothing"}])
    with pytest.raises(InputError, match="not an item"):
        table([["w1", "w2"]])
    assert table([{"result": known, "name": "n", "source": "s"}], columns="name source").rows[0].source == "s"
    # the fields of the known-values table that record expected values are ignored
    t = table([{"id": "x", "K": "w1**2", "lambda": "1/2", "m": 1, "newton_degenerate": False}], columns="name lambda")
    assert t.rows[0].name == "x"


def test_closed_forms_from_rlct_known():
    from rlct import known

    t = table([known.reduced_rank_regression(3, 3, 2, 0), known.tanh_network(3), known.regular(5)],
              columns="name d BIC lambda m method source")
    assert [r.name for r in t] == ["reduced_rank_regression(M=3, N=3, H=2, r=0)", "tanh_network(H=3)", "regular(d=5)"]
    assert [(r.d, r.lambda_, r.multiplicity) for r in t] == [(12, Fraction(5, 2), 1), (6, Fraction(5, 6), 1),
                                                             (5, Fraction(5, 2), 1)]
    assert all(r.method == "formula" and "Watanabe" in r.source for r in t)


def test_models_are_computed_generically():
    from rlct import models

    m = models.ReducedRankRegression(M=2, N=2, H=1, r=0)
    t = table([m], columns="name K d lambda m")
    row = t.rows[0]
    assert (row.lambda_, row.multiplicity, row.d) == (Fraction(1), 2, 4)
    assert row.K == row.name == str(getattr(m, "name", m))


def test_render_header_row_mismatch():
    with pytest.raises(InputError, match="row 0 has 1 cells but the header has 2"):
        to_latex(["a", "b"], [[1]])
    assert to_latex([Math("x", "x")], [[Fraction(-1, 2)]]).splitlines()[4] == r"$-\frac{1}{2}$ \\"


def _lecture_table_latex():
    from pathlib import Path

    from rlct.cli import main

    import contextlib
    import io

    path = Path(__file__).resolve().parents[1] / "examples" / "lecture_table.toml"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["table", str(path), "--format", "latex"]) == 0
    return buf.getvalue()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles(tmp_path, small):
    lecture = table(ITEMS + [{"K": "w1*w2**2", "domain": ["w1 >= 0", "w2 >= w1"], "prior": "w1",
                              "name": "wedge_1 & #2", "source": "50% ~ λ ≤ 1"}],
                    columns=tuple(COLUMNS))
    # landscape-wide tables overflow the page (a warning, not an error); what matters is that it compiles
    doc = "\n".join([r"\documentclass{article}", r"\usepackage{booktabs}", r"\begin{document}",
                     small.to_latex(caption="Small λ table", label="tab:small"),
                     lecture.to_latex(),
                     _lecture_table_latex(),
                     r"\end{document}", ""])
    (tmp_path / "t.tex").write_text(doc)
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]
