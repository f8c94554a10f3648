"""Rewards per second of ``boundary_ray.rewards.compute_score`` (verl's convention; TRL's
``reward`` is the same call per completion) on CPU, one process, one call at a time.

- math: ``--math N`` responses over GSM8K-style golds in the forms RL rollouts take: a boxed
  integer (the exact fast path), a boxed fraction or expression of a decimal gold (math-verify,
  in its child process), a wrong box, an answer stated in words, no answer at all;
- code: HumanEval's canonical solutions (``--code N`` problems; each a sandboxed run judged on
  the host, reference runs included), and as many wrong programs.

The first call of each kind (the math-verify child, the sandbox check) is made before timing.
Prints one line per kind: rewards, seconds, rewards/s of wall time, rewards per CPU-second of
this process and everything it starts (the math-verify child, the sandbox's runs), measured as
``perf/code_verify_speed.py`` does, in a cpuacct cgroup of its own (cgroup v1, root only; else
omitted): it moves much less with the machine's load than the wall figure. And the share
rewarded 1.0.

    python perf/reward_speed.py --math 2000 --code 40
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time

from code_verify_speed import _cpu_seconds, _enter_cpuacct, _leave_cpuacct  # same folder


def math_cases(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        a, b = rng.randint(2, 999), rng.randint(2, 99)
        form = i % 5
        if form == 0:
            cases.append((f"Adding, {a} + {b} = {a + b}.\n\\boxed{{{a + b}}}", str(a + b)))
        elif form == 1:  # 0.5 as \frac{1}{2}: math-verify decides
            cases.append((f"So $x = \\boxed{{\\frac{{{a}}}{{{2 * a}}}}}$", "0.5"))
        elif form == 2:
            cases.append((f"The total is \\boxed{{{a + b + 1}}}", str(a + b)))
        elif form == 3:
            cases.append((f"We find the answer is {a * b}.", str(a * b)))
        else:
            cases.append(("Let me think about this step by step. " * 20, str(a)))
    return cases


def timed(label: str, calls: list[tuple], warm: tuple) -> dict:
    from boundary_ray import rewards

    cgroup = _enter_cpuacct()  # before the math-verify child starts: it is counted too
    rewards.compute_score(*warm)  # the math-verify child starts, the sandbox is checked
    cpu, start = _cpu_seconds(cgroup), time.perf_counter()
    scores = [rewards.compute_score(*call) for call in calls]
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds(cgroup) - cpu if cgroup is not None else None
    rewards.close()
    _leave_cpuacct(cgroup)
    result = {
        "kind": label,
        "rewards": len(calls),
        "seconds": round(seconds, 3),
        "rewards_per_s": round(len(calls) / seconds, 1),
        "cpu_s": None if cpu is None else round(cpu, 3),
        "rewards_per_cpu_s": round(len(calls) / cpu, 1) if cpu else None,
        "rewarded": round(sum(scores) / len(scores), 3),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    print(
        f"{label}: {result['rewards']} rewards in {result['seconds']} s = "
        f"{result['rewards_per_s']}/s wall, {result['rewards_per_cpu_s']}/CPU-s "
        f"(share 1.0: {result['rewarded']}; load {result['load_avg_1m']})",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--math", type=int, default=2000, help="math rewards (default 2000)")
    parser.add_argument("--code", type=int, default=40, help="HumanEval problems (default 40)")
    parser.add_argument("--out", default=None, help="also write the results as JSON here")
    args = parser.parse_args()

    from boundary_ray.benchmarks.code_sets import load_builtin
    from boundary_ray.spec import BenchmarkSpec

    warm = ("gsm8k", "\\boxed{\\frac{1}{2}}", "0.5")
    results = [timed("math", [("gsm8k", r, g) for r, g in math_cases(args.math)], warm)]
    problems = load_builtin(BenchmarkSpec(name="humaneval", source="builtin:humaneval"))
    problems = problems[: args.code]
    calls = []
    for problem in problems:
        tests = json.loads(problem["tests"])
        solution = json.loads(problem["meta"])["canonical_solution"]
        right = f"```python\n{tests['prompt']}{solution}\n```"
        wrong = f"```python\n{tests['prompt']}    return None\n```"
        calls += [("humaneval", right, problem["tests"]), ("humaneval", wrong, problem["tests"])]
    results.append(timed("code", calls, calls[-1]))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump({"python": platform.python_version(), "results": results}, handle, indent=2)


if __name__ == "__main__":
    main()
