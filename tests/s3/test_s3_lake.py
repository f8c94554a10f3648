"""An S3 lake read and written the ways users point at one, against a real S3 server (moto):
every query gives what it gives on a local lake; the endpoint in the URI's options or in
``AWS_ENDPOINT_URL``; a wrong endpoint, a missing bucket, refused credentials: one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from query_lakes import write_realistic_lake
from s3_servers import S3Server

from boundary_ray.errors import BoundaryError
from boundary_ray.lake.manifest import RunManifest
from boundary_ray.lake.reader import lake_root
from boundary_ray.query import list_queries, run_query
from boundary_ray.spec import spec_from_dict

REPO = Path(__file__).resolve().parents[2]
SPEC = {
    "models": [{"name": "fake", "source": "fake:canned?accuracy=0.5&tokens=10"}],
    "benchmarks": [{"name": "arith", "source": "synthetic:arith?ops=1&per_op=2&seed=0"}],
    "sampling": {"n": 2, "max_tokens": 32},
}


def _boundary(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**clean, "PYTHONPATH": os.pathsep.join(sys.path), **env},
        timeout=timeout,
    )


def _rounded(table) -> list[str]:
    rows = [
        {k: round(v, 9) if isinstance(v, float) else v for k, v in row.items()}
        for row in table.to_pylist()
    ]
    return sorted(map(repr, rows))


@pytest.fixture(scope="module")
def twin_lakes(s3_server: S3Server, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The query tests' realistic lake written twice by the real writer: on S3 and locally."""
    bucket = "twins"
    s3_server.filesystem().create_dir(bucket)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in s3_server.env().items():
            patch.setenv(key, value)
        write_realistic_lake(s3_server.uri(bucket))
    local = str(tmp_path_factory.mktemp("twin") / "lake")
    write_realistic_lake(local)
    return s3_server.uri(bucket), local


def test_every_query_on_s3_gives_what_it_gives_on_a_local_lake(
    twin_lakes: tuple[str, str], s3_env: dict
) -> None:
    s3, local = twin_lakes
    for name in list_queries():
        expected, got = run_query(name, local), run_query(name, s3)
        assert got.schema == expected.schema, name
        assert _rounded(got) == _rounded(expected), name


def test_the_endpoint_in_aws_endpoint_url(twin_lakes: tuple[str, str], s3_server: S3Server) -> None:
    s3, local = twin_lakes
    bare = s3.split("?", 1)[0]  # s3://twins/lake: the endpoint from the environment
    out = _boundary(
        "query", "pass_at_k", "--lake", bare, "--format", "csv",
        env=s3_server.env(AWS_ENDPOINT_URL=s3_server.url),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    here = _boundary("query", "pass_at_k", "--lake", local, "--format", "csv", env={})
    assert _csv(out.stdout) == _csv(here.stdout) and len(_csv(out.stdout)) > 10


def _csv(text: str) -> list[list[str]]:
    """CSV rows with numbers rounded (the sum order of a float may differ between readers)."""
    import csv
    import io

    def cell(value: str) -> str:
        try:
            return repr(round(float(value), 9))
        except ValueError:
            return value

    return sorted([cell(v) for v in row] for row in csv.reader(io.StringIO(text)))


def test_the_report_of_an_s3_lake(
    twin_lakes: tuple[str, str], s3_server: S3Server, tmp_path: Path
) -> None:
    s3, _ = twin_lakes
    out = _boundary(
        "report", "--lake", s3, "--out", str(tmp_path / "r"), env=s3_server.env(), timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    html = (tmp_path / "r" / "index.html").read_text()
    assert "pass@k" in html and "rl-grpo-100" in html


def test_credentials_in_the_uri_are_masked_in_the_manifest(
    s3_server: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    lake = s3_server.uri(bucket).replace("s3://", "s3://testing:testing@")
    spec = spec_from_dict({**SPEC, "lake": lake})
    RunManifest(lake, "r1", spec).finish("done")
    with s3_server.filesystem().open_input_stream(f"{bucket}/lake/runs/r1.json") as stream:
        data = json.loads(stream.read())
    assert data["spec"]["lake"] == lake.replace("testing:testing@", "***@")


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.mark.parametrize("command", ["query", "run"])
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("endpoint", "cannot reach the object store (Failed to connect to 127.0.0.1:"),
        ("bucket", "bucket 'no-such-bucket' does not exist (create it first"),
        (
            "secret",
            "the object store refused the credentials (ACCESS_DENIED); check AWS_ACCESS_KEY_ID",
        ),
        ("key", "the object store refused the credentials (ACCESS_DENIED)"),
    ],
)
def test_what_goes_wrong_reaching_the_store_is_one_line(
    command: str,
    case: str,
    expected: str,
    auth_s3_server: S3Server,
    tmp_path: Path,
) -> None:
    server = auth_s3_server
    env = server.env()
    lake = server.uri("authed")
    if case == "endpoint":
        lake = S3Server("127.0.0.1", _closed_port()).uri("authed")
    elif case == "bucket":
        lake = server.uri("no-such-bucket")
    elif case == "secret":
        env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
    else:
        env["AWS_ACCESS_KEY_ID"] = "AKIANOSUCHKEY0000000"
    if command == "query":
        args = ["query", "pass_at_k", "--lake", lake]
    else:
        spec = tmp_path / "spec.yaml"
        spec.write_text(json.dumps({**SPEC, "lake": lake}))
        args = ["run", str(spec), "--quiet"]
    out = _boundary(*args, env=env)
    assert out.returncode == 2, out.stderr[-2000:]
    assert out.stderr.count("\n") == 1, out.stderr[-2000:]
    assert out.stderr.startswith(f"boundary: error: lake {lake}: ")
    assert expected in out.stderr
    assert "ray" not in out.stderr.lower()  # stopped before Ray started


def test_an_option_pyarrow_does_not_know_is_one_line(s3_server: S3Server, s3_env: dict) -> None:
    with pytest.raises(BoundaryError, match=r"Unexpected query parameter in S3 URI: 'endpoint'"):
        lake_root("s3://b/lake?endpoint=127.0.0.1:9")
