"""Values as DuckDB SQL literals, for the view's queries.

A filter on a partition column must be a constant in the SQL text for DuckDB to prune the
Hive folders it never opens (``samples/model=m/benchmark=b/``), so the view writes the values
it filters on into its SQL, through these functions only. A DuckDB string literal is
``'...'`` with each ``'`` doubled; backslashes mean nothing in it. A NUL character cannot be
written into one and is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from boundary_ray.errors import BoundaryError


def text(value: str) -> str:
    """``value`` as a string literal."""
    if not isinstance(value, str):
        raise TypeError(f"not a string: {value!r}")
    if "\x00" in value:
        raise BoundaryError("a value holds a NUL character")
    return "'" + value.replace("'", "''") + "'"


def integer(value: int) -> str:
    """``value`` as an integer literal."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not an integer: {value!r}")
    return str(int(value))


def text_list(values: Iterable[str]) -> str:
    """``[v1, v2, ...]`` as a list of string literals."""
    return "[" + ", ".join(text(v) for v in values) + "]"


def partition_filter(alias: str, partitions: Iterable[tuple[str, str]]) -> str:
    """A condition that holds for the rows of these (model, benchmark) partitions of the table
    ``alias``: ``(alias.model = 'm' and alias.benchmark = 'b') or ...``; ``false`` for none."""
    terms = [
        f"({alias}.model = {text(model)} and {alias}.benchmark = {text(benchmark)})"
        for model, benchmark in partitions
    ]
    return "(" + " or ".join(terms) + ")" if terms else "false"
