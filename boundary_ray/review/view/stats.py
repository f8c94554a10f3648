"""Per (model, benchmark, problem): what its samples add up to, as SQL over the lake.

One relation, ``problem_stats``, with the columns ``STAT_COLUMNS``: n, c (final answer right),
c_explicit (... and not found only by the last-number fallback), truncated, no_answer, timeout,
error, tokens, and guesses (correct samples whose latest human label is 'guess'). For a
partition whose outcomes are fresh (``listing.fresh_outcomes``) they come from its outcomes
file, a few kilobytes; for the others (a partition being written, an object-store lake) from
its sample rows, reading only that partition's files (``relations.py``). ``guesses`` comes
from the labels (few rows) joined to the samples they name.
"""

from __future__ import annotations

from collections.abc import Sequence

from boundary_ray.review.view import sqltext
from boundary_ray.review.view.file_ranges import ProblemRanges
from boundary_ray.review.view.listing import LakeListing, Partition
from boundary_ray.review.view.relations import table_relation
from boundary_ray.review.view.view_session import ViewSession

STAT_COLUMNS = (
    "n",
    "c",
    "c_explicit",
    "truncated",
    "no_answer",
    "timeout",
    "error",
    "tokens",
    "guesses",
)
VERDICT_KINDS = ("truncated", "no_answer", "timeout", "error")
COUNTED = ", ".join(c for c in STAT_COLUMNS if c != "guesses")
EMPTY_COUNTS = (
    "select null::varchar as model, null::varchar as benchmark, null::varchar as problem_id, "
    + ", ".join(f"null::bigint as {c}" for c in STAT_COLUMNS if c != "guesses")
    + " where false"
)


def stats_sql(
    listing: LakeListing,
    partitions: Sequence[Partition],
    problem_id: str | None = None,
    local: bool = True,
    ranges: ProblemRanges | None = None,
    labelled: set[str] | None = None,
) -> str:
    """A select of ``problem_stats`` rows (model, benchmark, problem_id, ``STAT_COLUMNS``) for
    ``partitions``, only ``problem_id`` when given. With ``ranges`` only the sample files that
    can hold ``problem_id`` (or, for the guesses, the ``labelled`` problems) are read."""
    fresh = listing.fresh_outcomes() if local else {}
    one = f" where problem_id = {sqltext.text(problem_id)}" if problem_id is not None else ""
    pieces = []
    for model, benchmark in partitions:
        path = fresh.get((model, benchmark))
        if path is not None:  # an outcomes file holds no partition columns: its folder has them
            pieces.append(
                f"select {sqltext.text(model)} as model, {sqltext.text(benchmark)} as benchmark,"
                " problem_id, n, c_answer as c, c_answer_explicit as c_explicit, truncated,"
                f" no_answer, timeout, error, tokens from read_parquet({sqltext.text(path)}){one}"
            )
    stale = [p for p in partitions if p not in fresh]
    if stale:
        only = (ranges, {problem_id}) if ranges is not None and problem_id is not None else None
        rows = table_relation(listing, "samples", stale, local, only)
        pieces.append(
            "select samples.model, samples.benchmark, samples.problem_id,"
            " count(*)::bigint as n,"
            " (count(*) filter (where samples.correct))::bigint as c,"
            # answers=explicit of views.sql: a right answer only the last-number fallback found
            " (count(*) filter (where samples.correct"
            " and samples.answer_rule is distinct from 'last_number'))::bigint as c_explicit,"
            " (count(*) filter (where samples.finish_reason = 'length'))::bigint as truncated,"
            " (count(*) filter (where samples.verdict = 'no_answer'))::bigint as no_answer,"
            " (count(*) filter (where samples.verdict = 'timeout'))::bigint as timeout,"
            " (count(*) filter (where samples.verdict = 'error'))::bigint as error,"
            " sum(samples.response_tokens)::bigint as tokens"
            f" from {rows} as samples{one.replace('problem_id', 'samples.problem_id')}"
            " group by samples.model, samples.benchmark, samples.problem_id"
        )
    counts = "\n    union all by name\n    ".join(pieces or [EMPTY_COUNTS])
    guesses = guesses_sql(listing, partitions, problem_id, local, ranges, labelled)
    columns = ", ".join(f"counts.{c}" for c in STAT_COLUMNS if c != "guesses")
    return (
        f"with counts as (\n    {counts}\n),\nguessed as (\n    {guesses}\n)\n"
        f"select counts.model, counts.benchmark, counts.problem_id, {columns},"
        " coalesce(guessed.guesses, 0)::bigint as guesses\n"
        "from counts left join guessed on guessed.model = counts.model"
        " and guessed.benchmark = counts.benchmark and guessed.problem_id = counts.problem_id"
    )


def guesses_sql(
    listing: LakeListing,
    partitions: Sequence[Partition],
    problem_id: str | None = None,
    local: bool = True,
    ranges: ProblemRanges | None = None,
    labelled: set[str] | None = None,
) -> str:
    """Per problem, its correct samples whose latest label (largest ``at``) is 'guess'."""
    with_labels = {(part["model"], part["benchmark"]) for _, part in listing.files["labels"]}
    wanted = [p for p in partitions if p in with_labels]
    if not wanted:
        return (
            "select null::varchar as model, null::varchar as benchmark,"
            " null::varchar as problem_id, null::bigint as guesses where false"
        )
    one = f" where labels.problem_id = {sqltext.text(problem_id)}" if problem_id is not None else ""
    ids = {problem_id} if problem_id is not None else labelled
    only = (ranges, ids) if ranges is not None and ids is not None else None
    labels = table_relation(listing, "labels", wanted, local, only)
    samples = table_relation(listing, "samples", wanted, local, only)
    return (
        "select latest.model, latest.benchmark, latest.problem_id, count(*)::bigint as guesses"
        " from (select labels.model, labels.benchmark, labels.problem_id, labels.sample_idx,"
        f" arg_max(labels.label, labels.at) as label from {labels} as labels{one}"
        " group by labels.model, labels.benchmark, labels.problem_id, labels.sample_idx) as latest"
        f" inner join {samples} as samples on samples.model = latest.model"
        " and samples.benchmark = latest.benchmark and samples.problem_id = latest.problem_id"
        " and samples.sample_idx = latest.sample_idx"
        " where latest.label = 'guess' and samples.correct"
        " group by latest.model, latest.benchmark, latest.problem_id"
    )


def labelled_problems(
    vs: ViewSession, listing: LakeListing, partitions: Sequence[Partition]
) -> set[str]:
    """The problem ids that have a label in ``partitions`` (to read only their sample files)."""
    with_labels = {(part["model"], part["benchmark"]) for _, part in listing.files["labels"]}
    wanted = [p for p in partitions if p in with_labels]
    if not wanted:
        return set()
    labels = table_relation(listing, "labels", wanted, vs.lake.local)
    rows = vs.sql(f"select distinct labels.problem_id from {labels} as labels").column(0)
    return {p for p in rows.to_pylist() if p is not None}
