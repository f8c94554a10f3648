"""Time every query of ``queries/`` on a synthetic lake of ~10 million (or more) samples,
reading the samples and then the per-problem outcomes (``boundary_ray/query/outcomes.py``).

    python perf/query_speed.py                  # builds /tmp/boundary-query-speed (once)
    python perf/query_speed.py --lake DIR --repeat 5 --rebuild
    python perf/query_speed.py --rows 100000000 --lake /tmp/boundary-query-speed-100m \
        --queries pass_at_k,coverage,accuracy_hist,efficiency_gap,solvable,solved_summary

The lake has the real layout and schemas (boundary_ray/schema.py): 4 models (2 base, 2 rl
with step/algorithm tags) x 2 benchmarks x P problems x n = 1024 samples (P = 1221 by
default: 10,002,432 samples; ``--rows`` picks P), short text columns so that it builds
quickly, plus problems, models and 200k scores. Each query runs through
``boundary_ray.query.run_query`` (connect, views, query, Arrow result), ``--repeat`` times,
first over the sample rows, then, after ``refresh_outcomes`` (timed), over the outcomes; the
table gives the best and the median wall time of each, and whether both gave the same rows.
Targets: pass_at_k under 2 s at 10 M samples from the samples, under 1 s at 100 M from the
outcomes, on 2 cores. After the outcomes, ``refresh_answer_classes`` (timed) builds the answer
classes that maj_at_k votes over.

``--outcomes-only`` writes no sample rows: the outcomes and answer classes of the same study are
written directly (perf/estimator_lake.py; ``--classes two|spread`` picks how the wrong answers
split), so a 100 M-sample lake builds in seconds and the queries run as on the real one after
its refresh; the majority votes are then built from those classes by the real refresh (timed;
``--no-majority`` leaves them out, so maj_at_k computes every vote):

    python perf/query_speed.py --outcomes-only --rows 100000000 --lake /tmp/boundary-100m-two \
        --queries pass_at_k,pass_hat_k,g_pass_at_k,mg_pass_at_k,cover_at_tau,bayes_at_n,chance_at_k,maj_at_k
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
from estimator_lake import build_outcomes_lake  # perf/estimator_lake.py, beside this script

from boundary_ray import schema
from boundary_ray.query import list_queries, run_query
from boundary_ray.query.majority_votes import refresh_majority_votes
from boundary_ray.query.outcomes import refresh_outcomes

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
    wanted = schema.file_schema(table)
    for field in wanted:  # columns this script does not fill (added later) are null
        if field.name not in data.column_names:
            data = data.append_column(field.name, pa.nulls(data.num_rows, field.type))
    body = data.select(wanted.names).cast(wanted)
    pq.write_table(body, folder / f"part-{part}.parquet", compression="zstd")


def _strings(values: list[str], index: np.ndarray) -> pa.Array:
    return pa.array(values).take(pa.array(index))


def build_lake(lake: Path, seed: int = 0, problems_per_benchmark: int = PROBLEMS) -> int:
    """Write the synthetic lake; returns the number of samples."""
    PROBLEMS = problems_per_benchmark  # noqa: N806 - the module default, overridden
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
            files = max(FILES_PER_PARTITION, PROBLEMS // 1000)  # ~1 M rows a file
            for f, chunk in enumerate(np.array_split(np.arange(PROBLEMS), files)):
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


def _same(a: list[dict], b: list[dict]) -> bool:
    """Equal rows, floats to 9 places (a mean over problems may add up in another order)."""

    def norm(rows: list[dict]) -> list[str]:
        return sorted(
            repr({k: round(v, 9) if isinstance(v, float) else v for k, v in r.items()})
            for r in rows
        )

    return norm(a) == norm(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", default="/tmp/boundary-query-speed")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--rows", type=int, help="about this many samples (default ~10 M)")
    parser.add_argument("--queries", help="comma-separated query names (default: all)")
    parser.add_argument("--skip-samples", action="store_true", help="time only the outcomes path")
    parser.add_argument(
        "--outcomes-only",
        action="store_true",
        help="write outcomes and answer classes only, no sample rows (perf/estimator_lake.py)",
    )
    parser.add_argument("--classes", default="two", choices=["two", "spread"])
    parser.add_argument(
        "--no-majority",
        action="store_true",
        help="--outcomes-only: time without the majority_votes cache (maj_at_k computes it all)",
    )
    args = parser.parse_args()
    if args.outcomes_only:
        return outcomes_only(args)
    lake = Path(args.lake)
    problems = PROBLEMS
    if args.rows:
        problems = max(1, round(args.rows / (len(MODELS) * len(BENCHMARKS) * N)))
    if args.rebuild or not (lake / "BUILT").exists():
        shutil.rmtree(lake, ignore_errors=True)
        start = time.perf_counter()
        total = build_lake(lake, problems_per_benchmark=problems)
        print(f"built {total:,} samples in {time.perf_counter() - start:.1f} s at {lake}")
    else:
        print(
            f"reusing {int((lake / 'BUILT').read_text()):,} samples at {lake} (--rebuild to redo)"
        )
    for folder in (lake / "outcomes",):
        shutil.rmtree(folder, ignore_errors=True)  # the samples path first
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    names = args.queries.split(",") if args.queries else list_queries()
    runs = {name: (name, {}) for name in names} | (EXTRA if not args.queries else {})
    results: dict[str, tuple[list[float], list[dict]]] = {}
    if not args.skip_samples:
        for label, (name, params) in runs.items():
            times, _ = time_query(name, str(lake), params, args.repeat)
            results[label] = (times, run_query(name, str(lake), params).to_pylist())
    start = time.perf_counter()
    counts = refresh_outcomes(str(lake))
    print(f"refresh_outcomes: {counts} in {time.perf_counter() - start:.1f} s")
    from boundary_ray.query.answer_classes import refresh_answer_classes

    start = time.perf_counter()
    counts = refresh_answer_classes(str(lake))
    print(f"refresh_answer_classes: {counts} in {time.perf_counter() - start:.1f} s")
    print(
        "\n| query | rows | samples best s | samples median s | outcomes best s |"
        " outcomes median s | same rows |\n|---|---:|---:|---:|---:|---:|---|"
    )
    for label, (name, params) in runs.items():
        times, rows = time_query(name, str(lake), params, args.repeat)
        fast = run_query(name, str(lake), params).to_pylist()
        slow_times, slow = results.get(label, ([float("nan")], None))
        same = "-" if slow is None else ("yes" if _same(slow, fast) else "NO")
        print(
            f"| {label} | {rows} | {min(slow_times):.2f} | {statistics.median(slow_times):.2f} |"
            f" {min(times):.2f} | {statistics.median(times):.2f} | {same} |",
            flush=True,
        )


def outcomes_only(args: argparse.Namespace) -> None:
    """Time the queries on an outcomes-only lake (built once per --rows and --classes)."""
    lake = Path(args.lake)
    problems = max(1, round((args.rows or 10_000_000) / (len(MODELS) * len(BENCHMARKS) * N)))
    built = lake / "BUILT"
    if args.rebuild or not built.exists():
        shutil.rmtree(lake, ignore_errors=True)
        start = time.perf_counter()
        total = build_outcomes_lake(lake, MODELS, BENCHMARKS, problems, args.classes)
        print(
            f"built the outcomes of {total:,} samples ({args.classes} answer classes) in"
            f" {time.perf_counter() - start:.1f} s at {lake}"
        )
    else:
        print(f"reusing the outcomes of {int(built.read_text()):,} samples at {lake}")
    # what the refresh that ends a run builds beside the classes (kept once built)
    start = time.perf_counter()
    counts = refresh_majority_votes(str(lake))
    print(f"refresh_majority_votes: {counts} in {time.perf_counter() - start:.1f} s")
    stored, aside = lake / "majority_votes", lake / "majority_votes.aside"
    if args.no_majority:  # out of the lake's layout while the queries run
        stored.rename(aside)
    try:
        time_outcomes_queries(args, lake)
    finally:
        if aside.exists():
            aside.rename(stored)


def time_outcomes_queries(args: argparse.Namespace, lake: Path) -> None:
    """The table of ``--outcomes-only``: each query's best and median wall time."""
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    names = args.queries.split(",") if args.queries else list_queries()
    print("\n| query | rows | best s | median s | load |\n|---|---:|---:|---:|---:|")
    for name in names:
        times, rows = time_query(name, str(lake), {}, args.repeat)
        print(
            f"| {name} | {rows} | {min(times):.2f} | {statistics.median(times):.2f} |"
            f" {os.getloadavg()[0]:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
