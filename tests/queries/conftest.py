"""Fixtures of the query tests."""

from __future__ import annotations

import pytest
from query_lakes import write_realistic_lake


@pytest.fixture(scope="session")
def realistic_lake(tmp_path_factory) -> str:
    """A lake with every table, several roles and tags, and a benchmark named '2024'."""
    lake = str(tmp_path_factory.mktemp("realistic") / "lake")
    write_realistic_lake(lake)
    return lake
