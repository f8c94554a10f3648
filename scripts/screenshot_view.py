"""Screenshots of the three pages of ``boundary view`` in a real headless Chromium.

    python scripts/screenshot_view.py --lake LAKE --out docs/images [--problem BENCHMARK/ID]

Starts ``boundary view --lake LAKE --port 0``, opens ``/``, ``/problems`` (hardest solved of
the first model) and one problem page, waits for the chart and the math to be drawn, and
writes ``view-overview.png``, ``view-problems.png`` and ``view-problem.png`` under ``--out``.
Needs the ``playwright`` Python package (its driver only: Chromium is the system's,
``/usr/bin/chromium``; no ``playwright install``).
"""

from __future__ import annotations

import argparse
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
URL_RE = re.compile(r"at (http://\S+) \(Ctrl-C stops\)")


def start_view(lake: str, *extra: str, timeout: float = 120.0) -> tuple[subprocess.Popen, str]:
    """``boundary view`` on a free loopback port: the process and the address it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "boundary_ray.cli", "view", "--lake", lake, "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"boundary view exited: {proc.stderr.read()[-2000:]}")
        if selector.select(timeout=0.5):
            line = proc.stdout.readline()
            match = URL_RE.search(line)
            if match:
                return proc, match.group(1)
    proc.kill()
    raise RuntimeError("boundary view printed no address")


def stop_view(proc: subprocess.Popen) -> int:
    """Ctrl-C, as a person would; the exit status."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", required=True)
    parser.add_argument("--out", default="docs/images")
    parser.add_argument("--problem", help="BENCHMARK/PROBLEM_ID of the problem page")
    parser.add_argument("--width", type=int, default=1400)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    proc, url = start_view(args.lake)
    base = url.rstrip("/")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            page.goto(base + "/")
            page.wait_for_selector("#pass-chart[data-drawn='1'] svg", timeout=120_000)
            page.screenshot(path=str(out / "view-overview.png"), full_page=True)
            page.goto(base + "/problems?band=hardest")
            page.screenshot(path=str(out / "view-problems.png"), full_page=True)
            if args.problem:
                benchmark, problem_id = args.problem.split("/", 1)
            else:
                link = page.locator("td.pid a").first.get_attribute("href")
                benchmark, problem_id = link.split("/")[2:4]
            page.goto(f"{base}/problems/{quote(benchmark)}/{problem_id}?per_page=3")
            page.wait_for_selector(".katex", timeout=30_000)
            page.screenshot(path=str(out / "view-problem.png"), full_page=True)
            browser.close()
    finally:
        stop_view(proc)
    print(f"wrote {out}/view-overview.png, view-problems.png, view-problem.png")


if __name__ == "__main__":
    main()
