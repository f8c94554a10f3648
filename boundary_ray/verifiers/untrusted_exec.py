"""``untrusted_run``: the one place that executes model-written code.

Each call runs one Python program in a fresh process inside bubblewrap (``bwrap``):

- namespaces: private network (loopback only: nothing on the host, 127.0.0.1 included, is
  reachable), private PID space (the sandbox cannot see or signal host processes, and every
  process in it dies with it), private IPC (no host shared memory or semaphores);
- files: a fresh root holding read-only binds of ``/usr`` (and ``/bin``, ``/lib*``), and of the
  Python installation only; a private writable ``/tmp`` (tmpfs, size-capped); a minimal
  ``/dev`` and ``/proc``. Host home directories, the project and ``/etc`` are not there;
- an empty environment (no host variable reaches the program);
- an unprivileged user: as root (CI, these machines) bwrap runs privileged and the in-sandbox
  launcher drops to a random uid/gid from ``SANDBOX_UIDS`` (no host account, no files)
  before the program starts, so ``RLIMIT_NPROC`` binds, per run (two concurrent runs share a
  uid with odds ~1/65536 per pair); otherwise bwrap maps the caller to uid 65534 in a user
  namespace, where the process cap counts only that sandbox's processes;
- rlimits: CPU seconds, address space, file size, open files, processes, no core dumps;
- an outer wall deadline (terminate, then kill, the whole process group; the PID namespace
  takes every descendant down with it) and a cap on stdout/stderr bytes.

The program's result comes back through one narrow channel: after the program returns (or
raises), the launcher writes ``<nonce> <status>`` on a private pipe. A program that exits on
its own (``sys.exit`` is caught; ``os._exit``, a signal or a crash is not) never writes a
line carrying the nonce, so callers can tell "ran to the end" from "stopped early" without
trusting the exit code.

What this does NOT protect against (stronger isolation: ``infra/sandbox.md``; gVisor,
Firecracker microVMs or a separate pod per verifier):

- kernel bugs: the program shares the host kernel, and there is no seccomp filter;
- reading world-readable files inside the bound directories (``/usr``, the Python prefix);
- memory pressure: ``RLIMIT_AS`` caps each process, not the sandbox (up to ``processes`` of
  them), and ``/tmp`` lives in host RAM up to ``tmp_mb``; there is no memory cgroup;
- as root, ``RLIMIT_NPROC`` counts every process of the run's uid on the host: a uid shared
  by chance with a concurrent run also shares its process cap;
- tampering with the test harness from inside: the tests run in the program's own
  interpreter, so code written to attack this harness (objects whose ``__eq__`` is always
  true, patched builtins, reading the nonce out of interpreter memory) can forge a pass. The
  nonce stops programs that exit early, not a targeted attack;
- CPU and I/O contention with the host while it runs.

Where bwrap is missing or cannot create its namespaces (e.g. a Kubernetes pod without user
namespaces), ``untrusted_run`` refuses with a ``BoundaryError`` unless the user sets
``BOUNDARY_RAY_ALLOW_UNSANDBOXED=1``: then it warns once and runs with rlimits, the deadline
and the process-group kill only (no namespaces, no file or network isolation, and, as root,
no process cap).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
from dataclasses import dataclass

from boundary_ray.errors import BoundaryError

ALLOW_UNSANDBOXED_ENV = "BOUNDARY_RAY_ALLOW_UNSANDBOXED"
BWRAP = "bwrap"  # the bubblewrap binary (tests point this elsewhere to simulate its absence)
SANDBOX_UIDS = range(200_000, 265_536)  # as root: one picked at random per run
NOBODY = 65534  # the uid shown inside a user namespace (non-root callers)
SANDBOX_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64")
TERM_GRACE_S = 0.2  # between SIGTERM and SIGKILL
EXIT_GRACE_S = 0.2  # after the program exits, how long its pipes may stay open
REPORT_CAP = 64 * 1024
STDERR_TAIL = 4096

# The in-sandbox half: reads the job from stdin, sets limits, drops to an unprivileged user,
# runs the program as __main__ and reports how it ended on the report fd. Kept small and
# free of imports the program could have poisoned before it runs.
LAUNCHER = r"""
import builtins, json, os, resource, sys, types


def main():
    job = json.loads(sys.stdin.buffer.read())
    report_fd, nonce, source = job.pop("report_fd"), job.pop("nonce"), job.pop("source")
    write = os.write
    stdin_fd = os.memfd_create("stdin")
    os.write(stdin_fd, job["stdin"].encode("utf-8", "replace"))
    os.lseek(stdin_fd, 0, 0)
    os.dup2(stdin_fd, 0)
    os.close(stdin_fd)
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", errors="replace", closefd=False)
    sys.path.extend(job["path"])
    builtins.exit = builtins.quit = sys.exit
    for name, value in job["rlimits"].items():
        resource.setrlimit(getattr(resource, name), (value, value))
    if job["uid"] is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(job["uid"])
        os.setuid(job["uid"])
    os.chdir(job["cwd"])
    program = types.ModuleType("__main__")
    sys.modules["__main__"] = program  # the program's own, not this launcher's
    try:
        exec(compile(source, "<program>", "exec"), program.__dict__)
        threading = sys.modules.get("threading")
        for thread in threading.enumerate() if threading else []:
            if thread is not threading.main_thread() and not thread.daemon:
                thread.join()
        sys.stdout.flush()
        status = "ok"
    except SystemExit as exc:
        status = "exit " + repr(exc.code)[:100]
    except BaseException as exc:
        status = "raised " + describe(exc)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException as exc:
        status = "raised " + describe(exc)
    line = nonce + " " + status.replace("\n", " ") + "\n"
    try:
        write(report_fd, line.encode("utf-8", "replace"))
    except OSError:
        pass
    os._exit(0)


def describe(exc):
    text = str(exc)
    return (type(exc).__name__ + (": " + text if text else ""))[:300]


main()
"""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run. ``cpu_s`` defaults to the wall deadline plus one."""

    wall_s: float = 10.0
    cpu_s: int | None = None
    memory_mb: int = 1024  # address space of each process
    file_mb: int = 16  # largest file the program may write
    tmp_mb: int = 64  # size of the private /tmp
    open_files: int = 64
    processes: int = 32
    output_bytes: int = 1 << 20  # stdout, and separately stderr


@dataclass(frozen=True)
class RunResult:
    """How one run ended.

    ``status``: ``exited`` (the process ended by itself), ``timeout`` (wall deadline),
    ``output_limit`` (too many bytes on stdout or stderr). ``report`` is what the launcher
    said, only when its line carried this run's nonce: ``ok``, ``exit <code>`` (SystemExit) or
    ``raised <Type>: <message>``; ``None`` means the program never got to the end.
    """

    status: str
    exit_code: int | None
    report: str | None
    stdout: bytes
    stderr: bytes
    wall_s: float
    sandboxed: bool


def untrusted_run(source: str, stdin: str = "", limits: Limits | None = None) -> RunResult:
    """Run ``source`` as ``__main__`` in a fresh sandboxed process, ``stdin`` as its input."""
    limits = limits or Limits()
    sandboxed = sandbox_available()
    nonce = secrets.token_hex(16)
    # unsandboxed: no private /tmp, so at least a fresh working directory
    workdir = None if sandboxed else tempfile.mkdtemp(prefix="boundary-untrusted-")
    report_r, report_w = os.pipe()
    job = {
        "source": source,
        "stdin": stdin,
        "nonce": nonce,
        "report_fd": report_w,
        "path": _site_dirs(),
        "uid": SANDBOX_UIDS[secrets.randbelow(len(SANDBOX_UIDS))] if sandboxed else None,
        "cwd": workdir or "/tmp",
        "rlimits": _rlimits(limits),
    }
    command = _bwrap_command(limits) if sandboxed else []
    command += [_python(), "-I", "-S", "-c", LAUNCHER]
    start = time.monotonic()
    report_pipe = os.fdopen(report_r, "rb", buffering=0)
    try:
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(report_w,),
                start_new_session=True,
                env=SANDBOX_ENV,
                cwd="/",
            )
        finally:
            os.close(report_w)  # ours; the child keeps its copy
        status, out, err, report = _collect(
            proc, json.dumps(job).encode(), report_pipe, limits, start
        )
    finally:
        report_pipe.close()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    exit_code = proc.returncode
    lines = [
        line
        for line in report.decode("utf-8", "replace").splitlines()
        if line.startswith(nonce + " ")
    ]
    return RunResult(
        status=status,
        exit_code=exit_code,
        report=lines[-1][len(nonce) + 1 :] if lines else None,
        stdout=bytes(out),
        stderr=bytes(err[-STDERR_TAIL:]),
        wall_s=time.monotonic() - start,
        sandboxed=sandboxed,
    )


def sandbox_available() -> bool:
    """``True`` when bwrap works here; ``False`` when the user opted into running without it
    (with a warning, once); otherwise a ``BoundaryError`` that says how to fix it."""
    problem = _sandbox_problem(BWRAP, os.geteuid() == 0)
    if problem is None:
        return True
    if os.environ.get(ALLOW_UNSANDBOXED_ENV, "") in ("1", "true", "yes"):
        _warn_unsandboxed(problem)
        return False
    raise BoundaryError(
        f"code sandbox unavailable: {problem}; install bubblewrap (apt-get install bubblewrap) "
        f"or set {ALLOW_UNSANDBOXED_ENV}=1 to run model code with rlimits only (unsafe)"
    )


@functools.cache
def _sandbox_problem(bwrap: str, as_root: bool) -> str | None:
    """Why the sandbox cannot run here (``None`` when it can): bwrap missing, or a probe run
    failing (no user namespaces, no privileges for mounts ...)."""
    path = shutil.which(bwrap)
    if path is None:
        return f"{bwrap!r} not found on PATH"
    probe = [*_bwrap_command(Limits()), _python(), "-I", "-S", "-c", "pass"]
    try:
        result = subprocess.run(probe, capture_output=True, timeout=30, env=SANDBOX_ENV, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap probe failed: {exc}"
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        return f"bwrap probe failed: {lines[-1]}"
    return None


@functools.cache
def _warn_unsandboxed(problem: str) -> None:
    message = (
        f"RUNNING MODEL-WRITTEN CODE WITHOUT A SANDBOX ({ALLOW_UNSANDBOXED_ENV} is set): "
        f"{problem}. Only rlimits, a deadline and a process-group kill apply: the code can read "
        "your files, use the network and, as root, fork without limit."
    )
    warnings.warn(message, RuntimeWarning, stacklevel=3)
    print(f"boundary: warning: {message}", file=sys.stderr)


def _bwrap_command(limits: Limits) -> list[str]:
    command = [BWRAP, "--die-with-parent", "--new-session"]
    command += ["--unshare-ipc", "--unshare-pid", "--unshare-net"]
    if os.geteuid() == 0:  # privileged bwrap; the launcher drops to a SANDBOX_UIDS uid itself
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:  # a user namespace; the process cap then counts this sandbox only
        command += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            command += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            command += ["--ro-bind", path, path]
    made: set[str] = set()
    for path in _python_dirs():
        # bwrap copies the host's modes for the parents it creates (/root is 0700): make them
        # traversable, or the unprivileged program could not import anything
        for parent in _parents(path):
            if parent not in made:
                made.add(parent)
                command += ["--perms", "0755", "--dir", parent]
        command += ["--ro-bind", path, path]
    command += ["--proc", "/proc", "--dev", "/dev"]
    command += ["--size", str(limits.tmp_mb << 20), "--perms", "1777", "--tmpfs", "/tmp"]
    command += ["--clearenv"]
    for name, value in SANDBOX_ENV.items():
        command += ["--setenv", name, value]
    return command + ["--chdir", "/tmp"]


def _python() -> str:
    return os.path.realpath(sys.executable)


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return list(dict.fromkeys([paths["purelib"], paths["platlib"]]))


def _python_dirs() -> list[str]:
    """The interpreter's installation trees that are not already under a system dir."""
    candidates = [
        sys.base_prefix,
        sys.prefix,
        sys.exec_prefix,
        os.path.dirname(os.path.dirname(_python())),
    ]
    candidates += _site_dirs()
    dirs: list[str] = []
    for path in sorted({os.path.realpath(p) for p in candidates}, key=len):
        if any(path == d or path.startswith(d.rstrip("/") + "/") for d in [*SYSTEM_DIRS, *dirs]):
            continue
        if os.path.isdir(path):
            dirs.append(path)
    return dirs


def _parents(path: str) -> list[str]:
    """``/a/b/c`` -> ``["/a", "/a/b"]``."""
    parts = path.strip("/").split("/")[:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _rlimits(limits: Limits) -> dict[str, int]:
    cpu = limits.cpu_s if limits.cpu_s is not None else int(limits.wall_s) + 1
    return {
        "RLIMIT_CPU": max(1, cpu),
        "RLIMIT_AS": limits.memory_mb << 20,
        "RLIMIT_FSIZE": limits.file_mb << 20,
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_CORE": 0,
    }


def _collect(
    proc: subprocess.Popen, job: bytes, report_pipe, limits: Limits, start: float
) -> tuple[str, bytearray, bytearray, bytearray]:
    """Feed the job, drain stdout/stderr/report under the caps and the deadline, then kill
    the process group, whatever happened. Returns (status, stdout, stderr, report)."""
    assert proc.stdin and proc.stdout and proc.stderr
    buffers = {proc.stdout: bytearray(), proc.stderr: bytearray(), report_pipe: bytearray()}
    deadline = start + limits.wall_s
    status = "timeout"
    try:
        status = _drain(proc, job, buffers, limits, deadline)
        if status == "exited" and not _has_exited(proc.pid):  # closed its pipes but runs on
            _wait_exit(proc.pid, deadline - time.monotonic())
            status = "exited" if _has_exited(proc.pid) else "timeout"
    finally:
        if status != "exited":
            _kill_group(proc.pid, signal.SIGTERM)
            _wait_exit(proc.pid, TERM_GRACE_S)
        _kill_group(proc.pid, signal.SIGKILL)  # before reaping: the pgid cannot be reused yet
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    return status, buffers[proc.stdout], buffers[proc.stderr], buffers[report_pipe]


def _drain(
    proc: subprocess.Popen, job: bytes, buffers: dict, limits: Limits, deadline: float
) -> str:
    """The select loop: ``exited``, ``timeout`` or ``output_limit``."""
    report_pipe = next(stream for stream in buffers if stream not in (proc.stdout, proc.stderr))
    caps = dict.fromkeys(buffers, limits.output_bytes) | {report_pipe: REPORT_CAP}
    totals = dict.fromkeys(buffers, 0)
    pending = memoryview(job)
    with selectors.DefaultSelector() as selector:
        for stream in buffers:
            os.set_blocking(stream.fileno(), False)
            selector.register(stream, selectors.EVENT_READ)
        os.set_blocking(proc.stdin.fileno(), False)
        selector.register(proc.stdin, selectors.EVENT_WRITE)
        exited_at = None
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                return "timeout"
            if exited_at is None and _has_exited(proc.pid):
                exited_at = now
            if exited_at is not None and now - exited_at > EXIT_GRACE_S:
                return "exited"  # its pipes outlived it (inherited by a straggler)
            for key, _ in selector.select(min(deadline - now, 0.05)):
                stream = key.fileobj
                if stream is proc.stdin:
                    try:
                        pending = pending[os.write(stream.fileno(), pending) :]
                    except BrokenPipeError:
                        pending = pending[:0]
                    if not pending:
                        selector.unregister(stream)
                        stream.close()
                    continue
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    selector.unregister(stream)
                    continue
                totals[stream] += len(chunk)
                if stream is proc.stderr:
                    buffers[stream] = (buffers[stream] + chunk)[-STDERR_TAIL:]
                elif totals[stream] <= caps[stream]:
                    buffers[stream] += chunk
                if stream is not report_pipe and totals[stream] > caps[stream]:
                    return "output_limit"
    return "exited"


def _has_exited(pid: int) -> bool:
    """Whether ``pid`` has exited, without reaping it (its pgid stays reserved)."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _wait_exit(pid: int, timeout_s: float) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end and not _has_exited(pid):
        time.sleep(0.01)


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
