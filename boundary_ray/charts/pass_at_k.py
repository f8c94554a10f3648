"""pass@k curves, the paper's Figure 2: k on a log2 axis, a line per model, a panel per benchmark."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, facets, theme

Y_TITLE = "pass@k (% solved)"
CHANCE = "chance_pass_at_k"  # chance_at_k's column: a uniform guesser's pass@k
CHANCE_LABEL = "uniform guess (multiple choice)"
COLUMNS = ("model", "benchmark", "k", "pass_at_k")
TOOLTIP = (
    ("model", "N"),
    ("benchmark", "N"),
    ("k", "Q"),
    ("pass_at_k", "Q"),
    ("problems", "Q"),
    ("ci_low", "Q"),
    ("ci_high", "Q"),
)


def k_ticks(ks: Sequence[int], most: int = 6) -> list[int]:
    """Tick values for the k axis: the powers of two present, thinned to at most ``most``."""
    ks = sorted(k for k in set(ks) if k > 0 and k & (k - 1) == 0)
    step = max(1, -(-len(ks) // most))  # ceil(len / most)
    return ks[::step]


def k_encoding(table: pa.Table):
    """The x of a pass@k curve: ``k`` on a log2 axis over the table's ks, ticks at powers of two."""
    import altair as alt

    ks = [int(k) for k in data.distinct(table, "k")]
    return alt.X(
        "k:Q",
        title="k (samples, log scale)",
        scale=alt.Scale(type="log", base=2, domain=[min(ks), max(ks)], nice=False),
        axis=alt.Axis(values=k_ticks(ks), format="d", grid=True),
    )


def pass_at_k_encoding():
    """The y of a pass@k curve: ``pass_at_k`` as a share of problems, from zero."""
    import altair as alt

    return alt.Y(
        "pass_at_k:Q",
        title=Y_TITLE,
        scale=alt.Scale(zero=True, nice=True),
        axis=alt.Axis(format=".0%", tickCount=5),
    )


def pass_at_k_chart(
    table: pa.Table, models: Sequence[str] | None = None, chance_at_k: pa.Table | None = None
):
    """Figure 2 from a ``pass_at_k`` result; a CI band when ``ci_low``/``ci_high`` are present.

    ``models`` is the lake's model order (for stable colours); default: the table's models.
    ``chance_at_k`` (that query's result): where a benchmark has multiple-choice problems, a
    dashed grey line gives a uniform guesser's pass@k over all of its problems.
    """
    import altair as alt

    data.require(table, COLUMNS, "pass_at_k")
    table = with_chance(table, chance_at_k)
    present = data.distinct(table, "model")
    x, y = k_encoding(table), pass_at_k_encoding()
    color = colors.color_encoding("model", present, models)
    shape = colors.shape_encoding("model", present, models)
    tooltip = [alt.Tooltip(f"{c}:{t}") for c, t in TOOLTIP if c in table.column_names]
    base = alt.Chart().encode(x=x, color=color)
    layers = []
    if has_interval(table):
        layers.append(
            base.mark_area(opacity=0.18, line=False).encode(
                y=alt.Y("ci_low:Q", title=Y_TITLE), y2="ci_high:Q"
            )
        )
    if CHANCE in table.column_names:
        layers.append(  # not in the model's colour: the guesser is no model
            alt.Chart()
            .mark_line(color=theme.DARK_NEUTRAL, strokeWidth=1)
            .encode(
                x=x,
                y=alt.Y(f"{CHANCE}:Q", title=Y_TITLE),
                detail="model:N",
                strokeDash=alt.StrokeDash(
                    "chance:N",
                    title=None,
                    scale=alt.Scale(domain=[CHANCE_LABEL], range=[[3, 2]]),
                    legend=alt.Legend(symbolStrokeColor=theme.DARK_NEUTRAL),
                ),
            )
        )
    layers.append(base.mark_line().encode(y=y, detail="model:N"))
    layers.append(base.mark_point().encode(y=y, shape=shape, tooltip=tooltip))
    return facets.by_benchmark(table, facets.panel(*layers))


def with_chance(table: pa.Table, chance_at_k: pa.Table | None) -> pa.Table:
    """``table`` with the guesser's pass@k of each (model, benchmark, k) as ``chance_pass_at_k``
    (and a ``chance`` label for the legend) when some benchmark has multiple-choice problems;
    unchanged otherwise. Benchmarks without any have null there: no line."""
    if chance_at_k is None or chance_at_k.num_rows == 0:
        return table
    rows = chance_at_k.to_pylist()
    choice = {(r["model"], r["benchmark"]) for r in rows if r["question_type"] == "multi_choice"}
    if not choice:
        return table
    floor = {
        (r["model"], r["benchmark"], r["k"]): r["chance_pass_at_k"]
        for r in rows
        if r["question_type"] == "all" and (r["model"], r["benchmark"]) in choice
    }
    keys = zip(*(table.column(c).to_pylist() for c in ("model", "benchmark", "k")), strict=True)
    values = [floor.get(key) for key in keys]
    table = table.append_column(CHANCE, pa.array(values, pa.float64()))
    labels = [None if v is None else CHANCE_LABEL for v in values]
    return table.append_column("chance", pa.array(labels, pa.string()))


def has_interval(table: pa.Table) -> bool:
    """True when the result carries a confidence interval (``--param ci=0.95``)."""
    return all(
        c in table.column_names and table.column(c).null_count < table.num_rows
        for c in ("ci_low", "ci_high")
    )
