"""The math-verify child program: one JSON request line in, one JSON reply line out.

Run as ``python -m boundary_ray.verifiers.math.equivalence_child PARENT_PID`` by
``MathEquivalenceClient``. math-verify's own timeouts are off (they need ``SIGALRM``, hence
the main thread); the parent enforces the deadline by killing this process.

Protocol: after start-up the child writes ``{"status": "ready"}``; then for each request
``{"gold": str, "pred": str}`` it writes ``{"status": S}`` (``equal``, ``different``,
``gold_unparsed``, ``pred_unparsed``) or ``{"status": "error", "detail": str}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from typing import Any

from boundary_ray.common.orphan_guard import exit_when_orphaned

GOLD_CACHE_SIZE = 4096  # parsed golds kept; cleared whole when full
_E_NOTATION_RE = re.compile(r"^(-?\d+(?:\.\d+)?)e([-+]?\d+)$", re.IGNORECASE)

_gold_cache: dict[str, list] = {}


def wrap(answer: str) -> str:
    """Present an answer so that math-verify parses it as LaTeX: ``\\boxed{...}``."""
    match = _E_NOTATION_RE.match(answer.strip())
    if match:  # 3.3e12: sympy would read e as Euler's number
        answer = f"{match.group(1)}\\times10^{{{int(match.group(2))}}}"
    return f"\\boxed{{{answer}}}"


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The reply to one request: parse both sides and compare them with math-verify."""
    from math_verify import parse, verify

    try:
        gold = request["gold"]
        if gold not in _gold_cache:
            if len(_gold_cache) > GOLD_CACHE_SIZE:
                _gold_cache.clear()
            _gold_cache[gold] = parse(wrap(gold), parsing_timeout=None)
        gold_parsed = _gold_cache[gold]
        pred_parsed = parse(wrap(request["pred"]), parsing_timeout=None)
        if not gold_parsed:
            return {"status": "gold_unparsed"}
        if not pred_parsed:
            return {"status": "pred_unparsed"}
        equal = verify(gold_parsed, pred_parsed, timeout_seconds=None)
        return {"status": "equal" if equal else "different"}
    except Exception as exc:  # noqa: BLE001 - reported to the parent as an error verdict
        return {"status": "error", "detail": f"{type(exc).__name__}: {exc}"[:300]}


def _die_with_parent(parent: int) -> None:
    """Die with the parent (killed -9 mid-comparison, say). On Linux the kernel kills us
    (``PR_SET_PDEATHSIG``) even inside a long C call; a thread also polls the parent."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG

    exit_when_orphaned(parent, interval_s=1.0)


def main() -> None:
    """The child's loop; ``sys.argv[1]`` is the parent's process id."""
    import logging

    _die_with_parent(int(sys.argv[1]))
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the protocol
    logging.disable(logging.WARNING)
    from math_verify import parse

    parse("\\boxed{1}", parsing_timeout=None)  # warm up sympy before saying ready
    protocol.write(json.dumps({"status": "ready"}) + "\n")
    protocol.flush()
    for line in sys.stdin:
        protocol.write(json.dumps(answer(json.loads(line))) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
