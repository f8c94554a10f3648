"""The verifier stage family: one base class owns the batch loop, timing and counters.

A concrete verifier overrides ``verify_one(row) -> Verdict``. The base class never lets an
exception escape: a verifier that raises gives that sample the verdict ``error`` with the
exception as its reason, so one bad sample never fails a job.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from boundary_ray.schema import VERDICT_COLUMNS, VERDICTS

# Verdict fields stored under another column name; every other field of ``Verdict`` is stored
# in the samples column of its own name (declared in schema.SAMPLES), ``correct`` and
# ``verify_ms`` are filled by the base class, and a declared column no field fills is null.
FIELD_OF_COLUMN = {"verdict_reason": "reason"}


@dataclass(frozen=True)
class Verdict:
    """The outcome for one sample. ``verdict`` is one of ``schema.VERDICTS``; anything else,
    or anything unreported, counts as not passed."""

    verdict: str
    extracted_answer: str | None = None
    answer_rule: str | None = None
    reason: str | None = None
    process_verdict: str | None = None  # schema.PROCESS_VERDICTS; None: not judged
    process_reason: str | None = None

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"


class Verifier:
    """Base of every verifier: ``__call__`` maps a pyarrow batch of samples to the same batch
    with the verdict columns (``VERDICT_COLUMNS``) set, for Ray Data ``map_batches``."""

    name = "verifier"

    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()

    def verify_one(self, row: dict[str, Any]) -> Verdict:
        """Judge one sample row (``response``, ``answer``/``tests``, ``finish_reason``, ...)."""
        raise NotImplementedError

    def judge(self, row: dict[str, Any]) -> tuple[Verdict, float]:
        """``verify_one`` with its time in ms, and any exception turned into an ``error``."""
        start = time.perf_counter()
        try:
            verdict = self.verify_one(row)
            if verdict.verdict not in VERDICTS:
                verdict = Verdict("error", reason=f"unknown verdict {verdict.verdict!r}")
        except Exception as exc:  # noqa: BLE001 - a verifier never crashes the job
            verdict = Verdict("error", reason=f"{type(exc).__name__}: {exc}"[:300])
        elapsed_ms = (time.perf_counter() - start) * 1000.0
        self.counters[verdict.verdict] += 1
        return verdict, elapsed_ms

    def __call__(self, batch: pa.Table) -> pa.Table:
        columns: dict[str, list] = {name: [] for name in VERDICT_COLUMNS.names}
        for row in batch.to_pylist():
            verdict, elapsed_ms = self.judge(row)
            filled = {"correct": verdict.correct, "verify_ms": elapsed_ms}
            for name, values in columns.items():
                if name in filled:
                    values.append(filled[name])
                else:
                    values.append(getattr(verdict, FIELD_OF_COLUMN.get(name, name), None))
        for name, values in columns.items():
            array = pa.array(values, type=VERDICT_COLUMNS.field(name).type)
            if name in batch.column_names:
                batch = batch.set_column(batch.column_names.index(name), name, array)
            else:
                batch = batch.append_column(name, array)
        return batch
