"""``boundary import nemo-skills``: NeMo-Skills generation files, ``output-rs{seed}.jsonl``.

``nemo_skills/inference/generate.py`` writes one line per input data point: every field of the
input (``problem``, ``expected_answer``, ``id``, ...) and ``generation``, with
``num_generated_tokens`` and ``finish_reason`` where the server gave them; its evaluators add the
verdict (``symbolic_correct`` for math, ``is_correct`` for code, ``judgement`` from an LLM
judge). Lines keep the order of the input, so a line's position is the problem's index. One
sample per problem per file; several seed files merge, each file's samples after the previous
files'.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.imports.rows import ImportRow, jsonl_lines, text_field, verdict_of

ID_FIELDS = ("id", "problem_id", "unique_id", "task_id")
QUESTION_FIELDS = ("problem", "question")
VERDICT_FIELDS = ("symbolic_correct", "is_correct")


def read_nemo_skills(path: str) -> Iterator[ImportRow]:
    """The samples of one NeMo-Skills output file."""
    for position, (where, record) in enumerate(jsonl_lines(path)):
        tokens = record.get("num_generated_tokens")
        yield ImportRow(
            where=where,
            response=text_field(record, "generation", where),
            index=position,
            problem_id=_first(record, ID_FIELDS),
            question=_first(record, QUESTION_FIELDS),
            finish_reason=_reason(record.get("finish_reason")),
            source_verdict=_verdict(record, where),
            response_tokens=tokens if isinstance(tokens, int) and tokens >= 0 else None,
        )


def _first(record: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


def _reason(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return "length" if value in ("length", "max_tokens") else value


def _verdict(record: dict[str, Any], where: str) -> str | None:
    for name in VERDICT_FIELDS:
        if name in record:
            return verdict_of(record[name], where, name)
    judgement = record.get("judgement")
    if judgement is None:
        return None
    if not isinstance(judgement, str):
        raise BoundaryError(f"{where}: field 'judgement' must be a string")
    # as NeMo-Skills' is_correct_judgement (metrics/utils.py): the text after the last
    # "Judgement:" starts with yes or no; a judgement in no such form counts as not correct
    if "Judgement:" in judgement:
        verdict = judgement.split("Judgement:")[-1].strip().lower()
        if verdict.startswith("yes"):
            return "correct"
    return "wrong"
