"""Bad KEY=VALUE options name the option the user typed, in one line (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from boundary_ray.cli import main


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["lake", "compact", "--partition", "garbage"], "--partition"),
        (["query", "pass_at_k", "--param", "garbage"], "--param"),
    ],
)
def test_a_pair_without_equals_names_its_option(
    argv: list[str], flag: str, tmp_path: Path, capsys
) -> None:
    (tmp_path / "lake").mkdir()
    assert main([*argv, "--lake", str(tmp_path / "lake")]) == 2
    err = capsys.readouterr().err
    assert err == f"boundary: error: {flag} 'garbage': expected key=value\n"


def _corrupt_lake(tmp_path: Path) -> Path:
    from tests.lake.test_old_lakes import write_v1_lake

    lake = tmp_path / "lake"
    write_v1_lake(lake)
    (lake / "samples" / "model=old-m" / "benchmark=gsm8k" / "part-0.parquet").write_text("junk")
    return lake


@pytest.mark.parametrize(
    "argv",
    [
        ["lake", "compact"],
        ["lake", "outcomes"],
        ["query", "pass_at_k"],
        ["run", "SPEC", "--dry-run"],
    ],
)
def test_a_corrupt_lake_file_is_one_line_naming_it(argv: list[str], tmp_path: Path, capsys) -> None:
    lake = _corrupt_lake(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"lake: {lake}\nmodels: [{{name: old-m, source: 'fake:canned'}}]\n"
        "benchmarks: [{name: gsm8k, source: 'synthetic:arith?ops=1&per_op=1'}]\n"
    )
    argv = [str(spec) if a == "SPEC" else a for a in argv]
    if "run" not in argv:
        argv += ["--lake", str(lake)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("boundary: error: ") and err.count("\n") == 1
    assert "part-0.parquet" in err


def test_an_unwritable_out_is_one_line(tmp_path: Path, capsys) -> None:
    from tests.lake.test_old_lakes import write_v1_lake

    write_v1_lake(tmp_path / "lake")
    out = tmp_path / "a-file"
    out.write_text("")
    argv = ["query", "pass_at_k", "--lake", str(tmp_path / "lake"), "--out", f"{out}/x.json"]
    assert main([*argv, "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("boundary: error: ") and err.count("\n") == 1 and "a-file" in err
