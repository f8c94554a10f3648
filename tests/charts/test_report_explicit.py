"""The report shows a second pass@k chart, explicit answers only, when it differs (issue 18)."""

from __future__ import annotations

from pathlib import Path

from conftest import CORRECT, _models, _problems, _samples

from boundary_ray.charts.report import write_report
from boundary_ray.lake import write_rows


def _lake(path: Path, fallback_every: int | None) -> str:
    """One model on gsm8k; every ``fallback_every``-th correct sample rests on the fallback."""
    lake = str(path)
    rows = _samples({("base-model", "gsm8k"): CORRECT[("base-model", "gsm8k")]})
    correct = [row for row in rows if row["correct"]]
    for i, row in enumerate(correct):
        fallback = fallback_every is not None and i % fallback_every == 0
        row["answer_rule"] = "last_number" if fallback else "boxed"
    write_rows(lake, "problems", _problems(["gsm8k"]))
    write_rows(lake, "models", _models(["base-model"]))
    write_rows(lake, "samples", rows)
    return lake


def test_both_curves_when_the_fallback_decides_some_verdicts(tmp_path: Path) -> None:
    index = Path(write_report(_lake(tmp_path / "lake", 2), str(tmp_path / "out")))
    out = index.parent
    assert (out / "pass_at_k_explicit.png").stat().st_size > 0
    assert (out / "pass_at_k_explicit.svg").is_file()
    page = index.read_text(encoding="utf-8")
    assert "explicit answers only" in page
    assert "boundary query pass_at_k --param answers=explicit" in page
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert markdown.index("## pass@k") < markdown.index("explicit answers only")


def test_one_curve_when_every_answer_is_explicit(tmp_path: Path) -> None:
    index = Path(write_report(_lake(tmp_path / "lake", None), str(tmp_path / "out")))
    assert not (index.parent / "pass_at_k_explicit.png").exists()
    assert "explicit answers only" not in index.read_text(encoding="utf-8")
