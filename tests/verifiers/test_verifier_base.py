"""The verifier base: it fills exactly the samples columns that schema.py leaves to the verifier."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.verifiers.base import FIELD_OF_COLUMN, Verdict, Verifier


class Fixed(Verifier):
    def verify_one(self, row: dict) -> Verdict:
        if row["response"] == "boom":
            raise RuntimeError("bad row")
        return Verdict("correct", "4", "boxed", process_verdict="valid", process_reason="ok")


def test_every_verdict_field_is_a_declared_column() -> None:
    stored = {FIELD_OF_COLUMN.get(c, c) for c in schema.VERDICT_COLUMNS.names}
    fields = {f.name for f in dataclasses.fields(Verdict)}
    assert fields <= stored, fields - stored  # a field no column stores would be lost
    assert set(schema.VERDICT_COLUMNS.names).isdisjoint(schema.SAMPLED + schema.PLANNED)
    assert set(schema.SAMPLES.names) == {
        *schema.PLANNED,
        *schema.SAMPLED,
        *schema.VERDICT_COLUMNS.names,
    }


def test_the_batch_gains_exactly_the_verdict_columns() -> None:
    batch = pa.table({"response": ["\\boxed{4}", "boom"], "answer": ["4", "4"]})
    out = Fixed()(batch)
    assert out.column_names == ["response", "answer", *schema.VERDICT_COLUMNS.names]
    assert out.schema.field("verify_ms").type == schema.SAMPLES.field("verify_ms").type
    first, second = out.to_pylist()
    assert first["verdict"] == "correct" and first["correct"] is True
    assert first["process_verdict"] == "valid" and first["verdict_reason"] is None
    assert second["verdict"] == "error" and second["verdict_reason"] == "RuntimeError: bad row"
    assert second["correct"] is False and second["verify_ms"] >= 0
