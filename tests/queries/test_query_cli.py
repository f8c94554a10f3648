"""`boundary query` through the real console script, and format_table's formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.query import run_query
from boundary_ray.query.formatting import format_table


def boundary(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["boundary", *args], capture_output=True, text=True, timeout=120)


def test_cli_pass_at_k_csv_matches_run_query(realistic_lake):
    done = boundary(
        "query", "pass_at_k", "--lake", realistic_lake, "--format", "csv", "--param", "ks=3"
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    expected = run_query("pass_at_k", realistic_lake, {"ks": "3"}).to_pylist()
    assert [(r["model"], r["benchmark"], int(r["k"])) for r in rows] == [
        (r["model"], r["benchmark"], r["k"]) for r in expected
    ]
    # equal but for the last bits: DuckDB's parallel sums may add in another order
    assert [float(r["pass_at_k"]) for r in rows] == pytest.approx(
        [r["pass_at_k"] for r in expected], abs=1e-12
    )
    assert {r["k"] for r in rows} >= {"3", "32"}


def test_cli_table_and_parquet(realistic_lake, tmp_path):
    done = boundary("query", "pass_at_k", "--lake", realistic_lake)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split() == [
        "model",
        "benchmark",
        "k",
        "pass_at_k",
        "problems",
        "ci_low",
        "ci_high",
        "guess_only_problems",
    ]
    out = tmp_path / "p.parquet"
    done = boundary(
        "query", "coverage", "--lake", realistic_lake, "--format", "parquet", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote 48 rows to {out}\n"
    written = pq.read_table(out)
    assert written.schema == run_query("coverage", realistic_lake).schema
    assert written.select(
        ["benchmark", "model_a", "model_b", "cell", "problems", "problem_ids"]
    ).equals(
        run_query("coverage", realistic_lake).select(
            ["benchmark", "model_a", "model_b", "cell", "problems", "problem_ids"]
        )
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "boundary: error: unknown query 'nope' (known: accuracy_hist, "),
        (
            ["pass_at_k", "--param", "ci=2"],
            "boundary: error: --param ci=2 (query pass_at_k): 2.0 is outside",
        ),
        (["pass_at_k", "--format", "parquet"], "boundary: error: --format parquet: needs --out"),
    ],
)
def test_cli_errors_are_one_line(realistic_lake, args, message):
    done = boundary("query", *args[:1], "--lake", realistic_lake, *args[1:])
    assert done.returncode == 2
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr


def test_cli_missing_lake(tmp_path):
    done = boundary("query", "pass_at_k", "--lake", str(tmp_path / "none"))
    assert done.returncode == 2 and "no such directory" in done.stderr


SAMPLE = pa.table(
    {
        "model": ["a", "b|c"],
        "k": [1, 16],
        "rate": [0.123456789, None],
        "ids": [["p1", "p2"], []],
    }
)


def test_format_table_text():
    text = format_table(SAMPLE, "table")
    lines = text.splitlines()
    assert lines[0].split() == ["model", "k", "rate", "ids"]
    assert lines[2].split() == ["a", "1", "0.123457", "p1,", "p2"]
    assert lines[-1] == "(2 rows)"


def test_format_table_csv_json_markdown():
    rows = list(csv.DictReader(io.StringIO(format_table(SAMPLE, "csv"))))
    assert rows[0] == {"model": "a", "k": "1", "rate": "0.123456789", "ids": '["p1", "p2"]'}
    assert rows[1]["rate"] == ""
    lines = [json.loads(line) for line in format_table(SAMPLE, "json").splitlines()]
    assert lines == SAMPLE.to_pylist()
    markdown = format_table(SAMPLE, "markdown").splitlines()
    assert markdown[0] == "| model | k | rate | ids |"
    assert markdown[3] == "| b\\|c | 16 |  |  |"


def test_markdown_lays_out_responses_for_reading(realistic_lake, tmp_path):
    table = run_query("hardest_solved", realistic_lake)
    text = format_table(table, "markdown")
    assert text.startswith("## 1. base-7b · 2024 · 2024-001\n")
    assert "**response**:\n\n```text\nLet me think.\n1 + 1 = 2.\n\\boxed{2}\n```" in text
    assert text.count("## ") == table.num_rows
    tricky = pa.table({"id": ["x"], "response": ["code:\n```python\nprint(1)\n```"]})
    assert "````text\ncode:\n```python\nprint(1)\n```\n````" in format_table(tricky, "markdown")
    out = tmp_path / "hard.md"
    assert format_table(table, "markdown", str(out)) == f"wrote {table.num_rows} rows to {out}\n"
    assert out.read_text() == text


def test_unknown_format():
    with pytest.raises(BoundaryError, match="--format xml: expected one of table, csv"):
        format_table(SAMPLE, "xml")
