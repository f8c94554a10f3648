"""``boundary score``: one Ray Data pipeline per scorer model.

    responses to score ──► map_batches(VLLMScorer, engine actors) ──► map_batches(ParquetLakeWriter)
                       ──► progress on the driver

The selection (``select.py``) leaves out every key the scorer already has, so an interrupted
run, rerun, ends with each (scorer, model, benchmark, problem_id, sample_idx) exactly once,
and a finished one starts no engine at all.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from boundary_ray import schema
from boundary_ray.errors import BoundaryError
from boundary_ray.lake.manifest import RunManifest, new_run_id
from boundary_ray.lake.reader import read_table
from boundary_ray.lake.writer import with_lake_writer
from boundary_ray.models import resolve_model_source
from boundary_ray.prompts import PromptBuilder
from boundary_ray.run.ray_session import start_ray
from boundary_ray.scoring.select import select_responses, selected_partitions
from boundary_ray.spec import ModelSpec, Spec, load_spec

STATUSES = ("ok", "too_long", "error")


def score_spec_file(
    path: str | Path, overrides: dict[str, Any] | None = None, progress: bool = True
) -> dict[str, Any]:
    """Load the spec at ``path`` (with dotted-key ``overrides``) and score its ``score`` section."""
    return score_spec(load_spec(path, overrides), progress=progress)


def score_spec(spec: Spec, progress: bool = True) -> dict[str, Any]:
    """Score every selected response missing from ``scores/`` under each scorer of ``spec``.

    Returns ``{"run_id": ..., "counters": {scorer: {"scored", "ok", "too_long", "error",
    "tokens", "seconds"}}}``; the same counters go into the run manifest.
    """
    selected_partitions(spec.lake, spec.score)  # bad filters and an empty lake fail here, early
    scorers = [spec.model(name) for name in spec.score.scorers] or list(spec.models)
    sources = {m.name: resolve_model_source(m.source) for m in scorers}
    run_id = new_run_id()
    manifest = RunManifest(spec.lake, run_id, spec, command="score")
    with manifest.guard():
        counters = {
            m.name: _score_with(spec, run_id, m, sources[m.name], progress) for m in scorers
        }
    manifest.finish("done", counters=counters)
    if progress:
        print(f"\nscore run {run_id} done; lake: {spec.lake}")
    return {"run_id": run_id, "counters": counters}


def build_score_requests(spec: Spec, run_id: str, scorer: ModelSpec, scorer_path: str) -> pa.Table:
    """One row per response ``scorer`` still lacks, with the scorer's own prompt for it."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(scorer_path, revision=scorer.revision)
    prompts = PromptBuilder(scorer.prompt, spec.prompts, tokenizer)
    rows = []
    for resp in select_responses(spec.lake, spec.score, scorer.name):
        question_known = resp["reason"] is None
        rows.append(
            {
                "scorer": scorer.name,
                "model": resp["model"],
                "benchmark": resp["benchmark"],
                "problem_id": resp["problem_id"],
                "sample_idx": resp["sample_idx"],
                "run_id": run_id,
                "prompt": prompts.render(resp["question"], resp["task"])
                if question_known
                else None,
                "response": resp["response"],
                "reason": resp["reason"],
            }
        )
    return pa.Table.from_pylist(rows, schema=schema.SCORE_REQUESTS)


def _score_with(
    spec: Spec, run_id: str, scorer: ModelSpec, scorer_path: str, progress: bool
) -> dict[str, Any]:
    import ray.data

    from boundary_ray.sampler.engine import engine_kwargs
    from boundary_ray.sampler.placement import cluster_gpus, plan_placement
    from boundary_ray.sampler.stage import add_engine_stage, drain
    from boundary_ray.scoring.vllm_scorer import VLLMScorer

    requests = build_score_requests(spec, run_id, scorer, scorer_path)
    wanted = requests.num_rows
    if wanted == 0:
        if progress:
            print(f"{scorer.name}: every selected response is already scored", file=sys.stderr)
        return {"scored": 0, **{s: 0 for s in STATUSES}, "tokens": 0, "seconds": 0.0}
    start = time.perf_counter()
    start_ray()
    placement = plan_placement(spec.engine, cluster_gpus())
    batch = spec.engine.batch_size
    blocks = [requests.slice(i, batch) for i in range(0, wanted, batch)]
    kwargs = {
        "llm_kwargs": engine_kwargs(spec.engine, scorer_path, placement.device, spec.sampling.seed),
        "device": placement.device,
    }
    ds = ray.data.from_arrow(blocks)
    ds = add_engine_stage(ds, VLLMScorer, kwargs, placement, batch, spec.engine.in_flight)
    ds = with_lake_writer(ds, spec.lake, "scores")
    try:
        drain(ds, wanted, f"score:{scorer.name}", progress, unit="response")
    finally:
        placement.release()  # placement groups of tensor-parallel engines (none otherwise)
    counters = _run_counters(spec.lake, scorer.name, run_id)
    if counters["scored"] != wanted:
        raise BoundaryError(f"{scorer.name}: wrote {counters['scored']} scores, planned {wanted}")
    counters["seconds"] = round(time.perf_counter() - start, 2)
    return counters


def _run_counters(lake: str, scorer: str, run_id: str) -> dict[str, Any]:
    """Rows this run wrote for ``scorer``, by status, read back from the lake."""
    table = read_table(lake, "scores", {"scorer": scorer}, ["run_id", "status", "response_tokens"])
    table = table.filter(pc.equal(table.column("run_id"), run_id))
    statuses = Counter(table.column("status").to_pylist())
    ok = table.filter(pc.equal(table.column("status"), "ok"))
    return {
        "scored": table.num_rows,
        **{s: statuses.get(s, 0) for s in STATUSES},
        "tokens": int(pc.sum(ok.column("response_tokens")).as_py() or 0),
    }
