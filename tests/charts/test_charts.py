"""Each chart from a real hand-made lake: PNG and SVG files of the right size, and the
spec's data values are the query's values."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import png_size, spec_rows, svg_size

from boundary_ray.charts import CHART_NAMES, build_chart, chart_kind, draw, render_chart, theme
from boundary_ray.charts.export import save
from boundary_ray.errors import BoundaryError
from boundary_ray.query import run_query

MAX_WIDTH = 7 * 72  # no chart is wider than a full page (7 in at 1 px = 1 pt)
SINGLE_COLUMN = 3.5 * 72 * 1.4  # and the small-multiple ones stay near one column


def _key(row: dict) -> str:
    """A row as text, floats to 12 significant digits: a query summed on several threads
    (maj_at_k's program) may add in another order on the next run."""
    rounded = {k: float(f"{v:.12g}") if isinstance(v, float) else v for k, v in row.items()}
    return json.dumps(rounded, sort_keys=True, default=str)


@pytest.mark.parametrize("name", CHART_NAMES)
def test_chart_exports_png_and_svg_with_the_query_values(
    name: str, full_lake: str, tmp_path
) -> None:
    chart, table = build_chart(name, full_lake)
    spec = chart.to_dict()

    plotted = spec_rows(spec)
    assert plotted, "the spec carries no inline data"
    columns = set(plotted[0])
    assert all(set(row) == columns for row in plotted)
    result = run_query(name, full_lake)
    # a chart that draws further queries beside its own (ChartKind.extras) carries their
    # columns too: its own query's columns are compared here, the others in their own tests
    own = sorted(columns & set(result.column_names)) if chart_kind(name).extras else sorted(columns)
    expected = result.select(own).to_pylist()
    plotted_own = [{c: row[c] for c in own} for row in plotted]
    assert sorted(map(_key, plotted_own)) == sorted(map(_key, expected))
    # the columns each chart needs (its module's COLUMNS) are among the plotted ones
    assert columns >= set(importlib.import_module(f"boundary_ray.charts.{name}").COLUMNS)

    svg = save(chart, str(tmp_path / f"{name}.svg"))
    png = save(chart, str(tmp_path / f"{name}.png"))
    width, height = svg_size(svg)
    assert 100 <= width <= MAX_WIDTH and 60 <= height <= 1000
    assert png_size(png) == (round(width * theme.PNG_SCALE), round(height * theme.PNG_SCALE))
    # the PNG is tagged with its print resolution (pHYs chunk, pixels per metre)
    data = Path(png).read_bytes()
    at = data.index(b"pHYs") + 4
    assert int.from_bytes(data[at : at + 4], "big") == round(theme.PNG_PPI / 0.0254)


def test_faceted_curves_fit_one_column(full_lake: str, tmp_path) -> None:
    chart, _ = build_chart("pass_at_k", full_lake)
    width, _ = svg_size(save(chart, str(tmp_path / "p.svg")))
    assert width <= SINGLE_COLUMN


def test_pass_at_k_draws_the_interval_only_when_asked(full_lake: str) -> None:
    plain, _ = build_chart("pass_at_k", full_lake)
    with_ci, table = build_chart("pass_at_k", full_lake, {"ci": "0.9", "bootstrap": "40"})

    def marks(chart) -> list[str]:
        return [layer["mark"]["type"] for layer in chart.to_dict()["spec"]["layer"]]

    assert "area" not in marks(plain)
    assert marks(with_ci)[0] == "area"
    lows = {(r["model"], r["benchmark"], r["k"]): r["ci_low"] for r in spec_rows(with_ci.to_dict())}
    assert lows == {(r["model"], r["benchmark"], r["k"]): r["ci_low"] for r in table.to_pylist()}
    assert all(v is not None for v in lows.values())


def _colours(spec: dict) -> dict[str, str]:
    """model -> colour from the first colour scale over a model field in the spec."""
    found: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            color = node.get("color")
            if (
                isinstance(color, dict)
                and color.get("field") in ("model", "rl_model")
                and "scale" in color
                and not found
            ):
                found.update(zip(color["scale"]["domain"], color["scale"]["range"], strict=True))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def test_a_model_keeps_its_colour_across_charts(full_lake: str) -> None:
    everyone = _colours(build_chart("pass_at_k", full_lake)[0].to_dict())
    assert sorted(everyone) == ["base-model", "instruct-model", "rl-model"]
    assert len(set(everyone.values())) == 3
    only_rl = _colours(build_chart("pass_at_k", full_lake, {"model": "rl-model"})[0].to_dict())
    assert only_rl == {"rl-model": everyone["rl-model"]}
    assert _colours(build_chart("accuracy_hist", full_lake)[0].to_dict()) == everyone
    assert _colours(build_chart("efficiency_gap", full_lake)[0].to_dict()) == {
        "rl-model": everyone["rl-model"]
    }


def test_render_chart_writes_pdf_and_html(full_lake: str, tmp_path) -> None:
    pdf = render_chart("efficiency_gap", full_lake, str(tmp_path / "gap.pdf"))
    assert Path(pdf).read_bytes()[:5] == b"%PDF-"
    page = render_chart("efficiency_gap", full_lake, str(tmp_path / "gap.html"))
    text = Path(page).read_text(encoding="utf-8")
    gap = run_query("efficiency_gap", full_lake).column("gap").to_pylist()
    assert "vegaEmbed" in text and all(json.dumps(value) in text for value in gap)
    assert not re.search(r'(src|href)="https?:', text)  # Vega's JavaScript is inline: offline


def test_bad_suffix_fails_before_the_query(tmp_path) -> None:
    with pytest.raises(BoundaryError, match=r"x\.jpg.*\.png, \.svg, \.pdf, \.html"):
        render_chart("pass_at_k", str(tmp_path / "no-such-lake"), str(tmp_path / "x.jpg"))


def test_unknown_chart_names_the_known_ones(full_lake: str, tmp_path) -> None:
    with pytest.raises(BoundaryError, match="unknown chart 'pass_at_1'.*pass_at_k"):
        render_chart("pass_at_1", full_lake, str(tmp_path / "x.png"))


def test_chart_without_data_is_an_error_and_writes_nothing(
    single_model_lake: str, tmp_path
) -> None:
    out = tmp_path / "ppl.png"
    with pytest.raises(BoundaryError, match="perplexity returned no rows"):
        render_chart("perplexity", single_model_lake, str(out))
    assert not out.exists()


def test_a_result_missing_a_column_is_named() -> None:
    table = pa.table({"model": ["m"], "benchmark": ["b"], "k": [1]})
    with pytest.raises(BoundaryError, match="chart pass_at_k: .*lacks column\\(s\\) pass_at_k"):
        draw("pass_at_k", table)


def test_cli_chart_verb(full_lake: str, tmp_path) -> None:
    out = tmp_path / "cov.svg"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "boundary_ray.cli",
            "chart",
            "coverage",
            "--lake",
            full_lake,
            "--out",
            str(out),
            "--param",
            "model_a=base-model",
            "--param",
            "model_b=rl-model",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert svg_size(out)[0] > 100
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "boundary_ray.cli",
            "chart",
            "nope",
            "--lake",
            full_lake,
            "--out",
            str(tmp_path / "x.png"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("boundary: error: unknown chart 'nope'")
