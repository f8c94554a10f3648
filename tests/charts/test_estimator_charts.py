"""The estimator charts: pass@k, maj@k and pass^k in one figure, the Cover@tau curve, and the
uniform guesser's line on the pass@k chart where a benchmark has multiple-choice problems;
each plots its queries' values as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import png_size, spec_rows, svg_size

from boundary_ray.charts import build_chart, render_chart, theme
from boundary_ray.charts.pass_at_k import CHANCE
from boundary_ray.lake import write_rows
from boundary_ray.query import run_query

KEY = ("model", "benchmark", "k")


def _values(table, column: str) -> dict[tuple, float]:
    return {tuple(r[c] for c in KEY): r[column] for r in table.to_pylist()}


def test_maj_figure_carries_pass_at_k_and_pass_hat_k_of_each_point(full_lake: str) -> None:
    chart, table = build_chart("maj_at_k", full_lake)
    plotted = spec_rows(chart.to_dict())
    assert len(plotted) == table.num_rows
    passk = _values(run_query("pass_at_k", full_lake), "pass_at_k")
    hat = _values(run_query("pass_hat_k", full_lake), "pass_hat_k")
    for row in plotted:
        key = tuple(row[c] for c in KEY)
        assert row["pass_at_k"] == pytest.approx(passk[key], abs=1e-12)
        assert row["pass_hat_k"] == pytest.approx(hat[key], abs=1e-12)
    # three lines per panel, folded from the three columns
    spec = chart.to_dict()["spec"]
    assert spec["transform"][-1]["calculate"].startswith("datum.model")
    assert spec["transform"][0]["fold"] == ["pass_at_k", "maj_at_k", "pass_hat_k"]


def test_model_filter_reaches_the_extra_queries(full_lake: str) -> None:
    chart, _ = build_chart("maj_at_k", full_lake, {"model": "rl-model"})
    assert {row["model"] for row in spec_rows(chart.to_dict())} == {"rl-model"}


def test_cover_chart_plots_the_query(full_lake: str, tmp_path: Path) -> None:
    chart, table = build_chart("cover_at_tau", full_lake)
    plotted = {
        (r["model"], r["benchmark"], r["tau"]): r["cover"] for r in spec_rows(chart.to_dict())
    }
    assert plotted == {
        (r["model"], r["benchmark"], r["tau"]): r["cover"] for r in table.to_pylist()
    }
    png = render_chart("cover_at_tau", full_lake, str(tmp_path / "cover.png"))
    svg = render_chart("cover_at_tau", full_lake, str(tmp_path / "cover.svg"))
    width, height = svg_size(svg)
    assert png_size(png) == (round(width * theme.PNG_SCALE), round(height * theme.PNG_SCALE))


def _choice_lake(path: Path) -> str:
    """Four-option problems beside free-form ones on one benchmark, free form on another."""
    lake = str(path)
    problems, samples = [], []
    for benchmark, kinds in (
        ("vista", ["multi_choice", "free_form"] * 3),
        ("math", ["free_form"] * 4),
    ):
        for p, kind in enumerate(kinds):
            meta = {
                "question_type": kind,
                "choices": ["a", "b", "c", "d"] if kind == "multi_choice" else [],
            }
            problems.append(
                {
                    "benchmark": benchmark,
                    "problem_id": f"{benchmark}-{p}",
                    "task": "visual",
                    "question": "q",
                    "answer": "a",
                    "meta": json.dumps(meta),
                }
            )
            for i in range(8):
                ok = i < p % 3
                samples.append(
                    {
                        "model": "m",
                        "benchmark": benchmark,
                        "problem_id": f"{benchmark}-{p}",
                        "sample_idx": i,
                        "run_id": "r",
                        "correct": ok,
                        "verdict": "correct" if ok else "wrong",
                        "extracted_answer": "a" if ok else "b",
                        "finish_reason": "stop",
                    }
                )
    write_rows(lake, "problems", problems)
    write_rows(lake, "samples", samples)
    return lake


def test_chance_line_only_where_a_benchmark_has_multiple_choice(
    tmp_path: Path, full_lake: str
) -> None:
    lake = _choice_lake(tmp_path / "lake")
    chart, _ = build_chart("pass_at_k", lake)
    rows = spec_rows(chart.to_dict())
    chance = {
        (r["model"], r["benchmark"], r["k"]): r["chance_pass_at_k"]
        for r in run_query("chance_at_k", lake).to_pylist()
        if r["question_type"] == "all"
    }
    for row in rows:
        key = tuple(row[c] for c in KEY)
        # half of vista's problems have four options: the guesser's floor is half of 1 - 0.75^k
        if row["benchmark"] != "vista":
            assert row[CHANCE] is None
            continue
        assert row[CHANCE] == pytest.approx(chance[key], abs=1e-12)
        assert row[CHANCE] == pytest.approx((1 - 0.75 ** row["k"]) / 2, abs=1e-12)
    layers = chart.to_dict()["spec"]["layer"]
    assert any(layer["encoding"].get("y", {}).get("field") == CHANCE for layer in layers)
    # no multiple choice anywhere: the pass@k chart as before, no guesser's line
    plain, _ = build_chart("pass_at_k", full_lake)
    assert all(CHANCE not in row for row in spec_rows(plain.to_dict()))
    assert all(
        layer["encoding"].get("y", {}).get("field") != CHANCE
        for layer in plain.to_dict()["spec"]["layer"]
    )
