"""queries/schema.yml holds: columns, types, unique keys, never-null columns, param defaults;
and views.sql gives the columns of boundary_ray/schema.py."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from boundary_ray import schema
from boundary_ray.query import list_queries, queries_dir, query_schema, run_query

# parameters that make a query exercise all of its output columns
EXERCISE = {
    "pass_at_k": {"ci": "0.9", "bootstrap": "100"},
    "g_pass_at_k": {"ks": "3,5"},
    "hardest_solved": {"max_rate": "0.2"},
    "algorithm_comparison": {"ci": "0.9", "bootstrap": "100"},
}


def assert_tables_close(left: pa.Table, right: pa.Table) -> None:
    """Equal, but for the last bits of floats (parallel sums may add in another order)."""
    assert left.schema == right.schema and left.num_rows == right.num_rows
    for a, b in zip(left.to_pylist(), right.to_pylist(), strict=True):
        for column, value in a.items():
            if isinstance(value, float):
                assert b[column] == pytest.approx(value, rel=1e-12, abs=1e-12), column
            else:
                assert b[column] == value, column


def type_name(field: pa.Field) -> str:
    if pa.types.is_list(field.type):
        return f"list<{field.type.value_type}>"
    return str(field.type)


def test_every_query_is_declared():
    declared = query_schema()
    missing = [q for q in list_queries() if q not in declared]
    assert not missing, f"add these to queries/schema.yml: {missing}"
    assert set(declared) <= set(list_queries())


@pytest.mark.parametrize("name", sorted(query_schema()))
def test_output_matches_schema_yml(realistic_lake, name):
    entry = query_schema()[name]
    table = run_query(name, realistic_lake, EXERCISE.get(name))
    assert {f.name: type_name(f) for f in table.schema} == entry["columns"]
    assert table.column_names == list(entry["columns"])
    if name not in ("boundary_by_difficulty", "process_pass_at_k"):  # no synthetic problems there
        assert table.num_rows > 0
    keys = [tuple(row[c] for c in entry["unique"]) for row in table.to_pylist()]
    assert len(keys) == len(set(keys)), f"{name}: {entry['unique']} is not unique"
    for column in entry["not_null"]:
        assert table.column(column).null_count == 0, f"{name}.{column} has nulls"
    for column in set(entry["columns"]) - set(entry["not_null"]):
        if name == "pass_at_k" or table.num_rows == 0:
            continue
        # a nullable column is still filled on a realistic lake (ci_*: when asked for)
        assert table.column(column).null_count < table.num_rows or column == "rl_pass_at_k"


@pytest.mark.parametrize(
    ("name", "param"),
    [
        (q, p)
        for q, e in query_schema().items()
        for p, s in (e.get("params") or {}).items()
        if "default" in s
    ],
)
def test_declared_defaults_are_the_sql_defaults(realistic_lake, name, param):
    base = dict(EXERCISE.get(name, {}))
    base.pop(param, None)
    default = query_schema()[name]["params"][param]["default"]
    implicit = run_query(name, realistic_lake, base)
    explicit = run_query(name, realistic_lake, {**base, param: str(default)})
    assert_tables_close(implicit, explicit)


def test_realistic_lake_keeps_partition_values_as_strings(realistic_lake):
    benchmarks = set(run_query("pass_at_k", realistic_lake).column("benchmark").to_pylist())
    assert benchmarks == {"2024", "gsm8k"}


def test_latest_models_row_gives_the_role(realistic_lake):
    rows = run_query("coverage", realistic_lake, {"model_a": "base-7b", "model_b": "chat-1b"})
    assert set(rows.column("role_a").to_pylist()) == {"base"}  # r2 says base, the older r1 instruct


def test_views_sql_alone_gives_schema_py_columns(realistic_lake):
    """As a DuckDB CLI user would: set the variable, run views.sql, read the views."""
    con = duckdb.connect()
    con.execute("set variable lake = ?", [realistic_lake])
    failed = []
    for statement in con.extract_statements((queries_dir() / "views.sql").read_text()):
        try:
            con.execute(statement.query)
        except duckdb.Error:  # a table without files (and what reads it): the CLI goes on
            failed.append(statement.query)
    # the realistic lake has no process verdicts recomputed and no labels yet
    # (nor images: a text-only lake, whose images view comes last)
    assert len(failed) == 4 and all("labels" in q or "images" in q for q in failed), failed
    # outcomes and answer_classes are caches that queries read through Python only while fresh
    # (outcomes.py, answer_classes.py), never views: over stale files a view would give stale counts
    absent = ("process", "labels", "images", "outcomes", "answer_classes", "majority_votes")
    present = {t: s for t, s in schema.TABLES.items() if t not in absent}
    for table, expected in present.items():
        got = con.sql(f"select * from {table} limit 0").to_arrow_table().schema
        assert got == expected, table
    counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in present}
    assert counts == {
        "problems": 24,
        "models": 5,
        "samples": 2 * 12 * (32 + 16 + 16 + 8),
        "scores": 768,
    }
    # problem_outcomes still answers, over the samples' own grades
    assert con.execute("select sum(n) from problem_outcomes").fetchall()[0][0] == counts["samples"]
