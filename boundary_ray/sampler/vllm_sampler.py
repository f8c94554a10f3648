"""``VLLMSampler``: the sampler stage on one vLLM engine.

The actor takes several batches at once (``engine.in_flight`` threads); every batch hands its
requests to the one engine loop (``engine_loop.py``) and returns when its own problems are done.
The engine keeps batching every problem's n samples together, computing each prompt's prefix
once, while small batches move on to verification and the lake as they finish: the progress
bar moves, and a killed run loses only what was in flight. Rows and seeds: ``sampler/base.py``.

A request whose problem has images (``images``: ids in the lake) goes to vLLM as
``{"prompt": ..., "multi_modal_data": {"image": [...]}}``; the actor reads the batch's images
from the lake and decodes them itself (``sampler/images.py``).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from boundary_ray.sampler.base import Sampler
from boundary_ray.sampler.sampling import Sampling, vllm_sampling_params


class VLLMSampler(Sampler):
    """Callable class for ``Dataset.map_batches``: problem requests in, one row per sample out."""

    def __init__(
        self,
        llm_kwargs: dict[str, Any],
        sampling: Sampling,
        device: str,
        lake: str | None = None,
        max_image_pixels: int | None = None,
    ) -> None:
        """``lake``: where the requests' images are (needed only when a problem has some)."""
        self.llm_kwargs = llm_kwargs
        self.images = None
        if lake is not None:
            from boundary_ray.sampler.images import ImageResolver

            self.images = ImageResolver(lake, max_image_pixels)
        super().__init__(sampling, device)

    def __call__(self, batch: pa.Table) -> pa.Table:
        if self.images is not None and "images" in batch.column_names:
            ids = [i for ids in batch.column("images").to_pylist() for i in ids or []]
            self.images.prefetch(ids)  # one read of the lake per batch
        return super().__call__(batch)

    def request(self, row: dict[str, Any]) -> tuple[Any, Any]:
        prompt, params = super().request(row)
        ids = row.get("images") or []
        if ids:
            if self.images is None:
                raise RuntimeError(f"{row['problem_id']}: has images, but the sampler has no lake")
            images = [self.images.image(i) for i in ids]
            prompt = {"prompt": prompt, "multi_modal_data": {"image": images}}
        return prompt, params

    def start_engine(self) -> Any:
        from vllm import LLM

        self.llm = LLM(**self.llm_kwargs)
        return self.llm.llm_engine

    def params(self, req: dict[str, Any]) -> Any:
        return vllm_sampling_params(self.sampling, req["n_new"], req["seed"])
