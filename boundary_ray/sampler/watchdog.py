"""Exit an engine process whose Ray node died under it.

A Ray worker busy inside engine steps can miss its raylet's death and run on as an orphan,
holding cores and memory (seen here after a driver was killed). The watchdog thread notices
that the process was re-parented and ends it.
"""

from __future__ import annotations

import os
import threading
import time


def start_parent_watchdog(interval_s: float = 2.0) -> threading.Thread:
    """Start a daemon thread that calls ``os._exit(1)`` once this process's parent changes."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval_s)
            if os.getppid() != parent:
                os._exit(1)

    thread = threading.Thread(target=watch, name="parent-watchdog", daemon=True)
    thread.start()
    return thread
