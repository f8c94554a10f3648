"""How much slower is ``boundary run`` than a bare ``vllm.LLM.generate`` on the same requests?

Both sides get the same planned requests (prompts, n, seeds, sampling parameters) for the bundled
SmolLM2-135M-Instruct on the CPU engine. The bare side times one ``LLM.generate`` call; the
pipeline side runs the whole Ray Data pipeline (sampling, math verification and lake writes) and
is timed from the moment its engine was ready to the last file written, so engine start is
excluded on both sides. Each side runs in its own process, the bare one with the environment
the pipeline's CPU engine actor starts with (``CPU_ENGINE_PROCESS_ENV``: glibc's malloc settings).

One pair is not a measurement on a shared 2-core VM: the same bare run took 154-214 s within
a day, and the host's share of stolen CPU time is printed with every run, and how far the wall
clock (both sides time with it) moved against the monotonic clock while it ran. ``--repeat R``
runs R pairs, bare first in odd pairs and pipeline first in even ones (drift over the hour falls
on both sides alike), and prints every pair's ratio and the ratio four ways: the median of the
pairs' ratios, and the ratio of the sides' medians, means and minimums. Every run also prints
what the engine's two compute threads got over the middle half of the run (``engine_threads.py``:
their share of the cores, how often they were preempted, the cores' idle time). ``--actor`` adds
a third side: the bare side inside a plain Ray actor on the same local cluster, which tells what
Ray costs the engine by itself from what the pipeline adds.

    python perf/pipeline_overhead.py --problems 32 --n 8 --max-tokens 160 --repeat 8
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from engine_threads import EngineThreads, machine_ticks  # perf/, next to this script


def make_spec(args: argparse.Namespace, lake: str):
    """The benchmark's spec: synthetic problems, the bundled model, one engine."""
    from boundary_ray.spec import spec_from_dict

    per_op = max(1, args.problems // 4)
    return spec_from_dict(
        {
            "lake": lake,
            "models": [{"name": "smol", "source": "builtin:smollm2-135m-instruct"}],
            "benchmarks": [
                {"name": "arith", "source": f"synthetic:arith?ops=1-4&per_op={per_op}&seed=0"}
            ],
            "sampling": {"n": args.n, "max_tokens": args.max_tokens, "seed": 0},
            "engine": {"batch_size": args.batch_size, "in_flight": args.in_flight},
        }
    )


def plan(args: argparse.Namespace) -> tuple[Any, dict]:
    """The spec and its planned requests, as the pipeline would send them; and the engine's
    keyword arguments."""
    from boundary_ray.benchmarks import load_problems
    from boundary_ray.run.model_plan import plan_models
    from boundary_ray.run.pipeline import build_requests
    from boundary_ray.sampler.engine import engine_kwargs

    with tempfile.TemporaryDirectory() as lake:
        spec = make_spec(args, lake)
        problems = {b.name: load_problems(b) for b in spec.benchmarks}
        model_plan = plan_models(spec, problems)[0]
        path = model_plan.path
        requests = build_requests(spec, "bare", model_plan, problems).to_pylist()
    return spec, {
        "requests": requests,
        "llm_kwargs": engine_kwargs(spec.engine, path, "cpu", spec.sampling.seed),
    }


def timed_generate(llm: Any, spec: Any, requests: list[dict]) -> dict:
    """One ``llm.generate`` over ``requests``, timed."""
    from boundary_ray.sampler.sampling import Sampling, vllm_sampling_params

    sampling = Sampling.for_model(spec, spec.models[0])
    params = [vllm_sampling_params(sampling, r["n_new"], r["seed"]) for r in requests]
    start = time.time()  # the wall clock, as the pipeline side's ready time is (from its actor)
    outputs = llm.generate([r["prompt"] for r in requests], params, use_tqdm=False)
    wall = time.time() - start
    tokens = sum(len(c.token_ids) for o in outputs for c in o.outputs)
    return {"wall_s": wall, "tokens": tokens, "samples": sum(len(o.outputs) for o in outputs)}


def run_bare(args: argparse.Namespace) -> dict:
    """One ``LLM.generate`` over every planned request; engine start not timed."""
    from boundary_ray.sampler.engine import apply_cpu_environment

    apply_cpu_environment()  # before the tokenizer in plan() imports torch (and its OpenMP)
    spec, job = plan(args)
    from vllm import LLM

    return timed_generate(LLM(**job["llm_kwargs"]), spec, job["requests"])


def run_actor(args: argparse.Namespace) -> dict:
    """The bare side inside one plain Ray actor (the engine on its main thread, no Ray Data) on
    the local cluster ``boundary run`` starts: what hosting the engine in Ray costs by itself."""
    import ray

    from boundary_ray.run.ray_session import start_ray
    from boundary_ray.sampler.engine import CPU_ENGINE_PROCESS_ENV, cpu_environment

    spec, job = plan(args)
    start_ray()

    env = {**cpu_environment(), **CPU_ENGINE_PROCESS_ENV}

    @ray.remote(num_cpus=1, runtime_env={"env_vars": env})
    class BareEngine:
        def __init__(self) -> None:
            from vllm import LLM

            self.llm = LLM(**job["llm_kwargs"])

        def generate(self) -> dict:
            return timed_generate(self.llm, spec, job["requests"])

    return ray.get(BareEngine.remote().generate.remote())


def run_pipeline(args: argparse.Namespace) -> dict:
    """The whole ``boundary run`` pipeline, timed from engine ready to the last write."""
    from boundary_ray.run.pipeline import run_spec

    with tempfile.TemporaryDirectory() as lake:
        start = time.time()
        result = run_spec(make_spec(args, lake), progress=False)
        total = time.time() - start
    counters = result["counters"]["smol"]
    return {
        "wall_s": counters["sampling_wall_s"],
        "total_s": total,
        "tokens": counters["tokens"],
        "samples": counters["samples"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=32)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--in-flight", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1, help="bare/pipeline pairs to run")
    parser.add_argument(
        "--actor",
        action="store_true",
        help="also run the bare side inside a plain Ray actor (what Ray costs by itself)",
    )
    parser.add_argument("--side", choices=list(SIDES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        result = SIDES[args.side](args)
        print("RESULT " + json.dumps(result))
        return
    print(f"requests: {args.problems} problems x n={args.n}, max_tokens={args.max_tokens}")
    sides = ["bare", "pipeline"] + (["actor"] if args.actor else [])
    walls: dict[str, list[float]] = {side: [] for side in sides}
    for pair in range(args.repeat):
        for side in sides if pair % 2 == 0 else sides[::-1]:  # drift falls on every side alike
            result = run_side(side)
            walls[side].append(result["wall_s"])
            notes = ""
            if "total_s" in result:  # the pipeline side: Ray and engine start included
                notes = f"  (whole run: {result['total_s']:.1f} s)"
            if "share_pct" in result:  # engine_threads.py, over the middle half of the run
                notes += (
                    f"  (engine threads: {result['share_pct']:.1f} % of the cores,"
                    f" preempted {result['preempted_per_s']:.0f}/s;"
                    f" cores idle {result['idle_pct']:.1f} %)"
                )
            print(
                f"pair {pair + 1} {side:<8} {result['wall_s']:7.1f} s  {result['tokens']} tokens"
                f"  {result['tokens'] / result['wall_s']:6.1f} tok/s{notes}"
                f"  (CPU time the host stole while the side ran: {result['steal_pct']:.1f} %;"
                f" wall clock against monotonic: {result['clock_jump_s']:+.2f} s)",
                flush=True,
            )
        for side in sides[1:]:
            ratio = walls[side][-1] / walls["bare"][-1]
            print(f"pair {pair + 1} ratio {side}/bare (engine start excluded): {ratio:.3f}")
    for side in sides[1:]:
        print_summary(side, walls[side], walls["bare"])


def print_summary(side: str, walls: list[float], bare: list[float]) -> None:
    """``side`` against bare four ways: the median of the pairs' ratios, and the ratio of the
    sides' medians, means and minimums (the least disturbed run of each side: a shared host's
    noise only ever adds time)."""
    if len(bare) < 2:
        return
    ratios = [w / b for w, b in zip(walls, bare, strict=True)]
    print(f"{side}/bare, median of {len(ratios)} pair ratios: {statistics.median(ratios):.3f}")
    for name, stat in (("median", statistics.median), ("mean", statistics.mean), ("minimum", min)):
        print(
            f"{side}/bare, ratio of the {name}s: {stat(walls) / stat(bare):.3f}"
            f"  ({side} {stat(walls):.1f} s, bare {stat(bare):.1f} s)"
        )


def cpu_steal() -> tuple[int, int]:
    """(stolen, total) CPU ticks of this machine so far, from ``/proc/stat`` (0, 0 elsewhere)."""
    try:
        ticks = machine_ticks()
    except (OSError, ValueError, IndexError):
        return 0, 0
    return ticks[7], sum(ticks)


def run_side(side: str) -> dict:
    """One side in its own process (``--side``), with this run's other arguments; adds the
    share of CPU time the host stole from this VM while it ran (``steal_pct``), and how far the
    wall clock moved against the monotonic one meanwhile (``clock_jump_s``: a VM paused or its
    clock set; both sides time with the wall clock, which counts such a gap)."""
    from boundary_ray.sampler.engine import CPU_ENGINE_PROCESS_ENV

    cmd = [sys.executable, str(Path(__file__).resolve()), "--side", side] + sys.argv[1:]
    steal_before, total_before = cpu_steal()
    offset_before = time.time() - time.monotonic()
    env = {**os.environ, **CPU_ENGINE_PROCESS_ENV} if side == "bare" else None  # as the actors
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        watch = EngineThreads(proc.pid).start()
        stdout, stderr = proc.communicate()
    threads = watch.stop()
    clock_jump = time.time() - time.monotonic() - offset_before
    steal_after, total_after = cpu_steal()
    lines = [ln for ln in stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"{side} failed:\n{stderr[-3000:]}")
    result = json.loads(lines[-1].removeprefix("RESULT "))
    ticks = max(total_after - total_before, 1)
    return {
        **result,
        **threads,
        "steal_pct": 100 * (steal_after - steal_before) / ticks,
        "clock_jump_s": clock_jump,
    }


SIDES = {"bare": run_bare, "pipeline": run_pipeline, "actor": run_actor}

if __name__ == "__main__":
    main()
