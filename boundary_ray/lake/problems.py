"""Keep the lake's ``problems`` table in step with the benchmarks a run uses."""

from __future__ import annotations

from typing import Any

from boundary_ray.lake.images import store_images
from boundary_ray.lake.reader import read_table
from boundary_ray.lake.writer import write_rows


def store_problems(lake: str, benchmark: str, rows: list[dict[str, Any]]) -> int:
    """Write the problems of ``benchmark`` that the lake does not hold yet; returns how many.

    Their images (``image_bytes``: id -> bytes, from the loaders) go to the ``images`` table
    first, each distinct image once; the problems keep only the ids (``images``)."""
    have = set(
        read_table(lake, "problems", {"benchmark": benchmark}, ["problem_id"])
        .column("problem_id")
        .to_pylist()
    )
    images: dict[str, bytes] = {}
    for row in rows:
        images.update(row.get("image_bytes") or {})
    store_images(lake, images)  # before the problems that refer to them
    new = [
        {k: v for k, v in row.items() if k != "image_bytes"}
        for row in rows
        if row["problem_id"] not in have
    ]
    write_rows(lake, "problems", new)
    return len(new)
