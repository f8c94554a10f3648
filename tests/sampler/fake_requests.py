"""Planned requests for the sampler tests (``schema.REQUESTS`` rows of small math problems)."""

from __future__ import annotations

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.sampler.sampling import Sampling

SAMPLING = Sampling(temperature=0.6, top_p=0.95, max_tokens=64)


def requests(problems: int, n: int, first_idx: int = 0) -> pa.Table:
    rows = [
        {
            "model": "m",
            "benchmark": "b",
            "problem_id": f"p{i}",
            "run_id": "r",
            "prompt": f"Question {i}",
            "task": "math",
            "question": f"What is {i} + 1?",
            "answer": str(i + 1),
            "first_idx": first_idx,
            "n_new": n,
            "seed": 1000 + i,
        }
        for i in range(problems)
    ]
    return pa.Table.from_pylist(rows, schema=schema.REQUESTS)
