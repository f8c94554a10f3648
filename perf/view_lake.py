"""A generated lake for ``perf/view_speed.py``: the real layout, written by the real lake writer.

    python perf/view_lake.py --lake /tmp/boundary-view-speed            # 2,048,000 samples
    python perf/view_lake.py --lake DIR --problems 50                   # a small one

2 models x 2 benchmarks (``math500``: prose with LaTeX; ``arith``: synthetic-style problems
with ``ops`` in their meta) x P problems x n = 1024 samples (P = 500: 2,048,000 samples),
written as ``boundary run`` writes them: one file per batch of 8 problems of one partition
(``lake.writer.write_table``), then the per-problem outcomes (``refresh_outcomes``). Responses
are a few hundred characters of step-by-step text ending in ``\\boxed{}``; the verdicts mix
correct, wrong, no_answer, timeout and error, a share is cut off (``finish_reason`` length),
and the per-problem accuracy spreads from 0 to 1 as in the paper's Figure 5.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from boundary_ray.lake.writer import write_rows, write_table
from boundary_ray.query.outcomes import refresh_outcomes

MODELS = {"base-7b": "base", "rl-7b": "rl"}
BENCHMARKS = ("math500", "arith")
PROBLEMS = 500
N = 1024
BATCH = 8  # problems per file, as `engine.batch_size` writes them
STEPS = (
    "First, note that {a} + {b} = {s}.",
    "Multiplying, $ {a} \\times {b} = {p} $.",
    "We need the value of $x$ such that $x^2 = {q}$.",
    "Subtracting gives {s} - {b} = {a}.",
    "Let me double-check: \\( {a} + {b} \\) is {s}.",
)


def _question(benchmark: str, i: int) -> tuple[str, str, dict]:
    if benchmark == "arith":
        ops = 1 + i % 8
        return (
            f"Petra has {i + 3} shells and finds {ops} more each day for {ops} days. "
            "How many shells does she have?",
            str(i + 3 + ops * ops),
            {"ops": ops, "template": "shells"},
        )
    return (
        f"Let $f(x) = x^2 + {i}x + {i % 7}$. What is the value of $f({i % 5})$?",
        str((i % 5) ** 2 + i * (i % 5) + i % 7),
        {"level": 1 + i % 5},
    )


def _responses(rng: np.random.Generator, answers: list[str], correct: np.ndarray) -> list[str]:
    """One response per sample: a few steps, then the boxed answer (the gold one if correct)."""
    a = rng.integers(2, 99, len(correct))
    b = rng.integers(2, 99, len(correct))
    picks = rng.integers(0, len(STEPS), (len(correct), 4))
    out = []
    for row, ok in enumerate(correct):
        x, y = int(a[row]), int(b[row])
        values = {"a": x, "b": y, "s": x + y, "p": x * y, "q": x * x}
        steps = " ".join(STEPS[k].format(**values) for k in picks[row])
        answer = answers[row] if ok else str(x + y)
        out.append(f"Let me think step by step.\n{steps}\nSo the answer is $\\boxed{{{answer}}}$.")
    return out


def build_lake(lake: str, problems: int = PROBLEMS, n: int = N, seed: int = 0) -> int:
    """Write the lake; returns the number of samples."""
    rng = np.random.default_rng(seed)
    total = 0
    write_rows(
        lake,
        "models",
        [
            {"model": m, "source": f"fake:{m}", "prompt": "chat", "role": r, "run_id": "gen"}
            for m, r in MODELS.items()
        ],
    )
    for benchmark in BENCHMARKS:
        texts = [_question(benchmark, i) for i in range(problems)]
        ids = [f"{benchmark}-{i:05d}" for i in range(problems)]
        write_rows(
            lake,
            "problems",
            [
                {
                    "benchmark": benchmark,
                    "problem_id": pid,
                    "task": "math",
                    "question": q,
                    "answer": ans,
                    "meta": json.dumps(meta),
                }
                for pid, (q, ans, meta) in zip(ids, texts, strict=True)
            ],
        )
        difficulty = rng.beta(0.3, 0.3, problems)  # many problems near 0 and 1 (Figure 5)
        for model in MODELS:
            rate = np.clip(difficulty + rng.normal(0, 0.05, problems), 0, 1)
            for first in range(0, problems, BATCH):
                chunk = np.arange(first, min(first + BATCH, problems))
                problem = np.repeat(chunk, n)
                rows = len(problem)
                correct = rng.random(rows) < rate[problem]
                wrong_kind = rng.choice(4, rows, p=[0.85, 0.1, 0.03, 0.02])
                verdict = np.where(
                    correct,
                    "correct",
                    np.array(["wrong", "no_answer", "timeout", "error"])[wrong_kind],
                )
                cut = (~correct) & (rng.random(rows) < 0.08)
                answers = [texts[p][1] for p in problem]
                data = pa.table(
                    {
                        "model": pa.array([model] * rows),
                        "benchmark": pa.array([benchmark] * rows),
                        "problem_id": pa.array([ids[p] for p in problem]),
                        "sample_idx": np.tile(np.arange(n, dtype=np.int32), len(chunk)),
                        "run_id": pa.array(["gen"] * rows),
                        "seed": np.arange(rows, dtype=np.int64) + total,
                        "prompt": pa.array([texts[p][0] for p in problem]),
                        "response": pa.array(_responses(rng, answers, correct)),
                        "response_tokens": rng.integers(40, 1024, rows, dtype=np.int32),
                        "cum_logprob": -rng.random(rows) * 100,
                        "finish_reason": np.where(cut, "length", "stop"),
                        "extracted_answer": pa.array(
                            [ans if ok else None for ans, ok in zip(answers, correct, strict=True)]
                        ),
                        "answer_rule": np.where(correct, "boxed", None),
                        "correct": correct,
                        "verdict": verdict,
                        "verdict_reason": np.where(correct, None, "generated"),
                        "verify_ms": rng.random(rows),
                        "process_verdict": pa.nulls(rows, pa.string()),
                        "process_reason": pa.nulls(rows, pa.string()),
                    }
                )
                write_table(lake, "samples", data)
                total += rows
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", default="/tmp/boundary-view-speed")
    parser.add_argument("--problems", type=int, default=PROBLEMS, help="per benchmark")
    parser.add_argument("--n", type=int, default=N, help="samples per problem")
    args = parser.parse_args()
    if Path(args.lake).exists():
        raise SystemExit(f"{args.lake} exists; remove it first")
    start = time.perf_counter()
    total = build_lake(args.lake, args.problems, args.n)
    written = time.perf_counter()
    counts = refresh_outcomes(args.lake)
    print(
        f"{total:,} samples written to {args.lake} in {written - start:.0f} s;"
        f" outcomes {counts} in {time.perf_counter() - written:.0f} s"
    )


if __name__ == "__main__":
    main()
