"""Lakes outlive versions: a lake built by hand in the previous layout (lake schema version 1:
samples without cum_logprob, answer_rule and verdict_reason; manifests without a version)
answers every query, alone and mixed with new files; ``boundary lake upgrade`` rewrites only
what reading cannot handle, is idempotent, and is a no-op on a current lake."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from boundary_ray import schema
from boundary_ray.cli import main
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import LakeLocation
from boundary_ray.lake.runs import read_manifests
from boundary_ray.lake.upgrade import upgrade_lake
from boundary_ray.lake.writer import write_rows
from boundary_ray.query import list_queries, queries_dir, run_query
from boundary_ray.query.views import VIEW_NAME_RE

NEW_IN_V2 = ("cum_logprob", "answer_rule", "verdict_reason")
# per problem: samples graded correct out of 4
OLD_CORRECT = {"p0": [True, True, False, False], "p1": [False] * 4, "p2": [True] * 4}


def _v1_samples(problems: dict[str, list[bool]], **types: pa.DataType) -> pa.Table:
    """Sample rows as version 1 wrote them: the file schema less the three newer columns."""
    rows = [
        {
            "problem_id": pid,
            "sample_idx": i,
            "run_id": "20240101T000000Z-old",
            "seed": 7,
            "prompt": f"question {pid}",
            "response": f"answer {i}",
            "response_tokens": 10 + i,
            "finish_reason": "stop" if i else "length",
            "extracted_answer": "1",
            "correct": ok,
            "verdict": "correct" if ok else "wrong",
            "verify_ms": 1.5,
        }
        for pid, grades in problems.items()
        for i, ok in enumerate(grades)
    ]
    fields = [f for f in schema.file_schema("samples") if f.name not in NEW_IN_V2]
    fields = [pa.field(f.name, types.get(f.name, f.type)) for f in fields]
    return pa.Table.from_pylist(rows, schema=pa.schema(fields))


def write_v1_lake(lake: Path) -> None:
    """A lake as the previous version left it, written by hand with pyarrow."""
    (lake / "problems" / "benchmark=gsm8k").mkdir(parents=True)
    problems = [
        {"problem_id": p, "task": "math", "question": f"question {p}", "answer": "1", "meta": "{}"}
        for p in OLD_CORRECT
    ]
    pq.write_table(
        pa.Table.from_pylist(problems, schema=schema.file_schema("problems")),
        lake / "problems" / "benchmark=gsm8k" / "part-0.parquet",
    )
    (lake / "models").mkdir()
    model = {"model": "old-m", "source": "builtin:x", "prompt": "chat", "role": "base"}
    model |= {"tags": "{}", "run_id": "20240101T000000Z-old"}
    pq.write_table(pa.Table.from_pylist([model]), lake / "models" / "part-0.parquet")
    folder = lake / "samples" / "model=old-m" / "benchmark=gsm8k"
    folder.mkdir(parents=True)
    pq.write_table(_v1_samples(OLD_CORRECT), folder / "part-0.parquet")
    (lake / "runs").mkdir()
    for run_id, status in (("20240101T000000Z-old", "done"), ("20240102T000000Z-old", "running")):
        manifest = {"run_id": run_id, "command": "run", "status": status, "counters": {}}
        manifest |= {"started_at": "2024-01-01T00:00:00Z", "host": {"hostname": "gone"}}
        (lake / "runs" / f"{run_id}.json").write_text(json.dumps(manifest))


def _new_rows(model: str) -> list[dict]:
    return [
        {
            "model": model,
            "benchmark": "gsm8k",
            "problem_id": pid,
            "sample_idx": i,
            "correct": i == 0,
            "verdict": "correct" if i == 0 else "no_answer",
            "finish_reason": "stop",
            "cum_logprob": -1.0 - i,
            "answer_rule": "boxed",
            "verdict_reason": None if i == 0 else "no final answer",
        }
        for pid in OLD_CORRECT
        for i in range(2)
    ]


def _files(lake: Path) -> dict[str, float]:
    return {str(p.relative_to(lake)): p.stat().st_mtime_ns for p in lake.rglob("*.parquet")}


@pytest.fixture
def v1_lake(tmp_path: Path) -> Path:
    lake = tmp_path / "lake"
    write_v1_lake(lake)
    return lake


def test_every_query_answers_on_an_old_lake(v1_lake: Path, monkeypatch) -> None:
    local = {name: run_query(name, str(v1_lake)) for name in list_queries()}
    pass_at_1 = local["pass_at_k"].to_pylist()[0]
    assert (pass_at_1["k"], pass_at_1["pass_at_k"]) == (1, pytest.approx((2 / 4 + 0 + 1) / 3))
    assert local["solvable"].column("problem_id").to_pylist() == ["p0", "p2"]
    health = local["answer_health"].to_pylist()[0]
    assert health["truncation_rate"] == pytest.approx(3 / 12)
    root = str(v1_lake.resolve())  # read through pyarrow.dataset, as an s3:// lake is
    uri_lake = LakeLocation(root, pafs.LocalFileSystem(), root, local=False)
    for name, expected in local.items():
        assert run_query(name, uri_lake).to_pylist() == expected.to_pylist(), name


def test_views_sql_alone_reads_an_old_lake(v1_lake: Path) -> None:
    """As in the DuckDB CLI: `set variable lake`, `.read queries/views.sql`."""
    con = duckdb.connect()
    con.execute("set variable lake = ?", [str(v1_lake)])
    for statement in con.extract_statements((queries_dir() / "views.sql").read_text()):
        try:
            con.execute(statement.query)
        except duckdb.IOException:  # no scores yet: the CLI stops here, as documented
            break
    for table in ("problems", "models", "samples"):
        got = con.sql(f"select * from {table} limit 0").to_arrow_table().schema
        assert got == schema.TABLES[table], table
    nulls = con.sql(
        "select count(*) from samples where cum_logprob is null and answer_rule is null"
        " and verdict_reason is null"
    ).fetchall()
    assert nulls == [(12,)]


def test_views_declare_every_column_of_schema_py(tmp_path: Path) -> None:
    """Files holding only their keys still give every declared column, typed: the typed empty
    relation of each table view in views.sql lists exactly the columns of schema.py (tables
    that queries read another way, such as the outcomes cache, have no view there)."""
    lake = tmp_path / "lake"
    views = (queries_dir() / "views.sql").read_text()
    tables = [t for t in schema.TABLES if t in VIEW_NAME_RE.findall(views)]
    assert {"problems", "models", "samples", "scores"} <= set(tables)
    for table in tables:
        parts = [f"{c}=x" for c in schema.PARTITIONS[table]]
        folder = lake.joinpath(table, *parts)
        folder.mkdir(parents=True)
        key = schema.file_schema(table).field(0)
        pq.write_table(pa.table({key.name: pa.array([None], key.type)}), folder / "p.parquet")
    con = duckdb.connect()
    con.execute("set variable lake = ?", [str(lake)])
    for statement in con.extract_statements((queries_dir() / "views.sql").read_text()):
        con.execute(statement.query)
    for table in tables:
        got = con.sql(f"select * from {table}").to_arrow_table().schema
        assert got == schema.TABLES[table], table


def test_a_mixed_old_and_new_lake_answers(v1_lake: Path) -> None:
    write_rows(str(v1_lake), "samples", _new_rows("new-m"))
    for name in list_queries():
        run_query(name, str(v1_lake))
    rates = {
        r["model"]: r["no_answer_rate"]
        for r in run_query("answer_health", str(v1_lake)).to_pylist()
    }
    assert rates == {"new-m": 0.5, "old-m": 0.0}
    passes = run_query("pass_at_k", str(v1_lake), {"model": "new-m"}).column("pass_at_k")
    assert passes.to_pylist() == [0.5, 1.0]
    # a lake with new files beside old ones in the same partition reads too
    write_rows(
        str(v1_lake), "samples", [{**r, "model": "old-m", "sample_idx": 9} for r in _new_rows("x")]
    )
    solvable = run_query("solvable", str(v1_lake), {"model": "old-m"})
    assert solvable.column("c").to_pylist() == [3, 1, 5]


def test_upgrade_leaves_an_old_lake_that_reads_as_is(v1_lake: Path, capsys) -> None:
    before = _files(v1_lake)
    assert main(["lake", "upgrade", "--lake", str(v1_lake)]) == 0
    out = capsys.readouterr().out
    assert "keep samples: files without cum_logprob (1 files)" in out
    assert "2 manifests without lake_schema_version" in out
    assert "rewrote 0 files (nothing to upgrade)" in out
    assert _files(v1_lake) == before
    assert len(read_manifests(str(v1_lake))) == 2  # a no-op records no run


def test_upgrade_is_a_no_op_on_a_current_lake(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    write_rows(str(lake), "samples", _new_rows("m"))
    before = _files(lake)
    assert upgrade_lake(str(lake)) == [
        f"lake {lake}: schema version {schema.LAKE_SCHEMA_VERSION}; rewrote 0 files"
        " (nothing to upgrade)"
    ]
    assert _files(lake) == before and not (lake / "runs").exists()


def test_upgrade_rewrites_what_reading_cannot_handle(v1_lake: Path, capsys) -> None:
    lake = str(v1_lake)
    expected = run_query("pass_at_k", lake).to_pylist()
    # an older layout: a file beside the benchmark folders, with benchmark inside it,
    # and a file holding its partition columns with sample_idx as int64
    misplaced = _v1_samples({"p9": [True, False]}).append_column("benchmark", pa.array(["b2"] * 2))
    pq.write_table(misplaced, v1_lake / "samples" / "model=old-m" / "legacy.parquet")
    inside = _v1_samples({"p8": [True, True]}, sample_idx=pa.int64())
    inside = inside.append_column("model", pa.array(["old-m"] * 2))
    inside = inside.append_column("benchmark", pa.array(["b3"] * 2))
    folder = v1_lake / "samples" / "model=old-m" / "benchmark=b3"
    folder.mkdir()
    pq.write_table(inside, folder / "part-legacy.parquet")
    with pytest.raises(BoundaryError, match="legacy.parquet: not where a samples file belongs"):
        run_query("pass_at_k", lake)

    assert main(["lake", "upgrade", "--lake", lake, "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "rewrite samples/model=old-m/legacy.parquet: not in the layout" in dry
    assert "holds partition columns model, benchmark" in dry and "sample_idx is int64" in dry
    assert "would rewrite 2 files" in dry
    assert (v1_lake / "samples" / "model=old-m" / "legacy.parquet").exists()

    assert main(["lake", "upgrade", "--lake", lake]) == 0
    report = capsys.readouterr().out
    assert "rewrote 2 files into 2, removed 2" in report
    assert not (v1_lake / "samples" / "model=old-m" / "legacy.parquet").exists()
    assert not (folder / "part-legacy.parquet").exists()
    for path in (v1_lake / "samples").rglob("*.parquet"):
        assert "model" not in pq.read_schema(path).names, path
    outcomes = {
        (r["benchmark"], r["problem_id"]): r["c"] for r in run_query("solvable", lake).to_pylist()
    }
    assert outcomes == {("b2", "p9"): 1, ("b3", "p8"): 2, ("gsm8k", "p0"): 2, ("gsm8k", "p2"): 4}
    assert run_query("pass_at_k", lake, {"benchmark": "gsm8k"}).to_pylist() == expected
    idx = run_query("hardest_solved", lake, {"max_rate": "1.0", "benchmark": "b3"})
    assert idx.schema.field("sample_idx").type == pa.int32()

    (upgrade,) = [m for m in read_manifests(lake) if m["command"] == "upgrade"]
    assert upgrade["status"] == "done" and upgrade["counters"]["removed"] == 2
    assert upgrade["lake_schema_version"] == schema.LAKE_SCHEMA_VERSION
    assert main(["runs", "--lake", lake]) == 0
    listing = capsys.readouterr().out
    assert "upgrade" in listing and "rewritten=2" in listing
    # idempotent: nothing left to do, nothing touched
    before = _files(v1_lake)
    assert "rewrote 0 files (nothing to upgrade)" in upgrade_lake(lake)[-1]
    assert _files(v1_lake) == before


def test_upgrade_stops_before_changing_anything_it_cannot_place(v1_lake: Path, capsys) -> None:
    orphan = v1_lake / "samples" / "stray" / "legacy.parquet"
    orphan.parent.mkdir()
    pq.write_table(_v1_samples({"p7": [True]}), orphan)
    disagree = _v1_samples({"p6": [True]}).append_column("model", pa.array(["other"]))
    folder = v1_lake / "samples" / "model=old-m" / "benchmark=b4"
    folder.mkdir()
    pq.write_table(disagree, folder / "part-x.parquet")
    before = _files(v1_lake)
    assert main(["lake", "upgrade", "--lake", str(v1_lake)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("boundary: error: samples/")
    assert "without model, benchmark in its path or columns" in err[0] or "disagrees" in err[0]
    assert _files(v1_lake) == before
    orphan.unlink()
    with pytest.raises(BoundaryError, match=r"part-x.parquet: its model column disagrees"):
        upgrade_lake(str(v1_lake))
    assert _files(v1_lake) == {k: v for k, v in before.items() if "stray" not in k}
    assert os.path.exists(folder / "part-x.parquet")
