"""Stable colours: the lake's sorted models take the palette in order."""

from __future__ import annotations

from boundary_ray.charts import theme
from boundary_ray.charts.colors import lake_models, model_scales


def test_lake_models_come_from_samples_and_scores(full_lake: str, single_model_lake: str) -> None:
    assert lake_models(full_lake) == ["base-model", "instruct-model", "rl-model"]
    assert lake_models(single_model_lake) == ["base-model"]


def test_a_subset_keeps_the_colours_of_the_full_order() -> None:
    order = ["a", "b", "c", "d"]
    domain, colours, shapes = model_scales({"d", "b"}, order)
    assert domain == ["b", "d"]
    assert colours == [theme.PALETTE[1], theme.PALETTE[3]]
    assert shapes == [theme.SHAPES[1], theme.SHAPES[3]]


def test_models_outside_the_order_follow_it_sorted_and_the_palette_wraps() -> None:
    order = [f"m{i}" for i in range(len(theme.PALETTE))]
    domain, colours, _ = model_scales({"m0", "zz", "aa"}, order)
    assert domain == ["m0", "aa", "zz"]
    assert colours == [theme.PALETTE[0], theme.PALETTE[0], theme.PALETTE[1]]


def test_without_a_lake_order_the_table_models_are_sorted() -> None:
    domain, colours, _ = model_scales(["y", "x"], None)
    assert domain == ["x", "y"] and colours == list(theme.PALETTE[:2])


def test_palette_is_okabe_ito() -> None:
    okabe_ito = {
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
        "#000000",
    }
    assert set(theme.PALETTE) == okabe_ito and len(theme.PALETTE) == len(okabe_ito)
