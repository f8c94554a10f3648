"""``boundary verify process IN.jsonl``: process verdicts for loose responses, one JSON line each.

Each input line is ``{"response": ..., "meta": ...}`` with ``meta`` as the problems table holds
it (a JSON object or its string; at least ``steps`` and ``target``), and may carry
``finish_reason`` and ``answer`` (the gold answer; default: the value of the asked step). One
result per input line, in order: ``process_verdict``, ``process_reason``, ``correct`` (the
answer verdict of ``MathVerifier``), ``verdict``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.verifiers.offline import json_object_field, jsonl_records
from boundary_ray.verifiers.process.graph import gold_graph
from boundary_ray.verifiers.process.verifier import judge_process


def verify_process_jsonl(path: str, timeout_s: float | None = None) -> Iterator[dict[str, Any]]:
    """Yield one result dict per line of ``path`` ('-' = stdin), in order."""
    from boundary_ray.verifiers.math.verifier import MathVerifier

    if timeout_s is not None and timeout_s <= 0:
        raise BoundaryError(f"verify: --timeout must be > 0, got {timeout_s:g}")
    math = MathVerifier() if timeout_s is None else MathVerifier(timeout_s=timeout_s)
    try:
        for where, record in jsonl_records(path):
            row = _parse_record(record, where)
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
        math.close()


def _parse_record(record: dict[str, Any], where: str) -> dict[str, Any]:
    for field in ("response", "meta"):
        if field not in record:
            raise BoundaryError(f"{where}: missing field {field!r}")
    if not isinstance(record["response"], str):
        raise BoundaryError(f"{where}: field 'response' must be a string")
    meta = json_object_field(record, "meta", where)
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
