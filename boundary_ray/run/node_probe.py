"""Before sampling: every Ray node that may run a writer sees the driver's lake and can write it.

A local path (``lake: ./lake``) on a cluster of several machines names a folder on each
machine's own disk: writers would scatter the lake over them, and the next run's plan would
draw again the samples that sit on another machine. A node may also see the lake and be unable
to write it (no credentials for the bucket, a read-only mount). So before the first engine
starts, the driver writes a probe file into the lake (``<lake>/_probe/<run_id>/driver``); a task
pinned to each alive node with CPUs (``NodeAffinitySchedulingStrategy``, no resources claimed)
reads it back and writes its own beside it, and the driver reads each node's file back. The
first node that fails stops the run with one line that names it and says what to do: an
``s3://`` lake or a folder every node mounts, or (an object store) the ``AWS_*`` variables the
driver has and the node lacks. The probe files are deleted afterwards.

A run whose only node is the driver's own, on a local lake, skips it (one GCS call). Nodes
that join later (an autoscaler's) are not checked: give them the same mounts and credentials.
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.object_store import put_whole, redacted, store_error

PROBE_DIR = "_probe"
TIMEOUT_S = 180.0


def start_ray_for_lake(lake: str, run_id: str) -> None:
    """Start (or join) Ray for a run on ``lake``: an object-store lake's ``AWS_*`` settings
    (``settings.storage_env``) go to every worker's runtime env; then ``check_nodes_see_lake``."""
    from boundary_ray.run.ray_session import start_ray
    from boundary_ray.settings import storage_env

    start_ray(storage_env() if not open_lake(lake).local else None)
    check_nodes_see_lake(lake, run_id)


def check_nodes_see_lake(lake: str, run_id: str) -> None:
    """Stop with a ``BoundaryError`` naming the first node that cannot read the driver's probe
    file in ``lake`` or write its own there (see the module docstring)."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    nodes = [n for n in ray.nodes() if n.get("Alive") and _runs_tasks(n)]
    here = ray.get_runtime_context().get_node_id()
    if open_lake(lake).local and all(n["NodeID"] == here for n in nodes):
        return  # one machine, the driver's: nothing can differ
    from boundary_ray.settings import storage_env

    location = open_lake(lake)

    fs, root = location.fs, location.root
    folder = f"{root}/{PROBE_DIR}/{run_id}"
    token = uuid.uuid4().hex
    try:
        try:
            _write(fs, f"{folder}/driver", token)
        except (OSError, pa.ArrowException) as exc:  # the driver itself cannot write it
            if open_lake(lake).local:
                raise BoundaryError(f"lake {lake}: the driver cannot write it ({exc})") from None
            raise store_error(lake, exc) from None
        probe = ray.remote(probe_node)
        refs = {
            probe.options(
                num_cpus=0,
                scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False),
            ).remote(lake, folder, token, sorted(storage_env())): n
            for n in nodes
        }
        done, _ = ray.wait(list(refs), num_returns=len(refs), timeout=TIMEOUT_S)
        for ref, node in refs.items():
            if ref not in done:
                raise BoundaryError(
                    f"lake {redacted(lake)}: node {_name(node)} did not answer the lake check"
                    f" within {TIMEOUT_S:.0f} s (is it healthy? `ray status`)"
                )
            try:
                answer = ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - a node that cannot run the task at all
                first = " ".join(str(exc).split())[:300]
                raise BoundaryError(
                    f"lake {redacted(lake)}: node {_name(node)} could not run the lake check"
                    f" ({type(exc).__name__}: {first})"
                ) from None
            back = _read(fs, f"{folder}/{answer['file']}") if "problem" not in answer else None
            _judge(lake, node, answer, token, back)
    finally:
        _remove(fs, root, folder)


def probe_node(lake: str, folder: str, token: str, driver_vars: list[str]) -> dict[str, Any]:
    """On one node: read the driver's probe, write this node's own; what went wrong, if
    anything, and which of the driver's ``AWS_*`` variables this node lacks."""
    import ray

    from boundary_ray.settings import storage_env

    node_id = ray.get_runtime_context().get_node_id()
    answer: dict[str, Any] = {
        "host": socket.gethostname(),
        "file": node_id,
        "missing": [v for v in driver_vars if v not in storage_env()],
    }
    try:
        fs = open_lake(lake).fs
        seen = _read(fs, f"{folder}/driver")
    except (OSError, pa.ArrowException) as exc:
        return {**answer, "problem": "read", "error": " ".join(str(exc).split())}
    if seen != token:
        return {**answer, "problem": "see", "error": "no probe file" if seen is None else seen}
    try:
        _write(fs, f"{folder}/{node_id}", f"{token} {node_id}")
    except (OSError, pa.ArrowException) as exc:
        return {**answer, "problem": "write", "error": " ".join(str(exc).split())}
    return answer


def _judge(
    lake: str, node: dict[str, Any], answer: dict[str, Any], token: str, back: str | None
) -> None:
    """Raise for a node whose answer, or whose file as the driver reads it ``back``, is wrong."""
    name, shown = _name(node), redacted(lake)
    problem, error = answer.get("problem"), answer.get("error", "")
    if not open_lake(lake).local and problem in ("read", "write"):
        reason = str(store_error(lake, OSError(error))).removeprefix(f"lake {shown}: ")
        lacks = answer.get("missing") or []
        hint = f"; it lacks {', '.join(lacks)}, which the driver has" if lacks else ""
        verb = "read" if problem == "read" else "write"
        raise BoundaryError(f"lake {shown}: node {name} cannot {verb} the lake: {reason}{hint}")
    shared = "use an s3:// lake or a folder every node mounts (NFS, a ReadWriteMany volume)"
    if problem in ("read", "see"):
        raise BoundaryError(
            f"lake {shown}: node {name} does not see the lake the driver writes (its probe"
            f" file is not there: {error[:200]}); a local path is a folder on each machine's"
            f" own disk: {shared}"
        )
    if problem == "write":
        raise BoundaryError(
            f"lake {shown}: node {name} sees the lake but cannot write it ({error[:200]});"
            " give its Ray workers write access there, or " + shared
        )
    if back is None or back.split(" ", 1)[0] != token:
        raise BoundaryError(
            f"lake {shown}: node {name} wrote its probe file where the driver cannot read it"
            f" (the lake path is on the node's own disk): {shared}"
        )


def _runs_tasks(node: dict[str, Any]) -> bool:
    """A node that offers CPUs: writers (and engines) can be scheduled there; a head with
    ``num-cpus: 0`` (KubeRay's) runs none of them."""
    return float((node.get("Resources") or {}).get("CPU", 0)) > 0


def _name(node: dict[str, Any]) -> str:
    """A node as messages name it: host name, address and the start of its node id."""
    host = node.get("NodeManagerHostname") or "?"
    return f"{host} ({node.get('NodeManagerAddress', '?')}, node id {node['NodeID'][:12]})"


def _write(fs: pafs.FileSystem, path: str, text: str) -> None:
    if isinstance(fs, pafs.LocalFileSystem):
        fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
        with fs.open_output_stream(path) as out:
            out.write(text.encode())
    else:
        put_whole(fs, path, text.encode())


def _read(fs: pafs.FileSystem, path: str) -> str | None:
    """The probe file's text, or None when there is none."""
    try:
        with fs.open_input_stream(path) as stream:
            return stream.read().decode(errors="replace")
    except FileNotFoundError:
        return None


def _remove(fs: pafs.FileSystem, root: str, folder: str) -> None:
    """Delete this run's probe files (and the probe folder once empty); never fails the run."""
    try:
        fs.delete_dir(folder)
        parent = f"{root}/{PROBE_DIR}"
        if isinstance(fs, pafs.LocalFileSystem) and not fs.get_file_info(pafs.FileSelector(parent)):
            fs.delete_dir(parent)
    except (OSError, pa.ArrowException):
        pass
