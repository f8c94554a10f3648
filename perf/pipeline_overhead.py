"""How much slower is ``boundary run`` than a bare ``vllm.LLM.generate`` on the same requests?

Both sides get the same planned requests (prompts, n, seeds, sampling parameters) for the bundled
SmolLM2-135M-Instruct on the CPU engine. The bare side times one ``LLM.generate`` call; the
pipeline side runs the whole Ray Data pipeline (sampling, math verification and lake writes) and
is timed from the moment its engine was ready to the last file written, so engine start is
excluded on both sides. Each side runs in its own process.

One pair is not a measurement on a shared 2-core VM: the same bare run took 154-195 s within
two hours. ``--repeat R`` alternates the two sides R times and prints every pair's ratio and the
median of the ratios.

    python perf/pipeline_overhead.py --problems 32 --n 8 --max-tokens 160 --repeat 2
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


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


def run_bare(args: argparse.Namespace) -> dict:
    """One ``LLM.generate`` over every planned request; engine start not timed."""
    from boundary_ray.benchmarks import load_problems
    from boundary_ray.models import resolve_model_source
    from boundary_ray.pipeline import build_requests
    from boundary_ray.sampler.engine import apply_cpu_environment, engine_kwargs
    from boundary_ray.sampler.sampling import Sampling, vllm_sampling_params

    with tempfile.TemporaryDirectory() as lake:
        spec = make_spec(args, lake)
        model = spec.models[0]
        path = resolve_model_source(model.source)
        problems = {b.name: load_problems(b) for b in spec.benchmarks}
        requests = build_requests(spec, "bare", model, path, problems).to_pylist()
    apply_cpu_environment()
    from vllm import LLM

    llm = LLM(**engine_kwargs(spec.engine, path, "cpu", spec.sampling.seed))
    sampling = Sampling.for_model(spec, model)
    params = [vllm_sampling_params(sampling, r["n_new"], r["seed"]) for r in requests]
    start = time.perf_counter()
    outputs = llm.generate([r["prompt"] for r in requests], params, use_tqdm=False)
    wall = time.perf_counter() - start
    tokens = sum(len(c.token_ids) for o in outputs for c in o.outputs)
    return {"wall_s": wall, "tokens": tokens, "samples": sum(len(o.outputs) for o in outputs)}


def run_pipeline(args: argparse.Namespace) -> dict:
    """The whole ``boundary run`` pipeline, timed from engine ready to the last write."""
    from boundary_ray.pipeline import run_spec

    with tempfile.TemporaryDirectory() as lake:
        start = time.perf_counter()
        result = run_spec(make_spec(args, lake), progress=False)
        total = time.perf_counter() - start
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
    parser.add_argument("--side", choices=["bare", "pipeline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        result = run_bare(args) if args.side == "bare" else run_pipeline(args)
        print("RESULT " + json.dumps(result))
        return
    print(f"requests: {args.problems} problems x n={args.n}, max_tokens={args.max_tokens}")
    ratios = []
    for _ in range(args.repeat):
        bare, pipe = (run_side(side) for side in ("bare", "pipeline"))
        print(
            f"bare vLLM generate: {bare['wall_s']:7.1f} s  {bare['tokens']} tokens"
            f"  {bare['tokens'] / bare['wall_s']:6.1f} tok/s"
        )
        print(
            f"boundary pipeline:  {pipe['wall_s']:7.1f} s  {pipe['tokens']} tokens"
            f"  {pipe['tokens'] / pipe['wall_s']:6.1f} tok/s"
            f"  (whole run with Ray and engine start: {pipe['total_s']:.1f} s)"
        )
        ratios.append(pipe["wall_s"] / bare["wall_s"])
        print(f"ratio pipeline/bare (engine start excluded): {ratios[-1]:.3f}")
    if len(ratios) > 1:
        print(f"median of {len(ratios)} ratios: {statistics.median(ratios):.3f}")


def run_side(side: str) -> dict:
    """One side in its own process (``--side``), with this run's other arguments."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--side", side] + sys.argv[1:]
    done = subprocess.run(cmd, capture_output=True, text=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.exit(f"{side} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


if __name__ == "__main__":
    main()
