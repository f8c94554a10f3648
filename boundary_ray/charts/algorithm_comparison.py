"""RL algorithms from one base, the paper's Figure 8 (top): pass@1 and pass@K per algorithm.

Per benchmark panel, one group per algorithm: a light bar for pass@1 and a dark bar for pass@K;
a dotted rule at the base model's pass@K; the label above each group is the gap
base pass@K - pass@1 (Delta_SE), with its paired interval when the query computed one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import data, facets, theme

COLUMNS = (
    "benchmark",
    "algorithm",
    "model",
    "k",
    "pass_at_1",
    "pass_at_k",
    "base_pass_at_k",
    "gap",
)
BAR_COLOURS = ("#9ecae1", "#08519c")  # pass@1 light, pass@K dark


def algorithm_comparison_chart(table: pa.Table, models: Sequence[str] | None = None):
    """Figure 8 (top) from an ``algorithm_comparison`` result."""
    import altair as alt

    data.require(table, COLUMNS, "algorithm_comparison")
    algorithms = sorted(data.distinct(table, "algorithm"))
    x = alt.X("algorithm:N", title=None, sort=algorithms, axis=alt.Axis(labelAngle=0))
    y_title = "pass rate (% solved)"
    bars = (
        alt.Chart()
        .transform_fold(["pass_at_1", "pass_at_k"], as_=["metric", "value"])
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("metric:N", sort=["pass_at_1", "pass_at_k"]),
            y=alt.Y(
                "value:Q",
                title=y_title,
                axis=alt.Axis(format=".0%", tickCount=5),
                scale=alt.Scale(zero=True, domain=[0, 1]),
            ),
            color=alt.Color(
                "metric:N",
                title=None,
                scale=alt.Scale(domain=["pass_at_1", "pass_at_k"], range=list(BAR_COLOURS)),
                legend=alt.Legend(labelExpr="datum.value == 'pass_at_1' ? 'pass@1' : 'pass@K'"),
            ),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("k:Q"),
                alt.Tooltip("value:Q", format=".3f"),
                alt.Tooltip("problems:Q"),
            ],
        )
    )
    rule = (
        alt.Chart()
        .transform_filter("datum.base_pass_at_k != null")
        .transform_aggregate(base_pass_at_k="mean(base_pass_at_k)", groupby=["base_model"])
        .mark_rule(color=theme.DARK_NEUTRAL, strokeDash=[1, 2])
        .encode(
            y="base_pass_at_k:Q",
            tooltip=[alt.Tooltip("base_model:N"), alt.Tooltip("base_pass_at_k:Q", format=".3f")],
        )
    )
    has_ci = "gap_ci_low" in table.column_names and table.column("gap_ci_low").null_count < (
        table.num_rows
    )
    label = (
        "'\u0394 ' + format(datum.gap, '.0%') + ' [' + format(datum.gap_ci_low, '.0%') + ', '"
        " + format(datum.gap_ci_high, '.0%') + ']'"
        if has_ci
        else "'\u0394 ' + format(datum.gap, '.0%')"
    )
    labels = (
        alt.Chart()
        .transform_filter("datum.gap != null")
        .transform_calculate(label=label, top="max(datum.pass_at_1, datum.pass_at_k)")
        .mark_text(
            baseline="bottom", dy=-2, fontSize=theme.FONT_SIZE - 1, font=theme.FONT, color="#222222"
        )
        .encode(x=x, y="top:Q", text="label:N")
    )
    panel = alt.layer(bars, rule, labels).properties(
        width={"step": 44 if has_ci else 32}, height=theme.PANEL_HEIGHT + 20
    )
    return facets.by_benchmark(table, panel)
