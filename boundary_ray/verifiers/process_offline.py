"""``boundary verify process IN.jsonl``: process verdicts for loose responses, one JSON line each.

Each input line is ``{"response": ..., "meta": ...}`` with ``meta`` as the problems table holds
it (a JSON object or its string; at least ``steps`` and ``target``), and may carry
``finish_reason`` and ``answer`` (the gold answer; default: the value of the asked step). One
result per input line, in order: ``process_verdict``, ``process_reason``, ``correct`` (the
answer verdict of ``MathVerifier``), ``verdict``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.verifiers.process_graph import gold_graph
from boundary_ray.verifiers.process_verifier import judge_process


def verify_process_jsonl(path: str, timeout_s: float | None = None) -> Iterator[dict[str, Any]]:
    """Yield one result dict per line of ``path`` ('-' = stdin), in order."""
    from boundary_ray.verifiers.math_verifier import MathVerifier
    from boundary_ray.verifiers.offline import _open

    if timeout_s is not None and timeout_s <= 0:
        raise BoundaryError(f"verify: --timeout must be > 0, got {timeout_s:g}")
    name = "<stdin>" if path == "-" else path
    handle = sys.stdin if path == "-" else _open(path)
    math = MathVerifier() if timeout_s is None else MathVerifier(timeout_s=timeout_s)
    try:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{name}:{number}"
            row = _parse_line(line, where)
            try:
                process = judge_process(row["response"], row["meta"], row["finish_reason"])
            except BoundaryError as exc:
                raise BoundaryError(f"{where}: {exc}") from None
            verdict, _ = math.judge(row)
            yield {
                "process_verdict": process.verdict,
                "process_reason": process.reason,
                "correct": verdict.correct,
                "verdict": verdict.verdict,
            }
    finally:
        if handle is not sys.stdin:
            handle.close()
        math.close()


def _parse_line(line: str, where: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BoundaryError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise BoundaryError(f"{where}: expected a JSON object, got {type(record).__name__}")
    for field in ("response", "meta"):
        if field not in record:
            raise BoundaryError(f"{where}: missing field {field!r}")
    if not isinstance(record["response"], str):
        raise BoundaryError(f"{where}: field 'response' must be a string")
    meta = record["meta"]
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except json.JSONDecodeError:
            raise BoundaryError(f"{where}: field 'meta' is a string but not JSON") from None
    if not isinstance(meta, dict):
        raise BoundaryError(f"{where}: field 'meta' must be a JSON object")
    for field in ("steps", "target"):
        if field not in meta:
            raise BoundaryError(f"{where}: meta: missing field {field!r}")
    try:
        graph = gold_graph(meta)
    except BoundaryError as exc:
        raise BoundaryError(f"{where}: {exc}") from None
    answer = record.get("answer")
    if answer is None and graph is not None:
        answer = graph.quantities[graph.target].value
    if isinstance(answer, dict | list | bool) or answer is None:
        raise BoundaryError(f"{where}: field 'answer' must be a string or a number")
    return {
        "task": "math",
        "response": record["response"],
        "meta": meta,
        "answer": str(answer),
        "finish_reason": record.get("finish_reason"),
        "question": record.get("question"),
    }
