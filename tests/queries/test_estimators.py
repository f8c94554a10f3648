"""pass_hat_k, g_pass_at_k, mg_pass_at_k, cover_at_tau and bayes_at_n against independent
references: every k-subset enumerated in rationals for small n (estimator_reference.py),
scipy.stats for the hypergeometric tails and the Beta posteriors at large n, and counts by hand;
on lakes with known correctness matrices and on an old-layout lake."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from estimator_reference import (
    brute_g_pass,
    brute_mg_pass,
    brute_pass_hat_k,
    threshold,
)
from query_lakes import sample_rows
from scipy import stats

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake import write_rows
from boundary_ray.query import run_query

TOLERANCE = 1e-9
DEFAULT_TAUS = (0.25, 0.5, 0.75, 1.0)

SMALL_CELLS = {
    # (model, benchmark): samples per problem; every k-subset is enumerated
    ("m-12", "aime"): [12] * 6,
    ("m-9", "2024"): [9] * 5,
    ("m-mixed", "aime"): [7, 10, 13, 8],  # k stops at the smallest n, 7
}


def matrix(rng: random.Random, ns: list[int]) -> list[list[bool]]:
    """Correctness rows; the first problems hit c = 0, 1, n - 1 and n."""
    rows = []
    for p, n in enumerate(ns):
        c = [0, 1, n - 1, n][p] if p < 4 else rng.randint(0, n)
        row = [True] * c + [False] * (n - c)
        rng.shuffle(row)
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory) -> tuple[str, dict]:
    rng = random.Random(34)
    lake = str(tmp_path_factory.mktemp("estimators") / "lake")
    matrices = {}
    for (model, benchmark), ns in SMALL_CELLS.items():
        matrices[(model, benchmark)] = matrix(rng, ns)
        write_rows(lake, "samples", sample_rows(model, benchmark, matrices[(model, benchmark)]))
    return lake, matrices


def _by_key(table: pa.Table, *columns: str) -> dict[tuple, dict]:
    return {tuple(row[c] for c in columns): row for row in table.to_pylist()}


def _every_k(ns: list[int]) -> range:
    return range(1, min(ns) + 1)


def test_pass_hat_k_is_the_share_of_all_correct_subsets(small_lake):
    lake, matrices = small_lake
    table = run_query("pass_hat_k", lake, {"ks": ",".join(map(str, range(1, 14)))})
    got = _by_key(table, "model", "benchmark", "k")
    expected = set()
    for (model, benchmark), rows in matrices.items():
        for k in _every_k([len(r) for r in rows]):
            expected.add((model, benchmark, k))
            exact = sum(brute_pass_hat_k(r, k) for r in rows) / len(rows)
            assert abs(got[(model, benchmark, k)]["pass_hat_k"] - float(exact)) < TOLERANCE
    assert set(got) == expected


def test_g_pass_at_k_counts_subsets_with_enough_correct(small_lake):
    lake, matrices = small_lake
    taus = (0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 1.0)
    table = run_query(
        "g_pass_at_k",
        lake,
        {"ks": ",".join(map(str, range(1, 14))), "tau": ",".join(map(str, taus))},
    )
    got = _by_key(table, "model", "benchmark", "k", "tau")
    checked = 0
    for (model, benchmark), rows in matrices.items():
        for k in _every_k([len(r) for r in rows]):
            for tau in taus:
                m = threshold(tau, k)
                exact = sum(brute_g_pass(r, k, m) for r in rows) / len(rows)
                row = got[(model, benchmark, k, tau)]
                assert abs(row["g_pass_at_k"] - float(exact)) < TOLERANCE, (model, k, tau)
                checked += 1
    assert checked == len(got)


def test_g_pass_at_k_default_taus_and_its_limits(small_lake):
    lake, _ = small_lake
    table = run_query("g_pass_at_k", lake, {"model": "m-12"})
    assert sorted({r["tau"] for r in table.to_pylist()}) == list(DEFAULT_TAUS)
    one = run_query("g_pass_at_k", lake, {"model": "m-12", "tau": "1.0"})
    hat = _by_key(run_query("pass_hat_k", lake, {"model": "m-12"}), "k")
    passk = _by_key(run_query("pass_at_k", lake, {"model": "m-12"}), "k")
    low = _by_key(run_query("g_pass_at_k", lake, {"model": "m-12", "tau": "0"}), "k")
    for row in one.to_pylist():
        # tau = 1 is pass^k; tau = 0 (m = 1) is pass@k
        assert row["g_pass_at_k"] == pytest.approx(hat[(row["k"],)]["pass_hat_k"], abs=1e-12)
        assert low[(row["k"],)]["g_pass_at_k"] == pytest.approx(
            passk[(row["k"],)]["pass_at_k"], abs=1e-12
        )


def test_mg_pass_at_k_averages_the_upper_thresholds(small_lake):
    lake, matrices = small_lake
    table = run_query("mg_pass_at_k", lake, {"ks": ",".join(map(str, range(1, 14)))})
    got = _by_key(table, "model", "benchmark", "k")
    for (model, benchmark), rows in matrices.items():
        for k in _every_k([len(r) for r in rows]):
            exact = sum(brute_mg_pass(r, k) for r in rows) / len(rows)
            assert abs(got[(model, benchmark, k)]["mg_pass_at_k"] - float(exact)) < TOLERANCE


def _hypergeom_tail(n: int, c: int, k: int, m: int) -> float:
    """P(X >= m), X ~ Hypergeometric(population n, c successes, k draws), from scipy."""
    return float(stats.hypergeom.sf(m - 1, n, c, k))


def test_g_pass_and_mg_pass_match_scipy_at_n_1024(tmp_path):
    """At n = 1024 the sums run over a window of the count only: scipy sums the whole tail."""
    rng = random.Random(7)
    n = 1024
    counts = [0, 1, 3, 50, 200, 511, 512, 700, 1000, 1023, 1024] + [
        rng.randint(0, n) for _ in range(9)
    ]
    rows = [[True] * c + [False] * (n - c) for c in counts]
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", sample_rows("m", "b", rows))
    ks = [1, 2, 3, 5, 16, 100, 256, 512, 777, 1000, 1024]
    params = {"ks": ",".join(map(str, ks)), "tau": "0.25,0.5,0.75,1.0"}
    g_pass = _by_key(run_query("g_pass_at_k", lake, params), "k", "tau")
    mg_pass = _by_key(run_query("mg_pass_at_k", lake, {"ks": params["ks"]}), "k")
    worst = 0.0
    for k in ks:
        for tau in DEFAULT_TAUS:
            m = threshold(tau, k)
            reference = sum(_hypergeom_tail(n, c, k, m) for c in counts) / len(counts)
            worst = max(worst, abs(g_pass[(k, tau)]["g_pass_at_k"] - reference))
        low = math.ceil(k / 2)
        reference = sum(
            2 / k * sum(_hypergeom_tail(n, c, k, i) for i in range(low + 1, k + 1)) for c in counts
        ) / len(counts)
        worst = max(worst, abs(mg_pass[(k,)]["mg_pass_at_k"] - reference))
    assert worst < TOLERANCE, worst


def test_cover_at_tau_counts_problems_by_hand(tmp_path):
    lake = str(tmp_path / "lake")
    # c/n = 0, 1/10, 3/10, 5/10, 7/10, 1: exactly on the default thresholds
    rows = [[True] * c + [False] * (10 - c) for c in (0, 1, 3, 5, 7, 10)]
    write_rows(lake, "samples", sample_rows("m", "b", rows))
    got = {r["tau"]: r["cover"] for r in run_query("cover_at_tau", lake).to_pylist()}
    hand = {0.1: 5, 0.2: 4, 0.3: 4, 0.4: 3, 0.5: 3, 0.6: 2, 0.7: 2, 0.8: 1, 0.9: 1, 1.0: 1}
    assert got == {tau: count / 6 for tau, count in hand.items()}
    picked = run_query("cover_at_tau", lake, {"tau": "0.05,0.3"}).to_pylist()
    assert [(r["tau"], r["cover"]) for r in picked] == [(0.05, 5 / 6), (0.3, 4 / 6)]


def test_bayes_at_n_is_the_mean_of_beta_posteriors(small_lake):
    lake, matrices = small_lake
    got = _by_key(run_query("bayes_at_n", lake), "model", "benchmark")
    assert set(got) == set(matrices)
    for key, rows in matrices.items():
        posteriors = [stats.beta(sum(r) + 1, len(r) - sum(r) + 1) for r in rows]
        mu = sum(p.mean() for p in posteriors) / len(rows)
        sigma = math.sqrt(sum(p.var() for p in posteriors)) / len(rows)
        assert got[key]["problems"] == len(rows)
        assert abs(got[key]["mu"] - mu) < TOLERANCE
        assert abs(got[key]["sigma"] - sigma) < TOLERANCE


def test_tau_must_be_numbers_in_the_unit_interval(small_lake):
    lake, _ = small_lake
    with pytest.raises(
        BoundaryError, match=r"--param tau=1.5 \(query g_pass_at_k\): 1.5 is outside"
    ):
        run_query("g_pass_at_k", lake, {"tau": "1.5"})
    with pytest.raises(BoundaryError, match="expected float of list"):
        run_query("cover_at_tau", lake, {"tau": "half"})
    with pytest.raises(BoundaryError, match="comma-separated list of numbers"):
        run_query("cover_at_tau", lake, {"tau": ","})


def _v1_lake(path, rows: list[list[bool]]) -> str:
    """Samples as lake schema version 1 wrote them (no cum_logprob, answer_rule, verdict_reason;
    no answer classes), by hand with pyarrow."""
    folder = path / "samples" / "model=old" / "benchmark=gsm8k"
    folder.mkdir(parents=True)
    fields = [
        f
        for f in schema.file_schema("samples")
        if f.name not in ("cum_logprob", "answer_rule", "verdict_reason")
        and f.name not in ("process_verdict", "process_reason")
    ]
    records = [
        {
            "problem_id": f"p{p}",
            "sample_idx": i,
            "run_id": "20240101T000000Z-old",
            "response": f"r{i}",
            "finish_reason": "stop",
            "extracted_answer": "1" if ok else str(2 + i % 3),
            "correct": ok,
            "verdict": "correct" if ok else "wrong",
        }
        for p, row in enumerate(rows)
        for i, ok in enumerate(row)
    ]
    pq.write_table(
        pa.Table.from_pylist(records, schema=pa.schema(fields)), folder / "part-0.parquet"
    )
    return str(path)


def test_estimators_on_an_old_layout_lake(tmp_path):
    rows = [[True, True, False, False, True, False], [False] * 6, [True] * 6, [True] + [False] * 5]
    lake = _v1_lake(tmp_path, rows)
    hat = _by_key(run_query("pass_hat_k", lake, {"ks": "3,5"}), "k")
    g_pass = _by_key(run_query("g_pass_at_k", lake, {"ks": "3,5", "tau": "0.5"}), "k")
    mg_pass = _by_key(run_query("mg_pass_at_k", lake, {"ks": "3,5"}), "k")
    assert sorted(k for (k,) in hat) == [1, 2, 3, 4, 5, 6]
    for (k,) in hat:
        exact = sum(brute_pass_hat_k(r, k) for r in rows) / len(rows)
        assert abs(hat[(k,)]["pass_hat_k"] - float(exact)) < TOLERANCE
        exact = sum(brute_g_pass(r, k, threshold(0.5, k)) for r in rows) / len(rows)
        assert abs(g_pass[(k,)]["g_pass_at_k"] - float(exact)) < TOLERANCE
        exact = sum(brute_mg_pass(r, k) for r in rows) / len(rows)
        assert abs(mg_pass[(k,)]["mg_pass_at_k"] - float(exact)) < TOLERANCE
    (bayes,) = run_query("bayes_at_n", lake).to_pylist()
    assert bayes["mu"] == pytest.approx(float(sum(Fraction(sum(r) + 1, 8) for r in rows) / 4))
    cover = {r["tau"]: r["cover"] for r in run_query("cover_at_tau", lake).to_pylist()}
    assert cover[0.5] == 2 / 4 and cover[1.0] == 1 / 4
