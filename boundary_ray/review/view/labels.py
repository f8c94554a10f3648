"""``POST /api/labels``: one label from the browser, checked, then appended to ``labels/``.

The body is ``{model, benchmark, problem_id, sample_idx, label, note, who?}``. Every field is
checked before anything is written: a label outside ``schema.LABEL_VALUES``, a field of the
wrong type or too long is a ``LabelError`` (400); a model, benchmark or sample the lake does
not hold is a ``NotFound`` (404). The row is then written by the lake writer
(``review.labelling.write_labels``), the only write the view makes, and only ever under
``labels/model=<m>/benchmark=<b>/``.
"""

from __future__ import annotations

from typing import Any

from boundary_ray import schema
from boundary_ray.common.clock import utc_now
from boundary_ray.review.view.errors import LabelError, NotFound
from boundary_ray.review.view.problem_page import sample_exists
from boundary_ray.review.view.view_session import ViewSession

NOTE_MAX = 4000
WHO_MAX = 100
ID_MAX = 1000
FIELDS = ("model", "benchmark", "problem_id", "sample_idx", "label", "note", "who")


def _text(body: dict[str, Any], key: str, limit: int, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise LabelError(f"missing field {key!r}")
        return None
    if not isinstance(value, str):
        raise LabelError(f"field {key!r} must be a string")
    if len(value) > limit:
        raise LabelError(f"field {key!r}: at most {limit} characters")
    if "\x00" in value:
        raise LabelError(f"field {key!r} holds a NUL character")
    return value


def check_label(vs: ViewSession, body: Any, who: str) -> dict[str, Any]:
    """The labels row for ``body``, or ``LabelError``/``NotFound`` naming what is wrong."""
    if not isinstance(body, dict):
        raise LabelError("the body must be a JSON object")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise LabelError(
            f"unknown fields {', '.join(map(str, unknown))[:200]} (known: {', '.join(FIELDS)})"
        )
    label = _text(body, "label", 20)
    if label not in schema.LABEL_VALUES:
        raise LabelError(f"label {label!r}: expected one of {', '.join(schema.LABEL_VALUES)}")
    model = _text(body, "model", ID_MAX)
    benchmark = _text(body, "benchmark", ID_MAX)
    problem_id = _text(body, "problem_id", ID_MAX)
    sample_idx = body.get("sample_idx")
    if isinstance(sample_idx, bool) or not isinstance(sample_idx, int) or sample_idx < 0:
        raise LabelError("field 'sample_idx' must be a non-negative integer")
    if sample_idx > 2**31 - 1:
        raise LabelError("field 'sample_idx' is beyond any sample index")
    note = _text(body, "note", NOTE_MAX, required=False)
    person = _text(body, "who", WHO_MAX, required=False) or who
    listing = vs.listing()
    if model not in listing.models():
        raise NotFound(
            f"unknown model {model!r}: the lake has samples of {', '.join(listing.models())}"
        )
    if (model, benchmark) not in listing.samples_partitions():
        raise NotFound(f"model {model!r} has no samples of benchmark {benchmark!r}")
    if not sample_exists(vs, model, benchmark, problem_id, sample_idx):
        raise NotFound(f"no sample {model}/{benchmark}/{problem_id}/{sample_idx} in the lake")
    return {
        "model": model,
        "benchmark": benchmark,
        "problem_id": problem_id,
        "sample_idx": sample_idx,
        "label": label,
        "who": person,
        "at": utc_now(),
        "note": note,
    }


def store_label(vs: ViewSession, body: Any, who: str) -> dict[str, Any]:
    """Check ``body`` and append its row to the lake's labels; returns the row stored."""
    from boundary_ray.review.labelling import write_labels

    row = check_label(vs, body, who)
    write_labels(vs.lake, [row])
    vs.changed()
    return row
