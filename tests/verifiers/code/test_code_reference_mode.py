"""Reference mode (issue 33): a test whose expected values come from a reference run must not
lose the rest of what it checks, and a test that seeds ``random`` replays that state.

When the reference run records (inputs, expected, result) per assert, every other statement
of the test ran only against the reference. So a test that also asserts something else (the
input sorted in place, a time budget), or whose reference changes its arguments (an expected
value that aliases them), falls back to the in-process mode, which runs the whole test against
the candidate, and says so in its note; a test that seeds ``random`` gets the state the
reference saw restored before each of the candidate's calls.
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


@pytest.fixture(autouse=True)
def _sandbox_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_UNSANDBOXED_ENV, raising=False)


@pytest.fixture(scope="module")
def verifier() -> CodeVerifier:
    return CodeVerifier(timeout_s=5.0)


def judge(verifier: CodeVerifier, code: str, test: str, reference: str) -> tuple:
    tests = {
        "kind": "functional",
        "prompt": "",
        "entry_point": "f",
        "test": test,
        "reference": reference,
    }
    row = {"response": f"```python\n{code}```", "tests": json.dumps(tests)}
    verdict = verifier.verify_one(row)
    return verdict.verdict, verdict.answer_rule, verdict.reason


IN_PLACE = (
    "import random\n\n\ndef check(candidate):\n    for _ in range(5):\n"
    "        xs = [random.randint(0, 9) for _ in range(6)]\n"
    "        assert candidate(xs) is None\n        assert xs == sorted(xs)\n"
)
SORTS_IN_PLACE = "def f(xs):\n    xs.sort()\n"

ALIASED = (
    "import random\n\n\ndef check(candidate):\n    for _ in range(5):\n"
    "        xs = [random.randint(0, 9) for _ in range(6)]\n"
    "        assert candidate(xs) == xs\n"
)
SORTS_AND_RETURNS = "def f(xs):\n    xs.sort()\n    return xs\n"

TIMED = (
    "import random, time\n\n\ndef check(candidate):\n    start = time.time()\n"
    "    for _ in range(3):\n        x = random.randint(0, 9)\n        assert candidate(x) == x + 1\n"
    "    assert time.time() - start < 0.5\n"
)
ADDS_ONE = "def f(x):\n    return x + 1\n"

SEEDED = (
    "import random\n\n\ndef check(candidate):\n    for seed in range(5):\n"
    "        random.seed(seed)\n        want = random.randint(0, 10**9)\n"
    "        random.seed(seed)\n        assert candidate(10**9) == want\n"
)
DRAWS = "import random\n\ndef f(n):\n    return random.randint(0, n)\n"


@pytest.mark.parametrize(
    ("test", "reference", "honest", "dishonest", "why"),
    [
        (IN_PLACE, SORTS_IN_PLACE, SORTS_IN_PLACE, "def f(xs):\n    return None\n", "checks more"),
        (
            ALIASED,
            SORTS_AND_RETURNS,
            SORTS_AND_RETURNS,
            "def f(xs):\n    return sorted(xs)\n",  # right values, but xs is left unsorted
            "changes its arguments in place",
        ),
        (
            TIMED,
            ADDS_ONE,
            ADDS_ONE,
            "import time\n\ndef f(x):\n    time.sleep(0.3)\n    return x + 1\n",
            "checks more",
        ),
    ],
    ids=["input-changed-in-place", "expected-aliases-the-argument", "time-budget"],
)
def test_checks_beyond_the_results_fall_back_to_a_mode_that_runs_them(
    verifier, test: str, reference: str, honest: str, dishonest: str, why: str
) -> None:
    assert judge(verifier, honest, test, reference)[:2] == ("correct", "fenced+in_process")
    verdict, rule, reason = judge(verifier, dishonest, test, reference)
    assert (verdict, rule) == ("wrong", "fenced+in_process"), reason
    assert "[in_process: " in reason and why in reason


def test_a_seeded_test_replays_the_reference_state_for_the_candidate(verifier) -> None:
    verdict, rule, reason = judge(verifier, DRAWS, SEEDED, DRAWS)
    assert (verdict, rule) == ("correct", "fenced+reference"), reason
    other = "import random\n\ndef f(n):\n    random.random()\n    return random.randint(0, n)\n"
    assert judge(verifier, other, SEEDED, DRAWS)[0] == "wrong"
    assert judge(verifier, "def f(n):\n    return n // 2\n", SEEDED, DRAWS)[0] == "wrong"


def test_an_unseeded_random_test_still_records_its_inputs(verifier) -> None:
    test = (
        "import random\n\n\ndef check(candidate):\n    for _ in range(10):\n"
        "        x = random.randint(0, 100)\n        assert candidate(x) == x + 1\n"
    )
    assert judge(verifier, ADDS_ONE, test, ADDS_ONE)[:2] == ("correct", "fenced+reference")
    assert judge(verifier, "def f(x):\n    return x + 2\n", test, ADDS_ONE)[0] == "wrong"
