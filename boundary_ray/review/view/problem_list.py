"""``/problems``: one row per problem with each model's c/n, filtered, sorted and paged in SQL.

The rows come from ``problem_stats`` (``stats.py``: outcome files where fresh, sample rows
elsewhere, only the partitions of the benchmark and models asked for), pivoted to one column
group per model, joined to the problems table for the question text and the difficulty
(``ops`` in a synthetic problem's meta), and cut to one page with ``limit``/``offset``.

The accuracy bands are ``bands.py``'s (``hardest`` is ``queries/hardest_solved.sql``'s rule).
"""

from __future__ import annotations

from typing import Any

from boundary_ray.review.view import sqltext
from boundary_ray.review.view.bands import band_condition
from boundary_ray.review.view.filters import ProblemFilters
from boundary_ray.review.view.listing import LakeListing
from boundary_ray.review.view.stats import VERDICT_KINDS, labelled_problems, stats_sql
from boundary_ray.review.view.view_session import ViewSession

PER_MODEL = ("n", "c", "guesses", *VERDICT_KINDS, "fallback")
QUESTION_CHARS = 280


def _band(band: str, i: int, max_rate: float) -> str:
    return band_condition(band, f"n_{i}", f"c_{i}", max_rate)


def _any(conditions: list[str]) -> str:
    return "(" + " or ".join(f"coalesce({c}, false)" for c in conditions) + ")"


def problem_list_sql(
    vs: ViewSession, f: ProblemFilters, listing: LakeListing, local: bool
) -> tuple[str, list[str]]:
    """The page's SQL and the models it has columns for (shown ones first)."""
    needed = list(f.models)
    for extra in (f.band_model, f.solved_by, f.unsolved_by):
        if extra and extra not in needed:
            needed.append(extra)
    parts = [
        p
        for p in listing.samples_partitions()
        if p[0] in needed and (f.benchmark is None or p[1] == f.benchmark)
    ]
    labelled = labelled_problems(vs, listing, parts) if listing.has("labels") else None
    stats = stats_sql(listing, parts, local=local, ranges=vs.ranges, labelled=labelled)
    used = "problem_stats.c - problem_stats.guesses" if f.exclude_guess else "problem_stats.c"
    pivot = []
    for i, model in enumerate(needed):
        only = f"filter (where per_model.model = {sqltext.text(model)})"
        for column in PER_MODEL:
            pivot.append(f"max(per_model.{column}) {only} as {column}_{i}")
    shown = range(len(f.models))
    where = ["true"]
    if f.band:
        if f.band_model:
            where.append(
                f"coalesce({_band(f.band, needed.index(f.band_model), f.max_rate)}, false)"
            )
        else:
            where.append(_any([_band(f.band, i, f.max_rate) for i in shown]))
    if f.solved_by:
        where.append(f"coalesce(c_{needed.index(f.solved_by)} > 0, false)")
    if f.unsolved_by:
        j = needed.index(f.unsolved_by)
        where.append(f"coalesce(n_{j} > 0 and c_{j} = 0, false)")
    if f.verdict:
        where.append(_any([f"{f.verdict}_{i} > 0" for i in shown]))
    if f.fallback:
        where.append(_any([f"fallback_{i} > 0" for i in shown]))
    if f.ops:
        where.append(f"problem_texts.ops between {f.ops[0]} and {f.ops[1]}")
    if f.q:
        where.append(f"contains(lower(problem_texts.question), lower({sqltext.text(f.q)}))")
    direction = "desc" if f.desc else "asc"
    if f.sort == "ops":
        order = f"problem_texts.ops {direction} nulls last, "
    elif f.sort in needed:
        i = needed.index(f.sort)
        order = f"c_{i} / n_{i} {direction} nulls last, "
    else:
        order = ""
    order += f"problem_rows.benchmark {direction}, problem_rows.problem_id {direction}"
    benchmark = f"where problems.benchmark = {sqltext.text(f.benchmark)}" if f.benchmark else ""
    sql = f"""
with problem_stats as (
{stats}
),

per_model as (
    select
        problem_stats.model,
        problem_stats.benchmark,
        problem_stats.problem_id,
        problem_stats.n,
        {used} as c,
        problem_stats.guesses,
        problem_stats.truncated,
        problem_stats.no_answer,
        problem_stats.timeout,
        problem_stats.error,
        problem_stats.c - problem_stats.c_explicit as fallback
    from problem_stats
),

problem_rows as (
    select
        per_model.benchmark,
        per_model.problem_id,
        {", ".join(pivot)}
    from per_model
    group by per_model.benchmark, per_model.problem_id
),

problem_texts as (
    select
        problems.benchmark,
        problems.problem_id,
        problems.task,
        problems.question,
        -- meta is a JSON string; synthetic problems hold their difficulty as an integer `ops`
        try_cast(
            case when json_valid(problems.meta) then json_extract_string(problems.meta, '$.ops') end
            as integer
        ) as ops
    from problems
    {benchmark}
)

select
    problem_rows.*,
    problem_texts.task,
    left(problem_texts.question, {QUESTION_CHARS}) as question,
    length(problem_texts.question) > {QUESTION_CHARS} as question_cut,
    problem_texts.ops,
    count(*) over () as total
from problem_rows
left join problem_texts
    on problem_texts.benchmark = problem_rows.benchmark
    and problem_texts.problem_id = problem_rows.problem_id
where {" and ".join(where)}
order by {order}
limit {f.per_page} offset {(f.page - 1) * f.per_page}
"""
    return sql, needed


def problem_list(vs: ViewSession, f: ProblemFilters) -> dict[str, Any]:
    """The page's data: ``problems`` (each with ``models``: per shown model its counts),
    ``total`` matching problems, ``page``, ``pages``, ``per_page`` and ``models``."""

    def build(listing: LakeListing) -> dict[str, Any]:
        sql, needed = problem_list_sql(vs, f, listing, vs.lake.local)
        rows = vs.sql(sql).to_pylist()
        problems = []
        for row in rows:
            per_model = {}
            for i, model in enumerate(f.models):
                counts = {column: row[f"{column}_{i}"] for column in PER_MODEL}
                if counts["n"] is None:
                    continue  # no samples of this model for the problem
                counts["rate"] = counts["c"] / counts["n"] if counts["n"] else None
                per_model[model] = counts
            problems.append(
                {
                    "benchmark": row["benchmark"],
                    "problem_id": row["problem_id"],
                    "task": row["task"],
                    "question": row["question"],
                    "question_cut": bool(row["question_cut"]),
                    "ops": row["ops"],
                    "models": per_model,
                }
            )
        total = rows[0]["total"] if rows else 0
        return {
            "problems": problems,
            "total": total,
            "page": f.page,
            "per_page": f.per_page,
            "pages": max(1, -(-total // f.per_page)),
            "models": list(f.models),
            "exclude": "guess" if f.exclude_guess else None,
        }

    return vs.cached(("problems", f), lambda: vs.read(build))
