"""Which files of a partition can hold a problem: the problem_id range in each file's footer.

``boundary run`` writes a partition a batch of problems at a time, so each sample file holds a
narrow, sorted range of problem ids, and its Parquet footer says which (row-group statistics).
DuckDB reads those statistics too, but only after opening every file of the partition named in
the query, each time: on the 2 M-sample lake (63 files a partition) that is most of a problem
page's CPU. The view reads each file's range once (``pyarrow.parquet.read_metadata``), keeps
it while the file's path, size and modification time stay the same, and names only the files
whose range holds the problems a page shows. A file without statistics is always named.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pyarrow.fs as pafs
import pyarrow.parquet as pq

Key = tuple[str, int, int]  # path, size, mtime_ns


class ProblemRanges:
    """The (smallest, largest) problem_id of each file, read once per file version."""

    def __init__(self) -> None:
        self._ranges: dict[Key, tuple[str, str] | None] = {}
        self._lock = threading.Lock()

    def _range(self, info: pafs.FileInfo) -> tuple[str, str] | None:
        key = (info.path, info.size or 0, info.mtime_ns or 0)
        with self._lock:
            if key in self._ranges:
                return self._ranges[key]
        try:
            meta = pq.read_metadata(info.path)
            found = _problem_range(meta)
        except OSError:  # replaced or removed since the listing: let DuckDB say so
            found = None
        with self._lock:
            self._ranges[key] = found
        return found

    def holding(self, infos: Iterable[pafs.FileInfo], problem_ids: set[str]) -> list[str]:
        """The paths of ``infos`` whose problem_id range can hold one of ``problem_ids``."""
        wanted = sorted(problem_ids)
        paths = []
        for info in infos:
            found = self._range(info)
            if found is None or any(found[0] <= p <= found[1] for p in wanted):
                paths.append(info.path)
        return paths

    def forget_all_but(self, infos: Iterable[pafs.FileInfo]) -> None:
        """Drop the ranges of files that are gone (a new listing)."""
        keep = {(i.path, i.size or 0, i.mtime_ns or 0) for i in infos}
        with self._lock:
            for key in [k for k in self._ranges if k not in keep]:
                del self._ranges[key]


def _problem_range(meta: pq.FileMetaData) -> tuple[str, str] | None:
    """The file's problem_id range from its row groups' statistics; None when any lacks them."""
    names = [meta.schema.column(i).path for i in range(meta.num_columns)]
    if "problem_id" not in names:
        return None
    column = names.index("problem_id")
    low: str | None = None
    high: str | None = None
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(column).statistics
        if stats is None or not stats.has_min_max:
            return None
        lo, hi = stats.min, stats.max
        if isinstance(lo, bytes):
            lo, hi = lo.decode(), hi.decode()
        low = lo if low is None or lo < low else low
        high = hi if high is None or hi > high else high
    if low is None or high is None:
        return None
    return low, high
