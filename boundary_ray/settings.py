"""Environment variables, read in one place and typed."""

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


def cpu_threads() -> int:
    """Threads for the CPU engine: ``$BOUNDARY_RAY_CPU_THREADS`` or every core."""
    return int(os.environ.get("BOUNDARY_RAY_CPU_THREADS") or os.cpu_count() or 1)


def verbose() -> bool:
    """Show engine and Ray worker logs on the driver (``BOUNDARY_RAY_VERBOSE=1``)."""
    return os.environ.get("BOUNDARY_RAY_VERBOSE", "") not in ("", "0", "false")


def worker_env() -> dict[str, str]:
    """Environment for every Ray worker of a run (the engine's logs stay quiet unless verbose)."""
    env = {"TOKENIZERS_PARALLELISM": "false"}
    if not verbose():
        env.update(VLLM_LOGGING_LEVEL="ERROR", PYTHONWARNINGS="ignore")
    return env
