"""The per-problem outcomes cache (boundary_ray/query/outcomes.py): same numbers as the samples,
used only while fresh, rebuilt after the sample files change."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pytest
from query_lakes import sample_rows, write_realistic_lake

from boundary_ray.lake import write_rows
from boundary_ray.lake.reader import list_files
from boundary_ray.query import outcomes, run_query

# every query that reads problem_outcomes, with parameters that exercise the notions
AGGREGATES = [
    ("pass_at_k", {}),
    ("pass_at_k", {"answers": "explicit"}),
    ("pass_at_k", {"correct": "process"}),
    ("pass_at_k", {"ks": "3,10", "ci": "0.9", "bootstrap": "50"}),
    ("coverage", {}),
    ("solvable", {}),
    ("accuracy_hist", {}),
    ("efficiency_gap", {}),
    ("solved_summary", {}),
    ("solved_summary", {"answers": "explicit"}),
]


@pytest.fixture()
def lake(tmp_path) -> str:
    path = str(tmp_path / "lake")
    write_realistic_lake(path)
    return path


def _sorted(table: pa.Table) -> list[dict]:
    """Rows in a fixed order, floats rounded to 12 places: a mean over problems may add up in
    another order (the last bits differ), every other value must be the same."""
    rows = [
        {k: round(v, 12) if isinstance(v, float) else v for k, v in row.items()}
        for row in table.to_pylist()
    ]
    return sorted(rows, key=repr)


def _spy(monkeypatch) -> list[bool]:
    """Records, per query, whether the outcomes cache was used."""
    used: list[bool] = []
    real = outcomes.fresh_outcome_files

    def spy(lake: str):
        files = real(lake)
        used.append(bool(files))
        return files

    monkeypatch.setattr(outcomes, "fresh_outcome_files", spy)
    return used


@pytest.mark.parametrize(("name", "params"), AGGREGATES)
def test_outcomes_give_the_numbers_the_samples_give(lake, name, params, monkeypatch):
    from_samples = run_query(name, lake, params)
    assert outcomes.refresh_outcomes(lake)["rebuilt"] == len(list_files(lake, "outcomes"))
    used = _spy(monkeypatch)
    from_outcomes = run_query(name, lake, params)
    assert used == [True]
    assert from_samples.num_rows > 0
    assert _sorted(from_outcomes) == _sorted(from_samples)


def test_stale_outcomes_are_ignored_until_refreshed(lake, monkeypatch):
    outcomes.refresh_outcomes(lake)
    before = run_query("solved_summary", lake)
    # a later run adds samples to one partition: its fingerprint changes
    write_rows(lake, "samples", sample_rows("chat-1b", "gsm8k", [[True] * 4], sample_idx=None))
    extra = sample_rows("chat-1b", "gsm8k", [[True] * 40])
    for row in extra:
        row["problem_id"] = "new-problem"
    write_rows(lake, "samples", extra)
    used = _spy(monkeypatch)
    after = run_query("solved_summary", lake)
    assert used == [False]  # stale: read from samples
    assert after != before
    counts = outcomes.refresh_outcomes(lake)
    assert counts["rebuilt"] == 1 and counts["removed"] == 1 and counts["kept"] >= 1
    assert _sorted(run_query("solved_summary", lake)) == _sorted(after)
    assert used == [False, True]


def test_labels_send_queries_back_to_the_samples(lake, monkeypatch):
    outcomes.refresh_outcomes(lake)
    assert outcomes.fresh_outcome_files(lake)
    write_rows(
        lake,
        "labels",
        [
            {
                "model": "chat-1b",
                "benchmark": "gsm8k",
                "problem_id": "gsm8k-000",
                "sample_idx": 0,
                "label": "guess",
                "who": "test",
                "at": "2026-12-02T00:00:00.000000Z",
            }
        ],
    )
    assert outcomes.fresh_outcome_files(lake) is None


def test_a_deleted_outcome_file_falls_back_and_a_refresh_restores_it(lake, tmp_path):
    outcomes.refresh_outcomes(lake)
    expected = _sorted(run_query("pass_at_k", lake))
    for path in list_files(lake, "outcomes")[:1]:
        shutil.os.remove(path)
    assert outcomes.fresh_outcome_files(lake) is None
    assert _sorted(run_query("pass_at_k", lake)) == expected
    assert outcomes.refresh_outcomes(lake)["rebuilt"] == 1
    assert outcomes.fresh_outcome_files(lake)


def test_solved_summary_counts_by_hand(tmp_path):
    lake = str(tmp_path / "lake")
    # 3 problems x 4 samples: c = 0, 1, 4 -> expected solved at k=1: 0 + 1/4 + 1; at k=4: 2
    matrix = [[False] * 4, [False, True, False, False], [True] * 4]
    write_rows(lake, "samples", sample_rows("m", "b", matrix))
    (row,) = run_query("solved_summary", lake).to_pylist()
    assert row == {
        "model": "m",
        "benchmark": "b",
        "problems": 3,
        "n": 4,
        "solved_at_1": 1.25,
        "solved_at_n": 2,
    }
