"""Open a report's index.html in headless Chromium and save a screenshot (PNG).

    python scripts/screenshot_report.py REPORT/index.html shot.png [--width 1100] [--height 3600]
    python scripts/screenshot_report.py --lake ./lake --report out/ shot.png   # report first

Chromium comes from Debian (``apt-get install -y chromium``); the page is opened from a
``file://`` URL with no network. Exit status 3 when no Chromium is installed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = 3


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome) executable on PATH, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(
    html: str, out: str, width: int = 1100, height: int = 3600, timeout_s: float = 120.0
) -> str:
    """Render ``html`` (a local file) in headless Chromium at ``width`` x ``height`` CSS px
    and write the viewport to the PNG ``out``; returns ``out``.

    Raises FileNotFoundError when no Chromium is installed and RuntimeError when it fails.
    """
    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("no chromium on PATH (Debian: apt-get install -y chromium)")
    page = Path(html).resolve()
    if not page.is_file():
        raise FileNotFoundError(f"{html}: no such file")
    target = Path(out).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="boundary-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # CI runs as root in a container, where the sandbox cannot start
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--force-device-scale-factor=1",
            f"--user-data-dir={profile}",  # a fresh profile: parallel runs do not share locks
            f"--window-size={width},{height}",
            f"--screenshot={target}",
            page.as_uri(),
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    if result.returncode != 0 or not target.is_file():
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"chromium exited {result.returncode}: {' | '.join(tail)}")
    return str(target)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", help="the report's index.html")
    parser.add_argument("out", help="PNG file to write")
    parser.add_argument("--lake", help="write the report for this lake first (with --report)")
    parser.add_argument("--report", help="folder for the report written from --lake")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=3600)
    args = parser.parse_args(argv)
    html = args.html
    if args.lake:
        from boundary_ray.charts.report import write_report

        html = write_report(args.lake, args.report or str(Path(args.out).with_suffix("")))
    if not html:
        parser.error("give the report's index.html, or --lake to write one")
    try:
        print(screenshot(html, args.out, args.width, args.height))
    except FileNotFoundError as exc:
        print(f"screenshot_report: {exc}", file=sys.stderr)
        return NO_BROWSER
    return 0


if __name__ == "__main__":
    sys.exit(main())
