"""The bundled demo spec: it validates, plans what its header says, and explains itself."""

from __future__ import annotations

import re
import subprocess
import sys

from boundary_ray.cli import DEMO_SPEC, _spec_header
from boundary_ray.run.plan import plan_spec_file


def test_the_demo_plans_what_its_header_says(tmp_path):
    header = _spec_header(DEMO_SPEC)
    n = int(re.search(r"n = (\d+) samples", header).group(1))
    problems = int(re.search(r"samples of (\d+) generated", header).group(1))
    plan = plan_spec_file(DEMO_SPEC, {"lake": str(tmp_path / "lake")})
    rows = plan.samples.to_pylist()
    assert [r["model"] for r in rows] == ["smollm2-135m-instruct", "gemma3-270m"]
    assert all(r["problems"] == problems and r["to_draw"] == problems * n for r in rows)


def test_a_bare_dry_run_is_the_demo(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", "run", "--dry-run", "--lake", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "dry run of demo" in done.stdout
    for model in ("smollm2-135m-instruct", "gemma3-270m"):
        assert re.search(rf"{model}\s+arith\s+18\s+16\s+288\s+0\s+288", done.stdout), done.stdout
