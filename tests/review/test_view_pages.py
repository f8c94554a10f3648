"""The pages of ``boundary view`` rendered by the app in-process (Starlette's test client):
a visual problem's images, a code response shown as code, and an object-store lake (read
through pyarrow, as ``s3://`` is) giving the same pages as the local one."""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

from view_lakes import write_view_lake

from boundary_ray.lake.images import store_images
from boundary_ray.lake.writer import write_rows
from boundary_ray.review.view.app import create_app
from boundary_ray.review.view.filters import problem_filters, sample_filters
from boundary_ray.review.view.problem_list import problem_list
from boundary_ray.review.view.problem_page import problem_page
from boundary_ray.review.view.view_session import ViewSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queries"))
from query_lakes import through_pyarrow  # noqa: E402


def _client(lake):
    from starlette.testclient import TestClient

    vs = ViewSession(lake)
    return vs, TestClient(create_app(vs, "tester"), base_url="http://127.0.0.1:8000")


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_images_of_a_visual_problem_and_code_shown_as_code(tmp_path):
    lake = str(tmp_path / "lake")
    png = _png()
    image_id = hashlib.sha256(png).hexdigest()
    store_images(lake, {image_id: png})
    code = "def add(a, b):\n    return a + b  # $not math$"
    write_rows(
        lake,
        "problems",
        [
            {"benchmark": "vis", "problem_id": "v1", "task": "visual", "question": "What colour?", "answer": "red", "images": [image_id]},
            {"benchmark": "py", "problem_id": "c1", "task": "code", "question": "Write add.", "tests": "[]"},
        ],
    )  # fmt: skip
    write_rows(
        lake,
        "samples",
        [
            {"model": "m", "benchmark": "vis", "problem_id": "v1", "sample_idx": 0, "response": "It is \\boxed{red}", "extracted_answer": "red", "answer_rule": "boxed", "correct": True, "verdict": "correct"},
            {"model": "m", "benchmark": "py", "problem_id": "c1", "sample_idx": 0, "response": f"```python\n{code}\n```", "correct": True, "verdict": "correct"},
        ],
    )  # fmt: skip
    vs, client = _client(lake)
    try:
        page = client.get("/problems/vis/v1")
        assert page.status_code == 200
        assert f'<img class="problem-image" src="/images/{image_id}"' in page.text
        image = client.get(f"/images/{image_id}")
        assert (image.status_code, image.headers["content-type"], image.content) == (
            200,
            "image/png",
            png,
        )
        assert client.get("/images/" + "0" * 64).status_code == 404
        assert client.get("/images/../samples").status_code == 404
        code_page = client.get("/problems/py/c1").text
        assert (
            '<div class="text response code">' in code_page
            and "math" not in code_page.split('class="text response')[1][:20]
        )
        assert "return a + b  # $not math$" in code_page
    finally:
        vs.close()


def test_an_object_store_lake_gives_the_same_pages(tmp_path):
    lake = str(tmp_path / "lake")
    write_view_lake(lake)
    write_rows(lake, "labels", [{"model": "rl", "benchmark": "math", "problem_id": "math-003", "sample_idx": 0, "label": "guess", "who": "a", "at": "2025-01-01T00:00:00Z", "note": "n"}])  # fmt: skip
    pages = []
    for where in (lake, through_pyarrow(lake)):
        vs = ViewSession(where)
        try:
            listing = vs.listing()
            f = problem_filters(
                {"per_page": "200", "exclude": "guess"}, listing.models(), listing.benchmarks()
            )
            page = problem_page(
                vs, "math", "math-003", sample_filters({"show": "labelled"}, ["base", "rl"])
            )
            pages.append((problem_list(vs, f), page["models"], page["samples"]))
        finally:
            vs.close()
    assert pages[0] == pages[1]
    listed, models, samples = pages[0]
    rl = {m["model"]: m for m in models}["rl"]
    assert (rl["c"], rl["guesses"]) == (1, 1)
    assert [s["note"] for s in samples["rl"]["samples"]] == ["n"]
