"""Per-problem outcomes kept beside the samples, so aggregate queries never read sample rows.

A lake from a real study holds hundreds of millions of samples, but pass@k, coverage, the
accuracy histogram and the efficiency gap need only ``(n, c)`` per problem. ``outcomes/`` holds
those counts: one file per samples partition (``outcomes/model=m/benchmark=b/``), computed by
the same ``problem_outcomes`` view that the queries use (``queries/views.sql``), so the two
paths cannot disagree, once for each notion of correct a query may ask for.

The table is a cache, never the truth (``lake/caches.py``). Its file is named by a fingerprint
of the partition's sample files (name, size, modification time): a run that adds or replaces
sample files changes the fingerprint, and a query uses the outcomes only while every
partition's fingerprint still matches (else it reads the samples, as before). Nothing can leave it
inconsistent: a run killed before its refresh leaves a stale fingerprint, which is ignored
and rebuilt by the next refresh (``boundary run`` refreshes when it finishes;
``boundary lake outcomes --lake DIR`` does it by hand).

Human labels and re-computed process verdicts change what counts as correct without touching
sample files; while a lake has either, queries read the samples.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.lake.caches import fresh_cache_files, refresh_cache
from boundary_ray.lake.reader import list_files
from boundary_ray.query.views import create_views_over

# the notions of correct the cache holds: (params of problem_outcomes, columns they fill)
NOTIONS = (
    ({"answers": "all"}, {"c_answer": "c_answer", "c_process": "c_process"}),
    ({"answers": "explicit"}, {"c_answer": "c_answer_explicit", "c_process": "c_process_explicit"}),
)
# tables whose rows change what counts as correct without changing sample files
SAMPLE_LEVEL_ONLY = ("labels", "process")


def fresh_outcome_files(lake: str) -> list[str] | None:
    """The outcome file of every samples partition, or None when any is missing or stale
    (or the lake has labels or re-computed process verdicts: then only samples answer).
    One listing of each table (samples, outcomes), however many partitions the lake has."""
    if any(list_files(lake, table) for table in SAMPLE_LEVEL_ONLY):
        return None
    fresh, stale = fresh_cache_files(lake, "outcomes")
    return None if stale else fresh or None


def refresh_outcomes(lake: str, models: list[str] | None = None) -> dict[str, int]:
    """Rebuild the outcomes of every partition whose sample files changed (only ``models``,
    when given); remove the stale files. Returns counts: partitions rebuilt, kept, removed."""
    return refresh_cache(lake, "outcomes", lambda part, _: _compute(lake, part), models)


def outcome_columns(values: dict[str, Any]) -> str | None:
    """The select list that turns the outcomes table into ``problem_outcomes`` under the
    query's parameters, or None when they ask for something only samples answer."""
    answers = values.get("answers") or "all"
    correct = values.get("correct") or "answer"
    if values.get("exclude") or answers not in ("all", "explicit"):
        return None
    if correct not in ("answer", "process"):
        return None
    suffix = "_explicit" if answers == "explicit" else ""
    return (
        "model, benchmark, problem_id, n, "
        f"c_{correct}{suffix} as c, 0::bigint as guesses, false as guess_only, "
        f"c_answer{suffix} as c_answer, c_process{suffix} as c_process"
    )


def _compute(lake: str, part: dict[str, str]) -> pa.Table:
    """One partition's outcomes, through views.sql's own ``problem_outcomes`` view."""
    import duckdb

    files = list_files(lake, "samples", part)
    con = duckdb.connect()
    try:
        create_views_over(con, lake, {"samples": files})
        counts = None
        for params, columns in NOTIONS:
            for key, value in params.items():
                con.execute(f"set variable {key} = ?", [value])
            picked = ", ".join(f"{src} as {dst}" for src, dst in columns.items())
            table = con.sql(
                f"select model, benchmark, problem_id, n, {picked} from problem_outcomes"
                " order by problem_id"
            ).to_arrow_table()
            counts = table if counts is None else _join(counts, table, list(columns.values()))
        totals = con.sql(
            "select problem_id, sum(response_tokens)::bigint as tokens,"
            " (count(*) filter (where finish_reason = 'length'))::bigint as truncated,"
            " (count(*) filter (where verdict = 'no_answer'))::bigint as no_answer,"
            " (count(*) filter (where verdict = 'timeout'))::bigint as timeout,"
            " (count(*) filter (where verdict = 'error'))::bigint as error"
            " from samples group by problem_id order by problem_id"
        ).to_arrow_table()
    finally:
        con.close()
    result = _join(counts, totals, ["tokens", "truncated", "no_answer", "timeout", "error"])
    return result.select(schema.OUTCOMES.names).cast(schema.OUTCOMES)


def _join(left: pa.Table, right: pa.Table, columns: list[str]) -> pa.Table:
    """``left`` with ``columns`` of ``right`` added, both sorted by problem_id (same problems)."""
    if left.column("problem_id") != right.column("problem_id"):
        raise RuntimeError("outcomes: the counts disagree on the problems")
    for column in columns:
        left = left.append_column(column, right.column(column))
    return left
