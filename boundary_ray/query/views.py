"""The lake's tables and views on a DuckDB connection (``queries/views.sql``).

Each query reads the views ``problems``, ``models``, ``samples`` and ``scores`` that
``queries/views.sql`` defines over the DuckDB variable ``lake``. A local lake is read by
DuckDB's own Parquet globs; a URI lake (``s3://...``) through ``pyarrow.dataset``, registered
under the same view names, because DuckDB's httpfs may not be installable offline. A table with
no files yet becomes an empty view with the columns of ``boundary_ray/schema.py``, so every
query runs on a lake that has samples.
"""

from __future__ import annotations

import re
from typing import Any

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.reader import arrow_dataset, lake_files, layout
from boundary_ray.query.catalog import views_sql

VIEW_NAME_RE = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.IGNORECASE)


def create_views(con: Any, lake: Any) -> dict[str, str]:
    """Run ``views.sql`` on ``con``, the lake tables read as the lake allows; returns each view's
    ``create`` statement by name (a session restores ``problem_outcomes`` from it).

    A table with no files yet becomes an empty view; on a URI lake each table is a
    ``pyarrow.dataset`` (``lake.reader.arrow_dataset``) instead. The views over those tables
    (``problem_outcomes``...) and the macros after them run as written, in the order of the file.
    """
    files = lake_files(lake)
    if not files["samples"]:
        raise BoundaryError(
            f"lake {lake}: no samples yet (nothing matches samples/{layout('samples')});"
            " write some with `boundary run`"
        )
    return _run_views(con, lake, files)


def create_views_over(con: Any, lake: Any, only: dict[str, list[str]]) -> None:
    """``views.sql`` on ``con`` with each table of ``only`` read from just those files (full
    paths) and every other table empty: the views over one partition, say."""
    for table in schema.TABLES:
        con.register(
            table,
            arrow_dataset(lake, table, only[table])
            if only.get(table)
            else schema.TABLES[table].empty_table(),
        )
    _run_views(con, lake, {table: [] for table in schema.TABLES}, registered=True)


def _run_views(
    con: Any, lake: Any, files: dict[str, list[str]], registered: bool = False
) -> dict[str, str]:
    """Run the statements of ``views.sql``; a table view over no files is an empty table, and
    with ``registered`` every table is already registered on ``con``."""
    location = open_lake(lake)
    if location.local:
        con.execute("set variable lake = ?", [location.root])
    statements: dict[str, str] = {}
    for statement in con.extract_statements(views_sql()):
        match = VIEW_NAME_RE.search(statement.query)
        table = match.group(1) if match else None
        if table:
            statements[table] = statement.query
        if table not in files:  # built on the lake tables, not on files: runs as written
            con.execute(statement.query)
        elif registered:
            continue
        elif not files[table]:
            con.register(table, schema.TABLES[table].empty_table())
        elif location.local:
            con.execute(statement.query)
        else:
            con.register(table, arrow_dataset(lake, table))
    return statements
