"""The Cover@tau curve (Dragoi et al. 2025): the share of problems a model solves at least a
share tau of the time, against tau; one line per model, one panel per benchmark. The left end
counts the problems ever solved (pass@k's limit), the right end those solved every time; the
area under the curve is pass@1."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, theme

COLUMNS = ("model", "benchmark", "tau", "cover")


def cover_at_tau_chart(table: pa.Table, models: Sequence[str] | None = None):
    """Cover@tau against tau from a ``cover_at_tau`` result."""
    import altair as alt

    data.require(table, COLUMNS, "cover_at_tau")
    present = data.distinct(table, "model")
    base = alt.Chart().encode(
        x=alt.X(
            "tau:Q",
            title="τ (min. share right)",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".1f", values=[0.2, 0.4, 0.6, 0.8, 1.0]),
        ),
        y=alt.Y(
            "cover:Q",
            title="problems covered (%)",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%", tickCount=5),
        ),
        color=colors.color_encoding("model", present, models),
    )
    tooltip = [
        alt.Tooltip("model:N"),
        alt.Tooltip("benchmark:N"),
        alt.Tooltip("tau:Q"),
        alt.Tooltip("cover:Q", format=".3f"),
    ]
    panel = alt.layer(
        base.mark_line().encode(detail="model:N"),
        base.mark_point().encode(
            shape=colors.shape_encoding("model", present, models), tooltip=tooltip
        ),
    ).properties(width=theme.PANEL_WIDTH, height=theme.PANEL_HEIGHT)
    benchmarks = sorted(data.distinct(table, "benchmark"))
    chart = alt.FacetChart(
        data=data.inline(table),
        spec=panel,
        facet=alt.Facet("benchmark:N", title=None, sort=benchmarks),
        columns=min(theme.COLUMNS, len(benchmarks)),
    )
    return theme.apply(chart)
