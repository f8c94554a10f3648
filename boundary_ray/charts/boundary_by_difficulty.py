"""The boundary against difficulty for ``synthetic:`` benchmarks: pass@k over ``ops``.

Two curves per model, pass@1 (dashed) and pass@K at the largest k (solid), one panel per
benchmark; a vertical tick at the model's ``boundary_ops`` (at k = K) when the query found one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, facets

COLUMNS = ("model", "benchmark", "ops", "k", "pass_at_k", "max_k")
SHOWN = "datum.k == 1 || datum.k == datum.max_k"  # the rows drawn: pass@1 and pass@K


def boundary_by_difficulty_chart(table: pa.Table, models: Sequence[str] | None = None):
    """pass@1 and pass@K against ``ops`` from a ``boundary_by_difficulty`` result."""
    import altair as alt

    data.require(table, COLUMNS, "boundary_by_difficulty")
    present = data.distinct(table, "model")
    color = colors.color_encoding("model", present, models)
    # one tick per difficulty present; every layer gets the same axis (a layer without it
    # would let Vega-Lite put ticks at 1.5, 2.5 ..., printed as "2", "3" twice)
    axis = alt.Axis(values=sorted(data.distinct(table, "ops")), format="d")
    scale = alt.Scale(zero=False, nice=False)
    x = alt.X("ops:Q", title="difficulty (arithmetic operations)", axis=axis, scale=scale)
    base = (
        alt.Chart()
        .transform_filter(SHOWN)
        .transform_calculate(curve="datum.k == 1 ? 'pass@1' : 'pass@' + datum.k")
    )
    lines = base.mark_line().encode(
        x=x,
        y=alt.Y(
            "pass_at_k:Q",
            title="pass@k (% solved)",
            axis=alt.Axis(format=".0%", tickCount=5),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=color,
        strokeDash=alt.StrokeDash(
            "curve:N",
            title=None,
            sort=alt.EncodingSortField("k", order="descending"),
            legend=alt.Legend(
                symbolType="stroke", symbolStrokeColor="#444444", symbolSize=200, columns=1
            ),
        ),
        detail="k:Q",
        tooltip=[
            alt.Tooltip("model:N"),
            alt.Tooltip("ops:Q"),
            alt.Tooltip("k:Q"),
            alt.Tooltip("pass_at_k:Q", format=".3f"),
            alt.Tooltip("problems:Q"),
        ],
    )
    layers = [lines, lines.mark_point(size=14, filled=True)]
    if (
        "boundary_ops" in table.column_names
        and table.column("boundary_ops").null_count < table.num_rows
    ):
        # one tick per model at its boundary (k = K rows at the boundary's own ops)
        layers.append(
            alt.Chart()
            .transform_filter("datum.k == datum.max_k && datum.ops == datum.boundary_ops")
            .mark_rule(strokeWidth=1, strokeDash=[1, 2])
            .encode(x=alt.X("boundary_ops:Q", axis=axis, scale=scale), color=color)
        )
    return facets.by_benchmark(table, facets.panel(*layers))
