"""Run the SQL files of ``queries/`` over a lake (``formatting.py`` renders the results).

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

import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.filesystem import is_local, open_lake
from boundary_ray.lake.locks import consistent_read
from boundary_ray.lake.reader import arrow_dataset, lake_files, layout
from boundary_ray.settings import queries_override

VIEWS_FILE = "views.sql"
SCHEMA_FILE = "schema.yml"
PARAM_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
VIEW_NAME_RE = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.IGNORECASE)


def queries_dir() -> Path:
    """The folder holding the ``.sql`` files: ``$BOUNDARY_RAY_QUERIES``, else the repo's ``queries/``.

    An installed wheel has no repo around it: there the copy inside the package
    (``boundary_ray/_queries``) is used.
    """
    override = queries_override()
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
    return {name: entry for name, entry in data.items() if not name.startswith("_")}


def view_params() -> dict[str, Any]:
    """Parameters the views read (``_views.params`` in ``queries/schema.yml``): every query that
    reads ``problem_outcomes`` accepts them (``--param correct=process``, ``exclude=guess``)."""
    import yaml

    path = queries_dir() / SCHEMA_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(((data.get("_views") or {}).get("params")) or {})


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
    declared = dict(query_schema().get(name, {}).get("params") or {})
    if re.search(r"\b(?:from|join)\s+problem_outcomes\b", sql):
        declared = {**declared, **{k: v for k, v in view_params().items() if k not in declared}}
    values = _convert_params(name, params or {}, declared)

    def read() -> pa.Table:
        con = duckdb.connect()
        try:
            _create_views(con, lake)
            for key, value in values.items():
                con.execute(f"set variable {key} = ?", [value])
            _use_outcomes(con, lake, values)
            if re.search(r"\b(?:from|join)\s+problem_answer_classes\b", sql):
                _use_answer_classes(con, lake)
            return con.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise BoundaryError(f"query {name} on lake {lake}: {first_line(exc)}") from exc
        except (pa.ArrowException, OSError) as exc:  # a URI lake's files, read through pyarrow
            raise BoundaryError(f"query {name} on lake {lake}: {exc}".splitlines()[0]) from exc
        finally:
            con.close()

    return consistent_read(lake, read)


def first_line(exc: Exception) -> str:
    """The first line of a DuckDB error (its type name when it has no text)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


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
        elif kind == "float_list":
            value = [float(part) for part in raw.strip().strip("[]").split(",") if part.strip()]
        elif kind == "string":
            value = raw
        else:
            raise BoundaryError(f"{SCHEMA_FILE}: {query}.params.{key}.type: unknown type {kind!r}")
    except ValueError:
        raise BoundaryError(f"{where}: expected {kind.replace('_', ' of ')}") from None
    choices = spec.get("choices")
    if choices and value not in choices:
        raise BoundaryError(f"{where}: expected one of {', '.join(map(str, choices))}")
    items = value if isinstance(value, list) else [value]
    if kind in ("int_list", "float_list") and not items:
        noun = "integers" if kind == "int_list" else "numbers"
        raise BoundaryError(f"{where}: expected a comma-separated list of {noun}")
    low, high = spec.get("min"), spec.get("max")
    for item in items if kind != "string" else []:
        if item != item or (low is not None and item < low) or (high is not None and item > high):
            bounds = f"[{'' if low is None else low}, {'' if high is None else high}]"
            raise BoundaryError(f"{where}: {item} is outside {bounds}")
    return value


def _create_views(con: Any, lake: str) -> None:
    """Run ``views.sql`` on ``con``, the lake tables read as the lake allows.

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
    _run_views(con, lake, files)


def create_views_over(con: Any, lake: str, only: dict[str, list[str]]) -> None:
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


def _use_outcomes(con: Any, lake: str, values: dict[str, Any]) -> None:
    """Point ``problem_outcomes`` at the per-problem outcomes (``outcomes.py``) when they are
    fresh for every partition and the parameters ask for a notion of correct they hold; the
    numbers are the same, without reading a sample row."""
    from boundary_ray.outcomes import fresh_outcome_files, outcome_columns

    columns = outcome_columns(values)
    files = fresh_outcome_files(lake) if columns else None
    if not files:
        return
    con.register("outcomes_cache", arrow_dataset(lake, "outcomes", files))
    con.execute(f"create or replace view problem_outcomes as select {columns} from outcomes_cache")


def _use_answer_classes(con: Any, lake: str) -> None:
    """Point ``problem_answer_classes`` at the answer-class files (``answer_classes.py``) of the
    partitions where they are fresh; the other partitions keep views.sql's classes of exact
    answer strings, read from their samples."""
    from boundary_ray.answer_classes import answer_class_files

    fresh, stale = answer_class_files(lake)
    if not fresh:
        return
    columns = ", ".join(schema.ANSWER_CLASSES.names)
    con.register("answer_classes_cache", arrow_dataset(lake, "answer_classes", fresh))
    union = ""
    if stale:
        con.register("stale_partitions", pa.Table.from_pylist(stale))
        union = (
            f" union all select {columns} from exact_answer_classes"
            " semi join stale_partitions using (model, benchmark)"
        )
    con.execute(
        "create or replace view problem_answer_classes as"
        f" select {columns} from answer_classes_cache{union}"
    )


def _run_views(con: Any, lake: str, files: dict[str, list[str]], registered: bool = False) -> None:
    """Run the statements of ``views.sql``; a table view over no files is an empty table, and
    with ``registered`` every table is already registered on ``con``."""
    local = is_local(lake)
    if local:
        con.execute("set variable lake = ?", [open_lake(lake.removeprefix("file://"))[1]])
    for statement in con.extract_statements(_views_sql()):
        match = VIEW_NAME_RE.search(statement.query)
        table = match.group(1) if match else None
        if table not in files:  # built on the lake tables, not on files: runs as written
            con.execute(statement.query)
        elif registered:
            continue
        elif not files[table]:
            con.register(table, schema.TABLES[table].empty_table())
        elif local:
            con.execute(statement.query)
        else:
            con.register(table, arrow_dataset(lake, table))


def _views_sql() -> str:
    return (queries_dir() / VIEWS_FILE).read_text(encoding="utf-8")
