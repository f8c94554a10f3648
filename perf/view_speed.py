"""How fast ``boundary view`` answers on a generated lake of 2 M samples, and whether its
memory stays flat.

    python perf/view_speed.py                       # builds /tmp/boundary-view-speed once
    python perf/view_speed.py --lake DIR --pages 40 --rebuild

The lake is ``perf/view_lake.py``'s (2 models x 2 benchmarks x 500 problems x n = 1024, the real
writer, outcomes refreshed). The script starts the real server (``boundary view --port 0``, a
child process), loads each page once to warm it, then times over HTTP, from this process:

- ``--pages`` problem pages (``/problems/<benchmark>/<problem_id>``, both models side by side,
  10 samples each), each a different problem, and their JSON twins;
- the problem list (``/problems``) under several filters, each ``--repeat`` times with a
  different page number (so no answer comes from the view's cache);
- the same after one label is stored (labels make every page join them).

Targets: a problem page under 0.5 s, the problem list under 1 s. Each row gives the median and
the 90th percentile of the wall time, and the server's CPU seconds per request (user + system,
its threads included: what the request cost, whatever else the machine ran). The server's
resident memory (RSS) is sampled after the warm-up and after every request: "flat" means the
last sample is within a few MiB of the first.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
import urllib.request
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from screenshot_view import start_view, stop_view  # noqa: E402
from view_lake import BENCHMARKS, PROBLEMS, build_lake  # noqa: E402

LISTS = {
    "list: all problems": "/problems",
    "list: one benchmark, one model": "/problems?benchmark=arith&model=base-7b",
    "list: hardest solved of a model": "/problems?band=hardest&band_model=rl-7b",
    "list: solved by one model, not the other": "/problems?solved_by=base-7b&unsolved_by=rl-7b",
    "list: text in the question, sorted by c/n": "/problems?q=shells&sort=rl-7b&desc=1",
    "list: verdict timeout, ops 3-5": "/problems?verdict=timeout&ops=3-5",
}


def fetch(url: str) -> tuple[float, int]:
    """Seconds to fetch ``url`` whole, and its size."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - start, len(body)


class Meter:
    """Wall times, server CPU and RSS per request."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.rss: list[int] = []
        self.rows: list[tuple[str, list[float], list[float], int]] = []

    def _cpu(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system

    def run(self, name: str, urls: list[str]) -> None:
        walls, cpus, size = [], [], 0
        for url in urls:
            before = self._cpu()
            wall, size = fetch(url)
            cpus.append(self._cpu() - before)
            walls.append(wall)
            self.rss.append(self.process.memory_info().rss)
        self.rows.append((name, walls, cpus, size))

    def table(self) -> str:
        lines = [
            "| request | n | median | p90 | max | server CPU / request | size |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, walls, cpus, size in self.rows:
            p90 = sorted(walls)[max(0, int(round(0.9 * len(walls))) - 1)]
            lines.append(
                f"| {name} | {len(walls)} | {statistics.median(walls):.3f} s | {p90:.3f} s"
                f" | {max(walls):.3f} s | {statistics.median(cpus):.3f} s | {size // 1024} KiB |"
            )
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", default="/tmp/boundary-view-speed")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--pages", type=int, default=30, help="problem pages to time")
    parser.add_argument("--repeat", type=int, default=5, help="requests per problem-list filter")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    lake = Path(args.lake)
    if args.rebuild and lake.exists():
        shutil.rmtree(lake)
    if not lake.exists():
        from boundary_ray.query.outcomes import refresh_outcomes

        start = time.perf_counter()
        total = build_lake(str(lake))
        refresh_outcomes(str(lake))
        print(f"built {lake}: {total:,} samples in {time.perf_counter() - start:.0f} s")
    labels = lake / "labels"
    if labels.exists():  # a previous run's label: start without
        shutil.rmtree(labels)
    rng = random.Random(args.seed)
    problems = [(b, f"{b}-{i:05d}") for b in BENCHMARKS for i in range(PROBLEMS)]
    proc, url = start_view(str(lake))
    base = url.rstrip("/")
    try:
        meter = Meter(proc.pid)
        warm = [base + "/", base + "/problems", base + "/problems/arith/arith-00000"]
        for address in warm:
            fetch(address)
        meter.rss.append(meter.process.memory_info().rss)
        first_rss = meter.rss[-1]
        picked = rng.sample(problems, args.pages)
        meter.run("problem page (HTML)", [f"{base}/problems/{b}/{p}" for b, p in picked])
        picked = rng.sample(problems, args.pages)
        meter.run("problem page (JSON twin)", [f"{base}/api/problems/{b}/{p}" for b, p in picked])
        for name, path in LISTS.items():
            sep = "&" if "?" in path else "?"
            meter.run(name, [f"{base}{path}{sep}page={i + 1}" for i in range(args.repeat)])
        # one label: from now on every page also joins the labels
        request = urllib.request.Request(
            base + "/api/labels",
            data=b'{"model": "base-7b", "benchmark": "arith", "problem_id": "arith-00001",'
            b' "sample_idx": 0, "label": "guess", "note": "perf"}',
            headers={"Content-Type": "application/json", "Origin": base},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 201
        time.sleep(1.1)  # the view relists the lake at most once a second
        picked = rng.sample(problems, args.pages)
        meter.run("problem page, lake with labels", [f"{base}/problems/{b}/{p}" for b, p in picked])
        meter.run(
            "list: all problems, lake with labels",
            [f"{base}/problems?exclude=guess&page={i + 1}" for i in range(args.repeat)],
        )
        meter.run("overview, lake with labels (first visit)", [base + "/"])
        last_rss = meter.process.memory_info().rss
    finally:
        stop_view(proc)
        shutil.rmtree(labels, ignore_errors=True)
    samples = sum(1 for _ in (lake / "samples").rglob("*.parquet"))
    print(f"lake {lake}: {len(problems)} problems, {samples} sample files")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(meter.table())
    mib = [r / 2**20 for r in meter.rss]
    print(
        f"server RSS: {first_rss / 2**20:.0f} MiB after warm-up, {min(mib):.0f}-{max(mib):.0f} MiB"
        f" over {len(mib) - 1} requests, {last_rss / 2**20:.0f} MiB at the end"
    )


if __name__ == "__main__":
    main()
