"""The estimator queries against the published implementations: lighteval's GPassAtK,
OpenCompass's compute_g_pass_at_k / compute_mg_pass_at_k and scorio's pass_hat_k,
g_pass_at_k_tau, mg_pass_at_k, bayes (Bayes@N) and maj_at_k. Their values were written by the
libraries themselves into fixtures/estimator_references.json (scripts/estimator_references.py,
run in a throwaway environment); the lake here holds the same correctness counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from query_lakes import sample_rows

from boundary_ray.lake import write_rows
from boundary_ray.query import run_query

FIXTURE = Path(__file__).parent / "fixtures" / "estimator_references.json"
TOLERANCE = 1e-9
REFERENCES = json.loads(FIXTURE.read_text())


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> str:
    """Each cell's problems: c correct samples out of n, with one wrong answer for the rest."""
    path = str(tmp_path_factory.mktemp("references") / "lake")
    for cell in REFERENCES["cells"]:
        n = cell["n"]
        rows = sample_rows(
            cell["model"],
            cell["benchmark"],
            [[True] * c + [False] * (n - c) for c in cell["correct"]],
        )
        for row in rows:
            row["extracted_answer"] = "gold" if row["correct"] else "wrong"
        write_rows(path, "samples", rows)
    return path


def _cells() -> list[dict]:
    return REFERENCES["cells"]


def _query(lake: str, name: str, cell: dict, **params: str) -> list[dict]:
    ks = sorted({int(key.split("/")[0]) for key in cell["values"]["scorio_g_pass"]})
    params = {"model": cell["model"], "benchmark": cell["benchmark"], **params}
    if name != "bayes_at_n":
        params["ks"] = ",".join(map(str, ks))
    return run_query(name, lake, params).to_pylist()


@pytest.mark.parametrize("cell", _cells(), ids=lambda c: c["model"])
def test_g_pass_at_k_is_lighteval_opencompass_and_scorio(lake, cell):
    taus = ",".join(map(str, REFERENCES["taus"]))
    rows = _query(lake, "g_pass_at_k", cell, tau=taus)
    got = {f"{r['k']}/{r['tau']}": r["g_pass_at_k"] for r in rows}
    for library in ("lighteval_g_pass", "opencompass_g_pass", "scorio_g_pass"):
        expected = cell["values"][library]
        assert set(got) == set(expected), library
        worst = max(abs(got[key] - value) for key, value in expected.items())
        assert worst < TOLERANCE, (library, worst)


@pytest.mark.parametrize("cell", _cells(), ids=lambda c: c["model"])
def test_mg_pass_at_k_is_lighteval_opencompass_and_scorio(lake, cell):
    got = {str(r["k"]): r["mg_pass_at_k"] for r in _query(lake, "mg_pass_at_k", cell)}
    for library in ("lighteval_mg_pass", "opencompass_mg_pass", "scorio_mg_pass"):
        expected = cell["values"][library]
        assert set(got) == set(expected), library
        worst = max(abs(got[key] - value) for key, value in expected.items())
        assert worst < TOLERANCE, (library, worst)


@pytest.mark.parametrize("cell", _cells(), ids=lambda c: c["model"])
def test_pass_hat_k_is_scorio(lake, cell):
    got = {str(r["k"]): r["pass_hat_k"] for r in _query(lake, "pass_hat_k", cell)}
    expected = cell["values"]["scorio_pass_hat"]
    assert set(got) == set(expected)
    assert max(abs(got[key] - value) for key, value in expected.items()) < TOLERANCE


@pytest.mark.parametrize("cell", _cells(), ids=lambda c: c["model"])
def test_bayes_at_n_is_scorio(lake, cell):
    (row,) = _query(lake, "bayes_at_n", cell)
    assert abs(row["mu"] - cell["scorio_bayes"]["mu"]) < TOLERANCE
    assert abs(row["sigma"] - cell["scorio_bayes"]["sigma"]) < TOLERANCE


@pytest.mark.parametrize("cell", _cells(), ids=lambda c: c["model"])
def test_maj_at_k_is_scorio_strict_majority_where_they_agree(lake, cell):
    """One wrong answer and no abstention: for odd k there is no tie, and the plurality is a
    strict majority of correct samples, scorio's binary maj@k."""
    got = {str(r["k"]): r["maj_at_k"] for r in _query(lake, "maj_at_k", cell)}
    expected = {k: v for k, v in cell["values"]["scorio_maj"].items() if int(k) % 2 == 1}
    assert expected and set(expected) <= set(got)
    assert max(abs(got[key] - value) for key, value in expected.items()) < TOLERANCE
