"""Visual benchmarks: MathVista and MathVision records, and images for any problem file.

Both are recognized by their published fields:

- ``mathvista`` (``AI4Math/MathVista``, split ``testmini``): ``pid, question, query, image``
  (a path) / ``decoded_image`` (the bytes), ``choices, answer, answer_type``
  (integer|float|text|list), ``question_type`` (multi_choice|free_form), ``precision, unit,
  metadata``. The prompt is ``query`` (the question with its hint and lettered choices); the
  gold of a multiple-choice problem is the option's *text*.
- ``mathvision`` (``MathLLMs/MathVision``, split ``testmini``): ``id, question, options, image,
  answer, level, subject``. Choices are appended as ``(A) ...`` lines; a multiple-choice gold is
  a *letter*; ``<image1>`` placeholders are removed from the question.

A problem's grading fields go to its ``meta`` (``question_type, answer_type, choices, precision,
unit``), where the visual verifier finds them. Images come as bytes (Parquet ``{"bytes": ...}``,
base64 or a ``data:`` URI in JSONL) or as a path relative to the problem file; each row gets
``images`` (sha256 ids) and ``image_bytes`` (id -> bytes, written once to the lake's ``images``
table by ``lake/problems.py``, then dropped).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from boundary_ray.errors import BoundaryError

Record = dict[str, Any]
VISUAL_FORMATS = ("mathvista", "mathvision")
QUESTION_TYPES = ("multi_choice", "free_form")
HF_SPLITS = {"AI4Math/MathVista": "testmini", "MathLLMs/MathVision": "testmini"}
_IMAGE_TAG_RE = re.compile(r"\s*<image\d*>\s*")


def visual_format(record: Record) -> str | None:
    """``mathvista``, ``mathvision`` or None, from the record's fields."""
    if {"pid", "question_type", "answer_type"} <= set(record):
        return "mathvista"
    if {"question", "options", "answer"} <= set(record) and ({"level", "subject"} & set(record)):
        return "mathvision"
    return None


def visual_rows(records: list[tuple[int, Record]], fmt: str, source: str) -> list[dict[str, Any]]:
    """Problem rows (with ``images`` and ``image_bytes``) from MathVista/MathVision records."""
    convert = _mathvista if fmt == "mathvista" else _mathvision
    base = _base_dir(source)
    rows = []
    for line, record in records:
        where = f"{source}:{line}"
        row = convert(record, where)
        image = record.get("decoded_image") or record.get("image")
        if image is None:
            raise BoundaryError(f"{where}: missing field 'image' (or 'decoded_image')")
        ids, data = images_of([image], base, where)
        row.update(images=ids, image_bytes=data, tests=None)
        row["meta"]["source_format"] = fmt
        row["meta"] = json.dumps(row["meta"], sort_keys=True, default=str)
        rows.append(row)
    return rows


def images_of(
    values: list[Any], base: Path | None, where: str
) -> tuple[list[str], dict[str, bytes]]:
    """Image ids (sha256 hex, in order) and their bytes, from bytes, dicts, base64 or paths."""
    ids, data = [], {}
    for value in values:
        blob = image_bytes(value, base, where)
        image_id = hashlib.sha256(blob).hexdigest()
        ids.append(image_id)
        data[image_id] = blob
    return ids, data


def image_bytes(value: Any, base: Path | None, where: str) -> bytes:
    """The bytes of one image given as bytes, ``{"bytes"|"path": ...}``, base64, a data URI or a
    path (relative to the problem file's folder)."""
    if isinstance(value, dict):
        if value.get("bytes"):
            return image_bytes(value["bytes"], base, where)
        if value.get("path"):
            return image_bytes(value["path"], base, where)
        raise BoundaryError(f"{where}: image has neither 'bytes' nor 'path'")
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if not isinstance(value, str) or not value:
        raise BoundaryError(
            f"{where}: image must be bytes, a path or base64, got {type(value).__name__}"
        )
    if value.startswith("data:"):
        value = value.split(",", 1)[-1]
        return _b64(value, where)
    path = Path(value)
    if not path.is_absolute() and base is not None:
        path = base / path
    if len(value) < 1024 and path.is_file():
        return path.read_bytes()
    if len(value) >= 64 and re.fullmatch(r"[A-Za-z0-9+/=\s]+", value[:256]):
        return _b64(value, where)
    raise BoundaryError(f"{where}: image file {value[:120]!r} not found")


def filter_question_types(
    rows: list[dict[str, Any]], keep: tuple[str, ...], where: str
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rows whose ``meta.question_type`` is in ``keep``, and how many of each other type were
    dropped (the paper drops multiple choice to limit guessing: an explicit, counted choice)."""
    for value in keep:
        if value not in QUESTION_TYPES:
            raise BoundaryError(
                f"{where}.question_types: {value!r} is not one of {', '.join(QUESTION_TYPES)}"
            )
    kept, dropped = [], {}
    for row in rows:
        kind = json.loads(row.get("meta") or "{}").get("question_type")
        if kind is None:
            raise BoundaryError(
                f"{where}.question_types: problem {row['problem_id']} has no question_type"
            )
        if kind in keep:
            kept.append(row)
        else:
            dropped[kind] = dropped.get(kind, 0) + 1
    return kept, dropped


def hf_split_files(repo: str, split: str) -> list[str]:
    """The Parquet files of ``split`` in a Hub dataset repo (``data/<split>-*.parquet``)."""
    from huggingface_hub import HfFileSystem

    return sorted(HfFileSystem().glob(f"datasets/{repo}/data/{split}-*.parquet"))


def _mathvista(record: Record, where: str) -> dict[str, Any]:
    question_type = record.get("question_type")
    if question_type not in QUESTION_TYPES:
        raise BoundaryError(
            f"{where}: field 'question_type': {question_type!r} is not one of {', '.join(QUESTION_TYPES)}"
        )
    choices = record.get("choices") or []
    if question_type == "multi_choice" and not choices:
        raise BoundaryError(f"{where}: multi_choice problem without 'choices'")
    answer = _required(record, "answer", where)
    query = record.get("query") or _with_choices(_required(record, "question", where), choices)
    metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
    meta = {
        "question_type": question_type,
        "answer_type": record.get("answer_type"),
        "choices": [str(c) for c in choices],
        "precision": record.get("precision"),
        "unit": record.get("unit") or None,
        **{
            k: metadata[k]
            for k in ("source", "category", "task", "context", "grade", "skills")
            if k in metadata
        },
    }
    return {
        "problem_id": str(_required(record, "pid", where)),
        "task": "visual",
        "question": str(query),
        "answer": str(answer).strip(),
        "meta": meta,
    }


def _mathvision(record: Record, where: str) -> dict[str, Any]:
    options = [str(o) for o in (record.get("options") or [])]
    question = _IMAGE_TAG_RE.sub(" ", str(_required(record, "question", where))).strip()
    problem_id = record.get("id", record.get("idx"))
    if problem_id is None:
        raise BoundaryError(f"{where}: missing field 'id'")
    meta = {
        "question_type": "multi_choice" if options else "free_form",
        "answer_type": "text",
        "choices": options,
        "precision": None,
        "unit": None,
        "level": record.get("level"),
        "subject": record.get("subject"),
    }
    return {
        "problem_id": str(problem_id),
        "task": "visual",
        "question": _with_choices(question, options),
        "answer": str(_required(record, "answer", where)).strip(),
        "meta": meta,
    }


def _with_choices(question: str, choices: list[Any]) -> str:
    if not choices:
        return question
    lines = [f"({chr(65 + i)}) {choice}" for i, choice in enumerate(choices)]
    return question + "\nChoices:\n" + "\n".join(lines)


def _required(record: Record, name: str, where: str) -> Any:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BoundaryError(f"{where}: missing field {name!r}")
    return value


def _b64(value: str, where: str) -> bytes:
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        raise BoundaryError(f"{where}: image is neither a file nor valid base64") from None


def _base_dir(source: str) -> Path | None:
    if source.startswith("hf://"):
        return None
    return Path(source).parent
