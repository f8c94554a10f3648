"""Coverage cells for a model pair, the paper's Table 2 as a chart.

One horizontal bar per benchmark, split into the four cells of the ``coverage`` query:
solved by both, only by A, only by B, by neither (share of the problems both attempted).
"Only A" and "only B" take the models' stable colours; "both" and "neither" are greys. Each
model pair is its own panel (stacked vertically), so the colours always mean one model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, theme

COLUMNS = ("benchmark", "model_a", "model_b", "cell", "problems", "fraction")
CELLS = ("both", "only_a", "only_b", "neither")
BAR_HEIGHT = 16  # px per benchmark
MIN_LABELLED = 0.06  # cells narrower than this share carry no count label


def coverage_chart(table: pa.Table, models: Sequence[str] | None = None):
    """The ``coverage`` result as stacked bars; one panel per (model_a, model_b) pair."""
    import altair as alt

    data.require(table, COLUMNS, "coverage")
    plotted = [c for c in table.column_names if c != "problem_ids"]  # ids stay in the table
    table = table.select(plotted)
    pairs = list(
        dict.fromkeys(
            zip(
                table.column("model_a").to_pylist(),
                table.column("model_b").to_pylist(),
                strict=True,
            )
        )
    )
    panels = [_pair_panel(table, a, b, models) for a, b in pairs]
    chart = (
        panels[0] if len(panels) == 1 else alt.vconcat(*panels).resolve_scale(color="independent")
    )
    return theme.apply(chart)


def _pair_panel(table: pa.Table, model_a: str, model_b: str, models: Sequence[str] | None):
    import altair as alt
    import pyarrow.compute as pc

    rows = table.filter(
        pc.and_(
            pc.equal(table.column("model_a"), model_a), pc.equal(table.column("model_b"), model_b)
        )
    )
    domain, model_colours, _ = colors.model_scales([model_a, model_b], models)
    by_model = dict(zip(domain, model_colours, strict=True))
    palette = [theme.DARK_NEUTRAL, by_model[model_a], by_model[model_b], theme.NEUTRAL]
    names = {
        "both": "both",
        "only_a": f"only {model_a}",
        "only_b": f"only {model_b}",
        "neither": "neither",
    }
    label_expr = " : ".join(
        f"datum.value == '{cell}' ? {json.dumps(name)}" for cell, name in names.items()
    )
    benchmarks = sorted(data.distinct(rows, "benchmark"))
    y = alt.Y("benchmark:N", title=None, sort=benchmarks)
    base = (
        alt.Chart(
            data.inline(rows), title=alt.Title(f"{model_a} vs {model_b}", fontSize=theme.TITLE_SIZE)
        )
        .transform_calculate(cell_order=f"indexof({list(CELLS)!r}, datum.cell)")
        .transform_stack(
            stack="fraction",
            groupby=["benchmark"],
            as_=["left", "right"],
            sort=[alt.SortField("cell_order")],
        )
        .transform_calculate(middle="(datum.left + datum.right) / 2")
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "left:Q",
            title="problems (% of those both attempted)",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%", tickCount=5),
        ),
        x2="right:Q",
        y=y,
        color=alt.Color(
            "cell:N",
            title=None,
            scale=alt.Scale(domain=list(CELLS), range=palette),
            legend=alt.Legend(labelExpr=f"{label_expr} : datum.value", columns=2),
        ),
        tooltip=[
            alt.Tooltip("benchmark:N"),
            alt.Tooltip("cell:N"),
            alt.Tooltip("problems:Q"),
            alt.Tooltip("fraction:Q", format=".1%"),
        ],
    )
    # the count of problems in each cell wide enough to hold it (Table 2's numbers)
    counts = (
        base.transform_filter(f"datum.fraction >= {MIN_LABELLED}")
        .mark_text(fontSize=theme.FONT_SIZE - 1, font=theme.FONT)
        .encode(
            x="middle:Q",
            y=y,
            text=alt.Text("problems:Q"),
            color=alt.condition(
                "datum.cell == 'neither'", alt.value("#222222"), alt.value("white")
            ),
        )
    )
    return alt.layer(bars, counts).properties(width=theme.SINGLE_WIDTH, height=alt.Step(BAR_HEIGHT))
