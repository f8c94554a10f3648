"""Where the CPU goes in ``boundary run``: CPU seconds per process role, engine versus the rest.

Wall-clock overhead (``pipeline_overhead.py``) needs an idle machine; CPU time does not. This
script runs one ``boundary run`` in a subprocess and polls its process tree (the driver, Ray's
own daemons, the engine actor, verifier and writer actors, the math verifier's child) every
0.25 s, keeping each process's latest user + system CPU time.
At the end it prints the CPU seconds per role and its share: the engine actor's share is the
work bare vLLM would do too; everything else is the pipeline's overhead on a machine whose
cores the engine would otherwise have. Other jobs on the machine are not counted, so the
breakdown holds on a busy machine too (the wall time does not).

    python perf/pipeline_cpu.py --problems 8 --n 8 --max-tokens 128
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

# (role, substring of the process's command line), first match wins
ROLES = (
    ("engine actor (VLLMSampler)", "VLLMSampler"),
    ("verify-and-write actors (VerifyAndWrite)", "VerifyAndWrite"),
    ("math-verify child", "verifiers.math.equivalence_child"),
    ("lake writer actor (scoring)", "ParquetLakeWriter"),
    ("Ray Data stats actor", "_StatsActor"),
    ("Ray Data autoscaling coordinator", "_AutoscalingCoordinatorActor"),
    ("Ray Data actor location tracker", "ActorLocationTracker"),
    ("Ray gcs_server", "gcs_server"),
    ("Ray raylet", "raylet/raylet"),
    ("Ray dashboard agent", "DashboardAgent"),
    ("Ray runtime-env agent", "RuntimeEnvAgent"),
    ("Ray log monitor", "log_monitor.py"),
    ("Ray autoscaler monitor", "autoscaler/_private/monitor.py"),
    ("Ray dashboard", "dashboard/dashboard.py"),
    ("idle Ray workers", "ray::IDLE"),
    ("idle Ray workers", "default_worker.py"),
    ("driver (boundary run)", "boundary_ray.cli"),
)


GENERIC = ("idle Ray workers", "other")


def role_of(cmdline: str) -> str:
    for role, needle in ROLES:
        if needle in cmdline:
            return role
    return "other"


def watch(stop: threading.Event, root: int, seen: dict[int, tuple[str, float]]) -> None:
    """Poll ``root`` and its descendants (the driver starts Ray's daemons, the raylet forks
    the workers): other jobs on the machine are not counted."""
    import psutil

    top = psutil.Process(root)
    while not stop.is_set():
        try:
            procs = [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for proc in procs:
            try:
                with proc.oneshot():
                    cmdline = " ".join(proc.cmdline())
                    times = proc.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            # a Ray worker names itself after the actor it becomes: keep the most telling name
            role = role_of(cmdline)
            earlier = seen.get(proc.pid, (role, 0.0))[0]
            if role in GENERIC and earlier not in GENERIC:
                role = earlier
            seen[proc.pid] = (role, times.user + times.system)
        stop.wait(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=8)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--in-flight", type=int, default=3)
    parser.add_argument("--out", help="also write the table as JSON here")
    parser.add_argument(
        "--env", action="append", default=[], metavar="KEY=VALUE", help="extra environment"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spec = {
            "name": "pipeline-cpu",
            "lake": f"{tmp}/lake",
            "models": [{"name": "smol", "source": "builtin:smollm2-135m-instruct"}],
            "benchmarks": [
                {
                    "name": "arith",
                    "source": f"synthetic:arith?ops=1-4&per_op={max(1, args.problems // 4)}",
                }
            ],
            "sampling": {"n": args.n, "max_tokens": args.max_tokens, "seed": 0},
            "engine": {"batch_size": args.batch_size, "in_flight": args.in_flight},
        }
        path = Path(tmp) / "spec.json"
        path.write_text(json.dumps(spec))  # JSON is YAML
        seen: dict[int, tuple[str, float]] = {}
        stop = threading.Event()
        start = time.perf_counter()
        env = {**os.environ, **dict(pair.split("=", 1) for pair in args.env)}
        run = subprocess.Popen(
            [sys.executable, "-m", "boundary_ray.cli", "run", str(path), "--quiet"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        watcher = threading.Thread(target=watch, args=(stop, run.pid, seen), daemon=True)
        watcher.start()
        _, stderr = run.communicate()
        wall = time.perf_counter() - start
        stop.set()
        watcher.join()
        if run.returncode != 0:
            sys.exit(f"boundary run failed: {stderr.strip().splitlines()[-1:]}")
        manifests = list((Path(tmp) / "lake" / "runs").glob("*.json"))
        counters = json.loads(manifests[0].read_text()).get("counters", {}) if manifests else {}
    by_role: dict[str, float] = defaultdict(float)
    for role, cpu in seen.values():
        by_role[role] += cpu
    total = sum(by_role.values())
    engine = by_role.get("engine actor (VLLMSampler)", 0.0)
    print(f"boundary run: {wall:.1f} s wall, {total:.1f} CPU-s in all; counters: {counters}")
    print("\n| role | CPU s | share |\n|---|---:|---:|")
    for role, cpu in sorted(by_role.items(), key=lambda item: -item[1]):
        print(f"| {role} | {cpu:.1f} | {cpu / total:.1%} |")
    rest = total - engine
    print(
        f"\nengine {engine:.1f} CPU-s; everything else {rest:.1f} CPU-s ="
        f" {rest / max(engine, 1e-9):.1%} of the engine's"
    )
    if args.out:
        Path(args.out).write_text(json.dumps({"wall_s": wall, "cpu_s": dict(by_role)}, indent=1))


if __name__ == "__main__":
    main()
