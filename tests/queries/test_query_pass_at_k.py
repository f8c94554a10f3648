"""pass_at_k.sql against an independent reference: exact rational arithmetic in plain Python."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest
from query_lakes import sample_rows

from boundary_ray.lake import write_rows
from boundary_ray.query import run_query


def reference_pass_at_k(n: int, c: int, k: int) -> Fraction:
    """1 - C(n - c, k) / C(n, k), exactly (math.comb is 0 when k > n - c)."""
    return 1 - Fraction(math.comb(n - c, k), math.comb(n, k))


def matrix(rng: random.Random, n_per_problem: list[int], special: bool = True) -> list[list[bool]]:
    """A correctness matrix; with `special`, the first problems hit c = 0, 1, n - 1 and n."""
    rows = []
    for p, n in enumerate(n_per_problem):
        edge = [0, 1, n - 1, n]
        c = edge[p] if special and p < len(edge) else rng.randint(0, n)
        row = [True] * c + [False] * (n - c)
        rng.shuffle(row)
        rows.append(row)
    return rows


CELLS = {
    # (model, benchmark): samples per problem
    ("m-1024", "aime"): [1024] * 7,
    ("m-37", "aime"): [37] * 9,
    ("m-37", "2024"): [37] * 5,
    ("m-one", "aime"): [1] * 3,
    ("m-mixed", "aime"): [5, 9, 12, 40, 5, 7],  # k must stop at the smallest n, 5
}


@pytest.fixture(scope="module")
def random_lake(tmp_path_factory) -> tuple[str, dict]:
    rng = random.Random(20250101)
    lake = str(tmp_path_factory.mktemp("passk") / "lake")
    matrices = {}
    for (model, benchmark), ns in CELLS.items():
        matrices[(model, benchmark)] = matrix(rng, ns)
        write_rows(lake, "samples", sample_rows(model, benchmark, matrices[(model, benchmark)]))
    return lake, matrices


def test_every_k_matches_exact_reference(random_lake):
    lake, matrices = random_lake
    every_k = ",".join(str(k) for k in range(1, 1025))
    table = run_query("pass_at_k", lake, {"ks": every_k})
    got = {(r["model"], r["benchmark"], r["k"]): r for r in table.to_pylist()}
    expected_keys = set()
    worst = 0.0
    for (model, benchmark), rows in matrices.items():
        ns = [len(row) for row in rows]
        for k in range(1, min(ns) + 1):
            expected_keys.add((model, benchmark, k))
            exact = sum(reference_pass_at_k(len(r), sum(r), k) for r in rows) / len(rows)
            row = got[(model, benchmark, k)]
            assert row["problems"] == len(rows)
            worst = max(worst, abs(row["pass_at_k"] - float(exact)))
    assert set(got) == expected_keys
    assert worst < 1e-9, worst


def test_default_k_grid_is_powers_of_two_and_the_smallest_n(random_lake):
    lake, _ = random_lake
    table = run_query("pass_at_k", lake, {"ks": "3,6,2000"})
    ks: dict[tuple, list[int]] = {}
    for row in table.to_pylist():
        ks.setdefault((row["model"], row["benchmark"]), []).append(row["k"])
    assert ks[("m-1024", "aime")] == [1, 2, 3, 4, 6, 8, 16, 32, 64, 128, 256, 512, 1024]
    assert ks[("m-37", "aime")] == [1, 2, 3, 4, 6, 8, 16, 32, 37]
    assert ks[("m-one", "aime")] == [1]
    assert ks[("m-mixed", "aime")] == [1, 2, 3, 4, 5]


def test_exact_endpoints(tmp_path):
    """c = n gives exactly 1 at every k, c = 0 exactly 0; pass@1 is c / n."""
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", sample_rows("m", "b", [[True] * 64, [False] * 64]))
    rows = run_query("pass_at_k", lake, {"model": "m"}).to_pylist()
    assert [r["pass_at_k"] for r in rows] == [0.5] * 7  # (1 + 0) / 2 at k = 1 .. 64


def test_filters_select_one_cell(random_lake):
    lake, _ = random_lake
    rows = run_query("pass_at_k", lake, {"model": "m-37", "benchmark": "2024"}).to_pylist()
    assert {(r["model"], r["benchmark"]) for r in rows} == {("m-37", "2024")}


def numpy_bootstrap(
    values: np.ndarray, level: float, resamples: int, seed: int
) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(values), size=(resamples, len(values)))
    means = values[draws].mean(axis=1)
    return float(np.quantile(means, (1 - level) / 2)), float(
        np.quantile(means, 1 - (1 - level) / 2)
    )


def test_bootstrap_interval_agrees_with_numpy_bootstrap(tmp_path):
    rng = random.Random(7)
    lake = str(tmp_path / "lake")
    rows = matrix(rng, [16] * 40, special=False)
    write_rows(lake, "samples", sample_rows("m", "b", rows))
    table = run_query("pass_at_k", lake, {"ci": "0.9", "bootstrap": "3000", "seed": "3"})
    for row in table.to_pylist():
        k = row["k"]
        per_problem = np.array([float(reference_pass_at_k(16, sum(r), k)) for r in rows])
        low, high = numpy_bootstrap(per_problem, 0.9, 3000, seed=11)
        assert row["ci_low"] <= row["pass_at_k"] <= row["ci_high"]
        # two independent Monte Carlo estimates of the same quantiles
        assert abs(row["ci_low"] - low) < 0.02, (k, row["ci_low"], low)
        assert abs(row["ci_high"] - high) < 0.02, (k, row["ci_high"], high)


def test_bootstrap_is_reproducible_and_seeded(random_lake):
    lake, _ = random_lake
    params = {"ci": "0.95", "bootstrap": "200", "benchmark": "aime", "model": "m-37"}
    first = run_query("pass_at_k", lake, params)
    again = run_query("pass_at_k", lake, params)
    other = run_query("pass_at_k", lake, {**params, "seed": "1"})
    assert first.column("ci_low").to_pylist() == pytest.approx(
        again.column("ci_low").to_pylist(), abs=1e-12
    )
    assert first.column("ci_high").to_pylist() == pytest.approx(
        again.column("ci_high").to_pylist(), abs=1e-12
    )
    assert first.column("ci_low").to_pylist() != pytest.approx(
        other.column("ci_low").to_pylist(), abs=1e-6
    )
    assert run_query("pass_at_k", lake).column("ci_low").null_count == len(
        run_query("pass_at_k", lake)
    )


def test_bootstrap_collapses_when_problems_are_alike(tmp_path):
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", sample_rows("m", "b", [[True, False, False, True]] * 6))
    for row in run_query("pass_at_k", lake, {"ci": "0.95", "bootstrap": "50"}).to_pylist():
        assert row["ci_low"] == pytest.approx(row["pass_at_k"], abs=1e-12)
        assert row["ci_high"] == pytest.approx(row["pass_at_k"], abs=1e-12)
