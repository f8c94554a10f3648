"""What the lake holds right now, from one listing of its folders (no Parquet file is opened).

The view lists the lake at most once a second: the listing's ``signature`` changes when any
file of a table is added, replaced or removed (a run writing, a label stored, a compaction),
which is when the view re-creates its query session's views and forgets what it cached. The
listing also says, per samples partition, whether its per-problem outcomes are fresh (the file
that ``lake/caches.py`` names by a fingerprint of the partition's sample files): the pages
read those instead of the sample rows, partition by partition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyarrow.fs as pafs

from boundary_ray import schema
from boundary_ray.lake.caches import cache_name, fingerprint_of
from boundary_ray.lake.location import LakeLocation
from boundary_ray.lake.reader import table_pattern

Partition = tuple[str, str]  # (model, benchmark)


@dataclass(frozen=True)
class LakeListing:
    """The placed Parquet files of every table, with their partition values."""

    signature: str
    files: dict[str, list[tuple[pafs.FileInfo, dict[str, str]]]] = field(repr=False)

    def has(self, table: str) -> bool:
        """Whether ``table`` has any file."""
        return bool(self.files.get(table))

    def samples_partitions(self) -> list[Partition]:
        """The (model, benchmark) partitions that hold samples, sorted."""
        found = {(part["model"], part["benchmark"]) for _, part in self.files["samples"]}
        return sorted(found)

    def models(self) -> list[str]:
        """The models with samples, sorted."""
        return sorted({model for model, _ in self.samples_partitions()})

    def benchmarks(self) -> list[str]:
        """The benchmarks with samples, sorted."""
        return sorted({benchmark for _, benchmark in self.samples_partitions()})

    def fresh_outcomes(self) -> dict[Partition, str]:
        """Per samples partition whose outcomes file matches its sample files: that file's path."""
        samples: dict[Partition, list[pafs.FileInfo]] = {}
        for info, part in self.files["samples"]:
            samples.setdefault((part["model"], part["benchmark"]), []).append(info)
        cached = {
            (part["model"], part["benchmark"], info.base_name): info.path
            for info, part in self.files["outcomes"]
        }
        fresh = {}
        for key, infos in samples.items():
            name = f"{cache_name('outcomes', fingerprint_of(infos))}.parquet"
            path = cached.get((*key, name))
            if path is not None:
                fresh[key] = path
        return fresh


def list_lake(lake: LakeLocation) -> LakeListing:
    """One listing of every table folder of ``lake`` (``.tmp`` and misplaced files left out)."""
    fs, root = lake.fs, lake.root
    digest = hashlib.sha1()
    files: dict[str, list[tuple[pafs.FileInfo, dict[str, str]]]] = {}
    for table in schema.TABLES:
        pattern = table_pattern(table)
        selector = pafs.FileSelector(f"{root}/{table}", recursive=True, allow_not_found=True)
        found = []
        for info in fs.get_file_info(selector):
            if info.type != pafs.FileType.File:
                continue
            match = pattern.match(info.path[len(root) + len(table) + 2 :])
            if match:
                found.append((info, match.groupdict()))
        found.sort(key=lambda item: item[0].path)
        for info, _ in found:
            digest.update(f"{info.path}|{info.size}|{info.mtime_ns}\n".encode())
        files[table] = found
    return LakeListing(digest.hexdigest(), files)
