"""Answer classes beside the outcomes: per problem, how many samples gave each answer, for the
majority vote of ``queries/maj_at_k.sql``.

Two answers are one class when the problem's own verifier says they are equal
(``answer_equivalence.py``: math-verify for math, the visual rule for visual; exact text for
code). One file per samples partition (``answer_classes/model=m/benchmark=b/``), named by the
same fingerprint of the partition's sample files as the outcomes (``lake/caches.py``), so a
query uses it only while the samples are the ones it was built from; a partition without a
fresh file is answered by views.sql's ``exact_answer_classes`` (trimmed exact strings).

A partition is built in two steps. DuckDB groups its samples as views.sql does (the samples
graded correct are one class; every other answer's exact trimmed text one class each; no
answer abstains); then the verifier merges the wrong classes whose answers it finds equal,
greedily, largest first (``AnswerGrouper``). The work is bounded per problem: at most
``MAX_COMPARISONS`` verifier calls, answers cut at ``MAX_ANSWER_CHARS`` are never compared.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.lake.caches import fresh_cache_files, fresh_caches_by_partition, refresh_cache
from boundary_ray.lake.reader import list_files, read_table
from boundary_ray.query.majority_votes import refresh_majority_votes


def answer_class_files(lake: str) -> tuple[list[str], list[dict[str, str]]]:
    """The fresh answer-class file of each samples partition that has one, and the partitions
    (``{"model": ..., "benchmark": ...}``) that have none or only stale ones."""
    return fresh_cache_files(lake, "answer_classes")


def answer_classes_by_partition(
    lake: str,
) -> tuple[dict[tuple[str, ...], str], list[dict[str, str]]]:
    """``answer_class_files`` with each fresh file under its partition's (model, benchmark)."""
    return fresh_caches_by_partition(lake, "answer_classes")


def refresh_answer_classes(lake: str, models: list[str] | None = None) -> dict[str, int]:
    """Rebuild the answer classes of every partition whose sample files changed (only
    ``models``, when given) with the verifier's equivalence, then the majority votes over them
    (``majority_votes.py``); remove stale files. Returns counts: partitions rebuilt, kept,
    removed, the verifier comparisons made, and the majority-vote partitions rebuilt."""
    from boundary_ray.verifiers.math.classes import AnswerGrouper

    grouper = AnswerGrouper()
    try:
        counts = refresh_cache(
            lake, "answer_classes", lambda part, _: _compute(lake, part, grouper), models
        )
        counts["comparisons"] = grouper.comparisons
    finally:
        grouper.close()
    counts["majority_rebuilt"] = refresh_majority_votes(lake, models)["rebuilt"]
    return counts


def _compute(lake: str, part: dict[str, str], grouper: Any) -> pa.Table:
    """One partition's answer classes: exact classes from DuckDB, merged by the verifier."""
    exact = _exact_classes(lake, part)
    problems = _problems(lake, part["benchmark"])
    rows: list[dict[str, Any]] = []
    by_problem: dict[str, list[dict[str, Any]]] = {}
    for row in exact.to_pylist():
        by_problem.setdefault(row["problem_id"], []).append(row)
    for problem_id, classes in by_problem.items():
        problem = problems.get(problem_id, {})
        merged, equivalence = grouper.merge(classes, problem)
        for row in merged:
            rows.append({**row, "equivalence": equivalence})
    return pa.Table.from_pylist(rows, schema=schema.ANSWER_CLASSES)


def _exact_classes(lake: str, part: dict[str, str]) -> pa.Table:
    """views.sql's ``exact_answer_classes`` over the partition's sample files alone."""
    import duckdb

    from boundary_ray.query.views import create_views_over

    con = duckdb.connect()
    try:
        create_views_over(con, lake, {"samples": list_files(lake, "samples", part)})
        return con.sql(
            "select * from exact_answer_classes order by problem_id, class_idx"
        ).to_arrow_table()
    finally:
        con.close()


def _problems(lake: str, benchmark: str) -> dict[str, dict[str, Any]]:
    """The benchmark's problems by id: task, gold answer, question and meta (a dict)."""
    table = read_table(
        lake, "problems", {"benchmark": benchmark}, ["problem_id", "task", "answer", "meta"]
    )
    found = {}
    for row in table.to_pylist():
        try:
            meta = json.loads(row["meta"]) if row["meta"] else {}
        except json.JSONDecodeError:
            meta = {}
        found[row["problem_id"]] = {**row, "meta": meta if isinstance(meta, dict) else {}}
    return found
