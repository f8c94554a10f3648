"""``boundary import`` through the real command line, a killed import resumed, and the lake
afterwards: the queries, the Python API and a chart work on imported models as on sampled ones."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from import_helpers import FIXTURES, assert_pass_at_k_is_the_truths, lake_state, samples, truth

from boundary_ray import Lake
from boundary_ray.lake.runs import read_manifests

QWEN = FIXTURES / "qwen_math"
SEEDS = [str(QWEN / f"test_qwen-boxed_-1_seed{s}_t0.6_s0_e-1.jsonl") for s in (1, 2, 3)]


def boundary(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_command_imports_and_every_query_reads_the_model(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    args = ["--lake", str(lake), "--benchmark", f"aime24={QWEN / 'aime24_6.jsonl'}"]
    done = boundary(
        "import",
        "qwen-math",
        *SEEDS,
        "--model",
        "qwen-base",
        "--role",
        "base",
        "--tags",
        "family=qwen2.5-7b,step=0",
        "--prompt",
        "qwen-boxed",
        *args,
    )
    assert done.returncode == 0, done.stderr
    assert "qwen-base on aime24: 72 samples written, 0 already in the lake" in done.stdout
    assert_pass_at_k_is_the_truths(lake, "qwen-base", truth(QWEN / "truth.json"))
    again = boundary("import", "qwen-math", *SEEDS, "--model", "qwen-base", *args)
    assert again.returncode == 0 and "all 72 samples already in the lake" in again.stdout
    table = boundary("query", "pass_at_k", "--lake", str(lake), "--format", "json")
    assert table.returncode == 0 and '"model": "qwen-base"' in table.stdout
    api = Lake(str(lake))
    assert api.solved_summary()["model"].to_list() == ["qwen-base"]
    roles = api.sql("select role, tags, prompt from latest_models").to_dicts()
    assert roles == [
        {"role": "base", "tags": '{"family": "qwen2.5-7b", "step": 0}', "prompt": "qwen-boxed"}
    ]
    chart = boundary("chart", "pass_at_k", "--lake", str(lake), "--out", str(tmp_path / "c.html"))
    assert chart.returncode == 0 and (tmp_path / "c.html").stat().st_size > 1000
    runs = boundary("runs", "--lake", str(lake))
    assert runs.returncode == 0 and "import" in runs.stdout and "done" in runs.stdout


def test_errors_are_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    good = Path(SEEDS[0]).read_text().splitlines()[0]
    bad.write_text(f"{good}\n{{oops\n")
    for args, message in (
        (["qwen-math", str(bad)], f"boundary: error: {bad}:2: not valid JSON"),
        (["yaml", str(bad)], "boundary: error: import: unknown format 'yaml'"),
    ):
        done = boundary(
            "import",
            *args,
            "--lake",
            str(tmp_path / "lake"),
            "--model",
            "m",
            "--benchmark",
            f"a={QWEN / 'aime24_6.jsonl'}",
        )
        assert done.returncode == 2 and done.stderr.startswith(message), done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "lake").exists()
    done = boundary("import", "jsonl", str(bad), "--model", "m", "--benchmark", "nosource")
    assert done.returncode == 2 and "--benchmark 'nosource': expected NAME=SOURCE" in done.stderr


def test_a_killed_import_resumes_with_every_sample_once(tmp_path: Path) -> None:
    problems, n = 50, 200
    source, big = tmp_path / "p.jsonl", tmp_path / "big.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": f"p{i}", "question": f"What is {i} + {i}?", "answer": str(2 * i)})
            + "\n"
            for i in range(problems)
        )
    )
    big.write_text(
        "".join(
            json.dumps(
                {
                    "problem_id": f"p{i}",
                    "responses": [
                        f"so \\boxed{{{2 * i if j % 3 else 2 * i + 1}}}" for j in range(n)
                    ],
                }
            )
            + "\n"
            for i in range(problems)
        )
    )
    lake = tmp_path / "lake"
    code = (
        "from boundary_ray.imports.job import ImportRequest, import_samples\n"
        f"import_samples(ImportRequest('jsonl', ({str(big)!r},), {str(lake)!r}, 'm', 'b', "
        f"{str(source)!r}), chunk_rows=25, progress=False)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    folder = lake / "samples" / "model=m" / "benchmark=b"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(folder.glob("*.parquet"))) < 3:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    written = len(samples(lake, "m"))
    assert 0 < written < problems * n, "the import was not killed half-way"
    (first,) = read_manifests(str(lake))
    assert first["status"] == "running"  # it wrote nothing more: killed
    done = boundary(
        "import",
        "jsonl",
        str(big),
        "--lake",
        str(lake),
        "--model",
        "m",
        "--benchmark",
        f"b={source}",
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    assert f"{problems * n - written} samples written, {written} already in the lake" in done.stdout
    rows = samples(lake, "m")
    assert len(rows) == problems * n == len({(r["problem_id"], r["sample_idx"]) for r in rows})
    assert sum(r["correct"] for r in rows) == problems * (n - len(range(0, n, 3)))
    states = {m["run_id"]: m["status"] for m in read_manifests(str(lake))}
    assert sorted(states.values()) == ["done", "interrupted"]
    before = lake_state(lake)
    assert (
        boundary(
            "import",
            "jsonl",
            str(big),
            "--lake",
            str(lake),
            "--model",
            "m",
            "--benchmark",
            f"b={source}",
        ).returncode
        == 0
    )
    assert lake_state(lake) == before
