"""A stable colour and marker per model, the same in every chart of a lake.

The lake's models, sorted by name, take the palette in order: model ``i`` always gets colour
``PALETTE[i % 8]`` and shape ``SHAPES[i % 8]``, whichever subset of models a chart shows. A
chart's legend lists only the models it plots.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from boundary_ray.charts import theme


def lake_models(lake: str) -> list[str]:
    """Every model name that the lake holds samples or scores for (scorers too), sorted.

    Read from the Hive partition folders (``samples/model=*``, ``scores/scorer=*/model=*``),
    so no Parquet file is opened.
    """
    from boundary_ray.lake.reader import partition_values

    names = {p["model"] for p in partition_values(lake, "samples")}
    for p in partition_values(lake, "scores"):
        names |= {p["scorer"], p["model"]}
    return sorted(names)


def model_order(present: Iterable[str], lake_order: Sequence[str] | None) -> list[str]:
    """The lake's model order extended by any model missing from it (sorted, at the end)."""
    order = list(lake_order or [])
    extra = sorted(set(present) - set(order))
    return order + extra


def model_scales(
    present: Iterable[str], lake_order: Sequence[str] | None
) -> tuple[list, list, list]:
    """``(domain, colours, shapes)`` for the models in ``present``, in the lake's order."""
    present = set(present)
    order = model_order(present, lake_order)
    domain = [m for m in order if m in present]
    colours = [theme.PALETTE[order.index(m) % len(theme.PALETTE)] for m in domain]
    shapes = [theme.SHAPES[order.index(m) % len(theme.SHAPES)] for m in domain]
    return domain, colours, shapes


def color_encoding(
    field: str,
    present: Iterable[str],
    lake_order: Sequence[str] | None,
    title: str | None = None,
    legend: bool = True,
):
    """An Altair colour channel for a model-valued ``field`` with the model's stable colour."""
    import altair as alt

    domain, colours, _ = model_scales(present, lake_order)
    extra = {} if legend else {"legend": None}
    return alt.Color(
        f"{field}:N",
        title=title,
        scale=alt.Scale(domain=domain, range=colours),
        sort=domain,
        **extra,
    )


def shape_encoding(
    field: str, present: Iterable[str], lake_order: Sequence[str] | None, title: str | None = None
):
    """An Altair shape channel giving each model its stable marker (merges with the colour legend)."""
    import altair as alt

    domain, _, shapes = model_scales(present, lake_order)
    return alt.Shape(
        f"{field}:N", title=title, scale=alt.Scale(domain=domain, range=shapes), sort=domain
    )
