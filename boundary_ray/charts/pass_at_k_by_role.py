"""Base, instruct, RL and distilled models on one pass@k chart, the paper's Figure 7.

Each model keeps its colour (``colors``); its role sets the line's dash and the marker
(base solid circles, rl dashed squares, distilled dash-dot diamonds, instruct dotted
triangles), so the legend reads by role as well as by model. One panel per benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray.charts import colors, data, facets
from boundary_ray.charts.pass_at_k import k_encoding, pass_at_k_encoding

COLUMNS = ("model", "role", "benchmark", "k", "pass_at_k")
ROLES = ("base", "instruct", "rl", "distilled", "unknown")
ROLE_DASH = ([1, 0], [1, 2], [5, 2], [6, 2, 1, 2], [2, 2])
ROLE_SHAPE = ("circle", "triangle-up", "square", "diamond", "cross")


def pass_at_k_by_role_chart(table: pa.Table, models: Sequence[str] | None = None):
    """Figure 7 from a ``pass_at_k_by_role`` result."""
    import altair as alt

    data.require(table, COLUMNS, "pass_at_k_by_role")
    present = data.distinct(table, "model")
    x, y = k_encoding(table), pass_at_k_encoding()
    color = colors.color_encoding("model", present, models, title="model")
    present_roles = {role or "unknown" for role in table.column("role").to_pylist()}
    shown = [i for i, role in enumerate(ROLES) if role in present_roles]  # legend: roles present
    role_scale = {"domain": [ROLES[i] for i in shown]}
    base = alt.Chart().transform_calculate(role_shown="datum.role || 'unknown'")
    lines = base.mark_line().encode(
        x=x,
        y=y,
        color=color,
        detail="model:N",
        strokeDash=alt.StrokeDash(
            "role_shown:N",
            title="role",
            scale=alt.Scale(**role_scale, range=[ROLE_DASH[i] for i in shown]),
        ),
    )
    points = base.mark_point(filled=True, size=22).encode(
        x=x,
        y=y,
        color=color,
        shape=alt.Shape(
            "role_shown:N",
            title="role",
            scale=alt.Scale(**role_scale, range=[ROLE_SHAPE[i] for i in shown]),
        ),
        tooltip=[
            alt.Tooltip("model:N"),
            alt.Tooltip("role:N"),
            alt.Tooltip("k:Q"),
            alt.Tooltip("pass_at_k:Q", format=".3f"),
            alt.Tooltip("problems:Q"),
        ],
    )
    return facets.by_benchmark(table, facets.panel(lines, points))
