"""Lakes for the query tests, written with the real lake writer (helpers, not tests)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from pathlib import Path

import pyarrow.fs as pafs

from boundary_ray.lake import write_rows
from boundary_ray.lake.location import LakeLocation

BENCHMARKS = ("gsm8k", "2024")  # "2024" must stay a string partition value
MODELS = {
    # name: (role, tags, samples per problem)
    "base-7b": ("base", {"family": "qwen2.5-7b"}, 32),
    "rl-grpo-100": ("rl", {"family": "qwen2.5-7b", "step": 100, "algorithm": "grpo"}, 16),
    "rl-ppo-300": ("rl", {"family": "qwen2.5-7b", "step": 300, "algorithm": "ppo"}, 16),
    "chat-1b": ("instruct", {}, 8),
}


def sample_rows(
    model: str, benchmark: str, correct: Iterable[Iterable[bool]], **extra
) -> list[dict]:
    """One sample row per entry of a correctness matrix (rows = problems p0, p1, ...)."""
    rows = []
    for p, problem in enumerate(correct):
        for i, ok in enumerate(problem):
            row = {
                "model": model,
                "benchmark": benchmark,
                "problem_id": f"p{p}",
                "sample_idx": i,
                "run_id": "run-1",
                "correct": bool(ok),
                "verdict": "correct" if ok else "wrong",
                "finish_reason": "stop",
            }
            row.update(extra)
            rows.append(row)
    return rows


def _source_verdict(model: str, ok: bool, i: int) -> str | None:
    """chat-1b's samples came from another tool (`boundary import`), whose verdict is kept
    beside ours and differs from it on every third sample; the others were sampled here."""
    if model != "chat-1b":
        return None
    return "correct" if ok != (i % 3 == 0) else "wrong"


def write_realistic_lake(lake: str, seed: int = 0) -> None:
    """Problems, models (two runs of one model), samples with every verdict, and scores."""
    rng = random.Random(seed)
    problems, samples, scores = [], [], []
    for benchmark in BENCHMARKS:
        for p in range(12):
            problems.append(
                {
                    "benchmark": benchmark,
                    "problem_id": f"{benchmark}-{p:03d}",
                    "task": "math",
                    "question": f"What is {p} + {p}?",
                    "answer": str(2 * p),
                    "meta": json.dumps({"level": p % 3}),
                }
            )
    for model, (_role, _tags, n) in MODELS.items():
        for benchmark in BENCHMARKS:
            for p in range(12):
                rate = [0.0, 1 / 32, 1.0][p % 3] if model == "base-7b" else rng.random()
                for i in range(n):
                    ok = (
                        (i == 0 and rate > 0)
                        if model == "base-7b" and p % 3 == 1
                        else rng.random() < rate
                    )
                    verdict = (
                        "correct" if ok else rng.choice(["wrong", "no_answer", "timeout", "error"])
                    )
                    samples.append(
                        {
                            "model": model,
                            "benchmark": benchmark,
                            "problem_id": f"{benchmark}-{p:03d}",
                            "sample_idx": i,
                            "run_id": "20250102T000000-b",
                            "seed": 1000 * p + i,
                            "prompt": f"What is {p} + {p}?",
                            "response": f"Let me think.\n{p} + {p} = {2 * p if ok else p}.\n\\boxed{{{2 * p if ok else p}}}",
                            "response_tokens": rng.randint(5, 500),
                            "cum_logprob": -rng.random() * 50,
                            "finish_reason": "length" if rng.random() < 0.2 else "stop",
                            "extracted_answer": str(2 * p if ok else p)
                            if verdict != "no_answer"
                            else None,
                            "answer_rule": "boxed",
                            "correct": ok,
                            "verdict": verdict,
                            "verdict_reason": None if ok else verdict,
                            "verify_ms": rng.random(),
                            "source_verdict": _source_verdict(model, ok, i),
                        }
                    )
                    if model.startswith("rl"):
                        tokens = rng.randint(5, 500)
                        logprob = -rng.random() * tokens
                        scores.append(
                            {
                                "scorer": "base-7b",
                                "model": model,
                                "benchmark": benchmark,
                                "problem_id": f"{benchmark}-{p:03d}",
                                "sample_idx": i,
                                "run_id": "20250103T000000-c",
                                "response_tokens": tokens,
                                "logprob_sum": logprob,
                                "perplexity": 2.718281828459045 ** (-logprob / tokens),
                                "status": "ok" if rng.random() < 0.9 else "too_long",
                            }
                        )
    models = [
        {
            "model": model,
            "source": f"hf/{model}",
            "revision": "main",
            "prompt": "raw" if role == "base" else "chat",
            "role": role,
            "tags": json.dumps(tags),
            "run_id": "20250102T000000-b",
        }
        for model, (role, tags, _n) in MODELS.items()
    ]
    # an older run that gave base-7b another role: the latest run wins
    models.append(dict(models[0], role="instruct", run_id="20250101T000000-a"))
    write_rows(lake, "problems", problems)
    write_rows(lake, "models", models)
    write_rows(lake, "samples", samples)
    write_rows(lake, "scores", scores)


def through_pyarrow(lake: str | Path) -> LakeLocation:
    """``lake`` opened as an object-store lake is (read through ``pyarrow.dataset``, never by
    DuckDB's own globs): the path an ``s3://`` lake takes, on a local folder."""
    root = str(Path(lake).resolve())
    return LakeLocation(root, pafs.LocalFileSystem(), root, local=False)
