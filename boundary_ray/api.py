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
tab completion. They run on the query layer the CLI uses (``boundary_ray.query``,
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

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake
from boundary_ray.query import QuerySession, list_queries, query_params, query_schema
from boundary_ray.query.params import PARAM_TYPES, param_strings


class Lake:
    """A boundary-ray lake, opened for analysis. Cheap to create; every call reads the lake anew
    (a run writing to it meanwhile is seen by the next call).

    One method per query of ``queries/`` (``pass_at_k``, ``coverage``, ``training_curve``, ...;
    ``Lake.queries()`` lists them) returns a ``polars.DataFrame``; ``chart`` returns an Altair
    chart; ``sql`` runs any DuckDB SQL over the lake's views; ``samples`` and ``problems`` are
    lazy scans.
    """

    def __init__(self, path: str) -> None:
        from boundary_ray.lake.reader import lake_root

        self.location = open_lake(path)
        self.path = self.location.uri
        lake_root(self.location)  # a BoundaryError now if there is no lake there
        self._session: QuerySession | None = None

    def _fresh_session(self) -> QuerySession:
        """The lake's query session, its views made anew over what the lake holds now."""
        if self._session is None:
            self._session = QuerySession(self.location)
        else:
            self._session.refresh()
        return self._session

    def close(self) -> None:
        """Close the lake's DuckDB connection (a later call opens a new one)."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def __repr__(self) -> str:
        return f"Lake({self.path!r})"

    @staticmethod
    def queries() -> list[str]:
        """The names of the queries, each a method of ``Lake`` (``queries/*.sql``)."""
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

        strings = param_strings(params)
        if name in Lake.queries():  # bad parameters fail before the lake is read
            from boundary_ray.query.params import convert_params

            convert_params(name, strings, query_params(name))
        return pl.from_arrow(self._fresh_session().query(name, strings))

    def sql(self, text: str) -> Any:
        """Run DuckDB SQL over the lake's views (``problems``, ``models``, ``latest_models``,
        ``samples``, ``problem_outcomes``, ``scores``, and the macro ``pass_at_k_estimate``);
        a polars DataFrame. Same as ``boundary query FILE.sql --lake PATH``."""
        import polars as pl

        return pl.from_arrow(self._fresh_session().sql(text))

    def chart(self, name: str, **params: Any) -> Any:
        """The Altair chart ``name`` (``Lake.charts()``), its query run with ``params``; shown
        inline in Jupyter. Same spec as ``boundary chart NAME --out FILE --param ...``."""
        from boundary_ray.charts import build_chart

        chart, _ = build_chart(name, self._fresh_session(), param_strings(params))
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
        files = list_files(self.location, table, wanted)
        if not files:
            return pl.LazyFrame(pl.from_arrow(schema.TABLES[table].empty_table()))
        return pl.scan_pyarrow_dataset(arrow_dataset(self.location, table, files))

    def __getattr__(self, name: str) -> Any:
        # a query added to queries/ after this module was imported
        if not name.startswith("_") and name in Lake.queries():
            return _query_method(name).__get__(self, Lake)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *Lake.queries()})


def _query_method(name: str) -> Callable[..., Any]:
    """The method ``Lake.<name>``: keyword arguments from the query's declared parameters."""
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
    try:
        names = list_queries()
    except BoundaryError:  # no queries folder: methods appear once one is set
        return
    for name in names:
        if name.isidentifier() and not hasattr(Lake, name):
            setattr(Lake, name, _query_method(name))


_install_query_methods()
