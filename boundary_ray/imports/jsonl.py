"""``boundary import jsonl``: the plain format, one line per problem (or per sample).

Each line names its problem by ``problem_id`` (a string or an integer) or ``question`` (its
text), and holds one ``response`` or a list ``responses``. Optional: ``finish_reason`` and
``correct`` (the source's verdict: true/false or a 0/1 score), each a value for ``response`` or
a list as long as ``responses``; ``prompt``; and, with ``response``, ``sample_idx`` (the
sample's number, kept as is). A problem given without ``sample_idx`` takes one line::

    {"problem_id": "p1", "responses": ["... \\boxed{4}", "... \\boxed{5}"], "correct": [true, false]}
    {"question": "What is 2 + 2?", "response": "\\boxed{4}", "sample_idx": 3}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.imports.rows import (
    ImportRow,
    jsonl_lines,
    optional_list,
    string_list,
    text_field,
    verdict_of,
)


def read_jsonl(path: str) -> Iterator[ImportRow]:
    """The samples of one plain JSONL file."""
    for where, record in jsonl_lines(path):
        problem_id = _problem_id(record, where)
        question = text_field(record, "question", where, required=False)
        if problem_id is None and question is None:
            raise BoundaryError(f"{where}: give 'problem_id' or 'question'")
        prompt = text_field(record, "prompt", where, required=False)
        if "responses" in record:
            if "response" in record or "sample_idx" in record:
                raise BoundaryError(f"{where}: give 'response' (with 'sample_idx') or 'responses'")
            responses = string_list(record, "responses", where)
            reasons = optional_list(record, "finish_reason", len(responses), where)
            verdicts = optional_list(record, "correct", len(responses), where)
            for i, response in enumerate(responses):
                yield ImportRow(
                    where=where,
                    response=response,
                    sample_idx=i,
                    problem_id=problem_id,
                    question=question,
                    finish_reason=_reason(reasons[i], where),
                    source_verdict=verdict_of(verdicts[i], where, "correct"),
                    prompt=prompt,
                )
            continue
        sample_idx = record.get("sample_idx")
        if sample_idx is not None and (
            isinstance(sample_idx, bool) or not isinstance(sample_idx, int) or sample_idx < 0
        ):
            raise BoundaryError(f"{where}: field 'sample_idx' must be an integer >= 0")
        yield ImportRow(
            where=where,
            response=text_field(record, "response", where),
            sample_idx=sample_idx or 0,
            problem_id=problem_id,
            question=question,
            finish_reason=_reason(record.get("finish_reason"), where),
            source_verdict=verdict_of(record.get("correct"), where, "correct"),
            prompt=prompt,
            absolute=sample_idx is not None,
        )


def _problem_id(record: dict[str, Any], where: str) -> str | None:
    value = record.get("problem_id")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BoundaryError(f"{where}: field 'problem_id' must be a string or an integer")
    return str(value)


def _reason(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BoundaryError(f"{where}: field 'finish_reason' must be a string")
    return value
