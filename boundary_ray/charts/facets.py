"""Small multiples: a chart's layers as one panel, drawn once per benchmark.

Every chart with a panel per benchmark lays it out here, so the panels sort, wrap and carry
the theme the same way in each (``theme`` holds the sizes and the wrap).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from boundary_ray.charts import data, theme


def panel(*layers: Any) -> Any:
    """``layers`` drawn over each other at the theme's panel size."""
    import altair as alt

    return alt.layer(*layers).properties(width=theme.PANEL_WIDTH, height=theme.PANEL_HEIGHT)


def by_benchmark(table: pa.Table, spec: Any, columns: int | None = None) -> Any:
    """``spec`` (one panel) once per benchmark of ``table``, benchmarks in sorted order and the
    table's rows as the chart's inline data; the panels wrap after ``columns`` (default the
    theme's ``COLUMNS``, or fewer when there are fewer benchmarks). Returns the themed chart."""
    import altair as alt

    benchmarks = sorted(data.distinct(table, "benchmark"))
    chart = alt.FacetChart(
        data=data.inline(table),
        spec=spec,
        facet=alt.Facet("benchmark:N", title=None, sort=benchmarks),
        columns=columns or min(theme.COLUMNS, len(benchmarks)),
    )
    return theme.apply(chart)
