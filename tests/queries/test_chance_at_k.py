"""chance_at_k: pass@k of multiple-choice and free-form problems apart, beside a uniform
guesser's 1 - (1 - 1/m)^k, computed by hand on a lake whose problems say their type."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from query_lakes import sample_rows

from boundary_ray.lake import write_rows
from boundary_ray.query import run_query

N = 8
# problem id -> (meta, correct samples out of N)
PROBLEMS = {
    # MathVista-style: four options listed
    "mc4": ({"question_type": "multi_choice", "choices": ["a", "b", "c", "d"]}, 2),
    "mc4b": ({"question_type": "multi_choice", "choices": ["1", "2", "3", "4"]}, 0),
    # options only in the image: letters A-E
    "mc-image": ({"question_type": "multi_choice", "choices": []}, 1),
    # an AMC file that kept its five options, with no question_type
    "amc": ({"options": ["(A) 1", "(B) 2", "(C) 3", "(D) 4", "(E) 5"]}, 8),
    "free": ({"question_type": "free_form", "answer_type": "integer"}, 4),
    "plain": ({"level": 3}, 0),
}
OPTIONS = {"mc4": 4, "mc4b": 4, "mc-image": 5, "amc": 5}


def pass_at_k(n: int, c: int, k: int) -> float:
    return float(1 - Fraction(math.comb(n - c, k), math.comb(n, k)))


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("chance") / "lake")
    write_rows(
        path,
        "problems",
        [
            {
                "benchmark": "b",
                "problem_id": pid,
                "task": "visual",
                "question": "q",
                "answer": "a",
                "meta": json.dumps(meta),
            }
            for pid, (meta, _) in PROBLEMS.items()
        ],
    )
    rows = []
    for pid, (_, c) in PROBLEMS.items():
        for row in sample_rows("m", "b", [[True] * c + [False] * (N - c)]):
            rows.append({**row, "problem_id": pid})
    # a problem with samples but no problems row counts as free form
    rows += [{**r, "problem_id": "unlisted"} for r in sample_rows("m", "b", [[True] + [False] * 7])]
    write_rows(path, "samples", rows)
    return path


def test_each_type_beside_its_guesser(lake):
    table = run_query("chance_at_k", lake, {"ks": "3"})
    got = {(r["k"], r["question_type"]): r for r in table.to_pylist()}
    assert {t for _, t in got} == {"all", "free_form", "multi_choice"}
    correct = {pid: c for pid, (_, c) in PROBLEMS.items()} | {"unlisted": 1}
    kinds = {
        "multi_choice": list(OPTIONS),
        "free_form": ["free", "plain", "unlisted"],
        "all": list(correct),
    }
    for k in (1, 2, 3, 4, 8):
        for kind, ids in kinds.items():
            row = got[(k, kind)]
            assert row["problems"] == len(ids)
            expected = sum(pass_at_k(N, correct[p], k) for p in ids) / len(ids)
            assert row["pass_at_k"] == pytest.approx(expected, abs=1e-12)
            guess = sum(1 - (1 - 1 / OPTIONS[p]) ** k for p in ids if p in OPTIONS) / len(ids)
            assert row["chance_pass_at_k"] == pytest.approx(guess, abs=1e-12)
    # at k = 8 a guesser gets 1 - 0.75^8 = 90% of a four-option problem, 83% of a five-option one
    assert got[(8, "multi_choice")]["chance_pass_at_k"] == pytest.approx(
        (2 * (1 - 0.75**8) + 2 * (1 - 0.8**8)) / 4, abs=1e-12
    )
    all_k = {(r["k"], r["question_type"]): r["pass_at_k"] for r in table.to_pylist()}
    plain = {r["k"]: r["pass_at_k"] for r in run_query("pass_at_k", lake, {"ks": "3"}).to_pylist()}
    assert {k: v for (k, t), v in all_k.items() if t == "all"} == pytest.approx(plain, abs=1e-12)


def test_a_lake_without_problems_is_all_free_form(tmp_path):
    path = str(tmp_path / "lake")
    write_rows(path, "samples", sample_rows("m", "b", [[True, False], [False, False]]))
    rows = run_query("chance_at_k", path).to_pylist()
    assert {r["question_type"] for r in rows} == {"all", "free_form"}
    assert all(r["chance_pass_at_k"] == 0 for r in rows)
