"""House rules of queries/*.sql that a reader relies on: no CTE hides a view of views.sql,
the k grid of a pass@k curve is written once (views.sql's k_grid), and the test files that
the SQL and schema.yml name exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from boundary_ray.query import queries_dir
from boundary_ray.query.views import VIEW_NAME_RE

ROOT = Path(__file__).resolve().parents[2]
CTE_RE = re.compile(r"^(\w+) as \(", re.MULTILINE)
MACRO_RE = re.compile(r"create\s+or\s+replace\s+macro\s+(\w+)", re.IGNORECASE)


def _views() -> set[str]:
    return set(VIEW_NAME_RE.findall((queries_dir() / "views.sql").read_text()))


def _query_files() -> list[Path]:
    return sorted(p for p in queries_dir().glob("*.sql") if p.name != "views.sql")


@pytest.mark.parametrize("path", _query_files(), ids=lambda p: p.stem)
def test_no_cte_hides_a_view(path: Path) -> None:
    hidden = set(CTE_RE.findall(path.read_text())) & _views()
    assert not hidden, (
        f"{path.name}: CTE {sorted(hidden)} has the name of a view of views.sql; name it for"
        " what it holds (selected_outcomes, model_tags, ...)"
    )


def test_the_k_grid_is_written_once() -> None:
    views = (queries_dir() / "views.sql").read_text()
    assert "k_grid" in MACRO_RE.findall(views)
    copies = [p.name for p in _query_files() if "range(0, 41)" in p.read_text()]
    assert not copies, f"{copies}: use k_grid(max_k, extra) of views.sql"


def test_named_test_files_exist() -> None:
    folder = queries_dir()
    for path in [*folder.glob("*.sql"), folder / "schema.yml"]:
        for named in re.findall(r"tests/[\w/]+\.py", path.read_text()):
            assert (ROOT / named).is_file(), f"{path.name} names {named}, which does not exist"
