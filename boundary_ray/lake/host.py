"""Who runs this process, told apart from any later process: host name, boot id, pid and the
pid's start time. A run manifest records it; ``lake/runs.py`` compares it to tell a live run
from a dead one."""

from __future__ import annotations

import os
import platform
import socket
from typing import Any


def boot_id() -> str | None:
    """This machine's boot id (Linux), which changes at every boot; None elsewhere."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def process_start(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot (Linux); None if gone or unknown.

    With the boot id it tells a live run's process from a later one that reuses its pid.
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # the command name may hold spaces
    if not fields or fields[0] in ("Z", "X"):  # a zombie has exited: killed, not yet reaped
        return None
    try:
        return int(fields[19])  # field 22 of proc(5), counted after pid and comm
    except (IndexError, ValueError):
        return None


def process_identity() -> dict[str, Any]:
    """Who runs this process: host name, boot id, pid and its start time, Python version."""
    pid = os.getpid()
    return {
        "hostname": socket.gethostname(),
        "python": platform.python_version(),
        "boot_id": boot_id(),
        "pid": pid,
        "pid_start": process_start(pid),
    }
