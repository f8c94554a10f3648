"""Process verifier: labelled and hostile cases for number words and steps computed inline
(``process_words_inline_cases.py``), and the inline check on its own."""

from __future__ import annotations

import functools

import pytest

from boundary_ray.benchmarks.synthetic import load_synthetic
from boundary_ray.spec import BenchmarkSpec
from boundary_ray.verifiers.process.verifier import judge_process
from tests.verifiers.process.process_words_inline_cases import HOSTILE, LABELLED

CASES = [("labelled", *c) for c in LABELLED] + [("hostile", *c) for c in HOSTILE]


@functools.cache
def metas() -> dict[str, str]:
    source = "synthetic:arith?ops=1-4&per_op=3&seed=0"
    rows = load_synthetic(BenchmarkSpec(name="s", source=source))
    return {row["problem_id"]: row["meta"] for row in rows}


def test_each_class_has_labelled_and_hostile_cases() -> None:
    for name in ("words", "inline"):
        assert sum(c[4] == name for c in LABELLED) >= 5, name
        assert sum(c[4] == name for c in HOSTILE) >= 4, name
    assert all(c[1] != "valid" for c in HOSTILE)


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[5]}-{i}" for i, c in enumerate(CASES)])
def test_process_words_inline_case(case) -> None:
    _, problem_id, expected, finish_reason, response, _ = case
    got = judge_process(response, metas()[problem_id], finish_reason)
    assert got.verdict == expected, f"{problem_id}: {got.verdict} ({got.reason}): {response[:200]}"
    assert got.reason


def test_an_unchecked_inline_step_says_so() -> None:
    response = HOSTILE[-1][3]
    got = judge_process(response, metas()["ops2-0002"], "stop")
    assert got.verdict == "unsupported" and "computed inline" in got.reason
