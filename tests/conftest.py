"""Shared fixtures: the paper's benchmark files and the bundled model, prepared once."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_BENCHMARKS = REPO.parent / "shared" / "benchmarks"


@pytest.fixture(scope="session")
def shared_benchmarks() -> Path:
    """The paper's six math sets (../shared/benchmarks); skipped where absent."""
    if not SHARED_BENCHMARKS.is_dir():
        pytest.skip(f"{SHARED_BENCHMARKS} not present")
    return SHARED_BENCHMARKS


@pytest.fixture(scope="session")
def smollm2_path() -> str:
    """The bundled SmolLM2-135M-Instruct as a HF folder (prepared on first use, ~40 s)."""
    from boundary_ray.models.builtin import prepare_builtin

    return str(prepare_builtin("smollm2-135m-instruct"))
