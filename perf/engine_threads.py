"""What an engine's two busiest threads got while a benchmark side ran, read from ``/proc``.

``EngineThreads(pid)`` samples, every few seconds, the busiest process among ``pid`` and its
descendants (the bare side's own process; for a pipeline side, the Ray worker that holds the
engine: Ray's raylet is the driver's child and starts the workers) and, over the middle half of
the samples (engine start and the last batches left out), reports:

- ``share_pct``: the CPU time of its two busiest threads (the OpenMP team of a 2-core CPU engine)
  as a share of all the CPU time the machine's cores gave;
- ``preempted_per_s``: how often those threads were switched out while runnable;
- ``idle_pct``: the share of the cores' time that was idle.

Linux only; elsewhere it reports nothing. ``pipeline_overhead.py`` prints it for every run.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path


def machine_ticks() -> list[int]:
    """The machine's CPU ticks so far, from ``/proc/stat``: user, nice, system, idle, iowait,
    irq, softirq, steal (``OSError`` where there is none)."""
    return [int(t) for t in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]


def _stat_fields(path: str) -> list[str]:
    """The fields of a ``/proc/.../stat`` file after the command name."""
    raw = Path(path).read_text()
    return raw[raw.rindex(")") + 2 :].split()


def _busiest_below(root: int) -> int | None:
    """Of ``root`` and every process below it, the one with the most CPU time so far (one read
    of each process's ``stat``)."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = _stat_fields(f"/proc/{entry}/stat")
                parent, cpu = int(fields[1]), int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
            ticks[int(entry)] = cpu
    best, todo = None, [root]
    while todo:
        pid = todo.pop()
        if pid in ticks and (best is None or ticks[pid] > ticks[best]):
            best = pid
        todo.extend(children.get(pid, []))
    return best


def _threads(pid: int) -> dict[str, tuple[int, int]]:
    """Each thread of ``pid``: (CPU ticks, involuntary context switches)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            fields = _stat_fields(f"/proc/{pid}/task/{tid}/stat")
            status = Path(f"/proc/{pid}/task/{tid}/status").read_text()
        except OSError:
            continue
        switches = next(
            int(line.split()[1])
            for line in status.splitlines()
            if line.startswith("nonvoluntary_ctxt_switches")
        )
        out[tid] = (int(fields[11]) + int(fields[12]), switches)
    return out


class EngineThreads:
    """Sample the engine process under ``root`` every ``every_s`` seconds until ``stop()``."""

    def __init__(self, root: int, every_s: float = 5.0) -> None:
        self.root, self.every_s = root, every_s
        self.samples: list[tuple[float, int, int, int, dict]] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> EngineThreads:
        if Path("/proc/stat").exists():
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._done.wait(self.every_s):
            try:
                pid = _busiest_below(self.root)
                if pid is not None:
                    ticks = machine_ticks()
                    self.samples.append(
                        (time.time(), pid, sum(ticks), ticks[3] + ticks[4], _threads(pid))
                    )
            except OSError:
                continue  # the side ended between two reads

    def stop(self) -> dict[str, float]:
        """The summary over the middle half of the samples (empty when there were too few)."""
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()
        if not self.samples:
            return {}
        # the engine: the process that was the busiest at most samples (not at the last one:
        # a pipeline's driver outlives its engine, and compacts the lake after it)
        pid = Counter(s[1] for s in self.samples).most_common(1)[0][0]
        mine = [s for s in self.samples if s[1] == pid]
        if len(mine) < 4:
            return {}
        (t0, _, all0, idle0, th0), (t1, _, all1, idle1, th1) = (
            mine[len(mine) // 4],
            mine[3 * len(mine) // 4],
        )
        both = [t for t in th1 if t in th0]
        busiest = sorted(both, key=lambda t: th1[t][0] - th0[t][0])[-2:]
        ticks = max(all1 - all0, 1)
        return {
            "share_pct": 100 * sum(th1[t][0] - th0[t][0] for t in busiest) / ticks,
            "preempted_per_s": sum(th1[t][1] - th0[t][1] for t in busiest) / max(t1 - t0, 1e-9),
            "idle_pct": 100 * (idle1 - idle0) / ticks,
        }
