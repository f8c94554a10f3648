"""examples/series.yaml end to end on the real engine, made small: the bundled SmolLM2 as a
base model, a three-checkpoint series (one temperature per step) and a second algorithm;
training_curve and algorithm_comparison give what plain Python computes from the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from series_reference import (
    algorithm_comparison_reference,
    assert_rows_match,
    training_curve_reference,
)

from boundary_ray import Lake
from boundary_ray.lake.reader import read_table
from boundary_ray.run.pipeline import run_spec_file
from boundary_ray.run.plan import plan_spec_file

pytestmark = pytest.mark.engine

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "series.yaml"
N, PROBLEMS = 8, 3


def test_series_spec_runs_end_to_end(tmp_path: Path) -> None:
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["lake"] = str(tmp_path / "lake")
    spec["benchmarks"][0]["limit"] = PROBLEMS
    spec["sampling"].update(n=N, max_tokens=64)
    path = tmp_path / "series.yaml"
    path.write_text(yaml.safe_dump(spec))

    plan = plan_spec_file(path)
    names = plan.models.column("model").to_pylist()
    assert names == ["smollm2-base", "grpo-step100", "grpo-step200", "grpo-step300", "ppo-step300"]
    assert plan.models.column("temperature").to_pylist() == [0.6, 1.0, 0.6, 0.3, 0.8]
    assert (plan.to_draw, plan.in_lake) == (5 * PROBLEMS * N, 0)

    run_spec_file(path, progress=False)

    lake = str(tmp_path / "lake")
    samples = read_table(lake, "samples", columns=["model", "problem_id", "sample_idx"])
    assert samples.num_rows == 5 * PROBLEMS * N
    models = {r["model"]: r for r in read_table(lake, "models").to_pylist()}
    assert json.loads(models["grpo-step200"]["tags"]) == {
        "algorithm": "grpo",
        "family": "smollm2",
        "series": "grpo",
        "step": 200,
    }
    assert plan_spec_file(path).to_draw == 0  # a rerun has nothing left to draw

    api = Lake(lake)
    curve = api.training_curve().to_dicts()
    assert [r["step"] for r in curve] == [100, 200, 300, 300]  # grpo x 3, then ppo
    assert {r["k"] for r in curve} == {N} and {r["base_model"] for r in curve} == {"smollm2-base"}
    assert_rows_match(curve, training_curve_reference(lake), ("benchmark", "model", "base_model"))
    comparison = api.algorithm_comparison(ci=0.95, bootstrap=200).to_dicts()
    assert {r["algorithm"]: r["model"] for r in comparison} == {
        "grpo": "grpo-step300",
        "ppo": "ppo-step300",
    }
    assert_rows_match(
        comparison, algorithm_comparison_reference(lake), ("benchmark", "base_model", "algorithm")
    )
    for row in comparison:
        assert row["gap_ci_low"] <= row["gap"] <= row["gap_ci_high"]
