"""Turn a spec's model ``source`` into something vLLM can load."""

from __future__ import annotations

import re
from pathlib import Path

from boundary_ray.errors import BoundaryError
from boundary_ray.models.fake import FakeSource, is_fake

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def resolve_model_source(source: str) -> str:
    """``fake:...`` -> itself (no model: ``models/fake.py``); ``builtin:name`` -> its prepared folder; a local HF folder -> its path; ``owner/repo`` ->
    unchanged (vLLM downloads it from the hub). Anything else is a BoundaryError."""
    if is_fake(source):
        FakeSource.parse(source)  # a bad option fails here, before anything starts
        return source
    if source.startswith("builtin:"):
        from boundary_ray.models.builtin import prepare_builtin

        return str(prepare_builtin(source.removeprefix("builtin:")))
    path = Path(source).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise BoundaryError(
                f"{source}: model folder has no config.json (not a HF model folder)"
            )
        return str(path.resolve())
    if source.startswith((".", "/", "~")) or path.exists():
        raise BoundaryError(f"{source}: model path not found")
    if HUB_ID.match(source):
        return source
    raise BoundaryError(
        f"{source}: unknown model source (builtin:NAME, fake:..., a local folder or owner/repo)"
    )
