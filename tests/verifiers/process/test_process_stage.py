"""The pipeline's verifier stage gives every sample its process verdict beside its answer verdict."""

from __future__ import annotations

import json

import pyarrow as pa

from boundary_ray.benchmarks.synthetic import load_synthetic
from boundary_ray.spec import BenchmarkSpec
from boundary_ray.verifiers.router import TaskVerifier


def test_task_verifier_adds_process_columns():
    problem = load_synthetic(BenchmarkSpec("s", "synthetic:arith?ops=1&per_op=1&seed=0"))[0]
    rows = [
        {"task": "math", "answer": problem["answer"], "meta": problem["meta"], "finish_reason": "stop",
         "response": "Petra collected 7 - 3 = 4 shells. The answer is 4."},
        {"task": "math", "answer": problem["answer"], "meta": problem["meta"], "finish_reason": "stop",
         "response": "The answer is 4."},
        {"task": "math", "answer": "4", "meta": json.dumps({"source": "gsm8k"}), "finish_reason": "stop",
         "response": "The answer is 4."},
        {"task": "math", "answer": "4", "meta": "{broken", "finish_reason": "stop",
         "response": "The answer is 4."},
    ]  # fmt: skip
    verifier = TaskVerifier()
    try:
        out = verifier(pa.Table.from_pylist(rows)).to_pylist()
    finally:
        verifier.close()
    assert [r["correct"] for r in out] == [True, True, True, True]
    assert [r["process_verdict"] for r in out] == ["valid", "unsupported", "n/a", "n/a"]
    assert out[1]["process_reason"] == "never stated: Petra (q2)"
    assert out[3]["process_reason"].startswith("bad gold graph: meta: not valid JSON")
