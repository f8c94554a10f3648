"""Resume planning and atomic, idempotent lake writes (no engine)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from boundary_ray.lake.reader import list_files, read_table
from boundary_ray.lake.writer import write_rows
from boundary_ray.run.plan import derive_seed, plan_requests, present_samples


def _sample(pid: str, idx: int, model: str = "m", bench: str = "b") -> dict:
    return {
        "model": model,
        "benchmark": bench,
        "problem_id": pid,
        "sample_idx": idx,
        "correct": False,
    }


def test_plan_fills_only_the_gaps() -> None:
    present = {"p1": {0, 1, 2, 3}, "p2": {0, 1, 5}}
    reqs = plan_requests(["p1", "p2", "p3"], present, n=6, seed=0, model="m", benchmark="b")
    got = [(r.problem_id, r.first_idx, r.n_new) for r in reqs]
    assert got == [("p1", 4, 2), ("p2", 2, 3), ("p3", 0, 6)]
    assert all(r.seed == derive_seed(0, "m", "b", r.problem_id, r.first_idx) for r in reqs)
    assert plan_requests(["p1"], {"p1": set(range(6))}, 6, 0, "m", "b") == []


def test_seeds_depend_on_every_input() -> None:
    base = derive_seed(0, "m", "b", "p", 0)
    others = {
        derive_seed(1, "m", "b", "p", 0),
        derive_seed(0, "m2", "b", "p", 0),
        derive_seed(0, "m", "b2", "p", 0),
        derive_seed(0, "m", "b", "p2", 0),
        derive_seed(0, "m", "b", "p", 16),
    }
    assert base not in others and len(others) == 5
    assert 0 <= base < 2**31


def test_writes_are_partitioned_whole_and_idempotent(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    rows = [_sample("p1", i) for i in range(3)] + [_sample("p1", 0, bench="c")]
    first = write_rows(lake, "samples", rows)
    assert len(first) == 2
    assert write_rows(lake, "samples", rows) == first  # a retried write replaces its own file
    files = list_files(lake, "samples")
    assert len(files) == 2
    assert all("/samples/model=m/benchmark=" in f for f in files)
    assert "model" not in pq.read_schema(files[0]).names  # partition columns live in the path
    # a half-written temp file is never read
    Path(files[0] + ".deadbeef.tmp").write_bytes(b"partial")
    assert read_table(lake, "samples").num_rows == 4
    assert present_samples(lake, "m", "b") == {"p1": range(3)}


def test_present_samples_are_ranges_unless_there_are_gaps(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", [_sample("full", i) for i in range(5)])
    write_rows(lake, "samples", [_sample("gap", i) for i in (0, 1, 3)])
    write_rows(lake, "samples", [_sample("late", i) for i in (4, 5)])
    write_rows(lake, "samples", [_sample("late", i) for i in (0, 1, 2)])  # another file
    present = present_samples(lake, "m", "b")
    assert present == {"full": range(5), "gap": {0, 1, 3}, "late": {0, 1, 2, 4, 5}}
    reqs = plan_requests(["full", "gap", "late"], present, n=6, seed=0, model="m", benchmark="b")
    assert [(r.problem_id, r.first_idx, r.n_new) for r in reqs] == [
        ("full", 5, 1),
        ("gap", 2, 1),
        ("gap", 4, 2),
        ("late", 3, 1),
    ]


def test_reading_a_missing_table_is_empty(tmp_path: Path) -> None:
    table = read_table(str(tmp_path / "nowhere"), "scores")
    assert table.num_rows == 0 and "perplexity" in table.column_names


def test_the_plan_read_beside_a_compaction_misses_no_sample(tmp_path, monkeypatch) -> None:
    """``lake compact`` swaps the partition's folder between the plan's listing and its read
    (the names listed are gone): the plan reads again and still sees every sample."""
    from boundary_ray.lake.compact import compact_lake
    from boundary_ray.run import plan
    from tests.lake.test_compact import write_small_file_lake

    lake = str(tmp_path / "lake")
    write_small_file_lake(lake)
    expected = plan.present_samples(lake, "base", "gsm8k")
    real, swapped = plan.arrow_dataset, []

    def dataset_after_a_swap(*args, **kwargs):
        if not swapped:
            swapped.append(compact_lake(lake, partition={"model": "base", "benchmark": "gsm8k"}))
        return real(*args, **kwargs)

    monkeypatch.setattr(plan, "arrow_dataset", dataset_after_a_swap)
    assert plan.present_samples(lake, "base", "gsm8k") == expected
    assert swapped[0][0].rows_merged > 0
