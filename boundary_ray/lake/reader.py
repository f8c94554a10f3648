"""The one module that knows the lake's layout: tables, Hive partitions, keys and file globs.

A table's files live at ``<lake>/<table>/<k1>=<v1>/.../<name>.parquet``, one ``key=value``
folder per partition column of ``schema.PARTITIONS[table]`` (``samples/model=m/benchmark=b/``);
partition values live only in the path. Temp files (``*.tmp``) are never read. A ``.parquet``
file anywhere else under a table is an error naming it (``boundary lake upgrade`` moves files
that carry their partition values inside them).

Reading tolerates files written by an older version: a column missing from a file is read
as null (schemas evolve by addition only, see ``schema.LAKE_SCHEMA_VERSION``).

Local paths and pyarrow URIs (``s3://``, ``gs://``, ``file://``) are read alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake


@dataclass(frozen=True)
class LakeFile:
    """One ``.parquet`` file under a table: its path relative to ``<lake>/<table>/`` and, when
    it sits where the layout puts it, its partition values (else ``partition`` is None)."""

    table: str
    relative: str
    partition: dict[str, str] | None

    @property
    def placed(self) -> bool:
        """True when the file is where the layout puts it."""
        return self.partition is not None


def layout(table: str) -> str:
    """The glob of ``table``'s files under ``<lake>/<table>/``, e.g. ``model=*/benchmark=*/*.parquet``."""
    return "/".join([*(f"{column}=*" for column in schema.PARTITIONS[table]), "*.parquet"])


def table_pattern(table: str) -> re.Pattern[str]:
    """Relative paths (under ``<lake>/<table>/``) of ``table``'s files, partition values as groups."""
    parts = [f"{column}=(?P<{column}>[^/]+)" for column in schema.PARTITIONS[table]]
    return re.compile("^" + "/".join([*parts, r"[^/]+\.parquet"]) + "$")


def lake_root(lake: str) -> tuple[pafs.FileSystem, str]:
    """The filesystem and root of an existing lake directory (``BoundaryError`` otherwise)."""
    try:
        location = open_lake(lake)
        fs, root = location.fs, location.root
        kind = fs.get_file_info(root).type
    except (OSError, pa.ArrowException) as exc:
        raise BoundaryError(f"lake {lake}: cannot be read ({exc})".splitlines()[0]) from exc
    if kind == pafs.FileType.NotFound:
        raise BoundaryError(f"lake {lake}: no such directory")
    if kind != pafs.FileType.Directory:
        raise BoundaryError(f"lake {lake}: not a directory")
    return fs, root


def scan_table(lake: str, table: str) -> list[LakeFile]:
    """Every ``.parquet`` file under ``table``, placed or not, sorted by path (no error)."""
    location = open_lake(lake)
    fs, root = location.fs, location.root
    selector = pafs.FileSelector(f"{root}/{table}", recursive=True, allow_not_found=True)
    pattern = table_pattern(table)
    found = []
    for info in fs.get_file_info(selector):
        relative = info.path[len(root) + len(table) + 2 :]
        if info.type != pafs.FileType.File or not relative.endswith(".parquet"):
            continue
        match = pattern.match(relative)
        found.append(LakeFile(table, relative, match.groupdict() if match else None))
    return sorted(found, key=lambda f: f.relative)


def table_files(lake: str, table: str) -> list[str]:
    """Paths relative to ``<lake>/<table>/`` of ``table``'s files; a misplaced one is an error."""
    files = scan_table(lake, table)
    for file in files:
        if not file.placed:
            raise BoundaryError(
                f"lake {lake}: {table}/{file.relative}: not where a {table} file belongs"
                f" (expected {table}/{layout(table)}; `boundary lake upgrade` moves files that"
                " hold their partition columns)"
            )
    return [file.relative for file in files]


def lake_files(lake: str) -> dict[str, list[str]]:
    """Per table of ``schema.TABLES``, its files' relative paths (the lake must exist)."""
    lake_root(lake)
    return {table: table_files(lake, table) for table in schema.TABLES}


def list_files(lake: str, table: str, partition: Mapping[str, str] | None = None) -> list[str]:
    """Full paths of ``table``'s files, only those under ``partition`` (e.g. {"model": "m"})."""
    root = open_lake(lake).root
    wanted = dict(partition or {})
    unknown = set(wanted) - set(schema.PARTITIONS[table])
    if unknown:
        raise ValueError(f"{table} is not partitioned by {', '.join(sorted(unknown))}")
    return [
        f"{root}/{table}/{file.relative}"
        for file in scan_table(lake, table)
        if file.placed and all(file.partition[k] == v for k, v in wanted.items())
    ]


def partition_values(lake: str, table: str) -> list[dict[str, str]]:
    """The distinct partitions of ``table`` that hold files, sorted (``[{"model": ..., ...}]``)."""
    seen = {tuple(file.partition.items()) for file in scan_table(lake, table) if file.partition}
    return [dict(items) for items in sorted(seen)]


def arrow_dataset(lake: str, table: str, paths: list[str] | None = None) -> pads.Dataset:
    """``table`` as a ``pyarrow.dataset`` with the declared schema: partition columns as strings
    from the path, columns missing from older files as null. ``paths`` are full file paths
    (default: every placed file)."""
    location = open_lake(lake)
    fs, root = location.fs, location.root
    files = list_files(lake, table) if paths is None else paths
    part_fields = [pa.field(k, pa.string()) for k in schema.PARTITIONS[table]]
    return pads.dataset(
        files,
        filesystem=fs,
        format="parquet",
        partitioning=pads.partitioning(pa.schema(part_fields), flavor="hive")
        if part_fields
        else None,
        partition_base_dir=f"{root}/{table}",
        schema=schema.TABLES[table],
    )


def read_table(
    lake: str,
    table: str,
    partition: Mapping[str, str] | None = None,
    columns: list[str] | None = None,
) -> pa.Table:
    """Read ``table`` (optionally one partition) with its Hive columns as strings."""
    files = list_files(lake, table, partition)
    wanted = columns or schema.TABLES[table].names
    if not files:
        return schema.TABLES[table].empty_table().select(wanted)
    return arrow_dataset(lake, table, files).to_table(columns=wanted)
