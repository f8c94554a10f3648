"""training_curve, algorithm_comparison and pass_at_k_by_role against plain Python."""

from __future__ import annotations

import json

import pytest
from series_reference import (
    algorithm_comparison_reference,
    assert_rows_match,
    training_curve_reference,
    write_series_lake,
)

from boundary_ray.lake import write_rows
from boundary_ray.query import run_query


@pytest.fixture(scope="module")
def series_lake(tmp_path_factory) -> str:
    lake = str(tmp_path_factory.mktemp("series") / "lake")
    write_series_lake(lake)
    return lake


@pytest.mark.parametrize("k", [None, 4, 1])
def test_training_curve_matches_python(series_lake, k):
    params = {} if k is None else {"k": str(k)}
    rows = run_query("training_curve", series_lake, params).to_pylist()
    expected = training_curve_reference(series_lake, k)
    assert_rows_match(rows, expected, ("benchmark", "model", "base_model"))
    # three grpo steps, each against the one base of its family; ppo stands alone in its series
    grpo = [r for r in rows if r["series"] == "grpo" and r["benchmark"] == "arith"]
    assert [r["step"] for r in grpo] == [100, 200, 300]
    assert {r["base_model"] for r in grpo} == {"base"}
    if k is None:  # grpo-step300 has 12 samples, the rest 8: K = 8 along the whole curve
        assert {r["k"] for r in grpo} == {8}


def test_training_curve_k_above_n_is_null(series_lake):
    rows = run_query("training_curve", series_lake, {"k": "12"}).to_pylist()
    step300 = next(r for r in rows if r["model"] == "grpo-step300" and r["benchmark"] == "arith")
    assert step300["pass_at_k"] is not None and step300["base_pass_at_k"] is not None
    step100 = next(r for r in rows if r["model"] == "grpo-step100" and r["benchmark"] == "arith")
    assert step100["pass_at_k"] is None
    assert_rows_match(rows, training_curve_reference(series_lake, 12), ("benchmark", "model"))


@pytest.mark.parametrize(("step", "k"), [(None, None), (300, None), (None, 2)])
def test_algorithm_comparison_matches_python(series_lake, step, k):
    params = {key: str(v) for key, v in (("step", step), ("k", k)) if v is not None}
    rows = run_query("algorithm_comparison", series_lake, params).to_pylist()
    expected = algorithm_comparison_reference(series_lake, step, k)
    assert_rows_match(rows, expected, ("benchmark", "base_model", "algorithm"))
    if step is None:  # the last grpo checkpoint stands for grpo; rloo has no step
        assert {r["algorithm"]: r["model"] for r in rows} == {
            "grpo": "grpo-step300",
            "ppo": "ppo-step300",
            "rloo": "rloo",
        }
    assert all(r["gap_ci_low"] is None for r in rows)


def test_gap_interval_is_paired_over_problems(tmp_path):
    """Per problem, the RL model's pass@1 is the base's minus 2/8, while problems range from
    easy to hard: a paired interval on the gap has no width; an unpaired one would."""
    lake = str(tmp_path / "lake")
    models, samples = [], []
    for model, role, drop in (("b", "base", 0), ("r", "rl", 2)):
        models.append({"model": model, "role": role, "tags": "{}", "run_id": "r1"})
        for p in range(12):
            correct = 2 + p % 7 - drop  # base 2..8 of 8 correct
            samples += [
                {
                    "model": model,
                    "benchmark": "x",
                    "problem_id": f"p{p}",
                    "sample_idx": i,
                    "correct": i < correct,
                }
                for i in range(8)
            ]
    write_rows(lake, "models", models)
    write_rows(lake, "samples", samples)
    (row,) = run_query(
        "algorithm_comparison", lake, {"k": "1", "ci": "0.95", "bootstrap": "200"}
    ).to_pylist()
    assert row["gap"] == pytest.approx(0.25)
    assert row["gap_ci_low"] == pytest.approx(0.25) and row["gap_ci_high"] == pytest.approx(0.25)
    # the same data at K = 8 (base pass@8 = 1 on every problem): the gap now varies by
    # problem, and so does the interval, around the point estimate
    (row,) = run_query("algorithm_comparison", lake, {"ci": "0.95", "bootstrap": "200"}).to_pylist()
    assert row["gap_ci_low"] < row["gap"] < row["gap_ci_high"]


def test_pass_at_k_by_role_equals_pass_at_k(series_lake):
    by_role = run_query("pass_at_k_by_role", series_lake).to_pylist()
    plain = {
        (r["model"], r["benchmark"], r["k"]): r["pass_at_k"]
        for r in run_query("pass_at_k", series_lake).to_pylist()
    }
    assert {(r["model"], r["benchmark"], r["k"]) for r in by_role} == set(plain)
    for row in by_role:
        assert row["pass_at_k"] == pytest.approx(plain[(row["model"], row["benchmark"], row["k"])])
    roles = {r["model"]: (r["role"], r["family"]) for r in by_role}
    assert roles["base"] == ("base", "toy") and roles["distilled"] == ("distilled", "toy")
    only = run_query("pass_at_k_by_role", series_lake, {"role": "rl"}).to_pylist()
    assert {r["role"] for r in only} == {"rl"}


def test_series_lake_tags_are_json(series_lake):
    rows = run_query("training_curve", series_lake, {"series": "grpo"}).to_pylist()
    assert {r["series"] for r in rows} == {"grpo"} and json.dumps(rows[0]["step"]) == "100"
