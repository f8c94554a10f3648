"""The orphan guard ends a process whose parent died."""

from __future__ import annotations

import os
import subprocess
import sys
import time

CHILD = """
import sys, time
from boundary_ray.common.orphan_guard import exit_when_orphaned
exit_when_orphaned(interval_s=0.1)
print("ready", flush=True)
time.sleep(60)
"""

PARENT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline().strip() == "ready"
print(child.pid, flush=True)
"""


def test_orphaned_process_exits() -> None:
    parent = subprocess.run(
        [sys.executable, "-c", PARENT, CHILD], capture_output=True, text=True, timeout=60
    )
    child_pid = int(parent.stdout.strip())
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(child_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(child_pid, 9)
    raise AssertionError("the orphan kept running")
