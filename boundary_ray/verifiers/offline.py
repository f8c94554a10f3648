"""``boundary verify math|code|visual IN.jsonl``: re-grade responses offline, one JSON line each.

Input lines carry ``response`` and ``answer`` (math, visual) or ``tests`` (code: a JSON object
or a JSON string), and may carry ``finish_reason`` and ``question``; visual lines may carry
MathVista's ``question_type, answer_type, choices, precision, unit``. One result per input line, in
order: ``correct``, ``verdict``, ``extracted_answer``, ``answer_rule``, ``reason``, ``verify_ms``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from boundary_ray.common.jsonl import BIG_INT, jsonl_objects
from boundary_ray.errors import BoundaryError
from boundary_ray.verifiers.base import Verifier

REQUIRED = {
    "math": ("response", "answer"),
    "code": ("response", "tests"),
    "visual": ("response", "answer"),
}


def verify_jsonl(task: str, path: str, timeout_s: float | None = None) -> Iterator[dict[str, Any]]:
    """Yield one verdict dict per line of ``path`` ('-' = stdin), in order."""
    if task not in REQUIRED:
        raise BoundaryError(f"verify: unknown task {task!r} (math, code or visual)")
    if timeout_s is not None and timeout_s <= 0:
        raise BoundaryError(f"verify: --timeout must be > 0, got {timeout_s:g}")
    verifier = _make_verifier(task, timeout_s)
    try:
        for where, record in jsonl_records(path):
            row = _parse_record(record, task, where)
            verdict, elapsed_ms = verifier.judge(row)
            yield {
                "correct": verdict.correct,
                "verdict": verdict.verdict,
                "extracted_answer": verdict.extracted_answer,
                "answer_rule": verdict.answer_rule,
                "reason": verdict.reason,
                "verify_ms": round(elapsed_ms, 3),
            }
    finally:
        close = getattr(verifier, "close", None)
        if close is not None:
            close()


def jsonl_records(path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, record)`` for each non-blank line of ``path`` ('-' = stdin), ``where`` being
    ``file:line``; a line that is not a JSON object is a ``BoundaryError`` naming it."""
    name = "<stdin>" if path == "-" else path
    handle = sys.stdin if path == "-" else _open(path)
    try:
        for number, record in jsonl_objects(handle, name):
            yield f"{name}:{number}", record
    finally:
        if handle is not sys.stdin:
            handle.close()


def json_object_field(record: dict[str, Any], field: str, where: str) -> dict[str, Any]:
    """``record[field]`` as a dict: a JSON object, or a string holding one."""
    value = record[field]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise BoundaryError(f"{where}: field {field!r} is a string but not JSON") from None
        except ValueError:
            raise BoundaryError(f"{where}: field {field!r}: {BIG_INT}") from None
    if not isinstance(value, dict):
        raise BoundaryError(f"{where}: field {field!r} must be a JSON object")
    return value


def _open(path: str) -> Any:
    try:
        return open(path, encoding="utf-8")  # noqa: SIM115 - closed by the generator
    except FileNotFoundError:
        raise BoundaryError(f"{path}: file not found") from None
    except OSError as exc:
        raise BoundaryError(f"{path}: cannot read ({exc.strerror})") from None


def _make_verifier(task: str, timeout_s: float | None) -> Verifier:
    if task == "math":
        from boundary_ray.verifiers.math.verifier import MathVerifier

        return MathVerifier() if timeout_s is None else MathVerifier(timeout_s=timeout_s)
    if task == "visual":
        from boundary_ray.verifiers.visual import VisualVerifier

        return VisualVerifier() if timeout_s is None else VisualVerifier(timeout_s=timeout_s)
    try:
        from boundary_ray.verifiers.code.verifier import CodeVerifier
    except ImportError:
        raise BoundaryError(
            "verify code: boundary_ray.verifiers.code.verifier is not available"
        ) from None
    return CodeVerifier() if timeout_s is None else CodeVerifier(timeout_s=timeout_s)


def _parse_record(record: dict[str, Any], task: str, where: str) -> dict[str, Any]:
    for name in REQUIRED[task]:
        if name not in record:
            raise BoundaryError(f"{where}: missing field {name!r}")
    response = record["response"]
    if not isinstance(response, str):
        raise BoundaryError(f"{where}: field 'response' must be a string")
    row: dict[str, Any] = {
        "task": task,
        "response": response,
        "finish_reason": record.get("finish_reason"),
        "question": record.get("question"),
    }
    if task in ("math", "visual"):
        answer = record["answer"]
        if isinstance(answer, dict | list | bool) or answer is None:
            raise BoundaryError(f"{where}: field 'answer' must be a string or a number")
        row["answer"] = str(answer)
        if task == "visual":
            row.update(_visual_fields(record, where))
    else:
        row["tests"] = json.dumps(json_object_field(record, "tests", where))
    return row


def _visual_fields(record: dict[str, Any], where: str) -> dict[str, Any]:
    """MathVista's grading fields, checked: each optional, ``choices`` a list of strings."""
    from boundary_ray.verifiers.visual import ANSWER_TYPES, QUESTION_TYPES

    choices = record.get("choices")
    if choices is not None and (
        not isinstance(choices, list) or not all(isinstance(c, str | int | float) for c in choices)
    ):
        raise BoundaryError(f"{where}: field 'choices' must be a list of strings")
    for name, allowed in (("question_type", QUESTION_TYPES), ("answer_type", ANSWER_TYPES)):
        value = record.get(name)
        if value is not None and value not in allowed:
            raise BoundaryError(
                f"{where}: field {name!r}: {value!r} is not one of {', '.join(allowed)}"
            )
    precision = record.get("precision")
    if precision is not None and (
        isinstance(precision, bool) or not isinstance(precision, int | float)
    ):
        raise BoundaryError(f"{where}: field 'precision' must be a number")
    unit = record.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise BoundaryError(f"{where}: field 'unit' must be a string")
    return {
        "question_type": record.get("question_type"),
        "answer_type": record.get("answer_type"),
        "choices": [str(c) for c in choices] if choices is not None else None,
        "precision": precision,
        "unit": unit,
    }
