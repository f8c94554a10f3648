"""Run the SQL files of ``queries/`` over a lake and format what they return.

Each query reads the views ``problems``, ``models``, ``samples`` and ``scores`` that
``queries/views.sql`` defines over the DuckDB variable ``lake``. A local lake is read by
DuckDB's own Parquet globs; a URI lake (``s3://...``) through ``pyarrow.dataset``, registered
under the same view names, because DuckDB's httpfs may not be installable offline. A table with
no files yet becomes an empty view with the columns of ``boundary_ray/schema.py``, so every
query runs on a lake that has samples.

Parameters are declared per query in ``queries/schema.yml`` (type, bounds, default) and handed
to the SQL as DuckDB variables, where ``getvariable('name')`` reads them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.filesystem import is_local, open_lake

FORMATS = ("table", "csv", "json", "parquet", "markdown")

VIEWS_FILE = "views.sql"
SCHEMA_FILE = "schema.yml"
PARAM_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
VIEW_NAME_RE = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.IGNORECASE)


def queries_dir() -> Path:
    """The folder holding the ``.sql`` files: ``$BOUNDARY_RAY_QUERIES``, else the repo's ``queries/``.

    An installed wheel has no repo around it: there the copy inside the package
    (``boundary_ray/_queries``) is used.
    """
    override = os.environ.get("BOUNDARY_RAY_QUERIES")
    if override:
        folder = Path(override).expanduser()
        if not folder.is_dir():
            raise BoundaryError(f"BOUNDARY_RAY_QUERIES={override}: not a directory")
        return folder
    here = Path(__file__).resolve()
    for folder in (here.parents[1] / "queries", here.parent / "_queries"):
        if (folder / VIEWS_FILE).is_file():
            return folder
    raise BoundaryError(f"no queries folder found next to {here.parent} (set BOUNDARY_RAY_QUERIES)")


def list_queries() -> list[str]:
    """Names of the queries that ``run_query`` accepts, sorted (``views.sql`` is not one)."""
    return sorted(p.stem for p in queries_dir().glob("*.sql") if p.name != VIEWS_FILE)


def query_schema() -> dict[str, dict[str, Any]]:
    """``queries/schema.yml``: per query its columns, unique key, never-null columns, params."""
    import yaml

    path = queries_dir() / SCHEMA_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise BoundaryError(f"{path}: expected a mapping of query names")
    return data


def run_query(name: str, lake: str, params: dict[str, str] | None = None) -> pa.Table:
    """Run ``queries/NAME.sql`` over ``lake`` and return its result.

    ``params`` are ``--param key=value`` strings; they are checked and converted against the
    query's entry in ``queries/schema.yml``. Raises ``BoundaryError`` for an unknown query, a
    bad parameter, a lake that does not exist or has no samples, or a query that fails.
    """
    import duckdb

    known = list_queries()
    if name not in known:
        raise BoundaryError(f"unknown query {name!r} (known: {', '.join(known)})")
    sql = (queries_dir() / f"{name}.sql").read_text(encoding="utf-8")
    values = _convert_params(name, params or {}, query_schema().get(name, {}).get("params") or {})
    con = duckdb.connect()
    try:
        _create_views(con, lake)
        for key, value in values.items():
            con.execute(f"set variable {key} = ?", [value])
        return con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BoundaryError(f"query {name} on lake {lake}: {first_line}") from exc
    except (pa.ArrowException, OSError) as exc:  # a URI lake's files, read through pyarrow
        raise BoundaryError(f"query {name} on lake {lake}: {exc}".splitlines()[0]) from exc
    finally:
        con.close()


def _convert_params(query: str, params: dict[str, str], declared: dict[str, Any]) -> dict[str, Any]:
    """Typed values for ``params``; names and values are checked against ``declared``."""
    values: dict[str, Any] = {}
    for key, raw in params.items():
        if not PARAM_NAME_RE.match(key):
            raise BoundaryError(f"--param {key}={raw}: bad parameter name")
        if declared and key not in declared:
            raise BoundaryError(
                f"--param {key}: query {query} has no such parameter (known: {', '.join(declared)})"
            )
        values[key] = _convert_value(query, key, raw, declared.get(key) or {"type": "string"})
    return values


def _convert_value(query: str, key: str, raw: str, spec: dict[str, Any]) -> Any:
    kind = spec.get("type", "string")
    where = f"--param {key}={raw} (query {query})"
    try:
        if kind == "int":
            value: Any = int(raw)
        elif kind == "float":
            value = float(raw)
        elif kind == "int_list":
            value = [int(part) for part in raw.strip().strip("[]").split(",") if part.strip()]
        elif kind == "string":
            value = raw
        else:
            raise BoundaryError(f"{SCHEMA_FILE}: {query}.params.{key}.type: unknown type {kind!r}")
    except ValueError:
        raise BoundaryError(f"{where}: expected {kind.replace('_', ' of ')}") from None
    items = value if isinstance(value, list) else [value]
    if kind == "int_list" and not items:
        raise BoundaryError(f"{where}: expected a comma-separated list of integers")
    low, high = spec.get("min"), spec.get("max")
    for item in items if kind != "string" else []:
        if item != item or (low is not None and item < low) or (high is not None and item > high):
            bounds = f"[{'' if low is None else low}, {'' if high is None else high}]"
            raise BoundaryError(f"{where}: {item} is outside {bounds}")
    return value


def _create_views(con: Any, lake: str) -> None:
    """Run ``views.sql`` on ``con``, the four lake tables read as the lake allows.

    A table with no files yet becomes an empty view; on a URI lake each table is a
    ``pyarrow.dataset`` instead. The views over those tables (``problem_outcomes``...) and
    the macros after them run as written, in the order of the file.
    """
    files = _lake_files(lake)
    if not files["samples"]:
        raise BoundaryError(
            f"lake {lake}: no samples yet (nothing matches samples/model=*/benchmark=*/*.parquet);"
            " write some with `boundary run`"
        )
    local = is_local(lake)
    if local:
        con.execute("set variable lake = ?", [_local_root(lake)])
    else:
        fs, root = open_lake(lake)
    for statement in con.extract_statements(_views_sql()):
        match = VIEW_NAME_RE.search(statement.query)
        table = match.group(1) if match else None
        if table not in files:  # built on the lake tables, not on files: runs as written
            con.execute(statement.query)
        elif not files[table]:
            con.register(table, schema.TABLES[table].empty_table())
        elif local:
            con.execute(statement.query)
        else:
            con.register(table, _uri_dataset(fs, root, table, files[table]))


def _uri_dataset(fs: Any, root: str, table: str, paths: list[str]) -> Any:
    """``table`` of a URI lake (``s3://...``) as a ``pyarrow.dataset`` over its ``paths``."""
    import pyarrow.dataset as ds

    partitions = schema.PARTITIONS[table]
    return ds.dataset(
        [f"{root}/{table}/{path}" for path in paths],
        schema=schema.TABLES[table],
        format="parquet",
        filesystem=fs,
        partitioning=ds.partitioning(
            pa.schema([(column, pa.string()) for column in partitions]), flavor="hive"
        )
        if partitions
        else None,
        partition_base_dir=f"{root}/{table}",
    )


def _views_sql() -> str:
    return (queries_dir() / VIEWS_FILE).read_text(encoding="utf-8")


def _local_root(lake: str) -> str:
    return open_lake(lake.removeprefix("file://"))[1]


def table_pattern(table: str) -> re.Pattern[str]:
    """Relative paths (under ``<lake>/<table>/``) of the files ``views.sql`` reads for ``table``."""
    parts = [f"{column}=[^/]+" for column in schema.PARTITIONS[table]]
    return re.compile("^" + "/".join([*parts, r"[^/]+\.parquet"]) + "$")


def _lake_files(lake: str) -> dict[str, list[str]]:
    """Per table, the data files' paths relative to ``<lake>/<table>``.

    A ``.parquet`` file outside the layout (a folder without ``key=``, a file at the wrong
    depth) is an error naming it rather than a silently ignored file.
    """
    import pyarrow.fs as pafs

    if is_local(lake):
        fs, root = pafs.LocalFileSystem(), _local_root(lake)
    else:
        fs, root = open_lake(lake)
    try:
        kind = fs.get_file_info(root).type
    except OSError as exc:
        raise BoundaryError(f"lake {lake}: cannot be read ({exc})") from exc
    if kind == pafs.FileType.NotFound:
        raise BoundaryError(f"lake {lake}: no such directory")
    if kind != pafs.FileType.Directory:
        raise BoundaryError(f"lake {lake}: not a directory")
    files: dict[str, list[str]] = {}
    for table in schema.TABLES:
        selector = pafs.FileSelector(f"{root}/{table}", recursive=True, allow_not_found=True)
        pattern = table_pattern(table)
        found = []
        for info in fs.get_file_info(selector):
            relative = info.path[len(root) + len(table) + 2 :]
            if info.type != pafs.FileType.File or not relative.endswith(".parquet"):
                continue
            if not pattern.match(relative):
                raise BoundaryError(
                    f"lake {lake}: {table}/{relative}: not where a {table} file belongs"
                    f" (expected {table}/{_layout(table)})"
                )
            found.append(relative)
        files[table] = sorted(found)
    return files


def _layout(table: str) -> str:
    return "/".join([*(f"{column}=*" for column in schema.PARTITIONS[table]), "*.parquet"])


# --- formatting -------------------------------------------------------------------------------

TABLE_CELL_WIDTH = 48


def format_table(table: pa.Table, fmt: str, out: str | None = None) -> str:
    """Render ``table`` as ``fmt`` (table | csv | json | parquet | markdown).

    ``json`` is JSON Lines, one object per row. ``markdown`` is a pipe table, or, when a text
    cell holds newlines or long prose (responses), one section per row with the long fields in
    fenced blocks, for reading. ``parquet`` needs ``out``; with ``out`` any format is written to
    that file and the returned text is one line saying where.
    """
    if fmt not in FORMATS:
        raise BoundaryError(f"--format {fmt}: expected one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if not out:
            raise BoundaryError("--format parquet: needs --out FILE.parquet")
        import pyarrow.parquet as pq

        pq.write_table(table, out, compression="zstd")
        return f"wrote {table.num_rows} rows to {out}\n"
    rows = table.to_pylist()
    render = {"table": _as_text, "csv": _as_csv, "json": _as_json_lines, "markdown": _as_markdown}
    text = render[fmt](table.column_names, rows)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        return f"wrote {table.num_rows} rows to {out}\n"
    return text


def _plain(value: Any) -> str:
    """One value as short display text (floats to 6 significant digits, lists comma-joined)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return str(value)


def _as_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        text = _plain(value).replace("\n", "\\n")
        return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"

    body = [[cell(row[c]) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in body)]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(row[c], int | float) or row[c] is None for row in rows) for c in columns
    ]

    def line(cells: list[str]) -> str:
        padded = (
            text.rjust(width) if right else text.ljust(width)
            for text, width, right in zip(cells, widths, numeric, strict=True)
        )
        return "  ".join(padded).rstrip()

    lines = [line(columns), "  ".join("-" * w for w in widths)] + [line(r) for r in body]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


def _as_json_lines(columns: list[str], rows: list[dict[str, Any]]) -> str:
    import json

    lines = (
        json.dumps({c: _json_value(row[c]) for c in columns}, ensure_ascii=False, default=str)
        for row in rows
    )
    return "".join(line + "\n" for line in lines)


def _as_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    import csv
    import io
    import json

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            json.dumps(row[c]) if isinstance(row[c], list) else ("" if row[c] is None else row[c])
            for c in columns
        )
    return buffer.getvalue()


def _is_prose(value: Any) -> bool:
    return isinstance(value, str) and ("\n" in value or len(value) > 120)


def _as_markdown(columns: list[str], rows: list[dict[str, Any]]) -> str:
    prose = [c for c in columns if any(_is_prose(row[c]) for row in rows)]
    if not prose:
        return _markdown_table(columns, rows)
    short = [c for c in columns if c not in prose]
    parts = []
    for number, row in enumerate(rows, start=1):
        parts.append(f"## {number}. " + " · ".join(_plain(row[c]) for c in short[:3]) + "\n")
        parts.extend(f"- **{c}**: {_plain(row[c])}" for c in short[3:])
        for column in prose:
            text = "" if row[column] is None else str(row[column])
            longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
            fence = "`" * max(3, longest + 1)
            parts.append(f"\n**{column}**:\n\n{fence}text\n{text}\n{fence}")
        parts.append("")
    return "\n".join(parts)


def _markdown_table(columns: list[str], rows: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        return _plain(value).replace("|", "\\|").replace("\n", "<br>")

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"
