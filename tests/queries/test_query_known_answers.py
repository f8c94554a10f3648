"""coverage, accuracy_hist, solvable, efficiency_gap, hardest_solved, answer_health and
perplexity on small hand-made lakes whose answers are worked out by hand."""

from __future__ import annotations

import json

import pytest
from query_lakes import sample_rows

from boundary_ray.lake import write_rows
from boundary_ray.query import run_query


def solved_matrix(solved: list[bool], n: int) -> list[list[bool]]:
    """Problem i has one correct sample (the last) when solved[i], else none."""
    return [[False] * (n - 1) + [ok] for ok in solved]


@pytest.fixture(scope="module")
def coverage_lake(tmp_path_factory) -> str:
    lake = str(tmp_path_factory.mktemp("coverage") / "lake")
    #            p0     p1    p2    p3     p4     p5
    a = [True, True, True, False, False, False]
    b = [False, True, True, True, False, False, True]  # p6: only b attempted it
    write_rows(lake, "samples", sample_rows("a", "bench", solved_matrix(a, 4)))
    write_rows(lake, "samples", sample_rows("b", "bench", solved_matrix(b, 2)))
    write_rows(lake, "samples", sample_rows("c", "2024", solved_matrix([True], 3)))
    write_rows(
        lake,
        "models",
        [
            {"model": "a", "role": "base", "run_id": "r2", "tags": "{}"},
            {"model": "a", "role": "instruct", "run_id": "r1", "tags": "{}"},
            {"model": "b", "role": "rl", "run_id": "r2", "tags": "{}"},
        ],
    )
    return lake


def cells(rows: list[dict]) -> dict[str, tuple[int, float, list[str]]]:
    return {r["cell"]: (r["problems"], r["fraction"], r["problem_ids"]) for r in rows}


def test_coverage_cells(coverage_lake):
    rows = run_query("coverage", coverage_lake).to_pylist()
    assert {(r["benchmark"], r["model_a"], r["model_b"]) for r in rows} == {("bench", "a", "b")}
    assert [r["cell"] for r in rows] == ["both", "only_a", "only_b", "neither"]
    assert cells(rows) == {
        "both": (2, 2 / 6, ["p1", "p2"]),
        "only_a": (1, 1 / 6, ["p0"]),
        "only_b": (1, 1 / 6, ["p3"]),
        "neither": (2, 2 / 6, ["p4", "p5"]),
    }
    assert {(r["role_a"], r["role_b"], r["n_a"], r["n_b"]) for r in rows} == {("base", "rl", 4, 2)}


def test_coverage_pair_in_the_order_asked(coverage_lake):
    rows = run_query("coverage", coverage_lake, {"model_a": "b", "model_b": "a"}).to_pylist()
    assert cells(rows)["only_a"] == (1, 1 / 6, ["p3"])
    assert cells(rows)["only_b"] == (1, 1 / 6, ["p0"])
    assert cells(rows)["neither"][0] == 2


def test_coverage_empty_cells_are_listed(tmp_path):
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", sample_rows("a", "b1", solved_matrix([True, True], 2)))
    write_rows(lake, "samples", sample_rows("b", "b1", solved_matrix([True, True], 2)))
    got = cells(run_query("coverage", lake).to_pylist())
    assert got == {
        "both": (2, 1.0, ["p0", "p1"]),
        "only_a": (0, 0.0, []),
        "only_b": (0, 0.0, []),
        "neither": (0, 0.0, []),
    }


def test_solvable_and_threshold(coverage_lake, tmp_path):
    rows = run_query("solvable", coverage_lake, {"model": "a"}).to_pylist()
    assert [(r["problem_id"], r["n"], r["c"]) for r in rows] == [
        ("p0", 4, 1),
        ("p1", 4, 1),
        ("p2", 4, 1),
    ]
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", sample_rows("m", "b", [[True, True, False], [True, False, False]]))
    assert run_query("solvable", lake, {"threshold": "2"}).column("problem_id").to_pylist() == [
        "p0"
    ]


def test_accuracy_hist_bins(tmp_path):
    lake = str(tmp_path / "lake")

    def row(n: int, c: int) -> list[bool]:
        return [True] * c + [False] * (n - c)

    # n = 10: c/n = 0, 0, .1, .2, .3, .5, .9, 1, 1
    write_rows(
        lake,
        "samples",
        sample_rows("ten", "b", [row(10, c) for c in (0, 0, 1, 2, 3, 5, 9, 10, 10)]),
    )
    # n = 30: 1/30 in (0, 0.1); 3/30 = 0.1 exactly in [0.1, 0.2); 29/30 in [0.9, 1)
    write_rows(lake, "samples", sample_rows("thirty", "b", [row(30, c) for c in (1, 3, 29)]))
    table = run_query("accuracy_hist", lake).to_pylist()
    hist = {(r["model"], r["bin"]): r["problems"] for r in table}
    labels = ["0", "(0, 0.1)"] + [f"[0.{i}, 0.{i + 1})" for i in range(1, 9)] + ["[0.9, 1)", "1"]
    assert [r["bin"] for r in table if r["model"] == "ten"] == labels
    assert [hist[("ten", label)] for label in labels] == [2, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 2]
    assert [hist[("thirty", label)] for label in labels] == [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    fractions = {(r["model"], r["bin"]): r["fraction"] for r in table}
    assert fractions[("ten", "1")] == pytest.approx(2 / 9)
    assert sum(v for (m, _), v in fractions.items() if m == "thirty") == pytest.approx(1.0)
    bounds = [(r["bin_low"], r["bin_high"]) for r in table if r["model"] == "ten"]
    assert bounds[0] == (0.0, 0.0) and bounds[1] == (0.0, 0.1) and bounds[-1] == (1.0, 1.0)


def test_efficiency_gap(tmp_path):
    lake = str(tmp_path / "lake")
    # base, n = 4: c = 0, 1, 4 -> pass@4 = (0 + 1 + 1) / 3
    base = [[False] * 4, [True, False, False, False], [True] * 4]
    # rl, n = 4: c = 0, 2, 4 -> pass@1 = (0 + .5 + 1) / 3; pass@4 = 2 / 3
    rl = [[False] * 4, [True, True, False, False], [True] * 4]
    write_rows(lake, "samples", sample_rows("base", "b", base))
    write_rows(lake, "samples", sample_rows("rl-300", "b", rl))
    write_rows(lake, "samples", sample_rows("rl-100", "b", rl[:2]))  # attempted only p0, p1
    tags = {
        "rl-300": {"step": 300, "algorithm": "grpo"},
        "rl-100": {"step": 100, "algorithm": "ppo"},
    }
    write_rows(
        lake,
        "models",
        [{"model": "base", "role": "base", "run_id": "r1", "tags": "{}"}]
        + [
            {"model": m, "role": "rl", "run_id": "r1", "tags": json.dumps(t)}
            for m, t in tags.items()
        ],
    )
    rows = {r["rl_model"]: r for r in run_query("efficiency_gap", lake).to_pylist()}
    assert set(rows) == {"rl-100", "rl-300"}
    r300 = rows["rl-300"]
    assert (r300["k"], r300["problems"], r300["tag_value"]) == (4, 3, "300")
    assert r300["base_pass_at_k"] == pytest.approx(2 / 3, abs=1e-12)
    assert r300["rl_pass_at_1"] == pytest.approx(0.5, abs=1e-12)
    assert r300["rl_pass_at_k"] == pytest.approx(2 / 3, abs=1e-12)
    assert r300["gap"] == pytest.approx(2 / 3 - 0.5, abs=1e-12)
    # on its shared problems p0, p1 only: base pass@4 = 1/2, rl pass@1 = 1/4
    assert rows["rl-100"]["gap"] == pytest.approx(0.25, abs=1e-12)
    by_algorithm = run_query("efficiency_gap", lake, {"tag": "algorithm"}).column("tag_value")
    assert sorted(by_algorithm.to_pylist()) == ["grpo", "ppo"]


def test_hardest_solved(tmp_path):
    lake = str(tmp_path / "lake")
    rows = sample_rows(
        "m",
        "b",
        [
            [i == 7 for i in range(40)],  # p0: 1/40 = 0.025 -> listed, its one correct response
            [i < 2 for i in range(40)],  # p1: 2/40 = 0.05 -> not below 0.05
            [False] * 40,  # p2: never solved
        ],
    )
    for row in rows:
        row["response"] = f"response {row['problem_id']} {row['sample_idx']}"
    write_rows(lake, "samples", rows)
    write_rows(
        lake, "problems", [{"benchmark": "b", "problem_id": "p0", "question": "Q0", "answer": "7"}]
    )
    got = run_query("hardest_solved", lake).to_pylist()
    assert [(r["problem_id"], r["sample_idx"], r["c"], r["n"]) for r in got] == [("p0", 7, 1, 40)]
    assert got[0]["rule"] == "max_rate"  # n = 40 allows the paper's band
    assert (got[0]["question"], got[0]["answer"], got[0]["response"]) == (
        "Q0",
        "7",
        "response p0 7",
    )
    wider = run_query("hardest_solved", lake, {"max_rate": "0.06"}).to_pylist()
    assert [(r["problem_id"], r["sample_idx"]) for r in wider] == [("p0", 7), ("p1", 0), ("p1", 1)]
    assert wider[1]["question"] is None  # no problems row for p1


def test_hardest_solved_at_small_n_takes_the_problems_one_sample_solved(tmp_path):
    """With n <= 1/max_rate no c >= 1 is below max_rate (1 of 16 is 6.25 %): the band would
    be empty, so such problems are the ones solved by exactly one sample."""
    lake = str(tmp_path / "lake")
    small = sample_rows(
        "m",
        "small",
        [
            [i == 3 for i in range(16)],  # p0: 1/16 -> one_correct
            [i < 2 for i in range(16)],  # p1: 2/16 -> not
            [False] * 16,  # p2: unsolved -> not
            [i == 0 for i in range(20)],  # p3: 1/20 = max_rate exactly -> one_correct
        ],
    )
    large = sample_rows("m", "large", [[i == 5 for i in range(21)], [i < 2 for i in range(21)]])
    write_rows(lake, "samples", small + large)
    got = run_query("hardest_solved", lake).to_pylist()
    assert [(r["benchmark"], r["problem_id"], r["sample_idx"], r["rule"]) for r in got] == [
        ("large", "p0", 5, "max_rate"),  # 1/21 < 0.05: the paper's band
        ("small", "p3", 0, "one_correct"),
        ("small", "p0", 3, "one_correct"),
    ]
    # a wider band: 1/16 < 0.1, so n = 16 allows it and p1 (2/16) is still above it
    wider = run_query("hardest_solved", lake, {"max_rate": "0.1", "benchmark": "small"})
    assert [(r["problem_id"], r["rule"]) for r in wider.to_pylist()] == [
        ("p3", "max_rate"),
        ("p0", "max_rate"),
    ]


def test_answer_health(tmp_path):
    lake = str(tmp_path / "lake")
    verdicts = [
        "correct",
        "wrong",
        "no_answer",
        "no_answer",
        "timeout",
        "error",
        "wrong",
        "correct",
    ]
    finish = ["stop", "length", "length", "stop", "stop", "stop", "stop", "length"]
    write_rows(
        lake,
        "samples",
        [
            {
                "model": "m",
                "benchmark": "b",
                "problem_id": "p0",
                "sample_idx": i,
                "verdict": v,
                "correct": v == "correct",
                "finish_reason": f,
                "response_tokens": 10 * i,
            }
            for i, (v, f) in enumerate(zip(verdicts, finish, strict=True))
        ],
    )
    (row,) = run_query("answer_health", lake).to_pylist()
    assert row["samples"] == 8
    assert (row["accuracy"], row["truncation_rate"], row["no_answer_rate"]) == (2 / 8, 3 / 8, 2 / 8)
    assert (row["timeout_rate"], row["error_rate"], row["mean_response_tokens"]) == (
        1 / 8,
        1 / 8,
        35.0,
    )


def test_perplexity(tmp_path):
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", sample_rows("m", "b", [[True]]))
    scores = [
        {"perplexity": p, "logprob_sum": -lp, "response_tokens": t, "status": "ok"}
        for p, lp, t in [(1.0, 1.0, 10), (2.0, 2.0, 10), (3.0, 3.0, 10), (10.0, 4.0, 10)]
    ] + [{"perplexity": None, "status": "too_long"}]
    for i, score in enumerate(scores):
        score.update(scorer="s", model="m", benchmark="b", problem_id="p0", sample_idx=i)
    write_rows(lake, "scores", scores)
    (row,) = run_query("perplexity", lake).to_pylist()
    assert (row["responses"], row["skipped"]) == (4, 1)
    assert (row["mean_perplexity"], row["median_perplexity"]) == (4.0, 2.5)
    assert row["mean_logprob_per_token"] == pytest.approx(-10 / 40)
