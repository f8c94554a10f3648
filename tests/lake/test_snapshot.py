"""``boundary lake snapshot``: hard links of every lake file taken between compaction swaps, so
that a DuckDB glob of one's own never misses a row, whatever ``lake compact`` does meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from test_compact import key_counts, write_small_file_lake

from boundary_ray.analysis import VIEWS_FILE, queries_dir
from boundary_ray.cli import main
from boundary_ray.errors import BoundaryError
from boundary_ray.lake import snapshot
from boundary_ray.lake.compact import compact_lake
from boundary_ray.lake.locks import generation
from boundary_ray.lake.reader import list_files
from boundary_ray.lake.snapshot import snapshot_lake

VIEWS = (queries_dir() / VIEWS_FILE).read_text()


def _views_counts(snap: Path) -> dict[str, int]:
    """Row counts of the tables through the snapshot's own views.sql, as the DuckDB CLI reads it."""
    con = duckdb.connect()
    for statement in con.extract_statements((snap / "views.sql").read_text()):
        con.execute(statement.query)
    return {
        t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("samples", "scores")
    }


def test_a_snapshot_holds_every_row_and_its_views_read_it(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    counts = snapshot_lake(lake, str(tmp_path / "snap"), VIEWS)
    assert counts["samples"] == len(list_files(lake, "samples")) and counts["scores"] == 0
    assert key_counts(str(tmp_path / "snap")) == (total, total)
    assert _views_counts(tmp_path / "snap") == {"samples": total, "scores": 0}  # no scores yet
    sample = next((tmp_path / "snap" / "samples").rglob("*.parquet"))
    live = Path(lake) / sample.relative_to(tmp_path / "snap")
    assert os.stat(sample).st_ino == os.stat(live).st_ino  # links, not copies


def test_a_compaction_after_the_snapshot_changes_nothing_in_it(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    snapshot_lake(lake, str(tmp_path / "snap"), VIEWS)
    before = sorted(p.name for p in (tmp_path / "snap").rglob("*.parquet"))
    assert any(r.rows_merged for r in compact_lake(lake))
    assert sorted(p.name for p in (tmp_path / "snap").rglob("*.parquet")) == before
    assert key_counts(str(tmp_path / "snap")) == (total, total)


def test_a_swap_while_linking_makes_the_snapshot_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worst moment: ``compact`` swaps every folder right after the first link of the
    snapshot's listing (so the names it listed are gone). The snapshot is taken again and still
    holds every row exactly once."""
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    real_link, swapped = os.link, []

    def link_during_a_compaction(src: str, dst: str) -> None:
        if not swapped:
            swapped.append(compact_lake(lake))  # the real compactor, between two links
        real_link(src, dst)

    monkeypatch.setattr(snapshot.os, "link", link_during_a_compaction)
    generation_before = generation(lake)
    snapshot_lake(lake, str(tmp_path / "snap"), VIEWS)
    assert generation(lake) > generation_before and any(r.rows_merged for r in swapped[0])
    assert key_counts(str(tmp_path / "snap")) == (total, total)
    assert sorted(p.name for p in (tmp_path / "snap" / "samples").rglob("*.parquet")) == sorted(
        Path(p).name for p in list_files(lake, "samples")
    )  # the compacted files, not a mix


@pytest.mark.parametrize(
    ("lake", "out", "message"),
    [
        ("s3://bucket/lake", "{tmp}/snap", "a snapshot is for local or mounted lakes"),
        ("{tmp}/lake", "{tmp}/lake/snap", "must be outside the lake"),
        ("{tmp}/lake", "{tmp}/lake", "already exists"),
        ("{tmp}/nothing", "{tmp}/snap", "no such directory"),
    ],
)
def test_a_snapshot_that_cannot_be_is_one_line(
    tmp_path: Path, lake: str, out: str, message: str
) -> None:
    write_small_file_lake(str(tmp_path / "lake"))
    with pytest.raises(BoundaryError, match=message) as err:
        snapshot_lake(lake.format(tmp=tmp_path), out.format(tmp=tmp_path), VIEWS)
    assert "\n" not in str(err.value)


def test_the_cli_verb(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    lake = str(tmp_path / "lake")
    total = write_small_file_lake(lake)
    assert main(["lake", "snapshot", "--lake", lake, "--out", str(tmp_path / "snap")]) == 0
    assert f".read {tmp_path / 'snap'}/views.sql" in capsys.readouterr().out
    assert _views_counts(tmp_path / "snap")["samples"] == total
