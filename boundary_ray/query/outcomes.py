"""Per-problem outcomes kept beside the samples, so aggregate queries never read sample rows.

A lake from a real study holds hundreds of millions of samples, but pass@k, coverage, the
accuracy histogram and the efficiency gap need only ``(n, c)`` per problem. ``outcomes/`` holds
those counts: one file per samples partition (``outcomes/model=m/benchmark=b/``), computed by
the same ``problem_outcomes`` view that the queries use (``queries/views.sql``), so the two
paths cannot disagree, once for each notion of correct a query may ask for.

The table is a cache, never the truth. Its file is named by a fingerprint of the partition's
sample files (name, size, modification time): a run that adds, replaces or compacts sample
files changes the fingerprint, and a query uses the outcomes only while every partition's
fingerprint still matches (else it reads the samples, as before). Nothing can leave it
inconsistent: a run killed before its refresh leaves a stale fingerprint, which is ignored
and rebuilt by the next refresh (``boundary run`` refreshes when it finishes;
``boundary lake outcomes --lake DIR`` does it by hand).

Human labels and re-computed process verdicts change what counts as correct without touching
sample files; while a lake has either, queries read the samples.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs

from boundary_ray import schema
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.reader import file_infos, list_files, partition_values, scan_table
from boundary_ray.lake.writer import write_table
from boundary_ray.query.views import create_views_over

PREFIX = "outcomes-"
# the notions of correct the cache holds: (params of problem_outcomes, columns they fill)
NOTIONS = (
    ({"answers": "all"}, {"c_answer": "c_answer", "c_process": "c_process"}),
    ({"answers": "explicit"}, {"c_answer": "c_answer_explicit", "c_process": "c_process_explicit"}),
)
# tables whose rows change what counts as correct without changing sample files
SAMPLE_LEVEL_ONLY = ("labels", "process")


def fingerprint(lake: str, model: str, benchmark: str) -> str:
    """A name for the current set of the partition's sample files (names, sizes, mtimes)."""
    paths = list_files(lake, "samples", {"model": model, "benchmark": benchmark})
    return fingerprint_of(file_infos(lake, paths))


def fingerprint_of(infos: Iterable[pafs.FileInfo]) -> str:
    """``fingerprint`` of a partition whose sample files are ``infos`` (one listing can serve
    many partitions). The outcomes' columns are part of it: a cache written before a column
    was added to ``schema.OUTCOMES`` is stale."""
    digest = hashlib.sha1()
    digest.update((",".join(schema.OUTCOMES.names) + "\n").encode())
    for info in sorted(infos, key=lambda i: i.path):
        mtime = info.mtime_ns if info.mtime_ns is not None else -1
        digest.update(f"{info.base_name}|{info.size}|{mtime}\n".encode())
    return digest.hexdigest()[:20]


def _file_name(lake: str, part: dict[str, str]) -> str:
    """The outcome file's name (without .parquet) for the partition's current sample files."""
    return f"{PREFIX}{fingerprint(lake, part['model'], part['benchmark'])}"


def fresh_outcome_files(lake: str) -> list[str] | None:
    """The outcome file of every samples partition, or None when any is missing or stale
    (or the lake has labels or re-computed process verdicts: then only samples answer).
    One listing of each table (samples, outcomes), however many partitions the lake has."""
    if any(list_files(lake, table) for table in SAMPLE_LEVEL_ONLY):
        return None
    location = open_lake(lake)
    samples: dict[tuple[str, ...], list[str]] = {}
    for file in scan_table(lake, "samples"):
        if file.partition is not None:
            key = tuple(file.partition[c] for c in schema.PARTITIONS["samples"])
            samples.setdefault(key, []).append(f"{location.root}/samples/{file.relative}")
    cached = {
        file.relative: f"{location.root}/outcomes/{file.relative}"
        for file in scan_table(lake, "outcomes")
        if file.partition is not None
    }
    found = []
    for key, paths in sorted(samples.items()):
        folder = "/".join(
            f"{c}={v}" for c, v in zip(schema.PARTITIONS["samples"], key, strict=True)
        )
        wanted = f"{folder}/{PREFIX}{fingerprint_of(location.fs.get_file_info(paths))}.parquet"
        if wanted not in cached:
            return None
        found.append(cached[wanted])
    return found or None


def refresh_outcomes(lake: str, models: list[str] | None = None) -> dict[str, int]:
    """Rebuild the outcomes of every partition whose sample files changed (only ``models``,
    when given); remove the stale files. Returns counts: partitions rebuilt, kept, removed."""
    fs = open_lake(lake).fs
    counts = {"rebuilt": 0, "kept": 0, "removed": 0}
    for part in partition_values(lake, "samples"):
        if models is not None and part["model"] not in models:
            continue
        name = _file_name(lake, part)
        existing = list_files(lake, "outcomes", part)
        if any(p.endswith(f"/{name}.parquet") for p in existing):
            counts["kept"] += 1
        else:
            write_table(lake, "outcomes", _compute(lake, part), name=name)
            counts["rebuilt"] += 1
        for path in existing:
            if not path.endswith(f"/{name}.parquet"):
                _remove(fs, path)
                counts["removed"] += 1
    return counts


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


def _remove(fs: pafs.FileSystem, path: str) -> None:
    with contextlib.suppress(FileNotFoundError):  # removed by a refresh beside this one
        fs.delete_file(path)
