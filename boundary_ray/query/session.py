"""One DuckDB connection over one lake, with its views created once: every query and every
piece of ad-hoc SQL of a caller (the CLI, ``boundary report``, ``Lake``, the browser view) runs
on it.

Parameters are handed to the SQL as DuckDB variables, where ``getvariable('name')`` reads them;
a query's variables are reset before the next query runs. ``problem_outcomes`` is pointed at
the per-problem outcomes (``query/outcomes.py``) for a query they can answer, and back at its
definition over the samples otherwise. A local lake's views glob its files at each query, so a
run writing meanwhile is seen; ``refresh()`` re-creates the views (tables that had no files,
an object-store lake's file lists).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import LakeLocation, open_lake
from boundary_ray.lake.locks import consistent_read
from boundary_ray.lake.reader import arrow_dataset
from boundary_ray.query import answer_classes, majority_votes, outcomes
from boundary_ray.query.catalog import query_params, query_sql, reads
from boundary_ray.query.params import convert_params
from boundary_ray.query.views import create_views


class QuerySession:
    """Queries over ``lake`` on one DuckDB connection (a context manager; ``close()`` ends it)."""

    def __init__(self, lake: str | LakeLocation) -> None:
        import duckdb

        self.lake = open_lake(lake)
        self._con = duckdb.connect()
        # a session reads the same files again and again (a report, the browser view): keep
        # their Parquet footers. Lake files are written whole and replaced by a rename, and
        # DuckDB checks a file's modification time before it uses a footer it kept.
        self._con.execute("set parquet_metadata_cache = true")
        self._variables: set[str] = set()
        self._statements: dict[str, str] | None = None  # the views, made by the first read
        self._pointed: set[str] = set()  # views pointed away from their views.sql definition

    def __enter__(self) -> QuerySession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def refresh(self) -> None:
        """Create the views anew at the next read (new tables, an object-store lake's files)."""
        self._statements = None

    def query(self, name: str, params: dict[str, str] | None = None) -> pa.Table:
        """Run ``queries/NAME.sql`` and return its result.

        ``params`` are ``--param key=value`` strings, checked and converted against the query's
        declared parameters (``catalog.query_params``). Raises ``BoundaryError`` for an unknown
        query, a bad parameter or a query that fails.
        """
        sql = query_sql(name)
        values = convert_params(name, params or {}, query_params(name))

        def read() -> pa.Table:
            self._set_variables(values)
            self._point_problem_outcomes(values)
            self._point_answer_classes(reads(sql))
            return self._con.sql(sql).to_arrow_table()

        return self._read(f"query {name}", read)

    def sql(self, text: str, *, outcomes: bool = True) -> pa.Table:
        """Run SQL ``text`` over the lake's views (``problems``, ``models``, ``samples``,
        ``scores``, ``problem_outcomes``, ...).

        ``outcomes=False`` leaves ``problem_outcomes`` as the last statement pointed it, for
        SQL that does not read it (the browser view's pages): that saves listing the lake's
        samples and outcomes before the statement."""

        def read() -> pa.Table:
            self._set_variables({})
            if outcomes:
                self._point_problem_outcomes({})
            self._point_answer_classes(reads(text))
            result = self._con.sql(text)
            if result is None:  # a statement that returns nothing (``set variable ...``)
                raise BoundaryError(f"sql on lake {self.lake}: the statement returns no table")
            return result.to_arrow_table()

        return self._read("sql", read)

    def _read(self, what: str, read: Any) -> pa.Table:
        import duckdb

        def guarded() -> pa.Table:
            try:
                if self._statements is None:
                    self._statements = create_views(self._con, self.lake)
                    self._pointed.clear()
                return read()
            except duckdb.Error as exc:
                raise BoundaryError(f"{what} on lake {self.lake}: {first_line(exc)}") from exc
            except (pa.ArrowException, OSError) as exc:  # a URI lake's files, read by pyarrow
                raise BoundaryError(f"{what} on lake {self.lake}: {exc}".splitlines()[0]) from exc

        return consistent_read(self.lake, guarded)

    def _set_variables(self, values: dict[str, Any]) -> None:
        """Set the query's parameters as variables; unset those of the query before."""
        for key in self._variables - set(values):
            self._con.execute(f"reset variable {key}")
        for key, value in values.items():
            self._con.execute(f"set variable {key} = ?", [value])
        self._variables = set(values)

    def _point_problem_outcomes(self, values: dict[str, Any]) -> None:
        """``problem_outcomes`` over the outcomes when they are fresh for every partition and
        the parameters ask for a notion of correct they hold (the same numbers, without reading
        a sample row); over the samples otherwise."""
        columns = outcomes.outcome_columns(values)
        files = outcomes.fresh_outcome_files(self.lake) if columns else None
        if files:
            self._con.register("outcomes_cache", arrow_dataset(self.lake, "outcomes", files))
            self._con.execute(
                f"create or replace view problem_outcomes as select {columns} from outcomes_cache"
            )
        else:
            assert self._statements is not None  # made by ``_read`` before any query
            self._con.execute(self._statements["problem_outcomes"])

    def _point_answer_classes(self, read: frozenset[str]) -> None:
        """``problem_answer_classes`` over the answer-class files (``answer_classes.py``) of the
        partitions where they are fresh, the other partitions' exact answer strings from their
        samples (views.sql); ``cached_majority_votes`` over the fresh majority votes
        (``majority_votes.py``) and ``uncached_answer_classes`` over the classes of the other
        partitions. Only for SQL that reads them (``read``: the views it reads), else each as
        views.sql defines it."""
        wanted = "problem_answer_classes" in read
        fresh, stale = answer_classes.answer_classes_by_partition(self.lake) if wanted else ({}, [])
        votes = (
            majority_votes.majority_votes_beside(self.lake, fresh)
            if fresh and "cached_majority_votes" in read
            else {}
        )
        if fresh:
            self._classes_view("problem_answer_classes", list(fresh.values()), stale)
        else:
            self._restore("problem_answer_classes")
        if votes:
            self._con.register(
                "majority_votes_cache",
                arrow_dataset(self.lake, "majority_votes", list(votes.values())),
            )
            columns = ", ".join(schema.MAJORITY_VOTES.names)
            self._point("cached_majority_votes", f"select {columns} from majority_votes_cache")
            unvoted = [path for key, path in fresh.items() if key not in votes]
            self._classes_view("uncached_answer_classes", unvoted, stale)
        else:
            self._restore("cached_majority_votes")
            self._restore("uncached_answer_classes")

    def _classes_view(self, view: str, files: list[str], stale: list[dict[str, str]]) -> None:
        """``view``: the answer-class ``files`` with the exact classes of the ``stale``
        partitions (views.sql ``exact_answer_classes``, from their samples)."""
        columns = ", ".join(schema.ANSWER_CLASSES.names)
        relation = f"{view}_files"
        self._con.register(
            relation,
            arrow_dataset(self.lake, "answer_classes", files)
            if files
            else schema.ANSWER_CLASSES.empty_table(),
        )
        union = ""
        if stale:
            self._con.register("stale_partitions", pa.Table.from_pylist(stale))
            union = (
                f" union all select {columns} from exact_answer_classes"
                " semi join stale_partitions using (model, benchmark)"
            )
        self._point(view, f"select {columns} from {relation}{union}")

    def _point(self, view: str, select: str) -> None:
        """Define ``view`` as ``select`` until it is restored."""
        self._con.execute(f"create or replace view {view} as {select}")
        self._pointed.add(view)

    def _restore(self, view: str) -> None:
        """``view`` as views.sql defines it, if it was pointed elsewhere (no statement is run
        for a view that never was: the browser view's pages run many)."""
        assert self._statements is not None
        if view in self._pointed:
            self._con.execute(self._statements[view])
            self._pointed.discard(view)


def run_query(
    name: str, lake: str | LakeLocation, params: dict[str, str] | None = None
) -> pa.Table:
    """Run ``queries/NAME.sql`` over ``lake`` on a session of its own (see ``QuerySession``)."""
    # bad input fails before the lake is read
    convert_params(name, params or {}, query_params(name))
    with QuerySession(lake) as session:
        return session.query(name, params)


def run_sql(text: str, lake: str | LakeLocation) -> pa.Table:
    """Run SQL ``text`` over ``lake``'s views on a session of its own."""
    with QuerySession(lake) as session:
        return session.sql(text)


def first_line(exc: Exception) -> str:
    """The first line of a DuckDB error (its type name when it has no text)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
