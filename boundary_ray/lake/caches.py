"""The lake's derived caches: tables rebuilt from the samples at any time, so that aggregate
queries need not read sample rows (``outcomes``, ``answer_classes``, ``majority_votes``).

Each holds one file per samples partition (``<table>/model=m/benchmark=b/``), named by its
prefix and a fingerprint of the partition's sample files (names, sizes, modification times). A
reader uses a cache file only while its name matches the sample files as they are now; a run
that adds, replaces or rewrites sample files makes it stale, and the next refresh rebuilds it.
Compaction rewrites a partition's files without changing its rows, so it renames the caches it
found fresh to the new fingerprint (``carry_over``) instead of leaving them stale.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable

import pyarrow as pa
import pyarrow.fs as pafs

from boundary_ray import schema
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.reader import file_infos, list_files, partition_values, scan_table
from boundary_ray.lake.writer import write_table

# each cache table and the prefix of its file names (the fingerprint follows)
CACHE_PREFIXES: dict[str, str] = {
    "outcomes": "outcomes-",
    "answer_classes": "answer-classes-",
    # maj@k per problem; "v1": the values of problem_maj_at_k as views.sql computes them now
    "majority_votes": "majority-votes-v1-",
}


def fingerprint(lake: str, model: str, benchmark: str) -> str:
    """A name for the current set of the partition's sample files (names, sizes, mtimes)."""
    paths = list_files(lake, "samples", {"model": model, "benchmark": benchmark})
    return fingerprint_of(file_infos(lake, paths))


def fingerprint_of(infos: Iterable[pafs.FileInfo]) -> str:
    """``fingerprint`` of a partition whose sample files are ``infos`` (one listing can serve
    many partitions). The outcomes' columns are part of it: a cache written before a column
    was added to ``schema.OUTCOMES`` is stale."""
    digest = hashlib.sha1()
    digest.update((",".join(schema.OUTCOMES.names) + "\n").encode())
    for info in sorted(infos, key=lambda i: i.path):
        mtime = info.mtime_ns if info.mtime_ns is not None else -1
        digest.update(f"{info.base_name}|{info.size}|{mtime}\n".encode())
    return digest.hexdigest()[:20]


def cache_name(table: str, stamp: str) -> str:
    """The file name (without ``.parquet``) of ``table``'s cache for fingerprint ``stamp``."""
    return f"{CACHE_PREFIXES[table]}{stamp}"


def fresh_cache_files(lake: str, table: str) -> tuple[list[str], list[dict[str, str]]]:
    """The fresh ``table`` cache file of each samples partition that has one (full paths), and
    the partitions (``{"model": ..., "benchmark": ...}``) that have none or only stale ones."""
    fresh, stale = fresh_caches_by_partition(lake, table)
    return list(fresh.values()), stale


def fresh_caches_by_partition(
    lake: str, table: str
) -> tuple[dict[tuple[str, ...], str], list[dict[str, str]]]:
    """``fresh_cache_files`` with each fresh file under its partition's values (model,
    benchmark). One listing of the samples and one of the cache, however many partitions."""
    location = open_lake(lake)
    columns = schema.PARTITIONS["samples"]
    samples: dict[tuple[str, ...], list[str]] = {}
    for file in scan_table(lake, "samples"):
        if file.partition is not None:
            key = tuple(file.partition[c] for c in columns)
            samples.setdefault(key, []).append(f"{location.root}/samples/{file.relative}")
    cached = {file.relative for file in scan_table(lake, table) if file.partition is not None}
    fresh: dict[tuple[str, ...], str] = {}
    stale = []
    for key, paths in sorted(samples.items()):
        folder = "/".join(f"{c}={v}" for c, v in zip(columns, key, strict=True))
        stamp = fingerprint_of(location.fs.get_file_info(paths))
        wanted = f"{folder}/{cache_name(table, stamp)}.parquet"
        if wanted in cached:
            fresh[key] = f"{location.root}/{table}/{wanted}"
        else:
            stale.append(dict(zip(columns, key, strict=True)))
    return fresh, stale


def refresh_cache(
    lake: str,
    table: str,
    build: Callable[[dict[str, str], str], pa.Table | None],
    models: list[str] | None = None,
) -> dict[str, int]:
    """Rebuild ``table``'s cache of every samples partition (only ``models``' when given) that
    has no fresh file, by ``build(partition, fingerprint)`` (None or no rows: nothing is
    written), and remove the stale files. Returns counts: partitions rebuilt, kept, removed."""
    fs = open_lake(lake).fs
    counts = {"rebuilt": 0, "kept": 0, "removed": 0}
    for part in partition_values(lake, "samples"):
        if models is not None and part["model"] not in models:
            continue
        stamp = fingerprint(lake, part["model"], part["benchmark"])
        name = cache_name(table, stamp)
        existing = list_files(lake, table, part)
        if any(p.endswith(f"/{name}.parquet") for p in existing):
            counts["kept"] += 1
        else:
            data = build(part, stamp)
            if data is not None and data.num_rows:
                write_table(lake, table, data, name=name)
            counts["rebuilt"] += 1
        for path in existing:
            if not path.endswith(f"/{name}.parquet"):
                with contextlib.suppress(FileNotFoundError):  # a refresh beside this one
                    fs.delete_file(path)
                counts["removed"] += 1
    return counts


def carry_over(lake: str, partition: dict[str, str], before: str, after: str) -> list[str]:
    """Rename each cache file of ``partition`` named by fingerprint ``before`` to ``after``
    (the partition's sample files were rewritten, their rows unchanged); returns the tables
    whose cache was carried. A cache that was not fresh is left to the next refresh."""
    fs = open_lake(lake).fs
    carried = []
    for table in CACHE_PREFIXES:
        for path in list_files(lake, table, partition):
            if path.endswith(f"/{cache_name(table, before)}.parquet"):
                folder = path.rsplit("/", 1)[0]
                with contextlib.suppress(FileNotFoundError):  # a refresh beside this one
                    fs.move(path, f"{folder}/{cache_name(table, after)}.parquet")
                    carried.append(table)
    return carried
