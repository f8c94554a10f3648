"""``boundary lake compact``: merge a partition's small files into row-group-sized files, atomically.

The pipeline writes one file per finished batch; a study makes hundreds of thousands. This
module rewrites a partition folder (``samples/model=m/benchmark=b/``) so that its small files
become a few large ones, each one sorted Parquet row group, while a path lookup sees, at every
instant, either the whole old folder or the whole new one: the project's queries never see a
sample twice or miss one (see "Readers" below for what that asks of a reader).

The protocol, for one partition folder ``F`` (local or mounted lakes only):

1. Take the partition's *compaction* lock (non-blocking: a second compactor skips the
   partition) and delete the staging folder ``S = <lake>/_compaction/staging/<table>/<partition>``
   if a killed compaction left one (see below: it is garbage whatever the step it died at).
2. List ``F``. Stream its small files (uncompressed size < half the target) into ``S`` as new
   files of about ``target_mb`` each, one row group per file, sorted by key, fsynced. ``S`` is
   outside every table folder: no reader glob reaches it. The row count is checked against the
   sources' footers.
3. Take ``F``'s *write* lock exclusively: writers (``lake/writer.py``) hold it shared while they
   add a file, so no file is half-written now. Re-list ``F``: every source file must still be
   there, unchanged (else give up: nothing was changed); every other file (large ones, and those
   written since step 2) is hard-linked into ``S``. ``S`` now holds every row of ``F`` once.
4. Swap ``F`` and ``S`` with one ``renameat2(RENAME_EXCHANGE)``: a single atomic step of the
   kernel, so a path lookup sees either the old folder or the new one. Release the write lock.
5. Delete ``S``, which now holds the old files (and links to files that stay in ``F``).

The rows are the same, in new files: a samples partition's derived caches (outcomes, answer
classes, majority votes: ``lake/caches.py``) that were fresh for ``F`` as listed under the write
lock are renamed to the fingerprint of the new ``F`` before the lock is released.

Killed at any point (SIGKILL, power cut after the fsyncs): before step 4, ``F`` is untouched and
``S`` holds an unfinished compaction; after it, ``F`` is complete and ``S`` holds superseded
files. Either way ``S`` is garbage, and the next ``compact`` deletes it first (step 1).

Beside a running job: other partitions are never touched; a partition being written is safe
(its writers wait for the swap, a few milliseconds, and their files are carried over).

Readers: the swap runs with the lake's swap generation odd (``lake/locks.py``), and the
project's queries (``boundary query``, ``boundary sql``, ``Lake``) rerun when it moved while they
read, so they never return a wrong count. A glob of your own (``read_parquet`` in a DuckDB shell,
a polars scan) that lists ``F`` at the instant of a swap can fail with a missing file or, in
DuckDB (which skips a listed name it cannot ``stat``), silently miss rows of ``F``: do not
read the lake with your own glob while ``compact`` runs; glob a snapshot instead
(``boundary lake snapshot``, ``lake/snapshot.py``: hard links taken between swaps). The resume
plan of ``boundary run`` (``lake/plan.py``) reads through ``consistent_read`` too.

Not done: object-store lakes (``s3://``, ``gs://``) have no atomic rename of a folder, so the
swap cannot be made atomic for readers that glob; ``compact`` refuses them. The swap needs a
filesystem with ``RENAME_EXCHANGE`` (Linux ext4, xfs, btrfs, tmpfs; NFS servers vary): where it
is missing, compaction stops with a one-line error before touching anything.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.caches import carry_over, fingerprint
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.locks import CONTROL_DIR, lock_path, partition_lock, swapping

DEFAULT_TARGET_MB = 128.0
Step = Callable[[str], None]  # called with a step name; tests SIGKILL the process there


@dataclass(frozen=True)
class CompactResult:
    """What compaction did to one partition folder."""

    partition: str  # e.g. "samples/model=m/benchmark=b"
    files_before: int
    files_after: int
    rows_merged: int
    skipped: str | None = None  # why nothing was done, when nothing was
    # the derived caches (lake/caches.py) renamed to the new files' fingerprint
    caches_carried: tuple[str, ...] = ()


def compact_lake(
    lake: str,
    table: str = "samples",
    partition: dict[str, str] | None = None,
    target_mb: float = DEFAULT_TARGET_MB,
    on_step: Step | None = None,
) -> list[CompactResult]:
    """Compact every partition folder of ``table`` that matches ``partition`` (all when None)."""
    if table not in schema.TABLES:
        raise BoundaryError(f"--table {table}: unknown table (known: {', '.join(schema.TABLES)})")
    unknown = sorted(set(partition or {}) - set(schema.PARTITIONS[table]))
    if unknown:
        keys = ", ".join(schema.PARTITIONS[table]) or "none"
        raise BoundaryError(f"--partition {unknown[0]}: {table} has no such key (keys: {keys})")
    check_compactable(lake)
    if target_mb <= 0:
        raise BoundaryError(f"--target-mb {target_mb}: must be > 0")
    root = open_lake(lake).root
    if not os.path.isdir(root):
        raise BoundaryError(f"lake {lake}: no such directory")
    step = on_step or (lambda name: None)
    return [
        compact_partition(root, table, rel, int(target_mb * 2**20), step)
        for rel in partition_folders(root, table, partition or {})
    ]


def check_compactable(lake: str) -> None:
    """Raise ``BoundaryError`` for a lake compaction cannot swap atomically (object stores)."""
    if not open_lake(lake).local:
        from boundary_ray.lake.object_store import redacted

        raise BoundaryError(
            f"lake {redacted(lake)}: compaction needs a local or mounted lake; an object store"
            " cannot swap a folder atomically (write larger batches there instead:"
            " engine.batch_size)"
        )


def compact_run(
    lake: str, models: list[str], benchmarks: list[str], target_mb: float
) -> list[dict[str, object]]:
    """Compact the ``samples`` partitions a run wrote (its models x benchmarks), for the
    run's manifest: one dict per partition."""
    results = []
    for model in models:
        for bench in benchmarks:
            results += compact_lake(
                lake, "samples", {"model": model, "benchmark": bench}, target_mb
            )
    return [dataclasses.asdict(r) for r in results]


def partition_folders(root: str, table: str, wanted: dict[str, str]) -> list[str]:
    """Relative paths (``model=m/benchmark=b``) of ``table``'s leaf partition folders."""
    folders = [""]
    for column in schema.PARTITIONS[table]:
        deeper = []
        for rel in folders:
            base = Path(root, table, rel)
            if not base.is_dir():
                continue
            for child in sorted(base.iterdir()):
                key, sep, value = child.name.partition("=")
                if child.is_dir() and sep and key == column and wanted.get(key, value) == value:
                    deeper.append(f"{rel}/{child.name}".lstrip("/"))
        folders = deeper
    return [rel for rel in folders if Path(root, table, rel).is_dir()]


def compact_partition(
    root: str, table: str, rel: str, target_bytes: int, step: Step
) -> CompactResult:
    """Compact one partition folder by the protocol in the module docstring."""
    name = "/".join(p for p in (table, rel) if p)
    live = Path(root, table, rel)
    staging = Path(root, CONTROL_DIR, "staging", table, rel)
    carried: tuple[str, ...] = ()
    with ExitStack() as stack:
        got = stack.enter_context(
            partition_lock(lock_path(root, table, rel, "compact"), exclusive=True, blocking=False)
        )
        if not got:
            return CompactResult(name, 0, 0, 0, skipped="another compaction holds it")
        shutil.rmtree(staging, ignore_errors=True)  # a killed compaction's leftovers (step 1)
        before = _listing(live)
        small = sorted(p for p, size in _sizes(live, before).items() if size < target_bytes // 2)
        if len(small) < 2:
            return CompactResult(
                name, len(_parquet(before)), len(_parquet(before)), 0, "no small files"
            )
        staging.mkdir(parents=True)
        rows = _merge(table, [live / f for f in small], staging, target_bytes, step)
        step("merged")
        with partition_lock(lock_path(root, table, rel), exclusive=True):
            now = _listing(live)
            if any(now.get(f) != before[f] for f in small):
                shutil.rmtree(staging, ignore_errors=True)
                return CompactResult(
                    name, len(_parquet(now)), len(_parquet(now)), 0, "changed meanwhile"
                )
            part = dict(piece.split("=", 1) for piece in rel.split("/") if "=" in piece)
            derived = table == "samples" and set(part) == {"model", "benchmark"}
            before = fingerprint(root, part["model"], part["benchmark"]) if derived else ""
            try:
                for f in sorted(set(now) - set(small)):
                    if not f.endswith(".tmp"):  # a temp file under the lock is a dead writer's
                        os.link(live / f, staging / f)
                _fsync_dir(staging)
                step("linked")
                with swapping(root):
                    _exchange(live, staging)
            except (OSError, BoundaryError) as exc:
                shutil.rmtree(staging, ignore_errors=True)
                if isinstance(exc, BoundaryError):
                    raise
                raise BoundaryError(f"{live}: {exc}; the partition is unchanged") from None
            step("exchanged")
            _fsync_dir(live.parent)
            if derived:  # the same rows in new files: the fresh caches stay fresh
                after = fingerprint(root, part["model"], part["benchmark"])
                carried = tuple(carry_over(root, part, before, after))
        files_after = len(_parquet(_listing(live)))
        for old in sorted(staging.iterdir()):
            old.unlink()
            step("cleaning")
        staging.rmdir()
    return CompactResult(name, len(_parquet(now)), files_after, rows, caches_carried=carried)


def _merge(table: str, sources: list[Path], out: Path, target_bytes: int, step: Step) -> int:
    """Write the rows of ``sources`` into ``out`` as sorted files of about ``target_bytes``."""
    body = schema.file_schema(table)
    keys = [(k, "ascending") for k in schema.KEYS[table] if k in body.names]
    expected = 0
    written = 0
    for chunk in _chunks(sources, body, target_bytes):
        expected += chunk.num_rows
        merged = chunk.sort_by(keys) if keys else chunk
        path = out / f"part-c{uuid.uuid4().hex[:16]}.parquet"
        with open(path, "wb") as sink:
            pq.write_table(merged, sink, compression="zstd", row_group_size=merged.num_rows)
            sink.flush()
            os.fsync(sink.fileno())
        written += pq.ParquetFile(path).metadata.num_rows
        step("staged")
    footers = sum(pq.ParquetFile(p).metadata.num_rows for p in sources)
    if not written == expected == footers:
        raise BoundaryError(
            f"{out}: merged {written} rows of {footers}; the partition is unchanged"
        )
    return written


def _chunks(sources: list[Path], body: pa.Schema, target_bytes: int) -> Iterator[pa.Table]:
    """The sources' rows in the declared file schema, in tables of about ``target_bytes``."""
    buffered: list[pa.Table] = []
    size = 0
    for path in sources:
        table = pq.read_table(path)
        extra = [c for c in table.column_names if c not in body.names]
        if extra:  # written by a newer version: merging would drop a column
            raise BoundaryError(f"{path}: column {extra[0]!r} is not in this version's schema")
        for field in body:
            if field.name not in table.column_names:  # an older file: the column reads as null
                table = table.append_column(field, pa.nulls(table.num_rows, field.type))
        try:
            table = table.select(body.names).cast(body)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise BoundaryError(f"{path}: does not match the schema ({exc})") from None
        buffered.append(table)
        size += table.nbytes
        if size >= target_bytes:
            yield pa.concat_tables(buffered).combine_chunks()
            buffered, size = [], 0
    if buffered:
        yield pa.concat_tables(buffered).combine_chunks()


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """File name -> (size, mtime_ns) of the plain files in ``folder``."""
    found = {}
    for entry in os.scandir(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                raise BoundaryError(f"{folder}/{entry.name}: unexpected folder in a partition")
            stat = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # a writer's temp file, renamed since the listing
            continue
        found[entry.name] = (stat.st_size, stat.st_mtime_ns)
    return found


def _parquet(listing: dict[str, tuple[int, int]]) -> list[str]:
    return [name for name in listing if name.endswith(".parquet")]


def _sizes(folder: Path, listing: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Uncompressed data size of each ``.parquet`` file, from its footer."""
    sizes = {}
    for name in _parquet(listing):
        try:
            meta = pq.ParquetFile(folder / name).metadata
        except pa.ArrowInvalid as exc:  # a truncated or foreign file: name it, change nothing
            raise BoundaryError(f"{folder / name}: not a readable Parquet file ({exc})") from exc
        sizes[name] = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return sizes


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one atomic step (Linux ``renameat2`` with ``RENAME_EXCHANGE``)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    at_fdcwd, rename_exchange = -100, 2
    if (
        renameat2 is None
        or renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0
    ):
        err = ctypes.get_errno() if renameat2 is not None else 38
        raise BoundaryError(
            f"{a}: cannot swap folders atomically here ({os.strerror(err)}); the partition is"
            " unchanged (compaction needs Linux renameat2 RENAME_EXCHANGE on the lake's filesystem)"
        )


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
