"""A lake table restricted to some partitions, as a SQL relation that opens only their files.

The views of ``queries/views.sql`` glob every folder of a table and let DuckDB drop the
partitions a filter excludes; on a lake of a few hundred sample files that costs a few tenths
of a second per query on this machine, most of the time of a page. The view knows the files
from its listing (``listing.py``), so for a local lake it names them: one ``read_parquet`` per
partition, its partition values as constants, unioned by name with a typed empty relation
that declares every column of ``schema.py`` (as views.sql does: a column that older files lack
reads as null). An object-store lake goes through the session's view, filtered.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.review.view import sqltext
from boundary_ray.review.view.file_ranges import ProblemRanges
from boundary_ray.review.view.listing import LakeListing

DUCKDB_TYPES = {
    pa.string(): "varchar",
    pa.int32(): "integer",
    pa.int64(): "bigint",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    pa.binary(): "blob",
    pa.list_(pa.string()): "varchar[]",
}


def empty_relation(table: str) -> str:
    """``select null::type as column, ... where false`` with every column of ``table``."""
    columns = ", ".join(
        f'null::{DUCKDB_TYPES[field.type]} as "{field.name}"' for field in schema.TABLES[table]
    )
    return f"select {columns} where false"


def table_relation(
    listing: LakeListing,
    table: str,
    partitions: Sequence[tuple[str, ...]],
    local: bool,
    problems: tuple[ProblemRanges, set[str]] | None = None,
) -> str:
    """``table``'s rows of ``partitions`` (tuples of the table's partition values, in the order
    of ``schema.PARTITIONS``) as a parenthesised relation with every column of ``table``.

    ``problems`` (the view's ``ProblemRanges`` and a set of problem ids) leaves out the files
    whose footer says they hold none of those problems; the caller still filters the rows."""
    keys = schema.PARTITIONS[table]
    wanted = {tuple(p) for p in partitions}
    if not local and not keys:
        return f"(select * from {table})"
    if not local:
        terms = [
            "("
            + " and ".join(f"{table}.{k} = {sqltext.text(v)}" for k, v in zip(keys, p, strict=True))
            + ")"
            for p in sorted(wanted)
        ]
        return f"(select * from {table} where {' or '.join(terms) or 'false'})"
    infos = [
        info
        for info, part in listing.files.get(table, [])
        if tuple(part[k] for k in keys) in wanted
    ]
    if problems is not None:
        ranges, ids = problems
        paths = ranges.holding(infos, ids)
    else:
        paths = [info.path for info in infos]
    pieces = []
    if paths:  # the same reader options as views.sql: partition columns from the folders
        pieces.append(
            f"select * from read_parquet({sqltext.text_list(paths)}, hive_partitioning = true,"
            " hive_types_autocast = false, union_by_name = true)"
        )
    pieces.append(empty_relation(table))
    return "(" + " union all by name ".join(pieces) + ")"
