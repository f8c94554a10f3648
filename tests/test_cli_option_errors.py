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
