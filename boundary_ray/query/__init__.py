"""The query layer: the SQL of ``queries/`` over a lake, from the CLI, ``boundary report``, the
``Lake`` API and the browser view alike.

- ``catalog``: where the queries are, their names, what each declares (``schema.yml``);
- ``params``: ``--param`` strings checked and typed;
- ``views``: the lake's tables and ``views.sql`` on a DuckDB connection;
- ``session``: ``QuerySession``, one connection with the views created once; ``run_query`` and
  ``run_sql`` for one statement;
- ``outcomes``: the per-problem outcomes cache beside the samples;
- ``formatting``: a result as text, CSV, JSON Lines, Markdown or Parquet.
"""

from boundary_ray.query.catalog import list_queries, queries_dir, query_params, query_schema
from boundary_ray.query.session import QuerySession, run_query, run_sql

__all__ = [
    "QuerySession",
    "list_queries",
    "queries_dir",
    "query_params",
    "query_schema",
    "run_query",
    "run_sql",
]
