"""The bundled model's run on an S3 lake (a real S3 server, moto, on loopback): ``boundary run``
with vLLM's own knobs in the spec (``engine.vllm``, ``sampling.vllm``), then ``boundary score``
with the same model, then the perplexity query, everything read back from S3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from s3_servers import S3Server

from boundary_ray.lake.reader import read_table
from boundary_ray.lake.runs import read_manifests
from boundary_ray.query import run_query

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
SPEC = """
name: s3-engine
lake: "{lake}"
models:
  - {{name: smol, source: builtin:smollm2-135m-instruct}}
benchmarks:
  - {{name: arith, source: "synthetic:arith?ops=1&per_op=2&seed=0"}}
sampling: {{n: 2, max_tokens: 24, seed: 0, vllm: {{top_k: 20, repetition_penalty: 1.05}}}}
engine: {{device: cpu, batch_size: 2, in_flight: 1, vllm: {{max_num_seqs: 8}}}}
score: {{scorers: [smol]}}
"""


def test_bundled_model_run_and_score(
    s3_server: S3Server, bucket: str, s3_env: dict, smollm2_path: str, tmp_path: Path
) -> None:
    lake = s3_server.uri(bucket)
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(lake=lake))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for verb in ("run", "score"):
        out = subprocess.run(
            [sys.executable, "-m", "boundary_ray.cli", verb, str(spec), "--quiet"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=1500,
        )
        assert out.returncode == 0, out.stderr[-3000:]
    samples = read_table(lake, "samples").to_pylist()
    assert len({(r["problem_id"], r["sample_idx"]) for r in samples}) == len(samples) == 2 * 2
    assert all(r["response"] and r["response_tokens"] > 0 for r in samples)
    run, score = read_manifests(lake)
    assert (run["status"], score["status"]) == ("done", "done")
    assert run["vllm"] == {
        "engine": {"max_num_seqs": 8},
        "sampling": {"smol": {"top_k": 20, "repetition_penalty": 1.05}},
    }
    assert json.dumps(run["spec"]["engine"]["vllm"]) == '{"max_num_seqs": 8}'
    scores = read_table(lake, "scores").to_pylist()
    assert len(scores) == 4 and all(s["status"] == "ok" for s in scores)
    perplexity = run_query("perplexity", lake).to_pylist()
    assert perplexity and all(row["scorer"] == "smol" for row in perplexity)
