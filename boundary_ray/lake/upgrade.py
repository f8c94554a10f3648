"""``boundary lake upgrade``: rewrite the files of an older lake that reading as-is cannot handle.

Most of an older lake needs nothing: a column missing from a file reads as null (the views of
``queries/views.sql`` and ``lake/reader.py`` see to that), and a manifest without
``lake_schema_version`` is version 1. What is rewritten, file by file:

- a ``.parquet`` file outside the layout (``samples/model=m/x.parquet``) whose partition values
  can be found in its path (``key=value`` folders) or in its own columns: moved into the
  layout, split by partition where it holds several;
- a placed file that holds its partition columns inside it (the path is their one home: a value
  inside that disagrees with the path would be read two ways);
- a file with a column of another type than ``boundary_ray/schema.py`` declares (``sample_idx``
  as int64, say): cast to the declared type, which must succeed for every value.

Each rewrite writes the new file whole (``lake.writer.write_table``: temp name, then rename,
named by its rows' keys) and only then removes the old one. Killed in between, the lake holds
the rows twice until the next ``upgrade``, which writes the same file again (same name, same
rows) and removes the old one: upgrade is idempotent. It plans every file before it changes
any: a file it cannot place (no partition values, or values that disagree) or cast is an error
naming it, and nothing is changed. On a current lake it changes nothing. When it rewrote
something, it records a run manifest with ``command: upgrade``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.location import open_lake
from boundary_ray.lake.reader import LakeFile, lake_root, scan_table
from boundary_ray.lake.runs import read_manifests
from boundary_ray.lake.writer import write_table


@dataclass
class FileRewrite:
    """One file to rewrite: where it is, why, and the partition values its path gives."""

    table: str
    relative: str
    reasons: list[str]
    path_partition: dict[str, str]


@dataclass
class UpgradePlan:
    """What ``upgrade`` does to a lake, and what it leaves because reading handles it."""

    lake: str
    rewrites: list[FileRewrite] = field(default_factory=list)
    missing_columns: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # table -> col -> files
    old_manifests: int = 0

    def lines(self) -> list[str]:
        """The plan as report lines."""
        out = [f"rewrite {r.table}/{r.relative}: {'; '.join(r.reasons)}" for r in self.rewrites]
        for table, columns in sorted(self.missing_columns.items()):
            described = ", ".join(f"{c} ({n} files)" for c, n in columns.items())
            out.append(f"keep {table}: files without {described} read them as null")
        if self.old_manifests:
            out.append(
                f"keep runs: {self.old_manifests} manifests without lake_schema_version"
                " (version 1, kept as written)"
            )
        return out


def plan_upgrade(lake: str) -> UpgradePlan:
    """Look at every file of ``lake`` and decide what to rewrite; changes nothing."""
    fs, root = lake_root(lake)
    plan = UpgradePlan(lake)
    for table, declared in schema.TABLES.items():
        for file in scan_table(lake, table):
            names = pq.read_schema(f"{root}/{table}/{file.relative}", filesystem=fs)
            rewrite = _check_file(file, names, declared)
            if rewrite:
                plan.rewrites.append(rewrite)
            for column in schema.file_schema(table).names:
                if column not in names.names:
                    counts = plan.missing_columns.setdefault(table, {})
                    counts[column] = counts.get(column, 0) + 1
    plan.old_manifests = sum("lake_schema_version" not in m for m in read_manifests(lake))
    return plan


def upgrade_lake(lake: str, dry_run: bool = False) -> list[str]:
    """Upgrade ``lake`` in place (see the module docstring); returns the report lines."""
    plan = plan_upgrade(lake)
    report = plan.lines()
    if dry_run or not plan.rewrites:
        verb = "would rewrite" if dry_run else "rewrote"
        report.append(
            f"lake {lake}: schema version {schema.LAKE_SCHEMA_VERSION};"
            f" {verb} {len(plan.rewrites)} files"
            + ("" if plan.rewrites else " (nothing to upgrade)")
        )
        return report
    for rewrite in plan.rewrites:  # every file reads and casts before any is changed
        _load(lake, rewrite)
    location = open_lake(lake)
    fs, root = location.fs, location.root
    written = removed = 0
    for rewrite in plan.rewrites:
        old = f"{root}/{rewrite.table}/{rewrite.relative}"
        try:
            new = write_table(lake, rewrite.table, _load(lake, rewrite))
        except ValueError as exc:  # a partition value the layout cannot hold
            raise BoundaryError(f"{rewrite.table}/{rewrite.relative}: {exc}") from exc
        written += len(new)
        if old not in new:
            fs.delete_file(old)
            removed += 1
        shown = ", ".join(p[len(root) + 1 :] for p in new)
        report.append(f"rewrote {rewrite.table}/{rewrite.relative} -> {shown}")
    _record(lake, plan, written, removed)
    report.append(
        f"lake {lake}: schema version {schema.LAKE_SCHEMA_VERSION};"
        f" rewrote {len(plan.rewrites)} files into {written}, removed {removed}"
    )
    return report


def _check_file(file: LakeFile, names: pa.Schema, declared: pa.Schema) -> FileRewrite | None:
    """Why ``file`` must be rewritten (None: it reads as it is); errors for what cannot be."""
    partitions = schema.PARTITIONS[file.table]
    where = f"{file.table}/{file.relative}"
    reasons = []
    path_partition = file.partition or _path_values(file.relative, partitions)
    inside = [c for c in partitions if c in names.names]
    if not file.placed:
        lacking = [c for c in partitions if c not in path_partition and c not in inside]
        if lacking:
            raise BoundaryError(
                f"{where}: not in the layout and without {', '.join(lacking)} in its path or"
                f" columns: move it by hand to {file.table}/<{'>/<'.join(partitions)}>/"
            )
        reasons.append("not in the layout")
    if inside and file.placed:
        reasons.append(f"holds partition columns {', '.join(inside)} (kept in the path only)")
    for name in names.names:
        if name in declared.names and names.field(name).type != declared.field(name).type:
            reasons.append(
                f"{name} is {names.field(name).type}, declared {declared.field(name).type}"
            )
    unknown = [n for n in names.names if n not in declared.names]
    if reasons and unknown:
        raise BoundaryError(
            f"{where}: holds columns this version does not know ({', '.join(unknown)});"
            " upgrade it with the version that wrote it"
        )
    if not reasons:
        return None
    return FileRewrite(file.table, file.relative, reasons, path_partition)


def _load(lake: str, rewrite: FileRewrite) -> pa.Table:
    """The rows of a file to rewrite, with every declared column of its table, cast.

    A partition column takes its path's value (a value inside the file must agree with it);
    one that the path lacks comes from the file and must not be null.
    """
    location = open_lake(lake)
    fs, root = location.fs, location.root
    where = f"{rewrite.table}/{rewrite.relative}"
    data = pq.read_table(f"{root}/{where}", filesystem=fs, partitioning=None)
    declared = schema.TABLES[rewrite.table]
    columns = {}
    for column in declared:
        fixed = rewrite.path_partition.get(column.name)
        inside = data.column(column.name) if column.name in data.column_names else None
        if fixed is not None:
            if (
                inside is not None
                and pc.any(
                    pc.fill_null(pc.not_equal(pc.cast(inside, pa.string()), fixed), True)
                ).as_py()
            ):
                raise BoundaryError(
                    f"{where}: its {column.name} column disagrees with its path"
                    f" ({column.name}={fixed}); fix it by hand"
                )
            values = pa.array([fixed] * data.num_rows, pa.string())
        elif inside is not None:
            values = inside
            if column.name in schema.PARTITIONS[rewrite.table] and inside.null_count:
                raise BoundaryError(f"{where}: partition column {column.name} has nulls")
        else:
            values = pa.nulls(data.num_rows, column.type)
        try:
            columns[column.name] = pc.cast(values, column.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise BoundaryError(
                f"{where}: column {column.name} cannot be read as {column.type}"
                f" ({str(exc).splitlines()[0]})"
            ) from exc
    return pa.table(columns, schema=declared)


def _path_values(relative: str, partitions: tuple[str, ...]) -> dict[str, str]:
    """``key=value`` folders of a misplaced file's path that name partition columns."""
    values = {}
    for part in relative.split("/")[:-1]:
        key, sep, value = part.partition("=")
        if sep and key in partitions and value:
            values[key] = value
    return values


def _record(lake: str, plan: UpgradePlan, written: int, removed: int) -> None:
    from boundary_ray.lake.manifest import RunManifest, new_run_id

    manifest = RunManifest(lake, new_run_id(), None, command="upgrade")
    manifest.finish(
        "done",
        counters={"rewritten": len(plan.rewrites), "written": written, "removed": removed},
        upgraded=[f"{r.table}/{r.relative}" for r in plan.rewrites][:1000],
    )
