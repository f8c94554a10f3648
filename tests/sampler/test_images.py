"""The engine actor's image reader: ids in, decoded and bounded RGB images out."""

from __future__ import annotations

from pathlib import Path

from boundary_ray.benchmarks import load_problems
from boundary_ray.lake.problems import store_problems
from boundary_ray.sampler.images import ImageResolver, downscale
from boundary_ray.spec import BenchmarkSpec
from tests.benchmarks.visual_fixtures import write_fixtures


def test_images_are_read_by_id_and_decoded_in_the_actor(tmp_path: Path) -> None:
    vista, _ = write_fixtures(tmp_path / "fixtures")
    lake = str(tmp_path / "lake")
    rows = load_problems(BenchmarkSpec(name="mathvista", source=str(vista)))
    store_problems(lake, "mathvista", rows)
    resolver = ImageResolver(lake, max_pixels=160 * 120, keep=2)
    ids = [i for row in rows for i in row["images"]]
    resolver.prefetch(ids)
    assert len(resolver.cache) == len(set(ids))  # a batch's images stay while it needs them
    image = resolver.image(ids[0])
    assert image.mode == "RGB" and image.size == (160, 120)  # 320 x 240 halved
    assert ImageResolver(lake).image(ids[0]).size == (320, 240)  # no limit: as published
    resolver.prefetch(ids[:1])
    assert len(resolver.cache) <= max(2, 1)


def test_downscale_keeps_the_aspect_and_never_grows() -> None:
    from PIL import Image

    image = Image.new("RGB", (1000, 500))
    assert downscale(image, 20_000).size == (200, 100)
    assert downscale(image, 10_000_000).size == (1000, 500)
    assert downscale(image, None).size == (1000, 500)
