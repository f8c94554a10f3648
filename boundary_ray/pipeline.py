"""``boundary run``: one Ray Data pipeline per model.

    problem requests ──► map_batches(VLLMSampler, engine actors) ──► map_batches(TaskVerifier, CPU)
                     ──► map_batches(ParquetLakeWriter) ──► progress on the driver

Before sampling, the plan reads which samples the lake already holds and asks only for the
missing ones, so an interrupted run, rerun, ends with every sample exactly once.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from boundary_ray.benchmarks import load_problems
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.compact import check_compactable, compact_run
from boundary_ray.lake.filesystem import absolute_lake
from boundary_ray.lake.manifest import RunManifest, new_run_id
from boundary_ray.lake.plan import plan_requests, present_samples
from boundary_ray.lake.problems import store_problems
from boundary_ray.lake.writer import with_lake_writer, write_rows
from boundary_ray.models import resolve_model_source
from boundary_ray.prompts import PromptBuilder
from boundary_ray.sampler.vllm_sampler import REQUEST_COLUMNS
from boundary_ray.spec import ModelSpec, Spec, load_spec


def run_spec_file(
    path: str | Path, overrides: dict[str, Any] | None = None, progress: bool = True
) -> dict[str, Any]:
    """Load the spec at ``path`` (with dotted-key ``overrides``) and run it."""
    return run_spec(load_spec(path, overrides), progress=progress)


def run_spec(spec: Spec, progress: bool = True) -> dict[str, Any]:
    """Sample, verify and write every missing sample of ``spec``; returns the run's counters."""
    spec = replace(spec, lake=absolute_lake(spec.lake))
    problems = {b.name: load_problems(b) for b in spec.benchmarks}  # bad input fails here, early
    sources = {m.name: resolve_model_source(m.source) for m in spec.models}
    if spec.lake_options.compact:
        check_compactable(spec.lake)  # an object-store lake fails now, not after sampling
    run_id = new_run_id()
    manifest = RunManifest(spec.lake, run_id, spec)
    with manifest.guard():
        for name, rows in problems.items():
            store_problems(spec.lake, name, rows)
        write_rows(spec.lake, "models", [_model_row(m, run_id) for m in spec.models])
        start_ray()
        jobs = [(m, sources[m.name]) for m in spec.models]
        if spec.engine.schedule == "parallel" and len(jobs) > 1:
            with ThreadPoolExecutor(len(jobs)) as pool:
                results = list(
                    pool.map(lambda j: _sample_model(spec, run_id, *j, problems, progress), jobs)
                )
        else:
            results = [_sample_model(spec, run_id, m, src, problems, progress) for m, src in jobs]
        counters = {m.name: r for m, r in zip(spec.models, results, strict=True)}
        extra = {}
        if spec.lake_options.compact:  # this run's own partitions, as `boundary lake compact`
            extra["compaction"] = compact_run(
                spec.lake,
                [m.name for m in spec.models],
                [b.name for b in spec.benchmarks],
                spec.lake_options.compact_target_mb,
            )
    manifest.finish("done", counters=counters, **extra)
    if progress:
        _print_summary(spec, run_id)
    return {"run_id": run_id, "counters": counters}


def start_ray() -> None:
    """Join ``RAY_ADDRESS`` (or the cluster a ``ray job submit`` runs in), else start a local one."""
    import ray
    from ray.data import DataContext

    from boundary_ray.settings import ray_address, verbose, worker_env

    if not ray.is_initialized():
        if not verbose():  # Ray's core logs an ERROR line for every actor with stored arguments
            os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
        ray.init(
            address=ray_address(),
            runtime_env={"env_vars": worker_env()},
            include_dashboard=False,
            logging_level="INFO" if verbose() else "ERROR",
            log_to_driver=verbose(),
        )
    if not verbose():
        logging.getLogger("ray.data").setLevel(logging.ERROR)
    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.verbose_stats_logs = False


def _model_row(model: ModelSpec, run_id: str) -> dict[str, Any]:
    return {
        "model": model.name,
        "source": model.source,
        "revision": model.revision,
        "prompt": model.prompt,
        "role": model.role,
        "tags": json.dumps(model.tags, sort_keys=True, default=str),
        "run_id": run_id,
    }


def build_requests(
    spec: Spec, run_id: str, model: ModelSpec, model_path: str, problems: dict[str, list[dict]]
) -> pa.Table:
    """The plan for one model: a request per run of missing samples of every problem."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path, revision=model.revision)
    prompts = PromptBuilder(model.prompt, spec.prompts, tokenizer)
    rows = []
    for bench in spec.benchmarks:
        by_id = {p["problem_id"]: p for p in problems[bench.name]}
        present = present_samples(spec.lake, model.name, bench.name)
        sampling = spec.sampling_for(model)  # the spec's, with the model's overrides
        for req in plan_requests(by_id, present, sampling.n, sampling.seed, model.name, bench.name):
            problem = by_id[req.problem_id]
            rows.append(
                {
                    "model": model.name,
                    "benchmark": bench.name,
                    "problem_id": req.problem_id,
                    "run_id": run_id,
                    "task": problem["task"],
                    "question": problem["question"],
                    "answer": problem.get("answer"),
                    "tests": problem.get("tests"),
                    "meta": problem.get("meta"),
                    "prompt": prompts.render(problem["question"], problem["task"]),
                    "first_idx": req.first_idx,
                    "n_new": req.n_new,
                    "seed": req.seed,
                    "stop": list(spec.prompts.raw_stop) if model.prompt == "raw" else [],
                }
            )
    return pa.Table.from_pylist(rows, schema=REQUEST_COLUMNS)


def _sample_model(
    spec: Spec, run_id: str, model: ModelSpec, model_path: str, problems: dict, progress: bool
) -> dict[str, int]:
    import ray.data

    from boundary_ray.sampler.engine import engine_kwargs
    from boundary_ray.sampler.placement import cluster_gpus, plan_placement
    from boundary_ray.sampler.vllm_sampler import VLLMSampler
    from boundary_ray.verifiers.router import TaskVerifier

    requests = build_requests(spec, run_id, model, model_path, problems)
    wanted = sum(requests.column("n_new").to_pylist())
    if wanted == 0:
        if progress:
            print(f"{model.name}: every sample is already in the lake", file=sys.stderr)
        return {"samples": 0, "correct": 0, "errors": 0, "tokens": 0, "sampling_wall_s": 0.0}
    placement = plan_placement(spec.engine, cluster_gpus())
    batch = spec.engine.batch_size
    blocks = [requests.slice(i, batch) for i in range(0, requests.num_rows, batch)]
    model_sampling = spec.sampling_for(model)
    sampling = {k: v for k, v in asdict(model_sampling).items() if k not in ("n", "seed")}
    ds = ray.data.from_arrow(blocks)
    ds = ds.map_batches(
        VLLMSampler,
        fn_constructor_kwargs={
            "llm_kwargs": engine_kwargs(
                spec.engine, model_path, placement.device, model_sampling.seed
            ),
            "sampling": sampling,
            "device": placement.device,
        },
        batch_size=batch,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(
            size=placement.replicas,
            # several batches share one engine: each thread submits to the engine loop
            max_tasks_in_flight_per_actor=spec.engine.in_flight,
            max_concurrent_calls_per_actor=spec.engine.in_flight,
            enable_true_multi_threading=True,
        ),
        **placement.remote_args,
    )
    ds = ds.map_batches(
        TaskVerifier,
        fn_constructor_kwargs={
            "math_timeout_s": spec.verify.math_timeout_s,
            "code_timeout_s": spec.verify.code_timeout_s,
        },
        batch_size=None,  # each sampled batch as it comes
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=spec.verify.workers),
        num_cpus=0.5,
    )
    ds = with_lake_writer(ds, spec.lake, "samples")
    try:
        return _drain(ds, wanted, model.name, progress)
    finally:
        placement.release()  # placement groups of tensor-parallel engines (none otherwise)


def _drain(ds: Any, wanted: int, label: str, progress: bool) -> dict[str, int]:
    """Run the pipeline, counting what the writer reports; a live bar shows samples/s."""
    from tqdm import tqdm

    totals: Counter[str] = Counter()
    ready_at = float("inf")  # when the first engine could sample: excludes engine start
    bar = tqdm(total=wanted, unit="sample", desc=label, disable=not progress, dynamic_ncols=True)
    for summary in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
        for row in summary.to_pylist():
            ready_at = min(ready_at, row.pop("engine_ready_at") or ready_at)
            if progress:  # samples/s counted from engine ready, not engine start
                bar.start_t = max(bar.start_t, ready_at)
            totals.update({k: int(v) for k, v in row.items()})
            bar.update(int(row["rows"]))
        elapsed = max(time.time() - ready_at, 1e-9)
        bar.set_postfix(
            correct=f"{totals['correct'] / max(totals['rows'], 1):.1%}",
            tok_s=f"{totals['tokens'] / elapsed:.0f}",
        )
    bar.close()
    if totals["rows"] != wanted:
        raise BoundaryError(f"{label}: wrote {totals['rows']} samples, planned {wanted}")
    return {
        "samples": totals["rows"],
        "correct": totals["correct"],
        "errors": totals["errors"],
        "tokens": totals["tokens"],
        "sampling_wall_s": round(time.time() - ready_at, 3),
    }


def _print_summary(spec: Spec, run_id: str) -> None:
    print(f"\nrun {run_id} done; lake: {spec.lake}")
    from boundary_ray.analysis import run_query
    from boundary_ray.formatting import format_table

    print(format_table(run_query("pass_at_k", spec.lake, {}), "table", None))
