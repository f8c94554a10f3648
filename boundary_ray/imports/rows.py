"""The plain row every format reader yields, and the line reader they share.

A reader knows one file format and nothing else: it turns each sample of a file into an
``ImportRow`` that says where it came from (``file:line``), which problem it answers (an id, an
index into the benchmark, the question text: whatever the file has), its number among that
problem's samples in this file, the response, and what the tool that wrote the file judged.
Matching the problem, numbering across files, verifying and writing are the import job's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boundary_ray.common.jsonl import jsonl_objects
from boundary_ray.errors import BoundaryError

# A line longer than this is refused rather than parsed (a response of ~16 M characters is far
# beyond any model's context; a corrupt or binary file is the likelier cause).
MAX_LINE_BYTES = 64 << 20


@dataclass(frozen=True)
class ImportRow:
    """One sample as a reader found it.

    ``problem_id`` / ``index`` / ``question``: what the file says about the problem (any may be
    None; the job matches them to the benchmark). ``sample_idx``: the sample's number among the
    problem's samples in this file; with ``absolute`` the file numbers samples itself and the
    number is kept as is across files, else the job places this file's samples after the
    previous files' samples of the problem. ``source_verdict``: 'correct' | 'wrong' | None.
    ``skip``: why the file's sample is not imported (an Inspect sample that ended in an error);
    the job counts it instead.
    """

    where: str
    response: str
    sample_idx: int = 0
    problem_id: str | None = None
    index: int | None = None
    question: str | None = None
    finish_reason: str | None = None
    source_verdict: str | None = None
    prompt: str | None = None
    response_tokens: int | None = None
    absolute: bool = False
    skip: str | None = None


def verdict_of(value: Any, where: str, field: str) -> str | None:
    """A tool's own verdict as 'correct' / 'wrong': a boolean, or a number (1 or more is
    correct, as a score of 1.0); None stays None. Anything else is a ``BoundaryError``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "correct" if value else "wrong"
    if isinstance(value, int | float):
        return "correct" if value >= 1 else "wrong"
    raise BoundaryError(f"{where}: field {field!r} must be true/false or a number, got {value!r}")


def text_field(record: dict[str, Any], field: str, where: str, required: bool = True) -> Any:
    """``record[field]`` as a string (None when absent and not ``required``)."""
    value = record.get(field)
    if value is None:
        if required:
            raise BoundaryError(f"{where}: missing field {field!r}")
        return None
    if not isinstance(value, str):
        raise BoundaryError(
            f"{where}: field {field!r} must be a string, got {type(value).__name__}"
        )
    return value


def string_list(record: dict[str, Any], field: str, where: str) -> list[str]:
    """``record[field]`` as a list of strings."""
    value = record.get(field)
    if not isinstance(value, list):
        raise BoundaryError(f"{where}: field {field!r} must be a list of strings")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise BoundaryError(
                f"{where}: field {field!r}[{i}] must be a string, got {type(item).__name__}"
            )
    return value


def optional_list(record: dict[str, Any], field: str, length: int, where: str) -> list[Any]:
    """``record[field]``, a list of ``length`` values, or ``length`` Nones when absent."""
    value = record.get(field)
    if value is None:
        return [None] * length
    if not isinstance(value, list) or len(value) != length:
        raise BoundaryError(f"{where}: field {field!r} must be a list of {length} values")
    return value


def jsonl_lines(path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, record)`` for each non-blank line of ``path``, ``where`` being ``file:line``,
    through the project's one JSONL reader (``common/jsonl.py``: a line that is not a JSON object
    is a ``BoundaryError`` naming it); a line past ``MAX_LINE_BYTES`` is refused unparsed."""
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 - closed by the with below
    except FileNotFoundError:
        raise BoundaryError(f"{path}: file not found") from None
    except OSError as exc:
        raise BoundaryError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        for number, record in jsonl_objects(_capped(handle, path), path):
            yield f"{path}:{number}", record


def _capped(lines: Iterable[bytes], path: str) -> Iterator[bytes]:
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise BoundaryError(f"{path}:{number}: line longer than {MAX_LINE_BYTES >> 20} MiB")
        yield raw
