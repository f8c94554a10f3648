"""CodeVerifier: verdicts for honest, broken and hostile programs, with the host checked after
each hostile one; truncated responses; the modes (asserts, io, reference, in_process) and the
reference run cached per problem; HumanEval's 164 canonical solutions (correct) and a broken twin
of each (not correct) through the host-decided path. Attacks on the harness itself:
test_code_hostile.py.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from boundary_ray.benchmarks.code_sets import load_builtin
from boundary_ray.sandbox.untrusted_exec import ALLOW_UNSANDBOXED_ENV
from boundary_ray.spec import BenchmarkSpec
from boundary_ray.verifiers.code.extraction import extract_code
from boundary_ray.verifiers.code.stdio import outputs_match
from boundary_ray.verifiers.code.verifier import CodeVerifier

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="needs bubblewrap (apt-get install bubblewrap)"
)

DOUBLE_TEST = "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(5) == 10\n"
GOOD = "def f(x):\n    return x * 2\n"


@pytest.fixture(autouse=True)
def _sandbox_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_UNSANDBOXED_ENV, raising=False)  # never run hostile code unprotected


@pytest.fixture(scope="module")
def verifier() -> CodeVerifier:
    return CodeVerifier(timeout_s=2.0)


def functional(
    code: str, test: str = DOUBLE_TEST, prompt: str = "", fence: bool = True, finish: str = "stop"
) -> dict:
    tests = {"kind": "functional", "prompt": prompt, "entry_point": "f", "test": test}
    response = f"Here it is:\n```python\n{code}\n```\nDone." if fence else code
    return {"response": response, "tests": json.dumps(tests), "finish_reason": finish}


def stdio(code: str, cases: list[tuple[str, str]]) -> dict:
    tests = {"kind": "stdio", "cases": [{"input": i, "output": o} for i, o in cases]}
    return {
        "response": f"```python\n{code}\n```",
        "tests": json.dumps(tests),
        "finish_reason": "stop",
    }


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


# ---------------------------------------------------------------- honest and plainly wrong


def test_correct_wrong_and_crashing_functions(verifier: CodeVerifier) -> None:
    assert verifier.verify_one(functional(GOOD)).verdict == "correct"
    wrong = verifier.verify_one(functional("def f(x):\n    return x + 2\n"))
    assert (wrong.verdict, wrong.reason) == (
        "wrong",
        "case 2: eq check failed: expected '10', got '7'",
    )
    crash = verifier.verify_one(functional("def f(x):\n    return x / 0\n"))
    assert (crash.verdict, crash.reason) == ("error", "case 1: ZeroDivisionError: division by zero")
    missing = verifier.verify_one(functional("def g(x):\n    return x * 2\n"))
    assert (missing.verdict, missing.reason) == (
        "error",
        "case 1: NameError: name 'f' is not defined",
    )
    syntax = verifier.verify_one(functional("def f(x) return x\n"))
    assert syntax.verdict == "error" and syntax.reason.startswith("SyntaxError")


def test_verdict_carries_the_extracted_code_and_rule(verifier: CodeVerifier) -> None:
    verdict = verifier.verify_one(functional(GOOD))
    assert (verdict.extracted_answer, verdict.answer_rule) == (GOOD + "\n", "fenced+asserts")


def test_base_model_completion_continues_the_prompt(verifier: CodeVerifier) -> None:
    prompt = 'def f(x):\n    """Double x."""\n'
    completion = (
        "    return x * 2\n\n\ndef unrelated():\n    return 1 +\n"  # junk after a stop line
    )
    verdict = verifier.verify_one(functional(completion, prompt=prompt, fence=False))
    assert (verdict.verdict, verdict.answer_rule) == ("correct", "completion+asserts")


def test_fenced_block_goes_after_the_prompt_when_that_parses(verifier: CodeVerifier) -> None:
    helper_prompt = 'def helper(x):\n    return x * 2\n\n\ndef f(x):\n    """Double x."""\n'
    uses_helper = "def f(x):\n    return helper(x)\n"
    assert verifier.verify_one(functional(uses_helper, prompt=helper_prompt)).verdict == "correct"
    bare_signature = "def f(x):\n"  # prompt + block would not parse; the block alone does
    assert verifier.verify_one(functional(GOOD, prompt=bare_signature)).verdict == "correct"


def test_no_code_is_no_answer(verifier: CodeVerifier) -> None:
    row = functional("I cannot solve this.", fence=False)
    row["tests"] = json.dumps({"kind": "stdio", "cases": [{"input": "", "output": "1"}]})
    assert verifier.verify_one(row).verdict == "no_answer"
    cut = functional("", fence=False, finish="length")
    cut["response"] = "Let me think.\n```python\ndef f(x):\n    return x *"
    verdict = verifier.verify_one(cut)
    assert verdict.verdict == "no_answer" and "finish_reason=length" in verdict.reason


def test_bad_tests_are_an_error_not_a_crash(verifier: CodeVerifier) -> None:
    row = functional(GOOD)
    row["tests"] = json.dumps({"kind": "quiz"})
    verdict, _ = verifier.judge(row)
    assert verdict.verdict == "error" and "tests.kind" in verdict.reason


def test_stdio_cases(verifier: CodeVerifier) -> None:
    program = "a, b = map(int, input().split())\nprint(a + b)\nexit(0)\n"
    assert (
        verifier.verify_one(stdio(program, [("1 2\n", "3\n"), ("10 5", "15")])).verdict == "correct"
    )
    wrong = verifier.verify_one(stdio(program, [("1 2\n", "3\n"), ("2 2\n", "5\n")]))
    assert (wrong.verdict, wrong.reason.startswith("case 2: expected '5', got '4'")) == (
        "wrong",
        True,
    )
    crash = verifier.verify_one(stdio("print(int(input()) // 0)", [("1", "1")]))
    assert crash.verdict == "error" and crash.reason.startswith("case 1: ZeroDivisionError")


def test_batch_call_sets_the_verdict_columns(verifier: CodeVerifier) -> None:
    import pyarrow as pa

    batch = pa.Table.from_pylist([functional(GOOD), functional("def f(x):\n    return x\n")])
    out = verifier(batch)
    assert out.column("verdict").to_pylist() == ["correct", "wrong"]
    assert out.column("correct").to_pylist() == [True, False]
    assert out.column("answer_rule").to_pylist() == ["fenced+asserts", "fenced+asserts"]


def test_outputs_match_rules() -> None:
    assert outputs_match("1 2\n3  \n\n", "1 2\n3")
    assert outputs_match("3\r\n", "3")
    assert outputs_match("1.50 2", "1.5 2.0")  # equal as decimals, as in LiveCodeBench
    assert not outputs_match("0.3333333", "0.333333333")  # LiveCodeBench: exact
    assert outputs_match("0.3333333", "0.333333333", float_tol=1e-6)
    assert not outputs_match("1000000", "1000001", float_tol=1e-6)  # an int token: exact
    assert not outputs_match("1000000.0", "1000001", float_tol=1e-6)
    assert outputs_match("1000000.5", "1000000.0", float_tol=1e-6)  # relative past 1
    assert not outputs_match("1 2", "1 3")
    assert not outputs_match("1 2 3", "1 2")
    assert not outputs_match("1\n2", "1 2")


@pytest.mark.parametrize(
    ("response", "finish", "completes", "expected"),
    [
        (
            "```python\na = 1\n```\ntext\n```python\nb = 22\n```",
            "stop",
            False,
            ("b = 22\n", "fenced"),
        ),
        (  # the last block, as LiveCodeBench takes it (the longest before issue 33)
            "```python\nlonger = 1\n```\n```python\nb = 2\n```",
            "stop",
            False,
            ("b = 2\n", "fenced"),
        ),
        ("```\nuntagged = 1\n```", "stop", False, ("untagged = 1\n", "fenced")),
        ("```text\n3 4\n```\n```py\nx = 1\n```", "stop", False, ("x = 1\n", "fenced")),
        ("```cpp\nint main() {}\n```", "stop", False, None),
        ("Sure.\n```python\nx = 1\n", "stop", False, ("x = 1\n", "fenced_open")),
        ("Sure.\n```python\nx = 1\n", "length", False, None),
        ("    return 1\n\ndef g():\n    pass\n", "length", True, ("    return 1\n", "completion")),
        ("print(int(input()) * 2)\n", "stop", False, ("print(int(input()) * 2)\n", "raw")),
        ("The answer is to loop.", "stop", False, None),
        ("", "stop", True, None),
    ],
)
def test_code_extraction_rules(
    response: str, finish: str, completes: bool, expected: tuple | None
) -> None:
    found = extract_code(response, finish, completes_prompt=completes)
    assert (None if found is None else (found.code, found.rule)) == expected


# ---------------------------------------------------------------- the adversarial set


def test_infinite_loop_times_out(verifier: CodeVerifier) -> None:
    start = time.monotonic()
    verdict = verifier.verify_one(functional("def f(x):\n    while True:\n        pass\n"))
    assert verdict.verdict == "timeout"
    assert time.monotonic() - start < 6.0


@pytest.mark.parametrize(
    "bomb",
    [
        "def f(x):\n    return [0] * (x << 40)\n",  # one huge request
        "def f(x):\n    blocks = []\n    while True:\n        blocks.append(bytearray(64 << 20))\n",
    ],
)
def test_memory_bomb_hits_the_address_space_limit(bomb: str) -> None:
    verifier = CodeVerifier(timeout_s=15.0)  # the growing bomb writes ~1 GiB before it fails
    verdict = verifier.verify_one(functional(bomb))
    assert (verdict.verdict, "MemoryError" in verdict.reason) == ("error", True)


def test_bounded_fork_flood_is_capped_and_leaves_nothing_behind(verifier: CodeVerifier) -> None:
    token = f"{90 + secrets.randbelow(9)}.{secrets.randbelow(10**8):08d}"
    flood = (
        "import os\n"
        "for _ in range(300):\n"
        "    if os.fork() == 0:\n"
        f"        os.setsid()\n        os.execv('/bin/sleep', ['sleep', {token!r}])\n" + GOOD
    )
    verdict = verifier.verify_one(functional(flood))
    assert (verdict.verdict, verdict.reason.startswith("BlockingIOError")) == ("error", True)
    time.sleep(0.2)
    assert alive_with_token(token) == []


def test_writes_outside_the_sandbox_do_not_reach_the_host(
    verifier: CodeVerifier, tmp_path: Path
) -> None:
    inside = f"/tmp/boundary-pwned-{secrets.token_hex(6)}"
    outside = tmp_path / "pwned"
    writer = f"open({inside!r}, 'w').write('x')\nopen({str(outside)!r}, 'w').write('x')\n" + GOOD
    verdict = verifier.verify_one(functional(writer))
    assert (verdict.verdict, verdict.reason.startswith("FileNotFoundError")) == ("error", True)
    assert not outside.exists() and not Path(inside).exists()


def test_no_connection_reaches_a_host_listener(verifier: CodeVerifier) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = (
            f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1).sendall(b'hi')\n"
            + GOOD
        )
        verdict = verifier.verify_one(functional(client))
        assert (verdict.verdict, verdict.reason.startswith("ConnectionRefusedError")) == (
            "error",
            True,
        )
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_killing_the_parent_and_host_processes_fails(verifier: CodeVerifier) -> None:
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        killer = (
            "import os, signal\n"
            f"for pid in (os.getppid(), 1, {sleeper.pid}, -1):\n"
            "    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
            "def f(x):\n    return x + 1\n"
        )
        verdict = verifier.verify_one(functional(killer))
        assert verdict.verdict == "wrong"  # the harness outlived the attempt and ran the tests
        assert sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_200_mb_of_stdout_is_cut_off(verifier: CodeVerifier) -> None:
    flood = "import sys\nfor _ in range(200):\n    sys.stdout.write('x' * (1 << 20))\n" + GOOD
    start = time.monotonic()
    verdict = verifier.verify_one(functional(flood))
    assert (verdict.verdict, verdict.reason) == (
        "error",
        "output limit exceeded (stdout or stderr)",
    )
    assert time.monotonic() - start < 5.0


@pytest.mark.parametrize("exit_call", ["import sys\nsys.exit(0)", "exit(0)", "raise SystemExit"])
def test_exit_zero_at_import_is_not_a_pass(verifier: CodeVerifier, exit_call: str) -> None:
    verdict = verifier.verify_one(functional(f"print('All tests passed')\n{exit_call}\n" + GOOD))
    assert verdict.verdict == "error" and verdict.reason.startswith(
        "exited before the tests finished"
    )


def test_os_exit_inside_the_function_is_not_a_pass(verifier: CodeVerifier) -> None:
    verdict = verifier.verify_one(functional("import os\ndef f(x):\n    os._exit(0)\n"))
    assert verdict.verdict == "error"
    assert verdict.reason == "exited before the tests finished (exit code 0)"


def test_secrets_in_the_environment_do_not_leak(
    verifier: CodeVerifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = secrets.token_hex(12)
    monkeypatch.setenv("BOUNDARY_TEST_SECRET", secret)
    snoop = (
        "import glob, os\n"
        "seen = [os.environ.get('BOUNDARY_TEST_SECRET', '')]\n"
        "for path in glob.glob('/proc/*/environ'):\n"
        "    try:\n        seen.append(open(path, 'rb').read().decode('latin-1'))\n"
        "    except OSError:\n        pass\n"
        "def f(x):\n    return '\\n'.join(seen)\n"
    )
    test = f"def check(candidate):\n    assert {secret!r} in candidate(0)\n"
    assert verifier.verify_one(functional(snoop, test=test)).verdict == "wrong"


# ---------------------------------------------------------------- HumanEval


def broken(solution: str, entry_point: str) -> str:
    """The canonical solution with every result changed (a number +1, a bool negated, ...)."""
    return (
        f"{solution}\n\n"
        f"_canonical = {entry_point}\n\n\n"
        "def _perturb(value):\n"
        "    if isinstance(value, bool):\n        return not value\n"
        "    if isinstance(value, (int, float)):\n        return value + 1\n"
        "    if isinstance(value, str):\n        return value + 'x'\n"
        "    if isinstance(value, (list, tuple)):\n        return value + type(value)([None])\n"
        "    return 0 if value is None else None\n\n\n"
        f"def {entry_point}(*args, **kwargs):\n"
        "    return _perturb(_canonical(*args, **kwargs))\n"
    )


def test_humaneval_canonical_solutions_pass_and_broken_ones_fail() -> None:
    problems = load_builtin(BenchmarkSpec(name="humaneval", source="builtin:humaneval"))
    assert len(problems) == 164
    verifier = CodeVerifier(timeout_s=10.0)
    rows = []
    for problem in problems:
        tests = json.loads(problem["tests"])
        solution = tests["prompt"] + json.loads(problem["meta"])["canonical_solution"]
        for kind, code in (
            ("canonical", solution),
            ("broken", broken(solution, tests["entry_point"])),
        ):
            response = f"```python\n{code}\n```"
            rows.append(
                (problem["problem_id"], kind, {"response": response, "tests": problem["tests"]})
            )
    with ThreadPoolExecutor(max_workers=2) as pool:
        verdicts = list(pool.map(lambda item: verifier.verify_one(item[2]), rows))
    outcomes = {(pid, kind): v for (pid, kind, _), v in zip(rows, verdicts, strict=True)}
    not_correct = {
        key: v.reason for key, v in outcomes.items() if key[1] == "canonical" and not v.correct
    }
    passed = {key: v.answer_rule for key, v in outcomes.items() if key[1] == "broken" and v.correct}
    assert not_correct == {}
    assert passed == {}
    modes = {pid: v.answer_rule.split("+")[1] for (pid, kind), v in outcomes.items()}
    in_process = sorted(pid for pid, mode in modes.items() if mode == "in_process")
    assert in_process == ["HumanEval/32"]  # find_zero: a property check, no host oracle
    assert sum(mode == "reference" for mode in modes.values()) == 6
    assert verifier.oracles.reference_runs == 6  # once per problem, not per sample
