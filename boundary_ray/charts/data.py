"""Hand a query's result table to a chart unchanged: checked columns, inline JSON values."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pyarrow as pa

from boundary_ray.errors import BoundaryError


def require(table: pa.Table, columns: tuple[str, ...], chart: str) -> None:
    """Raise a BoundaryError naming the chart and the missing columns, if any are missing."""
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise BoundaryError(
            f"chart {chart}: the query result lacks column(s) {', '.join(missing)} "
            f"(has {', '.join(table.column_names)})"
        )


def values(table: pa.Table) -> list[dict[str, Any]]:
    """The table's rows as JSON-safe dicts: values untouched except NaN/inf -> null and
    DuckDB decimals -> float."""
    rows = table.to_pylist()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, Decimal):
                value = row[key] = float(value)
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
    return rows


def inline(table: pa.Table):
    """The table as Altair inline data (the chart's spec carries the query's values)."""
    import altair as alt

    return alt.InlineData(values=values(table))


def distinct(table: pa.Table, column: str) -> list[Any]:
    """The distinct non-null values of ``column``, in first-seen order."""
    seen: dict[Any, None] = {}
    for value in table.column(column).to_pylist():
        if value is not None:
            seen.setdefault(value, None)
    return list(seen)
