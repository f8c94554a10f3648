"""answer_health says how much of a code benchmark was judged in the weaker in-process mode
(issue 33): the share of samples whose answer_rule ends in '+in_process', and the problems."""

from __future__ import annotations

from boundary_ray.lake import write_rows
from boundary_ray.query import run_query


def test_answer_health_counts_in_process_samples_and_problems(tmp_path):
    lake = str(tmp_path / "lake")
    rules = [
        ("p0", "fenced+asserts"),
        ("p0", "fenced+asserts"),
        ("p1", "fenced+in_process"),
        ("p1", "completion+in_process"),
        ("p2", "fenced+in_process"),
        ("p3", None),  # no program: no rule
        ("p4", "fenced+io"),
        ("p4", "fenced+reference"),
    ]
    rows = [
        {
            "model": "m",
            "benchmark": "code",
            "problem_id": problem,
            "sample_idx": i,
            "answer_rule": rule,
            "verdict": "correct" if rule else "no_answer",
            "correct": rule is not None,
            "finish_reason": "stop",
        }
        for i, (problem, rule) in enumerate(rules)
    ]
    rows += [
        {
            "model": "m",
            "benchmark": "math",
            "problem_id": "q",
            "sample_idx": 0,
            "answer_rule": "boxed",
            "verdict": "correct",
            "correct": True,
            "finish_reason": "stop",
        }
    ]
    write_rows(lake, "samples", rows)
    health = {r["benchmark"]: r for r in run_query("answer_health", lake).to_pylist()}
    assert (health["code"]["in_process_share"], health["code"]["in_process_problems"]) == (
        3 / 8,
        2,
    )
    assert (health["math"]["in_process_share"], health["math"]["in_process_problems"]) == (0, 0)
