"""Fixtures of the Python API tests: the query tests' realistic lake (tests/queries)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queries"))

from query_lakes import write_realistic_lake  # noqa: E402


@pytest.fixture(scope="session")
def api_lake(tmp_path_factory) -> str:
    """Every table, several roles, step and algorithm tags, a benchmark named '2024'."""
    lake = str(tmp_path_factory.mktemp("api") / "lake")
    write_realistic_lake(lake)
    return lake
