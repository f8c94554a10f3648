"""pass@k, maj@k and pass^k against k in one panel per model and benchmark: how far sampling
more helps (pass@k), what a vote over k samples gets right (maj@k), and how reliably the model
solves what it solves (pass^k, every one of k samples right).

The data is the ``maj_at_k`` result with the ``pass_at_k`` and ``pass_hat_k`` results of the
same (model, benchmark, k) beside it (the three queries share pass_at_k's k grid); the chart
folds the three columns into lines, solid, dashed and dotted, in the model's own colour.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, theme
from boundary_ray.charts.pass_at_k import k_ticks

COLUMNS = ("model", "benchmark", "k", "maj_at_k")
KEY = ("model", "benchmark", "k")
# column -> (legend label, dash pattern): solid for the boundary, dashed and dotted below it
ESTIMATORS = {
    "pass_at_k": ("pass@k (any right)", []),
    "maj_at_k": ("maj@k (vote right)", [5, 2]),
    "pass_hat_k": ("pass^k (all right)", [1, 2]),
}
PANEL_COLUMNS = 3


def with_estimators(
    table: pa.Table, pass_at_k: pa.Table | None, pass_hat_k: pa.Table | None
) -> pa.Table:
    """``table`` (maj_at_k rows) with the ``pass_at_k`` and ``pass_hat_k`` of each row's key;
    a column whose query is missing is left out."""
    keys = list(zip(*(table.column(c).to_pylist() for c in KEY), strict=True))
    for column, other in (("pass_at_k", pass_at_k), ("pass_hat_k", pass_hat_k)):
        if other is None or column not in other.column_names:
            continue
        found = dict(
            zip(
                zip(*(other.column(c).to_pylist() for c in KEY), strict=True),
                other.column(column).to_pylist(),
                strict=True,
            )
        )
        table = table.append_column(column, pa.array([found.get(k) for k in keys], pa.float64()))
    return table


def maj_at_k_chart(
    table: pa.Table,
    models: Sequence[str] | None = None,
    pass_at_k: pa.Table | None = None,
    pass_hat_k: pa.Table | None = None,
):
    """The three estimators against k (log scale) from a ``maj_at_k`` result and, beside it,
    the ``pass_at_k`` and ``pass_hat_k`` results; one panel per (model, benchmark)."""
    import altair as alt

    data.require(table, COLUMNS, "maj_at_k")
    table = with_estimators(table, pass_at_k, pass_hat_k)
    shown = [c for c in ESTIMATORS if c in table.column_names]
    labels = [ESTIMATORS[c][0] for c in shown]
    present = data.distinct(table, "model")
    order = [m for m in colors.model_order(present, models) if m in present]
    ks = [int(k) for k in data.distinct(table, "k")]
    label_of = " : ".join(f"datum.estimator == '{c}' ? '{ESTIMATORS[c][0]}'" for c in shown)
    panel = (
        alt.Chart()
        .transform_fold(shown, as_=["estimator", "value"])
        .transform_calculate(label=f"{label_of} : datum.estimator")
        .encode(
            x=alt.X(
                "k:Q",
                title="k (samples, log scale)",
                scale=alt.Scale(type="log", base=2, domain=[min(ks), max(ks)], nice=False),
                axis=alt.Axis(values=k_ticks(ks, 4), format="d", grid=True),
            ),
            y=alt.Y(
                "value:Q",
                title="share of problems (%)",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%", tickCount=5),
            ),
            color=colors.color_encoding("model", present, models, legend=False),
            strokeDash=alt.StrokeDash(
                "label:N",
                title=None,
                sort=labels,
                scale=alt.Scale(domain=labels, range=[ESTIMATORS[c][1] for c in shown]),
                legend=alt.Legend(
                    symbolStrokeColor=theme.DARK_NEUTRAL,
                    symbolType="stroke",
                    symbolSize=240,
                    symbolStrokeWidth=1.6,
                ),
            ),
            detail="estimator:N",
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("benchmark:N"),
                alt.Tooltip("k:Q"),
                alt.Tooltip("label:N", title="estimator"),
                alt.Tooltip("value:Q", format=".4f"),
            ],
        )
        .mark_line(point=alt.OverlayMarkDef(size=12, filled=True))
        .properties(width=theme.PANEL_WIDTH, height=theme.PANEL_HEIGHT)
    )
    benchmarks = sorted(data.distinct(table, "benchmark"))
    panels = [f"{m} · {b}" for m in order for b in benchmarks]
    chart = alt.FacetChart(
        data=data.inline(table),
        spec=panel.transform_calculate(panel="datum.model + ' · ' + datum.benchmark"),
        facet=alt.Facet("panel:N", title=None, sort=panels),
        columns=min(PANEL_COLUMNS, len(panels)),
    )
    return theme.apply(chart)
