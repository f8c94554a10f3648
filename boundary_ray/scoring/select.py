"""Which responses a scorer still has to score: the spec's ``score`` filters over ``samples/``,
minus the keys already in ``scores/`` for that scorer."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.reader import partition_values, read_table
from boundary_ray.spec import ScoreSpec

# the samples columns the selection reads (the key of each partition comes from its path)
SELECTED = ["problem_id", "sample_idx", "response", "correct"]


def sample_partitions(lake: str) -> list[tuple[str, str]]:
    """Every ``(model, benchmark)`` with sample files in the lake, sorted."""
    return [(p["model"], p["benchmark"]) for p in partition_values(lake, "samples")]


def selected_partitions(lake: str, score: ScoreSpec, where: str = "score") -> list[tuple[str, str]]:
    """The ``(model, benchmark)`` partitions that ``score.models`` / ``score.benchmarks`` pick.

    A name in a filter that has no samples in the lake is a ``BoundaryError`` naming the key.
    """
    partitions = sample_partitions(lake)
    if not partitions:
        raise BoundaryError(f"{lake}: the lake has no samples to score (run `boundary run` first)")
    for key, names, present in (
        ("models", score.models, {m for m, _ in partitions}),
        ("benchmarks", score.benchmarks, {b for _, b in partitions}),
    ):
        for name in names:
            if name not in present:
                raise BoundaryError(
                    f"{where}.{key}: {name!r} has no samples in {lake} (present: {', '.join(sorted(present))})"
                )
    return [
        (m, b)
        for m, b in partitions
        if (not score.models or m in score.models)
        and (not score.benchmarks or b in score.benchmarks)
    ]


def select_responses(lake: str, score: ScoreSpec, scorer: str) -> list[dict[str, Any]]:
    """The responses ``scorer`` still lacks, in key order, each with its problem's question.

    Filters: ``correct_only`` keeps correct samples; ``max_per_problem`` then keeps the lowest
    ``sample_idx`` of each problem. Keys already scored by ``scorer`` are left out, so the
    selection of a finished run is empty. A response whose problem is missing from
    ``problems/`` carries ``reason`` (it is reported as an error, not dropped).
    """
    rows: list[dict[str, Any]] = []
    for model, bench in selected_partitions(lake, score):
        samples = read_table(lake, "samples", {"model": model, "benchmark": bench}, SELECTED)
        chosen = _cap(_filter(samples.to_pylist(), score.correct_only), score.max_per_problem)
        done = scored_keys(lake, scorer, model, bench)
        todo = [s for s in chosen if (s["problem_id"], s["sample_idx"]) not in done]
        if not todo:
            continue
        problems = {
            p["problem_id"]: p
            for p in read_table(
                lake, "problems", {"benchmark": bench}, ["problem_id", "task", "question"]
            ).to_pylist()
        }
        for sample in todo:
            problem = problems.get(sample["problem_id"])
            rows.append(
                {
                    "model": model,
                    "benchmark": bench,
                    "problem_id": sample["problem_id"],
                    "sample_idx": sample["sample_idx"],
                    "response": sample["response"],
                    "task": problem["task"] if problem else None,
                    "question": problem["question"] if problem else None,
                    "reason": None
                    if problem
                    else f"problem {sample['problem_id']!r} is not in problems/benchmark={bench}",
                }
            )
    return rows


def scored_keys(lake: str, scorer: str, model: str, benchmark: str) -> set[tuple[str, int]]:
    """``(problem_id, sample_idx)`` already in ``scores/`` for this scorer, model and benchmark."""
    table = read_table(
        lake,
        "scores",
        {"scorer": scorer, "model": model, "benchmark": benchmark},
        ["problem_id", "sample_idx"],
    )
    return set(
        zip(
            table.column("problem_id").to_pylist(),
            table.column("sample_idx").to_pylist(),
            strict=True,
        )
    )


def _filter(samples: list[dict[str, Any]], correct_only: bool) -> list[dict[str, Any]]:
    return [s for s in samples if s["correct"] is True] if correct_only else samples


def _cap(samples: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    """At most ``limit`` samples per problem, lowest ``sample_idx`` first; sorted by key."""
    by_problem: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sample in samples:
        by_problem[sample["problem_id"]].append(sample)
    kept = []
    for pid in sorted(by_problem):
        group = sorted(by_problem[pid], key=lambda s: s["sample_idx"])
        kept.extend(group if limit is None else group[:limit])
    return kept
