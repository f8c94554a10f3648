"""``boundary import inspect``: Inspect AI logs (``.eval`` or ``.json``), read by inspect-ai's
own ``read_eval_log`` (the optional extra ``boundary-ray[import]``).

Each log sample is one epoch of one dataset sample: its ``epoch`` (from 1) gives the sample's
number, its ``input`` the question (a string, or the last user message), its ``id`` an id
(Inspect numbers samples from 1 when the dataset gives none), ``output.completion`` the
response, ``output.stop_reason`` how it ended (``max_tokens`` / ``model_length`` is a cut-off,
'length'), and its first score the source's verdict (``value_to_float``: 1 is correct). A
sample that ended in an error has no response: it is skipped and counted. Several logs merge,
each log's samples after the previous logs'.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.imports.rows import ImportRow

CUT_OFF = ("max_tokens", "model_length")


def read_inspect_log(path: str) -> Iterator[ImportRow]:
    """The samples of one Inspect log."""
    try:
        from inspect_ai.log import read_eval_log
        from inspect_ai.scorer import value_to_float
    except ImportError:
        raise BoundaryError(
            "import inspect: needs inspect-ai (pip install 'boundary-ray[import]')"
        ) from None
    try:
        log = read_eval_log(path)
    except FileNotFoundError:
        raise BoundaryError(f"{path}: file not found") from None
    except Exception as exc:  # noqa: BLE001 - a file that is not a log: one clear line
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise BoundaryError(f"{path}: not an Inspect log ({type(exc).__name__}: {first})") from None
    to_float = value_to_float()
    for sample in log.samples or []:
        where = f"{path}: sample {sample.id!r} epoch {sample.epoch}"
        question = _text(sample.input)
        if sample.error is not None or sample.output is None:
            yield ImportRow(where=where, response="", skip="the sample ended in an error")
            continue
        usage = sample.output.usage
        reason = sample.output.stop_reason
        yield ImportRow(
            where=where,
            response=sample.output.completion,
            sample_idx=int(sample.epoch) - 1,
            problem_id=str(sample.id) if sample.id is not None else None,
            question=question,
            finish_reason="length" if reason in CUT_OFF else reason,
            source_verdict=_verdict(sample.scores, to_float),
            prompt=question,
            response_tokens=usage.output_tokens if usage is not None else None,
        )


def _text(value: Any) -> str | None:
    """A sample input as text: the string, or the text of its last user message."""
    if isinstance(value, str):
        return value
    for message in reversed(value or []):
        if getattr(message, "role", None) == "user":
            return message.text
    return None


def _verdict(scores: Any, to_float: Any) -> str | None:
    for score in (scores or {}).values():
        try:
            return "correct" if to_float(score.value) >= 1.0 else "wrong"
        except (TypeError, ValueError):  # a dict or list value: no single verdict
            return None
    return None
