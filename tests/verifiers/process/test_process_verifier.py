"""The process verifier against hand-written responses with known verdicts (``process_cases.py``),
hostile responses that try to game it, and its handling of bad gold graphs."""

from __future__ import annotations

import functools
import json

import pytest

from boundary_ray.benchmarks.synthetic import load_synthetic
from boundary_ray.errors import BoundaryError
from boundary_ray.spec import BenchmarkSpec
from boundary_ray.verifiers.process.text import normalize
from boundary_ray.verifiers.process.verifier import judge_process, process_row
from tests.verifiers.process.process_cases import HOSTILE, LABELLED


@functools.cache
def metas() -> dict[str, str]:
    source = "synthetic:arith?ops=1-4&per_op=3&seed=0"
    rows = load_synthetic(BenchmarkSpec(name="s", source=source))
    return {row["problem_id"]: row["meta"] for row in rows}


def _check(case: tuple[str, str, str, str]) -> None:
    problem_id, expected, finish_reason, response = case
    got = judge_process(response, metas()[problem_id], finish_reason)
    assert got.verdict == expected, f"{problem_id}: {got.verdict} ({got.reason}): {response[:200]}"
    assert got.reason


def test_the_case_set_is_large_and_varied():
    assert len(LABELLED) >= 80
    verdicts = {case[1] for case in LABELLED}
    assert verdicts == {"valid", "unsupported", "contradicted"}
    assert sum("Define" in case[3] for case in LABELLED) >= 12  # the strict format
    assert sum(case[2] == "length" for case in LABELLED) >= 5  # truncated
    assert sum(normalize(case[3]) != case[3] for case in LABELLED) >= 8  # numbers in words


@pytest.mark.parametrize("case", LABELLED, ids=[f"{c[0]}-{i}" for i, c in enumerate(LABELLED)])
def test_labelled(case):
    _check(case)


@pytest.mark.parametrize("case", HOSTILE, ids=[f"{c[0]}-{i}" for i, c in enumerate(HOSTILE)])
def test_hostile(case):
    _check(case)


def test_reasons_name_the_quantity_and_the_values():
    meta = metas()["ops3-0002"]
    wrong = judge_process(
        "Dana planted 9 - 6 = 4 bushes. Quinn planted 8. Paul planted 17. The answer is 17.", meta
    )
    assert wrong.verdict == "contradicted"
    assert "Dana (q2) stated as 4, is 3" in wrong.reason and "final answer '17'" in wrong.reason
    missing = judge_process("Dana planted 9 - 6 = 3 bushes. The answer is 15.", meta)
    assert missing.reason == "never stated: Quinn (q3), Paul (q4)"


def test_no_graph_is_not_applicable():
    assert judge_process("The answer is 4.", json.dumps({"source": "gsm8k"})).verdict == "n/a"
    assert judge_process("The answer is 4.", None).verdict == "n/a"


@pytest.mark.parametrize(
    ("meta", "pattern"),
    [
        ("{not json", "meta: not valid JSON"),
        ({"steps": "q1"}, "meta.steps: expected a list"),
        (
            {"steps": [{"id": "q1", "op": "given", "args": [3]}]},
            r"meta.steps\[0\]: missing field 'value'",
        ),
        (
            {"steps": [{"id": "q1", "op": "pow", "args": [3, 2], "value": 9}]},
            "unknown operation 'pow'",
        ),
        (
            {"steps": [{"id": "q2", "op": "add", "args": ["q1", 2], "value": 9}]},
            "'q1' is not defined",
        ),
        (
            {"steps": [{"id": "q1", "op": "given", "args": [3], "value": 3}], "target": "q9"},
            "meta.target",
        ),
    ],
)
def test_bad_graphs_raise_or_give_na_in_rows(meta, pattern):
    with pytest.raises(BoundaryError, match=pattern):
        judge_process("x", meta)
    verdict = process_row(
        {"response": "x", "meta": meta if isinstance(meta, str) else json.dumps(meta)}
    )
    assert verdict.verdict == "n/a" and "bad gold graph" in verdict.reason


def test_modulus_accepts_the_reduced_value():
    meta = {
        "mod": 7,
        "target": "q2",
        "steps": [
            {"id": "q1", "op": "given", "args": [5], "value": 5, "subject": "Anna"},
            {"id": "q2", "op": "mul", "args": ["q1", 3], "value": 1, "subject": "Ben"},
        ],
    }
    assert (
        judge_process("Ben has 5 * 3 = 15, which is 1 modulo 7. The answer is 1.", meta).verdict
        == "valid"
    )
    assert judge_process("Ben has 5 * 3 = 15 apples. The answer is 15.", meta).verdict == "valid"
    assert (
        judge_process("Ben has 5 * 3 = 16 apples. The answer is 2.", meta).verdict == "contradicted"
    )


def test_numbers_in_words():
    assert normalize("twenty-one plus three equals twenty four") == "21 + 3 = 24"
    assert normalize("a hundred and five") == "105"
    assert normalize("three times as many") == "3 times as many"
