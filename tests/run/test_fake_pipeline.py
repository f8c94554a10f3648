"""The real ``boundary run`` pipeline (planning, Ray Data, engine-stage actors, verifier actors,
lake writer, manifest) on the fake engine: counters, exactly-once keys and resume, in seconds."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from boundary_ray import schema
from boundary_ray.lake.reader import list_files, read_table
from boundary_ray.run.pipeline import run_spec
from boundary_ray.spec import spec_from_dict

pytestmark = pytest.mark.ray  # a local Ray instance: ~2.5 min here on 2 shared cores

SOURCE = "fake:canned?accuracy=0.4&tokens=30&seed=0&length=0.15"


def _spec(lake: Path, n: int):
    return spec_from_dict(
        {
            "lake": str(lake),
            "models": [{"name": "fake", "source": SOURCE}],
            "benchmarks": [{"name": "arith", "source": "synthetic:arith?ops=1-3&per_op=2&seed=0"}],
            "sampling": {"n": n, "max_tokens": 64, "seed": 0},
            "engine": {"batch_size": 2, "in_flight": 2},
        }
    )


def _samples(lake: Path) -> list[dict]:
    rows = read_table(str(lake), "samples").to_pylist()
    return sorted(rows, key=lambda r: (r["problem_id"], r["sample_idx"]))


def _key(row: dict) -> tuple:
    return row["model"], row["benchmark"], row["problem_id"], row["sample_idx"]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    lake = tmp_path_factory.mktemp("fake") / "lake"
    return lake, run_spec(_spec(lake, 6), progress=False)


def test_counters_per_model_match_the_lake_and_the_manifest(first_run: tuple[Path, dict]) -> None:
    lake, result = first_run
    rows = _samples(lake)
    counters = result["counters"]["fake"]
    assert counters["samples"] == len(rows) == 6 * 6
    verdicts = Counter(r["verdict"] for r in rows)
    assert counters["verdicts"] == {v: verdicts.get(v, 0) for v in schema.VERDICTS}
    assert counters["correct"] == verdicts["correct"] > 0
    truncated = sum(r["finish_reason"] == "length" for r in rows)
    assert counters["truncated"] == truncated > 0
    assert counters["tokens"] == sum(r["response_tokens"] for r in rows)
    assert counters["sampling_wall_s"] > 0  # counted from the engine's ready time
    manifest = json.loads((lake / "runs" / f"{result['run_id']}.json").read_text())
    assert manifest["status"] == "done" and manifest["counters"]["fake"] == counters


def test_local_ray_workers_run_at_the_drivers_priority(first_run: tuple[Path, dict]) -> None:
    """Ray starts workers at nice 15, below its daemons and the driver; the CPU engine is a
    worker, so the local cluster ``boundary run`` starts gives its workers nice 0."""
    import ray

    @ray.remote(num_cpus=0)
    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, 0)

    assert ray.get(niceness.remote()) == os.getpriority(os.PRIO_PROCESS, 0)  # 15 above by default


def test_a_cpu_engine_actor_starts_with_one_malloc_arena(first_run: tuple[Path, dict]) -> None:
    """glibc reads MALLOC_ARENA_MAX when a process starts: the CPU engine's actor must have it in
    the environment it was started with, beside the run's own worker variables."""
    import ray

    from boundary_ray.sampler.placement import plan_placement
    from boundary_ray.spec import EngineSpec

    @ray.remote
    class Probe:
        def started_with(self) -> list[str]:
            with open("/proc/self/environ", "rb") as f:
                return [v.decode() for v in f.read().split(b"\0") if v]

    args = plan_placement(EngineSpec(), gpus=0).remote_args
    started_with = ray.get(Probe.options(**args).remote().started_with.remote())
    assert "MALLOC_ARENA_MAX=1" in started_with
    assert "TOKENIZERS_PARALLELISM=false" in started_with  # the run's runtime_env still applies


def test_a_cpu_engine_actor_reuses_its_large_buffers(first_run: tuple[Path, dict]) -> None:
    """A CPU engine step frees and reallocates ~300 MB of 50-100 MB tensors. In the engine's
    actor they come back from the heap without page faults; a plain worker maps them afresh and
    faults on every 4 KiB page (12,800 faults for 50 MiB)."""
    import ray

    from boundary_ray.sampler.placement import plan_placement
    from boundary_ray.spec import EngineSpec

    def refault_pages(size: int) -> int:
        """Page faults taken by a second ``malloc(size)`` after the first was written and freed:
        what each engine step pays for its large buffers (defined here, so Ray ships it by value)."""
        import ctypes
        import resource

        libc = ctypes.CDLL(None)
        libc.malloc.restype = ctypes.c_void_p
        libc.free.argtypes = [ctypes.c_void_p]
        faults = []
        for _ in range(2):
            buffer = libc.malloc(size)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            ctypes.memset(buffer, 1, size)
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
            libc.free(buffer)
        return faults[1]

    size = 50 << 20
    args = plan_placement(EngineSpec(), gpus=0).remote_args
    engine_like = ray.remote(refault_pages).options(runtime_env=args["runtime_env"])
    assert ray.get(engine_like.remote(size)) < 500
    assert ray.get(ray.remote(refault_pages).remote(size)) > size // 4096 // 2  # the probe works


def test_lake_rows_have_exactly_the_declared_columns(first_run: tuple[Path, dict]) -> None:
    lake, result = first_run
    for path in list_files(str(lake), "samples"):
        assert pq.read_schema(path).names == schema.file_schema("samples").names
    rows = _samples(lake)
    assert len({_key(r) for r in rows}) == len(rows)
    assert all(r["run_id"] == result["run_id"] and "Question:" in r["prompt"] for r in rows)


def test_resume_after_a_partial_lake_gives_every_key_once_and_the_same_samples(
    first_run: tuple[Path, dict],
) -> None:
    lake, _ = first_run
    before = {_key(r): r["response"] for r in _samples(lake)}
    assert run_spec(_spec(lake, 6), progress=False)["counters"]["fake"]["samples"] == 0
    files = list_files(str(lake), "samples")
    lost = files[: len(files) // 2]  # as if a killed run had written only the other half
    lost_rows = sum(pq.read_metadata(p).num_rows for p in lost)
    for path in lost:
        Path(path).unlink()
    again = run_spec(_spec(lake, 6), progress=False)
    assert again["counters"]["fake"]["samples"] == lost_rows > 0
    after = {_key(r): r["response"] for r in _samples(lake)}
    assert after == before  # every key once, redrawn identically
    more = run_spec(_spec(lake, 8), progress=False)
    rows = _samples(lake)
    assert more["counters"]["fake"]["samples"] == 6 * 2 and len(rows) == 6 * 8
    assert len({_key(r) for r in rows}) == len(rows)
    assert {r["sample_idx"] for r in rows if r["run_id"] == more["run_id"]} == {6, 7}
