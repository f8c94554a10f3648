"""``ray job submit`` of jobs/run.py to a real two-node Ray cluster, and a node lost mid-run.

The spec places the engine on GPUs (``engine.placement: gpu``) and only the worker node
``gpu-node`` has (logical) GPUs, so the vLLM actor runs there, on the CPU build
(``engine.device: cpu``). The job's driver runs on the head, under Ray's job supervisor.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
import yaml
from ray_local_cluster import RAY_CLI, LocalRayCluster

from boundary_ray import schema
from boundary_ray.lake.reader import list_files

pytestmark = pytest.mark.cluster

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = 4  # synthetic:arith?ops=1-2&per_op=2 -> 2 ops x 2 problems

SPEC = """
name: cluster-test
lake: {lake}
models:
  - name: smol
    source: builtin:smollm2-135m-instruct
benchmarks:
  - name: arith
    source: synthetic:arith?ops=1-2&per_op=2&seed=0
sampling: {{n: {n}, max_tokens: {max_tokens}, seed: 0}}
engine: {{device: cpu, placement: gpu, replicas: 1, batch_size: {batch_size}, in_flight: 1}}
"""


def _spec(tmp: Path, n: int, max_tokens: int, batch_size: int) -> Path:
    path = tmp / "spec.yaml"
    path.write_text(
        SPEC.format(lake=tmp / "spec-lake", n=n, max_tokens=max_tokens, batch_size=batch_size)
    )
    return path


def _runtime_env(tmp: Path) -> Path:
    """infra/runtime_env.yaml without its pip list (offline here; the nodes have the packages)."""
    env = yaml.safe_load((REPO / "infra" / "runtime_env.yaml").read_text())
    env.pop("pip", None)
    env.pop("config", None)  # only the pip install's timeout
    path = tmp / "runtime_env.yaml"
    path.write_text(yaml.safe_dump(env))
    return path


def _ray_job(
    cluster: LocalRayCluster, *args: str, timeout: float = 420
) -> subprocess.CompletedProcess:
    """Run ``ray job <args>`` against the cluster's job API with the cluster's token."""
    return subprocess.run(
        [RAY_CLI, "job", *args],
        env={**cluster.env, "RAY_ADDRESS": cluster.dashboard_url},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _submit(
    cluster: LocalRayCluster, tmp: Path, spec: Path, lake: Path, job_id: str, wait: bool
) -> subprocess.CompletedProcess:
    """``ray job submit`` jobs/run.py with the repo as working dir, as the README tells users."""
    return _ray_job(
        cluster,
        "submit",
        "--address",
        cluster.dashboard_url,
        "--submission-id",
        job_id,
        "--working-dir",
        str(REPO),
        "--runtime-env",
        str(_runtime_env(tmp)),
        *([] if wait else ["--no-wait"]),
        "--",
        "python",
        "jobs/run.py",
        "--spec",
        str(spec),
        "--lake",
        str(lake),
    )


def _samples(lake: Path) -> list[dict]:
    return (
        duckdb.sql(
            f"select * from read_parquet('{lake}/samples/**/*.parquet', hive_partitioning=true, "
            "hive_types_autocast=false) order by problem_id, sample_idx"
        )
        .arrow()
        .read_all()
        .to_pylist()
    )


def _keys(rows: list[dict]) -> list[tuple]:
    return [(r["model"], r["benchmark"], r["problem_id"], r["sample_idx"]) for r in rows]


def _manifests(lake: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((lake / "runs").glob("*.json"))]


def test_ray_job_submit_writes_the_lake(
    job_cluster: LocalRayCluster, tmp_path: Path, smollm2_path: str
) -> None:
    lake = tmp_path / "lake"
    spec = _spec(tmp_path, n=4, max_tokens=24, batch_size=2)
    done = _submit(job_cluster, tmp_path, spec, lake, "submit-1", wait=True)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-4000:]
    assert job_cluster.job_status("submit-1") == "SUCCEEDED"
    assert "jobs/run.py: cluster-test done" in log and "on cluster" in log  # joined, not local
    assert f"samples {PROBLEMS * 4}" in log

    rows = _samples(lake)
    assert len(rows) == PROBLEMS * 4
    assert len(set(_keys(rows))) == len(rows)
    assert {r["sample_idx"] for r in rows} == {0, 1, 2, 3}
    for row in rows:
        assert row["verdict"] in schema.VERDICTS
        assert row["correct"] == (row["verdict"] == "correct")
        assert 0 < row["response_tokens"] <= 24
    (manifest,) = _manifests(lake)
    assert manifest["status"] == "done"
    assert {r["run_id"] for r in rows} == {manifest["run_id"]}
    assert not (tmp_path / "spec-lake").exists()  # --lake overrode the spec's lake


def test_worker_node_lost_mid_run_then_rerun_fills_the_gap(
    job_cluster: LocalRayCluster, tmp_path: Path, smollm2_path: str
) -> None:
    lake = tmp_path / "lake"
    spec = _spec(tmp_path, n=4, max_tokens=48, batch_size=1)  # 4 batches, one problem each
    started = _submit(job_cluster, tmp_path, spec, lake, "lost-1", wait=False)
    assert started.returncode == 0, (started.stdout + started.stderr)[-4000:]

    deadline = time.monotonic() + 300
    while not list_files(str(lake), "samples"):
        assert time.monotonic() < deadline, "no samples were written in 300 s"
        assert job_cluster.job_status("lost-1") in ("PENDING", "RUNNING")
        time.sleep(0.3)
    node = next(n for n in job_cluster.nodes if n.name == "gpu-node")
    titles = job_cluster.processes_of(node)
    assert any("VLLMSampler" in t for t in titles), titles  # the engine runs on the lost node
    assert job_cluster.kill_node(node) > 0
    partial = _samples(lake)
    written_before = {k: r["response"] for k, r in zip(_keys(partial), partial, strict=True)}
    assert 0 < len(written_before) < PROBLEMS * 4, "the node was killed too late to test the gap"

    # Nothing else has GPUs: the job cannot finish; stop it, and replace the node, as an
    # autoscaler would, before submitting the same job again.
    stopped = _ray_job(
        job_cluster, "stop", "--address", job_cluster.dashboard_url, "lost-1", timeout=120
    )
    assert stopped.returncode == 0, stopped.stderr[-2000:]
    assert job_cluster.job_status("lost-1") in ("STOPPED", "FAILED")
    job_cluster.add_worker("gpu-node-2", num_cpus=2, num_gpus=2)

    rerun = _submit(job_cluster, tmp_path, spec, lake, "lost-2", wait=True)
    assert rerun.returncode == 0, (rerun.stdout + rerun.stderr)[-4000:]
    assert job_cluster.job_status("lost-2") == "SUCCEEDED"
    rows = _samples(lake)
    assert len(rows) == PROBLEMS * 4 and len(set(_keys(rows))) == PROBLEMS * 4
    after = {k: r["response"] for k, r in zip(_keys(rows), rows, strict=True)}
    assert all(after[k] == v for k, v in written_before.items())  # what was written survived
    first, *_, last = _manifests(lake)
    assert first["status"] != "done" and last["status"] == "done"
    filled = sum(r["run_id"] == last["run_id"] for r in rows)  # the rerun wrote only the gap
    assert 0 < filled <= PROBLEMS * 4 - len(written_before)
    assert last["counters"]["smol"]["samples"] == filled
