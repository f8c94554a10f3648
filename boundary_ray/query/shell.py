"""``boundary sql --lake DIR``: the DuckDB shell (PyPI's ``duckdb-cli``) with the lake's views
already defined, from an init script made here.

The script sets the ``lake`` variable and runs ``views.sql`` as written, except that a lake
table with no files yet becomes an empty view with the table's columns (DuckDB's Parquet glob
fails on no files), as the query layer does. Only a local or mounted lake can be globbed by the
shell; an object-store lake takes one statement at a time through the query layer instead.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import LakeLocation, open_lake
from boundary_ray.lake.reader import lake_files
from boundary_ray.query.catalog import views_sql
from boundary_ray.query.views import VIEW_NAME_RE


def init_script(lake: str | LakeLocation) -> str:
    """SQL that defines ``lake``'s views in a plain DuckDB session."""
    location = open_lake(lake)
    if not location.local:
        raise BoundaryError(
            f"lake {location}: the interactive shell reads local or mounted lakes only;"
            ' run one statement with `boundary sql --lake LAKE "select ..."`'
        )
    import duckdb

    files = lake_files(location)
    quoted = location.root.replace("'", "''")
    lines = [f"set variable lake = '{quoted}';"]
    con = duckdb.connect()
    try:
        for statement in con.extract_statements(views_sql()):
            match = VIEW_NAME_RE.search(statement.query)
            table = match.group(1) if match else None
            if table in files and not files[table]:
                lines.append(_empty_view(con, table))
            else:
                lines.append(statement.query.strip() + ";")
    finally:
        con.close()
    return "\n".join(lines) + "\n"


def _empty_view(con: object, table: str) -> str:
    """``create view TABLE`` with the table's columns and no rows."""
    con.register("empty_table", schema.TABLES[table].empty_table())  # type: ignore[attr-defined]
    described = con.sql("describe empty_table").fetchall()  # type: ignore[attr-defined]
    columns = ", ".join(f'null::{kind} as "{name}"' for name, kind, *_ in described)
    return f"create or replace view {table} as select {columns} where false;"


def duckdb_binary() -> str:
    """The DuckDB shell: the one ``duckdb-cli`` installs, else ``duckdb`` on PATH."""
    try:
        import duckdb_cli

        bundled = Path(duckdb_cli.__file__).with_name("duckdb")
        if bundled.is_file():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("duckdb")
    if not found:
        raise BoundaryError("no DuckDB shell found: pip install duckdb-cli")
    return found


def open_shell(lake: str | LakeLocation, extra_args: list[str] | None = None) -> int:
    """Run the DuckDB shell on ``lake``'s views; returns its exit code."""
    import subprocess

    script = init_script(lake)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix="boundary-views-") as init:
        init.write(script)
        init.flush()
        command = [duckdb_binary(), "-init", init.name, *(extra_args or [])]
        sys.stdout.flush()
        return subprocess.call(command)
