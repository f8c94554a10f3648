"""``boundary import lm-eval``: lm-evaluation-harness ``--log_samples`` files,
``samples_<task>_<date>.jsonl``.

lm-eval's ``evaluator.evaluate`` logs one line per document and filter, and its
``EvaluationTracker.save_results_samples`` writes it: ``doc_id`` (the document's position in the
task's split), ``doc`` (the document itself), ``target``, ``arguments`` (``gen_args_0.arg_0`` is
the prompt), ``resps`` (per request, its ``repeats`` raw generations), ``filtered_resps``,
``filter``, ``metrics`` (the metric names) and each metric's value. A ``generate_until`` task
has one request per document: its repeats become samples 0, 1, ... . The metric is computed on
the filtered response, so it is the source's verdict of a sample only when there is one repeat.
A task with several filters logs each document once per filter, with the same raw responses:
the first line is kept, the others must agree with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.imports.rows import ImportRow, jsonl_lines, verdict_of

ID_FIELDS = ("task_id", "unique_id", "id", "problem_id")
QUESTION_FIELDS = ("question", "problem", "Question", "input")


def read_lm_eval(path: str) -> Iterator[ImportRow]:
    """The samples of one lm-eval samples file."""
    seen: dict[int, tuple[str, str, str]] = {}  # doc_id -> (filter, digest of resps, where)
    for where, record in jsonl_lines(path):
        doc_id = record.get("doc_id")
        if isinstance(doc_id, bool) or not isinstance(doc_id, int):
            raise BoundaryError(f"{where}: field 'doc_id' must be an integer")
        responses = _responses(record, where)
        filter_name = str(record.get("filter"))
        digest = hashlib.sha256(json.dumps(responses).encode()).hexdigest()
        if doc_id in seen:
            first_filter, first_digest, first_where = seen[doc_id]
            if filter_name == first_filter or digest != first_digest:
                raise BoundaryError(f"{where}: duplicate of doc_id {doc_id} ({first_where})")
            continue  # the same generations, logged again for another filter
        seen[doc_id] = (filter_name, digest, where)
        doc = record.get("doc")
        if not isinstance(doc, dict):
            raise BoundaryError(f"{where}: field 'doc' must be a JSON object")
        verdict = _verdict(record, where) if len(responses) == 1 else None
        for i, response in enumerate(responses):
            yield ImportRow(
                where=where,
                response=response,
                sample_idx=i,
                problem_id=_first(doc, ID_FIELDS),
                index=doc_id,
                question=_first(doc, QUESTION_FIELDS),
                source_verdict=verdict,
                prompt=_prompt(record),
            )


def _responses(record: dict[str, Any], where: str) -> list[str]:
    resps = record.get("resps")
    if not isinstance(resps, list) or not resps:
        raise BoundaryError(f"{where}: field 'resps' must be a non-empty list")
    if len(resps) != 1:
        raise BoundaryError(
            f"{where}: {len(resps)} requests for one document: not a generate_until task "
            "(multiple choice and loglikelihood tasks have no responses to verify)"
        )
    repeats = resps[0]
    if not isinstance(repeats, list) or not all(isinstance(r, str) for r in repeats):
        raise BoundaryError(
            f"{where}: field 'resps'[0] must be a list of generated strings "
            "(a loglikelihood task logs numbers: nothing to verify)"
        )
    return repeats


def _first(doc: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = doc.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


def _verdict(record: dict[str, Any], where: str) -> str | None:
    """The first of the line's metrics (its ``metrics`` list) that holds a 0/1 or boolean."""
    names = record.get("metrics")
    for name in names if isinstance(names, list) else []:
        value = record.get(name)
        if isinstance(value, bool | int | float) and value in (0, 1):
            return verdict_of(value, where, str(name))
    return None


def _prompt(record: dict[str, Any]) -> str | None:
    arguments = record.get("arguments")
    if isinstance(arguments, dict):
        first = arguments.get("gen_args_0")
        if isinstance(first, dict) and isinstance(first.get("arg_0"), str):
            return first["arg_0"]
    return None
