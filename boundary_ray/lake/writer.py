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
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.locks import lock_path, partition_lock


def write_rows(lake: str, table: str, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Write plain dict rows to ``table``; returns file paths.

    A key a row leaves out is null; a key that is not a column of ``table`` is a
    ``BoundaryError`` naming it (nothing is dropped silently).
    """
    rows = list(rows)
    full = schema.TABLES[table]
    unknown = sorted({key for row in rows for key in row} - set(full.names))
    if unknown:
        raise BoundaryError(f"{table}: unknown columns {', '.join(unknown)} (not in schema.py)")
    return write_table(lake, table, pa.Table.from_pylist(rows, schema=full))


def write_table(lake: str, table: str, data: pa.Table, name: str | None = None) -> list[str]:
    """Write ``data``, which holds exactly the table's columns (in any order), as one file per
    Hive partition; returns the paths written. Files are named by the rows' keys, or ``name``
    (``<name>.parquet``; then ``data`` must lie in one partition).

    An unknown or a missing column is a ``BoundaryError`` naming it: a stage that carries
    helper columns drops them by name first (``ParquetLakeWriter(drop=...)``). The declared
    schema is enforced, so files never drift.
    """
    full = schema.TABLES[table]
    check_columns(table, data.schema.names)
    if data.num_rows == 0:
        return []
    location = open_lake(lake)
    fs, root = location.fs, location.root
    data = data.select(full.names).cast(full)
    partitions = schema.PARTITIONS[table]
    written = []
    for values, part in _split_by_partition(data, partitions):
        folder = "/".join(
            [root, table] + [f"{k}={v}" for k, v in zip(partitions, values, strict=True)]
        )
        body = part.select(schema.file_schema(table).names)
        if name is not None and part.num_rows != data.num_rows:
            raise ValueError(f"{table}: a named file ({name}) takes one partition's rows")
        final = f"{folder}/{name or 'part-' + _content_name(table, part)}.parquet"
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


def check_columns(table: str, names: Iterable[str]) -> None:
    """Refuse ``names`` unless they are exactly ``table``'s columns: a ``BoundaryError`` names
    each unknown and each missing one."""
    names = list(names)
    declared = schema.TABLES[table].names
    unknown = [n for n in names if n not in declared]
    missing = [n for n in declared if n not in names]
    if unknown or missing:
        parts = [f"unknown columns {', '.join(unknown)}"] if unknown else []
        parts += [f"missing columns {', '.join(missing)}"] if missing else []
        raise BoundaryError(f"{table}: {'; '.join(parts)} (the lake's columns are in schema.py)")


class ParquetLakeWriter:
    """The pipeline's last stage: writes each batch to the lake, returns one summary row per batch.

    ``drop`` names the helper columns the batch carries that are not lake columns (for samples,
    ``schema.CARRIED``: the problem fields the sampler and the verifier read); every one must be
    present, and any other column the table does not declare is an error. The summary row counts
    rows, files, tokens, verdicts (``verdict:<v>``) and truncated samples, and passes on the
    engine's ready time from the batch's metadata (``schema.ENGINE_READY_AT``).

    Used as ``ds.map_batches(ParquetLakeWriter, fn_constructor_kwargs={...}, batch_format="pyarrow")``.
    """

    def __init__(self, lake: str, table: str = "samples", drop: tuple[str, ...] = ()) -> None:
        self.lake = lake
        self.table = table
        self.drop = tuple(drop)

    def __call__(self, batch: pa.Table) -> pa.Table:
        missing = [name for name in self.drop if name not in batch.column_names]
        if missing:
            raise BoundaryError(f"{self.table}: columns to drop are missing: {', '.join(missing)}")
        data = batch.drop_columns(list(self.drop))
        paths = write_table(self.lake, self.table, data)
        summary = batch_summary(data, len(paths))
        return pa.table(
            {
                k: pa.array([v], pa.float64() if k == "engine_ready_at" else pa.int64())
                for k, v in summary.items()
            }
        )


def batch_summary(batch: pa.Table, files: int) -> dict[str, Any]:
    """Counters of one written batch: what ``sampler.stage.drain`` adds up per model."""
    names = batch.column_names
    verdicts = batch.column("verdict") if "verdict" in names else None
    metadata = batch.schema.metadata or {}
    ready = metadata.get(schema.ENGINE_READY_AT)
    return {
        "engine_ready_at": float(ready) if ready else None,
        "rows": batch.num_rows,
        "files": files,
        "tokens": int(pc.sum(batch.column("response_tokens")).as_py() or 0)
        if "response_tokens" in names
        else 0,
        "correct": _count(verdicts, ("correct",)),
        "errors": _count(verdicts, ("error", "timeout")),
        "truncated": _count(batch.column("finish_reason"), ("length",))
        if "finish_reason" in names
        else 0,
        **{f"verdict:{v}": _count(verdicts, (v,)) for v in schema.VERDICTS if verdicts is not None},
        # code samples judged in the weaker in-process mode (answer_rule '<rule>+in_process')
        "code_in_process": int(
            pc.sum(
                pc.cast(pc.ends_with(batch.column("answer_rule"), "+in_process"), pa.int64())
            ).as_py()
            or 0
        )
        if "answer_rule" in names
        else 0,
    }


def with_lake_writer(ds: Any, lake: str, table: str, drop: tuple[str, ...] = ()) -> Any:
    """``ds`` followed by the writer stage: one actor dropping the helper columns ``drop``,
    writing each block to ``table`` as it comes and returning ``batch_summary`` rows."""
    import ray.data

    return ds.map_batches(
        ParquetLakeWriter,
        fn_constructor_kwargs={"lake": lake, "table": table, "drop": drop},
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
    keys = schema.KEYS[table]
    rows = sorted(
        map(tuple, zip(*(part.column(k).to_pylist() for k in keys), strict=True)), key=repr
    )
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()[:20]
