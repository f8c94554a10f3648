"""Issue 33: ``meta.answer_in_question`` on synthetic problems, ``answer_in_question=skip``, and
the demo that keeps such problems out (a response that only repeats the question would end in
the gold)."""

from __future__ import annotations

import json
import re

import pytest

from boundary_ray.benchmarks.synthetic import load_synthetic
from boundary_ray.cli import DEMO_SPEC
from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec, load_spec

EXPRESSIONS = "synthetic:arith?ops=1-4&per_op=40&seed=0&distractors=0&style=expression"


def _load(source: str) -> list[dict]:
    return load_synthetic(BenchmarkSpec(name="synth", source=source))


def _in_question(row: dict) -> bool:
    """Re-derived without the generator: the answer is one of the question's whole numbers."""
    return row["answer"] in re.findall(r"\d+", row["question"])


@pytest.mark.parametrize(
    "source",
    [
        EXPRESSIONS,
        "synthetic:arith?ops=1-3&per_op=30&seed=1",
        "synthetic:arith?ops=2&per_op=30&mod=7",
    ],
)
def test_meta_says_whether_the_answer_stands_in_the_question(source: str) -> None:
    rows = _load(source)
    marks = [json.loads(row["meta"])["answer_in_question"] for row in rows]
    assert marks == [_in_question(row) for row in rows]
    assert any(marks) and not all(marks)  # both kinds occur, so the test can fail


def test_skip_leaves_them_out_and_keeps_each_problem_its_id() -> None:
    kept = _load(EXPRESSIONS + "&answer_in_question=skip")
    every = {row["problem_id"]: row for row in _load(EXPRESSIONS.replace("per_op=40", "per_op=80"))}
    assert len(kept) == 4 * 40
    assert not any(_in_question(row) for row in kept)
    assert all(row == every[row["problem_id"]] for row in kept)  # same id, same problem
    skipped = [pid for pid, row in every.items() if _in_question(row)]
    assert skipped and not set(skipped) & {row["problem_id"] for row in kept}


def test_a_bad_value_names_the_key() -> None:
    with pytest.raises(BoundaryError, match=r"answer_in_question: expected one of keep, skip"):
        _load("synthetic:arith?answer_in_question=drop")


def test_the_demo_keeps_such_problems_out_and_says_so() -> None:
    spec = load_spec(DEMO_SPEC)
    (bench,) = spec.benchmarks
    rows = load_synthetic(bench)
    assert len(rows) == 18 and not any(json.loads(r["meta"])["answer_in_question"] for r in rows)
    assert "What is 11 - 7 - 2?" not in {row["question"] for row in rows}
    assert "answer_in_question=skip" in DEMO_SPEC.read_text().split("name: demo")[0]
