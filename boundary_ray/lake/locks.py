"""Partition locks between the lake writer and compaction (local and mounted lakes only).

Every file the writer adds to a partition folder is written (temp name, then rename) while it
holds that partition's lock *shared*; compaction holds it *exclusive* only for the moment it
re-lists the folder and swaps it (``lake/compact.py``). Writers never wait on each other, and
wait on compaction for milliseconds. The locks are ``flock`` locks on empty files under
``<lake>/_compaction/locks/`` (outside every table folder, so no reader's glob meets them); the
kernel drops a lock when its process dies, so a killed writer or compactor never leaves one
behind. On NFS, Linux maps ``flock`` to byte-range locks that every client sees.

The *swap generation* (``<lake>/_compaction/generation``, a counter) lets a reader tell that
a swap happened while it read. A glob reader (DuckDB's ``read_parquet``) lists a folder with
``readdir`` and then looks up each name by path (``stat``); when a swap lands between the two, the names
of the old folder are looked up in the new one, and DuckDB silently skips the ones it cannot
find: a count that is short with no error. So the compactor makes the counter odd for the
moment of each swap (``swapping``), and the project's readers (``analysis.run_query``,
``api.run_sql``) run through ``consistent_read``: read the counter, run the query, read it
again, and rerun when it moved. A reader that keeps losing that race (a long query while
``compact`` swaps partition after partition) holds the generation lock shared for its last
try, and the next swap waits for it. A compactor killed mid-swap leaves the counter odd;
readers see that no process holds the generation lock and go on.

Object-store lakes (``s3://``, ``gs://``) take no lock: compaction refuses them.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TypeVar

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake

T = TypeVar("T")
LOCK_FREE_TRIES = 3

CONTROL_DIR = "_compaction"


def lock_path(root: str, table: str, partition: str, kind: str = "write") -> str:
    """The lock file of ``<table>/<partition>`` (``partition`` like ``model=m/benchmark=b``)."""
    rel = "/".join(p for p in (table, partition) if p)
    return f"{root}/{CONTROL_DIR}/locks/{rel}.{kind}.lock"


@contextmanager
def partition_lock(path: str, exclusive: bool, blocking: bool = True) -> Iterator[bool]:
    """Hold the ``flock`` at ``path``; yields False (and holds nothing) when ``blocking`` is
    False and another process holds it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, mode if blocking else mode | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _generation_file(root: str) -> Path:
    return Path(root, CONTROL_DIR, "generation")


def _generation_lock(root: str) -> str:
    return f"{root}/{CONTROL_DIR}/locks/generation.lock"


def generation(root: str) -> int:
    """The lake's swap generation: odd while a compactor swaps a folder (0 before any)."""
    try:
        return int(_generation_file(root).read_text(encoding="ascii") or 0)
    except (OSError, ValueError):  # none yet (or no lake there: the read says so)
        return 0


def _set_generation(root: str, value: int) -> None:
    path = _generation_file(root)
    tmp = path.with_name(f"generation.{os.getpid()}.tmp")
    tmp.write_text(str(value), encoding="ascii")
    os.replace(tmp, path)  # a reader sees the old number or the new one, whole


@contextmanager
def swapping(root: str) -> Iterator[None]:
    """Hold the generation lock with the counter odd for the duration of one folder swap."""
    with partition_lock(_generation_lock(root), exclusive=True):
        now = generation(root)
        odd = now + 2 if now % 2 else now + 1  # odd already: left by a killed compactor
        _set_generation(root, odd)
        try:
            yield
        finally:
            _set_generation(root, odd + 1)


def stable_generation(root: str) -> int:
    """The swap generation once no swap is under way (waits out a swap, a few milliseconds)."""
    while True:
        now = generation(root)
        if now % 2 == 0:
            return now
        with partition_lock(_generation_lock(root), exclusive=False, blocking=False) as free:
            if free:  # odd, and no compactor holds the lock: one was killed mid-swap
                return now
        time.sleep(0.005)


def consistent_read(lake: str, read: Callable[[], T]) -> T:
    """``read()`` of ``lake`` with no folder swap inside it: rerun when a compactor swapped one
    meanwhile, and after ``LOCK_FREE_TRIES`` such reruns, run once more holding the generation
    lock shared, which holds the next swap off until the read is done. An object-store lake is
    never compacted: it is read once."""
    location = open_lake(lake)
    if not location.local:
        return read()
    root = location.root
    for _ in range(LOCK_FREE_TRIES):
        before = stable_generation(root)
        try:
            result = read()
        except BoundaryError:
            if generation(root) != before:  # a file listed before a swap, opened after it
                continue
            raise
        if generation(root) == before:
            return result
    with ExitStack() as stack:
        try:
            stack.enter_context(partition_lock(_generation_lock(root), exclusive=False))
        except OSError as exc:  # a read-only lake: nobody here can hold the swaps off
            raise BoundaryError(
                f"lake {lake}: compacted during each of {LOCK_FREE_TRIES} tries to read it, and"
                f" the swaps cannot be held off ({exc}); rerun once `boundary lake compact` is done"
            ) from None
        return read()
