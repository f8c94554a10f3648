"""The answer-classes table (boundary_ray/query/answer_classes.py): answers grouped by the verifier's
own equivalence (math-verify for math, the visual rule for multiple choice), used by maj_at_k
while fresh, partition by partition; exact trimmed strings otherwise."""

from __future__ import annotations

import json

import pytest
from estimator_reference import brute_maj

from boundary_ray.cli import main
from boundary_ray.lake import write_rows
from boundary_ray.lake.reader import read_table
from boundary_ray.query import run_query
from boundary_ray.query.answer_classes import answer_class_files, refresh_answer_classes

# one math problem (gold 1/2): what each sample answered, and whether it was graded correct
MATH_ANSWERS = [
    ("1/2", True),
    ("0.5", True),
    ("0.25", False),
    ("\\frac{1}{4}", False),
    ("1/4", False),
    ("0.3", False),
    ("0.30", False),
    ("x + 1", False),
    (None, False),
    ("1/4", False),
]
# the same answers as classes of the verifier's equivalence
MATH_CLASSES = ["ok", "ok", "q", "q", "q", "t", "t", "x", None, "q"]
# exact trimmed strings: each distinct text its own class
MATH_EXACT = ["ok", "ok", "0.25", "f", "1/4", "0.3", "0.30", "x", None, "1/4"]

# a visual multiple-choice problem: option C is '145' (the gold)
CHOICES = ["35", "55", "145", "125"]
VISUAL_ANSWERS = [
    ("C", True),
    ("A", False),
    ("(A)", False),
    ("35", False),
    ("B", False),
    ("A. 35", False),
    ("B", False),
]
VISUAL_CLASSES = ["ok", "a", "a", "a", "b", "a", "b"]


def _samples(model: str, benchmark: str, problem_id: str, answers) -> list[dict]:
    return [
        {
            "model": model,
            "benchmark": benchmark,
            "problem_id": problem_id,
            "sample_idx": i,
            "run_id": "run-1",
            "response": f"\\boxed{{{answer}}}" if answer is not None else "no idea",
            "extracted_answer": answer,
            "correct": ok,
            "verdict": "correct" if ok else ("wrong" if answer is not None else "no_answer"),
            "finish_reason": "stop",
        }
        for i, (answer, ok) in enumerate(answers)
    ]


@pytest.fixture()
def lake(tmp_path) -> str:
    path = str(tmp_path / "lake")
    write_rows(
        path,
        "problems",
        [
            {
                "benchmark": "math",
                "problem_id": "p0",
                "task": "math",
                "question": "q",
                "answer": "1/2",
                "meta": "{}",
            },
            {
                "benchmark": "vista",
                "problem_id": "v0",
                "task": "visual",
                "question": "Which angle?",
                "answer": "145",
                "meta": json.dumps(
                    {"question_type": "multi_choice", "answer_type": "text", "choices": CHOICES}
                ),
            },
        ],
    )
    write_rows(path, "samples", _samples("m", "math", "p0", MATH_ANSWERS))
    write_rows(path, "samples", _samples("m", "vista", "v0", VISUAL_ANSWERS))
    return path


def _maj(lake: str, benchmark: str) -> dict[int, float]:
    table = run_query("maj_at_k", lake, {"benchmark": benchmark, "ks": "2,3,5,6"})
    return {row["k"]: row["maj_at_k"] for row in table.to_pylist()}


def test_verifier_classes_merge_equal_answers(lake):
    counts = refresh_answer_classes(lake)
    assert counts["rebuilt"] == 2 and counts["comparisons"] > 0
    rows = read_table(lake, "answer_classes", {"benchmark": "math"}).to_pylist()
    sizes = {(r["class_idx"], r["answer"], r["samples"], r["correct"]) for r in rows}
    assert sizes == {
        (0, None, 1, False),
        (1, "1/4", 4, False),  # 1/4 twice, 0.25 and \frac{1}{4}: one class by math-verify
        (2, "1/2", 2, True),
        (3, "0.3", 2, False),
        (4, "x + 1", 1, False),
    }
    assert {r["equivalence"] for r in rows} == {"math"}
    visual = read_table(lake, "answer_classes", {"benchmark": "vista"}).to_pylist()
    assert sorted((r["answer"], r["samples"]) for r in visual) == [("A", 4), ("B", 2), ("C", 1)]
    assert {r["equivalence"] for r in visual} == {"visual"}


def test_maj_at_k_votes_over_verifier_classes_when_fresh(lake):
    before = _maj(lake, "math")
    for k, value in before.items():  # exact strings: 1/4 and 0.25 are two answers
        assert abs(value - float(brute_maj(MATH_EXACT, "ok", k))) < 1e-9, k
    refresh_answer_classes(lake)
    after = _maj(lake, "math")
    for k, value in after.items():
        assert abs(value - float(brute_maj(MATH_CLASSES, "ok", k))) < 1e-9, k
    assert after[5] < before[5]  # four votes for 1/4 now beat two for 1/2 more often
    for k, value in _maj(lake, "vista").items():
        assert abs(value - float(brute_maj(VISUAL_CLASSES, "ok", k))) < 1e-9, k


def test_a_stale_partition_falls_back_to_exact_strings_alone(lake):
    refresh_answer_classes(lake)
    fresh, stale = answer_class_files(lake)
    assert len(fresh) == 2 and not stale
    # a later run adds samples to the math partition: its file no longer matches
    more = _samples("m", "math", "p1", [("2", True), ("3", False), ("3", False)])
    write_rows(lake, "samples", more)
    fresh, stale = answer_class_files(lake)
    assert len(fresh) == 1 and stale == [{"model": "m", "benchmark": "math"}]
    table = run_query("maj_at_k", lake, {"ks": "2,3"})
    got = {(r["benchmark"], r["k"]): r["maj_at_k"] for r in table.to_pylist()}
    for k in (1, 2, 3):
        exact = (brute_maj(MATH_EXACT, "ok", k) + brute_maj(["ok", "3", "3"], "ok", k)) / 2
        assert abs(got[("math", k)] - float(exact)) < 1e-9, k
        assert abs(got[("vista", k)] - float(brute_maj(VISUAL_CLASSES, "ok", k))) < 1e-9, k
    counts = refresh_answer_classes(lake)
    assert (counts["rebuilt"], counts["kept"], counts["removed"]) == (1, 1, 1)
    assert len(answer_class_files(lake)[0]) == 2


def test_the_command_rebuilds_and_reports(lake, capsys):
    assert main(["lake", "answer-classes", "--lake", lake]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("2 rebuilt, 0 kept, 0 removed partitions;")
    assert out.endswith("verifier comparisons; maj@k stored for 2 partitions")
    assert main(["lake", "answer-classes", "--lake", lake]) == 0
    again = capsys.readouterr().out.strip()
    assert again == "0 rebuilt, 2 kept, 0 removed partitions; 0 verifier comparisons;" + (
        " maj@k stored for 0 partitions"
    )
    assert main(["lake", "answer-classes", "--lake", lake + "-missing"]) == 2
    assert "boundary: error:" in capsys.readouterr().err
