"""Write lake tables as whole Parquet files: a temp name first, then a rename.

A reader globbing ``**/*.parquet`` never sees a half-written file: temp files end in ``.tmp``.
File names are derived from the rows' keys, so a retried write of the same rows replaces its
own file instead of adding a duplicate. On a local or mounted lake each file is added under the
partition's shared lock (``lake/locks.py``), so ``boundary lake compact`` never swaps a folder
under a half-finished write.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from boundary_ray import schema
from boundary_ray.lake.filesystem import open_lake
from boundary_ray.lake.locks import lock_path, partition_lock

KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "problems": ("benchmark", "problem_id"),
    "models": ("model", "run_id"),
    "samples": ("model", "benchmark", "problem_id", "sample_idx"),
    "scores": ("scorer", "model", "benchmark", "problem_id", "sample_idx"),
    # appended tables: a recomputation or a relabelling is a new file, never a rewrite
    "process": ("model", "benchmark", "problem_id", "sample_idx", "verified_at"),
    "labels": ("model", "benchmark", "problem_id", "sample_idx", "at"),
}


def write_rows(lake: str, table: str, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Write plain dict rows (missing columns become null) to ``table``; returns file paths."""
    data = pa.Table.from_pylist(list(rows), schema=schema.TABLES[table])
    return write_table(lake, table, data)


def write_table(lake: str, table: str, data: pa.Table) -> list[str]:
    """Write ``data`` (any superset of the table's columns) as one file per Hive partition.

    Columns not in the table's schema are dropped; the declared schema is enforced, so files
    never drift. Returns the paths written.
    """
    if data.num_rows == 0:
        return []
    fs, root = open_lake(lake)
    full = schema.TABLES[table]
    data = data.select([name for name in full.names]).cast(full)
    partitions = schema.PARTITIONS[table]
    written = []
    for values, part in _split_by_partition(data, partitions):
        folder = "/".join(
            [root, table] + [f"{k}={v}" for k, v in zip(partitions, values, strict=True)]
        )
        body = part.select(schema.file_schema(table).names)
        final = f"{folder}/part-{_content_name(table, part)}.parquet"
        tmp = f"{final}.{uuid.uuid4().hex[:8]}.tmp"
        with _writing(fs, root, table, folder):  # compaction waits while a file is half-written
            fs.create_dir(folder, recursive=True)
            with fs.open_output_stream(tmp) as sink:
                pq.write_table(body, sink, compression="zstd")
            fs.move(tmp, final)
        written.append(final)
    return written


def _writing(fs: pafs.FileSystem, root: str, table: str, folder: str) -> Any:
    """The partition's lock, held shared while a file is added (local lakes; see lake/locks.py)."""
    if not isinstance(fs, pafs.LocalFileSystem):
        return nullcontext(True)
    partition = folder[len(root) + len(table) + 2 :]
    return partition_lock(lock_path(root, table, partition), exclusive=False)


class ParquetLakeWriter:
    """The pipeline's last stage: writes each batch to the lake, returns one summary row per file.

    Used as ``ds.map_batches(ParquetLakeWriter, fn_constructor_kwargs={...}, batch_format="pyarrow")``.
    """

    def __init__(self, lake: str, table: str = "samples") -> None:
        self.lake = lake
        self.table = table

    def __call__(self, batch: pa.Table) -> pa.Table:
        paths = write_table(self.lake, self.table, batch)
        verdicts = batch.column("verdict") if "verdict" in batch.column_names else None
        correct = (
            pc.sum(pc.cast(batch.column("correct"), pa.int64())).as_py() or 0
            if "correct" in batch.column_names
            else 0
        )
        tokens = (
            pc.sum(batch.column("response_tokens")).as_py() or 0
            if "response_tokens" in batch.column_names
            else 0
        )
        ready = (
            pc.min(batch.column("engine_ready_at")).as_py()
            if "engine_ready_at" in batch.column_names
            else None
        )
        return pa.table(
            {
                "engine_ready_at": pa.array([ready], pa.float64()),
                "rows": [batch.num_rows],
                "files": [len(paths)],
                "correct": [correct],
                "tokens": [tokens],
                "errors": [_count(verdicts, ("error", "timeout"))],
            }
        )


def with_lake_writer(ds: Any, lake: str, table: str) -> Any:
    """``ds`` followed by the writer stage: one actor writing each block to ``table`` as it comes
    and returning ``ParquetLakeWriter``'s summary rows."""
    import ray.data

    return ds.map_batches(
        ParquetLakeWriter,
        fn_constructor_kwargs={"lake": lake, "table": table},
        batch_size=None,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=1),
        num_cpus=0.25,
    )


def _count(column: pa.ChunkedArray | None, values: tuple[str, ...]) -> int:
    if column is None:
        return 0
    return int(pc.sum(pc.cast(pc.is_in(column, pa.array(values)), pa.int64())).as_py() or 0)


def _split_by_partition(data: pa.Table, partitions: tuple[str, ...]):
    if not partitions:
        yield (), data
        return
    keys = data.select(list(partitions)).to_pylist()
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(tuple(key[p] for p in partitions), []).append(i)
    for values, indices in groups.items():
        for column, value in zip(partitions, values, strict=True):
            if value is None or "/" in str(value) or "=" in str(value):
                raise ValueError(f"bad partition value {column}={value!r}")
        yield values, data.take(pa.array(indices))


def _content_name(table: str, part: pa.Table) -> str:
    """A name fixed by the rows' keys: rewriting the same rows overwrites the same file."""
    digest = hashlib.sha1(table.encode())
    keys = KEY_COLUMNS[table]
    rows = sorted(
        map(tuple, zip(*(part.column(k).to_pylist() for k in keys), strict=True)), key=repr
    )
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()[:20]
