"""Fixtures: a real two-node Ray cluster on loopback, one per test module, always torn down.

The head has CPUs only; the worker node ``gpu-node`` declares 2 logical GPUs, so everything a
spec places on GPUs (``engine.placement: gpu``) runs there, while the CPU build of vLLM does the
work (``engine.device: cpu``).
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from ray_local_cluster import LocalRayCluster

HEAD_CPUS = 2
WORKER_CPUS = 2
WORKER_GPUS = 2


@contextmanager
def two_node_cluster(dashboard: bool) -> Iterator[LocalRayCluster]:
    """Start a head and ``gpu-node``; stop every process of both on exit, whatever happened."""
    # A short root: Ray puts unix sockets under <temp-dir>/session_<long name>/sockets/, and a
    # socket path longer than 107 bytes fails (pytest's tmp_path is too deep for that).
    root = Path(tempfile.mkdtemp(prefix="brc-", dir="/tmp"))
    cluster = LocalRayCluster(root, dashboard=dashboard)
    try:
        cluster.start_head(num_cpus=HEAD_CPUS)
        cluster.add_worker("gpu-node", num_cpus=WORKER_CPUS, num_gpus=WORKER_GPUS)
        if dashboard:
            cluster.wait_for_job_api()
        yield cluster
    finally:
        cluster.shutdown()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def job_cluster() -> Iterator[LocalRayCluster]:
    """The two-node cluster with the dashboard on (the job API that ``ray job submit`` uses)."""
    if importlib.util.find_spec("aiohttp_cors") is None:
        pytest.fail("the Ray dashboard (job API) needs ray[default]: pip install 'ray[default]'")
    with two_node_cluster(dashboard=True) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def gpu_cluster() -> Iterator[LocalRayCluster]:
    """The two-node cluster without the dashboard (drivers join it through the GCS address)."""
    with two_node_cluster(dashboard=False) as cluster:
        yield cluster
