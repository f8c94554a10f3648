"""Whether a model takes images, and the refusal of an image benchmark on a text-only model."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from boundary_ray.errors import BoundaryError

# Names of Hub repos of vision-language models, for a hub id whose config is not at hand
_VISION_NAME_RE = re.compile(
    r"(?:-vl\b|vl-|vision|llava|idefics|smolvlm|pixtral|internvl|minicpm-v)", re.I
)


def is_vision_model(source: str, path: str) -> bool | None:
    """True for a model that takes images, False for a text-only one, None when unknown
    (a hub id whose config cannot be read, and whose name says nothing)."""
    if source.startswith("fake:"):
        return True  # the fake engine ignores images (simulations of any model)
    if source.startswith("builtin:"):
        from boundary_ray.models.builtin import BUILTIN_MODELS

        return BUILTIN_MODELS[source.removeprefix("builtin:")].vision
    config = Path(path) / "config.json"
    if config.is_file():
        data = json.loads(config.read_text())
        return "vision_config" in data  # Qwen2.5-VL, Idefics3, LLaVA, Gemma 3 ...
    return True if _VISION_NAME_RE.search(source) else None


def check_modalities(
    models: Any,
    sources: Mapping[str, str],
    problems: Mapping[str, list[dict]],
    images_per_prompt: int,
) -> None:
    """Refuse, before anything is written, an image benchmark on a text-only model, or a problem
    with more images than ``engine.images_per_prompt``."""
    with_images = {}
    for name, rows in problems.items():
        most = max((len(row.get("images") or []) for row in rows), default=0)
        if most:
            with_images[name] = most
    if not with_images:
        return
    for bench, most in with_images.items():
        if most > images_per_prompt:
            raise BoundaryError(
                f"benchmark {bench!r}: a problem has {most} images, but engine.images_per_prompt"
                f" is {images_per_prompt}"
            )
    for model in models:
        if is_vision_model(model.source, sources[model.name]) is False:
            bench = next(iter(with_images))
            raise BoundaryError(
                f"benchmark {bench!r} has images, but model {model.name!r} ({model.source}) is"
                " text-only: use a vision-language model (e.g. builtin:smolvlm-tiny)"
            )
