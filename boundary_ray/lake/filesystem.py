"""Open a lake location (a local path or any pyarrow filesystem URI) as (filesystem, root)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.fs as pafs

from boundary_ray.lake.object_store import tuned


def open_lake(lake: str) -> tuple[pafs.FileSystem, str]:
    """Return the pyarrow filesystem and the root path inside it for ``lake``.

    ``lake`` is a local directory (``./lake``) or a URI that pyarrow understands
    (``s3://bucket/lake``, ``gs://bucket/lake``, ``file:///mnt/shared/lake``).
    """
    if "://" in lake:
        fs, root = pafs.FileSystem.from_uri(lake)
        return tuned(fs), root.rstrip("/")
    return pafs.LocalFileSystem(), str(Path(lake).expanduser().resolve())


def is_local(lake: str) -> bool:
    """True when ``lake`` is a plain local path (DuckDB can glob it directly)."""
    return "://" not in lake or lake.startswith("file://")


def absolute_lake(lake: str) -> str:
    """A local lake as an absolute path (Ray workers may run in another directory); URIs as given."""
    if is_local(lake):
        return str(Path(lake.removeprefix("file://")).expanduser().resolve())
    return lake
