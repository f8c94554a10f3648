"""``boundary import jsonl``: the plain format (problem_id or question; response or responses),
and code samples judged in the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from import_helpers import assert_pass_at_k_is_the_truths, disagreements, do_import, samples

from boundary_ray.errors import BoundaryError

PROBLEMS = [("p0", 3, 4), ("p1", 12, 30), ("p2", 7, 8)]


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "arith.jsonl",
        [
            {"id": p, "question": f"What is {a} + {b}?", "answer": str(a + b)}
            for p, a, b in PROBLEMS
        ],
    )


def test_ids_texts_lists_and_numbered_samples(tmp_path: Path, source: Path) -> None:
    f = _write(
        tmp_path / "mine.jsonl",
        [
            {
                "problem_id": "p0",
                "responses": ["\\boxed{7}", "\\boxed{8}", "7"],
                "correct": [1, 1, 0],
            },
            {"question": "What is  12 + 30?\n", "response": "The answer is 42.", "sample_idx": 1},
            {
                "question": "What is 12 + 30?",
                "response": "#### 41",
                "sample_idx": 0,
                "correct": True,
            },
            {
                "problem_id": "p2",
                "response": "so 15",
                "finish_reason": "length",
                "prompt": "Q: 7 + 8",
            },
        ],
    )
    lake = tmp_path / "lake"
    counters = do_import(lake, "jsonl", [f], "mine", "arith", source, tags={"algorithm": "grpo"})
    assert counters["samples"] == 6
    truth = {"p0": [True, False, True], "p1": [False, True], "p2": [False]}
    rows = samples(lake, "mine")
    assert {p: [r["correct"] for r in rows if r["problem_id"] == p] for p in truth} == truth
    assert_pass_at_k_is_the_truths(lake, "mine", truth)
    p2 = [r for r in rows if r["problem_id"] == "p2"][0]
    assert p2["verdict"] == "no_answer" and p2["prompt"] == "Q: 7 + 8"  # cut off: no guess
    assert disagreements(lake, "mine") == {("p0", 1), ("p0", 2), ("p1", 0)}
    from boundary_ray.lake.reader import read_table

    (model,) = read_table(str(lake), "models").to_pylist()
    assert model["source"] == "import:jsonl" and json.loads(model["tags"]) == {"algorithm": "grpo"}


def test_code_samples_are_judged_in_the_sandbox(tmp_path: Path) -> None:
    """HumanEval/2 (truncate_number): a right program, a wrong one, and one that tries to end
    the harness early to pass: only the first is correct, whatever the file claims."""
    fence = "```python\ndef truncate_number(number: float) -> float:\n    {}\n```"
    f = _write(
        tmp_path / "code.jsonl",
        [
            {
                "problem_id": "HumanEval/2",
                "responses": [
                    fence.format("return number % 1.0"),
                    fence.format("return number"),
                    fence.format("import os; os._exit(0)"),
                ],
                "correct": [True, True, True],
            }
        ],
    )
    lake = tmp_path / "lake"
    counters = do_import(lake, "jsonl", [f], "coder", "humaneval", "builtin:humaneval")
    rows = samples(lake, "coder")
    assert [r["verdict"] for r in rows][0] == "correct" and counters["correct"] == 1
    assert [r["correct"] for r in rows] == [True, False, False]
    assert disagreements(lake, "coder") == {("HumanEval/2", 1), ("HumanEval/2", 2)}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"problem_id": "p0", "response": "7"}', "{not json"], r"f.jsonl:2: not valid JSON"),
        (
            ['{"problem_id": "p9", "response": "7"}'],
            r"f.jsonl:1: matches no problem of benchmark "
            r"'arith' \(no problem_id 'p9'\)",
        ),
        (
            ['{"question": "What is 1 + 1?", "response": "2"}'],
            r"f.jsonl:1: matches no problem .*"
            r"no problem has the question 'What is 1 \+ 1\?'",
        ),
        (
            ['{"problem_id": "p0", "response": "7"}', '{"problem_id": "p0", "response": "8"}'],
            r"f.jsonl:2: duplicate: sample 0 of problem 'p0' is also at .*f.jsonl:1",
        ),
        (['{"problem_id": "p0", "text": "7"}'], r"f.jsonl:1: missing field 'response'"),
        (
            ['{"problem_id": "p0", "responses": ["7", 8]}'],
            r"f.jsonl:1: field 'responses'\[1\] must",
        ),
        (['{"response": "7"}'], r"f.jsonl:1: give 'problem_id' or 'question'"),
        (["[1, 2]"], r"f.jsonl:1: expected a JSON object, got list"),
    ],
)
def test_bad_input_is_one_line_naming_file_and_line_and_nothing_is_written(
    tmp_path: Path, source: Path, lines: list[str], message: str
) -> None:
    lake = tmp_path / "lake"
    do_import(
        lake,
        "jsonl",
        [_write(tmp_path / "ok.jsonl", ['{"problem_id": "p1", "response": "42"}'])],
        "m",
        "arith",
        source,
    )
    before = sorted(p for p in lake.rglob("*"))
    with pytest.raises(BoundaryError, match=message) as error:
        do_import(lake, "jsonl", [_write(tmp_path / "f.jsonl", lines)], "m", "arith", source)
    assert "\n" not in str(error.value)
    assert sorted(p for p in lake.rglob("*")) == before  # a later line's error: nothing written


def test_a_bad_line_after_good_ones_leaves_a_new_lake_unmade(tmp_path: Path, source: Path) -> None:
    f = _write(tmp_path / "f.jsonl", ['{"problem_id": "p0", "response": "7"}'] * 1 + ["{"])
    with pytest.raises(BoundaryError, match="f.jsonl:2: not valid JSON"):
        do_import(tmp_path / "lake", "jsonl", [f], "m", "arith", source)
    assert not (tmp_path / "lake").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"fmt": "csv"},
            r"import: unknown format 'csv' \(known: jsonl, qwen-math, lm-eval, inspect",
        ),
        ({"model": "Bad Name"}, r"--model: 'Bad Name' must match"),
        ({"role": "teacher"}, r"--role: 'teacher' is not one of base, rl, distilled, instruct"),
        ({"prompt": "qwen"}, r"--prompt: 'qwen' is not one of chat, raw, qwen-boxed"),
        ({"files": ["missing.jsonl"]}, r"missing.jsonl: file not found"),
    ],
)
def test_bad_arguments_are_one_line(
    tmp_path: Path, source: Path, change: dict, message: str
) -> None:
    f = _write(tmp_path / "f.jsonl", ['{"problem_id": "p0", "response": "7"}'])
    args = {"fmt": "jsonl", "files": [f], "model": "m", **change}
    with pytest.raises(BoundaryError, match=message):
        do_import(
            tmp_path / "lake",
            args.pop("fmt"),
            args.pop("files"),
            args.pop("model"),
            "arith",
            source,
            **args,
        )
    assert not (tmp_path / "lake").exists()


def test_a_source_whose_problems_differ_from_the_lakes_is_refused(
    tmp_path: Path, source: Path
) -> None:
    lake = tmp_path / "lake"
    f = _write(tmp_path / "f.jsonl", ['{"problem_id": "p0", "response": "7"}'])
    do_import(lake, "jsonl", [f], "m", "arith", source)
    other = _write(
        tmp_path / "other.jsonl", [{"id": "p0", "question": "What is 3 + 4?", "answer": "8"}]
    )
    before = sorted(lake.rglob("*"))
    with pytest.raises(BoundaryError, match=r"problem 'p0' has another answer than the lake's"):
        do_import(lake, "jsonl", [f], "m2", "arith", other)
    assert sorted(lake.rglob("*")) == before
