"""Images for the engine actor: read by id from the lake's ``images`` table and decoded here,
in the actor, never on the driver (requests carry only the ids)."""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any


class ImageResolver:
    """Reads image bytes from ``lake`` a batch at a time, keeps the last ``keep`` of them, and
    decodes each into an RGB PIL image no larger than ``max_pixels`` (aspect kept)."""

    def __init__(self, lake: str, max_pixels: int | None = None, keep: int = 512) -> None:
        self.lake = lake
        self.max_pixels = max_pixels
        self.keep = keep
        self.cache: OrderedDict[str, bytes] = OrderedDict()

    def prefetch(self, image_ids: Iterable[str]) -> None:
        """Read every id not cached yet, in one pass over the images table."""
        from boundary_ray.lake.images import read_images

        missing = {i for i in image_ids if i not in self.cache}
        if missing:
            for image_id, data in read_images(self.lake, missing).items():
                self.cache[image_id] = data
        while len(self.cache) > max(self.keep, len(missing)):
            self.cache.popitem(last=False)

    def image(self, image_id: str) -> Any:
        """The decoded image ``image_id`` (read now if ``prefetch`` did not)."""
        from PIL import Image

        if image_id not in self.cache:
            self.prefetch([image_id])
        self.cache.move_to_end(image_id)
        image = Image.open(io.BytesIO(self.cache[image_id]))
        image = image.convert("RGB")
        return downscale(image, self.max_pixels)


def downscale(image: Any, max_pixels: int | None) -> Any:
    """``image`` resized to at most ``max_pixels`` pixels, aspect kept; unchanged if smaller."""
    width, height = image.size
    if not max_pixels or width * height <= max_pixels:
        return image
    scale = (max_pixels / (width * height)) ** 0.5
    size = (max(1, int(width * scale)), max(1, int(height * scale)))
    return image.resize(size)
