"""What a run samples: the plan of every (resumed) run, and ``boundary run --dry-run``.

The key ``(model, benchmark, problem_id, sample_idx)`` is unique across the lake. For each
problem the plan asks for ``sample_idx`` in ``range(n)`` minus those present, grouped into
runs of consecutive indices; each run is one vLLM request with ``n`` = its length and a seed
derived from (spec seed, model, benchmark, problem_id, first sample_idx), so a rerun of the same
plan draws the same samples.

The dry run lists the models after any checkpoint series has expanded (``spec/series.py``), the
problems of each benchmark, and per model and benchmark the samples the spec asks for, those
already in the lake and those still to draw: the same count ``boundary run`` plans with.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from boundary_ray.lake.reader import arrow_dataset, list_files
from boundary_ray.spec import Spec, load_spec


@dataclass(frozen=True)
class Request:
    """One engine request: ``n_new`` samples of a problem, from ``first_idx`` on."""

    problem_id: str
    first_idx: int
    n_new: int
    seed: int


def derive_seed(seed: int, model: str, benchmark: str, problem_id: str, first_idx: int) -> int:
    """A 31-bit request seed fixed by its inputs (vLLM gives child i the seed ``seed + i``)."""
    key = f"{seed}|{model}|{benchmark}|{problem_id}|{first_idx}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF


def present_samples(lake: str, model: str, benchmark: str) -> dict[str, Collection[int]]:
    """``problem_id -> sample_idx present`` for one model and benchmark.

    Read in batches and kept per problem, not per sample: a problem holding exactly
    ``0 … c-1`` (every problem a run finished) is ``range(c)``, so the driver's memory grows
    with the number of problems, never with the number of samples. Only problems with gaps
    (an interrupted batch, a raised ``n`` written out of order) get an explicit set, read in a
    second pass over just those problems.
    """
    files = list_files(lake, "samples", {"model": model, "benchmark": benchmark})
    if not files:
        return {}
    dataset = arrow_dataset(lake, "samples", files)
    stats: dict[str, list[int]] = {}  # problem_id -> [count, min, max, sum]
    for batch in dataset.to_batches(columns=["problem_id", "sample_idx"], batch_size=1 << 17):
        if batch.num_rows == 0:
            continue
        grouped = (
            pa.Table.from_batches([batch])
            .group_by("problem_id")
            .aggregate(
                [
                    ("sample_idx", "count"),
                    ("sample_idx", "min"),
                    ("sample_idx", "max"),
                    ("sample_idx", "sum"),
                ]
            )
        )
        for pid, count, low, high, total in zip(
            *(c.to_pylist() for c in grouped.columns), strict=True
        ):
            seen = stats.get(pid)
            if seen is None:
                stats[pid] = [count, low, high, total]
            else:
                seen[0] += count
                seen[1], seen[2], seen[3] = min(seen[1], low), max(seen[2], high), seen[3] + total
    present: dict[str, Collection[int]] = {}
    gaps = []
    for pid, (count, low, high, total) in stats.items():
        if low == 0 and high == count - 1 and total == count * (count - 1) // 2:
            present[pid] = range(count)
        else:
            gaps.append(pid)
    if gaps:
        table = dataset.to_table(
            columns=["problem_id", "sample_idx"], filter=pc.field("problem_id").isin(gaps)
        )
        sets: dict[str, set[int]] = defaultdict(set)
        for pid, idx in zip(
            table.column("problem_id").to_pylist(),
            table.column("sample_idx").to_pylist(),
            strict=True,
        ):
            sets[pid].add(idx)
        present.update(sets)
    return present


def plan_requests(
    problem_ids: Iterable[str],
    present: dict[str, Collection[int]],
    n: int,
    seed: int,
    model: str,
    benchmark: str,
) -> list[Request]:
    """Requests that bring every problem to ``n`` samples (nothing for complete problems)."""
    requests = []
    for pid in problem_ids:
        have = present.get(pid, set())
        missing = [i for i in range(n) if i not in have]
        for first, length in _runs(missing):
            requests.append(
                Request(pid, first, length, derive_seed(seed, model, benchmark, pid, first))
            )
    return requests


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted ``indices`` as (first, length)."""
    runs: list[tuple[int, int]] = []
    for idx in indices:
        if runs and runs[-1][0] + runs[-1][1] == idx:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((idx, 1))
    return runs


@dataclass(frozen=True)
class RunPlan:
    """The expanded models, problem counts and sample counts of one spec over its lake."""

    spec: Spec
    models: pa.Table  # one row per model
    benchmarks: pa.Table  # one row per benchmark
    samples: pa.Table  # one row per (model, benchmark)

    @property
    def to_draw(self) -> int:
        """Samples the run would draw."""
        return sum(self.samples.column("to_draw").to_pylist())

    @property
    def in_lake(self) -> int:
        """Samples of the plan that the lake already holds."""
        return sum(self.samples.column("in_lake").to_pylist())


def plan_spec_file(path: str | Path, overrides: dict[str, Any] | None = None) -> RunPlan:
    """The plan of the spec at ``path`` (with dotted-key ``overrides``)."""
    return plan_run(load_spec(path, overrides))


def plan_run(spec: Spec) -> RunPlan:
    """Count what ``boundary run`` would sample for ``spec``; reads the problems and the lake."""
    from boundary_ray.benchmarks import load_problems

    problems = {b.name: [p["problem_id"] for p in load_problems(b)] for b in spec.benchmarks}
    model_rows, sample_rows = [], []
    for model in spec.models:
        sampling = spec.sampling_for(model)
        model_rows.append(
            {
                "model": model.name,
                "source": model.source,
                "revision": model.revision,
                "role": model.role,
                "prompt": model.prompt,
                "step": model.tags.get("step"),
                "tags": json.dumps(model.tags, sort_keys=True, default=str),
                "n": sampling.n,
                "temperature": sampling.temperature,
                "top_p": sampling.top_p,
                "max_tokens": sampling.max_tokens,
            }
        )
        for bench, ids in problems.items():
            present = present_samples(spec.lake, model.name, bench)
            have = sum(len({i for i in present.get(pid, ()) if i < sampling.n}) for pid in ids)
            sample_rows.append(
                {
                    "model": model.name,
                    "benchmark": bench,
                    "problems": len(ids),
                    "n": sampling.n,
                    "wanted": len(ids) * sampling.n,
                    "in_lake": have,
                    "to_draw": len(ids) * sampling.n - have,
                }
            )
    benchmarks = [
        {"benchmark": b.name, "source": b.source, "problems": len(problems[b.name])}
        for b in spec.benchmarks
    ]
    return RunPlan(
        spec,
        pa.Table.from_pylist(model_rows),
        pa.Table.from_pylist(benchmarks),
        pa.Table.from_pylist(sample_rows),
    )


def format_plan(plan: RunPlan) -> str:
    """The plan as text: the three tables and a total line."""
    from boundary_ray.query.formatting import format_table

    spec = plan.spec
    parts = [
        f"dry run of {spec.name}: lake {spec.lake}; nothing is sampled, no engine starts\n",
        f"models ({plan.models.num_rows}):",
        format_table(plan.models, "table"),
        f"benchmarks ({plan.benchmarks.num_rows}):",
        format_table(plan.benchmarks, "table"),
        "samples:",
        format_table(plan.samples, "table"),
        f"total: {plan.to_draw} samples to draw, {plan.in_lake} already in the lake\n",
    ]
    return "\n".join(parts)
