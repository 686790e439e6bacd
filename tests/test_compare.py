"""rlct.compare / Report: theory next to experiment."""

import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction

import pytest

import rlct
from rlct.errors import InputError
from rlct.models import ReducedRankRegression
from rlct.report import Report


@pytest.fixture(scope="module")
def report():
    return rlct.compare("(w1*w2)**2", ns=[1000, 10000], chains=64, draws=300, seed=1)


def test_report_holds_exact_finite_n_and_estimates(report):
    assert report.exact.pair == (Fraction(1, 2), 2)           # Lin 2011 Prop 3.7
    assert [r.n for r in report.rows] == [1000, 10000]
    r = report.rows[0]
    # E_β[nβK] for K = (w1w2)², uniform prior on [-1,1]², nβ = 1000/log 1000: by quadrature,
    # below λ = 1/2 as the first-order expansion λ - (m-1)/log(nβ) = 0.299 (rough) says it must be
    assert r.expected_method == "quadrature" and 0.3 < r.expected < 0.5


def test_every_estimator_agrees_with_its_own_ideal_value():
    # each estimator's formula applied to exact expectations (cubature) is what it should return;
    # a well-mixed run must land within 3 SE of it (for WBIC at β = 1/log n it is E_β[nβK] itself)
    rep = rlct.compare("(w1*w2)**2", ns=[1000], estimators=["llc", "wbic", "two-temperature", "slope"],
                       chains=200, draws=1000, seed=0)
    llc, wbic, two, slope = rep.rows
    assert wbic.expected == llc.expected and two.expected != llc.expected
    for row in rep.rows:
        assert row.expected_method == "quadrature"
        assert abs(row.value - row.expected) < 3 * (row.se**2 + (row.expected_error or 0) ** 2) ** 0.5, row


def test_a_run_without_a_standard_error_is_not_trustworthy():
    row = rlct.compare("w1**2", ns=[1000], chains=4, draws=3, seed=0).rows[0]
    assert row.verdict == "not trustworthy"


def test_seed_none_is_recorded():
    rep = rlct.compare("w1**2", ns=[1000], chains=8, draws=20, seed=None)
    assert isinstance(rep.settings["seed"], int)


def test_report_renders(report):
    text = str(report)
    assert text.splitlines()[0] == "K = w1**2*w2**2 (d = 2): λ = 1/2, m = 2 (monomial)"
    assert "finite-n value" in text and "verdict" in text
    md = report.to_markdown()
    assert md.startswith("**K = w1\\*\\*2\\*w2\\*\\*2") and "| ---" not in md.splitlines()[0]
    tex = report.to_latex()
    assert r"\toprule" in tex and r"\frac{1}{2}" in tex and r"$K = w_{1}^{2} w_{2}^{2}$" in tex
    assert "λ" not in tex and "β" not in tex                   # pdflatex-safe
    assert report._repr_html_().startswith("<table")
    assert repr(report).startswith("Report(K = w1**2*w2**2, 2 rows:")


def test_json_round_trip(report):
    again = Report.from_json(report.to_json())
    assert again == report
    assert again.to_json() == report.to_json()
    assert str(again) == str(report)
    with pytest.raises(InputError, match="invalid JSON"):
        Report.from_json("{")


def test_deterministic_and_executor_agnostic(report):
    with ProcessPoolExecutor(2) as ex:
        par = rlct.compare("(w1*w2)**2", ns=[1000, 10000], chains=64, draws=300, seed=1, executor=ex)
    assert par.rows == report.rows


def test_model_with_sampled_data():
    rep = rlct.compare(ReducedRankRegression(2, 2, 1, 0), ns=[2000], chains=32, draws=200, seed=0, data="sample")
    row = rep.rows[0]
    assert rep.exact.pair == (1, 2) and rep.d == 4
    # sampled data (an empirical potential): the SMC reference, with a standard error; the first-order
    # value λ − (m − 1)/log(nβ) from (λ, m) = (1, 2) is kept beside it
    assert row.expected_method == "smc" and row.expected_error > 0
    assert row.verdict in ("consistent", "inconsistent", "not trustworthy")
    assert row.asymptotic == pytest.approx(1 - 1 / __import__("math").log(row.nbeta))


def test_plot(report, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    fig = report.plot(traces=True)
    fig.savefig(tmp_path / "report.png")
    assert (tmp_path / "report.png").stat().st_size > 1000


@pytest.mark.parametrize("kw,match", [
    (dict(ns=[1]), "n must be an integer >= 3"),
    (dict(estimators=["bogus"]), "estimators must be among"),
    (dict(data="sample"), "needs a model"),
    (dict(chains=0), "chains must be a positive integer"),
    (dict(k=0), "k .* must be a positive number"),
    (dict(seed="a"), "seed must be"),
])
def test_bad_input(kw, match):
    with pytest.raises(InputError, match=match):
        rlct.compare("(w1*w2)**2", **kw)


def test_cli_compare(tmp_path):
    out = tmp_path / "r.json"
    p = subprocess.run([sys.executable, "-m", "rlct.cli", "compare", "ReducedRankRegression(M=2, N=1, H=1, r=0)",
                        "--n", "1e3", "--chains", "16", "--draws", "100", "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "ReducedRankRegression(M=2, N=1, H=1, r=0) (d = 3): λ = 1/2, m = 1" in p.stdout
    assert json.loads(out.read_text())["rows"][0]["n"] == 1000
    bad = subprocess.run([sys.executable, "-m", "rlct.cli", "compare", "NoSuchModel(3)"], capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_cli_compare_on_a_process_pool_matches_sequential():
    args = [sys.executable, "-m", "rlct.cli", "compare", "(w1*w2)^2", "--n", "1e3,1e4", "--chains", "16",
            "--draws", "100", "--format", "json"]
    seq = subprocess.run(args, capture_output=True, text=True, timeout=120)
    par = subprocess.run(args + ["--workers", "2"], capture_output=True, text=True, timeout=120)
    assert seq.returncode == 0 and par.returncode == 0, par.stderr
    strip = [{k: v for k, v in r.items() if k != "settings"} for r in json.loads(seq.stdout)["rows"]]
    assert strip == [{k: v for k, v in r.items() if k != "settings"} for r in json.loads(par.stdout)["rows"]]


def test_cli_compare_bad_dask_address():
    p = subprocess.run([sys.executable, "-m", "rlct.cli", "compare", "w1**2", "--dask", "tcp://127.0.0.1:1"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "Dask scheduler" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.slow
def test_wbic_example_script_runs():
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "docs" / "examples" / "wbic_rrr.py"
    p = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert len(p.stdout.strip().splitlines()) == 5


def test_plot_newton(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    rep = rlct.compare("w1**8 + w1**4*w2**2 + w1**2*w2**6 + w2**8", ns=[1000], chains=16, draws=50, seed=0)
    ax = rep.plot_newton()
    ax.figure.savefig(tmp_path / "newton.png")
    with pytest.raises(InputError, match="no polynomial"):
        Report.from_json(rep.to_json()).plot_newton()
