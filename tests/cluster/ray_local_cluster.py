"""A real multi-node Ray cluster on this machine, for tests.

Each node is its own ``ray start --block`` process with its own ``--temp-dir`` (its own session,
logs and sockets), so one node can be killed alone, as if its machine were lost.

Finding a node's processes: its ``ray start`` process tree (GCS, raylet, agents, workers, job
drivers), and, for processes that left the tree (a worker whose raylet died), a marker in the
environment: every process of a node inherits ``BOUNDARY_TEST_RAY_NODE=<cluster id>/<node>``
(it cannot be read from processes that renamed themselves ``ray::...``, hence both). Killing by
tree and marker touches only this cluster. That is why teardown does not run ``ray stop
--force``: it stops every Ray instance of the user on the host, other test sessions' included.
Every node's dashboard agent gets a free port: the default one (52365) is taken by whichever
Ray instance on the host started first, and a head without its agent takes no jobs.

Authentication: Ray 2.60 turns token authentication on for a new cluster and every client
(``ray job submit``, ``ray.init``) must present the cluster's token. By default each cluster
here gets its own random token through ``RAY_AUTH_MODE=token`` and ``RAY_AUTH_TOKEN`` in
``env``, which the nodes and every client subprocess share; ``~/.ray/auth_token`` is neither
read nor written. ``LocalRayCluster(home=...)`` instead starts the nodes as a user's shell
does: a token in ``<home>/.ray/auth_token`` and no ``RAY_AUTH_*`` variables (the README's path).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# The ``ray`` CLI of the Ray this interpreter imports (not whichever one is first on PATH).
RAY_CLI = str(Path(sys.executable).with_name("ray"))
MARKER = "BOUNDARY_TEST_RAY_NODE"
READY_LINE = "This command will now block forever"
START_TIMEOUT_S = 180


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RayNode:
    """One ``ray start --block`` process and the marker its process tree carries."""

    name: str
    marker: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the node's ``ray start`` output, for failure messages."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


class LocalRayCluster:
    """A head node and worker nodes on loopback, each started and killed on its own."""

    def __init__(self, root: Path, dashboard: bool = False, home: Path | None = None) -> None:
        """``home``: start the nodes as a user's shell does, with ``HOME=home`` and no
        ``RAY_AUTH_*`` variables, so Ray finds the token in ``home/.ray/auth_token`` (written
        here by ``ray get-auth-token --generate``); clients and joining nodes then need
        ``RAY_AUTH_MODE=token`` (``client_env``). Without ``home``, nodes and clients share a random token in
        ``RAY_AUTH_TOKEN``."""
        self.root = root
        self.cluster_id = secrets.token_hex(4)
        self.port = free_port()
        self.dashboard_port = free_port() if dashboard else None
        self.nodes: list[RayNode] = []
        self.home = home
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("RAY_ADDRESS", "RAY_JOB_CONFIG_JSON_ENV_VAR")
            and not k.startswith("RAY_AUTH")
        }
        self.env["RAY_USAGE_STATS_ENABLED"] = "0"
        if home is None:
            self.env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32))
        else:
            self.env["HOME"] = str(home)
            subprocess.run(
                [RAY_CLI, "get-auth-token", "--generate"],
                env=self.env,
                capture_output=True,
                check=True,
            )

    @property
    def token(self) -> str:
        """The cluster's token, from ``RAY_AUTH_TOKEN`` or ``~/.ray/auth_token``."""
        if self.home is None:
            return self.env["RAY_AUTH_TOKEN"]
        return (self.home / ".ray" / "auth_token").read_text().strip()

    @property
    def client_env(self) -> dict[str, str]:
        """The environment of a client (``ray job ...``) that sends the token."""
        return {**self.env, "RAY_AUTH_MODE": "token"}

    @property
    def gcs_address(self) -> str:
        """``host:port`` of the head's GCS, for ``ray start --address`` and ``RAY_ADDRESS``."""
        return f"127.0.0.1:{self.port}"

    @property
    def dashboard_url(self) -> str:
        """The job API's address for ``ray job submit --address``."""
        if self.dashboard_port is None:
            raise RuntimeError("this cluster was started without the dashboard")
        return f"http://127.0.0.1:{self.dashboard_port}"

    def start_head(self, num_cpus: int) -> RayNode:
        """Start the head node (GCS, and the dashboard with the job API when asked for)."""
        args = [f"--port={self.port}", "--head", f"--num-cpus={num_cpus}"]
        if self.dashboard_port is not None:
            args += [
                "--include-dashboard=true",
                "--dashboard-host=127.0.0.1",
                f"--dashboard-port={self.dashboard_port}",
            ]
        else:
            args.append("--include-dashboard=false")
        return self._start("head", args)

    def wait_for_job_api(self, timeout_s: float = 120) -> None:
        """Block until the head's job agent takes jobs (it answers "No available agent to submit
        job" for a while after ``ray start`` returns): submit a no-op job until one succeeds."""
        deadline = time.monotonic() + timeout_s
        while True:
            probe = subprocess.run(
                [
                    RAY_CLI,
                    "job",
                    "submit",
                    "--address",
                    self.dashboard_url,
                    "--",
                    "python",
                    "-c",
                    "pass",
                ],
                env=self.client_env,
                capture_output=True,
                text=True,
                timeout=timeout_s,
            )
            if probe.returncode == 0:
                return
            if "No available agent" not in probe.stderr or time.monotonic() > deadline:
                raise RuntimeError(f"the job API does not take jobs:\n{probe.stderr[-3000:]}")
            time.sleep(1)

    def job_status(self, job_id: str) -> str:
        """The job's status from the job API: PENDING, RUNNING, SUCCEEDED, FAILED or STOPPED."""
        import json
        import urllib.request

        request = urllib.request.Request(
            f"{self.dashboard_url}/api/jobs/{job_id}",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["status"]

    def add_worker(
        self, name: str, num_cpus: int, num_gpus: int = 0, wrap: list[str] | None = None
    ) -> RayNode:
        """Join a worker node with its own resources (``num_gpus`` logical GPUs). With ``home``,
        as the README says: ``RAY_AUTH_MODE=token`` (a joining ``ray start`` does not turn token
        mode on from the token file, as the head's does, and the GCS refuses it). ``wrap``: a
        command that runs the node's ``ray start`` (``exec``-ing it), e.g. in its own mount
        namespace."""
        args = [
            f"--address={self.gcs_address}",
            f"--num-cpus={num_cpus}",
            f"--num-gpus={num_gpus}",
        ]
        return self._start(name, args, self.client_env if self.home else self.env, wrap)

    def kill_node(self, node: RayNode) -> int:
        """SIGKILL every process of ``node`` at once, as a lost machine; returns how many."""
        procs = _processes(node.process, node.marker)
        _send(procs, signal.SIGKILL)
        node.process.wait(timeout=30)
        return len(procs)

    def processes_of(self, node: RayNode) -> list[str]:
        """Process titles (``ray::MapWorker(...)`` etc.) of ``node``'s live processes."""
        return [_title(proc) for proc in _processes(node.process, node.marker)]

    def shutdown(self) -> None:
        """Stop every process of this cluster: SIGTERM, then SIGKILL what is left after 10 s."""
        import psutil

        procs = set()
        for node in self.nodes:
            procs |= _processes(node.process, node.marker)
        _send(procs, signal.SIGTERM)
        _, alive = psutil.wait_procs(list(procs), timeout=10)
        _send(set(alive), signal.SIGKILL)
        for node in self.nodes:
            try:
                node.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                node.process.kill()

    def _start(
        self,
        name: str,
        args: list[str],
        env: dict[str, str] | None = None,
        wrap: list[str] | None = None,
    ) -> RayNode:
        temp_dir = self.root / name
        temp_dir.mkdir(parents=True, exist_ok=False)
        log = self.root / f"{name}.log"
        marker = f"{self.cluster_id}/{name}"
        cmd = [
            *(wrap or []),
            RAY_CLI,
            "start",
            *args,
            "--node-ip-address=127.0.0.1",
            "--disable-usage-stats",
            f"--dashboard-agent-listen-port={free_port()}",
            f"--temp-dir={temp_dir}",
            "--block",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                cmd,
                env={**(env or self.env), MARKER: marker},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        node = RayNode(name, marker, process, log)
        self.nodes.append(node)
        deadline = time.monotonic() + START_TIMEOUT_S
        while READY_LINE not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ray start of node {name!r} failed:\n{node.log_tail()}")
            time.sleep(0.5)
        return node


def _processes(root: subprocess.Popen, marker: str) -> set:
    """Live ``psutil.Process``es of one node: the tree under ``root`` and those marked."""
    import psutil

    procs = set()
    if root.poll() is None:  # once reaped, its pid may belong to someone else
        try:
            top = psutil.Process(root.pid)
            procs = {top, *top.children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
    for proc in psutil.process_iter():
        try:
            if proc.environ().get(MARKER) == marker:
                procs.add(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return procs


def _title(proc) -> str:
    """A process's title as ``ps`` shows it (Ray renames workers ``ray::...``)."""
    import psutil

    try:
        return " ".join(proc.cmdline()) or proc.name()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return ""


def _send(procs: set, sig: signal.Signals) -> None:
    """Send ``sig`` to each of ``procs`` that is still there."""
    import psutil

    for proc in procs:
        try:
            proc.send_signal(sig)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
