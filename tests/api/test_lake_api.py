"""``from boundary_ray import Lake``: every public function against the CLI on the same lake."""

from __future__ import annotations

import inspect
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from boundary_ray import Lake
from boundary_ray.errors import BoundaryError
from boundary_ray.query import queries_dir, query_params

# Python keyword arguments per query, and the same as the CLI's --param strings
PARAMS: dict[str, dict[str, Any]] = {
    "pass_at_k": {"benchmark": "gsm8k", "ci": 0.9, "bootstrap": 50, "ks": [3, 10]},
    "coverage": {"model_a": "base-7b", "model_b": "rl-ppo-300"},
    "solvable": {"threshold": 2},
    "hardest_solved": {"max_rate": 0.2},
    "algorithm_comparison": {"ci": 0.9, "bootstrap": 50, "step": 300},
    "training_curve": {"k": 4},
    "efficiency_gap": {"tag": "algorithm"},
}
CHART_PARAMS: dict[str, dict[str, Any]] = {"pass_at_k": {"ci": 0.9, "bootstrap": 50}}
# charts the realistic lake has data for
DRAWN = {"pass_at_k", "accuracy_hist", "coverage", "efficiency_gap", "perplexity"} | {
    "pass_at_k_by_role",
    "training_curve",
    "algorithm_comparison",
}


def cli(*args: str) -> str:
    done = subprocess.run(["boundary", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli_params(params: dict[str, Any]) -> list[str]:
    out = []
    for key, value in params.items():
        text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
        out += ["--param", f"{key}={text}"]
    return out


def cli_rows(lake: str, name: str, params: dict[str, Any] | None = None) -> list[dict]:
    text = cli("query", name, "--lake", lake, "--format", "json", *cli_params(params or {}))
    return [json.loads(line) for line in text.splitlines()]


def close(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-12 (DuckDB's parallel sums may add in another order), NaN = None."""
    if isinstance(a, float) and math.isnan(a):
        a = None
    if isinstance(b, float) and math.isnan(b):
        b = None
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 1e-12 * max(1, abs(a))
    return a == b


def test_import_is_lazy():
    code = "import boundary_ray, sys; print(sorted(m for m in ('polars', 'duckdb', 'altair') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]"
    assert "Lake" in dir(__import__("boundary_ray"))


@pytest.mark.parametrize("name", Lake.queries())
def test_query_method_equals_cli(api_lake, name):
    params = PARAMS.get(name, {})
    frame = getattr(Lake(api_lake), name)(**params)
    assert isinstance(frame, pl.DataFrame)
    expected = cli_rows(api_lake, name, params)
    assert frame.columns == (list(expected[0]) if expected else frame.columns)
    assert close(frame.to_dicts(), expected)
    if name in ("pass_at_k", "training_curve", "algorithm_comparison", "coverage"):
        assert frame.height > 0


def test_generic_query_equals_method(api_lake):
    lake = Lake(api_lake)
    assert close(lake.query("coverage").to_dicts(), lake.coverage().to_dicts())


@pytest.mark.parametrize("name", Lake.queries())
def test_methods_take_the_declared_params(name):
    method = getattr(Lake, name)
    declared = query_params(name)
    signature = inspect.signature(method)
    assert list(signature.parameters)[1:] == list(declared)
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY for p in list(signature.parameters.values())[1:]
    )
    for key in declared:
        assert key in method.__doc__
    assert f"boundary query {name}" in method.__doc__


def test_bad_params_fail_like_the_cli(api_lake):
    lake = Lake(api_lake)
    with pytest.raises(TypeError, match="unexpected keyword argument 'modle'"):
        lake.pass_at_k(modle="x")
    with pytest.raises(BoundaryError, match=r"--param ci=2 \(query pass_at_k\): 2.0 is outside"):
        lake.pass_at_k(ci=2)
    with pytest.raises(BoundaryError, match="no such directory"):
        Lake(str(Path(api_lake) / "nope"))


def test_new_query_and_param_are_picked_up(api_lake, tmp_path, monkeypatch):
    """A query file and a schema.yml entry added later are a method and a keyword."""
    folder = tmp_path / "queries"
    shutil.copytree(queries_dir(), folder)
    (folder / "per_model.sql").write_text(
        "select model, count(*) as samples from samples\n"
        "where getvariable('model') is null or model = getvariable('model')\n"
        "group by model order by model\n"
    )
    with open(folder / "schema.yml", "a", encoding="utf-8") as schema:
        schema.write(
            "\nper_model:\n  description: samples per model\n"
            "  columns: {model: string, samples: int64}\n  unique: [model]\n"
            "  not_null: [model, samples]\n"
            "  params:\n    model: {type: string, help: only this model}\n"
        )
    monkeypatch.setenv("BOUNDARY_RAY_QUERIES", str(folder))
    lake = Lake(api_lake)
    assert "per_model" in dir(lake)
    assert "only this model" in lake.per_model.__doc__
    frame = lake.per_model(model="chat-1b")
    assert frame.to_dicts() == [{"model": "chat-1b", "samples": 2 * 12 * 8}]
    env_cli = subprocess.run(
        [
            "boundary",
            "query",
            "per_model",
            "--lake",
            api_lake,
            "--format",
            "json",
            "--param",
            "model=chat-1b",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert [json.loads(line) for line in env_cli.stdout.splitlines()] == frame.to_dicts()


def test_sql_equals_cli_sql_file(api_lake, tmp_path):
    text = (
        "select model, benchmark, sum(n)::bigint as n, sum(c)::bigint as c from problem_outcomes "
        "group by all order by all"
    )
    path = tmp_path / "q.sql"
    path.write_text(text)
    expected = cli_rows(api_lake, str(path))
    assert close(Lake(api_lake).sql(text).to_dicts(), expected)
    assert len(expected) == 8


@pytest.mark.parametrize("name", Lake.charts())
def test_chart_equals_cli_json(api_lake, tmp_path, name):
    lake = Lake(api_lake)
    params = CHART_PARAMS.get(name, {})
    out = tmp_path / f"{name}.json"
    args = ["boundary", "chart", name, "--lake", api_lake, "--out", str(out), *cli_params(params)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if name not in DRAWN and done.returncode != 0:  # no data for it here (no synthetic
        # problems, no process verdicts): the same one-line error both ways
        with pytest.raises(BoundaryError) as err:
            lake.chart(name, **params)
        assert done.stderr == f"boundary: error: {err.value}\n"
        assert "returned no rows" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    chart = lake.chart(name, **params)
    assert close(unnamed(chart.to_dict()), unnamed(json.loads(out.read_text())))
    assert hasattr(chart, "_repr_mimebundle_")  # shows inline in Jupyter


def unnamed(spec: dict) -> dict:
    """The spec with its datasets in order and not by name: Altair names inline data by a hash
    of the values, which the last bits of a float sum can change."""
    spec = dict(spec)
    datasets = spec.pop("datasets", {})
    data = dict(spec.pop("data", {}))
    if data.pop("name", None) is not None:
        data["values"] = datasets[next(iter(datasets))] if len(datasets) == 1 else datasets
    return {**spec, "data": data}


def by_key(rows: list[dict], key: tuple[str, ...]) -> dict:
    return {tuple(r[c] for c in key): r for r in rows}


def test_samples_equal_cli(api_lake, tmp_path):
    path = tmp_path / "s.sql"
    path.write_text("select * from samples where model = 'rl-ppo-300' and problem_id = 'gsm8k-003'")
    expected = cli_rows(api_lake, str(path))
    frame = Lake(api_lake).samples(model="rl-ppo-300", problem_id="gsm8k-003")
    assert isinstance(frame, pl.LazyFrame)
    rows = frame.collect().to_dicts()
    key = ("model", "benchmark", "problem_id", "sample_idx")
    assert len(rows) == len(expected) == 16
    assert close(by_key(rows, key), by_key(expected, key))
    several = Lake(api_lake).samples(benchmark="2024", problem_id=["2024-001", "2024-002"])
    assert several.select(pl.len()).collect().item() == 2 * 4 * sum((32, 16, 16, 8)) // 4


def test_problems_and_models_equal_cli(api_lake, tmp_path):
    path = tmp_path / "p.sql"
    path.write_text("select * from problems where benchmark = '2024'")
    expected = cli_rows(api_lake, str(path))
    rows = Lake(api_lake).problems(benchmark="2024").collect().to_dicts()
    assert close(by_key(rows, ("problem_id",)), by_key(expected, ("problem_id",)))
    path.write_text("select * from latest_models order by model")
    assert close(Lake(api_lake).models().to_dicts(), cli_rows(api_lake, str(path)))
    assert Lake(api_lake).models()["role"].to_list() == ["base", "instruct", "rl", "rl"]


def test_samples_tolerate_old_files_and_uri_lakes(tmp_path):
    """A file written before a column existed reads that column as null; file:// works."""
    lake = tmp_path / "lake"
    folder = lake / "samples" / "model=old" / "benchmark=b"
    folder.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "problem_id": ["p0", "p0"],
                "sample_idx": pa.array([0, 1], pa.int32()),
                "correct": [True, False],
            }
        ),
        folder / "part-0.parquet",
    )
    frame = Lake(f"file://{lake}").samples(model="old").collect()
    assert frame["correct"].to_list() == [True, False]
    assert frame["verify_ms"].null_count() == 2 and frame["model"].to_list() == ["old", "old"]
    assert Lake(str(lake)).samples(model="nobody").collect().height == 0
    assert Lake(str(lake)).pass_at_k().to_dicts()[0]["pass_at_k"] == 0.5
