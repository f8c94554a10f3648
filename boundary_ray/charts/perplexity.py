"""Perplexity of each model's responses under a scorer, the paper's Figure 6.

The ``perplexity`` query gives quartiles per (scorer, model, benchmark); each is drawn as a
horizontal box (q1 to q3) with a white median tick and a black mean dot, coloured by the
model whose responses were scored. One panel per benchmark and scorer. Low perplexity under the base
model means the responses are ones the base model already samples.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, theme

COLUMNS = (
    "scorer",
    "model",
    "benchmark",
    "responses",
    "median_perplexity",
    "q1_perplexity",
    "q3_perplexity",
    "mean_perplexity",
)
BOX_STEP = 16  # px per model


def perplexity_chart(table: pa.Table, models: Sequence[str] | None = None):
    """Figure 6 from a ``perplexity`` result; rows with no scored response are not drawn."""
    import altair as alt

    data.require(table, COLUMNS, "perplexity")
    present = data.distinct(table, "model")
    domain, _, _ = colors.model_scales(present, models)
    y = alt.Y("model:N", title=None, sort=domain)
    x_title = "perplexity of the responses (log scale)"
    x_scale = alt.Scale(type="log", nice=False, padding=6)
    x_axis = alt.Axis(format="~g", tickCount=5, labelOverlap="greedy")
    tooltip = [
        alt.Tooltip(
            f"{c}:{'N' if c in ('scorer', 'model', 'benchmark') else 'Q'}",
            **({"format": ".3g"} if c.endswith("perplexity") else {}),
        )
        for c in (
            "scorer",
            "model",
            "benchmark",
            "responses",
            "skipped",
            "q1_perplexity",
            "median_perplexity",
            "q3_perplexity",
            "mean_perplexity",
        )
        if c in table.column_names
    ]
    base = alt.Chart().transform_filter("datum.responses > 0")
    boxes = base.mark_bar(size=BOX_STEP * 0.6).encode(
        y=y,
        x=alt.X("q1_perplexity:Q", title=x_title, scale=x_scale, axis=x_axis),
        x2="q3_perplexity:Q",
        color=colors.color_encoding("model", present, models, legend=False),
        tooltip=tooltip,
    )
    medians = base.mark_tick(color="white", thickness=1.5, size=BOX_STEP * 0.6).encode(
        y=y, x=alt.X("median_perplexity:Q", title=x_title, scale=x_scale, axis=x_axis)
    )
    means = base.mark_point(shape="circle", filled=True, color="black", size=12).encode(
        y=y, x=alt.X("mean_perplexity:Q", title=x_title, scale=x_scale, axis=x_axis)
    )
    panel = alt.layer(boxes, medians, means).properties(
        width=theme.SINGLE_WIDTH - 60, height=alt.Step(BOX_STEP)
    )
    chart = alt.FacetChart(
        data=data.inline(table),
        spec=panel,
        facet=alt.Facet("panel:N", title=None, sort=alt.EncodingSortField("panel")),
        columns=1,
    ).transform_calculate(panel="datum.benchmark + ' \u00b7 scored by ' + datum.scorer")
    return theme.apply(chart)
