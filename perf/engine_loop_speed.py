"""Does stepping the vLLM engine from the sampler's loop thread cost throughput?

One process, one engine (the bundled SmolLM2 on the CPU build): the same requests go through
``LLM.generate`` on the main thread and through ``VLLMSampler`` (its engine-loop thread), twice
each, alternating. Same seeds, so both sides generate the same tokens.

    python perf/engine_loop_speed.py --problems 8 --n 8 --max-tokens 96
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=8)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=96)
    args = parser.parse_args()

    import pyarrow as pa

    from boundary_ray import schema
    from boundary_ray.models.builtin import prepare_builtin
    from boundary_ray.sampler.engine import engine_kwargs
    from boundary_ray.sampler.sampling import Sampling, vllm_sampling_params
    from boundary_ray.sampler.vllm_sampler import VLLMSampler
    from boundary_ray.spec import EngineSpec

    model = str(prepare_builtin("smollm2-135m-instruct"))
    sampling = Sampling(temperature=0.6, top_p=0.95, max_tokens=args.max_tokens)
    sampler = VLLMSampler(engine_kwargs(EngineSpec(), model, "cpu", 0), sampling, "cpu")
    requests = [
        {
            "model": "smol",
            "benchmark": "b",
            "problem_id": str(i),
            "run_id": "r",
            "task": "math",
            "question": "q",
            "answer": "1",
            "n_new": args.n,
            "first_idx": 0,
            "seed": 1000 + i,
            "prompt": f"<|im_start|>user\nWhat is {i}+{i * 3}? Think step by step.<|im_end|>\n<|im_start|>assistant\n",
        }
        for i in range(args.problems)
    ]
    prompts = [r["prompt"] for r in requests]
    params = [vllm_sampling_params(sampling, r["n_new"], r["seed"]) for r in requests]
    sampler.llm.generate(prompts[:2], params[:2], use_tqdm=False)
    for _ in range(2):
        start = time.perf_counter()
        outputs = sampler.llm.generate(prompts, params, use_tqdm=False)
        wall = time.perf_counter() - start
        tokens = sum(len(c.token_ids) for o in outputs for c in o.outputs)
        print(f"main-thread LLM.generate: {tokens} tokens {wall:6.1f} s {tokens / wall:6.1f} tok/s")
        start = time.perf_counter()
        table = sampler(pa.Table.from_pylist(requests, schema=schema.REQUESTS))
        wall = time.perf_counter() - start
        tokens = sum(table.column("response_tokens").to_pylist())
        print(f"engine-loop thread:       {tokens} tokens {wall:6.1f} s {tokens / wall:6.1f} tok/s")


if __name__ == "__main__":
    main()
