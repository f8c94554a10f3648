"""Render a query's result table as text, CSV, JSON Lines, Markdown or Parquet."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from boundary_ray.errors import BoundaryError

FORMATS = ("table", "csv", "json", "parquet", "markdown")

TABLE_CELL_WIDTH = 48


def format_table(table: pa.Table, fmt: str, out: str | None = None) -> str:
    """Render ``table`` as ``fmt`` (table | csv | json | parquet | markdown).

    ``json`` is JSON Lines, one object per row. ``markdown`` is a pipe table, or, when a text
    cell holds newlines or long prose (responses), one section per row with the long fields in
    fenced blocks, for reading. ``parquet`` needs ``out``; with ``out`` any format is written to
    that file and the returned text is one line saying where.
    """
    if fmt not in FORMATS:
        raise BoundaryError(f"--format {fmt}: expected one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if not out:
            raise BoundaryError("--format parquet: needs --out FILE.parquet")
        import pyarrow.parquet as pq

        pq.write_table(table, out, compression="zstd")
        return f"wrote {table.num_rows} rows to {out}\n"
    rows = table.to_pylist()
    render = {"table": _as_text, "csv": _as_csv, "json": _as_json_lines, "markdown": _as_markdown}
    text = render[fmt](table.column_names, rows)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        return f"wrote {table.num_rows} rows to {out}\n"
    return text


def _plain(value: Any) -> str:
    """One value as short display text (floats to 6 significant digits, lists comma-joined)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return str(value)


def _as_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        text = _plain(value).replace("\n", "\\n")
        return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"

    body = [[cell(row[c]) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in body)]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(row[c], int | float) or row[c] is None for row in rows) for c in columns
    ]

    def line(cells: list[str]) -> str:
        padded = (
            text.rjust(width) if right else text.ljust(width)
            for text, width, right in zip(cells, widths, numeric, strict=True)
        )
        return "  ".join(padded).rstrip()

    lines = [line(columns), "  ".join("-" * w for w in widths)] + [line(r) for r in body]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


def _as_json_lines(columns: list[str], rows: list[dict[str, Any]]) -> str:
    import json

    lines = (
        json.dumps({c: _json_value(row[c]) for c in columns}, ensure_ascii=False, default=str)
        for row in rows
    )
    return "".join(line + "\n" for line in lines)


def _as_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    import csv
    import io
    import json

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            json.dumps(row[c]) if isinstance(row[c], list) else ("" if row[c] is None else row[c])
            for c in columns
        )
    return buffer.getvalue()


def _is_prose(value: Any) -> bool:
    return isinstance(value, str) and ("\n" in value or len(value) > 120)


def _as_markdown(columns: list[str], rows: list[dict[str, Any]]) -> str:
    prose = [c for c in columns if any(_is_prose(row[c]) for row in rows)]
    if not prose:
        return _markdown_table(columns, rows)
    short = [c for c in columns if c not in prose]
    parts = []
    for number, row in enumerate(rows, start=1):
        parts.append(f"## {number}. " + " · ".join(_plain(row[c]) for c in short[:3]) + "\n")
        parts.extend(f"- **{c}**: {_plain(row[c])}" for c in short[3:])
        for column in prose:
            text = "" if row[column] is None else str(row[column])
            longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
            fence = "`" * max(3, longest + 1)
            parts.append(f"\n**{column}**:\n\n{fence}text\n{text}\n{fence}")
        parts.append("")
    return "\n".join(parts)


def _markdown_table(columns: list[str], rows: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        return _plain(value).replace("|", "\\|").replace("\n", "<br>")

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def solved_lines(table: pa.Table) -> list[str]:
    """One line per model and benchmark of a ``solved_summary`` result: "solves X of N at k=1,
    Y of N at k=n" (X is the expected count, problems × pass@1)."""
    return [
        f"{row['model']} on {row['benchmark']}: solves {row['solved_at_1']:.1f} of"
        f" {row['problems']} at k=1, {row['solved_at_n']} of {row['problems']} at k={row['n']}"
        for row in table.to_pylist()
    ]
