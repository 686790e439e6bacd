"""The command line: good and bad input, through a subprocess (few calls: each costs ~0.5 s)
and in-process through ``rlct.cli.main``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rlct.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
LECTURE = ROOT / "examples" / "lecture_table.toml"


def run(*args):
    return subprocess.run([sys.executable, "-m", "rlct.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def assert_one_line_error(stderr: str, *words):
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "error" in lines[0]
    for w in words:
        assert w in lines[0], lines[0]


def test_table_latex_of_the_lecture_example():
    p = run("table", str(LECTURE), "--format", "latex")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert out.startswith("\\begin{table}[htbp]\n\\centering\n\\caption{Exact learning coefficients $(\\lambda, m)$")
    assert "\\label{tab:rlct-classics}" in out and "\\toprule" in out and "\\bottomrule" in out
    assert "cusp & $(w_{2}^{2} - w_{1}^{3})^{2}$ & 2 & 1 & $\\frac{5}{12}$ & 1 & blowup" in out
    assert "Aoyagi \\& Watanabe 2005" in out
    assert out.isascii() and "Traceback" not in p.stderr


def test_compute_json():
    p = run("compute", "(w1 + w2)**2 + w2**4", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert (d["lambda"], d["m"], d["exact"]) == ("3/4", 1, True)


def test_unparsable_K_subprocess():
    p = run("compute", "w1**")
    assert p.returncode == 2 and p.stdout == ""
    assert_one_line_error(p.stderr, "rlct: error: cannot parse K 'w1**'")


def test_bad_toml_subprocess(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("[[case]]\nK = 'w1**2\n")
    p = run("table", str(f))
    assert p.returncode == 2
    assert_one_line_error(p.stderr, "is not valid TOML")


@pytest.mark.parametrize("args, words", [
    (["table", "no/such/file.toml"], ["no such file: no/such/file.toml"]),
    (["table", "FILE", "--format", "pdf"], ["invalid choice: 'pdf'", "--help"]),
    (["table", "FILE", "--columns", "K,lam"], ["unknown column 'lam'", "valid columns"]),
    (["table", "FILE", "--timeout", "-1"], ["positive finite number of seconds"]),
    (["table", "EMPTY"], ["has no [[case]] or [[item]] entries"]),
    (["table", "BADITEM"], ["item 2 (oops)", "K is not zero"]),
    (["compute", "w1**2*w2"], ["K is negative near the true point"]),
    (["compute", "w1**2", "w2**2"], ["give one polynomial K"]),
    (["frobnicate"], ["invalid choice: 'frobnicate'"]),
])
def test_bad_input_in_process(args, words, tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text('[[case]]\nK = "w1**2"\n')
    (tmp_path / "empty.toml").write_text('title = "nothing"\n')
    (tmp_path / "baditem.toml").write_text('[[item]]\nK = "w1**2"\n[[item]]\nname = "oops"\nK = "w1 + 1"\n')
    args = [str(good) if a == "FILE" else str(tmp_path / "empty.toml") if a == "EMPTY"
            else str(tmp_path / "baditem.toml") if a == "BADITEM" else a for a in args]
    try:
        code = main(args)
    except SystemExit as e:  # argparse
        code = e.code
    assert code == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert_one_line_error(cap.err, *words)


def test_model_entries(tmp_path, capsys):
    f = tmp_path / "m.toml"
    f.write_text('columns = ["K", "d", "lambda", "m"]\n'
                 '[[case]]\nmodel = "ReducedRankRegression(M=2, N=2, H=1, r=0)"\n')
    assert main(["table", str(f), "--format", "markdown"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].replace(" ", "") == "|ReducedRankRegression(M=2,N=2,H=1,r=0)|4|1|2|"


def test_table_formats_and_file_options(tmp_path, capsys):
    f = tmp_path / "t.toml"
    f.write_text('caption = "Two cases"\ncolumns = ["name", "K", "lambda", "m"]\n'
                 '[[case]]\nid = "nc"\nK = "w1**2*w2**2"\n'
                 '[[item]]\nname = "wedge"\nK = "w1*w2**2"\ndomain = ["w1 >= 0", "w2 >= w1"]\n')
    assert main(["table", str(f)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Two cases", "",
        "name   K                               λ  m",
        "-----  ----------------------------  ---  -",
        "nc     w1**2*w2**2                   1/2  2",
        "wedge  w1*w2**2 (w1 >= 0, w2 >= w1)  2/3  1",
    ]
    assert main(["table", str(f), "-f", "json", "--columns", "name,lambda"]) == 0
    from rlct.report import Table

    t = Table.from_json(capsys.readouterr().out)
    assert t.columns == ("name", "lambda") and [r.name for r in t] == ["nc", "wedge"]
    assert main(["table", str(f), "-f", "html", "--caption", "A < B"]) == 0
    assert "<caption>A &lt; B</caption>" in capsys.readouterr().out


def test_help_documents_every_command(capsys):
    parser = build_parser()
    text = parser.format_help()
    for cmd in ("demo", "compute", "table"):
        assert cmd in text
    sub = parser._subparsers._group_actions[0].choices
    assert "[[case]]" in sub["table"].format_help() and "--format" in sub["table"].format_help()
    assert "--json" in sub["compute"].format_help()


def test_demo_quick(capsys):
    # the README's first command; cusp 5/12 (Lin 2011, Ex. 4.16), (w1+w2)² + w2⁴ 3/4 (Lin 2011, Remark 4.19)
    assert main(["demo", "--quick"]) == 0
    out = capsys.readouterr().out
    cusp = next(line for line in out.splitlines() if line.startswith("cusp"))
    lin = next(line for line in out.splitlines() if line.startswith("Lin Rem 4.19"))
    assert "5/12" in cusp.split() and "3/4" in lin.split() and "≤" not in out.split("method:")[0]
