"""The report opened in a real headless Chromium (Debian package ``chromium``)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import png_size

from boundary_ray.charts import theme
from boundary_ray.charts.report import write_report

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshot_report.py"


def _script():
    spec = importlib.util.spec_from_file_location("screenshot_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    _script().find_chromium() is None,
    reason="no chromium on PATH (CI installs it: apt-get install -y chromium)",
)
def test_report_renders_in_headless_chromium(full_lake: str, tmp_path: Path) -> None:
    from PIL import Image

    index = write_report(full_lake, str(tmp_path / "report"))
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), index, str(shot), "--width", "1000", "--height", "1800"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert png_size(shot) == (1000, 1800)
    # the charts were drawn: the first models' palette colours cover real areas of the page
    image = Image.open(shot).convert("RGB")
    counts = dict((colour, n) for n, colour in image.getcolors(maxcolors=1 << 20))
    for hex_colour in theme.PALETTE[:3]:
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert counts.get(rgb, 0) > 500, f"{hex_colour} barely on the page"
    keep = os.environ.get("BOUNDARY_SCREENSHOT_DIR")  # CI keeps the picture as an artifact
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "report.png")
