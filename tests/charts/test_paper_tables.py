"""Tables 3 and 4, the series charts, and the Vega-Lite JSON export (the report's Tables 3
and 4: tests/charts/test_report.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from boundary_ray.charts import build_chart
from boundary_ray.charts.paper_tables import algorithm_table, steps_table
from boundary_ray.query import run_query


def test_table_3_is_the_query_in_percent(full_lake: str) -> None:
    result = run_query("algorithm_comparison", full_lake).to_pylist()
    table = algorithm_table(run_query("algorithm_comparison", full_lake)).to_pylist()
    assert [r["model"] for r in table] == ["base-model (base)", "rl-model step 100 (rl-model)"]
    for row in result:
        bench, k = row["benchmark"], row["k"]
        assert table[0][f"{bench} pass@{k}"] == round(100 * row["base_pass_at_k"], 1)
        assert table[1][f"{bench} pass@1"] == round(100 * row["pass_at_1"], 1)
        assert table[1][f"{bench} \u0394SE"] == round(100 * row["gap"], 1)
        assert table[0][f"{bench} \u0394SE"] is None


def test_table_4_rows_are_base_then_steps(full_lake: str) -> None:
    table = steps_table(run_query("training_curve", full_lake)).to_pylist()
    assert [r["model"] for r in table] == ["base-model (base)", "rl-model step 100 (rl-model)"]


def test_role_chart_dashes_by_role(full_lake: str) -> None:
    spec = build_chart("pass_at_k_by_role", full_lake)[0].to_dict()
    layers = spec["spec"]["layer"]
    dash = layers[0]["encoding"]["strokeDash"]
    assert dash["scale"]["domain"] == ["base", "instruct", "rl"]
    assert len({json.dumps(d) for d in dash["scale"]["range"]}) == 3


def test_chart_json_is_the_altair_spec(full_lake: str, tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    done = subprocess.run(
        ["boundary", "chart", "training_curve", "--lake", full_lake, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text()) == build_chart("training_curve", full_lake)[0].to_dict()
