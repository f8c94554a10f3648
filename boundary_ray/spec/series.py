"""Checkpoint series in the spec: one model entry that expands to one model per checkpoint.

A model entry becomes a series in one of three ways (only one per entry)::

    - name: grpo                          # a glob over local checkpoint folders
      source: /ckpt/grpo/global_step_*
      role: rl
      tags: {algorithm: grpo, family: qwen2.5-7b}
    - name: ppo                           # revisions of one hub repository
      source: org/qwen2.5-7b-ppo
      revisions: [step-150, step-300, step-450]
    - name: grpo                          # checkpoints listed one by one
      source: builtin:smollm2-135m-instruct
      series:
        - {step: 100, sampling: {temperature: 0.3}}
        - {step: 200, source: /ckpt/200, tags: {lr: 1e-6}}

Each checkpoint becomes an ordinary model entry: named ``<name>-step<step>`` (or ``name`` with
its ``{step}`` placeholder filled in: ``grpo-{step}``), with the entry's prompt, role, tags and
sampling, plus the tags ``series: <name>`` and ``step: <step>``. A checkpoint's own ``tags`` and
``sampling`` are laid over the entry's. The step is the last number in the folder's name or the
revision (``global_step_150`` and ``step-150`` give 150) unless the checkpoint gives ``step``.
The expansion happens when the spec is loaded; ``boundary run --dry-run SPEC`` prints it.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping
from typing import Any

from boundary_ray.errors import BoundaryError

GLOB_CHARS = re.compile(r"[*?\[]")
STEP_RE = re.compile(r"\d+")
CHECKPOINT_KEYS = ("step", "name", "source", "revision", "tags", "sampling")


def expand_models(models: Any, where: str) -> Any:
    """The spec's ``models`` list with every series entry replaced by its checkpoints.

    Entries that are not series pass through untouched (and are validated later, with the
    rest of the spec). Anything that is not a list is returned as is, for the validator.
    """
    if not isinstance(models, list):
        return models
    expanded: list[Any] = []
    for i, entry in enumerate(models):
        if isinstance(entry, Mapping) and is_series(entry):
            expanded.extend(expand_entry(entry, f"{where}[{i}]"))
        else:
            expanded.append(entry)
    return expanded


def is_series(entry: Mapping[str, Any]) -> bool:
    """True when the model entry names a series (``series``, ``revisions`` or a glob source)."""
    source = entry.get("source")
    return (
        "series" in entry
        or "revisions" in entry
        or (isinstance(source, str) and _is_local_glob(source))
    )


def expand_entry(entry: Mapping[str, Any], where: str) -> list[dict[str, Any]]:
    """The model entries of one series entry, in step order."""
    base = {k: v for k, v in entry.items() if k not in ("series", "revisions")}
    name = base.get("name")
    if not isinstance(name, str) or not name:
        raise BoundaryError(f"{where}.name: a series needs a name (the prefix of its models)")
    forms = [k for k in ("series", "revisions") if k in entry]
    source = base.get("source")
    if isinstance(source, str) and _is_local_glob(source):
        forms.append("source glob")
    if len(forms) > 1:
        raise BoundaryError(f"{where}: give one of series, revisions or a source glob, not {forms}")
    if "series" in entry:
        checkpoints = _listed(entry["series"], f"{where}.series")
    elif "revisions" in entry:
        checkpoints = _revisions(entry["revisions"], base.get("revision"), f"{where}.revisions")
    else:
        checkpoints = _globbed(str(source), f"{where}.source")
    if not checkpoints:
        raise BoundaryError(f"{where}: the series has no checkpoints")
    models = [_checkpoint_model(base, point, where) for point in checkpoints]
    models.sort(key=lambda m: m["tags"]["step"])
    return models


def parse_step(text: str, where: str) -> int:
    """The last number in ``text`` (a folder name or a revision): ``global_step_150`` -> 150."""
    numbers = STEP_RE.findall(text)
    if not numbers:
        raise BoundaryError(
            f"{where}: no step number in {text!r}; list it under series: with an explicit step"
        )
    return int(numbers[-1])


def _is_local_glob(source: str) -> bool:
    return bool(GLOB_CHARS.search(source)) and ":" not in source.split("/", 1)[0]


def _globbed(pattern: str, where: str) -> list[dict[str, Any]]:
    folders = sorted(p for p in glob.glob(os.path.expanduser(pattern)) if os.path.isdir(p))
    if not folders:
        raise BoundaryError(f"{where}: {pattern!r} matches no checkpoint folder")
    return [
        {"source": folder, "step": parse_step(os.path.basename(folder.rstrip("/")), where)}
        for folder in folders
    ]


def _revisions(revisions: Any, revision: Any, where: str) -> list[dict[str, Any]]:
    if revision is not None:
        raise BoundaryError(f"{where}: give revisions or revision, not both")
    if not isinstance(revisions, list) or not revisions:
        raise BoundaryError(f"{where}: expected a non-empty list of revisions")
    points = []
    for i, rev in enumerate(revisions):
        if not isinstance(rev, str | int) or isinstance(rev, bool) or str(rev) == "":
            raise BoundaryError(f"{where}[{i}]: expected a revision name, got {rev!r}")
        points.append({"revision": str(rev), "step": parse_step(str(rev), f"{where}[{i}]")})
    return points


def _listed(series: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(series, list) or not series:
        raise BoundaryError(f"{where}: expected a non-empty list of checkpoints")
    points = []
    for i, point in enumerate(series):
        here = f"{where}[{i}]"
        if not isinstance(point, Mapping):
            raise BoundaryError(f"{here}: expected a mapping, got {type(point).__name__}")
        unknown = [k for k in point if k not in CHECKPOINT_KEYS]
        if unknown:
            raise BoundaryError(
                f"{here}.{unknown[0]}: unknown key (known: {', '.join(CHECKPOINT_KEYS)})"
            )
        for key in ("tags", "sampling"):
            if key in point and not isinstance(point[key], Mapping):
                raise BoundaryError(f"{here}.{key}: expected a mapping")
        point = dict(point)
        if "step" not in point:
            named = point.get("revision") or point.get("source")
            if not isinstance(named, str):
                raise BoundaryError(
                    f"{here}.step: required (no source or revision to read it from)"
                )
            point["step"] = parse_step(os.path.basename(named.rstrip("/")), here)
        step = point["step"]
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise BoundaryError(f"{here}.step: expected an integer >= 0, got {step!r}")
        points.append(point)
    return points


def _checkpoint_model(
    base: Mapping[str, Any], point: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """One checkpoint as a plain model entry (validated later like any other)."""
    series_name = str(base["name"])
    step = point["step"]
    tags = base.get("tags") or {}
    sampling = base.get("sampling") or {}
    if not isinstance(tags, Mapping) or not isinstance(sampling, Mapping):
        raise BoundaryError(f"{where}: tags and sampling must be mappings")
    if "name" in point:
        name = str(point["name"])
    elif "{step}" in series_name:
        name = series_name.replace("{step}", str(step))
    else:
        name = f"{series_name}-step{step}"
    model = {k: v for k, v in base.items() if k not in ("name", "tags", "sampling")}
    model.update({k: point[k] for k in ("source", "revision") if k in point})
    model["name"] = name
    model["tags"] = {
        **tags,
        "series": series_name.replace("{step}", "").strip("-_.") or series_name,
        **(point.get("tags") or {}),
        "step": step,
    }
    merged = {**sampling, **(point.get("sampling") or {})}
    if merged:
        model["sampling"] = merged
    return model
