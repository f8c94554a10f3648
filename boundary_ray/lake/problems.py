"""Keep the lake's ``problems`` table in step with the benchmarks a run uses."""

from __future__ import annotations

from typing import Any

from boundary_ray.lake.reader import read_table
from boundary_ray.lake.writer import write_rows


def store_problems(lake: str, benchmark: str, rows: list[dict[str, Any]]) -> int:
    """Write the problems of ``benchmark`` that the lake does not hold yet; returns how many."""
    have = set(
        read_table(lake, "problems", {"benchmark": benchmark}, ["problem_id"])
        .column("problem_id")
        .to_pylist()
    )
    new = [row for row in rows if row["problem_id"] not in have]
    write_rows(lake, "problems", new)
    return len(new)
