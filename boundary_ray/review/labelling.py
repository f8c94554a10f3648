"""``boundary label``: people read the hardest solved chains of thought and say whether each
right answer came from a valid argument or a guess (the paper's manual check, made repeatable).

Four ways in, one table out (``labels/``, append-only; the latest ``at`` per sample wins in
the queries, older labels stay as history); each label may carry a free-text ``note``:

- in the terminal: ``boundary label --lake DIR --who NAME`` walks the ``hardest_solved`` rows
  and asks ``[v]alid / [g]uess / [u]nsure / [s]kip / [q]uit`` for each (text after the letter
  and a space is the note: ``g the 7 comes from nowhere``);
- by file: ``--export FILE.jsonl`` writes those rows with an empty ``label`` and ``note`` to
  fill in by hand (any editor), and ``--import FILE.jsonl`` stores the filled-in labels (empty
  ones skipped);
- in the browser: ``boundary view`` (``review/view/``) labels any sample, through
  ``write_labels`` too.

Which problems ``hardest_solved`` offers: 0 < c/n < max_rate where n allows it, else those
solved by exactly one sample (its column ``rule``; ``queries/hardest_solved.sql``).

``boundary query pass_at_k --param exclude=guess`` then counts labelled guesses as wrong, and
its ``guess_only_problems`` says how many problems were solved only by them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from boundary_ray import schema
from boundary_ray.common.clock import utc_now
from boundary_ray.common.jsonl import jsonl_objects
from boundary_ray.errors import BoundaryError

KEY = ("model", "benchmark", "problem_id", "sample_idx")
EXPORT_FIELDS = (
    *KEY,
    "n",
    "c",
    "rule",
    "question",
    "answer",
    "extracted_answer",
    "response",
    "label",
    "note",
)
ANSWERS = {"v": "valid", "g": "guess", "u": "unsure"}
FLUSH_EVERY = 10


def candidates(lake: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The ``hardest_solved`` rows of ``lake`` (``params``: max_rate, model, benchmark)."""
    from boundary_ray.query import run_query

    return run_query("hardest_solved", lake, params or {}).to_pylist()


def export_candidates(lake: str, path: str, params: dict[str, str] | None = None) -> int:
    """Write the rows to label to ``path`` (JSONL, ``label`` empty); returns how many."""
    rows = candidates(lake, params)
    try:
        with open(path, "w", encoding="utf-8") as out:
            for row in rows:
                record = {field: row.get(field) for field in EXPORT_FIELDS}
                record["label"] = ""
                record["note"] = ""
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise BoundaryError(f"{path}: cannot write ({exc.strerror})") from None
    return len(rows)


def import_labels(lake: str, path: str, who: str | None = None) -> int:
    """Store the filled-in labels of ``path`` (an export, or any JSONL with the key columns and
    ``label``); returns how many were stored. Every line is checked before anything is written:
    a bad line is a ``BoundaryError`` naming it, and then nothing is stored."""
    try:
        with open(path, encoding="utf-8") as handle:
            rows = list(_read_labels(handle, path, who))
    except FileNotFoundError:
        raise BoundaryError(f"{path}: file not found") from None
    _check_samples_exist(lake, rows, path)
    write_labels(lake, rows)
    return len(rows)


def _read_labels(handle: TextIO, path: str, who: str | None) -> Iterator[dict[str, Any]]:
    for number, record in jsonl_objects(handle, path):
        where = f"{path}:{number}"
        label = str(record.get("label") or "").strip().lower()
        if not label:
            continue  # left for later
        label = ANSWERS.get(label, label)
        if label not in schema.LABEL_VALUES:
            raise BoundaryError(
                f"{where}: label {record['label']!r}: expected one of {', '.join(schema.LABEL_VALUES)}"
            )
        row = {field: record.get(field) for field in KEY}
        for field in KEY:
            if row[field] is None or row[field] == "":
                raise BoundaryError(f"{where}: missing field {field!r}")
        if isinstance(row["sample_idx"], bool) or not isinstance(row["sample_idx"], int):
            raise BoundaryError(f"{where}: field 'sample_idx' must be an integer")
        person = who or record.get("who")
        if not person:
            raise BoundaryError(f"{where}: no 'who' (give --who NAME or a 'who' field)")
        note = record.get("note")
        if note is not None and not isinstance(note, str):
            raise BoundaryError(f"{where}: field 'note' must be a string")
        yield {
            **row,
            "label": label,
            "who": str(person),
            "at": str(record.get("at") or utc_now()),
            "note": note or None,
        }


def _check_samples_exist(lake: str, rows: list[dict[str, Any]], path: str) -> None:
    from boundary_ray.lake.reader import read_table

    wanted: dict[tuple[str, str], set[tuple[str, int]]] = {}
    for row in rows:
        wanted.setdefault((row["model"], row["benchmark"]), set()).add(
            (row["problem_id"], row["sample_idx"])
        )
    for (model, benchmark), keys in wanted.items():
        table = read_table(
            lake, "samples", {"model": model, "benchmark": benchmark}, ["problem_id", "sample_idx"]
        )
        present = set(zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True))
        missing = sorted(keys - present)
        if missing:
            problem_id, idx = missing[0]
            raise BoundaryError(
                f"{path}: no sample {model}/{benchmark}/{problem_id}/{idx} in lake {lake}"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )


def write_labels(lake: str, rows: Iterable[dict[str, Any]]) -> list[str]:
    """Append label rows (``schema.LABELS``) to the lake's ``labels`` table."""
    from boundary_ray.lake.writer import write_rows

    return write_rows(lake, "labels", list(rows))


def label_interactively(
    lake: str,
    who: str,
    params: dict[str, str] | None = None,
    ask: Callable[[str], str] = input,
    show: Callable[[str], None] = print,
) -> int:
    """Walk the ``hardest_solved`` rows, asking for a label each; returns how many were stored.

    Labels are written every ``FLUSH_EVERY`` answers and on the way out (quit, end of input,
    Ctrl-C), so an interrupted session keeps what was said. An answer's text after its letter
    and a space is the label's note (``g the 7 comes from nowhere``).
    """
    rows = candidates(lake, params)
    pending: list[dict[str, Any]] = []
    stored = 0
    try:
        for number, row in enumerate(rows, start=1):
            show(_card(row, number, len(rows)))
            answer, note = _ask(ask)
            if answer == "q":
                break
            if answer == "s":
                continue
            pending.append(
                {
                    **{k: row[k] for k in KEY},
                    "label": ANSWERS[answer],
                    "who": who,
                    "at": utc_now(),
                    "note": note,
                }
            )
            if len(pending) >= FLUSH_EVERY:
                stored += len(pending)
                write_labels(lake, pending)
                pending = []
    except (EOFError, KeyboardInterrupt):
        show("")
    finally:
        if pending:
            write_labels(lake, pending)
            stored += len(pending)
    return stored


def _ask(ask: Callable[[str], str]) -> tuple[str, str | None]:
    """The answer's letter and its note (the text after the first word), or None."""
    while True:
        text = ask("[v]alid / [g]uess / [u]nsure / [s]kip / [q]uit (a note may follow) > ")
        first, _, rest = text.strip().partition(" ")
        answer = first.lower()[:1]
        if answer in ("v", "g", "u", "s", "q"):
            return answer, rest.strip() or None


def _card(row: dict[str, Any], number: int, total: int) -> str:
    rule = "─" * 78
    return "\n".join(
        [
            rule,
            f"[{number}/{total}] {row['model']} · {row['benchmark']} · {row['problem_id']}"
            f" · sample {row['sample_idx']} · solved {row['c']}/{row['n']}"
            + (
                " (solved by one sample only; n too small for c/n < max_rate)"
                if row.get("rule") == "one_correct"
                else ""
            ),
            f"Question: {row.get('question') or '(not in the lake)'}",
            f"Gold answer: {row.get('answer')}   extracted: {row.get('extracted_answer')}",
            rule,
            str(row.get("response") or ""),
            rule,
        ]
    )
