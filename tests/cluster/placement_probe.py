"""A driver for a test cluster: place light stand-in engines with ``plan_placement``'s arguments,
exactly as the pipeline places ``VLLMSampler`` (Ray Data ``map_batches``, an actor pool of
replicas and ``**placement.remote_args``), and print where they landed as one JSON line.

    RAY_ADDRESS=127.0.0.1:<port> python placement_probe.py TP REPLICAS

It runs as its own process (not inside pytest) so that it joins the test cluster with that
cluster's token and leaves nothing of Ray behind in the test process.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


class GpuProbe:
    """Stand-in for ``VLLMSampler``: reports the GPUs Ray gave it and, for ``tp > 1``, the GPUs
    of ``tp`` child workers it starts the way vLLM's Ray executor does (inside the captured
    placement group, one GPU each)."""

    def __init__(self, tp: int) -> None:
        import ray

        self.info = _where()
        self.info["workers"] = []
        if tp > 1:
            worker = ray.remote(num_gpus=1, num_cpus=1)(_where)
            self.info["workers"] = ray.get([worker.remote() for _ in range(tp)])

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        time.sleep(0.3)  # keep every replica busy, so each of them takes a batch
        return {"info": [json.dumps(self.info)] * len(batch["x"])}


def _where() -> dict[str, Any]:
    """This process's Ray actor, node, GPU ids and placement group."""
    import ray

    ctx = ray.get_runtime_context()
    group = ray.util.get_current_placement_group()
    return {
        "actor_id": ctx.get_actor_id(),
        "node_id": ctx.get_node_id(),
        "gpu_ids": sorted(str(g) for g in ray.get_gpu_ids()),
        "group": group.id.hex() if group else None,
    }


def main(tp: int, replicas: int) -> dict[str, Any]:
    """Plan, run a small dataset through the planned engines, return what the cluster saw."""
    import ray
    import ray.data

    from boundary_ray.sampler.placement import cluster_gpus, plan_placement
    from boundary_ray.spec import EngineSpec

    ray.init(address="auto", logging_level="ERROR", log_to_driver=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.wait_for_min_actors_s = 120  # every replica is up before the first batch is handed out
    engine = EngineSpec(tensor_parallel_size=tp, replicas=replicas, device="cpu", placement="gpu")
    placement = plan_placement(engine, cluster_gpus())
    blocks = [{"x": [i]} for i in range(4 * placement.replicas)]
    ds = ray.data.from_items(blocks, override_num_blocks=len(blocks)).map_batches(
        GpuProbe,
        fn_constructor_kwargs={"tp": tp},
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=placement.replicas),
        **placement.remote_args,
    )
    infos = {row["info"] for row in ds.take_all()}
    placement.release()
    time.sleep(1)  # removing a placement group returns its resources asynchronously
    gpu_nodes = [n["NodeID"] for n in ray.nodes() if n["Alive"] and n["Resources"].get("GPU")]
    result = {
        "replicas": placement.replicas,
        "actor_args": {k: v for k, v in placement.remote_args.items() if k != "ray_remote_args_fn"},
        "engines": [json.loads(i) for i in sorted(infos)],
        "groups": list(ray.util.placement_group_table().values()),
        "gpu_nodes": gpu_nodes,
        "gpus_free_after": ray.available_resources().get("GPU", 0),
    }
    ray.shutdown()
    return result


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2])), default=str))
