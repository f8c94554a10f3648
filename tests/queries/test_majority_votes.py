"""The majority_votes cache (boundary_ray/query/majority_votes.py): maj@k per problem, stored when
the answer classes are built and read by maj_at_k while the partition's answer classes are
fresh; every other (problem, k) is computed. Compaction keeps the caches fresh
(boundary_ray/lake/caches.py carry_over)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from estimator_reference import exact_maj
from test_maj_at_k import answer_rows, maj_by_k, shuffled

from boundary_ray.cli import main
from boundary_ray.lake import write_rows
from boundary_ray.lake.caches import fresh_cache_files
from boundary_ray.query.answer_classes import answer_class_files, refresh_answer_classes
from boundary_ray.query.majority_votes import majority_vote_files
from boundary_ray.query.outcomes import fresh_outcome_files, refresh_outcomes

TOLERANCE = 1e-9
# (correct, other classes, abstentions) per problem, n = 40: close contests, a lost problem,
# one other class, none correct
PROFILES = {
    "m1": [(12, [11, 9, 4], 4), (6, [20, 10], 4), (18, [16], 6), (0, [30, 5], 5)],
    "m2": [(10, [10, 10, 5], 5), (25, [5, 5, 5], 0), (3, [1] * 30, 7)],
}
GRID = (1, 2, 4, 8, 16, 32, 40)  # k_grid of n = 40


def _labels(correct: int, others: list[int], abstain: int, seed: int) -> list[str | None]:
    labels = ["ok"] * correct + [None] * abstain
    for j, size in enumerate(others):
        labels += [f"w{j}"] * size
    return shuffled(labels, seed)


def expected(model: str, k: int) -> float:
    """maj@k of the model's problems by the exact rational program."""
    values = [float(exact_maj(c, others, b, k)) for c, others, b in PROFILES[model]]
    return sum(values) / len(values)


@pytest.fixture()
def lake(tmp_path) -> str:
    """Two models, each partition written in two batches (two sample files: compactable)."""
    path = str(tmp_path / "lake")
    for model, profiles in PROFILES.items():
        problems = [_labels(c, o, b, seed) for seed, (c, o, b) in enumerate(profiles)]
        rows = answer_rows(model, "bench", problems)
        half = len(rows) // 2
        write_rows(path, "samples", rows[:half])
        write_rows(path, "samples", rows[half:])
    return path


def _tamper(lake: str, value: float) -> None:
    """Overwrite every stored maj@k with ``value`` (same file names: still fresh)."""
    for path in majority_vote_files(lake):
        table = pq.read_table(path)
        column = table.schema.get_field_index("maj_at_k")
        values = pa.array([value] * table.num_rows, pa.float64())
        pq.write_table(table.set_column(column, "maj_at_k", values), path)


def test_the_refresh_stores_votes_that_equal_the_exact_program(lake):
    counts = refresh_answer_classes(lake)
    assert counts["majority_rebuilt"] == 2
    assert len(majority_vote_files(lake)) == 2
    stored = pq.read_table(majority_vote_files(lake)[0])
    assert sorted(set(stored["k"].to_pylist())) == list(GRID)
    cached = maj_by_k(lake)
    assert sorted(cached) == sorted(("m" + str(i), "bench", k) for i in (1, 2) for k in GRID)
    for (model, _, k), value in cached.items():
        assert abs(value - expected(model, k)) < TOLERANCE, (model, k)
    shutil.rmtree(Path(lake) / "majority_votes")  # the same query, every vote computed
    live = maj_by_k(lake)
    assert all(abs(live[key] - cached[key]) < 1e-12 for key in cached)


def test_the_query_reads_the_stored_votes_and_computes_extra_ks(lake):
    refresh_answer_classes(lake)
    _tamper(lake, 0.125)
    assert set(maj_by_k(lake).values()) == {0.125}
    extra = maj_by_k(lake, ks="3,5")
    for (model, _, k), value in extra.items():
        if k in GRID:
            assert value == 0.125
        else:  # not stored: computed from the answer classes
            assert abs(value - expected(model, k)) < TOLERANCE, (model, k)
    assert {k for _, _, k in extra} == {*GRID, 3, 5}


def test_stale_votes_are_not_read_and_the_refresh_rebuilds_them(lake):
    refresh_answer_classes(lake)
    _tamper(lake, 0.125)
    # m1 gets one more problem: its sample files, hence its caches' fingerprint, change
    extra_problem = _labels(5, [3], 2, seed=9)
    rows = answer_rows("m1", "bench", [extra_problem])
    for row in rows:
        row["problem_id"] = "p-late"
    write_rows(lake, "samples", rows)
    got = maj_by_k(lake)
    assert all(value == 0.125 for (model, _, _), value in got.items() if model == "m2")
    with_late = PROFILES["m1"] + [(5, [3], 2)]
    for k in (1, 4, 10):  # the late problem's n = 10: the m1 grid ends at 10
        want = sum(float(exact_maj(c, o, b, k)) for c, o, b in with_late) / len(with_late)
        assert abs(got[("m1", "bench", k)] - want) < TOLERANCE, k
    counts = refresh_answer_classes(lake)
    assert (counts["rebuilt"], counts["kept"], counts["majority_rebuilt"]) == (1, 1, 1)
    rebuilt = maj_by_k(lake)  # m1 from its new stored votes, m2 still the tampered ones
    assert all(abs(rebuilt[key] - value) < TOLERANCE for key, value in got.items())


def test_votes_are_read_only_beside_fresh_answer_classes(lake):
    refresh_answer_classes(lake)
    _tamper(lake, 0.125)
    m1_classes = [p for p in answer_class_files(lake)[0] if "model=m1" in p]
    Path(m1_classes[0]).unlink()  # m1 votes on exact strings now: its stored votes are not used
    got = maj_by_k(lake)
    assert all(value == 0.125 for (model, _, _), value in got.items() if model == "m2")
    for k in GRID:
        assert abs(got[("m1", "bench", k)] - expected("m1", k)) < TOLERANCE, k


def test_a_lake_without_stored_votes_gets_them_from_the_command(lake, capsys):
    refresh_answer_classes(lake)
    shutil.rmtree(Path(lake) / "majority_votes")  # answer classes of the version before
    before = maj_by_k(lake)
    assert main(["lake", "answer-classes", "--lake", lake]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0 rebuilt, 2 kept, 0 removed partitions;")
    assert out.strip().endswith("maj@k stored for 2 partitions")
    assert len(majority_vote_files(lake)) == 2
    after = maj_by_k(lake)
    assert all(abs(after[key] - value) < 1e-12 for key, value in before.items())


def test_compaction_keeps_every_cache_fresh(lake, capsys):
    refresh_outcomes(lake)
    refresh_answer_classes(lake)
    _tamper(lake, 0.125)  # compaction must carry these files, not rebuild them
    samples_before = sorted(Path(lake, "samples").rglob("*.parquet"))
    assert main(["lake", "compact", "--lake", lake]) == 0
    out = capsys.readouterr().out
    assert out.count("kept fresh: outcomes, answer_classes, majority_votes") == 2
    samples_after = sorted(Path(lake, "samples").rglob("*.parquet"))
    assert len(samples_after) == 2 < len(samples_before) == 4
    assert fresh_outcome_files(lake) is not None
    for table in ("outcomes", "answer_classes", "majority_votes"):
        fresh, stale = fresh_cache_files(lake, table)
        assert (len(fresh), stale) == (2, []), table
        assert len(list(Path(lake, table).rglob("*.parquet"))) == 2, table  # renamed, not copied
    assert set(maj_by_k(lake).values()) == {0.125}
    assert refresh_answer_classes(lake)["rebuilt"] == 0


def test_a_lake_with_and_without_stored_votes_answers_both(lake):
    refresh_answer_classes(lake)
    _tamper(lake, 0.125)
    m2_votes = [p for p in majority_vote_files(lake) if "model=m2" in p]
    Path(m2_votes[0]).unlink()  # m2's classes are fresh, its votes are not stored
    for params in ({}, {"ks": "3"}, {"model": "m2"}, {"model": "m1", "ks": "3"}):
        got = maj_by_k(lake, **params)
        assert got, params
        for (model, _, k), value in got.items():
            if model == "m1" and k in GRID:
                assert value == 0.125, (params, k)
            else:
                assert abs(value - expected(model, k)) < TOLERANCE, (params, model, k)
        assert {m for m, _, _ in got} == ({params["model"]} if "model" in params else {"m1", "m2"})


def test_votes_stored_a_few_problems_at_a_time_are_the_same(lake, monkeypatch):
    from boundary_ray.query import majority_votes

    monkeypatch.setattr(majority_votes, "PROBLEMS_PER_PROGRAM", 2)  # 2 and 2, 2 and 1
    refresh_answer_classes(lake)
    stored = pa.concat_tables([pq.read_table(p) for p in majority_vote_files(lake)])
    assert stored.num_rows == 7 * len(GRID)  # every problem at every k of its cell, once
    for (model, _, k), value in maj_by_k(lake).items():
        assert abs(value - expected(model, k)) < TOLERANCE, (model, k)
