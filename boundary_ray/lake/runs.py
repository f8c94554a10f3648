"""The runs of a lake, read from ``runs/<run_id>.json``, each with its state.

A manifest's ``status`` is what its run last wrote. A run killed with SIGKILL (or whose
machine died) wrote nothing more and still says ``running``; its state is decided here:

- on the host that runs it (same host name and boot id): alive while its pid exists and
  started when the manifest says (a later process that reuses the pid is not the run);
- elsewhere, or when the pid's start time is unknown: alive while its heartbeat is younger
  than its lease (``lease_s``, default five minutes; the run beats every 30 s);
- a manifest from before lake schema version 2 records neither: a run that still says
  ``running`` there is ``interrupted`` (those versions are not running any more).

States: ``running``, ``done``, ``interrupted``, ``failed``. ``mark_interrupted`` writes the
state into dead runs' manifests (each new run does it first); ``list_runs`` only reads.
"""

from __future__ import annotations

import calendar
import json
import os
import time
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs

from boundary_ray.common.clock import utc_stamp
from boundary_ray.lake.host import boot_id, process_start
from boundary_ray.lake.location import open_lake

STATES = ("running", "done", "interrupted", "failed")


def read_manifests(lake: str, skipped: list[str] | None = None) -> list[dict[str, Any]]:
    """Every readable manifest of ``lake``, sorted by run id. A ``.json`` file in ``runs/`` that
    is not one (unreadable, not JSON, no ``run_id``) is skipped, and its lake-relative path
    appended to ``skipped`` when given."""
    location = open_lake(lake)
    fs, root = location.fs, location.root
    selector = pafs.FileSelector(f"{root}/runs", allow_not_found=True)
    found = []
    for info in fs.get_file_info(selector):
        if info.type != pafs.FileType.File or not info.path.endswith(".json"):
            continue
        try:
            with fs.open_input_stream(info.path) as stream:
                data = json.loads(stream.read())
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("run_id"):
            found.append(data)
        elif skipped is not None:
            skipped.append(f"runs/{info.base_name}")
    return sorted(found, key=lambda m: str(m["run_id"]))


def run_state(manifest: dict[str, Any], now: float | None = None) -> str:
    """``running``, ``done``, ``interrupted`` or ``failed`` for one manifest (see module doc)."""
    status = manifest.get("status")
    if status in ("done", "failed", "interrupted"):
        return status
    if status != "running":
        return "failed"  # a status this version does not know is not a finished run
    host = manifest.get("host") or {}
    pid, started = host.get("pid"), host.get("pid_start")
    here = host.get("hostname") == _hostname() and host.get("boot_id") == boot_id()
    if here and isinstance(pid, int) and started is not None:
        return "running" if process_start(pid) == started else "interrupted"
    if here and isinstance(pid, int) and not _pid_exists(pid):
        return "interrupted"
    beat = _epoch(manifest.get("heartbeat_at"))
    lease = manifest.get("lease_s")
    if beat is None or not isinstance(lease, int | float):
        return "interrupted"  # written before heartbeats existed
    return "running" if (time.time() if now is None else now) - beat <= lease else "interrupted"


def mark_interrupted(lake: str) -> list[str]:
    """Rewrite every dead run that still says ``running`` as ``interrupted``; their run ids."""
    location = open_lake(lake)
    fs, root = location.fs, location.root
    marked = []
    for manifest in read_manifests(lake):
        if manifest.get("status") != "running" or run_state(manifest) != "interrupted":
            continue
        manifest.update(
            status="interrupted",
            finished_at=manifest.get("heartbeat_at") or manifest.get("started_at"),
            interrupted_seen_at=utc_stamp(),
        )
        final = f"{root}/runs/{manifest['run_id']}.json"
        tmp = f"{final}.{os.getpid()}.tmp"
        with fs.open_output_stream(tmp) as out:
            out.write(json.dumps(manifest, indent=2, default=str).encode())
        fs.move(tmp, final)
        marked.append(str(manifest["run_id"]))
    return marked


def list_runs(lake: str, skipped: list[str] | None = None) -> pa.Table:
    """One row per run: id, command, name, state, times, schema version and summed counters.

    ``counts`` sums each numeric counter over the run's models (``rows=64 correct=12 ...``), in
    the order the run wrote them; ``counters`` keeps the manifest's counters as JSON. Files in
    ``runs/`` that are not manifests go to ``skipped`` (``read_manifests``).
    """
    rows = []
    now = time.time()
    for manifest in read_manifests(lake, skipped):
        started = _epoch(manifest.get("started_at"))
        ended = _epoch(manifest.get("finished_at"))
        state = run_state(manifest, now)
        if ended is None and state == "interrupted":
            ended = _epoch(manifest.get("heartbeat_at"))
        if ended is None and state == "running":
            ended = now
        spec = manifest.get("spec") or {}
        rows.append(
            {
                "run_id": str(manifest["run_id"]),
                "command": manifest.get("command"),
                "name": spec.get("name") if isinstance(spec, dict) else None,
                "state": state,
                "started_at": manifest.get("started_at"),
                "finished_at": manifest.get("finished_at"),
                "seconds": None if started is None or ended is None else round(ended - started, 1),
                "host": (manifest.get("host") or {}).get("hostname"),
                "schema_version": manifest.get("lake_schema_version", 1),
                "counts": summed_counts(manifest.get("counters")),
                "counters": json.dumps(manifest.get("counters") or {}, sort_keys=True),
            }
        )
    return pa.Table.from_pylist(rows, schema=RUNS_SCHEMA)


RUNS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("command", pa.string()),
        ("name", pa.string()),
        ("state", pa.string()),
        ("started_at", pa.string()),
        ("finished_at", pa.string()),
        ("seconds", pa.float64()),
        ("host", pa.string()),
        ("schema_version", pa.int64()),
        ("counts", pa.string()),
        ("counters", pa.string()),
    ]
)


def summed_counts(counters: Any) -> str:
    """``key=value`` for each numeric counter, summed over per-model (nested) mappings."""
    totals: dict[str, float] = {}

    def add(node: Any, prefix: str) -> None:
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                name = f"{prefix}{key}"
                totals[name] = totals.get(name, 0) + value
            elif isinstance(value, dict):
                # per-model mappings sum under their keys; other mappings keep their name
                nested_models = all(isinstance(v, dict) for v in node.values())
                add(value, prefix if nested_models else f"{prefix}{key}.")

    add(counters, "")
    return " ".join(f"{k}={_number(v)}" for k, v in totals.items())


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _epoch(stamp: Any) -> float | None:
    """Seconds since the epoch of a manifest time (``2025-01-02T03:04:05Z``); None if absent."""
    if not isinstance(stamp, str):
        return None
    try:
        return float(calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
