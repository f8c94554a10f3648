"""The one UTC clock: each format reads back as now, in UTC; manifests and run ids use it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from boundary_ray.common.clock import COMPACT, MICROSECONDS, MINUTES, SECONDS, utc_now, utc_stamp
from boundary_ray.lake.manifest import new_run_id


def _is_now(stamp: str, fmt: str) -> bool:
    parsed = datetime.strptime(stamp, fmt).replace(tzinfo=UTC)
    now = datetime.now(UTC)
    return now - timedelta(minutes=1, seconds=5) <= parsed <= now


@pytest.mark.parametrize("fmt", [SECONDS, MICROSECONDS, MINUTES, COMPACT])
def test_each_format_is_now_in_utc(fmt):
    assert _is_now(utc_now(fmt), fmt)


def test_manifest_times_and_run_ids_read_the_clock():
    assert _is_now(utc_stamp(), SECONDS)
    stamp, suffix = new_run_id().split("-")
    assert _is_now(stamp, COMPACT)
    assert len(suffix) == 8 and int(suffix, 16) >= 0
