"""Fixtures: a real S3-protocol server on loopback (moto's, ``s3_servers.py``), one per session,
a bucket of its own for each test, and a second server that checks credentials."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from s3_servers import S3Server, auth_server, moto_problem, threaded_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queries"))  # query_lakes


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on loopback, in a thread of this process, for the whole session."""
    if moto_problem():
        pytest.fail(moto_problem())
    with threaded_server() as server:
        yield server


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    """A new, empty bucket on ``s3_server`` for one test."""
    name = f"t-{uuid.uuid4().hex[:12]}"
    s3_server.filesystem().create_dir(name)
    return name


@pytest.fixture
def s3_env(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """This process's ``AWS_*`` variables set for ``s3_server`` (endpoint left to the URI)."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    env = s3_server.env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture(scope="session")
def auth_s3_server() -> Iterator[S3Server]:
    """A moto server in its own process that checks credentials (``s3_servers.auth_server``)."""
    if moto_problem():
        pytest.fail(moto_problem())
    with auth_server() as server:
        yield server
