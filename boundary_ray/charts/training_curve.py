"""Checkpoints along a training run, the paper's Figure 8 (bottom): pass@1 and pass@K per step.

x = training step; per series a solid line for pass@K and a dashed one for pass@1 (colour =
series); the base model's pass@K is a dotted grey rule with its name. One panel per benchmark.
The paper's reading: pass@1 rises with training while pass@K falls toward, or below, the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, facets, theme

COLUMNS = ("benchmark", "series", "step", "model", "k", "pass_at_1", "pass_at_k")
METRICS = ("pass@K", "pass@1")


def training_curve_chart(table: pa.Table, models: Sequence[str] | None = None):
    """Figure 8 (bottom) from a ``training_curve`` result."""
    import altair as alt

    data.require(table, COLUMNS, "training_curve")
    series = data.distinct(table, "series")
    # series are not models: they take the palette in their own (sorted) order
    color = colors.color_encoding("series", series, sorted(series), title="series")
    y = alt.Y(
        "value:Q",
        title="pass rate (% solved)",
        scale=alt.Scale(zero=True, nice=True),
        axis=alt.Axis(format=".0%", tickCount=5),
    )
    x = alt.X("step:Q", title="training step", axis=alt.Axis(format="d", tickMinStep=1))
    long = (
        alt.Chart()
        .transform_fold(["pass_at_k", "pass_at_1"], as_=["metric_column", "value"])
        .transform_calculate(
            metric="datum.metric_column == 'pass_at_1' ? 'pass@1' : 'pass@' + datum.k"
        )
    )
    dash = alt.StrokeDash(
        "metric_column:N",
        title=None,
        scale=alt.Scale(domain=["pass_at_k", "pass_at_1"], range=[[1, 0], [4, 2]]),
        legend=alt.Legend(labelExpr="datum.value == 'pass_at_1' ? 'pass@1' : 'pass@K'"),
    )
    tooltip = [
        alt.Tooltip("model:N"),
        alt.Tooltip("step:Q"),
        alt.Tooltip("metric:N"),
        alt.Tooltip("value:Q", format=".3f"),
        alt.Tooltip("problems:Q"),
    ]
    lines = long.mark_line().encode(x=x, y=y, color=color, strokeDash=dash, detail="series:N")
    points = long.mark_point(filled=True, size=18).encode(x=x, y=y, color=color, tooltip=tooltip)
    layers = [lines, points]
    if "base_pass_at_k" in table.column_names and table.column("base_pass_at_k").null_count < (
        table.num_rows
    ):
        reference = (
            alt.Chart()
            .transform_filter("datum.base_pass_at_k != null")
            .transform_aggregate(base_pass_at_k="mean(base_pass_at_k)", groupby=["base_model", "k"])
        )
        layers.append(
            reference.mark_rule(color=theme.DARK_NEUTRAL, strokeDash=[1, 2]).encode(
                y="base_pass_at_k:Q",
                tooltip=[
                    alt.Tooltip("base_model:N"),
                    alt.Tooltip("base_pass_at_k:Q", format=".3f"),
                ],
            )
        )
        layers.append(
            reference.mark_text(
                align="left",
                baseline="bottom",
                dx=2,
                dy=-1,
                fontSize=theme.FONT_SIZE - 1,
                font=theme.FONT,
                color=theme.DARK_NEUTRAL,
            )
            .encode(
                x=alt.value(0),
                y="base_pass_at_k:Q",
                text=alt.Text("label:N"),
            )
            .transform_calculate(label="'base ' + datum.base_model + ' pass@' + datum.k")
        )
    return facets.by_benchmark(table, facets.panel(*layers))
