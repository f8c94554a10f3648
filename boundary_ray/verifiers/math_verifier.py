"""The math verifier: extract the final answer, then judge it equal to the gold or not.

Equivalence is ``math-verify``'s (``parse`` + ``verify``), behind a cheap exact/numeric fast
path. math-verify's own timeout uses ``SIGALRM``, which works only in a process's main thread,
and a Ray worker may call us from another thread; so math-verify runs in a long-lived child
process (``python -m boundary_ray.verifiers.math_verifier``, one JSON line per request) with its
own timeouts off, and a sample that takes longer than ``timeout_s`` gets the verdict ``timeout``
while the child is killed and restarted (on the next sample that needs it).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import select
import subprocess
import sys
import threading
import time
from typing import Any

from boundary_ray.orphan_guard import exit_when_orphaned
from boundary_ray.verifiers.answer_extraction import extract_answer
from boundary_ray.verifiers.base import Verdict, Verifier

STARTUP_TIMEOUT_S = 120.0  # importing sympy on a busy 2-core machine; not counted per sample
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$", re.IGNORECASE)
_THOUSANDS_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_E_NOTATION_RE = re.compile(r"^(-?\d+(?:\.\d+)?)e([-+]?\d+)$", re.IGNORECASE)
_NOISE = ("\\left", "\\right", "\\!", "\\,", "\\;", "\\:", "\\displaystyle", "\\$", "$")


class MathVerifier(Verifier):
    """Judge math samples: row keys ``response``, ``answer`` (gold), ``finish_reason``."""

    name = "math"

    def __init__(self, timeout_s: float = 5.0, _debug_sleep_s: float = 0.0) -> None:
        """``timeout_s``: hard limit per sample for math-verify. ``_debug_sleep_s`` (tests only)
        makes the child sleep that long before each comparison."""
        super().__init__()
        self.timeout_s = timeout_s
        self._debug_sleep_s = _debug_sleep_s
        self._debug_exit = False  # tests only: the child exits instead of answering
        self.restarts = 0  # children killed for a timeout or found dead
        self._child: _Child | None = None
        self._lock = threading.Lock()

    def verify_one(self, row: dict[str, Any]) -> Verdict:
        """Extract the answer of ``row['response']`` and compare it with ``row['answer']``."""
        gold = row.get("answer")
        if gold is None or not str(gold).strip():
            return Verdict("error", reason="no gold answer")
        gold = str(gold).strip()
        found = extract_answer(row.get("response"), row.get("finish_reason"))
        if found is None:
            if row.get("finish_reason") == "length":
                reason = "truncated (finish_reason=length) before an explicit final answer"
            else:
                reason = "no \\boxed{}, 'the answer is', '####' or number in the response"
            return Verdict("no_answer", reason=reason)
        pred, rule = found.answer, found.rule
        fast = fast_compare(gold, pred)
        if fast is True:
            return Verdict("correct", pred, rule)
        if fast is False:
            return Verdict("wrong", pred, rule, f"{_short(pred)} != gold {_short(gold)}")
        status, detail = self.compare(gold, pred)
        if status == "equal":
            return Verdict("correct", pred, rule)
        if status == "different":
            return Verdict("wrong", pred, rule, f"{_short(pred)} != gold {_short(gold)}")
        if status == "pred_unparsed":
            return Verdict("wrong", pred, rule, f"answer {_short(pred)} does not parse as math")
        if status == "gold_unparsed":
            return Verdict("wrong", pred, rule, f"gold {_short(gold)} does not parse; text differs")
        return Verdict(status, pred, rule, detail)

    def compare(self, gold: str, pred: str) -> tuple[str, str | None]:
        """math-verify alone (no fast path), in the child, under the hard timeout.

        Returns ``(status, detail)``; status is ``equal``, ``different``, ``gold_unparsed``,
        ``pred_unparsed``, ``timeout`` or ``error``.
        """
        request = {
            "gold": gold,
            "pred": pred,
            "sleep": self._debug_sleep_s,
            "exit": self._debug_exit,
        }
        with self._lock:
            for attempt in (1, 2):  # a child found dead (killed from outside) gets one retry
                if self._child is not None and not self._child.alive():
                    self._restart()
                if self._child is None:
                    self._child = _Child()
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

    def child_pid(self) -> int | None:
        """The process id of the current math-verify child, if one is running."""
        return self._child.proc.pid if self._child is not None else None

    def close(self) -> None:
        """Stop the child process (a later sample starts a new one)."""
        child, self._child = self._child, None
        if child is not None:
            child.close()

    def _restart(self) -> None:
        self.restarts += 1
        self.close()

    def __getstate__(self) -> dict[str, Any]:  # picklable for Ray: the child stays behind
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


def fast_compare(gold: str, pred: str) -> bool | None:
    """Cheap verdict without math-verify: True when the texts or plain numbers are equal,
    False when both are plain numbers far apart, None when math-verify must decide."""
    g, p = _canonical(gold), _canonical(pred)
    if g == p:
        return True
    gn, pn = _plain_number(g), _plain_number(p)
    if gn is None or pn is None:
        return None
    if math.isclose(gn, pn, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if not math.isclose(gn, pn, rel_tol=1e-4, abs_tol=1e-6):
        return False
    return None  # close but not equal: math-verify's rounding rules decide


def _canonical(text: str) -> str:
    """Remove what never changes the meaning: spacing, \\left/\\right, $ signs, a final period."""
    for noise in _NOISE:
        text = text.replace(noise, "")
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    return "".join(text.split()).rstrip(".")


def _plain_number(text: str) -> float | None:
    if _THOUSANDS_RE.match(text):
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


class _Child:
    """The math-verify process: one JSON request line in, one JSON reply line out."""

    def __init__(self) -> None:
        env = (
            os.environ.copy()
        )  # find this package even where it is not installed (Ray working_dir)
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "boundary_ray.verifiers.math_verifier", str(os.getpid())],
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


def _wrap(answer: str) -> str:
    """Present an answer so that math-verify parses it as LaTeX: ``\\boxed{...}``."""
    match = _E_NOTATION_RE.match(answer.strip())
    if match:  # 3.3e12: sympy would read e as Euler's number
        answer = f"{match.group(1)}\\times10^{{{int(match.group(2))}}}"
    return f"\\boxed{{{answer}}}"


def _die_with_parent(parent: int) -> None:
    """In the child: die with the parent (killed -9 mid-comparison, say). On Linux the kernel
    kills us (``PR_SET_PDEATHSIG``) even inside a long C call; a thread also polls the parent."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG

    exit_when_orphaned(parent, interval_s=1.0)


def _child_main() -> None:
    """The child's loop: parse and verify with math-verify, timeouts off (the parent kills)."""
    import logging

    _die_with_parent(int(sys.argv[1]))
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the protocol
    logging.disable(logging.WARNING)
    from math_verify import parse, verify

    gold_cache: dict[str, list] = {}
    parse("\\boxed{1}", parsing_timeout=None)  # warm up sympy before saying ready
    protocol.write(json.dumps({"status": "ready"}) + "\n")
    protocol.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("sleep"):
            time.sleep(request["sleep"])
        if request.get("exit"):  # tests only: a crash in the middle of a sample
            os._exit(3)
        try:
            gold = request["gold"]
            if gold not in gold_cache:
                if len(gold_cache) > 4096:
                    gold_cache.clear()
                gold_cache[gold] = parse(_wrap(gold), parsing_timeout=None)
            gold_parsed = gold_cache[gold]
            pred_parsed = parse(_wrap(request["pred"]), parsing_timeout=None)
            if not gold_parsed:
                reply = {"status": "gold_unparsed"}
            elif not pred_parsed:
                reply = {"status": "pred_unparsed"}
            else:
                equal = verify(gold_parsed, pred_parsed, timeout_seconds=None)
                reply = {"status": "equal" if equal else "different"}
        except Exception as exc:  # noqa: BLE001 - reported to the parent as an error verdict
            reply = {"status": "error", "detail": f"{type(exc).__name__}: {exc}"[:300]}
        protocol.write(json.dumps(reply) + "\n")
        protocol.flush()


if __name__ == "__main__":
    _child_main()
