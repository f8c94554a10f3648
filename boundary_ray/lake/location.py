"""Where a lake lives, opened once: ``open_lake`` turns the spec's ``lake`` (a local path or any
pyarrow filesystem URI) into a ``LakeLocation`` that every part is handed.

The location is parsed here and nowhere else. A local path becomes absolute (Ray workers may run
in another directory); a URI (``s3://bucket/lake?endpoint_override=...``) gets its pyarrow
filesystem built once per process, not at every call. The handle pickles (it travels to the
run's actors) and prints as the location the user gave, made absolute.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pyarrow.fs as pafs


class LakeLocation:
    """An opened lake: ``uri`` (absolute path or URI), ``local`` (DuckDB can glob it), and
    ``fs`` with ``root`` (the pyarrow filesystem and the lake's folder inside it). An object
    store's filesystem is built at its first use, once: naming a lake reaches no server."""

    def __init__(self, uri: str, fs: pafs.FileSystem | None, root: str | None, local: bool) -> None:
        self.uri, self.local = uri, local
        self._fs, self._root = fs, root
        self._lock = threading.Lock()

    @property
    def fs(self) -> pafs.FileSystem:
        """The pyarrow filesystem that reads and writes the lake."""
        self._connect()
        return self._fs  # type: ignore[return-value]

    @property
    def root(self) -> str:
        """The lake's folder inside ``fs`` (no trailing slash)."""
        self._connect()
        return self._root  # type: ignore[return-value]

    def _connect(self) -> None:
        with self._lock:
            if self._fs is None:
                fs, root = pafs.FileSystem.from_uri(self.uri)
                self._fs, self._root = fs, root.rstrip("/")

    def __str__(self) -> str:
        return self.uri

    def __repr__(self) -> str:
        return f"LakeLocation({self.uri!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LakeLocation) and other.uri == self.uri

    def __hash__(self) -> int:
        return hash(self.uri)

    def __deepcopy__(self, memo: dict) -> LakeLocation:  # immutable (dataclasses.asdict copies)
        return self

    def __reduce__(self) -> tuple:  # a worker re-opens it from the URI (its own filesystem)
        return (open_lake, (self.uri,))


def open_lake(lake: str | Path | LakeLocation) -> LakeLocation:
    """The ``LakeLocation`` of ``lake``: a local directory (``./lake``, ``file:///mnt/lake``) or
    a URI that pyarrow understands (``s3://bucket/lake``, ``gs://bucket/lake``). A location is
    returned as it is."""
    if isinstance(lake, LakeLocation):
        return lake
    text = str(lake)
    if "://" not in text or text.startswith("file://"):
        root = str(Path(text.removeprefix("file://")).expanduser().resolve())
        return LakeLocation(root, pafs.LocalFileSystem(), root, local=True)
    return _open_uri(text)


# the URI schemes pyarrow has filesystems for (FileSystem.from_uri)
SCHEMES = ("s3", "gs", "gcs", "hdfs", "viewfs", "abfs", "abfss")


@functools.lru_cache(maxsize=32)
def _open_uri(uri: str) -> LakeLocation:
    scheme = uri.partition("://")[0]
    if scheme not in SCHEMES:
        raise ValueError(f"unknown URI scheme {scheme!r} (known: file, {', '.join(SCHEMES)})")
    return LakeLocation(uri, None, None, local=False)
