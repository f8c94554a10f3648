"""Problem files: local JSONL/Parquet or ``hf://datasets/<owner>/<repo>/<file>``.

The paper's six math sets are recognized by their fields, each storing its gold answer its own
way (../shared/benchmarks/README.md); every one is normalized to the ``problems`` columns:

- ``olympiadbench``: ``final_answer`` (a list of LaTeX strings) joined with ", ", ``$`` removed;
  ``context`` goes before the question when present;
- ``math500``: ``answer`` and ``unique_id`` (the problem id), ``level``, ``subject``;
- ``minerva_math``: no answer field, the gold is the last ``\\boxed{}`` of ``solution``;
- ``amc23``: ``answer`` is a float (27.0 -> "27");
- ``gsm8k``: ``answer`` is a rationale ending in ``#### n`` (commas removed);
- ``aime24`` (and any file with ``problem``/``question`` and a string ``answer``).

Any other file needs the spec's ``fields`` (our column -> file field), e.g.
``{question: prompt, answer: solution_answer, problem_id: uid}``. Records that look like code
problems are handed to ``code_sets.code_rows_from_records``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from boundary_ray.benchmarks.visual import (
    HF_SPLITS,
    hf_split_files,
    images_of,
    visual_format,
    visual_rows,
)
from boundary_ray.common.jsonl import jsonl_objects
from boundary_ray.common.latex import last_boxed
from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec

Record = dict[str, Any]
FIELD_COLUMNS = ("question", "answer", "problem_id", "images")  # what ``fields`` may map
ID_FIELDS = ("unique_id", "id", "idx")
META_SKIP = {"problem", "question", "solution", "answer", "final_answer", "context"}
EXPECTED = (
    "problem/question + answer (AIME/AMC/GSM8K/MATH500 style), problem + solution with \\boxed{} "
    "(Minerva), question + final_answer (OlympiadBench)"
)


def load_file(bench: BenchmarkSpec) -> list[dict[str, Any]]:
    """Read ``bench.source`` and normalize every record to the ``problems`` columns."""
    source = bench.source
    records = _read_records(source, bench.options.get("split"))
    if not records:
        raise BoundaryError(f"{source}: the file holds no records")
    first = records[0][1]
    visual = visual_format(first) if not bench.fields else None
    if visual:
        return visual_rows(records, visual, source)
    if bench.task == "code" or _looks_like_code(first):
        return _code_rows([record for _, record in records], bench)
    if bench.fields:
        unknown = sorted(set(bench.fields) - set(FIELD_COLUMNS))
        if unknown:
            raise BoundaryError(
                f"{source}: fields.{unknown[0]}: unknown column (known: {', '.join(FIELD_COLUMNS)})"
            )
        fmt, convert = "fields", _generic(bench.fields)
    else:
        fmt = detect_format(first)
        if fmt is None:
            raise BoundaryError(
                f"{source}: unknown problem format (fields: {', '.join(sorted(first))}); "
                f"expected {EXPECTED}, or give `fields` in the spec"
            )
        convert = _CONVERTERS[fmt]
    rows = []
    for index, (line, record) in enumerate(records):
        where = f"{source}:{line}"
        question, answer, meta = convert(record, where)
        meta["source_format"] = fmt
        problem_id = _problem_id(record, bench.fields.get("problem_id"), index, where)
        row = {
            "benchmark": bench.name,
            "problem_id": problem_id,
            "task": "math",
            "question": question,
            "answer": answer,
            "tests": None,
            "meta": json.dumps(meta, sort_keys=True, default=str),
            "images": None,
        }
        if bench.fields.get("images"):
            row.update(_mapped_images(record, bench.fields["images"], source, where))
        rows.append(row)
    return rows


def _mapped_images(record: Record, field: str, source: str, where: str) -> dict[str, Any]:
    """``images`` and ``image_bytes`` from the file field that ``fields.images`` names: one
    image or a list (bytes, ``{"bytes"|"path"}``, base64 or paths relative to the file)."""
    value = _field(record, field, where)
    values = value if isinstance(value, list) else [value]
    base = None if source.startswith("hf://") else Path(source).parent
    ids, data = images_of(values, base, f"{where}: field {field!r}")
    return {"images": ids, "image_bytes": data}


def detect_format(record: Record) -> str | None:
    """Which of the paper's math formats ``record`` is in, or None."""
    has_question = "question" in record or "problem" in record
    answer = record.get("answer")
    if "final_answer" in record and has_question:
        return "olympiadbench"
    if "unique_id" in record and "problem" in record and "answer" in record:
        return "math500"
    if "problem" in record and "solution" in record and "answer" not in record:
        return "minerva_math"
    if has_question and isinstance(answer, int | float) and not isinstance(answer, bool):
        return "amc23"
    if "question" in record and isinstance(answer, str) and "####" in answer:
        return "gsm8k"
    if has_question and isinstance(answer, str):
        return "aime24"
    return None


def normalize_gold(value: Any) -> str:
    """A gold answer as a normalized string: 27.0 -> "27", "025" -> "25", ``$`` removed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    text = str(value).strip()
    if text.startswith("$") and text.endswith("$"):
        text = text.strip("$").strip()
    if re.fullmatch(r"-?\d+", text):
        return str(int(text))
    return text


def _looks_like_code(record: Record) -> bool:
    try:
        from boundary_ray.benchmarks.code_sets import looks_like_code
    except ImportError:  # the code loaders are optional for math-only use
        return False
    return looks_like_code(record)


def _code_rows(records: list[Record], bench: BenchmarkSpec) -> list[dict[str, Any]]:
    try:
        from boundary_ray.benchmarks.code_sets import code_rows_from_records
    except ImportError:
        raise BoundaryError(
            f"{bench.source}: code problems need boundary_ray.benchmarks.code_sets"
        ) from None
    return code_rows_from_records(records, bench)


def _read_records(source: str, split: str | None = None) -> list[tuple[int, Record]]:
    """``(line number, record)`` pairs; line numbers are 1-based (Parquet: row number)."""
    if source.startswith("hf://"):
        return _read_hf(source, split)
    path = Path(source)
    if not path.is_file():
        raise BoundaryError(f"{source}: problem file not found")
    if path.suffix == ".parquet":
        return _parquet_records(path, source)
    with path.open("rb") as handle:
        return list(jsonl_objects(handle, source))


def _read_hf(source: str, split: str | None = None) -> list[tuple[int, Record]]:
    """``hf://datasets/<owner>/<repo>/<file>``, or ``hf://<owner>/<repo>`` with a split
    (``data/<split>-*.parquet``; MathVista and MathVision default to ``testmini``), through
    huggingface_hub (needs the network)."""
    repo_path = source.removeprefix("hf://")
    parts = repo_path.split("/")
    if parts[0] not in ("datasets", "models", "spaces") and len(parts) == 2:
        split = split or HF_SPLITS.get(repo_path)
        if not split:
            raise BoundaryError(f"{source}: give the split (options: {{split: NAME}})")
        return _read_hf_split(source, repo_path, split)
    if len(parts) < 4 or parts[0] != "datasets":
        raise BoundaryError(
            f"{source}: expected hf://datasets/<owner>/<repo>/<file> or hf://<owner>/<repo>"
        )
    try:
        from huggingface_hub import HfFileSystem

        fs = HfFileSystem()
        with fs.open(repo_path, "rb") as handle:
            data = handle.read()
    except Exception as exc:  # noqa: BLE001 - offline, missing repo, auth: one clear line
        message = str(exc).splitlines()[0] if str(exc) else ""
        raise BoundaryError(
            f"{source}: cannot read from the Hugging Face Hub ({type(exc).__name__}: "
            f"{message[:200]}); are you online? A local copy works too"
        ) from None
    if repo_path.endswith(".parquet"):
        return _parquet_records(io.BytesIO(data), source)
    return list(jsonl_objects(io.BytesIO(data), source))


def _read_hf_split(source: str, repo: str, split: str) -> list[tuple[int, Record]]:
    """Every Parquet file of ``split`` in the Hub dataset ``repo``, rows numbered across them."""
    try:
        from huggingface_hub import HfFileSystem

        fs = HfFileSystem()
        files = hf_split_files(repo, split)
        blobs = [fs.cat_file(path) for path in files]
    except Exception as exc:  # noqa: BLE001 - offline, missing repo, auth: one clear line
        message = str(exc).splitlines()[0] if str(exc) else ""
        raise BoundaryError(
            f"{source}: cannot read split {split!r} from the Hugging Face Hub "
            f"({type(exc).__name__}: {message[:200]}); are you online? A local copy works too"
        ) from None
    if not blobs:
        raise BoundaryError(f"{source}: no data/{split}-*.parquet files in the dataset")
    records: list[Record] = []
    for blob in blobs:
        records += [record for _, record in _parquet_records(io.BytesIO(blob), source)]
    return [(i + 1, record) for i, record in enumerate(records)]


def _parquet_records(where: Any, source: str) -> list[tuple[int, Record]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(where)
    except Exception as exc:  # noqa: BLE001 - a corrupt file is a user error
        raise BoundaryError(f"{source}: not a readable Parquet file ({exc})") from None
    return [(i + 1, record) for i, record in enumerate(table.to_pylist())]


def _field(record: Record, name: str, where: str) -> Any:
    value = record.get(name)
    if value is None:
        raise BoundaryError(f"{where}: missing field {name!r}")
    return value


def _question(record: Record, where: str) -> str:
    for name in ("problem", "question"):
        if record.get(name):
            return str(record[name])
    raise BoundaryError(f"{where}: missing field 'question'")


def _meta(record: Record, skip: set[str] = META_SKIP) -> dict[str, Any]:
    """Short scalar fields not already used (level, subject, unit, url, ...)."""
    meta = {}
    for key, value in record.items():
        if key in skip or key in ID_FIELDS or isinstance(value, dict | list):
            continue
        if isinstance(value, str) and len(value) > 300:
            continue
        meta[key] = value
    return meta


def _problem_id(record: Record, mapped: str | None, index: int, where: str) -> str:
    if mapped:
        return str(_field(record, mapped, where))
    for name in ID_FIELDS:
        if record.get(name) is not None:
            return str(record[name])
    return str(index)


Converted = tuple[str, str, dict[str, Any]]


def _plain(record: Record, where: str) -> Converted:
    """aime24, amc23 and any problem/question + answer file."""
    return _question(record, where), normalize_gold(_field(record, "answer", where)), _meta(record)


def _gsm8k(record: Record, where: str) -> Converted:
    rationale = str(_field(record, "answer", where))
    if "####" not in rationale:
        raise BoundaryError(f"{where}: field 'answer' has no '#### <answer>' line")
    gold = rationale.rsplit("####", 1)[1].strip().replace(",", "")
    return str(_field(record, "question", where)), normalize_gold(gold), _meta(record)


def _minerva(record: Record, where: str) -> Converted:
    gold = last_boxed(str(_field(record, "solution", where)))
    if not gold:
        raise BoundaryError(f"{where}: field 'solution' has no \\boxed{{}} answer")
    gold = re.sub(r"(?<!\\)\$", "", gold).strip()  # stray math delimiters inside the box
    return _question(record, where), normalize_gold(gold), _meta(record)


def _olympiad(record: Record, where: str) -> Converted:
    question = str(_field(record, "question", where))
    if record.get("context"):
        question = f"{record['context']}\n\n{question}"
    finals = _field(record, "final_answer", where)
    if not isinstance(finals, list):
        finals = [finals]
    gold = ", ".join(str(item).replace("$", "").strip() for item in finals)
    return question, gold, _meta(record)


def _generic(fields: dict[str, str]) -> Callable[[Record, str], Converted]:
    """A converter that reads our columns from the file fields named in ``fields``."""
    question_field = fields.get("question", "question")
    answer_field = fields.get("answer", "answer")

    def convert(record: Record, where: str) -> Converted:
        question = str(_field(record, question_field, where))
        answer = _field(record, answer_field, where)
        if isinstance(answer, list):
            answer = ", ".join(normalize_gold(item) for item in answer)
        skip = {
            question_field,
            answer_field,
            fields.get("problem_id", ""),
            fields.get("images", ""),
        }
        return question, normalize_gold(answer), _meta(record, skip)

    return convert


_CONVERTERS: dict[str, Callable[[Record, str], Converted]] = {
    "olympiadbench": _olympiad,
    "math500": _plain,
    "minerva_math": _minerva,
    "amc23": _plain,
    "gsm8k": _gsm8k,
    "aime24": _plain,
}
