"""Issue 33: answer_health's share of correct verdicts whose gold already stands in the question."""

from __future__ import annotations

import pytest

from boundary_ray.lake import write_rows
from boundary_ray.query import run_query

PROBLEMS = [
    ("p0", "What is 11 - 7 - 2?", "2"),  # in the question
    ("p1", "What is 1,000 + 5?", "1005"),  # not: 1005 is no number the question writes
    ("p2", "What is 1,000 - 0?", "1,000"),  # in it, read as a thousands separator
    ("p3", "Simplify $x/2 + x/2$.", "x"),  # not a number: never counted
    ("p4", "What is 12.5 - 0?", "12.5"),  # a decimal
    ("p5", "What is 3 - 5?", "-2"),  # the sign is not read: 2 is not written either
]


def _lake(tmp_path, correct: dict[str, list[bool]]) -> str:
    lake = str(tmp_path / "lake")
    write_rows(
        lake,
        "problems",
        [
            {"benchmark": "b", "problem_id": pid, "task": "math", "question": q, "answer": a}
            for pid, q, a in PROBLEMS
        ],
    )
    rows = [
        {
            "model": "m",
            "benchmark": "b",
            "problem_id": pid,
            "sample_idx": i,
            "verdict": "correct" if ok else "wrong",
            "correct": ok,
        }
        for pid, oks in correct.items()
        for i, ok in enumerate(oks)
    ]
    write_rows(lake, "samples", rows)
    return lake


def test_the_share_counts_correct_verdicts_whose_gold_is_in_the_question(tmp_path) -> None:
    correct = {
        "p0": [True, True, False],  # 2 correct, in the question
        "p1": [True],
        "p2": [True],  # in the question
        "p3": [True, False],
        "p4": [True],  # in the question
        "p5": [True],
        "p9": [True],  # no problems row: not counted as in the question
    }
    (row,) = run_query("answer_health", _lake(tmp_path, correct)).to_pylist()
    assert row["accuracy"] == pytest.approx(8 / 10)
    assert row["answer_in_question_share"] == pytest.approx(4 / 8)


def test_the_share_is_null_without_correct_samples(tmp_path) -> None:
    (row,) = run_query("answer_health", _lake(tmp_path, {"p0": [False]})).to_pylist()
    assert row["answer_in_question_share"] is None


def test_a_lake_without_problems_gives_zero(tmp_path) -> None:
    lake = str(tmp_path / "lake")
    write_rows(
        lake,
        "samples",
        [{"model": "m", "benchmark": "b", "problem_id": "p0", "sample_idx": 0, "correct": True}],
    )
    (row,) = run_query("answer_health", lake).to_pylist()
    assert row["answer_in_question_share"] == 0.0
