"""The lake reader: the one place that knows tables, partitions and file globs."""

from __future__ import annotations

from pathlib import Path

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.reader import (
    layout,
    list_files,
    partition_values,
    read_table,
    scan_table,
    table_files,
)
from boundary_ray.lake.writer import write_rows


def _rows(model: str, bench: str, n: int = 2) -> list[dict]:
    return [
        {"model": model, "benchmark": bench, "problem_id": "p", "sample_idx": i, "correct": True}
        for i in range(n)
    ]


def test_partitions_files_and_filters(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", _rows("a", "2024") + _rows("b", "gsm8k", 3))
    scores = [{"scorer": "a", "model": "b", "benchmark": "x", "problem_id": "p", "sample_idx": 0}]
    write_rows(lake, "scores", scores)
    assert partition_values(lake, "samples") == [
        {"model": "a", "benchmark": "2024"},
        {"model": "b", "benchmark": "gsm8k"},
    ]
    assert partition_values(lake, "scores") == [{"scorer": "a", "model": "b", "benchmark": "x"}]
    assert partition_values(lake, "problems") == []
    (only_b,) = list_files(lake, "samples", {"model": "b"})
    assert "/samples/model=b/benchmark=gsm8k/part-" in only_b
    assert read_table(lake, "samples", {"benchmark": "2024"}).column("model").to_pylist() == [
        "a",
        "a",
    ]
    with pytest.raises(ValueError, match="not partitioned by scorer"):
        list_files(lake, "samples", {"scorer": "a"})
    assert layout("scores") == "scorer=*/model=*/benchmark=*/*.parquet"


def test_a_misplaced_file_is_named_not_read(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", _rows("a", "b"))
    stray = tmp_path / "lake" / "samples" / "model=a" / "stray.parquet"
    stray.write_bytes(b"PAR1")
    assert [f.placed for f in scan_table(lake, "samples")] == [True, False]
    assert len(list_files(lake, "samples")) == 1  # the partition readers skip it
    with pytest.raises(BoundaryError, match=r"samples/model=a/stray.parquet: not where"):
        table_files(lake, "samples")
