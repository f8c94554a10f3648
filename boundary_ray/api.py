"""The lake from Python: ``from boundary_ray import Lake``.

    lake = Lake("./lake")                       # a local folder or any pyarrow URI (s3://...)
    lake.pass_at_k(benchmark="arith", ci=0.95)  # one method per query: a polars DataFrame
    lake.training_curve()                       # ... every queries/*.sql, params from schema.yml
    lake.chart("pass_at_k", ci=0.95)            # the Altair chart (inline in Jupyter)
    lake.sql("select model, count(*) from samples group by all")
    lake.samples(model="m", problem_id="p1")    # a polars LazyFrame over the partitions
    lake.problems().collect()

The query methods are made from the files in ``queries/`` and their entries in
``queries/schema.yml`` (description, columns, parameters with their types and help): a query
or parameter added there is a method or keyword here, with a docstring and a signature for
tab completion. They call the functions the CLI calls (``analysis.run_query``,
``charts.build_chart``) with the same ``--param`` strings, so ``lake.pass_at_k(ci=0.95)`` and
``boundary query pass_at_k --param ci=0.95`` give the same table.

Small results are eager ``polars.DataFrame``s; ``samples()`` and ``problems()`` are lazy
``polars.LazyFrame`` scans (filter, select, then ``.collect()``), tolerant of files written
before a column existed (the column reads as null).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.locks import consistent_read

# Python type of each schema.yml parameter type (for signatures and docs)
PARAM_TYPES: dict[str, Any] = {
    "int": int,
    "float": float,
    "string": str,
    "int_list": list[int],
    "float_list": list[float],
}


def run_sql(text: str, lake: str) -> pa.Table:
    """Run SQL ``text`` over ``lake`` with the views of ``queries/views.sql`` registered
    (``problems``, ``models``, ``samples``, ``scores``, ``problem_outcomes``, ...)."""
    import duckdb

    from boundary_ray.analysis import _create_views, first_line

    def read() -> pa.Table:
        con = duckdb.connect()
        try:
            _create_views(con, lake)
            return con.sql(text).to_arrow_table()
        except duckdb.Error as exc:
            raise BoundaryError(f"sql on lake {lake}: {first_line(exc)}") from exc
        except AttributeError:  # a statement that returns nothing (``set variable ...``)
            raise BoundaryError(f"sql on lake {lake}: the statement returns no table") from None
        finally:
            con.close()

    return consistent_read(lake, read)


def query_params(name: str) -> dict[str, dict[str, Any]]:
    """The parameters query ``name`` accepts, as ``analysis.run_query`` checks them: its own
    (``queries/schema.yml``) and, for a query over ``problem_outcomes``, the views' params."""
    from boundary_ray import analysis

    declared = dict(analysis.query_schema().get(name, {}).get("params") or {})
    sql = (analysis.queries_dir() / f"{name}.sql").read_text(encoding="utf-8")
    view_params = getattr(analysis, "view_params", None)
    if view_params is not None and "problem_outcomes" in sql:
        declared = {**view_params(), **declared}
    return declared


def param_text(value: Any) -> str:
    """A Python value as the ``--param`` string the CLI would pass: lists comma-joined."""
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    if isinstance(value, bool):
        raise BoundaryError(f"parameter value {value!r}: expected a number, string or list")
    return str(value)


def param_strings(params: dict[str, Any]) -> dict[str, str]:
    """``params`` without the ``None`` values, each as its ``--param`` string."""
    return {key: param_text(value) for key, value in params.items() if value is not None}


class Lake:
    """A boundary-ray lake, opened for analysis. Cheap to create; every call reads the lake anew
    (a run writing to it meanwhile is seen by the next call).

    One method per query of ``queries/`` (``pass_at_k``, ``coverage``, ``training_curve``, ...;
    ``Lake.queries()`` lists them) returns a ``polars.DataFrame``; ``chart`` returns an Altair
    chart; ``sql`` runs any DuckDB SQL over the lake's views; ``samples`` and ``problems`` are
    lazy scans.
    """

    def __init__(self, path: str) -> None:
        from boundary_ray.lake.filesystem import absolute_lake
        from boundary_ray.lake.reader import lake_root

        self.path = absolute_lake(str(path))
        lake_root(self.path)  # a BoundaryError now if there is no lake there

    def __repr__(self) -> str:
        return f"Lake({self.path!r})"

    @staticmethod
    def queries() -> list[str]:
        """The names of the queries, each a method of ``Lake`` (``queries/*.sql``)."""
        from boundary_ray.analysis import list_queries

        return list_queries()

    @staticmethod
    def charts() -> list[str]:
        """The names ``chart`` accepts."""
        from boundary_ray.charts import CHART_NAMES

        return list(CHART_NAMES)

    def query(self, name: str, **params: Any) -> Any:
        """Run query ``name`` with ``params`` (Python values; ``None`` = the default) as a
        polars DataFrame. Same as ``boundary query NAME --lake PATH --param key=value ...``."""
        import polars as pl

        from boundary_ray.analysis import run_query

        return pl.from_arrow(run_query(name, self.path, param_strings(params)))

    def sql(self, text: str) -> Any:
        """Run DuckDB SQL over the lake's views (``problems``, ``models``, ``latest_models``,
        ``samples``, ``problem_outcomes``, ``scores``, and the macro ``pass_at_k_estimate``);
        a polars DataFrame. Same as ``boundary query FILE.sql --lake PATH``."""
        import polars as pl

        return pl.from_arrow(run_sql(text, self.path))

    def chart(self, name: str, **params: Any) -> Any:
        """The Altair chart ``name`` (``Lake.charts()``), its query run with ``params``; shown
        inline in Jupyter. Same spec as ``boundary chart NAME --out FILE --param ...``."""
        from boundary_ray.charts import build_chart

        chart, _ = build_chart(name, self.path, param_strings(params))
        return chart

    def models(self) -> Any:
        """Each model's latest ``models`` row (source, revision, prompt, role, tags as JSON)."""
        return self.sql("select * from latest_models order by model")

    def samples(
        self,
        model: str | None = None,
        benchmark: str | None = None,
        problem_id: str | Iterable[str] | None = None,
    ) -> Any:
        """The sample rows as a lazy ``polars.LazyFrame``: only the partitions of ``model`` and
        ``benchmark`` are read; ``problem_id`` (one or several) filters rows."""
        import polars as pl

        frame = self._scan("samples", {"model": model, "benchmark": benchmark})
        if problem_id is not None:
            ids = [problem_id] if isinstance(problem_id, str) else list(problem_id)
            frame = frame.filter(pl.col("problem_id").is_in(ids))
        return frame

    def problems(self, benchmark: str | None = None) -> Any:
        """The problems (question, gold answer, tests, meta) as a lazy ``polars.LazyFrame``."""
        return self._scan("problems", {"benchmark": benchmark})

    def _scan(self, table: str, partition: dict[str, str | None]) -> Any:
        import polars as pl

        from boundary_ray import schema
        from boundary_ray.lake.reader import arrow_dataset, list_files

        wanted = {k: v for k, v in partition.items() if v is not None}
        files = list_files(self.path, table, wanted)
        if not files:
            return pl.LazyFrame(pl.from_arrow(schema.TABLES[table].empty_table()))
        return pl.scan_pyarrow_dataset(arrow_dataset(self.path, table, files))

    def __getattr__(self, name: str) -> Any:
        # a query added to queries/ after this module was imported
        if not name.startswith("_") and name in Lake.queries():
            return _query_method(name).__get__(self, Lake)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *Lake.queries()})


def _query_method(name: str) -> Callable[..., Any]:
    """The method ``Lake.<name>``: keyword arguments from the query's declared parameters."""
    from boundary_ray.analysis import query_schema

    entry = query_schema().get(name, {})
    declared = query_params(name)

    def method(self: Lake, **params: Any) -> Any:
        current = query_params(name)  # as schema.yml says now (a param may have been added)
        unknown = [key for key in params if key not in current]
        if unknown:
            known = ", ".join(current) or "none"
            raise TypeError(
                f"{name}() got an unexpected keyword argument {unknown[0]!r} (parameters: {known})"
            )
        return self.query(name, **params)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = _docstring(name, entry, declared)
    method.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [
            inspect.Parameter(
                key,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=PARAM_TYPES.get(spec.get("type", "string"), str) | None,
            )
            for key, spec in declared.items()
        ],
        return_annotation="polars.DataFrame",
    )
    return method


def _docstring(name: str, entry: dict[str, Any], declared: dict[str, Any]) -> str:
    lines = [f"{entry.get('description') or name}.", ""]
    lines.append(f"Query ``queries/{name}.sql``; same as ``boundary query {name} --lake PATH``.")
    if declared:
        lines += ["", "Parameters (None = the query's default):"]
        for key, spec in declared.items():
            default = f" (default {spec['default']})" if "default" in spec else ""
            lines.append(
                f"    {key} ({spec.get('type', 'string')}): {spec.get('help', '')}{default}"
            )
    columns = entry.get("columns") or {}
    if columns:
        lines += ["", "Returns a polars DataFrame with columns:", "    " + ", ".join(columns)]
    return "\n".join(lines) + "\n"


def _install_query_methods() -> None:
    """One method on ``Lake`` per query that exists now (more are found by ``__getattr__``)."""
    from boundary_ray.analysis import list_queries

    try:
        names = list_queries()
    except BoundaryError:  # no queries folder: methods appear once one is set
        return
    for name in names:
        if name.isidentifier() and not hasattr(Lake, name):
            setattr(Lake, name, _query_method(name))


_install_query_methods()
