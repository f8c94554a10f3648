"""Problem sources, all normalized to the lake's ``problems`` schema.

``load_problems(bench)`` dispatches on the source:
- ``synthetic:<kind>?<params>`` -> the generated problems (``synthetic.py``);
- ``builtin:<name>`` -> problems shipped inside an installed package (``code_sets.py``);
- ``hf://datasets/<repo>[/<file>]`` -> a Hugging Face dataset (needs network);
- a local JSONL/Parquet path -> one of the paper's six math sets, recognized by its fields,
  or the generic loader with the spec's ``fields`` mapping.
"""

from __future__ import annotations

import sys
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec

# Per benchmark name, the problems the spec's ``question_types`` dropped, by type (the last
# load of each); the run manifest records it, so no filter is silent.
DROPPED: dict[str, dict[str, int]] = {}


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
    if bench.question_types:
        from boundary_ray.benchmarks.visual import filter_question_types

        rows, dropped = filter_question_types(rows, bench.question_types, f"benchmark {bench.name}")
        DROPPED[bench.name] = dropped
        if dropped:
            shown = ", ".join(f"{n} {kind}" for kind, n in sorted(dropped.items()))
            print(
                f"{bench.name}: question_types {list(bench.question_types)}: kept {len(rows)}, "
                f"dropped {shown}",
                file=sys.stderr,
            )
    if bench.limit is not None:
        rows = rows[: bench.limit]
    if not rows:
        raise BoundaryError(f"{source}: no problems loaded for benchmark {bench.name!r}")
    seen: set[str] = set()
    for row in rows:
        row["benchmark"] = bench.name
        row.setdefault("images", None)  # text problems have none
        if row["problem_id"] in seen:
            raise BoundaryError(f"{source}: duplicate problem_id {row['problem_id']!r}")
        seen.add(row["problem_id"])
    return rows
