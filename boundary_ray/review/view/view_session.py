"""The view's one query session over the lake, shared by every request of the server.

A DuckDB connection is not to be used by two threads at once, and Starlette answers requests
on a pool of threads: every read takes the session's lock (the pages are small queries; one
researcher's browser seldom asks two things at once). Before a read the lake is listed again
when the last listing is older than ``relist_s``; when its signature changed (a run wrote, a
label was stored), the session's views are re-created and the cached page data dropped, so a
lake being written is shown as it grows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pyarrow as pa

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import LakeLocation, open_lake
from boundary_ray.query import QuerySession
from boundary_ray.review.view.errors import RequestError
from boundary_ray.review.view.file_ranges import ProblemRanges
from boundary_ray.review.view.listing import LakeListing, list_lake

T = TypeVar("T")
CACHE_ENTRIES = 64


class ViewSession:
    """One ``QuerySession`` over ``lake`` behind a lock, with the lake's current listing."""

    def __init__(self, lake: str | LakeLocation, relist_s: float = 1.0) -> None:
        self.lake = open_lake(lake)
        self.relist_s = relist_s
        self._session = QuerySession(self.lake)
        self._lock = threading.RLock()
        self._listing: LakeListing | None = None
        self._listed_at = 0.0
        self._cache: dict[Any, Any] = {}
        self.ranges = ProblemRanges()  # problem ids per file, read from the footers once

    def close(self) -> None:
        """Close the DuckDB connection."""
        with self._lock:
            self._session.close()

    def listing(self, force: bool = False) -> LakeListing:
        """The lake's listing, at most ``relist_s`` old (``force``: list now)."""
        with self._lock:
            now = time.monotonic()
            if force or self._listing is None or now - self._listed_at >= self.relist_s:
                listing = list_lake(self.lake)
                if self._listing is None or listing.signature != self._listing.signature:
                    self._session.refresh()
                    self._cache.clear()
                    self.ranges.forget_all_but(
                        info for files in listing.files.values() for info, _ in files
                    )
                self._listing, self._listed_at = listing, now
            return self._listing

    def changed(self) -> None:
        """The view itself wrote to the lake (a label): list it again at the next read."""
        with self._lock:
            self._listed_at = 0.0

    def sql(self, text: str) -> pa.Table:
        """Run ``text`` over the lake's views (``QuerySession.sql``; the view's SQL never reads
        ``problem_outcomes``, so the session need not point it first)."""
        with self._lock:
            return self._session.sql(text, outcomes=False)

    def query(self, name: str, params: dict[str, str] | None = None) -> pa.Table:
        """Run ``queries/NAME.sql`` (``QuerySession.query``)."""
        with self._lock:
            return self._session.query(name, params)

    def with_session(self, use: Callable[[QuerySession], T]) -> T:
        """``use(session)`` under the lock (``charts.build_chart`` takes the session itself)."""
        with self._lock:
            return use(self._session)

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``, kept until the lake's listing changes (``key`` names the result)."""
        with self._lock:
            signature = self.listing().signature
            full = (signature, key)
            if full not in self._cache:
                if len(self._cache) >= CACHE_ENTRIES:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[full] = compute()
            return self._cache[full]

    def read(self, build: Callable[[LakeListing], T]) -> T:
        """``build(listing)``, whose SQL names the listing's files; when a file it named was
        removed meanwhile (a refresh of the outcomes, a compaction), once more on a new listing."""
        with self._lock:
            try:
                return build(self.listing())
            except RequestError:
                raise
            except BoundaryError:
                fresh = self.listing(force=True)
                return build(fresh)
