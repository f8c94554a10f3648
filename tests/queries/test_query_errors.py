"""Missing, empty and malformed lakes, unknown queries and bad parameters give one clear
BoundaryError; tables not written yet become empty views; a URI lake reads the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from query_lakes import sample_rows, through_pyarrow

from boundary_ray.errors import BoundaryError
from boundary_ray.lake import write_rows
from boundary_ray.query import list_queries, queries_dir, run_query


@pytest.fixture
def samples_only_lake(tmp_path) -> str:
    lake = str(tmp_path / "lake")
    write_rows(lake, "samples", sample_rows("m", "b", [[True, False], [False, False]]))
    return lake


def test_missing_lake(tmp_path):
    with pytest.raises(BoundaryError, match=r"lake .*nowhere: no such directory"):
        run_query("pass_at_k", str(tmp_path / "nowhere"))


def test_lake_that_is_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(BoundaryError, match="not a directory"):
        run_query("pass_at_k", str(tmp_path / "file"))


def test_empty_lake_and_lake_without_samples(tmp_path):
    lake = tmp_path / "lake"
    lake.mkdir()
    with pytest.raises(BoundaryError, match="no samples yet"):
        run_query("pass_at_k", str(lake))
    write_rows(str(lake), "problems", [{"benchmark": "b", "problem_id": "p0"}])
    with pytest.raises(BoundaryError, match="no samples yet"):
        run_query("coverage", str(lake))


def test_unknown_query_lists_the_known_ones(samples_only_lake):
    with pytest.raises(BoundaryError) as err:
        run_query("pass_at_kk", samples_only_lake)
    message = str(err.value)
    assert "unknown query 'pass_at_kk'" in message
    assert all(name in message for name in list_queries())
    assert "\n" not in message


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ({"kz": "3"}, r"--param kz: query pass_at_k has no such parameter \(known: ks, "),
        ({"ks": "3,x"}, r"--param ks=3,x \(query pass_at_k\): expected int of list"),
        ({"ks": ","}, "expected a comma-separated list of integers"),
        ({"ks": "0,4"}, r"0 is outside \[1, \]"),
        ({"ci": "1.5"}, r"1.5 is outside \[0.01, 0.999\]"),
        ({"ci": "nan"}, "nan is outside"),
        ({"bootstrap": "many"}, "expected int"),
        ({"Bad-Name": "1"}, "bad parameter name"),
    ],
)
def test_bad_params(samples_only_lake, params, pattern):
    with pytest.raises(BoundaryError, match=pattern):
        run_query("pass_at_k", samples_only_lake, params)


def test_list_params_accept_brackets(samples_only_lake):
    ks = run_query("pass_at_k", samples_only_lake, {"ks": "[1, 2]"}).column("k").to_pylist()
    assert ks == [1, 2]


def test_every_query_runs_when_only_samples_exist(samples_only_lake):
    for name in list_queries():
        table = run_query(name, samples_only_lake)
        assert table.num_columns > 0
    assert run_query("perplexity", samples_only_lake).num_rows == 0
    assert run_query("pass_at_k", samples_only_lake).column("pass_at_k").to_pylist() == [0.25, 0.5]


def test_temp_files_are_not_read(samples_only_lake):
    folder = Path(samples_only_lake) / "samples" / "model=m" / "benchmark=b"
    (folder / "part-x.parquet.1234abcd.tmp").write_bytes(b"half a file")
    assert run_query("solvable", samples_only_lake).num_rows == 1


def test_stray_parquet_file_is_named(samples_only_lake):
    stray = Path(samples_only_lake) / "samples" / "model=m" / "oops.parquet"
    stray.write_bytes(Path(next((stray.parent / "benchmark=b").glob("*.parquet"))).read_bytes())
    with pytest.raises(
        BoundaryError, match=r"samples/model=m/oops.parquet: not where a samples file belongs"
    ):
        run_query("pass_at_k", samples_only_lake)


def test_corrupt_parquet_file(samples_only_lake):
    folder = Path(samples_only_lake) / "samples" / "model=m" / "benchmark=b"
    (folder / "part-broken.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(BoundaryError, match=r"query pass_at_k on lake .*lake: ") as err:
        run_query("pass_at_k", samples_only_lake)
    assert "\n" not in str(err.value)


def test_queries_folder_override(samples_only_lake, tmp_path, monkeypatch):
    folder = tmp_path / "myqueries"
    folder.mkdir()
    (folder / "views.sql").write_text((queries_dir() / "views.sql").read_text())
    (folder / "count_samples.sql").write_text("select count(*) as samples from samples")
    monkeypatch.setenv("BOUNDARY_RAY_QUERIES", str(folder))
    assert list_queries() == ["count_samples"]
    assert run_query("count_samples", samples_only_lake).to_pylist() == [{"samples": 4}]
    monkeypatch.setenv("BOUNDARY_RAY_QUERIES", str(tmp_path / "missing"))
    with pytest.raises(BoundaryError, match="BOUNDARY_RAY_QUERIES"):
        list_queries()


def test_uri_lake_reads_like_a_local_one(realistic_lake, monkeypatch):
    """A lake DuckDB cannot glob (s3://...) goes through pyarrow.dataset: same results."""
    local = {name: run_query(name, realistic_lake) for name in list_queries()}
    for name, expected in local.items():
        got = run_query(name, through_pyarrow(realistic_lake))
        assert got.schema == expected.schema, name
        assert sorted(map(repr, _rounded(got))) == sorted(map(repr, _rounded(expected))), name


def test_uri_lake_missing_tables_and_file_uri(samples_only_lake, monkeypatch):
    assert run_query("pass_at_k", "file://" + samples_only_lake).num_rows == 2
    uri_lake = through_pyarrow(samples_only_lake)
    assert run_query("coverage", uri_lake).num_rows == 0
    assert run_query("hardest_solved", uri_lake, {"max_rate": "0.9"}).num_rows == 1


def _rounded(table) -> list[dict]:
    return [
        {k: round(v, 9) if isinstance(v, float) else v for k, v in row.items()}
        for row in table.to_pylist()
    ]


def test_uri_lake_with_a_corrupt_file(samples_only_lake, monkeypatch):
    folder = Path(samples_only_lake) / "samples" / "model=m" / "benchmark=b"
    (folder / "part-broken.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(BoundaryError, match=r"lake .*lake") as err:
        run_query("pass_at_k", through_pyarrow(samples_only_lake))
    assert "\n" not in str(err.value)
