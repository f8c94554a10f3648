"""``MathEquivalenceClient``: math-verify in a long-lived child process, under a hard timeout.

math-verify's own timeout uses ``SIGALRM``, which works only in a process's main thread, and a
Ray worker may call us from another thread; so math-verify runs in a child
(``equivalence_child``, one JSON line per request) with its own timeouts off. A
comparison that takes longer than ``timeout_s`` is answered ``timeout`` and the child is killed;
the next comparison starts a fresh one. A child found dead (killed from outside) is restarted
and the comparison retried once.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

STARTUP_TIMEOUT_S = 120.0  # importing sympy on a busy 2-core machine; not counted per sample
CHILD_MODULE = "boundary_ray.verifiers.math.equivalence_child"


class MathEquivalenceClient:
    """Ask the math-verify child whether two answers are equal; thread-safe and picklable
    (the child stays behind: a copy starts its own on first use)."""

    def __init__(self, timeout_s: float = 5.0, command: Sequence[str] | None = None) -> None:
        """``timeout_s``: hard limit per comparison. ``command``: the child's argv (default:
        this interpreter running ``CHILD_MODULE``); the parent's pid is appended to it."""
        self.timeout_s = timeout_s
        self.command = list(command) if command else [sys.executable, "-m", CHILD_MODULE]
        self.restarts = 0  # children killed for a timeout or found dead
        self._child: _Child | None = None
        self._lock = threading.Lock()

    def compare(self, gold: str, pred: str) -> tuple[str, str | None]:
        """math-verify's verdict on ``pred`` against ``gold``, in the child, under the timeout.

        Returns ``(status, detail)``; status is ``equal``, ``different``, ``gold_unparsed``,
        ``pred_unparsed``, ``timeout`` or ``error``.
        """
        request = {"gold": gold, "pred": pred}
        with self._lock:
            for attempt in (1, 2):  # a child found dead gets one retry
                self._ensure_child()
                try:
                    reply = self._child.ask(request, self.timeout_s)
                except TimeoutError:
                    self._restart()
                    return "timeout", f"math-verify took over {self.timeout_s:g}s; child killed"
                except EOFError as exc:
                    self._restart()
                    if attempt == 2:
                        return "error", f"verifier child died twice on this sample: {exc}"
                    continue
                return reply["status"], reply.get("detail")
        raise AssertionError("unreachable")

    def start(self) -> None:
        """Start the child now, not at the first comparison (its imports take a second or two);
        a running child is kept. A child that cannot start is left to the first comparison,
        where it fails that sample (``error``), as without this call."""
        with self._lock, contextlib.suppress(RuntimeError, TimeoutError, EOFError, OSError):
            self._ensure_child()

    def _ensure_child(self) -> None:
        """A running child: a dead one is replaced, a missing one started (lock held)."""
        if self._child is not None and not self._child.alive():
            self._restart()
        if self._child is None:
            self._child = _Child(self.command)

    def child_pid(self) -> int | None:
        """The process id of the current child, if one is running."""
        return self._child.proc.pid if self._child is not None else None

    def close(self) -> None:
        """Stop the child (a later comparison starts a new one)."""
        child, self._child = self._child, None
        if child is not None:
            child.close()

    def _restart(self) -> None:
        self.restarts += 1
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_child"] = None
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown anything may be gone
            self.close()


class _Child:
    """One child process: a JSON request line in, a JSON reply line out."""

    def __init__(self, command: list[str]) -> None:
        # find this package even where it is not installed (Ray working_dir)
        env = os.environ.copy()
        package_root = str(Path(os.path.abspath(__file__)).parents[3])  # holds boundary_ray/
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [*command, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._buffer = b""
        try:
            ready = self._read_line(time.monotonic() + STARTUP_TIMEOUT_S)
        except (TimeoutError, EOFError):
            self.close()
            raise
        if json.loads(ready).get("status") != "ready":
            self.close()
            raise RuntimeError(f"math-verify child did not start: {ready[:200]!r}")

    def ask(self, request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Send one request; raise TimeoutError after ``timeout_s``, EOFError if it died."""
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise EOFError(f"cannot write to the child ({exc})") from None
        return json.loads(self._read_line(time.monotonic() + timeout_s))

    def _read_line(self, deadline: float) -> str:
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                raise TimeoutError
            chunk = os.read(fd, 65536)
            if not chunk:
                raise EOFError(f"exit status {self.proc.poll()}")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.proc.poll() is None

    def close(self) -> None:
        """Kill the child and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
