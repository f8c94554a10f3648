"""examples/analysis.ipynb runs headless (nbclient) on a lake written by hand, and the saved
copy carries the outputs of a real run."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from series_reference import write_series_lake

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "analysis.ipynb"


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def test_notebook_runs_headless(tmp_path, monkeypatch):
    lake = str(tmp_path / "lake")
    write_series_lake(lake)
    monkeypatch.setenv("BOUNDARY_LAKE", lake)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()  # raises CellExecutionError on the first failing cell
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert not errors
    text = "\n".join(_text(cell) for cell in code)
    assert "grpo-step300" in text and "rloo" in text  # the hand lake's models
    pictures = [o for cell in code for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == 5  # pass_at_k, by role, accuracy, training curve, algorithms


def test_saved_notebook_has_the_outputs_of_a_real_run():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if not all(cell.execution_count for cell in code):
        pytest.fail("examples/analysis.ipynb is saved without outputs: execute it on lake-series")
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
    text = "\n".join(_text(cell) for cell in code)
    assert "grpo-step100" in text and "smollm2-base" in text  # examples/series.yaml's models
