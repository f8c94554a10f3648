"""Math verification speed on a lake-like distribution: many samples per problem, few distinct
answers (as at n = 1024). Times ``boundary verify math FILE.jsonl`` (the CLI, in a subprocess)
and the pipeline's verify stage (``VerifyAndWrite`` on sampled batches, writing a temporary
lake), and prints samples per wall second and per CPU second (every process counted: the
math-verify child too), which is the per-core rate on a busy machine. The CLI's start-up (the
interpreter, imports and the math-verify child: a one-sample run) is printed apart.

    python perf/math_verify_speed.py --problems 16 --n 1024
    python perf/math_verify_speed.py --code /tmp/base-checkout   # the same, on other code

Problems and golds are the first ``--problems`` of ``--benchmark`` (MATH-500). Each problem's
samples draw their final answer from a few values: the gold (35 %), five wrong values (the golds
of other problems, 50 %: 20/12/8/6/4), a last-number-only answer (7 %) and a truncated response
with no answer (8 %); each response is ~1,500 characters of its own worked steps, so no two are
the same text. The distribution is seeded (``--seed``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = (("gold", 0.35), ("w0", 0.20), ("w1", 0.12), ("w2", 0.08), ("w3", 0.06), ("w4", 0.04))
WEIGHTS += (("last_number", 0.07), ("truncated", 0.08))


def responses(problems: list[dict], n: int, seed: int) -> list[dict]:
    """``n`` samples of each problem: ``response``, ``answer`` (gold), ``question``,
    ``finish_reason``, and the problem's id."""
    rng = random.Random(seed)
    golds = [p["answer"] for p in problems]
    rows = []
    for index, problem in enumerate(problems):
        others = [g for g in golds[index + 1 :] + golds[:index] if g != problem["answer"]][:5]
        values = {"gold": problem["answer"], **{f"w{i}": g for i, g in enumerate(others)}}
        kinds = [k for k, _ in WEIGHTS]
        weights = [w for _, w in WEIGHTS]
        for sample in range(n):
            kind = rng.choices(kinds, weights)[0]
            steps = " ".join(_step(rng) for _ in range(24))
            if kind == "truncated":
                text, finish = steps, "length"
            elif kind == "last_number":
                text, finish = f"{steps} So we get {rng.randint(2, 99)}.", "stop"
            else:
                answer = values.get(kind, problem["answer"])
                text, finish = (
                    f"{steps} Therefore the final answer is $\\boxed{{{answer}}}$.",
                    "stop",
                )
            rows.append(
                {
                    "problem_id": problem["problem_id"],
                    "sample_idx": sample,
                    "question": problem["question"],
                    "answer": problem["answer"],
                    "response": text,
                    "finish_reason": finish,
                    "said": kind if kind in ("last_number", "truncated") else answer,
                }
            )
    return rows


def _step(rng: random.Random) -> str:
    a, b = rng.randint(2, 99), rng.randint(2, 99)
    return f"Next we add {a} and {b}, which gives {a} + {b} = {a + b}, as expected."


def time_cli(rows: list[dict], code: Path, tmp: Path) -> dict:
    """``boundary verify math`` over ``rows``: wall and CPU seconds of the whole process tree."""
    path = tmp / "in.jsonl"
    fields = ("response", "answer", "question", "finish_reason")
    path.write_text("".join(json.dumps({k: r[k] for k in fields}) + "\n" for r in rows))
    env = {**os.environ, "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", "verify", "math", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(code),
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    verdicts = [json.loads(line)["verdict"] for line in done.stdout.splitlines()]
    return {"samples": len(rows), "wall_s": wall, "cpu_s": cpu, "verdicts": _count(verdicts)}


def time_stage(rows: list[dict], batch_rows: int, tmp: Path) -> dict:
    """The pipeline's verify stage (``VerifyAndWrite``: verify, then write the samples) over
    ``rows`` in batches of ``batch_rows``: wall and CPU seconds, this process and its child."""
    import pyarrow as pa

    from boundary_ray import schema
    from boundary_ray.run.pipeline import VerifyAndWrite

    stage = VerifyAndWrite(str(tmp / "lake"), 5.0, 10.0, tasks=["math"])
    math = stage.verifier.verifiers["math"]
    math.compare("1", "1")  # the child is up: its start is not counted, as in the pipeline
    batches = []
    for first in range(0, len(rows), batch_rows):
        batch = []
        for row in rows[first : first + batch_rows]:
            batch.append(
                {
                    "model": "m",
                    "benchmark": "math500",
                    "problem_id": row["problem_id"],
                    "run_id": "perf",
                    "prompt": "",
                    "task": "math",
                    "question": row["question"],
                    "answer": row["answer"],
                    "sample_idx": row["sample_idx"],
                    "seed": 0,
                    "response": row["response"],
                    "response_tokens": len(row["response"]) // 4,
                    "cum_logprob": None,
                    "finish_reason": row["finish_reason"],
                }
            )
        batches.append(pa.Table.from_pylist(batch, schema=schema.SAMPLER_ROWS))
    child = math.child_pid()
    child_cpu = _proc_cpu(child)
    cpu0, start = time.process_time(), time.perf_counter()
    verdicts: dict[str, int] = {}
    for batch in batches:
        summary = stage(batch).to_pylist()[0]
        for key, value in summary.items():
            if key.startswith("verdict:"):
                verdicts[key[8:]] = verdicts.get(key[8:], 0) + value
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    if math.child_pid() == child:
        cpu += _proc_cpu(child) - child_cpu
    stage.verifier.close()
    return {"samples": len(rows), "wall_s": wall, "cpu_s": cpu, "verdicts": verdicts}


def _proc_cpu(pid: int | None) -> float:
    """User + system CPU seconds of a running process (0 if unknown)."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _count(items: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=16)
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-problems", type=int, default=2, help="problems per stage batch")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code is timed")
    parser.add_argument(
        "--benchmark", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "math500.jsonl"
    )
    parser.add_argument("--skip", default="", help="comma list: cli, stage")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))

    from boundary_ray.benchmarks.files import load_file
    from boundary_ray.spec import BenchmarkSpec

    problems = load_file(BenchmarkSpec(name="math500", source=str(args.benchmark)))
    problems = problems[: args.problems]
    rows = responses(problems, args.n, args.seed)
    distinct = len({(r["problem_id"], r["said"]) for r in rows})
    result = {
        "code": str(args.code),
        "problems": len(problems),
        "n": args.n,
        "samples": len(rows),
        "distinct_answers": distinct,  # per problem: gold, 5 wrong, last number, none
    }
    with tempfile.TemporaryDirectory() as tmp:
        if "cli" not in args.skip:
            start = time_cli(rows[:1], args.code.resolve(), Path(tmp))  # start-up: one sample
            cli = _rates(time_cli(rows, args.code.resolve(), Path(tmp)))
            cli["startup_wall_s"], cli["startup_cpu_s"] = start["wall_s"], start["cpu_s"]
            cli["samples_per_cpu_s_after_startup"] = round(
                (len(rows) - 1) / (cli["cpu_s"] - start["cpu_s"]), 1
            )
            result["cli"] = cli
        if "stage" not in args.skip:
            batch = args.batch_problems * args.n
            result["stage"] = _rates(time_stage(rows, batch, Path(tmp)))
    print(json.dumps(result, indent=1))


def _rates(timing: dict) -> dict:
    return {
        **timing,
        "samples_per_s": round(timing["samples"] / timing["wall_s"], 1),
        "samples_per_cpu_s": round(timing["samples"] / timing["cpu_s"], 1),
    }


if __name__ == "__main__":
    main()
