"""maj_at_k against independent references: the plurality vote over every k-subset of small
problems (ties split, abstentions, draws with no answer), an exact rational program over the
classes for larger n (estimator_reference.py), on lakes with known answers and on an
old-layout lake without answer classes."""

from __future__ import annotations

import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from estimator_reference import brute_maj, exact_maj, labels_of

from boundary_ray import schema
from boundary_ray.lake import write_rows
from boundary_ray.query import run_query

TOLERANCE = 1e-9


def answer_rows(model: str, benchmark: str, problems: list[list[str | None]]) -> list[dict]:
    """Sample rows from per-problem labels: 'ok' is a correct answer (extracted as the gold
    text), any other string a wrong answer with that text, None no answer."""
    rows = []
    for p, labels in enumerate(problems):
        for i, label in enumerate(labels):
            rows.append(
                {
                    "model": model,
                    "benchmark": benchmark,
                    "problem_id": f"p{p}",
                    "sample_idx": i,
                    "run_id": "run-1",
                    "extracted_answer": "42" if label == "ok" else label,
                    "correct": label == "ok",
                    "verdict": "correct"
                    if label == "ok"
                    else ("no_answer" if label is None else "wrong"),
                    "finish_reason": "stop",
                }
            )
    return rows


def shuffled(labels: list[str | None], seed: int) -> list[str | None]:
    labels = list(labels)
    random.Random(seed).shuffle(labels)
    return labels


def maj_by_k(lake: str, **params: str) -> dict[tuple[str, str, int], float]:
    table = run_query("maj_at_k", lake, params)
    return {(r["model"], r["benchmark"], r["k"]): r["maj_at_k"] for r in table.to_pylist()}


# (correct, other classes, abstentions): ties between equal classes, a class larger than the
# correct one, only abstentions beside it, no correct class, everything correct
SMALL = [
    (3, [3, 2], 2),
    (2, [4], 4),
    (1, [1, 1, 1, 1, 1], 5),
    (4, [], 6),
    (0, [5, 3], 2),
    (10, [], 0),
    (2, [2, 2, 2], 2),
    (5, [4, 1], 0),
    (1, [], 9),
    (3, [1, 1, 2, 2], 1),
]


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory) -> tuple[str, list[list[str | None]]]:
    lake = str(tmp_path_factory.mktemp("maj") / "lake")
    problems = [shuffled(labels_of(*spec), seed) for seed, spec in enumerate(SMALL)]
    write_rows(lake, "samples", answer_rows("m", "b", problems))
    return lake, problems


def test_every_k_matches_the_vote_over_every_subset(small_lake):
    lake, problems = small_lake
    got = maj_by_k(lake, ks=",".join(map(str, range(1, 11))))
    assert sorted(k for _, _, k in got) == list(range(1, 11))
    for k in range(1, 11):
        exact = sum(brute_maj(labels, "ok", k) for labels in problems) / len(problems)
        assert abs(got[("m", "b", k)] - float(exact)) < TOLERANCE, k


def test_maj_at_1_is_pass_at_1(small_lake):
    lake, _ = small_lake
    (pass_at_1,) = [r for r in run_query("pass_at_k", lake).to_pylist() if r["k"] == 1]
    assert maj_by_k(lake)[("m", "b", 1)] == pytest.approx(pass_at_1["pass_at_k"], abs=1e-12)


def test_answers_are_one_class_after_trimming_and_ties_split(tmp_path):
    lake = str(tmp_path / "lake")
    # 2 correct, '7' three times (with spaces), '8' twice, blank = no answer
    labels = ["ok", "7", " 7", "7\n", "ok", "8", "8", "", "  "]
    write_rows(lake, "samples", answer_rows("m", "b", [labels]))
    classes = run_query("maj_at_k", lake, {"ks": "2,3,4,5,6"})
    reference = ["ok", "7", "7", "7", "ok", "8", "8", None, None]
    for row in classes.to_pylist():
        exact = brute_maj(reference, "ok", row["k"])
        assert abs(row["maj_at_k"] - float(exact)) < TOLERANCE, row["k"]


# larger problems: n from 30 to 60, several classes, against the exact rational program
MEDIUM = [
    (12, [10, 9, 3, 1, 1], 5),
    (20, [25, 5], 10),
    (8, [8, 8, 8], 6),
    (30, [], 30),
    (5, [1] * 20, 15),
    (18, [17, 2, 2, 2, 1], 0),
]


def test_medium_problems_match_the_exact_program(tmp_path):
    lake = str(tmp_path / "lake")
    problems = [shuffled(labels_of(*spec), 100 + i) for i, spec in enumerate(MEDIUM)]
    write_rows(lake, "samples", answer_rows("m", "b", problems))
    ks = [1, 2, 3, 5, 8, 13, 21, 30, 31, 33, 37, 42]
    got = maj_by_k(lake, ks=",".join(map(str, ks)))
    n_min = min(sum(spec[1]) + spec[0] + spec[2] for spec in MEDIUM)
    for k in [k for k in ks if k <= n_min]:
        exact = sum(exact_maj(*spec, k) for spec in MEDIUM) / len(MEDIUM)
        assert abs(got[("m", "b", k)] - float(exact)) < TOLERANCE, k


def test_the_exact_program_is_the_subset_vote():
    """The reference program itself, against enumeration, where both are affordable."""
    for spec in SMALL[:6]:
        n = spec[0] + sum(spec[1]) + spec[2]
        for k in range(1, n + 1):
            assert exact_maj(*spec, k) == brute_maj(labels_of(*spec), "ok", k)


def test_n_1024_matches_the_exact_program_where_windows_apply(tmp_path):
    """At n = 1024 the query sums over windows of the counts and skips what weighs under
    1e-16: the exact program over every count says how much that leaves out."""
    specs = [
        (400, [100, 60], 464),
        (300, [290, 30, 4], 400),
        (512, [511, 1], 0),
        (40, [50, 30], 904),
        # one other class: Q_t by the CDF recurrence, from t0 = max(0, k - (n - c))
        (480, [500], 44),
        (700, [324], 0),
    ]
    lake = str(tmp_path / "lake")
    problems = [shuffled(labels_of(*spec), 7 + i) for i, spec in enumerate(specs)]
    write_rows(lake, "samples", answer_rows("m", "b", problems))
    got = maj_by_k(lake, ks="3,48")
    for k in (1, 2, 3, 4, 16, 48, 64):
        exact = sum(exact_maj(*spec, k) for spec in specs) / len(specs)
        assert abs(got[("m", "b", k)] - float(exact)) < 1e-12, k
    # at k = n every sample is drawn: the full vote (512 against 511: the correct)
    assert got[("m", "b", 1024)] == pytest.approx((1 + 1 + 1 + 0 + 0 + 1) / 6, abs=1e-15)


def test_an_old_layout_lake_votes_on_exact_answer_strings(tmp_path):
    """Version 1 samples (no cum_logprob, answer_rule, verdict_reason) and no answer classes."""
    folder = tmp_path / "samples" / "model=old" / "benchmark=gsm8k"
    folder.mkdir(parents=True)
    fields = [
        f
        for f in schema.file_schema("samples")
        if f.name
        not in ("cum_logprob", "answer_rule", "verdict_reason", "process_verdict", "process_reason")
    ]
    problems = [shuffled(labels_of(*spec), 50 + i) for i, spec in enumerate(SMALL[:5])]
    records = [
        {
            "problem_id": row["problem_id"],
            "sample_idx": row["sample_idx"],
            "run_id": "20240101T000000Z-old",
            "extracted_answer": row["extracted_answer"],
            "correct": row["correct"],
            "verdict": row["verdict"],
            "finish_reason": "stop",
        }
        for row in answer_rows("old", "gsm8k", problems)
    ]
    pq.write_table(
        pa.Table.from_pylist(records, schema=pa.schema(fields)), folder / "part-0.parquet"
    )
    got = maj_by_k(str(tmp_path), ks="2,3,5,7")
    n_min = min(len(p) for p in problems)
    assert sorted(k for _, _, k in got) == [1, 2, 3, 4, 5, 7, 8, n_min]
    for (_, _, k), value in got.items():
        exact = sum(brute_maj(labels, "ok", k) for labels in problems) / len(problems)
        assert abs(value - float(exact)) < TOLERANCE, k
