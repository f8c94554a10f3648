"""``write_report``: every chart the lake supports as PNG + SVG, tables in Markdown, one
self-contained HTML page."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from conftest import CORRECT, make_single_model_lake, png_size, svg_size

from boundary_ray.charts import CHART_NAMES
from boundary_ray.charts.report import REPORT_BOOTSTRAP, _gap_table, write_report
from boundary_ray.lake import write_rows
from boundary_ray.query import QuerySession, run_query
from boundary_ray.query.formatting import format_table


@pytest.fixture(scope="module")
def full_report(full_lake: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(write_report(full_lake, str(tmp_path_factory.mktemp("report") / "out")))


def _images(page: str) -> list[str]:
    return [
        base64.b64decode(data).decode()
        for data in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    ]


def test_full_lake_gets_every_chart(full_report: Path) -> None:
    out = full_report.parent
    assert full_report.name == "index.html"
    for name in CHART_NAMES:
        width, height = svg_size(out / f"{name}.svg")
        assert png_size(out / f"{name}.png") == (round(width * 4), round(height * 4))
    page = full_report.read_text(encoding="utf-8")
    images = _images(page)
    assert len(images) == len(CHART_NAMES)
    assert images[0] == (out / "pass_at_k.svg").read_text(encoding="utf-8")
    assert "Skipped" not in page


def test_page_is_self_contained(full_report: Path) -> None:
    page = full_report.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_tables_hold_the_query_values(full_report: Path, full_lake: str) -> None:
    markdown = (full_report.parent / "report.md").read_text(encoding="utf-8")
    assert "![pass@k curves](pass_at_k.png)" in markdown
    assert "| model | benchmark | k | pass_at_k | problems | ci_low | ci_high |" in markdown
    gap = run_query("efficiency_gap", full_lake).to_pylist()[0]
    row = (
        f"| {gap['benchmark']} | {gap['base_model']} | {gap['rl_model']} | "
        f"{gap['tag_value']} | {gap['k']} | {gap['problems']} | {gap['base_pass_at_k']:.6g} |"
    )
    assert row in markdown
    page = full_report.read_text(encoding="utf-8")
    assert f'<td class="num">{gap["gap"]:.4g}</td>' in page


def test_pass_at_k_band_uses_the_report_resamples(full_report: Path, full_lake: str) -> None:
    """The report's interval is the 200-resample one (REPORT_BOOTSTRAP), not the default 1000."""
    markdown = (full_report.parent / "report.md").read_text(encoding="utf-8")
    assert f"95% interval ({REPORT_BOOTSTRAP} resamples)" in markdown

    def rows(params: dict[str, str]) -> list[str]:
        table = run_query("pass_at_k", full_lake, {"ci": "0.95", **params})
        return format_table(table, "markdown").splitlines()[2:]

    used = rows({"bootstrap": str(REPORT_BOOTSTRAP)})
    assert used and all(row in markdown for row in used)
    assert any(row not in markdown for row in rows({}))  # the 1000-resample band differs


def test_missing_data_skips_charts_with_a_reason(tmp_path: Path) -> None:
    lake = make_single_model_lake(tmp_path / "lake")
    index = Path(write_report(lake, str(tmp_path / "out")))
    written = sorted(p.name for p in index.parent.iterdir())
    assert written == [
        "accuracy_hist.png",
        "accuracy_hist.svg",
        "cover_at_tau.png",
        "cover_at_tau.svg",
        "index.html",
        "maj_at_k.png",
        "maj_at_k.svg",
        "pass_at_k.png",
        "pass_at_k.svg",
        "report.md",
    ]
    markdown = (index.parent / "report.md").read_text(encoding="utf-8")
    assert "*Skipped: needs scores: run `boundary score SPEC`.*" in markdown
    assert "*Skipped: needs two models on the same problems.*" in markdown
    page = index.read_text(encoding="utf-8")
    # coverage, efficiency_gap, pass_at_k_by_role, training_curve, algorithm_comparison,
    # boundary_by_difficulty, process_pass_at_k, perplexity, and Tables 3 and 4
    assert page.count('<p class="skipped">') == 10
    assert len(_images(page)) == 4  # pass@k, maj@k with pass@k and pass^k, Cover@tau, accuracy


def test_gap_falls_back_to_instruct_when_no_model_is_rl(tmp_path: Path) -> None:
    lake = str(tmp_path / "lake")
    models = [
        {"model": m, "role": r, "tags": json.dumps({}), "run_id": "r"}
        for m, r in (("base-model", "base"), ("instruct-model", "instruct"))
    ]
    write_rows(lake, "models", models)
    write_rows(
        lake,
        "samples",
        [
            {
                "model": m,
                "benchmark": "gsm8k",
                "problem_id": f"gsm8k-{i}",
                "sample_idx": s,
                "run_id": "r",
                "correct": s < c,
            }
            for m in ("base-model", "instruct-model")
            for i, c in enumerate(CORRECT[(m, "gsm8k")])
            for s in range(8)
        ],
    )
    with QuerySession(lake) as session:
        table, role = _gap_table(session)
    assert role == "instruct"
    assert table.column("rl_model").to_pylist() == ["instruct-model"]


def test_report_has_tables_3_and_4(full_report: Path) -> None:
    markdown = (full_report.parent / "report.md").read_text(encoding="utf-8")
    assert "## Table 3: RL algorithms" in markdown and "## Table 4: training steps" in markdown
    assert "| rl-model step 100 (rl-model) |" in markdown


def test_report_opens_with_what_each_model_solves(full_lake: str, full_report: Path) -> None:
    summary = run_query("solved_summary", full_lake).to_pylist()
    assert summary
    markdown = (full_report.parent / "report.md").read_text(encoding="utf-8")
    first_bullets = [line for line in markdown.splitlines() if line.startswith("- ")]
    page = full_report.read_text(encoding="utf-8")
    for row, line in zip(summary, first_bullets, strict=False):
        expected = (
            f"{row['model']} on {row['benchmark']}: solves {row['solved_at_1']:.1f} of "
            f"{row['problems']} at k=1, {row['solved_at_n']} of {row['problems']} at k={row['n']}"
        )
        assert line == f"- {expected}"
        assert expected in page
        assert page.index(expected) < page.index("<section")
