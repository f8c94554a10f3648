"""Paper-ready charts: each one a pure function of a query's result table.

``boundary chart NAME --lake DIR --out FILE`` runs ``queries/NAME.sql`` over the lake
(``boundary_ray.query.run_query``), hands the table to the chart's function, and exports by
the file's suffix (png, svg, pdf, html, or json for the Vega-Lite spec; see ``export``). Charts plot the query's values as
they are: no metric is computed a second time here. The look lives in ``theme``; each model
keeps one colour across every chart of a lake (``colors``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from boundary_ray.errors import BoundaryError


@dataclass(frozen=True)
class ChartKind:
    """One chart: the query it plots, the function that draws it, and a caption. ``extras``
    are further queries the chart draws beside its own (run with the parameters they accept),
    handed to ``build`` as keyword arguments named by the query."""

    query: str
    build: Callable[..., Any]
    title: str
    caption: str
    extras: tuple[str, ...] = ()


def _registry() -> dict[str, ChartKind]:
    from boundary_ray.charts.accuracy_hist import accuracy_hist_chart
    from boundary_ray.charts.algorithm_comparison import algorithm_comparison_chart
    from boundary_ray.charts.boundary_by_difficulty import boundary_by_difficulty_chart
    from boundary_ray.charts.cover_at_tau import cover_at_tau_chart
    from boundary_ray.charts.coverage import coverage_chart
    from boundary_ray.charts.efficiency_gap import efficiency_gap_chart
    from boundary_ray.charts.maj_at_k import maj_at_k_chart
    from boundary_ray.charts.pass_at_k import pass_at_k_chart
    from boundary_ray.charts.pass_at_k_by_role import pass_at_k_by_role_chart
    from boundary_ray.charts.perplexity import perplexity_chart
    from boundary_ray.charts.process_pass_at_k import process_pass_at_k_chart
    from boundary_ray.charts.training_curve import training_curve_chart

    return {
        "pass_at_k": ChartKind(
            "pass_at_k",
            pass_at_k_chart,
            "pass@k curves",
            "pass@k against k (log scale), one line per model, one panel per benchmark "
            "(Figure 2 of Yue et al. 2025); with --param ci=0.95 a band shows the bootstrap "
            "interval over problems. Where a benchmark has multiple-choice problems, the dashed "
            "grey line is a uniform guesser's pass@k over the same problems (chance_at_k): the "
            "floor that picking options at random reaches.",
            extras=("chance_at_k",),
        ),
        "maj_at_k": ChartKind(
            "maj_at_k",
            maj_at_k_chart,
            "pass@k, maj@k and pass^k",
            "Per model (columns) and benchmark (rows), against k: pass@k (solid; some sample "
            "right: how far sampling more helps), maj@k (dashed; the plurality answer of k "
            "samples right) and pass^k (dotted; all k samples right: how reliable the model "
            "is). maj@k is exact over every k-subset, its answers grouped by the verifier's "
            "equivalence (answer_classes).",
            extras=("pass_at_k", "pass_hat_k"),
        ),
        "cover_at_tau": ChartKind(
            "cover_at_tau",
            cover_at_tau_chart,
            "Cover@tau",
            "Share of problems whose samples are correct at least a share tau of the time, "
            "against tau (Dragoi et al. 2025): the left end counts problems ever solved, the "
            "right end those always solved; pass@k weights this curve toward small tau.",
        ),
        "accuracy_hist": ChartKind(
            "accuracy_hist",
            accuracy_hist_chart,
            "Per-problem accuracy",
            "Share of problems per accuracy bin c/n; 0 and 1 are their own bins (Figure 5).",
        ),
        "coverage": ChartKind(
            "coverage",
            coverage_chart,
            "Coverage of a model pair",
            "Problems solved (at least one correct sample) by both models, by only one, or by "
            "neither, as a share of the problems both attempted; numbers are problem counts "
            "(Table 2).",
        ),
        "efficiency_gap": ChartKind(
            "efficiency_gap",
            efficiency_gap_chart,
            "Sampling-efficiency gap",
            "Base model pass@K (largest K its samples allow) minus RL model pass@1 "
            "(Figure 8, top).",
        ),
        "boundary_by_difficulty": ChartKind(
            "boundary_by_difficulty",
            boundary_by_difficulty_chart,
            "Boundary vs difficulty",
            "pass@1 (dashed) and pass@K (solid) against the number of operations of generated "
            "problems; a dotted rule marks the boundary (largest ops with pass@K above the "
            "threshold).",
        ),
        "process_pass_at_k": ChartKind(
            "process_pass_at_k",
            process_pass_at_k_chart,
            "Right answer or valid reasoning",
            "Synthetic problems: pass@k counting right final answers (solid) and counting only "
            "right answers whose reasoning matches the problem's gold dependency graph "
            "(process verdict valid; dashed); the shaded gap is the lucky-answer rate, right "
            "answers at k with no valid reasoning behind them (the follow-up paper's "
            "process-verified pass@k). One panel per difficulty (ops); the table also gives "
            "lucky_share, the share of the problems solved at k that were solved only by luck. "
            "`--param slice_by=band` slices by the models' ID/edge/OOD tags (id_ops, edge_ops), "
            "`slice_by=template` by story template, `slice_by=all` pools them.",
        ),
        "pass_at_k_by_role": ChartKind(
            "pass_at_k_by_role",
            pass_at_k_by_role_chart,
            "pass@k by role",
            "pass@k of base, instruct, RL and distilled models on one chart: colour = model, "
            "dash and marker = role (Figure 7).",
        ),
        "training_curve": ChartKind(
            "training_curve",
            training_curve_chart,
            "Training steps",
            "pass@1 (dashed) and pass@K (solid) of each checkpoint against its training step; "
            "the dotted rule is the base model's pass@K (Figure 8, bottom).",
        ),
        "algorithm_comparison": ChartKind(
            "algorithm_comparison",
            algorithm_comparison_chart,
            "RL algorithms",
            "pass@1 (light) and pass@K (dark) per RL algorithm (its last checkpoint); the dotted "
            "rule is the base model's pass@K; the label is the gap base pass@K − pass@1 "
            "(ΔSE), with its interval from a bootstrap over problems that resamples both "
            "models together (Figure 8, top).",
        ),
        "perplexity": ChartKind(
            "perplexity",
            perplexity_chart,
            "Perplexity of responses",
            "Perplexity of each model's responses under each scorer model: the box spans the "
            "quartiles, the white tick is the median, the dot the mean (Figure 6).",
        ),
    }


CHART_NAMES = (
    "pass_at_k",
    "maj_at_k",
    "cover_at_tau",
    "accuracy_hist",
    "coverage",
    "efficiency_gap",
    "pass_at_k_by_role",
    "training_curve",
    "algorithm_comparison",
    "boundary_by_difficulty",
    "process_pass_at_k",
    "perplexity",
)


def chart_kind(name: str) -> ChartKind:
    """The chart named ``name``; a BoundaryError listing the known names otherwise."""
    kinds = _registry()
    if name not in kinds:
        raise BoundaryError(f"unknown chart {name!r} (known: {', '.join(CHART_NAMES)})")
    return kinds[name]


def draw(
    name: str,
    table: pa.Table,
    models: list[str] | None = None,
    extras: dict[str, pa.Table] | None = None,
) -> Any:
    """The Altair chart ``name`` drawn from ``table`` (that chart's query result) and, for a
    chart with ``extras``, their results by query name."""
    if table.num_rows == 0:
        raise BoundaryError(f"chart {name}: the query {chart_kind(name).query} returned no rows")
    return chart_kind(name).build(table, models, **(extras or {}))


def extra_tables(name: str, lake: Any, params: dict[str, str] | None = None) -> dict[str, pa.Table]:
    """The results of chart ``name``'s extra queries over ``lake`` (a lake, or an open
    ``QuerySession`` over one), each run with those of ``params`` it declares (``ci`` goes to
    pass_at_k, ``model`` to every one)."""
    from boundary_ray.query import QuerySession, query_params, run_query

    tables = {}
    for query in chart_kind(name).extras:
        accepted = query_params(query)
        own = {key: value for key, value in (params or {}).items() if key in accepted}
        if isinstance(lake, QuerySession):
            tables[query] = lake.query(query, own)
        else:
            tables[query] = run_query(query, lake, own)
    return tables


def build_chart(name: str, lake: Any, params: dict[str, str] | None = None) -> tuple[Any, pa.Table]:
    """Run the chart's query over ``lake`` (a lake, or an open ``QuerySession`` over one) and
    draw it; returns ``(chart, query result)``."""
    from boundary_ray.charts.colors import lake_models
    from boundary_ray.query import QuerySession, run_query

    kind = chart_kind(name)
    source = lake  # the extra queries run where the chart's own did
    if isinstance(lake, QuerySession):
        table, lake = lake.query(kind.query, params), lake.lake
    else:
        table = run_query(kind.query, lake, params)
    if table.num_rows == 0:
        raise BoundaryError(
            f"chart {name}: the query {kind.query} returned no rows for lake {lake} "
            "(nothing to plot)"
        )
    return draw(name, table, lake_models(lake), extra_tables(name, source, params)), table


def render_chart(name: str, lake: str, out: str, params: dict[str, str] | None = None) -> str:
    """Render chart ``name`` from ``lake`` to ``out`` (png, svg, pdf or html by suffix).

    ``params`` go to the chart's query (``--param key=value``). Returns the path written.
    """
    from boundary_ray.charts.export import chart_format, save

    chart_format(out)  # a bad suffix fails before the query runs
    chart, _ = build_chart(name, lake, params)
    return save(chart, out)


__all__ = [
    "CHART_NAMES",
    "ChartKind",
    "build_chart",
    "chart_kind",
    "draw",
    "extra_tables",
    "render_chart",
]
