"""A simulated study: a million samples through the real pipeline, no model.

The fake engine (``fake:canned``: deterministic canned responses of realistic length, correct
with a set probability) stands in for vLLM; everything else is the real ``boundary run``:
planning against the lake, Ray Data, the sampler stage's actor, the math verifier actors, the
lake writer, the run manifest; then ``boundary lake compact``. Each size runs in its own process
(a fresh driver), so its peak memory is its own. Reported per size:

- samples/s through verification and writing (from the first engine's ready time to the last
  file written, the run's ``sampling_wall_s``), and the whole run's wall time;
- the driver's peak RSS, and the object store's peak (Ray's ``memory_summary``), sampled every
  0.5 s;
- files written, and files after compaction (with its time);
- with ``--nodes 2``, on which nodes the verifier actors ran;
- with ``--profile``, where the CPU time goes (py-spy over the driver and every Ray worker).

    python perf/simulated_study.py --sizes 100000,1000000            # one node (a local Ray)
    python perf/simulated_study.py --sizes 100000 --nodes 2          # a 2-node loopback cluster
    python perf/simulated_study.py --sizes 50000 --profile           # + py-spy, top frames

Results also go to ``--out`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GSM8K = REPO.parent / "shared" / "benchmarks" / "gsm8k.jsonl"
VERIFIER_CLASS = "VerifyAndWrite"  # the verifier and lake writer actors


def make_spec(args: argparse.Namespace, lake: str, samples: int) -> dict:
    """``samples`` = problems x n: ``--problems`` problems of ``--benchmark``, n to match."""
    source = f"fake:canned?accuracy={args.accuracy}&tokens={args.tokens}&seed=0&length=0.05"
    if args.benchmark == "synthetic":  # carries a reasoning graph: process verdicts run too
        per_op = max(1, args.problems // 4)
        bench = {"name": "arith", "source": f"synthetic:arith?ops=1-4&per_op={per_op}&seed=0"}
    else:  # a math set's file: answer verification only, real question lengths
        bench = {
            "name": Path(args.benchmark).stem,
            "source": args.benchmark,
            "limit": args.problems,
        }
    n = max(1, samples // args.problems)
    return {
        "name": "simulated-study",
        "lake": lake,
        "models": [{"name": "fake", "source": source}],
        "benchmarks": [bench],
        "sampling": {"n": n, "max_tokens": args.tokens * 2, "seed": 0},
        "engine": {"batch_size": args.batch_size, "in_flight": args.in_flight},
        "verify": {"workers": args.workers},
    }


class Monitor(threading.Thread):
    """Samples the driver's RSS, the object store's use and where verifier actors live."""

    def __init__(self, cluster: bool) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.stop = threading.Event()
        self.rss_peak = 0
        self.store_peak_mib = 0.0
        self.store_reads = 0  # memory_summary answers that parsed (it times out under load)
        self.verifier_nodes: dict[str, str] = {}  # actor id -> node id
        self.node_names: dict[str, str] = {}  # node id -> "head" | "worker-<i>"

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        last_slow = 0.0
        while not self.stop.is_set():
            self.rss_peak = max(self.rss_peak, me.memory_info().rss)
            if time.monotonic() - last_slow > 2:  # RPCs: every 2 s
                last_slow = time.monotonic()
                used = _store_mib()
                if used is not None:
                    self.store_reads += 1
                    self.store_peak_mib = max(self.store_peak_mib, used)
                if self.cluster:
                    self._verifiers()
            self.stop.wait(0.5)

    def _verifiers(self) -> None:
        try:
            import ray
            from ray.util.state import list_actors

            workers = 0
            for node in sorted(ray.nodes(), key=lambda n: n["NodeID"]):
                if "node:__internal_head__" in node["Resources"]:
                    self.node_names[node["NodeID"]] = "head"
                else:
                    workers += 1
                    self.node_names[node["NodeID"]] = f"worker-{workers}"

            for actor in list_actors(filters=[("state", "=", "ALIVE")], limit=1000):
                if VERIFIER_CLASS in (actor.class_name or ""):
                    self.verifier_nodes[actor.actor_id] = actor.node_id
        except Exception:  # noqa: BLE001 - the state API may not be up yet
            pass


def _store_mib() -> float | None:
    """The object store's use now, in MiB, summed over nodes (None when it cannot be read)."""
    import ray

    if not ray.is_initialized():
        return None
    try:
        from ray._private.internal_api import memory_summary

        text = memory_summary(stats_only=True)
    except Exception:  # noqa: BLE001
        return None
    found = re.findall(r"Plasma memory usage (\d+(?:\.\d+)?) MiB", text)
    return sum(float(m) for m in found) if found else None


def run_one(args: argparse.Namespace) -> dict:
    """One size in this process: the run, then compaction; returns the measurements."""
    from boundary_ray.lake.compact import compact_lake
    from boundary_ray.lake.reader import list_files
    from boundary_ray.run.pipeline import run_spec
    from boundary_ray.spec import spec_from_dict

    lake = args.lake
    spec = spec_from_dict(make_spec(args, lake, args.one))
    monitor = Monitor(cluster=bool(os.environ.get("RAY_ADDRESS")))
    monitor.start()
    started = time.monotonic()
    result = run_spec(spec, progress=False)
    wall = time.monotonic() - started
    monitor.stop.set()
    monitor.join()
    counters = result["counters"]["fake"]
    files_before = len(list_files(lake, "samples"))
    compact_started = time.monotonic()
    compact_lake(lake)
    compact_s = time.monotonic() - compact_started
    nodes = Counter(monitor.node_names.get(n, n[:8]) for n in monitor.verifier_nodes.values())
    return {
        "samples": counters["samples"],
        "problems": args.problems,
        "benchmark": spec.benchmarks[0].source,
        "n": spec.sampling.n,
        "samples_per_s": round(counters["samples"] / counters["sampling_wall_s"], 1),
        "sampling_wall_s": counters["sampling_wall_s"],
        "run_wall_s": round(wall, 1),
        "driver_peak_rss_mib": round(monitor.rss_peak / 2**20, 1),
        "object_store_peak_mib": round(monitor.store_peak_mib, 1) if monitor.store_reads else None,
        "files_written": files_before,
        "files_after_compaction": len(list_files(lake, "samples")),
        "compaction_s": round(compact_s, 1),
        "verifier_actors_per_node": dict(nodes),
        "correct_share": round(counters["correct"] / max(counters["samples"], 1), 3),
    }


def start_cluster(root: Path):
    """A 2-node loopback cluster (head and one worker node, 2 logical CPUs each) for ``--nodes 2``,
    started with ``ray start`` like a real one (``tests/cluster/ray_local_cluster.py``)."""
    sys.path.insert(0, str(REPO / "tests" / "cluster"))
    from ray_local_cluster import LocalRayCluster

    cluster = LocalRayCluster(root, dashboard=True)
    cluster.start_head(num_cpus=2)
    cluster.add_worker("worker", num_cpus=2)
    return cluster


def child(args: argparse.Namespace, size: int, lake: str, env: dict, profile: Path | None) -> dict:
    """Run one size in a fresh process (optionally under py-spy); returns its JSON line."""
    out = Path(lake).parent / f"result-{size}.json"
    cmd = [
        sys.executable,
        __file__,
        "--one",
        str(size),
        "--lake",
        lake,
        "--result",
        str(out),
        "--problems",
        str(args.problems),
        "--benchmark",
        args.benchmark,
        "--tokens",
        str(args.tokens),
        "--accuracy",
        str(args.accuracy),
        "--batch-size",
        str(args.batch_size),
        "--in-flight",
        str(args.in_flight),
        "--workers",
        str(args.workers),
    ]
    if profile is not None:
        pyspy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        cmd = [
            pyspy,
            "record",
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            "50",
            "-o",
            str(profile),
            "--",
            *cmd,
        ]
    subprocess.run(cmd, env=env, check=True)
    return json.loads(out.read_text())


STAGES = (  # a code path in the stack -> the stage it belongs to (first match wins)
    ("verifiers/process/", "verifier (process verdicts)"),
    ("verifiers/", "verifier (answers)"),
    ("fake_sampler.py", "sampler (fake engine)"),
    ("sampler/", "sampler (fake engine)"),
    ("lake/writer.py", "lake writer"),
    ("ray/data/", "Ray Data (blocks, scheduling)"),
    ("pyarrow/", "Arrow conversions"),
)


def _kind(proc: str, stack: str) -> str:
    """Which part of the run a sampled stack belongs to: the driver, else a stage by its code."""
    if "simulated_study" in proc:
        return "driver"
    for path, kind in STAGES:
        if path in stack:
            return kind
    return "Ray worker runtime (idle loop, RPC)"


def summarize_profile(path: Path, top: int = 12) -> dict:
    """py-spy's raw stacks -> CPU share per process kind and the top functions (self time).

    A raw record is ``process A:"cmd";process B:"cmd";frame;...;frame COUNT`` (a command line
    may span lines); the innermost ``process`` names where the time went."""
    per_process: Counter[str] = Counter()
    per_function: Counter[str] = Counter()
    record = ""
    for line in path.read_text(errors="replace").splitlines():
        record += line
        found = re.search(r" (\d+)$", record)
        if not found:
            record += "\n"
            continue
        stack, count = record[: found.start()], int(found.group(1))
        record = ""
        procs = [m.group(1) for m in re.finditer(r'process \d+:"(.*?)"(?:;|$)', stack, re.S)]
        frames = re.sub(r'process \d+:".*?"(?:;|$)', "", stack, flags=re.S).split(";")
        proc = procs[-1] if procs else ""
        kind = _kind(proc, stack)
        per_process[kind] += count
        leaf = frames[-1] if frames and frames[-1] else "(native)"
        per_function[f"{kind}: {leaf[:110]}"] += count
    total = sum(per_process.values()) or 1
    return {
        "cpu_share_by_process": {k: round(v / total, 3) for k, v in per_process.most_common()},
        "top_functions": [(f, round(v / total, 3)) for f, v in per_function.most_common(top)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="100000,1000000", help="samples per run, comma-separated"
    )
    parser.add_argument("--problems", type=int, default=1000)
    parser.add_argument(
        "--benchmark",
        default=str(GSM8K) if GSM8K.is_file() else "synthetic",
        help="a math set's JSONL (default: the shared GSM8K file; --problems must not exceed "
        "its size) or 'synthetic' (arithmetic with reasoning graphs: process verdicts too)",
    )
    parser.add_argument("--tokens", type=int, default=200, help="mean response length (words)")
    parser.add_argument("--accuracy", type=float, default=0.3)
    parser.add_argument(
        "--batch-size", type=int, default=8, help="problems per batch (engine.batch_size)"
    )
    parser.add_argument("--in-flight", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="verifier actors (verify.workers)")
    parser.add_argument("--nodes", type=int, default=1, choices=[1, 2])
    parser.add_argument("--profile", action="store_true", help="py-spy over every process")
    parser.add_argument("--out", default="simulated_study.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--lake", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        Path(args.result).write_text(json.dumps(run_one(args)))
        return 0

    root = Path(tempfile.mkdtemp(prefix="sim-", dir="/tmp"))
    cluster = None
    env = dict(os.environ)
    try:
        if args.nodes == 2:
            cluster = start_cluster(root / "ray")
            env = {**cluster.env, "RAY_ADDRESS": cluster.gcs_address}
        results = []
        for size in (int(s) for s in args.sizes.split(",")):
            profile = root / f"profile-{size}.txt" if args.profile else None
            row = child(args, size, str(root / f"lake-{size}"), env, profile)
            if profile is not None:
                row["profile"] = summarize_profile(profile)
            row["nodes"] = args.nodes
            results.append(row)
            print(json.dumps(row), flush=True)
            shutil.rmtree(root / f"lake-{size}", ignore_errors=True)
        Path(args.out).write_text(json.dumps(results, indent=2))
    finally:
        if cluster is not None:
            cluster.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
