"""GPU placement on a real two-node cluster without GPUs: the worker node declares 2 logical GPUs.

Light stand-in engines (placement_probe.py) are placed with ``plan_placement``'s arguments through
Ray Data, as the pipeline places vLLM; the CPU build of vLLM supports only tp=1, so the tp=2
group is checked with stand-ins that start one GPU worker per bundle, as vLLM's Ray executor does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ray_local_cluster import LocalRayCluster

pytestmark = pytest.mark.cluster

PROBE = Path(__file__).with_name("placement_probe.py")
REPO = Path(__file__).resolve().parents[2]


def _probe(cluster: LocalRayCluster, tp: int, replicas: int) -> dict:
    """Run placement_probe.py as a driver on ``cluster``; its JSON report."""
    done = subprocess.run(
        [sys.executable, str(PROBE), str(tp), str(replicas)],
        env={**cluster.env, "RAY_ADDRESS": cluster.gcs_address},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_tp1_replicas_each_hold_a_distinct_gpu(gpu_cluster: LocalRayCluster) -> None:
    report = _probe(gpu_cluster, tp=1, replicas=2)
    assert report["replicas"] == 2
    assert report["actor_args"] == {"num_gpus": 1, "num_cpus": 1}
    engines = report["engines"]
    assert len({e["actor_id"] for e in engines}) == 2  # both replicas took batches
    assert all(len(e["gpu_ids"]) == 1 for e in engines)
    assert sorted(e["gpu_ids"][0] for e in engines) == ["0", "1"]  # distinct GPUs
    (gpu_node,) = report["gpu_nodes"]
    assert {e["node_id"] for e in engines} == {gpu_node}
    assert all(e["group"] is None for e in engines)  # tp=1: no placement group
    assert report["gpus_free_after"] == 2


def test_tp2_gets_one_strict_pack_group_on_one_node(gpu_cluster: LocalRayCluster) -> None:
    report = _probe(gpu_cluster, tp=2, replicas=0)  # 0: one replica per 2 of the 2 GPUs
    assert report["replicas"] == 1
    assert report["actor_args"] == {"num_gpus": 0, "num_cpus": 0}
    (engine,) = report["engines"]
    assert engine["gpu_ids"] == []  # the engine itself claims no GPU; its workers do
    (group,) = [g for g in report["groups"] if g["placement_group_id"] == engine["group"]]
    assert group["strategy"] == "STRICT_PACK"
    assert group["bundles"] == {"0": {"GPU": 1.0, "CPU": 1.0}, "1": {"GPU": 1.0, "CPU": 1.0}}
    (gpu_node,) = report["gpu_nodes"]
    assert set(group["bundles_to_node_id"].values()) == {gpu_node}  # packed on one node
    workers = engine["workers"]
    assert [w["group"] for w in workers] == [engine["group"]] * 2  # captured by the group
    assert sorted(w["gpu_ids"][0] for w in workers) == ["0", "1"]
    assert {w["node_id"] for w in workers} == {gpu_node}
    # release() removed the group: its GPUs are free for the next model of the job
    assert group["state"] == "REMOVED"
    assert report["gpus_free_after"] == 2
