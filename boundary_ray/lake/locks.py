"""Partition locks between the lake writer and compaction (local and mounted lakes only).

Every file the writer adds to a partition folder is written (temp name, then rename) while it
holds that partition's lock *shared*; compaction holds it *exclusive* only for the moment it
re-lists the folder and swaps it (``lake/compact.py``). Writers never wait on each other, and
wait on compaction for milliseconds. The locks are ``flock`` locks on empty files under
``<lake>/_compaction/locks/`` (outside every table folder, so no reader's glob meets them); the
kernel drops a lock when its process dies, so a killed writer or compactor never leaves one
behind. On NFS, Linux maps ``flock`` to byte-range locks that every client sees.

Object-store lakes (``s3://``, ``gs://``) take no lock: compaction refuses them.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

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
