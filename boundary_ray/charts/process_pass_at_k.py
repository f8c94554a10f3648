"""Was it reasoning or a guess? Answer pass@k (solid) and process pass@k (dashed) against k for
the synthetic problems, with the gap between them shaded: the lucky-answer rate at each k."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, theme
from boundary_ray.charts.pass_at_k import k_ticks

COLUMNS = (
    "model",
    "benchmark",
    "slice",
    "k",
    "answer_pass_at_k",
    "process_pass_at_k",
    "lucky_at_k",
)
NOTIONS = {"answer_pass_at_k": "answer right", "process_pass_at_k": "reasoning valid"}


def process_pass_at_k_chart(table: pa.Table, models: Sequence[str] | None = None):
    """The chart from a ``process_pass_at_k`` result: one panel per benchmark (and slice, when
    the result is sliced), a colour per model, the shaded band = lucky_at_k."""
    import altair as alt

    data.require(table, COLUMNS, "process_pass_at_k")
    present = data.distinct(table, "model")
    ks = [int(k) for k in data.distinct(table, "k")]
    slices = data.distinct(table, "slice")
    x = alt.X(
        "k:Q",
        title="k (samples, log scale)",
        scale=alt.Scale(type="log", base=2, domain=[min(ks), max(ks)], nice=False),
        axis=alt.Axis(values=k_ticks(ks), format="d", grid=True),
    )
    percent = alt.Axis(format=".0%", tickCount=5)
    color = colors.color_encoding("model", present, models)
    tooltip = [
        alt.Tooltip(f"{c}:{'Q' if c not in ('model', 'benchmark', 'slice') else 'N'}")
        for c in (*COLUMNS, "lucky_share", "problems")
        if c in table.column_names
    ]
    base = alt.Chart().encode(x=x, color=color)
    band = base.mark_area(opacity=0.2, line=False).encode(
        y=alt.Y("process_pass_at_k:Q", title="pass@k (% solved)", axis=percent),
        y2="answer_pass_at_k:Q",
        tooltip=tooltip,
    )
    lines = (
        base.transform_fold(list(NOTIONS), as_=["notion", "value"])
        .transform_calculate(notion=_label_expression())
        .mark_line(point=True)
        .encode(
            y=alt.Y("value:Q", title="pass@k (% solved)", axis=percent, scale=alt.Scale(zero=True)),
            strokeDash=alt.StrokeDash(
                "notion:N",
                title=None,
                sort=list(NOTIONS.values()),
                scale=alt.Scale(domain=list(NOTIONS.values()), range=[[1, 0], [4, 3]]),
            ),
            detail="model:N",
            tooltip=tooltip,
        )
    )
    panel = alt.layer(band, lines).properties(width=theme.PANEL_WIDTH, height=theme.PANEL_HEIGHT)
    facet_by = "benchmark" if len(slices) <= 1 else "panel"
    chart = alt.FacetChart(
        data=data.inline(table),
        spec=panel,
        facet=alt.Facet(f"{facet_by}:N", title=None),
        columns=theme.COLUMNS,
    )
    if facet_by == "panel":
        chart = chart.transform_calculate(panel="datum.benchmark + ' · ' + datum.slice")
    return theme.apply(chart)


def _label_expression() -> str:
    """Vega expression: the folded column name -> its legend label."""
    parts = [f"datum.notion == '{key}' ? '{label}'" for key, label in NOTIONS.items()]
    return " : ".join(parts) + " : datum.notion"
