"""Read what the lake already holds: whole ``.parquet`` files only (never ``.tmp``)."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from boundary_ray import schema
from boundary_ray.lake.filesystem import open_lake


def list_files(lake: str, table: str, partition: Mapping[str, str] | None = None) -> list[str]:
    """Every finished Parquet file of ``table`` (under ``partition``, e.g. {"model": "m"})."""
    fs, root = open_lake(lake)
    folder = "/".join([root, table] + [f"{k}={v}" for k, v in (partition or {}).items()])
    info = fs.get_file_info(folder)
    if info.type != pafs.FileType.Directory:
        return []
    selector = pafs.FileSelector(folder, recursive=True)
    return sorted(
        f.path
        for f in fs.get_file_info(selector)
        if f.type == pafs.FileType.File and f.path.endswith(".parquet")
    )


def read_table(
    lake: str,
    table: str,
    partition: Mapping[str, str] | None = None,
    columns: list[str] | None = None,
) -> pa.Table:
    """Read ``table`` (optionally one partition) with its Hive columns as strings."""
    fs, root = open_lake(lake)
    files = list_files(lake, table, partition)
    full = schema.TABLES[table]
    wanted = columns or full.names
    if not files:
        return full.empty_table().select(wanted)
    part_fields = [pa.field(k, pa.string()) for k in schema.PARTITIONS[table]]
    dataset = pads.dataset(
        files,
        filesystem=fs,
        format="parquet",
        partitioning=pads.partitioning(pa.schema(part_fields), flavor="hive")
        if part_fields
        else None,
        partition_base_dir=f"{root}/{table}",
        schema=full,
    )
    return dataset.to_table(columns=wanted)
