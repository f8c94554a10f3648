"""Bad input through the real CLI: one line on stderr naming the file/field, exit 2, lake intact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _spec(tmp: Path, model: str, bench_source: str, extra: str = "") -> Path:
    path = tmp / "spec.yaml"
    path.write_text(
        f"lake: {tmp / 'lake'}\nmodels: [{{name: m, source: '{model}'}}]\n"
        f"benchmarks: [{{name: b, source: '{bench_source}'}}]\n{extra}"
    )
    return path


@pytest.mark.parametrize(
    ("model", "source", "extra", "message"),
    [
        ("./no/such/model", "synthetic:arith", "", "./no/such/model: model path not found"),
        ("builtin:gpt-5", "synthetic:arith", "", "builtin:gpt-5: unknown bundled model"),
        (
            "builtin:smollm2-135m-instruct",
            "synthetic:arith",
            "sampling: {temprature: 1}\n",
            "sampling.temprature: unknown key",
        ),
        ("builtin:smollm2-135m-instruct", "{tmp}/bad.jsonl", "", "bad.jsonl:2: not valid JSON"),
        (
            "builtin:smollm2-135m-instruct",
            "{tmp}/nofield.jsonl",
            "",
            "nofield.jsonl:2: missing field 'answer'",
        ),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, model: str, source: str, extra: str, message: str
) -> None:
    (tmp_path / "bad.jsonl").write_text('{"question": "1+1?", "answer": "2"}\n{"question": oops\n')
    (tmp_path / "nofield.jsonl").write_text(
        '{"problem": "1+1?", "answer": "2"}\n{"problem": "2+2?"}\n'
    )
    lake = tmp_path / "lake" / "samples" / "model=m" / "benchmark=b"
    lake.mkdir(parents=True)
    keep = lake / "part-old.parquet"
    keep.write_bytes(b"earlier results")
    spec = _spec(tmp_path, model, source.format(tmp=tmp_path), extra)
    done = _run("run", str(spec), "--quiet", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("boundary: error: ") and message in lines[0]
    assert keep.read_bytes() == b"earlier results"


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("sampling.n=[", "--set sampling.n: '[' is not a YAML value"),
        ("models.3.source=/x", "--set models.3.source: models is a list of 1"),
        ("sampling.n.x=1", "--set sampling.n.x: sampling.n is 4, not a mapping or a list"),
        ("models.0.tags=&a {x: *a}", "models[0].tags: contains itself"),
    ],
)
def test_bad_set_is_one_line_naming_the_key(tmp_path: Path, pair: str, message: str) -> None:
    spec = _spec(tmp_path, "builtin:smollm2-135m-instruct", "synthetic:arith", "sampling: {n: 4}\n")
    done = _run("run", str(spec), "--dry-run", "--set", pair, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith("boundary: error: ") and message in done.stderr


def test_set_indexes_a_list(tmp_path: Path) -> None:
    spec = _spec(tmp_path, "builtin:smollm2-135m-instruct", "synthetic:arith")
    done = _run("run", str(spec), "--dry-run", "--set", "models.0.source=/x/y", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "/x/y" in done.stdout
