"""``boundary view`` over HTTP: the JSON twins agree with the queries, label writes are checked
and land only in ``labels/``, a growing lake is shown as it grows, the token and the host
checks hold, and Ctrl-C stops the server cleanly."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from view_lakes import N
from view_server import Server

from boundary_ray.cli import main
from boundary_ray.lake.writer import write_rows
from boundary_ray.query import run_sql

VIEW = Path(__file__).resolve().parents[2] / "boundary_ray" / "review" / "view"
TOKEN = "tok-0123456789abcdef"
GOOD = {"model": "base", "benchmark": "arith", "problem_id": "arith-001", "sample_idx": 3}


def _files(lake: str) -> set[str]:
    return {str(p.relative_to(lake)) for p in Path(lake).rglob("*.parquet")}


def test_api_problems_agree_with_the_samples(view_server):
    data = view_server.json("/api/problems?benchmark=arith&model=base&per_page=4&page=3")
    assert (data["total"], data["pages"], data["page"]) == (10, 3, 3)
    assert [p["problem_id"] for p in data["problems"]] == ["arith-008", "arith-009"]
    every = view_server.json("/api/problems?benchmark=arith&model=base,rl&per_page=200")
    counts = {
        (r["model"], r["problem_id"]): (r["n"], r["c"])
        for r in run_sql(
            "select model, problem_id, count(*) as n, count(*) filter (where correct) as c"
            " from samples where benchmark = 'arith' group by all",
            view_server.lake,
        ).to_pylist()
    }
    shown = {
        (model, p["problem_id"]): (s["n"], s["c"])
        for p in every["problems"]
        for model, s in p["models"].items()
    }
    assert shown == counts and len(shown) == 20
    # solved by rl and not by base; a difficulty range; verdict kinds
    only_rl = view_server.json("/api/problems?solved_by=rl&unsolved_by=base")
    assert [p["problem_id"] for p in only_rl["problems"]] == ["arith-000", "arith-005"]
    ops = view_server.json("/api/problems?ops=2-3")["problems"]
    assert ops and all(2 <= p["ops"] <= 3 for p in ops)
    assert view_server.json("/api/problems?verdict=error")["total"] == 0
    assert view_server.json("/api/problems?verdict=timeout")["total"] == 16


def test_api_samples_and_problem(view_server):
    side = view_server.json(
        "/api/samples?model=rl&benchmark=arith&problem_id=arith-001&show=correct&per_page=2"
    )
    assert (side["matching"], side["pages"]) == (3, 2)
    assert [s["sample_idx"] for s in side["samples"]] == [0, 1]
    first = side["samples"][0]
    assert first["verdict"] == "correct" and first["extracted_answer"] == "4"
    assert first["response"].endswith("$\\boxed{4}$.")
    problem = view_server.json("/api/problems/math/math-000")
    assert problem["problem"]["answer"] == "1"
    base = {m["model"]: m for m in problem["models"]}["base"]
    assert (base["n"], base["c"], base["hardest_rule"], base["bands"]) == (
        N,
        1,
        "one_correct",
        ["hardest", "partial", "solved"],
    )
    assert [p["k"] for p in base["pass_at_k"]] == [1, 2, 4, 8, 16]
    for path, status, words in [
        ("/api/samples?model=base&benchmark=arith", 400, "missing parameter 'problem_id'"),
        ("/api/samples?model=nope&benchmark=arith&problem_id=x", 404, "no samples of model"),
        ("/api/problems?band=most", 400, "band='most': expected one of"),
        ("/api/problems?page=0", 400, "page=0"),
        ("/api/problems/arith/nope", 404, "no problem arith/nope"),
    ]:
        code, _, body = view_server.request(path)
        assert code == status and words in json.loads(body)["error"], (path, body)
    code, _, body = view_server.request("/problems?sort=bogus")
    assert code == 400 and b"sort=&#39;bogus&#39;" in body  # a page, its message escaped


def test_label_writes_are_checked_and_land_only_in_labels(writable_lake):
    server = Server(writable_lake, "--who", "ana")
    origin = {"Origin": server.base, "Content-Type": "application/json"}
    before = _files(writable_lake)
    try:
        status, _, body = server.request(
            "/api/labels", {**GOOD, "label": "guess", "note": "hm"}, origin
        )
        assert status == 201, body
        stored = json.loads(body)["stored"]
        assert (stored["label"], stored["who"], stored["note"]) == ("guess", "ana", "hm")
        added = _files(writable_lake) - before
        assert len(added) == 1 and next(iter(added)).startswith(
            "labels/model=base/benchmark=arith/"
        )
        assert before <= _files(writable_lake)  # nothing else changed
        refused = [
            ({**GOOD, "label": "maybe"}, origin, 400, "label 'maybe': expected one of valid"),
            ({**GOOD, "label": "valid", "model": "nope"}, origin, 404, "unknown model 'nope'"),
            (
                {**GOOD, "label": "valid", "benchmark": "math2"},
                origin,
                404,
                "no samples of benchmark",
            ),
            (
                {**GOOD, "label": "valid", "sample_idx": 99},
                origin,
                404,
                "no sample base/arith/arith-001/99",
            ),
            ({**GOOD, "label": "valid", "sample_idx": "3"}, origin, 400, "non-negative integer"),
            ({**GOOD, "label": "valid", "sample_idx": True}, origin, 400, "non-negative integer"),
            ({**GOOD, "label": "valid", "note": 5}, origin, 400, "'note' must be a string"),
            ({**GOOD, "label": "valid", "extra": 1}, origin, 400, "unknown fields extra"),
            (
                {**GOOD, "label": "valid"},
                {"Content-Type": "text/plain", "Origin": server.base},
                415,
                "JSON body",
            ),
            (
                {**GOOD, "label": "valid"},
                {"Content-Type": "application/json", "Origin": "http://evil.example"},
                403,
                "another origin",
            ),
            (
                {**GOOD, "label": "valid"},
                {"Content-Type": "application/json"},
                403,
                "Origin header",
            ),
        ]
        for body_, headers, status_, words in refused:
            status, _, body = server.request("/api/labels", body_, headers)
            assert status == status_ and words in json.loads(body)["error"], (body_, body)
        status, _, body = server.request("/api/labels", raw=b"{" * 70_000, headers=origin)
        assert status == 413
        status, _, _ = server.request("/api/labels")
        assert status == 405  # GET never writes
        assert len(_files(writable_lake) - before) == 1  # none of the refused wrote a file
        # the label counts at once: arith-001 of base was solved by its one correct sample
        # (3 is not it, so c stays 1); label that one a guess and the problem is unsolved
        server.request("/api/labels", {**GOOD, "sample_idx": 0, "label": "guess"}, origin)
        listed = server.json("/api/problems?benchmark=arith&model=base&exclude=guess")
        c = {p["problem_id"]: p["models"]["base"]["c"] for p in listed["problems"]}
        assert c["arith-001"] == 0 and c["arith-002"] == 5
        # a run adds a problem meanwhile: the list shows it within a second or two
        write_rows(
            writable_lake,
            "samples",
            [
                {
                    "model": "base",
                    "benchmark": "arith",
                    "problem_id": "arith-100",
                    "sample_idx": i,
                    "correct": i == 0,
                    "verdict": "correct" if i == 0 else "wrong",
                    "finish_reason": "stop",
                }
                for i in range(4)
            ],
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if server.json("/api/problems?benchmark=arith")["total"] == 11:
                break
            time.sleep(0.5)
        assert server.json("/api/problems?benchmark=arith")["total"] == 11
    finally:
        assert server.stop() == 0
    assert "boundary view: stopped" in server.proc.stdout.read()


def test_a_token_guards_every_request_and_the_host_is_checked(view_lake, view_server):
    server = Server(view_lake, "--token", TOKEN)
    try:
        assert server.url.endswith(f"/?token={TOKEN}")
        for path in ("/", "/api/problems", "/static/view.css", "/problems/arith/arith-001"):
            assert server.request(path)[0] == 401, path
        assert (
            server.request("/api/problems", headers={"Authorization": "Bearer wrong-token-000000"})[
                0
            ]
            == 401
        )
        cookie = f"boundary_token={TOKEN}"
        assert server.request("/api/overview", headers={"Cookie": cookie})[0] == 200
        assert (
            server.request("/api/overview", headers={"Authorization": f"Bearer {TOKEN}"})[0] == 200
        )
        # a write with the token in a header needs no Origin (a script, curl)
        status, _, body = server.request(
            "/api/labels",
            {**GOOD, "label": "maybe"},
            {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        assert status == 400 and b"expected one of" in body
    finally:
        assert server.stop() == 0
    # without a token only loopback names are answered (a rebound domain is not)
    assert view_server.request("/", headers={"Host": "evil.example:80"})[0] == 403
    assert view_server.request("/", headers={"Host": "localhost:1"})[0] == 200


def test_the_redirect_sets_an_httponly_cookie(view_lake):
    import http.client

    server = Server(view_lake, "--token", TOKEN)
    try:
        host, port = server.base.removeprefix("http://").rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("GET", f"//evil.example/x?token={TOKEN}&a=1")
        response = connection.getresponse()
        assert response.status == 303
        assert response.getheader("Location") == "/evil.example/x?a=1"  # stays on this server
        cookie = response.getheader("Set-Cookie")
        assert cookie == f"boundary_token={TOKEN}; Path=/; HttpOnly; SameSite=Strict"
    finally:
        assert server.stop() == 0


def test_pages_forbid_inline_script_and_ship_their_assets(view_server):
    status, headers, body = view_server.request("/problems/arith/arith-001")
    assert status == 200
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert headers["x-content-type-options"] == "nosniff"
    scripts = re.findall(rb"<script([^>]*)>", body)
    assert scripts and all(b'src="/static/' in s for s in scripts)  # no inline script at all
    assert (
        b"http://" not in body.replace(view_server.base.encode(), b"") and b"https://" not in body
    )
    for asset in (
        "/static/view.js",
        "/static/katex/katex.min.js",
        "/static/katex/fonts/KaTeX_Main-Regular.woff2",
    ):
        assert view_server.request(asset)[0] == 200, asset
    status, _, script = view_server.request("/static/vega.js")
    assert status == 200 and b"vegaEmbed" in script and len(script) > 500_000


def test_templates_never_mark_data_safe():
    sources = [*VIEW.glob("templates/*.html"), *VIEW.glob("*.py"), VIEW / "static" / "view.js"]
    for path in sources:
        text = path.read_text()
        for banned in (
            "|safe",
            "| safe",
            "Markup(",
            "autoescape false",
            "innerHTML",
            "insertAdjacentHTML",
            "document.write",
        ):
            assert banned not in text, f"{path.name}: {banned}"


def test_view_refuses_what_it_cannot_serve_safely(view_lake, tmp_path, capsys):
    assert main(["view", "--lake", view_lake, "--host", "0.0.0.0"]) == 2
    assert "--host 0.0.0.0: answering beyond this machine needs --token" in capsys.readouterr().err
    assert main(["view", "--lake", view_lake, "--token", "short"]) == 2
    assert "--token: at least 16 characters" in capsys.readouterr().err
    assert main(["view", "--lake", str(tmp_path / "none")]) == 2
    assert "no such directory" in capsys.readouterr().err


@pytest.mark.parametrize("path", ["/", "/problems", "/problems/math/math-003"])
def test_each_page_has_a_json_twin(view_server, path):
    status, headers, body = view_server.request(path)
    assert status == 200 and headers["content-type"].startswith("text/html")
    twin = "/api/overview" if path == "/" else "/api" + path
    assert view_server.json(twin)
