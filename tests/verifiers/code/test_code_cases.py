"""Host-side pieces of the code verifier: reading cases out of asserts (never executing them),
the strict plain-data decoder, comparisons, the truncation sanitizer, and the oracle modes."""

from __future__ import annotations

import json
import shutil

import pytest

from boundary_ray.verifiers.code.cases import Case
from boundary_ray.verifiers.code.drivers import record_test
from boundary_ray.verifiers.code.extraction import extract_code
from boundary_ray.verifiers.code.plain import PlainDataError, decode, encode
from boundary_ray.verifiers.code.reader import cases_from_asserts
from boundary_ray.verifiers.code.sanitize import sanitize

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


def test_literal_asserts_become_host_cases() -> None:
    test = (
        "import math\nMETADATA = {'author': 'x'}\n\n\ndef check(candidate):\n"
        "    '''docs'''\n    print\n    assert True\n"
        "    assert candidate([1, 2], k=3) == (1, 2)\n"
        "    assert 'ab' + 'c' == candidate('x')\n"
        "    assert abs(candidate(1) - 2.0/3.0) < 1e-6\n"
        "    assert abs(0.5 - candidate(2)) <= 1e-3\n"
        "    assert math.isclose(candidate(3), 1.5, rel_tol=1e-4)\n"
        "    assert candidate(4) is None\n    assert not candidate(5)\n    assert candidate(6)\n"
        "    assert tuple(candidate(7)) == tuple([1, -2])\n"
    )
    cases = cases_from_asserts(test)
    assert [(c.args, c.kwargs, c.compare, c.wrap) for c in cases] == [
        (([1, 2],), {"k": 3}, "eq", None),
        (("x",), {}, "eq", None),
        ((1,), {}, "abs_lt", None),
        ((2,), {}, "abs_le", None),
        ((3,), {}, "isclose", None),
        ((4,), {}, "is", None),
        ((5,), {}, "falsy", None),
        ((6,), {}, "truthy", None),
        ((7,), {}, "eq", "tuple"),
    ]
    assert [c.expected for c in cases][:3] == [(1, 2), "abc", 2.0 / 3.0]
    assert cases[4].tol == (1e-4, 0.0)


@pytest.mark.parametrize(
    "body",
    [
        "    x = y\n    assert candidate(x) == 6\n",  # a variable whose value is not a literal
        "    assert candidate(1) == helper(1)\n",
        "    for i in range(3):\n        assert candidate(i) == str(i)\n",
        "    for i in {1, 2}:\n        assert candidate(i) == i\n",  # a set's order is unknown
        "    for i in range(3):\n        if i:\n            assert candidate(i) == i\n",
        "    assert candidate(candidate(1)) == 1\n",
        "    assert candidate(1) != 2\n",
        "    assert candidate(*x) == 1\n",
        "    assert candidate(10 ** 100000) == 1\n",  # folding is capped
        "    assert candidate(__import__('os').system('x')) == 1\n",
    ],
)
def test_anything_else_is_not_read_as_literal_cases(body: str) -> None:
    assert cases_from_asserts(f"def check(candidate):\n{body}") is None


# issue 33: shapes that used to fall back to the in-process mode, now read on the host
READ_NOW = {
    "variable": (
        "    x = 3\n    assert candidate(x) == 6\n",
        [((3,), "eq", 6, None, ())],
    ),
    "print-in-check": (
        "    print(candidate(2))\n    print('checking', 1)\n    assert candidate(1) == 2\n",
        [((2,), "call", None, "str", ()), ((1,), "eq", 2, None, ())],
    ),
    "result-variable": (
        "    result = candidate([3, 1])\n    print(result)\n    assert result == [1, 3]\n",
        [(([3, 1],), "eq", [1, 3], None, ())],
    ),
    "result-variable-wrapped": (
        "    out = list(candidate(2))\n    assert out == [0, 1]\n",
        [((2,), "eq", [0, 1], "list", ())],
    ),
    "loop-over-a-table": (
        "    cases = [(1, 2), (2, 4)]\n    for x, y in cases:\n        assert candidate(x) == y\n",
        [((1,), "eq", 2, None, ()), ((2,), "eq", 4, None, ())],
    ),
    "loop-over-range": (
        "    for i in range(1, 3):\n        assert candidate(i) == i * 2\n",
        [((1,), "eq", 2, None, ()), ((2,), "eq", 4, None, ())],
    ),
    "loop-zip-enumerate-starred": (
        "    ins = [[1, 2], [3, 4]]\n    outs = [3, 7]\n"
        "    for i, (args, want) in enumerate(zip(ins, outs)):\n"
        "        assert candidate(*args) == want, i\n",
        [((1, 2), "eq", 3, None, ()), ((3, 4), "eq", 7, None, ())],
    ),
    "in-a-tuple": (
        "    assert candidate(1) in (1, -1)\n    assert candidate(2) not in [0]\n",
        [((1,), "in", (1, -1), None, ()), ((2,), "not_in", [0], None, ())],
    ),
    "round": (
        "    assert round(candidate(1), 2) == 0.33\n    assert round(candidate(2)) == 1\n",
        [((1,), "eq", 0.33, None, ("round", 2)), ((2,), "eq", 1, None, ("round", None))],
    ),
    "bare-call": (
        "    candidate(0)\n    assert candidate(1)\n",
        [((0,), "call", None, "discard", ()), ((1,), "truthy", None, None, ())],
    ),
}


@pytest.mark.parametrize("name", sorted(READ_NOW))
def test_ordinary_test_shapes_are_read_on_the_host(name: str) -> None:
    body, expected = READ_NOW[name]
    cases = cases_from_asserts(f"def check(candidate):\n{body}")
    assert cases is not None, name
    assert [(c.args, c.compare, c.expected, c.wrap, c.post) for c in cases] == expected


@pytest.mark.parametrize(
    "body",
    [
        # the same list reaches two calls: the first may mutate what the second sees
        "    xs = [3, 1]\n    assert candidate(xs) == 1\n    assert candidate(xs) == 1\n",
        # the expected value is the argument itself (a mutation would change both)
        "    xs = [3, 1]\n    assert candidate(xs) == xs\n",
        # a table entry passed on two passes over the table
        "    t = [[1]]\n    for _ in range(2):\n        for x in t:\n"
        "            assert candidate(x) == 1\n",
        # a result checked twice, or used another way, or checked after another call
        "    r = candidate(1)\n    assert r == 1\n    assert r == 1\n",
        "    r = candidate(1)\n    assert len(r) == 1\n",
        "    r = candidate(1)\n    assert candidate(2) == 2\n    assert r == 1\n",
        "    print(f'{candidate(1)}')\n    assert candidate(1) == 1\n",
        "    for i in range(3):\n        break\n    assert candidate(1) == 1\n",
        "    assert round(candidate(1), 2.5) == 1\n",
    ],
)
def test_shapes_whose_meaning_the_host_cannot_keep_are_not_read(body: str) -> None:
    assert cases_from_asserts(f"def check(candidate):\n{body}") is None


def test_host_comparisons_of_the_new_shapes_follow_python() -> None:
    assert Case((1,), expected=(1, -1), compare="in").matches(-1)
    assert not Case((1,), expected={1, 2}, compare="in").matches([1])  # unhashable: TypeError
    assert Case((1,), expected="abc", compare="in").matches("bc")  # str: a substring
    assert Case((1,), expected=[0], compare="not_in").matches(2)
    rounded = Case((1,), expected=0.33, compare="eq", post=("round", 2))
    assert rounded.matches(1 / 3) and not rounded.matches(0.34) and not rounded.matches("0.33")
    assert Case((1,), expected=1, post=("round", None)).matches(True)  # round(True) == 1
    # a bool where the test subtracts a float: Python's arithmetic, so True is 1
    assert Case((1,), expected=1.0, compare="abs_lt", tol=(1e-6,)).matches(True)
    assert Case((1,), expected=0.0, compare="isclose", tol=(1e-9, 1e-9)).matches(False)
    assert not Case((1,), expected=1.0, compare="abs_lt", tol=(1e-6,)).matches(None)


def test_record_test_rewrites_asserts_and_refuses_property_checks() -> None:
    test = "def check(candidate):\n    for x in range(3):\n        assert candidate(x) == str(x)\n"
    rewritten = record_test(test)
    assert "__record__(lambda: ((x,), {}), lambda: str(x), 'eq'" in rewritten
    prop = "def check(candidate):\n    y = candidate(2)\n    assert y * y == 16\n"
    assert record_test(prop) is None


def test_plain_data_round_trip_and_strict_decoding() -> None:
    value = [1, -2.5, "s", None, True, (1, (2,)), {"k": [1]}, {3}, frozenset({4}), b"\x00"]
    assert decode(json.dumps(encode(value))) == value
    for bad in [
        '{"x": 1}',  # not a tag
        '{"t": [], "s": []}',  # two tags
        '{"s": [[1]]}',  # unhashable member
        '{"d": [[1]]}',
        "[" * 10_000,
        "1" * 5000,  # past Python's int digit limit
        "[1] trailing",
    ]:
        with pytest.raises(PlainDataError):
            decode(bad)
    with pytest.raises(PlainDataError):
        decode(b"[" + b"1," * 4_300_000 + b"1]")  # over the size cap


def test_comparisons_on_plain_values() -> None:
    assert Case((1,), expected=[1, 2]).matches([1, 2])
    assert not Case((1,), expected=[1, 2]).matches((1, 2))
    assert Case((1,), expected=[1, 2], compare="lcb").matches((1, 2))
    assert not Case((1,), expected=float("nan")).matches(float("nan"))
    assert not Case((1,), expected=0.5, compare="abs_lt", tol=(1e-6,)).matches("0.5")
    assert not Case((1,), expected=0.5, compare="abs_lt", tol=(1e-6,)).matches(float("inf"))
    assert Case((1,), expected=True, compare="is").matches(True)
    assert not Case((1,), expected=True, compare="is").matches(1)
    close = Case((1,), expected=[1.0, 2.0], compare="allclose", tol=(0.0,))
    assert close.matches([1.0000001, 2.0]) and not close.matches([1.1, 2.0])
    assert not close.matches((1.0, 2.0))  # evalplus: same type
    root = Case(([-6, 11, -6, 1],), expected=[-6, 11, -6, 1], compare="poly_root", tol=(1e-6,))
    assert root.matches(1.0) and root.matches(3.0) and not root.matches(2.5)


def test_sanitizer_keeps_the_complete_entry_point_and_what_it_uses() -> None:
    text = (
        "import math\nfrom typing import List\n\nLIMIT = 3\n\ndef helper(x):\n    return x + LIMIT\n\n"
        "def unused():\n    return 0\n\ndef f(x):\n    return helper(x) * 2\n\n"
        "# Example\nprint(f(3))\nfor i in range(10):\n    print(f("
    )
    kept = sanitize(text, "f")
    assert "def f(x)" in kept and "def helper" in kept and "LIMIT = 3" in kept
    assert "unused" not in kept and "print" not in kept and "import math" in kept
    assert sanitize("def f(x):\n    y = 1\n    z = y *", "f") is None  # cut mid-body
    assert sanitize("def f(x):\n    y = 1\n    return y\n# more", "f") is None  # no dedent seen
    assert sanitize("def f(x):\n    return g(x)\n\ndef g(x):\n    y = 1", "f") is None


def test_truncated_responses_are_sanitized_only_for_a_complete_entry_point() -> None:
    done = "Sure.\n```python\ndef f(x):\n    return 2 * x\n\nprint(f(2))\nassert f(3) =="
    found = extract_code(done, "length", completes_prompt=True, entry_point="f")
    assert (found.code, found.rule) == ("def f(x):\n    return 2 * x\n", "fenced_open_sanitized")
    cut = "Sure.\n```python\ndef f(x):\n    y = 2 * x\n    return"
    assert extract_code(cut, "length", completes_prompt=True, entry_point="f") is None
    assert extract_code(done, "length", completes_prompt=False) is None  # stdio: no entry point
    prompt = 'def f(x):\n    """Double."""\n'
    completion = "    return 2 * x\n\n\nf(3) + f("
    found = extract_code(completion, "length", True, entry_point="f", prompt=prompt)
    assert found.rule == "completion_sanitized"  # no stop line before the cut
    assert found.code == 'def f(x):\n    """Double."""\n    return 2 * x\n'
    stopped = extract_code(completion + "\nprint(f(", "length", True, entry_point="f")
    assert stopped.rule == "completion"  # a stop line ended it
    body_cut = "    y = 2 * x\n    return y +"
    assert extract_code(body_cut, "length", True, entry_point="f", prompt=prompt) is None


@needs_bwrap
def test_modes_io_reference_in_process_and_the_reference_runs_once() -> None:
    from boundary_ray.verifiers.code.verifier import CodeVerifier

    verifier = CodeVerifier(timeout_s=10.0)

    def row(code: str, **tests: object) -> dict:
        base = {"kind": "functional", "prompt": "", "entry_point": "f", "test": ""}
        return {"response": f"```python\n{code}\n```", "tests": json.dumps(base | tests)}

    io = {"inputs": [[1], [2]], "outputs": [2, 4], "test": "def check(candidate):\n    pass\n"}
    assert verifier.verify_one(row("def f(x):\n    return 2 * x", **io)).answer_rule == (
        "fenced+io"
    )
    assert verifier.verify_one(row("def f(x):\n    return 4", **io)).verdict == "wrong"
    evalplus = {"inputs": [[1.0], [3.0]], "compare": "allclose", "atol": 0}
    evalplus["reference"] = "def f(x):\n    return x / 3\n"
    honest = verifier.verify_one(row("def f(x):\n    return x * (1 / 3)", **evalplus))
    assert (honest.verdict, honest.answer_rule) == ("correct", "fenced+io")
    assert verifier.verify_one(row("def f(x):\n    return x / 3 + 1e-3", **evalplus)).verdict == (
        "wrong"
    )
    random_test = (
        "import random\n\n\ndef check(candidate):\n"
        "    for _ in range(20):\n        x = random.randint(0, 100)\n"
        "        assert candidate(x) == x + 1\n"
    )
    reference = {"test": random_test, "reference": "def f(x):\n    return x + 1\n"}
    before = verifier.oracles.reference_runs
    for code, verdict in (("return x + 1", "correct"), ("return x + 2", "wrong")):
        judged = verifier.verify_one(row(f"def f(x):\n    {code}", **reference))
        assert (judged.verdict, judged.answer_rule) == (verdict, "fenced+reference")
    assert verifier.oracles.reference_runs == before + 1
    prop = "def check(candidate):\n    y = candidate(4)\n    assert y * y == 16\n"
    weak = verifier.verify_one(row("def f(x):\n    return 4", test=prop))
    assert (weak.verdict, weak.answer_rule) == ("correct", "fenced+in_process")
    wrong = verifier.verify_one(row("def f(x):\n    return 3", test=prop))
    assert wrong.verdict == "wrong" and "[in_process:" in wrong.reason
    assert verifier.counters["mode:in_process"] == 2


EVALPLUS_EXPORTED = """import numpy as np

def is_floats(x) -> bool:
    # check if it is float; List[float]; Tuple[float]
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    if isinstance(x, np.ndarray):
        return x.dtype == np.float64 or x.dtype == np.float32
    return False


def assertion(out, exp, atol):
    exact_match = out == exp

    if atol == 0 and is_floats(exp):
        atol = 1e-6
    if not exact_match and atol != 0:
        assert np.allclose(out, exp, rtol=1e-07, atol=atol)
    else:
        assert exact_match, f"out: {out}, exp: {exp}"


def check(candidate):
    inputs = [[1, 2], [0.1, 0.2]]
    results = [3, 0.30000000000000004]
    for i, (inp, exp) in enumerate(zip(inputs, results)):
        assertion(candidate(*inp), exp, 0)
"""


def test_evalplus_exported_tables_are_io_cases_unless_the_oracle_is_special() -> None:
    from boundary_ray.verifiers.code.cases import cases_from_io_table

    cases = cases_from_io_table(EVALPLUS_EXPORTED, "add")
    assert [(c.args, c.expected, c.compare, c.tol) for c in cases] == [
        ((1, 2), 3, "allclose", (0.0,)),
        ((0.1, 0.2), 0.30000000000000004, "allclose", (0.0,)),
    ]
    assert cases[1].matches(0.3) and not cases[1].matches(0.31)
    special = EVALPLUS_EXPORTED.replace("exact_match = out == exp", "exact_match = True")
    assert cases_from_io_table(special, "add") is None
    mbpp = EVALPLUS_EXPORTED.replace("candidate(*inp)", "add(*inp)")  # MBPP+ names the function
    assert len(cases_from_io_table(mbpp, "add")) == 2
    extra = EVALPLUS_EXPORTED.replace("    results = [", "    print(1)\n    results = [")
    assert cases_from_io_table(extra, "add") is None


@needs_bwrap
def test_without_a_cgroup_the_verifier_warns_with_the_sandbox_worst_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from boundary_ray.sandbox import untrusted_cgroup
    from boundary_ray.verifiers.code import verifier as code_verifier

    monkeypatch.setattr(untrusted_cgroup, "available", lambda: None)
    code_verifier._warn_no_cgroup.cache_clear()
    with pytest.warns(RuntimeWarning, match=r"up to 16448 MiB, and verify.workers of them"):
        code_verifier.CodeVerifier(timeout_s=1.0)
