"""End a process whose parent died under it.

A Ray worker busy inside engine steps can miss its raylet's death and run on as an orphan,
holding cores and memory (seen here after a driver was killed); a verifier's child process can
outlive a killed verifier. A daemon thread notices that the process was re-parented and exits.
"""

from __future__ import annotations

import os
import threading
import time


def exit_when_orphaned(parent: int | None = None, interval_s: float = 2.0) -> threading.Thread:
    """Start a daemon thread that calls ``os._exit(1)`` once this process's parent is no longer
    ``parent`` (default: the parent it has now)."""
    parent = os.getppid() if parent is None else parent

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(1)

    thread = threading.Thread(target=watch, name="orphan-guard", daemon=True)
    thread.start()
    return thread
