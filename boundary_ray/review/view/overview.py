"""``/``: the lake at a glance, from the same queries the CLI runs.

Runs and their state (``lake/runs.py``, the manifests: read at every visit, a running run's
heartbeat moves), models (``latest_models``), benchmarks, ``solved_summary``, labels, and
``pass_at_k`` twice: every correct sample counted, and with ``exclude=guess`` (samples whose
latest label is 'guess' count as wrong). The chart is ``charts.pass_at_k_chart`` itself,
handed to the browser as its Vega-Lite spec (``chart_spec``). Everything but the runs is kept
until the lake's listing changes.
"""

from __future__ import annotations

from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.review.view.listing import LakeListing
from boundary_ray.review.view.relations import table_relation
from boundary_ray.review.view.stats import labelled_problems, stats_sql
from boundary_ray.review.view.view_session import ViewSession


def runs(vs: ViewSession) -> list[dict[str, Any]]:
    """One row per run of the lake, newest first (``boundary runs``)."""
    from boundary_ray.lake.runs import list_runs

    rows = list_runs(vs.lake).drop_columns(["counters"]).to_pylist()
    return sorted(rows, key=lambda r: r["run_id"], reverse=True)


def _pass_rows(vs: ViewSession) -> list[dict[str, Any]]:
    """pass@k per (model, benchmark, k) with and without the samples labelled guess."""
    plain = vs.query("pass_at_k").to_pylist()
    without = {
        (r["model"], r["benchmark"], r["k"]): r["pass_at_k"]
        for r in vs.query("pass_at_k", {"exclude": "guess"}).to_pylist()
    }
    for row in plain:
        row["without_guesses"] = without.get((row["model"], row["benchmark"], row["k"]))
        for key in ("ci_low", "ci_high"):
            row.pop(key, None)
    return plain


def pass_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (model, benchmark): pass@1 and pass@K at its largest k, with and without guesses."""
    cells: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        cells.setdefault((row["model"], row["benchmark"]), []).append(row)
    table = []
    for (model, benchmark), found in sorted(cells.items()):
        found.sort(key=lambda r: r["k"])
        first, last = found[0], found[-1]
        table.append(
            {
                "model": model,
                "benchmark": benchmark,
                "problems": last["problems"],
                "k1": first["k"],
                "pass_1": first["pass_at_k"],
                "pass_1_without_guesses": first["without_guesses"],
                "k": last["k"],
                "pass_k": last["pass_at_k"],
                "pass_k_without_guesses": last["without_guesses"],
                "guess_only_problems": last["guess_only_problems"],
            }
        )
    return table


def _summary(vs: ViewSession, listing: LakeListing) -> dict[str, Any]:
    parts = listing.samples_partitions()
    labelled = labelled_problems(vs, listing, parts) if listing.has("labels") else None
    stats = stats_sql(listing, parts, local=vs.lake.local, ranges=vs.ranges, labelled=labelled)
    per_partition = vs.sql(
        f"with problem_stats as ({stats}) select problem_stats.model, problem_stats.benchmark,"
        " count(*) as problems, sum(problem_stats.n)::bigint as samples,"
        " sum(problem_stats.c)::bigint as correct, sum(problem_stats.truncated)::bigint as truncated,"
        " sum(problem_stats.guesses)::bigint as guesses"
        " from problem_stats group by all order by all"
    ).to_pylist()
    problems = table_relation(
        listing,
        "problems",
        sorted({(p["benchmark"],) for _, p in listing.files["problems"]}),
        vs.lake.local,
    )
    benchmarks = vs.sql(
        "select problems.benchmark, count(*) as problems,"
        " string_agg(distinct coalesce(problems.task, 'math'), ', ') as tasks"
        f" from {problems} as problems group by all order by all"
    ).to_pylist()
    models = vs.sql("select * from latest_models order by latest_models.model").to_pylist()
    labels = []
    if listing.has("labels"):
        every = table_relation(
            listing,
            "labels",
            sorted({(p["model"], p["benchmark"]) for _, p in listing.files["labels"]}),
            vs.lake.local,
        )
        labels = vs.sql(
            "select latest.model, latest.label, count(*) as samples from (select labels.model,"
            " labels.benchmark, labels.problem_id, labels.sample_idx,"
            f" arg_max(labels.label, labels.at) as label from {every} as labels group by all)"
            " as latest group by all order by all"
        ).to_pylist()
    try:
        solved = vs.query("solved_summary").to_pylist()
        pass_rows = _pass_rows(vs)
    except BoundaryError:
        solved, pass_rows = [], []
    return {
        "pass_table": pass_table(pass_rows),
        "partitions": per_partition,
        "benchmarks": benchmarks,
        "models": models,
        "labels": labels,
        "solved_summary": solved,
        "pass_at_k": pass_rows,
        "fresh_outcomes": len(listing.fresh_outcomes()) if vs.lake.local else 0,
    }


def overview(vs: ViewSession) -> dict[str, Any]:
    """The overview's data: ``runs``, ``partitions`` (per model and benchmark: problems,
    samples, correct, truncated, guesses), ``benchmarks``, ``models``, ``labels`` (latest label
    counts), ``solved_summary``, ``pass_at_k`` (with ``without_guesses``)."""
    data = vs.cached("overview", lambda: vs.read(lambda listing: _summary(vs, listing)))
    return {"lake": str(vs.lake), "runs": runs(vs), **data}


def chart_spec(vs: ViewSession, exclude_guess: bool = False) -> dict[str, Any]:
    """The pass@k chart's Vega-Lite spec (``charts.build_chart`` on the view's session)."""
    from boundary_ray.charts import build_chart

    params = {"exclude": "guess"} if exclude_guess else {}

    def draw() -> dict[str, Any]:
        chart, _ = vs.with_session(lambda session: build_chart("pass_at_k", session, params))
        return chart.to_dict(validate=False)  # drawn by the tested chart function

    return vs.cached(("chart", exclude_guess), draw)
