"""What a new user meets: every message names the problem and the fix, the terminal output
is short, and the command line speaks one format family (issue 18)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import rlct
from rlct.cli import build_parser, main
from rlct.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("K", ["x**2+y**3", "x*y"])
def test_a_generator_given_as_K_is_told_about_ideal_and_squares(K):
    # x*y and x² + y³ take negative values near 0: they are not a K, but a generator of an ideal
    with pytest.raises(InputError) as e:
        rlct.rlct(K)
    msg = str(e.value)
    assert "negative near the true point" in msg
    assert f"ideal=[{K!r}]" in msg and f"({K})**2" in msg


def test_the_hint_gives_the_right_answer():
    # following the hint: <x*y> has λ = 1/2, m = 2 (Lin 2011, Prop 3.7: K = x²y²)
    assert rlct.rlct(ideal=["x*y"]).pair == rlct.rlct("(x*y)**2").pair == (Fraction(1, 2), 2)


@pytest.mark.parametrize("call", [lambda s: rlct.rlct(s), lambda s: rlct.models.from_spec(s)])
def test_a_misspelt_model_name_suggests_the_model(call):
    with pytest.raises(InputError, match="unknown model 'TwoLayerNet'.*did you mean TwoLayerNetwork"):
        call("TwoLayerNet(H=2)")


def test_a_model_spec_string_is_a_model():
    # Aoyagi 2010 / Watanabe 2001: the 1-2-1 tanh network learning zero has λ = 2/3, m = 1
    assert rlct.rlct("TwoLayerNetwork(H=2)").pair == (Fraction(2, 3), 1)


def test_compare_cli_names_the_misspelt_model(capsys):
    assert main(["compare", "TwoLayerNet(H=2)"]) == 2
    err = capsys.readouterr().err
    assert "did you mean TwoLayerNetwork" in err and "Unknown options" not in err


def test_print_of_a_blowup_result_is_one_line_and_the_certificate_is_separate():
    r = rlct.rlct("(w1 + w2)**2 + w2**4")                  # Lin 2011, Remark 4.19: (3/4, 1)
    assert str(r) == "λ = 3/4, m = 1 (exact, blowup)"
    assert "chart 1: w1 ↦ w1 - w2" in str(r.certificate)


def test_a_result_that_is_not_exact_prints_its_bounds_and_reason_on_one_line():
    r = rlct.rlct("(w1 + w2)**2 + w2**4", method="newton")
    # by hand: 1/ord₀(K) = 1/2 (K has order 2) and 1/t = 1 (vertices (2, 0), (0, 2)); Lin's λ = 3/4 lies between
    assert "\n" not in str(r)
    assert str(r).startswith("1/2 <= λ <= 1 (not exact, newton): degenerate Newton face")


def test_readme_is_self_contained_and_documents_the_quick_run():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in text
    assert 'pytest -m "not slow"' in text


def test_demo_lines_fit_a_terminal(capsys):
    assert main(["demo", "--quick"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_compute_prints_the_same_line_with_and_without_certificate(capsys):
    assert main(["compute", "(w1 + w2)**2 + w2**4"]) == 0
    short = capsys.readouterr().out
    assert short == "λ = 3/4, m = 1 (exact, blowup)\n"
    assert main(["compute", "(w1 + w2)**2 + w2**4", "--certificate"]) == 0
    full = capsys.readouterr().out
    assert full.startswith(short) and "blow-up resolution" in full


def test_json_leaves_out_the_certificate_unless_asked(capsys):
    assert main(["compute", "(w1 + w2)**2 + w2**4", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["lambda"], d["m"], d["certificate"]) == ("3/4", 1, None)
    assert main(["compute", "(w1 + w2)**2 + w2**4", "--json", "--certificate"]) == 0
    assert json.loads(capsys.readouterr().out)["certificate"]["kind"] == "blowup"


@pytest.mark.parametrize("fmt, expected", [
    ("md", "**λ = 1/4**, m = 1 (exact, monomial)"),
    ("markdown", "**λ = 1/4**, m = 1 (exact, monomial)"),
    ("latex", r"$\lambda = \frac{1}{4},\ m = 1$ (exact, monomial)"),
    ("html", "<p><b>λ = 1/4</b>, m = 1 <i>(exact, monomial)</i></p>"),
])
def test_compute_formats(capsys, fmt, expected):
    # K = w1² w2⁴: λ = min(1/2, 1/4) = 1/4, m = 1 (Lin 2011, Prop 3.7)
    assert main(["compute", "w1**2*w2**4", "--format", fmt]) == 0
    assert capsys.readouterr().out.strip() == expected


def _subparsers():
    return build_parser()._subparsers._group_actions[0].choices


@pytest.mark.parametrize("command", ["demo", "compute", "table", "compare", "plot"])
def test_every_option_states_its_default(command):
    parser = _subparsers()[command]
    for action in parser._actions:
        if not action.option_strings or action.help is None or action.dest == "help":
            continue
        if action.nargs == 0:  # a flag: off unless given
            continue
        assert "default" in action.help, f"rlct {command} {action.option_strings[0]}: {action.help!r}"


def test_budget_help_speaks_of_the_command_at_hand():
    sub = _subparsers()
    assert "per entry for 'table'" not in sub["compute"].format_help()
    assert "seconds per entry" in sub["table"].format_help()


def test_one_format_family(capsys):
    sub = _subparsers()
    for command in ("demo", "compute", "table", "compare"):
        assert "md, latex, html" in " ".join(sub[command].format_help().split())
    with pytest.raises(SystemExit) as e:
        main(["compute", "w1**2", "--format", "pdf"])
    assert e.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


@pytest.mark.parametrize("what", ["newton", "fan"])
def test_plot_writes_an_image(tmp_path, capsys, what):
    pytest.importorskip("matplotlib")
    out = tmp_path / f"{what}.png"
    assert main(["plot", what, "w1**4 + w1**2*w2**2 + w2**6", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_says_which_dimensions_it_draws(capsys):
    pytest.importorskip("matplotlib")
    assert main(["plot", "newton", "(w1*w2*w3*w4)**2"]) == 2
    assert "draws 2 or 3 variables; K has 4" in capsys.readouterr().err


def test_plot_report_needs_a_readable_file(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    assert main(["plot", "report", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.slow
def test_the_whole_demo_fits_a_terminal(capsys):
    # the tour runs a sampler too (a few seconds); every line within 100 columns
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
