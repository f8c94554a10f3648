"""Time every query of ``queries/`` on a synthetic lake of ~10 million samples.

    python benchmarks/query_speed.py                  # builds /tmp/boundary-query-speed (once)
    python benchmarks/query_speed.py --lake DIR --repeat 5 --rebuild

The lake has the real layout and schemas (boundary_ray/schema.py): 4 models (2 base, 2 rl
with step/algorithm tags) x 2 benchmarks x 1221 problems x n = 1024 samples = 10,002,432
samples, short text columns so that it builds in seconds, plus problems, models and 200k
scores. Each query runs through ``boundary_ray.analysis.run_query`` (connect, views, query,
Arrow result), ``--repeat`` times; the table printed gives the best and the median wall time.
Target: pass_at_k under 2 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from boundary_ray import schema
from boundary_ray.analysis import list_queries, run_query

MODELS = {
    "base-a": ("base", {"family": "a"}),
    "base-b": ("base", {"family": "b"}),
    "rl-grpo-100": ("rl", {"family": "a", "step": 100, "algorithm": "grpo"}),
    "rl-ppo-300": ("rl", {"family": "a", "step": 300, "algorithm": "ppo"}),
}
BENCHMARKS = ("math500", "2024")
PROBLEMS = 1221
N = 1024
FILES_PER_PARTITION = 4
# extra runs: pass_at_k with a bootstrap interval, hardest_solved with a wider net
EXTRA = {"pass_at_k ci=0.95 bootstrap=200": ("pass_at_k", {"ci": "0.95", "bootstrap": "200"})}


def _write(lake: Path, table: str, partition: dict[str, str], data: pa.Table, part: str) -> None:
    folder = lake / table
    for key, value in partition.items():
        folder = folder / f"{key}={value}"
    folder.mkdir(parents=True, exist_ok=True)
    body = data.select(schema.file_schema(table).names).cast(schema.file_schema(table))
    pq.write_table(body, folder / f"part-{part}.parquet", compression="zstd")


def _strings(values: list[str], index: np.ndarray) -> pa.Array:
    return pa.array(values).take(pa.array(index))


def build_lake(lake: Path, seed: int = 0) -> int:
    """Write the synthetic lake; returns the number of samples."""
    rng = np.random.default_rng(seed)
    problem_ids = [f"p{i:05d}" for i in range(PROBLEMS)]
    total = 0
    for benchmark in BENCHMARKS:
        problems = pa.table(
            {
                "benchmark": [benchmark] * PROBLEMS,
                "problem_id": problem_ids,
                "task": ["math"] * PROBLEMS,
                "question": [f"q{i}" for i in range(PROBLEMS)],
                "answer": [str(i) for i in range(PROBLEMS)],
                "tests": pa.nulls(PROBLEMS, pa.string()),
                "meta": ["{}"] * PROBLEMS,
            }
        )
        _write(lake, "problems", {"benchmark": benchmark}, problems, "0")
        # per-problem difficulty: many problems near 0 or 1, as in the paper's Figure 5
        difficulty = rng.beta(0.3, 0.3, PROBLEMS)
        for model in MODELS:
            rate = np.clip(difficulty + rng.normal(0, 0.05, PROBLEMS), 0, 1)
            for f, chunk in enumerate(np.array_split(np.arange(PROBLEMS), FILES_PER_PARTITION)):
                problem = np.repeat(chunk, N)
                rows = len(problem)
                correct = rng.random(rows) < rate[problem]
                verdict = np.where(correct, 0, rng.choice([1, 2, 3], rows, p=[0.8, 0.15, 0.05]))
                data = pa.table(
                    {
                        "problem_id": _strings(problem_ids, problem),
                        "sample_idx": np.tile(np.arange(N, dtype=np.int32), len(chunk)),
                        "run_id": _strings(["bench"], np.zeros(rows, dtype=np.int64)),
                        "seed": np.arange(rows, dtype=np.int64),
                        "prompt": _strings(["q"], np.zeros(rows, dtype=np.int64)),
                        "response": _strings(
                            ["\\boxed{1}", "\\boxed{2}"], correct.astype(np.int64)
                        ),
                        "response_tokens": rng.integers(10, 1024, rows, dtype=np.int32),
                        "cum_logprob": -rng.random(rows) * 100,
                        "finish_reason": _strings(
                            ["stop", "length"], (rng.random(rows) < 0.1).astype(np.int64)
                        ),
                        "extracted_answer": _strings(["1"], np.zeros(rows, dtype=np.int64)),
                        "answer_rule": _strings(["boxed"], np.zeros(rows, dtype=np.int64)),
                        "correct": correct,
                        "verdict": _strings(["correct", "wrong", "no_answer", "timeout"], verdict),
                        "verdict_reason": pa.nulls(rows, pa.string()),
                        "verify_ms": rng.random(rows),
                    }
                )
                _write(lake, "samples", {"model": model, "benchmark": benchmark}, data, str(f))
                total += rows
            if MODELS[model][0] == "rl":
                rows = 50_000
                tokens = rng.integers(10, 1024, rows, dtype=np.int32)
                logprob = -rng.random(rows) * tokens
                scores = pa.table(
                    {
                        "problem_id": _strings(problem_ids, rng.integers(0, PROBLEMS, rows)),
                        "sample_idx": rng.integers(0, N, rows, dtype=np.int32),
                        "run_id": _strings(["bench"], np.zeros(rows, dtype=np.int64)),
                        "response_tokens": tokens,
                        "logprob_sum": logprob,
                        "perplexity": np.exp(-logprob / tokens),
                        "status": _strings(
                            ["ok", "too_long"], (rng.random(rows) < 0.05).astype(np.int64)
                        ),
                        "reason": pa.nulls(rows, pa.string()),
                    }
                )
                partition = {"scorer": "base-a", "model": model, "benchmark": benchmark}
                _write(lake, "scores", partition, scores, "0")
    models = pa.table(
        {
            "model": list(MODELS),
            "source": [f"hf/{m}" for m in MODELS],
            "revision": ["main"] * len(MODELS),
            "prompt": ["raw" if role == "base" else "chat" for role, _ in MODELS.values()],
            "role": [role for role, _ in MODELS.values()],
            "tags": [json.dumps(tags) for _, tags in MODELS.values()],
            "run_id": ["bench"] * len(MODELS),
        }
    )
    _write(lake, "models", {}, models, "0")
    (lake / "BUILT").write_text(str(total))
    return total


def time_query(
    name: str, lake: str, params: dict[str, str], repeat: int
) -> tuple[list[float], int]:
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run_query(name, lake, params).num_rows
        times.append(time.perf_counter() - start)
    return times, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", default="/tmp/boundary-query-speed")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    lake = Path(args.lake)
    if args.rebuild or not (lake / "BUILT").exists():
        shutil.rmtree(lake, ignore_errors=True)
        start = time.perf_counter()
        total = build_lake(lake)
        print(f"built {total:,} samples in {time.perf_counter() - start:.1f} s at {lake}")
    else:
        print(
            f"reusing {int((lake / 'BUILT').read_text()):,} samples at {lake} (--rebuild to redo)"
        )
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    runs = {name: (name, {}) for name in list_queries()} | EXTRA
    print("\n| query | rows | best s | median s |\n|---|---:|---:|---:|")
    for label, (name, params) in runs.items():
        times, rows = time_query(name, str(lake), params, args.repeat)
        print(
            f"| {label} | {rows} | {min(times):.2f} | {statistics.median(times):.2f} |", flush=True
        )


if __name__ == "__main__":
    main()
