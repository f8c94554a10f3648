"""A query's parameters: ``--param key=value`` strings checked and typed against what the query
declares (``catalog.query_params``), and Python values turned into those strings (``Lake``)."""

from __future__ import annotations

import re
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.query.catalog import SCHEMA_FILE

PARAM_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
# Python type of each schema.yml parameter type (for signatures and docs)
PARAM_TYPES: dict[str, Any] = {
    "int": int,
    "float": float,
    "string": str,
    "int_list": list[int],
    "float_list": list[float],
}


def convert_params(query: str, params: dict[str, str], declared: dict[str, Any]) -> dict[str, Any]:
    """Typed values for ``params``; names and values are checked against ``declared``."""
    values: dict[str, Any] = {}
    for key, raw in params.items():
        if not PARAM_NAME_RE.match(key):
            raise BoundaryError(f"--param {key}={raw}: bad parameter name")
        if declared and key not in declared:
            raise BoundaryError(
                f"--param {key}: query {query} has no such parameter (known: {', '.join(declared)})"
            )
        values[key] = _convert_value(query, key, raw, declared.get(key) or {"type": "string"})
    return values


def _convert_value(query: str, key: str, raw: str, spec: dict[str, Any]) -> Any:
    kind = spec.get("type", "string")
    where = f"--param {key}={raw} (query {query})"
    try:
        if kind == "int":
            value: Any = int(raw)
        elif kind == "float":
            value = float(raw)
        elif kind == "int_list":
            value = [int(part) for part in raw.strip().strip("[]").split(",") if part.strip()]
        elif kind == "float_list":
            value = [float(part) for part in raw.strip().strip("[]").split(",") if part.strip()]
        elif kind == "string":
            value = raw
        else:
            raise BoundaryError(f"{SCHEMA_FILE}: {query}.params.{key}.type: unknown type {kind!r}")
    except ValueError:
        raise BoundaryError(f"{where}: expected {kind.replace('_', ' of ')}") from None
    choices = spec.get("choices")
    if choices and value not in choices:
        raise BoundaryError(f"{where}: expected one of {', '.join(map(str, choices))}")
    items = value if isinstance(value, list) else [value]
    if kind in ("int_list", "float_list") and not items:
        noun = "integers" if kind == "int_list" else "numbers"
        raise BoundaryError(f"{where}: expected a comma-separated list of {noun}")
    low, high = spec.get("min"), spec.get("max")
    for item in items if kind != "string" else []:
        if item != item or (low is not None and item < low) or (high is not None and item > high):
            bounds = f"[{'' if low is None else low}, {'' if high is None else high}]"
            raise BoundaryError(f"{where}: {item} is outside {bounds}")
    return value


def param_text(value: Any) -> str:
    """A Python value as the ``--param`` string the CLI would pass: lists comma-joined."""
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    if isinstance(value, bool):
        raise BoundaryError(f"parameter value {value!r}: expected a number, string or list")
    return str(value)


def param_strings(params: dict[str, Any]) -> dict[str, str]:
    """``params`` without the ``None`` values, each as its ``--param`` string."""
    return {key: param_text(value) for key, value in params.items() if value is not None}
