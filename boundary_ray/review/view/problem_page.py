"""``/problems/<benchmark>/<problem_id>``: the problem, each model's c/n and pass@k (with and
without the samples labelled guess), and one page of samples of two models side by side.

Three small queries, each pruned to the problem's partitions: the problems row (its benchmark's
folder), the per-model stats (``stats.py``), and the samples with their latest process verdict
and latest label (the samples folders of the two models, filtered on ``problem_id``, which the
Parquet statistics of files written a batch of problems at a time skip past).
"""

from __future__ import annotations

import json
from typing import Any

from boundary_ray.review.view import sqltext
from boundary_ray.review.view.bands import BANDS, band_condition, hardest_rule
from boundary_ray.review.view.errors import NotFound
from boundary_ray.review.view.file_ranges import ProblemRanges
from boundary_ray.review.view.filters import SampleFilters
from boundary_ray.review.view.listing import LakeListing
from boundary_ray.review.view.relations import table_relation
from boundary_ray.review.view.stats import stats_sql
from boundary_ray.review.view.view_session import ViewSession

SAMPLE_COLUMNS = (
    "sample_idx",
    "response",
    "response_tokens",
    "cum_logprob",
    "finish_reason",
    "extracted_answer",
    "answer_rule",
    "correct",
    "verdict",
    "verdict_reason",
)
SHOW_CONDITIONS = {
    "all": "true",
    "correct": "selected.correct",
    "wrong": "not coalesce(selected.correct, false)",
    "truncated": "selected.finish_reason = 'length'",
    "no_answer": "selected.verdict = 'no_answer'",
    "timeout": "selected.verdict = 'timeout'",
    "error": "selected.verdict = 'error'",
    "labelled": "latest_labels.label is not null",
}


def problem_row(
    vs: ViewSession, listing: LakeListing, benchmark: str, problem_id: str
) -> dict[str, Any] | None:
    """The problems row (question, gold answer, task, meta, image ids), or None."""
    only = (vs.ranges, {problem_id})
    problems = table_relation(listing, "problems", [(benchmark,)], vs.lake.local, only)
    rows = vs.sql(
        "select problems.benchmark, problems.problem_id, problems.task, problems.question,"
        " problems.answer, problems.tests, problems.meta, problems.images"
        f" from {problems} as problems where problems.problem_id = {sqltext.text(problem_id)}"
        " limit 1"
    ).to_pylist()
    return rows[0] if rows else None


def model_outcomes(
    vs: ViewSession,
    listing: LakeListing,
    benchmark: str,
    problem_id: str,
    max_rate: float = 0.05,
) -> list[dict[str, Any]]:
    """Per model with samples of the problem: its stats and pass@k at k = 1, 2, 4, ... n, with
    every correct sample counted and without those labelled guess (views.sql's estimator)."""
    parts = [p for p in listing.samples_partitions() if p[1] == benchmark]
    if not parts:
        return []
    stats = stats_sql(listing, parts, problem_id, local=vs.lake.local, ranges=vs.ranges)
    rows = vs.sql(
        f"with problem_stats as ({stats})\n"
        "select problem_stats.*,"
        f" {hardest_rule('problem_stats.n', max_rate)} as hardest_rule,"
        + ", ".join(
            f"coalesce({band_condition(b, 'problem_stats.n', 'problem_stats.c', max_rate)}, false)"
            f" as band_{b}"
            for b in BANDS
        )
        + ", list(ks.k order by ks.k) as ks,"
        " list(pass_at_k_estimate(problem_stats.n, problem_stats.c, ks.k) order by ks.k) as pass,"
        " list(pass_at_k_estimate(problem_stats.n, problem_stats.c - problem_stats.guesses, ks.k)"
        " order by ks.k) as pass_without_guesses"
        " from problem_stats cross join lateral k_grid(problem_stats.n, null) as ks"
        " group by all order by problem_stats.model"
    ).to_pylist()
    for row in rows:
        row["pass_at_k"] = [
            {"k": k, "pass_at_k": p, "without_guesses": q}
            for k, p, q in zip(
                row.pop("ks"), row.pop("pass"), row.pop("pass_without_guesses"), strict=True
            )
        ]
        row["rate"] = row["c"] / row["n"] if row["n"] else None
        row["bands"] = [b for b in BANDS if row.pop(f"band_{b}")]
    return rows


def samples_sql(
    listing: LakeListing,
    benchmark: str,
    problem_id: str,
    models: tuple[str, ...],
    show: str,
    page: int,
    per_page: int,
    local: bool = True,
    ranges: ProblemRanges | None = None,
    sample_idx: int | None = None,
) -> str:
    """One page of each model's samples of the problem, with latest process verdict and label."""
    parts = [(m, benchmark) for m in models]
    keys = f"{{alias}}.problem_id = {sqltext.text(problem_id)}"
    if sample_idx is not None:
        keys += f" and {{alias}}.sample_idx = {sqltext.integer(sample_idx)}"
    only = (ranges, {problem_id}) if ranges is not None else None
    process = table_relation(listing, "process", parts, local, only)
    labels = table_relation(listing, "labels", parts, local, only)
    samples = table_relation(listing, "samples", parts, local, only)
    columns = ", ".join(f"samples.{c}" for c in SAMPLE_COLUMNS)
    first, last = (page - 1) * per_page + 1, page * per_page
    return f"""
with selected as (
    select
        samples.model, {columns},
        samples.process_verdict, samples.process_reason,
        first(samples.prompt) over (partition by samples.model) as prompt
    from {samples} as samples
    where {keys.format(alias="samples")}
),

-- views.sql's sample_grades: the latest recomputed process verdict, the latest label
latest_process as (
    select
        process.model,
        process.sample_idx,
        arg_max(process.process_verdict, process.verified_at) as process_verdict,
        arg_max(process.process_reason, process.verified_at) as process_reason
    from {process} as process
    where {keys.format(alias="process")}
    group by process.model, process.sample_idx
),

latest_labels as (
    select
        labels.model,
        labels.sample_idx,
        arg_max(labels.label, labels.at) as label,
        arg_max(labels.note, labels.at) as note,
        arg_max(labels.who, labels.at) as who,
        max(labels.at) as labelled_at
    from {labels} as labels
    where {keys.format(alias="labels")}
    group by labels.model, labels.sample_idx
)

select
    selected.* exclude (process_verdict, process_reason),
    coalesce(latest_process.process_verdict, selected.process_verdict) as process_verdict,
    coalesce(latest_process.process_reason, selected.process_reason) as process_reason,
    latest_labels.label,
    latest_labels.note,
    latest_labels.who,
    latest_labels.labelled_at,
    count(*) over (partition by selected.model) as matching
from selected
left join latest_process
    on latest_process.model = selected.model and latest_process.sample_idx = selected.sample_idx
left join latest_labels
    on latest_labels.model = selected.model and latest_labels.sample_idx = selected.sample_idx
where {SHOW_CONDITIONS[show]}
qualify row_number() over (partition by selected.model order by selected.sample_idx)
    between {first} and {last}
order by selected.model, selected.sample_idx
"""


def problem_samples(
    vs: ViewSession,
    listing: LakeListing,
    benchmark: str,
    problem_id: str,
    f: SampleFilters,
) -> dict[str, dict[str, Any]]:
    """Per model of ``f.models``: ``samples`` (one page), ``matching`` (how many the filter
    keeps), ``prompt`` (the first sample's) and ``pages``."""
    result: dict[str, dict[str, Any]] = {
        m: {"samples": [], "matching": 0, "prompt": None, "pages": 1} for m in f.models
    }
    if not f.models:
        return result
    sql = samples_sql(
        listing,
        benchmark,
        problem_id,
        f.models,
        f.show,
        f.page,
        f.per_page,
        vs.lake.local,
        vs.ranges,
    )
    for row in vs.sql(sql).to_pylist():
        side = result[row.pop("model")]
        side["matching"] = row.pop("matching")
        side["pages"] = max(1, -(-side["matching"] // f.per_page))
        side["prompt"] = row.pop("prompt")
        side["samples"].append(row)
    return result


def problem_page(
    vs: ViewSession, benchmark: str, problem_id: str, f: SampleFilters
) -> dict[str, Any]:
    """Everything the problem page shows; ``NotFound`` when the lake has neither a problems row
    nor samples for it."""

    def build(listing: LakeListing) -> dict[str, Any]:
        problem = problem_row(vs, listing, benchmark, problem_id)
        outcomes = model_outcomes(vs, listing, benchmark, problem_id)
        if problem is None and not outcomes:
            raise NotFound(f"no problem {benchmark}/{problem_id} in lake {vs.lake}")
        meta = None
        if problem and problem.get("meta"):
            try:
                meta = json.loads(problem["meta"])
            except ValueError:
                meta = None
        return {
            "benchmark": benchmark,
            "problem_id": problem_id,
            "problem": problem,
            "meta": meta if isinstance(meta, dict) else None,
            "models": outcomes,
            "samples": problem_samples(vs, listing, benchmark, problem_id, f),
            "show": f.show,
            "page": f.page,
            "per_page": f.per_page,
        }

    return vs.read(build)


def sample_exists(
    vs: ViewSession, model: str, benchmark: str, problem_id: str, sample_idx: int
) -> bool:
    """Whether the lake holds that sample (a label may only name one it holds)."""

    def build(listing: LakeListing) -> bool:
        only = (vs.ranges, {problem_id})
        samples = table_relation(listing, "samples", [(model, benchmark)], vs.lake.local, only)
        rows = vs.sql(
            f"select count(*) as found from {samples} as samples"
            f" where samples.problem_id = {sqltext.text(problem_id)}"
            f" and samples.sample_idx = {sqltext.integer(sample_idx)}"
        ).to_pylist()
        return bool(rows[0]["found"])

    return vs.read(build)


def image_bytes(vs: ViewSession, image_id: str) -> tuple[bytes, str | None] | None:
    """An image's bytes and format (PIL's name) by its id, or None."""

    def build(listing: LakeListing) -> tuple[bytes, str | None] | None:
        if not listing.has("images"):
            return None
        images = table_relation(listing, "images", [()], vs.lake.local)
        rows = vs.sql(
            f"select images.bytes, images.format from {images} as images"
            f" where images.image_id = {sqltext.text(image_id)} limit 1"
        ).to_pylist()
        return (rows[0]["bytes"], rows[0]["format"]) if rows else None

    return vs.read(build)
