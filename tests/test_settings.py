"""The environment the driver sets before ``ray.init``: local-cluster settings only when it
starts a local cluster, and a variable the user set always wins."""

from __future__ import annotations

import pytest

from boundary_ray.settings import LOCAL_RAY_ENV, ray_driver_env


def test_a_local_cluster_gets_the_local_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    for key in LOCAL_RAY_ENV:
        monkeypatch.delenv(key, raising=False)
    env = ray_driver_env()
    assert env["RAY_worker_niceness"] == "0" and env["RAY_enable_worker_prestart"] == "0"


def test_a_variable_the_user_set_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.setenv("RAY_worker_niceness", "5")
    assert ray_driver_env()["RAY_worker_niceness"] == "5"


def test_joining_a_cluster_changes_none_of_its_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAY_ADDRESS", "ray://head:10001")
    assert not set(LOCAL_RAY_ENV) & set(ray_driver_env())
