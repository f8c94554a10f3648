"""``boundary lake snapshot``: a frozen copy of a local lake, made of hard links, for ad-hoc SQL.

A glob of your own over a live lake (``read_parquet('lake/samples/**/*.parquet')`` in a DuckDB
shell) can silently miss a partition's rows while ``boundary lake compact`` swaps its folder
(``lake/compact.py``, "Readers"). A snapshot cannot: every table file of the lake is hard-linked
into a new folder with the same layout, while no swap happens (``locks.consistent_read``: the
links are made again when a compactor swapped a folder meanwhile, and the last try holds the
next swap off). Nothing writes or compacts the snapshot afterwards, so any glob over it sees the
lake as it was, whole, for as long as it is kept. It costs one directory entry per file (the
files' disk space stays in use until the snapshot is deleted). The snapshot holds a
``views.sql`` that reads the project's views over it:

    boundary lake snapshot --lake lake --out /tmp/lake-snap
    duckdb -c ".read /tmp/lake-snap/views.sql" -c "select model, count(*) from samples group by all"

Local and mounted lakes only (hard links stay on one filesystem; the snapshot folder must be on
the lake's). An object store needs none: nothing there swaps folders (compaction refuses it).
A table with no files gets one empty file in the snapshot (DuckDB's glob of a table with no
file fails, and with it every statement after it in ``views.sql``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.locks import consistent_read
from boundary_ray.lake.reader import lake_root, table_files


def snapshot_lake(lake: str, out: str, views_sql: str) -> dict[str, int]:
    """Hard-link every table file of ``lake`` into ``out`` (a new folder) as of one instant
    between swaps, and write ``out/views.sql`` (``views_sql`` reading the snapshot). Returns
    the number of files per table."""
    if not open_lake(lake).local:
        raise BoundaryError(
            f"lake {lake}: a snapshot is for local or mounted lakes (an object-store lake is"
            " never compacted: read it as it is)"
        )
    lake_root(lake)
    root = Path(open_lake(lake).root)
    target = Path(out).expanduser().resolve()
    if target.exists():
        raise BoundaryError(f"--out {out}: already exists (a snapshot goes into a new folder)")
    if target == root or root in target.parents:
        raise BoundaryError(f"--out {out}: must be outside the lake")

    def link_all() -> dict[str, int]:
        shutil.rmtree(target, ignore_errors=True)  # a try a swap spoiled starts again
        counts = {}
        try:
            for table in schema.TABLES:
                files = table_files(lake, table)
                for rel in files:
                    dest = target / table / rel
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    os.link(root / table / rel, dest)
                counts[table] = len(files)
        except FileNotFoundError as exc:  # listed before a swap, gone after it: try again
            raise BoundaryError(f"lake {lake}: {exc.filename} vanished while linking") from None
        except OSError as exc:
            shutil.rmtree(target, ignore_errors=True)
            raise BoundaryError(
                f"--out {out}: cannot hard-link the lake's files there ({exc.strerror}); the"
                " snapshot must be on the lake's filesystem"
            ) from None
        return counts

    counts = consistent_read(lake, link_all)
    for table, count in counts.items():
        if not count:  # a typed empty file, so that the views' glob of that table finds one
            _empty_file(target, table)
    quoted = str(target).replace("'", "''")
    header = f"-- the lake snapshot {target} (boundary lake snapshot)\n"
    header += f"set variable lake = '{quoted}';\n"
    (target / "views.sql").write_text(header + views_sql, encoding="utf-8")
    return counts


def _empty_file(target: Path, table: str) -> None:
    """``target/<table>/<key>=_none_/.../_empty.parquet``: no rows, the table's file columns."""
    import pyarrow.parquet as pq

    folder = target / table
    for key in schema.PARTITIONS[table]:
        folder = folder / f"{key}=_none_"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(schema.file_schema(table).empty_table(), folder / "_empty.parquet")
