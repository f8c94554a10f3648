"""Problem sources, all normalized to the lake's ``problems`` schema.

``load_problems(bench)`` dispatches on the source:
- ``synthetic:<kind>?<params>`` -> the generated problems (``synthetic.py``);
- ``builtin:<name>`` -> problems shipped inside an installed package (``code_sets.py``);
- ``hf://datasets/<repo>[/<file>]`` -> a Hugging Face dataset (needs network);
- a local JSONL/Parquet path -> one of the paper's six math sets, recognized by its fields,
  or the generic loader with the spec's ``fields`` mapping.
"""

from __future__ import annotations

from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec


def load_problems(bench: BenchmarkSpec) -> list[dict[str, Any]]:
    """Load ``bench`` as problem rows (``schema.PROBLEMS`` columns), first ``limit`` only."""
    source = bench.source
    if source.startswith("synthetic:"):
        from boundary_ray.benchmarks.synthetic import load_synthetic

        rows = load_synthetic(bench)
    elif source.startswith("builtin:"):
        from boundary_ray.benchmarks.code_sets import load_builtin

        rows = load_builtin(bench)
    else:
        from boundary_ray.benchmarks.files import load_file

        rows = load_file(bench)
    if bench.limit is not None:
        rows = rows[: bench.limit]
    if not rows:
        raise BoundaryError(f"{source}: no problems loaded for benchmark {bench.name!r}")
    seen: set[str] = set()
    for row in rows:
        row["benchmark"] = bench.name
        if row["problem_id"] in seen:
            raise BoundaryError(f"{source}: duplicate problem_id {row['problem_id']!r}")
        seen.add(row["problem_id"])
    return rows
