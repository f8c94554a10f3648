"""The sandbox itself: what a program sees, what it can reach, how a run ends and is reported.

Every test here runs real programs under real bubblewrap; the hostile ones (with verdicts) are in
test_code_verifier.py. Hostile code runs only with the sandbox on: the fixture clears the
opt-out so a missing bwrap fails these tests instead of running them unprotected.
"""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.verifiers import untrusted_exec
from boundary_ray.verifiers.untrusted_exec import ALLOW_UNSANDBOXED_ENV, Limits, untrusted_run

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="needs bubblewrap (apt-get install bubblewrap)"
)

FAST = Limits(wall_s=5.0)


@pytest.fixture(autouse=True)
def _sandbox_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_UNSANDBOXED_ENV, raising=False)


def alive_with_token(token: str) -> list[int]:
    """Host pids whose command line contains ``token``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_program_that_returns_reports_ok_with_its_output() -> None:
    result = untrusted_run(
        "import sys\nprint(sys.stdin.read().upper())", stdin="hello", limits=FAST
    )
    assert (result.status, result.report, result.stdout, result.sandboxed) == (
        "exited",
        "ok",
        b"HELLO\n",
        True,
    )


def test_stdin_is_a_real_file_descriptor() -> None:
    result = untrusted_run("print(open(0).read().split())", stdin="3 4\n5\n", limits=FAST)
    assert result.stdout == b"['3', '4', '5']\n"


def test_sys_exit_and_exceptions_are_reported_as_such() -> None:
    assert untrusted_run("import sys\nsys.exit(3)", limits=FAST).report == "exit 3"
    assert untrusted_run("exit()", limits=FAST).report == "exit None"
    assert untrusted_run("1/0", limits=FAST).report == "raised ZeroDivisionError: division by zero"
    assert untrusted_run("def broken(:\n", limits=FAST).report.startswith("raised SyntaxError")


def test_os_exit_leaves_no_report_whatever_the_exit_code() -> None:
    result = untrusted_run("import os\nprint('ok', flush=True)\nos._exit(0)", limits=FAST)
    assert (result.status, result.exit_code, result.report) == ("exited", 0, None)


def test_a_forged_report_without_the_nonce_is_ignored() -> None:
    forge = (
        "import os\n"
        "for fd in range(3, 64):\n"
        "    try:\n        os.write(fd, b'0123456789abcdef0123456789abcdef ok\\nok\\n')\n"
        "    except OSError:\n        pass\n"
        "os._exit(0)\n"
    )
    assert untrusted_run(forge, limits=FAST).report is None


def test_runs_unprivileged_with_an_empty_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = secrets.token_hex(8)
    monkeypatch.setenv("BOUNDARY_TEST_SECRET", secret)
    program = (
        "import os, glob\n"
        "print(os.getuid(), os.getgid(), os.getgroups())\n"
        "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
        "print([status[k].strip() for k in ('CapPrm', 'CapEff', 'CapAmb', 'NoNewPrivs')])\n"
        "print(sorted(os.environ))\n"
        "for path in glob.glob('/proc/*/environ'):\n"
        "    try:\n        print(open(path, 'rb').read())\n"
        "    except OSError:\n        pass\n"
    )
    result = untrusted_run(program, limits=FAST)
    lines = result.stdout.decode().splitlines()
    uid, gid, groups = lines[0].split(" ", 2)
    assert uid == gid and groups == "[]"
    assert int(uid) in untrusted_exec.SANDBOX_UIDS or int(uid) == untrusted_exec.NOBODY
    # no capabilities, and no way to gain any (setuid binaries stay unprivileged)
    assert lines[1] == str(["0000000000000000"] * 3 + ["1"])
    assert "BOUNDARY_TEST_SECRET" not in lines[2] and "PATH" in lines[2]
    assert secret.encode() not in result.stdout + result.stderr


def test_the_host_file_system_is_absent_or_read_only(tmp_path: Path) -> None:
    host_file = tmp_path / "from-sandbox"
    site = untrusted_exec._site_dirs()[0]
    program = (
        "import os\n"
        f"print(os.path.exists({str(tmp_path)!r}), os.path.exists('/work'), os.path.exists('/etc/passwd'))\n"
        f"for target in [{str(host_file)!r}, {site + '/pwned.py'!r}, '/usr/pwned']:\n"
        "    try:\n        open(target, 'w').write('x')\n        print('wrote', target)\n"
        "    except OSError as exc:\n        print(type(exc).__name__)\n"
    )
    result = untrusted_run(program, limits=FAST)
    assert result.stdout.decode().split("\n")[0] == "False False False"
    assert b"wrote" not in result.stdout
    assert (
        not host_file.exists()
        and not Path(site, "pwned.py").exists()
        and not Path("/usr/pwned").exists()
    )


def test_tmp_is_private_and_size_capped() -> None:
    name = f"/tmp/boundary-private-{secrets.token_hex(6)}"
    program = (
        f"open({name!r}, 'w').write('inside')\n"
        "import os\nprint(sorted(os.listdir('/tmp')))\n"
        "try:\n    for i in range(64):\n"
        "        open(f'/tmp/fill{i}', 'wb').write(b'x' * (1 << 20))\n"
        "except OSError as exc:\n    print('full', type(exc).__name__)\n"
    )
    result = untrusted_run(program, limits=Limits(wall_s=5.0, tmp_mb=8))
    lines = result.stdout.decode().splitlines()
    assert lines[0] == f"[{name.removeprefix('/tmp/')!r}]"  # nothing of the host's /tmp
    assert lines[1] == "full OSError"
    assert not Path(name).exists()


def test_file_size_and_open_file_limits() -> None:
    program = (
        "import os\n"
        "try:\n    open('/tmp/big', 'wb').write(b'x' * (2 << 20))\nexcept OSError as exc:\n"
        "    print('fsize', type(exc).__name__)\n"
        "handles = []\n"
        "try:\n    while True:\n        handles.append(open('/tmp/f', 'w'))\nexcept OSError:\n"
        "    print('nofile', len(handles) < 32)\n"
    )
    result = untrusted_run(program, limits=Limits(wall_s=5.0, file_mb=1, open_files=32))
    assert result.stdout.decode().splitlines() == ["fsize OSError", "nofile True"]


def test_process_cap_binds_and_leftover_processes_die_with_the_run() -> None:
    token = f"{97 + secrets.randbelow(1000) / 1000:.3f}{secrets.randbelow(10**6):06d}"
    program = (
        "import os\nforked = 0\n"
        "try:\n    for _ in range(300):\n"
        "        if os.fork() == 0:\n"
        f"            os.setsid()\n            os.execv('/bin/sleep', ['sleep', {token!r}])\n"
        "        forked += 1\n"
        "except OSError as exc:\n    print(type(exc).__name__)\n"
        "print(forked)\n"
    )
    result = untrusted_run(program, limits=Limits(wall_s=5.0, processes=16))
    lines = result.stdout.decode().split()
    assert lines[0] == "BlockingIOError" and int(lines[1]) < 16
    assert result.report == "ok"
    time.sleep(0.2)
    assert alive_with_token(token) == []


def test_wall_deadline_kills_a_program_that_ignores_sigterm() -> None:
    program = (
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"
    )
    start = time.monotonic()
    result = untrusted_run(program, limits=Limits(wall_s=1.0))
    assert result.status == "timeout" and result.report is None
    assert time.monotonic() - start < 4.0


def test_a_program_that_closes_its_pipes_and_runs_on_times_out() -> None:
    program = "import os, time\nfor fd in (1, 2):\n    os.close(fd)\ntime.sleep(60)\n"
    result = untrusted_run(program, limits=Limits(wall_s=1.0))
    assert result.status == "timeout"


def test_output_cap_stops_a_flood_early() -> None:
    program = "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"
    start = time.monotonic()
    result = untrusted_run(program, limits=Limits(wall_s=10.0, output_bytes=1 << 20))
    assert result.status == "output_limit" and len(result.stdout) <= 1 << 20
    assert time.monotonic() - start < 5.0


def test_missing_bwrap_is_refused_without_the_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(untrusted_exec, "BWRAP", "bwrap-not-installed")
    with pytest.raises(BoundaryError, match=ALLOW_UNSANDBOXED_ENV):
        untrusted_run("print(1)")


def test_opt_in_runs_unsandboxed_with_a_warning_and_rlimits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(untrusted_exec, "BWRAP", "bwrap-not-installed")
    monkeypatch.setenv(ALLOW_UNSANDBOXED_ENV, "1")
    untrusted_exec._warn_unsandboxed.cache_clear()
    with pytest.warns(RuntimeWarning, match="WITHOUT A SANDBOX"):
        result = untrusted_run("print(2 + 2)", limits=FAST)
    assert (result.report, result.stdout, result.sandboxed) == ("ok", b"4\n", False)
    bomb = "x = bytearray(4 << 30)"
    assert untrusted_run(bomb, limits=FAST).report == "raised MemoryError"
    assert untrusted_run("while True:\n    pass", limits=Limits(wall_s=1.0)).status == "timeout"
