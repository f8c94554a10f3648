"""queries/boundary_by_difficulty.sql over a real lake of generated problems and fake samples."""

from __future__ import annotations

import json
import math

import pytest

from boundary_ray.benchmarks.synthetic import load_synthetic
from boundary_ray.lake import write_rows
from boundary_ray.query import query_schema, run_query
from boundary_ray.spec import BenchmarkSpec

COLUMNS = ["model", "benchmark", "ops", "k", "pass_at_k", "problems", "max_k", "boundary_ops"]


def _correct_count(model: str, ops: int, index: int, n: int) -> int:
    """A made-up grade pattern: m1 gets worse with ops except a lucky ops 4; m2 solves little."""
    if model == "m1":
        return {1: 6, 2: 3, 3: 0, 4: 5}[ops] - (index == 0 and ops == 2)
    return 1 if ops == 1 and index < 2 else 0


@pytest.fixture()
def lake(tmp_path) -> str:
    lake = str(tmp_path / "lake")
    problems = load_synthetic(BenchmarkSpec("synth", "synthetic:arith?ops=1-4&per_op=3"))
    plain = [
        {"benchmark": "plain", "problem_id": "p1", "task": "math", "question": "1+1?",
         "answer": "2", "meta": json.dumps({"source": "hand"})},
        {"benchmark": "plain", "problem_id": "p2", "task": "math", "question": "2+2?",
         "answer": "4", "meta": None},
    ]  # fmt: skip
    write_rows(lake, "problems", problems + plain)
    samples = []
    for model, n in (("m1", 8), ("m2", 6)):
        for row in problems:
            ops, index = (int(part) for part in row["problem_id"][3:].split("-"))
            draws = 4 if (model == "m2" and row["problem_id"] == "ops3-0001") else n
            c = _correct_count(model, ops, index, draws)
            for i in range(draws):
                samples.append(_sample(model, "synth", row["problem_id"], i, i < c))
        for row in plain:
            for i in range(n):
                samples.append(_sample(model, "plain", row["problem_id"], i, True))
    write_rows(lake, "samples", samples)
    return lake


def _sample(model: str, benchmark: str, problem_id: str, idx: int, correct: bool) -> dict:
    return {"model": model, "benchmark": benchmark, "problem_id": problem_id, "sample_idx": idx,
            "run_id": "r", "seed": idx, "correct": correct,
            "verdict": "correct" if correct else "wrong"}  # fmt: skip


def _pass_at_k(n: int, c: int, k: int) -> float:
    """Chen et al.'s estimator with exact integers."""
    return 1.0 if n - c < k else 1.0 - math.comb(n - c, k) / math.comb(n, k)


def _expected(
    model: str, n_of, threshold: float
) -> dict[tuple[int, int], tuple[float, int | None]]:
    max_k = min(n_of(ops, i) for ops in range(1, 5) for i in range(3))
    ks = sorted({2**p for p in range(10) if 2**p <= max_k} | {max_k})
    curve = {}
    for k in ks:
        for ops in range(1, 5):
            values = [
                _pass_at_k(n_of(ops, i), _correct_count(model, ops, i, n_of(ops, i)), k)
                for i in range(3)
            ]
            curve[(ops, k)] = sum(values) / 3
    expected = {}
    for k in ks:
        boundary = None
        for ops in range(1, 5):
            if curve[(ops, k)] <= threshold:
                break
            boundary = ops
        for ops in range(1, 5):
            expected[(ops, k)] = (curve[(ops, k)], boundary)
    return expected


def test_pass_at_k_by_ops_and_boundary(lake):
    table = run_query("boundary_by_difficulty", lake, {})
    assert table.column_names == COLUMNS
    rows = table.to_pylist()
    assert {r["benchmark"] for r in rows} == {"synth"}  # problems without meta.ops are left out
    keys = [(r["model"], r["benchmark"], r["ops"], r["k"]) for r in rows]
    assert len(keys) == len(set(keys))
    for column in ("model", "benchmark", "ops", "k", "pass_at_k", "problems", "max_k"):
        assert all(r[column] is not None for r in rows), column

    n_of = {
        "m1": lambda ops, i: 8,
        "m2": lambda ops, i: 4 if (ops, i) == (3, 1) else 6,
    }
    for model in ("m1", "m2"):
        got = {(r["ops"], r["k"]): r for r in rows if r["model"] == model}
        expected = _expected(model, n_of[model], 0.5)
        assert set(got) == set(expected)
        for key, (value, boundary) in expected.items():
            assert got[key]["pass_at_k"] == pytest.approx(value, abs=1e-9), (model, key)
            assert got[key]["boundary_ops"] == boundary, (model, key)
            assert got[key]["problems"] == 3
    m1 = {(r["ops"], r["k"]): r for r in rows if r["model"] == "m1"}
    # m1 is above 0.5 at ops 1 and 2, fails at 3 and recovers at 4: the boundary stops at 2
    assert m1[(4, 8)]["pass_at_k"] > 0.5 and m1[(3, 8)]["pass_at_k"] == 0.0
    assert m1[(1, 8)]["boundary_ops"] == 2 and m1[(1, 8)]["max_k"] == 8
    assert {r["max_k"] for r in rows if r["model"] == "m2"} == {4}
    # m2 never gets above 0.5 at k = 1: no boundary
    assert all(r["boundary_ops"] is None for r in rows if r["model"] == "m2" and r["k"] == 1)


@pytest.mark.parametrize(("threshold", "boundary"), [("0.05", 2), ("0.5", 1), ("0.8", None)])
def test_threshold_moves_the_boundary(lake, threshold, boundary):
    # m1's pass@1 by ops: 0.75, 0.33, 0, 0.625
    rows = run_query("boundary_by_difficulty", lake, {"threshold": threshold, "model": "m1"})
    rows = rows.to_pylist()
    assert {r["model"] for r in rows} == {"m1"}
    at_k1 = {r["boundary_ops"] for r in rows if r["k"] == 1}
    assert at_k1 == {boundary}
    assert at_k1 == {_expected("m1", lambda ops, i: 8, float(threshold))[(1, 1)][1]}
    # at k = 8 every ops but 3 is solved for sure: the boundary is 2 whatever the threshold
    assert {r["boundary_ops"] for r in rows if r["k"] == r["max_k"] == 8} == {2}


def test_output_matches_its_schema_entry(lake):
    declared = query_schema()["boundary_by_difficulty"]
    table = run_query("boundary_by_difficulty", lake, {"threshold": "0.25"})
    assert {f.name: str(f.type) for f in table.schema} == {
        name: kind for name, kind in declared["columns"].items()
    }
    rows = table.to_pylist()
    assert rows
    keys = [tuple(r[c] for c in declared["unique"]) for r in rows]
    assert len(keys) == len(set(keys))
    for column in declared["not_null"]:
        assert all(r[column] is not None for r in rows), column


def test_a_lake_without_synthetic_problems_gives_no_rows(realistic_lake):
    table = run_query("boundary_by_difficulty", realistic_lake, {})
    assert table.column_names == COLUMNS
    assert table.num_rows == 0
