"""The one place that starts Ray (or joins a running cluster) for ``boundary run`` and ``score``."""

from __future__ import annotations

import logging
import os

from boundary_ray.settings import ray_address, ray_driver_env, verbose, worker_env


def start_ray() -> None:
    """Join ``RAY_ADDRESS`` (or the cluster a ``ray job submit`` runs in), else start a local one.

    Ray Data's progress bars and execution logs are turned off: the drain shows its own bar.
    """
    import ray
    from ray.data import DataContext

    if not ray.is_initialized():
        os.environ.update(ray_driver_env())
        ray.init(
            address=ray_address(),
            runtime_env={"env_vars": worker_env()},
            include_dashboard=False,
            logging_level="INFO" if verbose() else "ERROR",
            log_to_driver=verbose(),
        )
    if not verbose():
        logging.getLogger("ray.data").setLevel(logging.ERROR)
    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.verbose_stats_logs = False
