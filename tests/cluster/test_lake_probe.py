"""The lake check before sampling (``lake/node_probe.py``) on real two-node Ray clusters.

- ``own_disk``: the second node runs in its own mount namespace (``unshare -m``, as root here)
  with a tmpfs over the lake's folder, as a second machine with its own disk at the same path:
  ``boundary run`` with a local lake stops before sampling, in one line naming that node.
- ``shared``: both nodes see the same folder: the run goes on, every sample exactly once. On an
  ``s3://`` lake behind a server that checks credentials (moto), while the nodes were started
  without any ``AWS_*`` variable: a driver that joins without handing them over is stopped
  naming the node and the variables it lacks; ``boundary run`` hands them to its workers and
  the run completes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from ray_local_cluster import LocalRayCluster

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "s3"))
from s3_servers import auth_server, moto_problem  # noqa: E402

from boundary_ray.lake.reader import read_table  # noqa: E402

pytestmark = pytest.mark.cluster

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = 4  # synthetic:arith?ops=1-2&per_op=2
SPEC = """
lake: "{lake}"
models: [{{name: fake, source: "fake:canned?accuracy=0.5&tokens=10&seed=0"}}]
benchmarks: [{{name: arith, source: "synthetic:arith?ops=1-2&per_op=2&seed=0"}}]
sampling: {{n: 2, max_tokens: 32, seed: 0}}
engine: {{batch_size: 1, in_flight: 1}}
verify: {{workers: 2}}
"""


@contextmanager
def two_nodes(own_disk: Path | None) -> Iterator[tuple[LocalRayCluster, Path]]:
    """A head and a node ``other``, neither with an ``AWS_*`` variable; with ``own_disk``, the
    node ``other`` sees an empty tmpfs at that folder instead of this machine's."""
    root = Path(tempfile.mkdtemp(prefix="brp-", dir="/tmp"))  # short: Ray's socket paths
    cluster = LocalRayCluster(root)
    cluster.env = {k: v for k, v in cluster.env.items() if not k.startswith("AWS_")}
    wrap = None
    if own_disk is not None:
        own_disk.mkdir(parents=True, exist_ok=True)
        mount = 'mount -t tmpfs boundary-probe-test "$0" && exec "$@"'
        wrap = ["unshare", "--mount", "sh", "-c", mount, str(own_disk)]
    try:
        cluster.start_head(num_cpus=1)
        cluster.add_worker("other", num_cpus=2, wrap=wrap)
        yield cluster, root
    finally:
        cluster.shutdown()
        shutil.rmtree(root, ignore_errors=True)


def _driver_env(cluster: LocalRayCluster, **more: str) -> dict[str, str]:
    return {
        **cluster.env,
        "RAY_ADDRESS": cluster.gcs_address,
        "PYTHONPATH": os.pathsep.join(sys.path),
        **more,
    }


def _node_id(cluster: LocalRayCluster, name: str) -> str:
    """The Ray node id of the node started as ``name`` (its raylet socket is under its temp dir)."""
    code = "import json, ray; ray.init(); print(json.dumps(ray.nodes()))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_driver_env(cluster),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    nodes = json.loads(out.stdout.strip().splitlines()[-1])
    (node,) = [n for n in nodes if n["Alive"] and f"/{name}/" in n["RayletSocketName"]]
    return node["NodeID"]


def _ours(stderr: str) -> list[str]:
    """The lines of ``stderr`` that are not Ray's core logging its log level as it connects
    (``[...] logging.cc:303: Set ray log level from environment variable ...``)."""
    return [line for line in stderr.strip().splitlines() if "] logging.cc:" not in line]


def _run(spec: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "boundary_ray.cli", "run", str(spec), "--quiet"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def own_disk() -> Iterator[tuple[LocalRayCluster, Path]]:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.fail("needs root and unshare(1): the node gets its own mount namespace")
    shared = Path(tempfile.mkdtemp(prefix="brp-lake-", dir="/tmp"))
    try:
        with two_nodes(own_disk=shared) as (cluster, _):
            yield cluster, shared
    finally:
        shutil.rmtree(shared, ignore_errors=True)


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[LocalRayCluster, Path]]:
    with two_nodes(own_disk=None) as (cluster, root):
        yield cluster, root


def test_a_node_with_its_own_disk_at_the_lakes_path_stops_the_run(
    own_disk: tuple[LocalRayCluster, Path],
) -> None:
    cluster, folder = own_disk
    lake = folder / "lake"
    spec = folder / "spec.yaml"
    spec.write_text(SPEC.format(lake=lake))
    out = _run(spec, _driver_env(cluster))
    assert out.returncode == 2, out.stderr[-3000:]
    (line,) = _ours(out.stderr)
    other = _node_id(cluster, "other")
    assert line.startswith(f"boundary: error: lake {lake}: node ")
    assert f", node id {other[:12]}) does not see the lake the driver writes" in line
    assert "use an s3:// lake or a folder every node mounts" in line
    assert not (lake / "samples").exists()  # stopped before sampling
    assert not (lake / "_probe").exists()  # and the probe files are gone


def test_nodes_that_share_the_lake_run_it_exactly_once(
    shared: tuple[LocalRayCluster, Path],
) -> None:
    cluster, root = shared
    lake = root / "shared-lake"
    spec = root / "spec.yaml"
    spec.write_text(SPEC.format(lake=lake))
    out = _run(spec, _driver_env(cluster))
    assert out.returncode == 0, out.stderr[-3000:]
    rows = read_table(str(lake), "samples").to_pylist()
    keys = {(r["problem_id"], r["sample_idx"]) for r in rows}
    assert len(rows) == len(keys) == PROBLEMS * 2
    assert not (lake / "_probe").exists()


def test_an_s3_lake_needs_the_drivers_credentials_on_every_node(
    shared: tuple[LocalRayCluster, Path],
) -> None:
    if moto_problem():
        pytest.fail(moto_problem())
    cluster, root = shared
    with auth_server() as server:
        lake = server.uri("authed", "probe-lake")
        code = (
            "import ray, sys; from boundary_ray.errors import BoundaryError;"
            " from boundary_ray.run.node_probe import check_nodes_see_lake; ray.init()\n"
            f"try: check_nodes_see_lake({lake!r}, 'r1')\n"
            "except BoundaryError as exc: print(exc); sys.exit(2)"
        )  # a driver that joins without handing its AWS_* over: the nodes have none
        joined = subprocess.run(
            [sys.executable, "-c", code],
            env=_driver_env(cluster, **server.env()),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert joined.returncode == 2, joined.stderr[-3000:]
        line = joined.stdout.strip().splitlines()[-1]
        assert line.startswith(f"lake {lake}: node ") and "cannot read the lake" in line
        assert "the object store refused the credentials" in line
        assert line.endswith(
            "; it lacks AWS_ACCESS_KEY_ID, AWS_DEFAULT_REGION, AWS_EC2_METADATA_DISABLED,"
            " AWS_SECRET_ACCESS_KEY, which the driver has"
        )
        spec = root / "spec-s3.yaml"
        spec.write_text(SPEC.format(lake=lake))
        out = _run(spec, _driver_env(cluster, **server.env()))  # hands them to its workers
        assert out.returncode == 0, out.stderr[-3000:]
        with pytest.MonkeyPatch.context() as patch:
            for key, value in server.env().items():
                patch.setenv(key, value)
            rows = read_table(lake, "samples").to_pylist()
        assert len({(r["problem_id"], r["sample_idx"]) for r in rows}) == len(rows) == PROBLEMS * 2
        assert not [k for k in server.keys("authed") if "/_probe/" in k]
