"""The engine stage: one Ray Data actor base for every stage that holds an engine, and the one
drain that runs a pipeline to its end.

``EngineStage`` owns what the sampler (``VLLMSampler``, ``FakeSampler``) and the scorer
(``VLLMScorer``) share: the orphan guard, the CPU engine's environment, starting the engine,
the engine-loop thread (``engine_loop.py``) that several in-flight batches submit to, and the
batch loop. A concrete stage overrides ``start_engine`` (the engine) and ``request``/``emit``
(what one input row asks of the engine, and the output rows its result becomes).

``add_engine_stage`` puts such a stage on a dataset (actor pool, in-flight threads,
placement); ``drain`` runs the dataset and adds up what the lake writer reports.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import Future
from typing import Any

import pyarrow as pa

from boundary_ray import schema
from boundary_ray.errors import BoundaryError


class EngineStage:
    """Base of the ``map_batches`` actors that hold one engine: input rows in, ``output_schema``
    rows out, every row's engine request submitted before any result is awaited."""

    output_schema: pa.Schema

    def __init__(self, device: str = "cpu") -> None:
        from boundary_ray.common.orphan_guard import exit_when_orphaned
        from boundary_ray.sampler.engine_loop import EngineLoop

        exit_when_orphaned()  # end this engine if its Ray node dies under it
        if device == "cpu":
            from boundary_ray.sampler.engine import apply_cpu_environment

            apply_cpu_environment()  # before vLLM (and torch) are imported
        self.loop = EngineLoop(self.start_engine)  # built on the thread that steps it
        self.ready_at = time.time()  # wall clock when this engine could first sample

    def start_engine(self) -> Any:
        """The engine: an object with ``add_request(id, prompt, params)``, ``step()`` and
        ``has_unfinished_requests()`` (vLLM's ``LLMEngine``, or a fake one)."""
        raise NotImplementedError

    def request(self, row: dict[str, Any]) -> tuple[Any, Any] | None:
        """The ``(prompt, params)`` this input row asks of the engine, or ``None`` (no request).
        It may note what ``emit`` needs in ``row``: both get the same dict."""
        raise NotImplementedError

    def emit(
        self, row: dict[str, Any], output: Any, error: BaseException | None, out: dict[str, list]
    ) -> None:
        """Append this row's output rows to the columns ``out``; ``output`` is the engine's
        finished result (``None`` without a request, or when ``error`` says why it failed)."""
        raise NotImplementedError

    def __call__(self, batch: pa.Table) -> pa.Table:
        rows = batch.to_pylist()
        futures = [self._submit(row) for row in rows]
        out: dict[str, list] = {name: [] for name in self.output_schema.names}
        for row, future in zip(rows, futures, strict=True):
            output, error = None, None
            if future is not None:
                try:
                    output = future.result()
                except Exception as exc:  # noqa: BLE001 - the stage decides: raise or report
                    error = exc
            self.emit(row, output, error, out)
        table = pa.table(out, schema=self.output_schema)
        return table.replace_schema_metadata({schema.ENGINE_READY_AT: repr(self.ready_at)})

    def _submit(self, row: dict[str, Any]) -> Future | None:
        job = self.request(row)
        return None if job is None else self.loop.submit(*job)


def add_engine_stage(
    ds: Any,
    stage: type[EngineStage],
    kwargs: dict[str, Any],
    placement: Any,
    batch_size: int,
    in_flight: int,
) -> Any:
    """``ds`` followed by ``stage`` on ``placement.replicas`` actors, each working on
    ``in_flight`` batches at once (one thread per batch, all submitting to its one engine)."""
    import ray.data

    return ds.map_batches(
        stage,
        fn_constructor_kwargs=kwargs,
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(
            size=placement.replicas,
            max_tasks_in_flight_per_actor=in_flight,
            max_concurrent_calls_per_actor=in_flight,
            enable_true_multi_threading=True,
        ),
        **placement.remote_args,
    )


def drain(ds: Any, wanted: int, label: str, progress: bool, unit: str = "sample") -> dict[str, Any]:
    """Run the pipeline ``ds`` to its end, adding up the lake writer's summary rows
    (``lake.writer.batch_summary``); a live bar shows rows and tokens per second.

    Returns the totals of every counter, and ``engine_ready_at`` (when the first engine could
    sample: rates are counted from there, not from engine start). A run that wrote another
    number of rows than ``wanted`` is a ``BoundaryError``.
    """
    from tqdm import tqdm

    totals: Counter[str] = Counter()
    ready_at = float("inf")
    bar = tqdm(total=wanted, unit=unit, desc=label, disable=not progress, dynamic_ncols=True)
    for summary in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
        for row in summary.to_pylist():
            ready_at = min(ready_at, row.pop("engine_ready_at") or ready_at)
            totals.update({k: int(v) for k, v in row.items()})
            bar.update(int(row["rows"]))
        if progress and ready_at < float("inf"):
            bar.start_t = max(bar.start_t, ready_at)
        elapsed = max(time.time() - min(ready_at, time.time()), 1e-9)
        postfix = {"tok_s": f"{totals['tokens'] / elapsed:.0f}"}
        if "verdict:correct" in totals:
            postfix["correct"] = f"{totals['correct'] / max(totals['rows'], 1):.1%}"
        bar.set_postfix(postfix)
    bar.close()
    if totals["rows"] != wanted:
        raise BoundaryError(f"{label}: wrote {totals['rows']} {unit}s, planned {wanted}")
    return {**totals, "engine_ready_at": ready_at if ready_at < float("inf") else None}
