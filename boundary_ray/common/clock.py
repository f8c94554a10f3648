"""The one UTC clock: every time the project writes (run ids, manifests, labels, verdict
stamps, report headers) is read here, in one of four fixed formats."""

from __future__ import annotations

from datetime import UTC, datetime

SECONDS = "%Y-%m-%dT%H:%M:%SZ"  # run manifests: 2025-01-02T03:04:05Z
MICROSECONDS = "%Y-%m-%dT%H:%M:%S.%fZ"  # labels.at, process.verified_at: sorts in time order
MINUTES = "%Y-%m-%d %H:%M UTC"  # report headers, for people
COMPACT = "%Y%m%dT%H%M%SZ"  # the time part of a run id: 20250102T030405Z, sorts in time order


def utc_now(fmt: str = MICROSECONDS) -> str:
    """Now in UTC, formatted by ``fmt`` (``SECONDS``, ``MICROSECONDS``, ``MINUTES`` or
    ``COMPACT``)."""
    return datetime.now(UTC).strftime(fmt)


def utc_stamp() -> str:
    """Now as run manifests write times: ``2025-01-02T03:04:05Z``."""
    return utc_now(SECONDS)
