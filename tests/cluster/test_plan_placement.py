"""``plan_placement`` on its own: device, replica count and actor resources from the spec and the
cluster's GPU count (no Ray needed; test_gpu_placement.py checks them on a real cluster)."""

from __future__ import annotations

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.sampler.engine import CPU_ENGINE_PROCESS_ENV
from boundary_ray.sampler.placement import StrictPackGroups, plan_placement
from boundary_ray.spec import EngineSpec


def test_no_gpus_runs_one_cpu_engine() -> None:
    plan = plan_placement(EngineSpec(replicas=0), gpus=0)
    assert (plan.device, plan.uses_gpus, plan.replicas) == ("cpu", False, 1)
    assert plan.remote_args["num_cpus"] == 1
    assert plan.remote_args["runtime_env"] == {"env_vars": CPU_ENGINE_PROCESS_ENV}


@pytest.mark.parametrize(
    ("gpus", "tp", "replicas"), [(1, 1, 1), (4, 1, 4), (4, 2, 2), (5, 2, 2), (8, 4, 2)]
)
def test_replicas_zero_takes_one_replica_per_gpu_group(gpus: int, tp: int, replicas: int) -> None:
    plan = plan_placement(EngineSpec(tensor_parallel_size=tp, replicas=0), gpus=gpus)
    assert (plan.device, plan.uses_gpus, plan.replicas) == ("cuda", True, replicas)


def test_replicas_from_the_spec_win_over_the_gpu_count() -> None:
    plan = plan_placement(EngineSpec(replicas=3), gpus=4)
    assert plan.replicas == 3
    assert plan.remote_args == {"num_gpus": 1, "num_cpus": 1}


def test_tensor_parallel_replicas_get_a_strict_pack_group_each() -> None:
    plan = plan_placement(EngineSpec(tensor_parallel_size=2, replicas=0), gpus=4)
    make_group = plan.remote_args.pop("ray_remote_args_fn")
    assert plan.remote_args == {"num_gpus": 0, "num_cpus": 0}  # the group's bundles hold them
    assert isinstance(make_group, StrictPackGroups) and make_group.tp == 2
    assert make_group.groups == []  # made lazily, one per actor Ray Data starts


def test_gpu_placement_with_the_cpu_engine_for_logical_gpus() -> None:
    plan = plan_placement(EngineSpec(device="cpu", placement="gpu", replicas=0), gpus=2)
    assert (plan.device, plan.uses_gpus, plan.replicas) == ("cpu", True, 2)
    assert plan.remote_args == {"num_gpus": 1, "num_cpus": 1}


def test_release_without_groups_is_a_no_op() -> None:
    plan_placement(EngineSpec(), gpus=0).release()
    plan_placement(EngineSpec(), gpus=2).release()


@pytest.mark.parametrize(
    ("engine", "gpus", "message"),
    [
        (
            EngineSpec(tensor_parallel_size=4),
            2,
            "engine.tensor_parallel_size: 4 GPUs per replica, but the cluster has 2",
        ),
        (
            EngineSpec(placement="gpu", device="cpu"),
            0,
            "engine.tensor_parallel_size: 1 GPUs per replica, but the cluster has 0",
        ),
        (EngineSpec(replicas=3), 2, "engine.replicas: 3 x 1 GPUs asked, but the cluster has 2"),
        (
            EngineSpec(tensor_parallel_size=2, replicas=2),
            3,
            "engine.replicas: 2 x 2 GPUs asked, but the cluster has 3",
        ),
        (
            EngineSpec(placement="cpu", device="cuda"),
            2,
            "engine.placement: cpu cannot run the cuda engine",
        ),
        (
            EngineSpec(tensor_parallel_size=2),
            0,
            "engine.tensor_parallel_size: the CPU engine here supports only 1",
        ),
    ],
)
def test_too_few_gpus_and_impossible_combinations_are_errors(
    engine: EngineSpec, gpus: int, message: str
) -> None:
    with pytest.raises(BoundaryError) as err:
        plan_placement(engine, gpus=gpus)
    assert str(err.value) == message
