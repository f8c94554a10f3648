"""Code problem loaders: builtin:humaneval from its package, and records shaped like the real
evalplus (HumanEval+/MBPP+) and LiveCodeBench files, checked end to end in the sandbox."""

from __future__ import annotations

import base64
import json
import pickle
import shutil
import zlib
from pathlib import Path

import pytest

from boundary_ray.benchmarks import load_problems
from boundary_ray.benchmarks.code_sets import code_rows_from_records, load_builtin, looks_like_code
from boundary_ray.errors import BoundaryError
from boundary_ray.schema import PROBLEMS
from boundary_ray.spec import BenchmarkSpec

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")

# evalplus release file (HumanEvalPlus.jsonl): inputs but no expected outputs
HUMANEVAL_PLUS_RELEASE = {
    "task_id": "HumanEval/0",
    "prompt": 'def add(a, b):\n    """Add two numbers."""\n',
    "entry_point": "add",
    "canonical_solution": "    return a + b\n",
    "base_input": [[1, 2], [3, 4]],
    "plus_input": [[10**6, -5], [0.1, 0.2]],
    "atol": 0,
    "contract": "",
}
# Hugging Face evalplus/mbppplus: module-level asserts naming the function, no entry_point
MBPP_PLUS_HF = {
    "task_id": 2,
    "code": "def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n",
    "prompt": "Write a function to find the shared elements from the given two lists.",
    "source_file": "Benchmark Questions Verification V2.ipynb",
    "test_imports": [],
    "test_list": ["assert set(similar_elements((3, 4, 5, 6), (5, 7, 4, 10))) == set((4, 5))"],
    "test": (
        "import numpy as np\n\n"
        "def assertion(out, exp, atol):\n    assert set(out) == set(exp)\n\n"
        "inputs = [[(3, 4, 5, 6), (5, 7, 4, 10)], [(1, 2, 3, 4), (5, 4, 3, 7)]]\n"
        "results = [(4, 5), (3, 4)]\n"
        "for i, (inp, exp) in enumerate(zip(inputs, results)):\n"
        "    assertion(similar_elements(*inp), exp, 0)\n"
    ),
}
# evalplus release file (MbppPlus.jsonl): the canonical solution is the whole function
MBPP_PLUS_RELEASE = {
    "task_id": "Mbpp/3",
    "prompt": '"""\nWrite a python function to identify non-prime numbers.\nassert is_not_prime(2) == False\n"""\n',
    "entry_point": "is_not_prime",
    "canonical_solution": (
        "import math\ndef is_not_prime(n):\n    if n < 2:\n        return True\n"
        "    return any(n % i == 0 for i in range(2, int(math.sqrt(n)) + 1))\n"
    ),
    "base_input": [[2], [10], [35]],
    "plus_input": [[1], [97]],
    "atol": 0,
    "assertion": "assert is_not_prime(2) == False",
}


def _compress(cases: list[dict]) -> str:
    return base64.b64encode(zlib.compress(pickle.dumps(json.dumps(cases)))).decode()


LCB_STDIN = {
    "question_title": "A + B",
    "question_content": "Print the sum of two integers.",
    "platform": "atcoder",
    "question_id": "abc000_a",
    "contest_id": "abc000",
    "contest_date": "2024-08-01T00:00:00",
    "starter_code": "",
    "difficulty": "easy",
    "public_test_cases": json.dumps([{"input": "1 2\n", "output": "3\n", "testtype": "stdin"}]),
    "private_test_cases": _compress([{"input": "-5 5\n", "output": "0\n", "testtype": "stdin"}]),
    "metadata": "{}",
}
LCB_FUNCTIONAL = {
    "question_title": "Two Sum",
    "question_content": "Return indices of the two numbers adding up to target.",
    "platform": "leetcode",
    "question_id": "1",
    "contest_id": "weekly-contest-0",
    "contest_date": "2024-08-01T00:00:00",
    "starter_code": "class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n        ",
    "difficulty": "easy",
    "public_test_cases": json.dumps(
        [{"input": "[2, 7, 11, 15]\n9", "output": "[0, 1]", "testtype": "functional"}]
    ),
    "private_test_cases": json.dumps(
        [{"input": "[3, 2, 4]\n6", "output": "[1, 2]", "testtype": "functional"}]
    ),
    "metadata": json.dumps({"func_name": "twoSum"}),
}

SOLUTIONS = {  # problem_id -> (correct fenced program, wrong one)
    "HumanEval/0": ("def add(a, b):\n    return a + b\n", "def add(a, b):\n    return a - b\n"),
    "2": (MBPP_PLUS_HF["code"], "def similar_elements(a, b):\n    return tuple(a)\n"),
    "Mbpp/3": (
        MBPP_PLUS_RELEASE["canonical_solution"],
        "def is_not_prime(n):\n    return n % 2 == 0\n",
    ),
    "abc000_a": (
        "print(sum(map(int, input().split())))\n",
        "print(1 + sum(map(int, input().split())))\n",
    ),
    "1": (
        "class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n"
        "        seen = {}\n        for i, x in enumerate(nums):\n"
        "            if target - x in seen:\n                return [seen[target - x], i]\n"
        "            seen[x] = i\n",
        "class Solution:\n    def twoSum(self, nums, target):\n        return [0, 1]\n",
    ),
}
RECORDS = [HUMANEVAL_PLUS_RELEASE, MBPP_PLUS_HF, MBPP_PLUS_RELEASE, LCB_STDIN, LCB_FUNCTIONAL]


def test_builtin_humaneval_comes_from_the_package() -> None:
    rows = load_builtin(BenchmarkSpec(name="humaneval", source="builtin:humaneval"))
    assert len(rows) == 164
    first = rows[0]
    assert set(first) == set(PROBLEMS.names) - {"benchmark", "images"}  # images: visual sets only
    assert (first["problem_id"], first["task"], first["answer"]) == ("HumanEval/0", "code", None)
    tests = json.loads(first["tests"])
    assert tests["kind"] == "functional" and tests["entry_point"] == "has_close_elements"
    assert tests["prompt"] == first["question"] and "def check(candidate)" in tests["test"]
    assert "canonical_solution" in json.loads(first["meta"])


def test_load_problems_dispatches_builtin_and_limit() -> None:
    rows = load_problems(BenchmarkSpec(name="he", source="builtin:humaneval", limit=3))
    assert [row["problem_id"] for row in rows] == ["HumanEval/0", "HumanEval/1", "HumanEval/2"]
    assert {row["benchmark"] for row in rows} == {"he"}


def test_unknown_builtin_lists_the_known_ones() -> None:
    with pytest.raises(
        BoundaryError, match=r"builtin:mbpp: unknown builtin benchmark \(known: builtin:humaneval\)"
    ):
        load_builtin(BenchmarkSpec(name="x", source="builtin:mbpp"))


def test_looks_like_code() -> None:
    assert all(looks_like_code(record) for record in RECORDS)
    assert not looks_like_code({"problem": "1+1?", "answer": "2"})
    assert not looks_like_code({"question": "q", "answer": "a", "prompt": "p"})


def test_rows_from_each_format() -> None:
    rows = {row["problem_id"]: row for row in code_rows_from_records(RECORDS, "codes.jsonl")}
    assert list(rows) == ["HumanEval/0", "2", "Mbpp/3", "abc000_a", "1"]
    kinds = {pid: json.loads(row["tests"])["kind"] for pid, row in rows.items()}
    assert kinds == {
        "HumanEval/0": "functional",
        "2": "functional",
        "Mbpp/3": "functional",
        "abc000_a": "stdio",
        "1": "functional",
    }
    assert json.loads(rows["2"]["tests"])["entry_point"] == "similar_elements"
    assert json.loads(rows["2"]["tests"])["prompt"] == ""  # prose is not put in front of code
    assert "assert set(similar_elements" in rows["2"]["question"]
    assert json.loads(rows["abc000_a"]["tests"])["cases"] == [
        {"input": "1 2\n", "output": "3\n"},
        {"input": "-5 5\n", "output": "0\n"},
    ]
    assert json.loads(rows["1"]["meta"])["starter_code"].startswith("class Solution")
    assert "class Solution" in rows["1"]["question"]


@needs_bwrap
def test_each_format_passes_its_solution_and_fails_a_wrong_one() -> None:
    from boundary_ray.verifiers.code.verifier import CodeVerifier

    verifier = CodeVerifier(timeout_s=10.0)
    for row in code_rows_from_records(RECORDS, "codes.jsonl"):
        good, bad = SOLUTIONS[row["problem_id"]]
        for code, expected in ((good, "correct"), (bad, "wrong")):
            sample = {
                "response": f"```python\n{code}```",
                "tests": row["tests"],
                "finish_reason": "stop",
            }
            verdict = verifier.verify_one(sample)
            assert (row["problem_id"], verdict.verdict) == (row["problem_id"], expected), (
                verdict.reason
            )


def test_a_hostile_pickle_in_private_tests_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (Path.touch, (marker,))

    record = dict(
        LCB_STDIN,
        private_test_cases=base64.b64encode(zlib.compress(pickle.dumps(Exploit()))).decode(),
    )
    with pytest.raises(
        BoundaryError, match=r"codes.jsonl: record 1: private_test_cases: neither JSON nor"
    ):
        code_rows_from_records([record], "codes.jsonl")
    assert not marker.exists()


def test_errors_name_the_record_and_field() -> None:
    record = {
        key: value for key, value in HUMANEVAL_PLUS_RELEASE.items() if key != "canonical_solution"
    }
    with pytest.raises(
        BoundaryError, match=r"^he.jsonl: record 2: missing field 'canonical_solution'$"
    ):
        code_rows_from_records([HUMANEVAL_PLUS_RELEASE, record], "he.jsonl")
    with pytest.raises(
        BoundaryError, match=r"record 1: not a HumanEval/evalplus/LiveCodeBench code problem"
    ):
        code_rows_from_records([{"problem": "x", "answer": "1"}], "he.jsonl")
    no_func = dict(LCB_FUNCTIONAL, metadata="{}")
    with pytest.raises(BoundaryError, match=r"record 1: metadata.func_name: missing"):
        code_rows_from_records([no_func], "lcb.jsonl")


def test_the_file_loader_hands_code_files_here(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in RECORDS))
    rows = load_problems(BenchmarkSpec(name="codes", source=str(path)))
    assert [row["problem_id"] for row in rows] == ["HumanEval/0", "2", "Mbpp/3", "abc000_a", "1"]
    assert {row["task"] for row in rows} == {"code"}
