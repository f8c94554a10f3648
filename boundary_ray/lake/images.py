"""The lake's ``images`` table: image bytes stored once, keyed by their sha256.

Problems refer to images by id (``problems.images``); samples never hold bytes. The driver only
hashes and reads each image's header (format, size); decoding happens in the engine actor,
which reads the bytes of its requests' images back from here (``read_images``).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.reader import arrow_dataset, list_files, read_table
from boundary_ray.lake.writer import write_rows


def image_row(image_id: str, data: bytes) -> dict[str, Any]:
    """One ``images`` row: the bytes as given, their format and size from the header only."""
    from PIL import Image, UnidentifiedImageError

    if hashlib.sha256(data).hexdigest() != image_id:
        raise ValueError(f"image {image_id[:12]}: bytes do not match the id")
    try:
        with Image.open(io.BytesIO(data)) as image:  # lazy: reads the header, not the pixels
            fmt, (width, height) = image.format, image.size
    except UnidentifiedImageError:
        raise BoundaryError(f"image {image_id[:12]}: not an image file PIL can read") from None
    return {"image_id": image_id, "bytes": data, "format": fmt, "width": width, "height": height}


def store_images(lake: str, images: Mapping[str, bytes]) -> int:
    """Write the images the lake does not hold yet (one file); returns how many were new."""
    if not images:
        return 0
    have = set(read_table(lake, "images", columns=["image_id"]).column("image_id").to_pylist())
    new = [image_row(i, data) for i, data in sorted(images.items()) if i not in have]
    write_rows(lake, "images", new)
    return len(new)


def read_images(lake: str, image_ids: Iterable[str]) -> dict[str, bytes]:
    """The bytes of ``image_ids`` (each must be in the lake)."""
    wanted = sorted(set(image_ids))
    if not wanted:
        return {}
    if not list_files(lake, "images"):
        raise BoundaryError(f"lake {lake}: no images table, but problems refer to images")
    table = (
        arrow_dataset(lake, "images")
        .filter(pc.field("image_id").isin(pa.array(wanted)))
        .to_table(columns=["image_id", "bytes"])
    )
    found = dict(
        zip(table.column("image_id").to_pylist(), table.column("bytes").to_pylist(), strict=True)
    )
    missing = [i for i in wanted if i not in found]
    if missing:
        raise BoundaryError(f"lake {lake}: image {missing[0][:12]}... is not in the images table")
    return found
