"""Where engine actors go: the Ray resources each sampler replica claims.

- CPU engine: one actor per replica claiming one logical CPU (its threads use every core),
  started with ``engine.CPU_ENGINE_PROCESS_ENV`` (one malloc arena).
- GPU, ``tensor_parallel_size == 1``: one actor per GPU (``num_gpus=1``).
- GPU, ``tensor_parallel_size = t > 1``: the actor claims no GPU itself; it runs inside a
  placement group of ``t`` bundles ``{GPU: 1, CPU: 1}`` with the STRICT_PACK strategy (all on
  one node), captured by child tasks, so vLLM's Ray executor puts its ``t`` workers there.
Replicas come from the spec, or (``replicas: 0``) from the cluster's GPUs // t.
The groups live until ``Placement.release()`` removes them (the driver owns them, so without it
they would hold their GPUs until the driver exits, and a next model could never be placed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.sampler.engine import CPU_ENGINE_PROCESS_ENV
from boundary_ray.spec import EngineSpec


@dataclass(frozen=True)
class Placement:
    """The resolved device, replica count and per-actor Ray arguments for one model's engines."""

    device: str  # the vLLM build to use: 'cpu' or 'cuda' ('fake': no vLLM)
    uses_gpus: bool  # whether actors claim GPUs from Ray
    replicas: int
    remote_args: dict[str, Any]  # passed to map_batches (num_cpus / num_gpus / ray_remote_args_fn)

    def release(self) -> None:
        """Remove the placement groups made for this placement's actors (none when tp == 1).

        Call it once the model's dataset is consumed (or has failed).
        """
        groups = self.remote_args.get("ray_remote_args_fn")
        if isinstance(groups, StrictPackGroups):
            groups.release()


def cluster_gpus() -> int:
    """Logical GPUs in the connected Ray cluster."""
    import ray

    return int(ray.cluster_resources().get("GPU", 0))


def plan_placement(engine: EngineSpec, gpus: int) -> Placement:
    """Decide device, replicas and actor resources from the spec and the cluster's ``gpus``."""
    device = engine.device if engine.device != "auto" else ("cuda" if gpus > 0 else "cpu")
    uses_gpus = engine.placement == "gpu" or (engine.placement == "auto" and device == "cuda")
    tp = engine.tensor_parallel_size
    if uses_gpus:
        if gpus < tp:
            raise BoundaryError(
                f"engine.tensor_parallel_size: {tp} GPUs per replica, but the cluster has {gpus}"
            )
        replicas = engine.replicas or gpus // tp
        if replicas * tp > gpus:
            raise BoundaryError(
                f"engine.replicas: {replicas} x {tp} GPUs asked, but the cluster has {gpus}"
            )
        remote_args: dict[str, Any] = {"num_gpus": 1, "num_cpus": 1}
        if tp > 1:
            remote_args = {"num_gpus": 0, "num_cpus": 0, "ray_remote_args_fn": StrictPackGroups(tp)}
    else:
        if device == "cuda":
            raise BoundaryError("engine.placement: cpu cannot run the cuda engine")
        if tp > 1:
            raise BoundaryError("engine.tensor_parallel_size: the CPU engine here supports only 1")
        replicas = engine.replicas or 1
        remote_args = {"num_cpus": 1, "runtime_env": {"env_vars": dict(CPU_ENGINE_PROCESS_ENV)}}
    return Placement(device, uses_gpus, replicas, remote_args)


def fake_placement(engine: EngineSpec) -> Placement:
    """Placement of ``fake:`` engines (``sampler/fake_sampler.py``): half a CPU each, no GPU."""
    return Placement("fake", False, engine.replicas or 1, {"num_cpus": 0.5})


class StrictPackGroups:
    """A ``ray_remote_args_fn``: each new actor gets its own STRICT_PACK group of ``tp`` GPUs.

    Ray Data calls it on the driver for every actor it starts (restarts included); the groups
    it made are kept so that ``release()`` can remove them.
    """

    def __init__(self, tp: int) -> None:
        self.tp = tp
        self.groups: list[Any] = []

    def __call__(self) -> dict[str, Any]:
        import ray
        from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

        group = ray.util.placement_group([{"GPU": 1, "CPU": 1}] * self.tp, strategy="STRICT_PACK")
        self.groups.append(group)
        return {
            "scheduling_strategy": PlacementGroupSchedulingStrategy(
                placement_group=group, placement_group_capture_child_tasks=True
            )
        }

    def release(self) -> None:
        """Remove every group made so far."""
        import ray

        while self.groups:
            ray.util.remove_placement_group(self.groups.pop())
