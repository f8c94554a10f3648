"""A checkpoint-series lake for the query tests, and the series queries computed in plain
Python from the samples (the reference the SQL must agree with). Helpers, not tests."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from math import comb
from typing import Any

from boundary_ray.lake import write_rows
from boundary_ray.lake.reader import read_table

# name: (role, tags, samples per problem, problems attempted)
SERIES_MODELS: dict[str, tuple[str, dict[str, Any], int, int]] = {
    "base": ("base", {"family": "toy"}, 16, 10),
    "grpo-step100": (
        "rl",
        {"family": "toy", "algorithm": "grpo", "series": "grpo", "step": 100},
        8,
        10,
    ),
    "grpo-step200": (
        "rl",
        {"family": "toy", "algorithm": "grpo", "series": "grpo", "step": 200},
        8,
        10,
    ),
    "grpo-step300": (
        "rl",
        {"family": "toy", "algorithm": "grpo", "series": "grpo", "step": 300},
        12,
        11,
    ),
    "ppo-step300": ("rl", {"family": "toy", "algorithm": "ppo", "step": 300}, 8, 10),
    "rloo": ("rl", {"family": "toy", "algorithm": "rloo"}, 8, 9),
    "other-base": ("base", {"family": "other"}, 4, 10),
    "distilled": ("distilled", {"family": "toy"}, 8, 10),
}
BENCHMARKS = ("arith", "2024")


def write_series_lake(lake: str, seed: int = 0) -> None:
    """Problems, samples with a per-problem success rate, models with series tags; grpo-step300 also
    attempted one problem nobody else did, and rloo one problem fewer."""
    rng = random.Random(seed)
    samples, models = [], []
    problems = [
        {
            "benchmark": benchmark,
            "problem_id": f"p{p:02d}",
            "task": "math",
            "question": f"What is {p} + {p}?",
            "answer": str(2 * p),
            "meta": json.dumps({"ops": 1 + p % 3}),
        }
        for benchmark in BENCHMARKS
        for p in range(12)
    ]
    for model, (role, tags, n, attempted) in SERIES_MODELS.items():
        models.append(
            {
                "model": model,
                "source": "builtin:smollm2-135m-instruct",
                "prompt": "chat",
                "role": role,
                "tags": json.dumps(tags, sort_keys=True),
                "run_id": "20250102T000000-b",
            }
        )
        for benchmark in BENCHMARKS:
            for p in range(attempted):
                rate = rng.choice([0.0, 0.1, 0.3, 0.7, 1.0])
                for i in range(n):
                    ok = rng.random() < rate
                    answer = str(2 * p if ok else p)
                    samples.append(
                        {
                            "model": model,
                            "benchmark": benchmark,
                            "problem_id": f"p{p:02d}",
                            "sample_idx": i,
                            "run_id": "20250102T000000-b",
                            "correct": ok,
                            "verdict": "correct" if ok else "wrong",
                            "response": f"{p} + {p} = {answer}. \\boxed{{{answer}}}",
                            "extracted_answer": answer,
                            "finish_reason": "stop",
                        }
                    )
    # an older run that called base something else: the latest row wins
    models.append(dict(models[0], role="instruct", run_id="20250101T000000-a"))
    write_rows(lake, "problems", problems)
    write_rows(lake, "models", models)
    write_rows(lake, "samples", samples)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Chen et al. 2021, with exact integers: 1 - C(n - c, k) / C(n, k)."""
    return 1.0 - comb(n - c, k) / comb(n, k)


def outcomes(lake: str) -> dict[tuple[str, str], dict[str, tuple[int, int]]]:
    """``(model, benchmark) -> problem_id -> (n, c)`` counted from the sample rows."""
    table = read_table(lake, "samples", columns=["model", "benchmark", "problem_id", "correct"])
    counts: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for row in table.to_pylist():
        cell = counts[(row["model"], row["benchmark"])][row["problem_id"]]
        cell[0] += 1
        cell[1] += bool(row["correct"])
    return {key: {p: (n, c) for p, (n, c) in value.items()} for key, value in counts.items()}


def latest_models(lake: str) -> dict[str, dict[str, Any]]:
    """Each model's row of its latest run, tags parsed."""
    rows: dict[str, dict[str, Any]] = {}
    for row in read_table(lake, "models").to_pylist():
        if row["model"] not in rows or row["run_id"] > rows[row["model"]]["run_id"]:
            rows[row["model"]] = {**row, "tags": json.loads(row["tags"] or "{}")}
    return rows


def _family_match(a: dict, b: dict) -> bool:
    fa, fb = a["tags"].get("family"), b["tags"].get("family")
    return fa is None or fb is None or fa == fb


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def training_curve_reference(lake: str, k: int | None = None) -> list[dict[str, Any]]:
    """training_curve rows, from the samples."""
    models, out = latest_models(lake), outcomes(lake)
    benchmarks = sorted({b for _, b in out})
    checkpoints = {m: r for m, r in models.items() if isinstance(r["tags"].get("step"), int)}
    bases = {m: r for m, r in models.items() if r["role"] == "base"}
    groups: dict[tuple, list[dict]] = defaultdict(list)  # (benchmark, series, base) -> rows
    for bench in benchmarks:
        for model, row in checkpoints.items():
            if (model, bench) not in out:
                continue
            series = row["tags"].get("series") or row["tags"].get("algorithm") or model
            paired = [b for b in bases if b != model and _family_match(row, bases[b])]
            for base in paired or [None]:
                mine = out[(model, bench)]
                theirs = out.get((base, bench), {}) if base else {}
                problems = [p for p in mine if base is None or p in theirs]
                if not problems:
                    continue
                groups[(bench, series, base)].append(
                    {
                        "benchmark": bench,
                        "series": series,
                        "step": row["tags"]["step"],
                        "model": model,
                        "role": row["role"],
                        "base_model": base,
                        "cells": [(mine[p], theirs.get(p)) for p in problems],
                    }
                )
    rows = []
    for (_bench, _series, base), members in groups.items():
        big_k = k or min(
            min([n for r in members for (n, _), _ in r["cells"]]),
            min([b[0] for r in members for _, b in r["cells"] if b] or [10**9]),
        )
        for r in members:
            cells = r.pop("cells")
            ok_k = all(n >= big_k for (n, _), _ in cells)
            base_ok = base is not None and all(b[0] >= big_k for _, b in cells)
            rows.append(
                {
                    **r,
                    "k": big_k,
                    "problems": len(cells),
                    "pass_at_1": _mean([c / n for (n, c), _ in cells]),
                    "pass_at_k": _mean([pass_at_k(n, c, big_k) for (n, c), _ in cells])
                    if ok_k
                    else None,
                    "base_pass_at_1": _mean([b[1] / b[0] for _, b in cells]) if base else None,
                    "base_pass_at_k": _mean([pass_at_k(*b, big_k) for _, b in cells])
                    if base_ok
                    else None,
                }
            )
    return rows


def algorithm_comparison_reference(
    lake: str, step: int | None = None, k: int | None = None
) -> list[dict[str, Any]]:
    """algorithm_comparison rows (without the interval), from the samples."""
    models, out = latest_models(lake), outcomes(lake)
    benchmarks = sorted({b for _, b in out})
    by_algorithm: dict[str, list[str]] = defaultdict(list)
    for model, row in models.items():
        if row["role"] != "rl" or (step is not None and row["tags"].get("step") != step):
            continue
        tags = row["tags"]
        by_algorithm[tags.get("algorithm") or tags.get("series") or model].append(model)
    chosen = {
        alg: sorted(names, key=lambda m: (-(models[m]["tags"].get("step") or -1), m))[0]
        for alg, names in by_algorithm.items()
    }
    bases = [m for m, r in models.items() if r["role"] == "base"]
    rows = []
    for bench in benchmarks:
        for base in bases:
            pairs = []
            for alg, model in chosen.items():
                if not _family_match(models[model], models[base]):
                    continue
                mine, theirs = out.get((model, bench), {}), out.get((base, bench), {})
                shared = [p for p in theirs if p in mine]
                if shared:
                    pairs.append((alg, model, [(mine[p], theirs[p]) for p in shared]))
            if not pairs:
                continue
            big_k = k or min(min(min(a[0], b[0]) for a, b in cells) for _, _, cells in pairs)
            for alg, model, cells in pairs:
                ok = all(a[0] >= big_k for a, _ in cells)
                base_ok = all(b[0] >= big_k for _, b in cells)
                p1 = _mean([c / n for (n, c), _ in cells])
                base_k = _mean([pass_at_k(*b, big_k) for _, b in cells]) if base_ok else None
                rows.append(
                    {
                        "benchmark": bench,
                        "algorithm": alg,
                        "model": model,
                        "step": models[model]["tags"].get("step"),
                        "base_model": base,
                        "k": big_k,
                        "problems": len(cells),
                        "pass_at_1": p1,
                        "pass_at_k": _mean([pass_at_k(*a, big_k) for a, _ in cells])
                        if ok
                        else None,
                        "base_pass_at_1": _mean([b[1] / b[0] for _, b in cells]),
                        "base_pass_at_k": base_k,
                        "gap": None if base_k is None else base_k - p1,
                    }
                )
    return rows


def assert_rows_match(actual: list[dict], expected: list[dict], key: tuple[str, ...]) -> None:
    """Same rows (matched by ``key``), floats equal to 1e-9; columns of ``expected`` only."""
    got = {tuple(r[c] for c in key): r for r in actual}
    want = {tuple(r[c] for c in key): r for r in expected}
    assert got.keys() == want.keys()
    for ident, row in want.items():
        for column, value in row.items():
            other = got[ident][column]
            if isinstance(value, float):
                assert other is not None and abs(other - value) < 1e-9, (ident, column)
            else:
                assert other == value, (ident, column, other, value)
