"""``boundary run --dry-run SPEC``: what a run would do, without Ray or an engine.

The plan lists the models after any checkpoint series has expanded (``series.py``), the
problems of each benchmark, and per model and benchmark the samples the spec asks for, those
already in the lake and those still to draw: the same count ``boundary run`` plans with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from boundary_ray.spec import Spec, load_spec


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
    from boundary_ray.lake.filesystem import absolute_lake
    from boundary_ray.lake.object_store import check_store
    from boundary_ray.lake.plan import present_samples

    spec = replace(spec, lake=absolute_lake(spec.lake))
    check_store(spec.lake)  # an object store that cannot be reached: one line, now
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
    from boundary_ray.formatting import format_table

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
