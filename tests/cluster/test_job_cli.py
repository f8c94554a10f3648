"""The README's cluster path, command by command, as a user meets it.

``ray start --head`` and a worker node on loopback (``ray start --address``), with the token in
``~/.ray/auth_token`` (a temporary HOME) and no ``RAY_AUTH_*`` variable on the nodes; then,
in a shell with ``RAY_AUTH_MODE=token``: ``ray job submit --working-dir . --runtime-env
infra/runtime_env.yaml -- python jobs/run.py --spec ...``, ``ray job status``, ``ray job
logs``, ``ray job stop`` mid-run, and the same job submitted again: every sample exactly once.

The fake engine (``fake:canned``) stands in for vLLM, so the test measures the job path and not
the model: planning, verifier actors and the lake writer are the real ones.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from ray_local_cluster import RAY_CLI, LocalRayCluster

from boundary_ray.lake.reader import list_files, read_table

pytestmark = pytest.mark.cluster

REPO = Path(__file__).resolve().parents[2]
# 20,000 samples in batches of 2 problems: 50 files. Each engine step takes 1 s, so the run
# lasts at least ~25 s (50 batches, 2 in flight) however fast the machine: `ray job stop`
# lands mid-run (an idle machine finished the whole run without it before the stop arrived).
PROBLEMS, N = 100, 200

SPEC = f"""
name: job-cli
lake: ./lake
models:
  - name: fake
    source: "fake:canned?accuracy=0.3&tokens=200&seed=0&step_s=1"
benchmarks:
  - name: arith
    source: "synthetic:arith?ops=1-4&per_op={PROBLEMS // 4}&seed=0"
sampling: {{n: {N}, max_tokens: 400, seed: 0}}
engine: {{batch_size: 2, in_flight: 2}}
verify: {{workers: 2}}
lake_options: {{compact: true}}
"""


@pytest.fixture(scope="module")
def user_cluster() -> Iterator[LocalRayCluster]:
    """Head (2 CPUs) and one worker node (2 CPUs), the token in ``~/.ray/auth_token``."""
    root = Path(tempfile.mkdtemp(prefix="brj-", dir="/tmp"))  # short: Ray's socket paths
    (root / "home").mkdir()
    cluster = LocalRayCluster(root, dashboard=True, home=root / "home")
    try:
        cluster.start_head(num_cpus=2)
        cluster.add_worker("worker", num_cpus=2)
        cluster.wait_for_job_api()
        yield cluster
    finally:
        cluster.shutdown()
        shutil.rmtree(root, ignore_errors=True)


def _runtime_env(tmp: Path) -> Path:
    """infra/runtime_env.yaml without its pip list (offline here; the nodes have the packages)."""
    env = yaml.safe_load((REPO / "infra" / "runtime_env.yaml").read_text())
    env.pop("pip", None)
    env.pop("config", None)  # only the pip install's timeout
    path = tmp / "runtime_env.yaml"
    path.write_text(yaml.safe_dump(env))
    return path


def _ray_job(
    cluster: LocalRayCluster, *args: str, auth: bool = True, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``ray job <args>`` from the checkout, in a shell where the README's step was done
    (``RAY_AUTH_MODE=token``; ``RAY_ADDRESS`` names the dashboard) or not (``auth=False``)."""
    env = cluster.client_env if auth else dict(cluster.env)
    env["RAY_ADDRESS"] = cluster.dashboard_url
    return subprocess.run(
        [RAY_CLI, "job", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def _submit(cluster: LocalRayCluster, tmp: Path, job_id: str, wait: bool, auth: bool = True):
    return _ray_job(
        cluster,
        "submit",
        "--submission-id",
        job_id,
        "--working-dir",
        ".",
        "--runtime-env",
        str(_runtime_env(tmp)),
        *([] if wait else ["--no-wait"]),
        "--",
        "python",
        "jobs/run.py",
        "--spec",
        str(tmp / "spec.yaml"),
        "--lake",
        str(tmp / "lake"),
        auth=auth,
    )


def _status(cluster: LocalRayCluster, job_id: str) -> str:
    """The job's status as ``ray job status`` prints it."""
    done = _ray_job(cluster, "status", job_id)
    text = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    assert done.returncode == 0, text[-2000:]
    said = {"succeeded": "SUCCEEDED", "was stopped": "STOPPED", "failed": "FAILED"}
    for words, status in said.items():
        if f"Job '{job_id}' {words}" in text:
            return status
    found = re.search(rf"Status for job '{job_id}': (?:JobStatus\.)?(\w+)", text)
    assert found, f"no status in `ray job status`: {text[-2000:]}"
    return found.group(1)


def test_submit_without_the_auth_step_fails_as_the_issue_says(
    user_cluster: LocalRayCluster, tmp_path: Path
) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC)
    refused = _submit(user_cluster, tmp_path, "no-auth", wait=True, auth=False)
    assert refused.returncode != 0
    assert "authentication token" in (refused.stdout + refused.stderr)


def test_stop_mid_run_then_resubmit_gives_every_sample_once(
    user_cluster: LocalRayCluster, tmp_path: Path
) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC)
    lake = tmp_path / "lake"
    started = _submit(user_cluster, tmp_path, "study-1", wait=False)
    assert started.returncode == 0, (started.stdout + started.stderr)[-3000:]

    deadline = time.monotonic() + 240
    while not list_files(str(lake), "samples"):
        assert time.monotonic() < deadline, "no samples were written in 240 s"
        assert _status(user_cluster, "study-1") in ("PENDING", "RUNNING")
        time.sleep(0.2)
    stopped = _ray_job(user_cluster, "stop", "study-1")
    assert stopped.returncode == 0, stopped.stderr[-2000:]
    assert _status(user_cluster, "study-1") == "STOPPED"
    partial = read_table(str(lake), "samples").to_pylist()
    assert 0 < len(partial) < PROBLEMS * N, "the job finished before it could be stopped"
    before = {_key(r): r["response"] for r in partial}
    assert len(before) == len(partial)

    rerun = _submit(user_cluster, tmp_path, "study-2", wait=True)
    log = rerun.stdout + rerun.stderr
    assert rerun.returncode == 0, log[-3000:]
    assert _status(user_cluster, "study-2") == "SUCCEEDED"
    logs = _ray_job(user_cluster, "logs", "study-2")
    assert logs.returncode == 0 and "jobs/run.py: job-cli done" in logs.stdout
    assert "on cluster" in logs.stdout  # it joined the cluster, not a local Ray of its own

    rows = read_table(str(lake), "samples").to_pylist()
    assert len(rows) == PROBLEMS * N and len({_key(r) for r in rows}) == PROBLEMS * N
    after = {_key(r): r["response"] for r in rows}
    assert all(after[k] == v for k, v in before.items())  # what the stopped job wrote stayed
    assert len(list_files(str(lake), "samples")) == 1  # lake_options.compact merged them


def _key(row: dict) -> tuple:
    return row["model"], row["benchmark"], row["problem_id"], row["sample_idx"]
