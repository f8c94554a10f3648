"""One ``QuerySession`` answers many queries on one connection exactly as a fresh
``run_query`` each time would, and ``boundary sql`` gives ad-hoc SQL the same views."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from boundary_ray.cli import main
from boundary_ray.errors import BoundaryError
from boundary_ray.query import QuerySession, list_queries, run_query, run_sql
from boundary_ray.query.shell import duckdb_binary, init_script


def _rounded(table) -> list[dict]:
    """Rows with floats to 12 digits: DuckDB's parallel sums may differ in the last bits."""
    return [
        {k: round(v, 12) if isinstance(v, float) else v for k, v in row.items()}
        for row in table.to_pylist()
    ]


def test_a_session_answers_every_query_like_run_query(realistic_lake):
    fresh = {name: _rounded(run_query(name, realistic_lake)) for name in list_queries()}
    with QuerySession(realistic_lake) as session:
        for name in list_queries():
            assert _rounded(session.query(name)) == fresh[name], name
        # twice, in reverse: nothing left behind by a query changes the next one
        for name in reversed(list_queries()):
            assert _rounded(session.query(name)) == fresh[name], name


def test_parameters_do_not_leak_into_the_next_query(realistic_lake):
    plain = _rounded(run_query("pass_at_k", realistic_lake))
    params = {"correct": "process", "ks": "1,2"}
    other = _rounded(run_query("pass_at_k", realistic_lake, params))
    assert plain != other
    with QuerySession(realistic_lake) as session:
        assert _rounded(session.query("pass_at_k", params)) == other
        assert _rounded(session.query("pass_at_k")) == plain
        assert session.query("pass_at_k", {"ks": "1,4"}).column("k").to_pylist().count(4) > 0
        assert _rounded(session.query("pass_at_k")) == plain


def test_session_sql_and_errors(realistic_lake):
    with QuerySession(realistic_lake) as session:
        count = session.sql("select count(*) as n from samples").column("n")[0].as_py()
        assert count == run_sql("select count(*) as n from samples", realistic_lake)[0][0].as_py()
        with pytest.raises(BoundaryError, match=r"^sql on lake .*: .*no_such_table") as err:
            session.sql("select * from no_such_table")
        assert "\n" not in str(err.value)
        with pytest.raises(BoundaryError, match="unknown query"):
            session.query("no_such_query")
        assert session.sql("select 1 as one").to_pylist() == [{"one": 1}]  # still usable


def test_boundary_sql_one_statement(realistic_lake, capsys):
    assert (
        main(
            [
                "sql",
                "--lake",
                realistic_lake,
                "--format",
                "json",
                "select model, count(*) as n from samples group by model order by model",
            ]
        )
        == 0
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = run_sql(
        "select model, count(*) as n from samples group by model order by model", realistic_lake
    ).to_pylist()
    assert rows == expected


def test_boundary_sql_shell_defines_the_views(realistic_lake, tmp_path: Path):
    """The real DuckDB shell (duckdb-cli), its init script made by ``boundary sql``: the
    same counts as the query layer, empty tables included."""
    init = tmp_path / "init.sql"
    init.write_text(init_script(realistic_lake))
    statement = (
        "select (select count(*) from samples) as samples,"
        " (select count(*) from problem_outcomes) as outcomes,"
        " (select count(*) from labels) as labels;"
    )
    shell = subprocess.run(
        [duckdb_binary(), "-init", str(init), "-json", "-c", statement],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    got = json.loads(shell.stdout)[0]
    want = run_sql(statement.rstrip(";"), realistic_lake).to_pylist()[0]
    assert got == want


def test_boundary_sql_print_init_and_uri_refusal(realistic_lake, capsys):
    assert main(["sql", "--lake", realistic_lake, "--print-init"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("set variable lake = ") and "create or replace view samples" in text
    assert (
        main(
            [
                "sql",
                "--lake",
                "s3://bucket/lake?endpoint_override=127.0.0.1:9&scheme=http",
                "--print-init",
            ]
        )
        != 0
    )
    err = capsys.readouterr().err
    assert "interactive shell reads local or mounted lakes only" in err and err.count("\n") == 1
