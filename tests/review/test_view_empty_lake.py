"""``boundary view`` over a lake with no samples yet: every page says so and names ``boundary
run`` (200), every JSON route answers a 409 error, and samples written later are shown by the
same server without a restart."""

from __future__ import annotations

import json
import time
from pathlib import Path

from view_lakes import write_view_lake
from view_server import Server

from boundary_ray.cli import main
from boundary_ray.lake.writer import write_rows

PAGES = ("/", "/problems", "/problems/arith/arith-001")
APIS = (
    "/api/overview",
    "/api/problems",
    "/api/problems/arith/arith-001",
    "/api/samples?model=base&benchmark=arith&problem_id=arith-001",
    "/api/charts/pass_at_k",
)
LABEL = {"model": "base", "benchmark": "arith", "problem_id": "arith-001", "sample_idx": 0}


def _says_no_samples(server: Server, held: str) -> None:
    for path in PAGES:
        status, headers, body = server.request(path)
        assert status == 200 and headers["content-type"].startswith("text/html"), (path, status)
        assert b"No samples yet" in body and b"boundary run" in body, (path, body[-800:])
        assert f"holds {held} yet".encode() in body, path
    for path in APIS:
        status, headers, body = server.request(path)
        assert status == 409 and headers["content-type"] == "application/json", (path, status)
        error = json.loads(body)["error"]
        assert "no samples yet" in error and "`boundary run" in error, (path, error)
    origin = {"Origin": server.base, "Content-Type": "application/json"}
    status, _, body = server.request("/api/labels", {**LABEL, "label": "guess"}, origin)
    assert status == 409 and "boundary run" in json.loads(body)["error"]
    assert not (Path(server.lake) / "labels").exists()  # nothing written
    assert server.request("/static/view.css")[0] == 200
    assert server.request("/images/" + "0" * 64)[0] == 404


def test_an_empty_lake_folder_then_samples_arrive(tmp_path):
    lake = tmp_path / "lake"
    lake.mkdir()
    server = Server(str(lake))
    try:
        _says_no_samples(server, "no samples")
        write_view_lake(str(lake))  # a run writes meanwhile: the same server shows it
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and server.request("/api/problems")[0] != 200:
            time.sleep(0.5)
        assert server.json("/api/problems?benchmark=arith&model=base")["total"] == 10
        for path in PAGES:
            status, _, body = server.request(path)
            assert status == 200 and b"No samples yet" not in body, path
    finally:
        assert server.stop() == 0


def test_a_lake_with_problems_but_no_samples(tmp_path):
    lake = str(tmp_path / "lake")
    problem = {"benchmark": "arith", "problem_id": "arith-001", "task": "math", "answer": "4"}
    write_rows(lake, "problems", [{**problem, "question": "What is 2 + 2?", "meta": "{}"}])
    server = Server(lake)
    try:
        _says_no_samples(server, "problems but no samples")
    finally:
        assert server.stop() == 0


def test_a_lake_that_is_not_a_folder_is_one_line_at_start(tmp_path, capsys):
    assert main(["view", "--lake", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err.strip().endswith("no such directory")
    (tmp_path / "file").write_text("")
    assert main(["view", "--lake", str(tmp_path / "file")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a directory" in err
