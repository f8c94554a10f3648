"""Issue 18: `--param answers=explicit` (a right answer that only the last-number fallback found
does not count) on every query that reads problem_outcomes, and answer_health's share of
correct verdicts resting on the fallback, on a hand-made lake read by real DuckDB."""

from __future__ import annotations

import re

import pytest
from query_lakes import sample_rows

from boundary_ray.errors import BoundaryError
from boundary_ray.lake import write_rows
from boundary_ray.query import list_queries, queries_dir, run_query
from boundary_ray.verifiers.answer_extraction import EXPLICIT_RULES, RULES

READS_OUTCOMES = re.compile(r"\b(?:from|join)\s+problem_outcomes\b")  # as analysis.py decides

# per problem, per sample: the answer rule of a correct sample ("-" = a wrong sample)
#   p0: 2 correct, both boxed          -> c = 2 under all and explicit
#   p1: 1 correct by the fallback      -> c = 1 under all, 0 under explicit
#   p2: 1 boxed, 1 fallback            -> c = 2 under all, 1 under explicit
#   p3: none correct
GRID = {
    "p0": ["boxed", "boxed", "-", "-"],
    "p1": ["last_number", "-", "-", "-"],
    "p2": ["hashes", "last_number", "-", "-"],
    "p3": ["-", "-", "-", "-"],
}


def rows_for(model: str, benchmark: str, grid: dict[str, list[str]]) -> list[dict]:
    rows = []
    for problem_id, rules in grid.items():
        for i, rule in enumerate(rules):
            (row,) = sample_rows(model, benchmark, [[rule != "-"]])
            row.update(problem_id=problem_id, sample_idx=i)
            row["answer_rule"] = None if rule == "-" else rule
            rows.append(row)
    return rows


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> str:
    lake = str(tmp_path_factory.mktemp("answers") / "lake")
    write_rows(lake, "samples", rows_for("base", "gsm8k", GRID))
    # an instruct model that always boxes: the two modes agree on it
    boxed = {p: ["boxed" if r != "-" else "-" for r in rules] for p, rules in GRID.items()}
    write_rows(lake, "samples", rows_for("chat", "gsm8k", boxed))
    write_rows(
        lake,
        "models",
        [
            {"model": "base", "role": "base", "run_id": "r1", "tags": "{}"},
            {"model": "chat", "role": "rl", "run_id": "r1", "tags": "{}"},
        ],
    )
    return lake


def test_the_sql_knows_the_same_fallback_rule_as_the_extractor() -> None:
    assert set(RULES) - set(EXPLICIT_RULES) == {"last_number"}
    assert "'last_number'" in (queries_dir() / "views.sql").read_text()


def test_pass_at_k_counts_fallback_answers_only_under_all(lake):
    def curve(answers: str | None) -> dict[int, float]:
        params = {"model": "base"} | ({"answers": answers} if answers else {})
        return {r["k"]: r["pass_at_k"] for r in run_query("pass_at_k", lake, params).to_pylist()}

    everything, explicit = curve(None), curve("explicit")
    assert curve("all") == pytest.approx(everything, abs=1e-12)
    # pass@1 = mean c/n: all (2+1+2+0)/16, explicit (2+0+1+0)/16
    assert everything[1] == pytest.approx(5 / 16) and explicit[1] == pytest.approx(3 / 16)
    # pass@4 (k = n): solved problems, 3 of 4 vs 2 of 4
    assert everything[4] == pytest.approx(3 / 4) and explicit[4] == pytest.approx(2 / 4)
    chat = run_query("pass_at_k", lake, {"model": "chat", "answers": "explicit"}).to_pylist()
    assert {r["k"]: r["pass_at_k"] for r in chat} == pytest.approx(everything)


def test_every_problem_outcomes_query_takes_the_param(lake):
    readers = [q for q in list_queries() if READS_OUTCOMES.search(_sql(q))]
    assert {"pass_at_k", "coverage", "solvable", "accuracy_hist", "efficiency_gap"} <= set(readers)
    for name in readers:
        run_query(name, lake, {"answers": "explicit"})  # accepted, runs
    solvable = {
        mode: sorted(
            r["problem_id"]
            for r in run_query("solvable", lake, {"model": "base", "answers": mode}).to_pylist()
        )
        for mode in ("all", "explicit")
    }
    assert solvable == {"all": ["p0", "p1", "p2"], "explicit": ["p0", "p2"]}
    coverage = run_query(
        "coverage", lake, {"model_a": "chat", "model_b": "base", "answers": "explicit"}
    ).to_pylist()
    only_chat = next(r for r in coverage if r["cell"] == "only_a")
    assert only_chat["problem_ids"] == ["p1"]  # base solved p1 only by a number it never stated
    gap = run_query("efficiency_gap", lake, {"answers": "explicit"}).to_pylist()
    assert [(r["base_pass_at_k"], r["rl_pass_at_1"]) for r in gap] == [
        pytest.approx((2 / 4, 5 / 16))
    ]


def test_answer_health_reports_the_fallback_share(lake):
    rows = {r["model"]: r for r in run_query("answer_health", lake).to_pylist()}
    # base: 5 correct, 2 by the fallback (p1 sample 0, p2 sample 1)
    assert rows["base"]["fallback_correct_share"] == pytest.approx(2 / 5)
    assert rows["base"]["accuracy"] == pytest.approx(5 / 16)
    assert rows["base"]["explicit_accuracy"] == pytest.approx(3 / 16)
    assert rows["chat"]["fallback_correct_share"] == 0.0


def test_answer_health_share_is_null_without_correct_samples(tmp_path):
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", rows_for("m", "b", {"p0": ["-", "-"]}))
    (row,) = run_query("answer_health", lake).to_pylist()
    assert row["fallback_correct_share"] is None and row["explicit_accuracy"] == 0.0


def test_a_lake_without_answer_rule_counts_as_before(tmp_path):
    """A lake written before answer_rule existed: nothing rests on a known fallback."""
    lake = str(tmp_path / "lake")
    rows = rows_for("m", "b", GRID)
    for row in rows:
        del row["answer_rule"]
    write_rows(lake, "samples", rows)
    explicit = run_query("pass_at_k", lake, {"answers": "explicit"}).to_pylist()
    everything = run_query("pass_at_k", lake).to_pylist()
    assert [r["pass_at_k"] for r in explicit] == pytest.approx([r["pass_at_k"] for r in everything])
    assert explicit[0]["pass_at_k"] == pytest.approx(5 / 16)


@pytest.mark.parametrize("value", ["strict", "EXPLICIT", ""])
def test_a_bad_value_is_one_line_naming_the_param(lake, value):
    with pytest.raises(BoundaryError, match="answers") as info:
        run_query("pass_at_k", lake, {"answers": value})
    assert "\n" not in str(info.value)


def _sql(name: str) -> str:
    return (queries_dir() / f"{name}.sql").read_text()
