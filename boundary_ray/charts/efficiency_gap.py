"""The sampling-efficiency gap, the paper's Figure 8 (top): base pass@K minus RL pass@1.

One bar per RL model in each benchmark's row, coloured by the RL model, labelled with the
gap; one panel per base model. A bar right of zero means the base model, given K samples,
solves more than the RL model does in one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, theme

COLUMNS = ("benchmark", "base_model", "rl_model", "k", "base_pass_at_k", "rl_pass_at_1", "gap")
BAR_HEIGHT = 12  # px per bar


def efficiency_gap_chart(table: pa.Table, models: Sequence[str] | None = None):
    """Figure 8 (top) from an ``efficiency_gap`` result; the bars are the query's ``gap``."""
    import altair as alt

    data.require(table, COLUMNS, "efficiency_gap")
    plotted = [c for c in table.column_names if c != "rl_tags"]  # JSON tags stay in the table
    table = table.select(plotted)
    rl_models = data.distinct(table, "rl_model")
    domain, _, _ = colors.model_scales(rl_models, models)
    benchmarks = sorted(data.distinct(table, "benchmark"))
    y = alt.Y("benchmark:N", title=None, sort=benchmarks)
    y_offset = alt.YOffset("rl_model:N", sort=domain)
    x = alt.X(
        "gap:Q",
        title="base pass@K \u2212 RL pass@1 (% of problems)",
        axis=alt.Axis(format=".0%", tickCount=5),
        scale=alt.Scale(zero=True, nice=True),
    )
    tooltip = [
        alt.Tooltip(f"{c}:{t}", **({"format": ".3f"} if t == "Q" and c != "k" else {}))
        for c, t in (
            ("benchmark", "N"),
            ("base_model", "N"),
            ("rl_model", "N"),
            ("tag_value", "N"),
            ("k", "Q"),
            ("base_pass_at_k", "Q"),
            ("rl_pass_at_1", "Q"),
            ("gap", "Q"),
        )
        if c in table.column_names
    ]
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=y,
            yOffset=y_offset,
            color=colors.color_encoding("rl_model", rl_models, models),
            tooltip=tooltip,
        )
    )
    # the value right of the bar's end, or right of zero for a negative gap
    labels = (
        alt.Chart()
        .transform_calculate(label_x="max(datum.gap, 0)")
        .mark_text(
            align="left",
            dx=2,
            fontSize=theme.FONT_SIZE - 1,
            font=theme.FONT,
            color="#222222",
        )
        .encode(x="label_x:Q", y=y, yOffset=y_offset, text=alt.Text("gap:Q", format=".0%"))
    )
    zero = alt.Chart().mark_rule(color="#444444", strokeWidth=0.8).encode(x=alt.datum(0))
    panel = alt.layer(bars, labels, zero).properties(
        width=theme.SINGLE_WIDTH - 40,
        height={"step": BAR_HEIGHT, "for": "offset"},
    )
    chart = alt.FacetChart(
        data=data.inline(table),
        spec=panel,
        facet=alt.Facet(
            "base_model:N", title=None, header=alt.Header(labelExpr="'base: ' + datum.value")
        ),
        columns=1,
    )
    return theme.apply(chart)
