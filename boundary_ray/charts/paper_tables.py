"""The paper's Tables 3 and 4 laid out from the query results, for ``boundary report``.

Table 3 (RL algorithms, from ``algorithm_comparison``): a row for the base model and one per
algorithm; per benchmark the columns pass@1, pass@K and, for the algorithms, the gap
base pass@K - pass@1 (Delta_SE). Table 4 (training steps, from ``training_curve``): a row for
the base model and one per checkpoint, per benchmark pass@1 and pass@K. Values are percentages
with one decimal, as in the paper; the numbers are the query's, only moved into place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa


def percent(value: float | None) -> float | None:
    """A rate as a percentage with one decimal (None stays None)."""
    return None if value is None else round(100 * value, 1)


def algorithm_table(result: pa.Table) -> pa.Table:
    """Table 3 from an ``algorithm_comparison`` result (one block of rows per base model)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in result.to_pylist():
        k, bench = r["k"], r["benchmark"]
        base = rows.setdefault((r["base_model"], ""), {"model": f"{r['base_model']} (base)"})
        base[f"{bench} pass@1"] = percent(r["base_pass_at_1"])
        base[f"{bench} pass@{k}"] = percent(r["base_pass_at_k"])
        row = rows.setdefault((r["base_model"], r["algorithm"]), {"model": _label(r)})
        row[f"{bench} pass@1"] = percent(r["pass_at_1"])
        row[f"{bench} pass@{k}"] = percent(r["pass_at_k"])
        row[f"{bench} \u0394SE"] = percent(r["gap"])
    return _table(
        rows, result, lambda bench, k: [f"{bench} pass@1", f"{bench} pass@{k}", f"{bench} \u0394SE"]
    )


def steps_table(result: pa.Table) -> pa.Table:
    """Table 4 from a ``training_curve`` result: base models first, then each series by step."""
    rows: dict[tuple, dict[str, Any]] = {}
    for r in result.to_pylist():
        k, bench = r["k"], r["benchmark"]
        if r["base_model"] is not None:
            base = rows.setdefault(
                ("", r["base_model"], -1), {"model": f"{r['base_model']} (base)"}
            )
            base[f"{bench} pass@1"] = percent(r["base_pass_at_1"])
            base[f"{bench} pass@{k}"] = percent(r["base_pass_at_k"])
        row = rows.setdefault(
            (r["series"], r["base_model"] or "", r["step"]),
            {"model": f"{r['series']} step {r['step']} ({r['model']})"},
        )
        row[f"{bench} pass@1"] = percent(r["pass_at_1"])
        row[f"{bench} pass@{k}"] = percent(r["pass_at_k"])
    ordered = dict(sorted(rows.items(), key=lambda item: item[0]))
    return _table(ordered, result, lambda bench, k: [f"{bench} pass@1", f"{bench} pass@{k}"])


def _label(row: dict[str, Any]) -> str:
    step = f" step {row['step']}" if row.get("step") is not None else ""
    return f"{row['algorithm']}{step} ({row['model']})"


def _table(
    rows: dict[Any, dict[str, Any]], result: pa.Table, columns: Callable[[str, int], list[str]]
) -> pa.Table:
    """Rows in their order; per benchmark (sorted) its columns, a missing cell as null."""
    ks = {r["benchmark"]: r["k"] for r in result.to_pylist()}
    names = ["model"] + [c for bench in sorted(ks) for c in columns(bench, ks[bench])]
    fields = [pa.field("model", pa.string())] + [pa.field(c, pa.float64()) for c in names[1:]]
    return pa.Table.from_pylist(
        [{c: row.get(c) for c in names} for row in rows.values()], schema=pa.schema(fields)
    )
