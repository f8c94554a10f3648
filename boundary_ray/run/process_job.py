"""``boundary verify process --lake DIR``: recompute every sample's process verdict.

The verdicts go to the ``process`` table (``process/model=m/benchmark=b/``), one new file per
partition stamped with this pass's ``verified_at``; samples files are never rewritten. The
``samples`` view (queries/views.sql) takes, per sample key, the latest ``verified_at`` row of
``process`` over the verdict stored in the sample itself: a lake written before process
verdicts existed gets them, and a better verifier's verdicts replace an older one's while the
older rows stay, for comparison.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.common.clock import utc_now
from boundary_ray.lake.reader import lake_root, partition_values, read_table
from boundary_ray.lake.writer import write_table
from boundary_ray.verifiers.process.verifier import process_row


def verify_process_lake(
    lake: str, model: str | None = None, benchmark: str | None = None
) -> dict[str, Counter[str]]:
    """Judge every sample of ``lake`` (or of one model / benchmark) and append the verdicts to
    the ``process`` table. Returns per ``model/benchmark`` the count of each verdict."""
    lake_root(lake)  # a missing lake is a BoundaryError naming it
    stamp = utc_now()
    metas: dict[tuple[str, str], str | None] = {}
    for row in read_table(
        lake, "problems", columns=["benchmark", "problem_id", "meta"]
    ).to_pylist():
        metas[(row["benchmark"], row["problem_id"])] = row["meta"]
    counts: dict[str, Counter[str]] = {}
    for part in partition_values(lake, "samples"):
        if (model and part["model"] != model) or (benchmark and part["benchmark"] != benchmark):
            continue
        samples = read_table(
            lake,
            "samples",
            part,
            ["model", "benchmark", "problem_id", "sample_idx", "response", "finish_reason"],
        )
        rows = []
        counter: Counter[str] = Counter()
        for sample in samples.to_pylist():
            meta = metas.get((sample["benchmark"], sample["problem_id"]))
            verdict = process_row({**sample, "meta": meta})
            counter[verdict.verdict] += 1
            rows.append(
                {
                    "model": sample["model"],
                    "benchmark": sample["benchmark"],
                    "problem_id": sample["problem_id"],
                    "sample_idx": sample["sample_idx"],
                    "process_verdict": verdict.verdict,
                    "process_reason": verdict.reason,
                    "verified_at": stamp,
                }
            )
        if rows:
            write_table(lake, "process", pa.Table.from_pylist(rows, schema=schema.PROCESS))
        counts[f"{part['model']}/{part['benchmark']}"] = counter
    return counts


def format_counts(counts: dict[str, Counter[str]]) -> str:
    """One line per partition: ``model/benchmark: valid 3, unsupported 5, ...``."""
    lines = []
    for where, counter in counts.items():
        parts = ", ".join(f"{v} {counter[v]}" for v in schema.PROCESS_VERDICTS if counter[v])
        lines.append(f"{where}: {parts or 'no samples'}")
    return "\n".join(lines) + ("\n" if lines else "")
