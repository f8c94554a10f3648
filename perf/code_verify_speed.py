"""Code verification speed: HumanEval's 164 canonical solutions through ``CodeVerifier``.

Each program is one sandboxed run (bwrap, a supervising Python and the forked candidate, which
runs on the problem's inputs and returns plain data that the host decodes and compares); the
reference runs (once per problem, 6 of the 164) are inside the timed part. Reports
programs per second of wall time with ``--workers`` threads, and programs per CPU-second
(= per core when the cores are kept busy), measured by putting this process and everything it
starts into its own cpuacct cgroup (cgroup v1, root only; otherwise the CPU figure is
omitted). On a shared machine the wall figure moves with the load; the CPU figure much less.

    python perf/code_verify_speed.py --workers 2 --repeat 2 [--out result.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="verifier threads (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the 164 problems")
    parser.add_argument("--limit", type=int, default=None, help="first N problems only")
    parser.add_argument("--out", default=None, help="also write the result as JSON here")
    args = parser.parse_args()

    from boundary_ray.benchmarks.code_sets import load_builtin
    from boundary_ray.sandbox import untrusted_cgroup
    from boundary_ray.spec import BenchmarkSpec
    from boundary_ray.verifiers.code.verifier import CodeVerifier

    problems = load_builtin(BenchmarkSpec(name="humaneval", source="builtin:humaneval"))
    rows = [_canonical_row(row) for row in problems[: args.limit]] * args.repeat
    verifier = CodeVerifier(timeout_s=10.0)
    verifier.verify_one(rows[0])  # warm the sandbox probe and the page cache
    verifier.modes.clear()

    cgroup = _enter_cpuacct()
    cpu_start = _cpu_seconds(cgroup)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        verdicts = list(pool.map(verifier.verify_one, rows))
    wall = time.perf_counter() - start
    cpu = None if cgroup is None else _cpu_seconds(cgroup) - cpu_start
    _leave_cpuacct(cgroup)

    wrong = [v.reason for v in verdicts if not v.correct]
    result = {
        "programs": len(rows),
        "all_correct": not wrong,
        "not_correct": len(wrong),
        "workers": args.workers,
        "wall_s": round(wall, 2),
        "programs_per_s": round(len(rows) / wall, 1),
        "programs_per_s_per_worker": round(len(rows) / wall / args.workers, 1),
        "cpu_s": None if cpu is None else round(cpu, 2),
        "programs_per_cpu_s": None if not cpu else round(len(rows) / cpu, 1),
        "modes": dict(verifier.modes),
        "reference_runs": verifier.oracles.reference_runs,
        "sandbox_cgroup": untrusted_cgroup.available(),
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "host": platform.node(),
    }
    print(json.dumps(result, indent=2))
    if wrong:
        print("first failure:", wrong[0])
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


def _canonical_row(problem: dict) -> dict:
    tests = json.loads(problem["tests"])
    solution = tests["prompt"] + json.loads(problem["meta"])["canonical_solution"]
    return {
        "response": f"```python\n{solution}\n```",
        "tests": problem["tests"],
        "finish_reason": "stop",
    }


def _enter_cpuacct() -> Path | None:
    """Move this process into a fresh cpuacct cgroup; ``None`` where that is not allowed."""
    if not (CPUACCT / "cgroup.procs").exists():
        return None
    path = CPUACCT / f"boundary-bench-{os.getpid()}"
    try:
        path.mkdir()
        (path / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        return None
    return path


def _leave_cpuacct(path: Path | None) -> None:
    if path is not None:
        (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
        path.rmdir()


def _cpu_seconds(path: Path | None) -> float:
    return 0.0 if path is None else int((path / "cpuacct.usage").read_text()) / 1e9


if __name__ == "__main__":
    main()
