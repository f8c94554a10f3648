"""Per-problem accuracy histogram, the paper's Figure 5: share of problems per accuracy bin.

Bins are the query's (``0``, ``(0, 0.1)``, ``[0.1, 0.2)`` ... ``[0.9, 1)``, ``1``) in
``bin_index`` order; one bar per model in each bin, one panel per benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, facets, theme

COLUMNS = ("model", "benchmark", "bin_index", "bin", "problems", "fraction")
WIDTH = 2 * theme.PANEL_WIDTH  # 12 bins of grouped bars need a wider panel than a line chart

# short tick labels for the query's bin names: '[0.1, 0.2)' -> '.1', '(0, 0.1)' -> '>0'
SHORT_LABEL = (
    "datum.value == '0' ? '0' : datum.value == '1' ? '1' : "
    "datum.value == '(0, 0.1)' ? '>0' : replace(slice(datum.value, 1, 4), '0.', '.')"
)


def accuracy_hist_chart(table: pa.Table, models: Sequence[str] | None = None):
    """Figure 5 from an ``accuracy_hist`` result (y = the query's ``fraction`` of problems)."""
    import altair as alt

    data.require(table, COLUMNS, "accuracy_hist")
    present = data.distinct(table, "model")
    domain, _, _ = colors.model_scales(present, models)
    bins = [
        b
        for _, b in sorted(
            set(
                zip(
                    table.column("bin_index").to_pylist(),
                    table.column("bin").to_pylist(),
                    strict=True,
                )
            )
        )
    ]
    panel = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X(
                "bin:N",
                sort=bins,
                title="per-problem accuracy c / n (bin start)",
                axis=alt.Axis(labelAngle=0, labelExpr=SHORT_LABEL, ticks=False),
            ),
            xOffset=alt.XOffset("model:N", sort=domain, scale=alt.Scale(paddingOuter=0.15)),
            y=alt.Y(
                "fraction:Q",
                title="share of problems (%)",
                axis=alt.Axis(format=".0%", tickCount=4),
            ),
            color=colors.color_encoding("model", present, models),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("benchmark:N"),
                alt.Tooltip("bin:N"),
                alt.Tooltip("problems:Q"),
                alt.Tooltip("fraction:Q", format=".1%"),
            ],
        )
        .properties(width=WIDTH, height=theme.PANEL_HEIGHT)
    )
    return facets.by_benchmark(table, panel, columns=1)
