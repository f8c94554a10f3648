"""A memory and pids cgroup around one sandbox, where the host lets us make one.

``create(memory_mb, pids)`` makes a fresh cgroup for one run and returns a ``Cgroup`` whose
``wrap(command)`` puts the command in it *before* it starts (a ``/bin/sh`` that writes its own
pid to ``cgroup.procs`` and then ``exec``s, so no process of the sandbox ever runs outside the
cap); ``remove()`` deletes it after the run. It caps the whole sandbox, every process and the
private ``/tmp`` (tmpfs pages are charged to the cgroup that wrote them) together:

- cgroup v2 (``memory.max``, ``memory.swap.max = 0``, ``pids.max``): under the directory named
  by ``BOUNDARY_RAY_CGROUP`` (a cgroup delegated to this user with ``memory`` and ``pids`` in
  its ``cgroup.subtree_control``), else under this process's own cgroup when those controllers
  are enabled for its children;
- cgroup v1 (``memory.limit_in_bytes``, ``memory.memsw.limit_in_bytes`` where present,
  ``pids.max``): under this process's own ``memory`` and ``pids`` cgroups, when writable
  (root on a v1 host, as on these development machines).

Where neither works, ``create`` returns ``None`` and the sandbox has per-process rlimits only:
``Limits.worst_case_mb`` (processes x address space + ``/tmp``) per sandbox, times
``verify.workers`` sandboxes at once. ``available()`` says which case holds.
"""

from __future__ import annotations

import functools
import os
import secrets
import shlex
import time
from dataclasses import dataclass
from pathlib import Path

from boundary_ray.settings import delegated_cgroup

ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Cgroup:
    """One run's cgroup: one directory (v2) or one per controller (v1)."""

    dirs: tuple[Path, ...]

    def wrap(self, command: list[str]) -> list[str]:
        """``command`` run so that it enters this cgroup before it starts."""
        enter = " && ".join(f"echo $$ > {shlex.quote(str(d / 'cgroup.procs'))}" for d in self.dirs)
        return ["/bin/sh", "-c", f'{enter} && exec "$@"', "sh", *command]

    def remove(self, wait_s: float = 2.0) -> bool:
        """Delete the cgroup once its last process is gone (the sandbox was killed and reaped,
        but the kernel may still be tearing down its PID namespace); ``False`` if it could not."""
        end = time.monotonic() + wait_s
        left = list(self.dirs)
        while left:
            for path in list(left):
                try:
                    path.rmdir()
                    left.remove(path)
                except FileNotFoundError:
                    left.remove(path)
                except OSError:
                    pass
            if not left or time.monotonic() > end:
                break
            time.sleep(0.005)
        return not left


def create(memory_mb: int, pids: int) -> Cgroup | None:
    """A fresh cgroup capping memory (no swap) and process count, or ``None`` where the host
    does not let this process make one."""
    kind, parents = _parents()
    if kind is None:
        return None
    name = f"boundary-sandbox-{os.getpid()}-{secrets.token_hex(4)}"
    limit = str(memory_mb << 20)
    made: list[Path] = []
    try:
        for parent in parents:
            path = parent / name
            path.mkdir()
            made.append(path)
            if kind == "v2":
                _write(path / "memory.max", limit)
                _write(path / "memory.swap.max", "0", optional=True)
                _write(path / "pids.max", str(pids))
            elif parent.parts[4] == "memory":
                _write(path / "memory.limit_in_bytes", limit)
                _write(path / "memory.memsw.limit_in_bytes", limit, optional=True)
            else:
                _write(path / "pids.max", str(pids))
    except OSError:
        Cgroup(tuple(made)).remove(wait_s=0)
        return None
    return Cgroup(tuple(made))


def available() -> str | None:
    """``'v2'`` or ``'v1'`` when sandboxes get a memory and pids cgroup here, else ``None``."""
    return _parents()[0]


@functools.cache
def _parents() -> tuple[str | None, tuple[Path, ...]]:
    """Where run cgroups go: (kind, parent directories); probed once per process."""
    for kind, parents in _candidates():
        probe = f"boundary-probe-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            for parent in parents:
                (parent / probe).mkdir()
                (parent / probe).rmdir()
        except OSError:
            continue
        return kind, parents
    return None, ()


def _candidates() -> list[tuple[str, tuple[Path, ...]]]:
    own = _own_cgroups()
    found = []
    delegated = delegated_cgroup()
    if delegated:
        found.append(("v2", (Path(delegated),)))
    if (ROOT / "cgroup.controllers").exists() and "" in own:
        parent = ROOT / own[""].lstrip("/")
        if {"memory", "pids"} <= set(_read(parent / "cgroup.subtree_control").split()):
            found.append(("v2", (parent,)))
    if "memory" in own and "pids" in own:
        memory = ROOT / "memory" / own["memory"].lstrip("/")
        pids = ROOT / "pids" / own["pids"].lstrip("/")
        if (memory / "memory.limit_in_bytes").exists() and (pids / "cgroup.procs").exists():
            found.append(("v1", (memory, pids)))
    return found


def _own_cgroups() -> dict[str, str]:
    """controller -> path from ``/proc/self/cgroup`` (``''`` is the v2 hierarchy)."""
    own = {}
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(","):
                own[controller] = parts[2]
    return own


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _write(path: Path, value: str, optional: bool = False) -> None:
    try:
        path.write_text(value)
    except OSError:
        if not optional:
            raise
