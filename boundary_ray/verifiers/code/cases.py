"""Test cases held by the host: (inputs, expected output, comparison), and the comparison.

``reader.cases_from_asserts(test, ...)`` reads a functional test's ``check(candidate)`` with ``ast`` on
the host (never executing it; the statement walk is ``reader``'s: variables, prints,
result variables, loops over literal tables) and returns its cases when every assert is one of:

- ``assert candidate(<literal args>) == <literal>`` (either side; also ``list(...)``,
  ``tuple(...)``, ``sorted(...)``, ``set(...)`` around the call: applied in the candidate's
  process, e.g. to consume a generator; ``round(..., n)``: applied on the host);
- ``assert candidate(...) in <literal>`` / ``not in``;
- ``assert abs(candidate(...) - <literal>) < <tol>`` (or ``<=``, either order inside);
- ``assert math.isclose(candidate(...), <literal>[, rel_tol=..., abs_tol=...])``;
- ``assert candidate(...) is True/False/None``, ``assert candidate(...)``,
  ``assert not candidate(...)``;
- ``assert True`` (no case).

Literals are Python literals and arithmetic on numbers (``2.0/3.0``), folded on the host with
caps. Comparisons follow Python's arithmetic where the test does arithmetic: a ``bool`` is a
number for ``abs(... - x) < tol`` and ``math.isclose`` (``abs(True - 1.0) < 1e-6`` holds). ``matching_asserts`` finds the same shapes with *any* expressions, for recording a
reference run (``drivers.record_driver``). ``Case.matches(got)`` compares a decoded plain
value with the expected one, on the host.
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass, field
from typing import Any

from boundary_ray.verifiers.code.plain import is_number

COMPARES = (
    "eq",
    "is",
    "truthy",
    "falsy",
    "abs_lt",
    "abs_le",
    "isclose",
    "allclose",
    "lcb",
    "poly_root",
    "in",
    "not_in",
    "call",
)
WRAPS = ("list", "tuple", "sorted", "set")
CHILD_WRAPS = (*WRAPS, "discard")  # "discard": the call must return; its value is not sent
MAX_CASES = 10_000
MAX_FOLDED = 1 << 20  # longest string or sequence built by folding
_FOLD_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


@dataclass(frozen=True)
class Case:
    """One call of the entry point and how its result is judged.

    ``tol``: ``abs_lt``/``abs_le``: ``(tol,)``; ``isclose``: ``(rel_tol, abs_tol)``;
    ``allclose`` (evalplus) and ``poly_root``: ``(atol,)``. ``wrap``: one of ``CHILD_WRAPS``
    applied to the result in the candidate's process before encoding, or ``None``. ``post``:
    ``("round", ndigits)`` applied on the host to the decoded result before the comparison
    (``round(candidate(x), 2) == y``), or ``()``. ``state``: the global ``random`` state a
    reference run saw just before this call, restored in the candidate's process before it.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    expected: Any = None
    compare: str = "eq"
    tol: tuple = ()
    wrap: str | None = None
    post: tuple = ()
    state: tuple | None = None  # random.getstate() to restore before the call (replay)

    def matches(self, got: Any) -> bool:
        """Whether ``got`` (a decoded plain value) passes; never raises."""
        try:
            if self.post:
                got = _round(got, self.post[1])
            return bool(_MATCHERS[self.compare](got, self.expected, self.tol))
        except (TypeError, ValueError, OverflowError, ZeroDivisionError, RecursionError):
            return False


def _round(got: Any, ndigits: int | None) -> Any:
    """Python's ``round`` on a plain value: numbers (``bool`` included) only; anything else
    raises ``TypeError``, as ``round`` would in the test."""
    if type(got) not in (int, float, bool):
        raise TypeError(f"type {type(got).__name__} doesn't define __round__ method")
    return round(got) if ndigits is None else round(got, ndigits)


def _eq(got: Any, expected: Any, tol: tuple) -> bool:
    return got == expected  # plain builtins on both sides: == means what it says


def _lcb(got: Any, expected: Any, tol: tuple) -> bool:
    # LiveCodeBench's grade_call_based: a tuple result counts as a list, then ==
    return (list(got) if type(got) is tuple else got) == expected


def _arithmetic(value: Any) -> bool:
    """A value Python's ``-`` and ``math.isclose`` take as a number: ``int``, ``float`` and
    ``bool`` (``abs(True - 1.0) < 1e-6`` holds in the test, so it holds here)."""
    return type(value) in (int, float, bool)


def _abs(strict: bool):
    def check(got: Any, expected: Any, tol: tuple) -> bool:
        if not _arithmetic(got):
            return False
        gap = abs(got - expected)
        return gap < tol[0] if strict else gap <= tol[0]

    return check


def _isclose(got: Any, expected: Any, tol: tuple) -> bool:
    return _arithmetic(got) and math.isclose(got, expected, rel_tol=tol[0], abs_tol=tol[1])


def _allclose(got: Any, expected: Any, tol: tuple) -> bool:
    """evalplus' ``assertion``: equal, or (with ``atol``, 1e-6 for float results) the same type
    and length and every number within ``atol + 1e-7 * |expected|``."""
    if got == expected:
        return True
    atol = tol[0] if tol else 0.0
    if atol == 0 and _is_floats(expected):
        atol = 1e-6
    return atol != 0 and type(got) is type(expected) and _close(got, expected, atol)


def _close(got: Any, expected: Any, atol: float) -> bool:
    if type(expected) in (list, tuple):
        return (
            type(got) in (list, tuple)
            and len(got) == len(expected)
            and all(_close(g, e, atol) for g, e in zip(got, expected, strict=True))
        )
    if not (is_number(got) and is_number(expected)):
        return got == expected
    if math.isinf(expected) or math.isinf(got):
        return got == expected
    return abs(got - expected) <= atol + 1e-7 * abs(expected)  # numpy.allclose


def _is_floats(value: Any) -> bool:
    if type(value) is float:
        return True
    return type(value) in (list, tuple) and bool(value) and all(type(v) is float for v in value)


def _poly_root(got: Any, expected: Any, tol: tuple) -> bool:
    """evalplus' special oracle for ``find_zero``: ``expected`` holds the coefficients; any
    finite root with ``|poly(x)| <= atol`` passes."""
    if not (is_number(got) and math.isfinite(got)) or type(expected) is not list:
        return False
    value = sum(coefficient * math.pow(got, i) for i, coefficient in enumerate(expected))
    return abs(value) <= tol[0]


_MATCHERS = {
    "poly_root": _poly_root,
    "eq": _eq,
    "lcb": _lcb,
    "is": lambda got, expected, tol: got is expected,
    "truthy": lambda got, expected, tol: bool(got),
    "falsy": lambda got, expected, tol: not got,
    "abs_lt": _abs(True),
    "abs_le": _abs(False),
    "isclose": _isclose,
    "allclose": _allclose,
    "in": lambda got, expected, tol: got in expected,
    "not_in": lambda got, expected, tol: got not in expected,
    "call": lambda got, expected, tol: True,  # the call returned; nothing else is checked
}


# ---------------------------------------------------------------- reading asserts


@dataclass(frozen=True)
class AssertShape:
    """An assert about one call of the candidate: the call (or the name of a variable that
    holds a call's result: ``reader``), the comparison, the expression of the expected
    value (``None`` for is/truthy/falsy constants), tolerance expressions, wrap, and ``post``:
    the ``ndigits`` expression of a ``round(...)`` around the call (``ast.Constant(None)`` for
    ``round(x)``), or ``None``."""

    call: ast.Call | ast.Name
    compare: str
    expected: ast.expr | None
    tol: tuple[ast.expr, ...]
    wrap: str | None
    constant: Any = None  # for ``is``: True, False or None
    post: ast.expr | None = None


def check_function(test: str) -> tuple[ast.Module, ast.FunctionDef, str] | None:
    """The parsed test, its ``def check(<param>)`` and the parameter's name, or ``None``."""
    try:
        tree = ast.parse(test)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    checks = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "check" and len(node.args.args) == 1
    ]
    if len(checks) != 1:
        return None
    return tree, checks[0], checks[0].args.args[0].arg


def literal_case(shape: AssertShape, env: dict[str, Any] | None = None) -> Case:
    """The host-held case of ``shape``, its expressions folded with the variables of ``env``;
    ``ValueError`` when one is not a literal. A subject that is a variable (a result checked
    later) gives no arguments: the reader keeps those of its call."""
    call = shape.call if isinstance(shape.call, ast.Call) else ast.Call(shape.call, [], [])
    args: list[Any] = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            value = fold(arg.value, env=env)
            if type(value) not in (list, tuple):
                raise ValueError("starred argument of a non-sequence")
            args.extend(value)
        else:
            args.append(fold(arg, env=env))
    if any(kw.arg is None for kw in call.keywords):
        raise ValueError("keyword unpacking")
    kwargs = {kw.arg: fold(kw.value, env=env) for kw in call.keywords}
    expected = shape.constant if shape.expected is None else fold(shape.expected, env=env)
    tol = tuple(fold(node, env=env) for node in shape.tol)
    post: tuple = ()
    if shape.post is not None:
        ndigits = fold(shape.post, env=env)
        if ndigits is not None and type(ndigits) is not int:
            raise ValueError("round: ndigits is not an int")
        post = ("round", ndigits)
    return Case(tuple(args), kwargs, expected, shape.compare, tol, shape.wrap, post)


def match_assert(
    test: ast.expr, name: str, aliases: frozenset[str] = frozenset()
) -> AssertShape | None:
    """The shape of ``assert <test>`` when it is one of the recognized forms about a call of
    ``name`` (or a variable of ``aliases``) whose other operands do not mention ``name``;
    else ``None``."""
    shape = _shape(test, name, aliases)
    if shape is None:
        return None
    call_parts = [] if isinstance(shape.call, ast.Name) else [*shape.call.args]
    if isinstance(shape.call, ast.Call):
        call_parts += [k.value for k in shape.call.keywords]
    others = [shape.expected, shape.post, *shape.tol, *call_parts]
    if any(node is not None and _mentions(node, name) for node in others):
        return None
    return shape


def _shape(test: ast.expr, name: str, aliases: frozenset[str]) -> AssertShape | None:
    def subject_of(node: ast.expr) -> tuple | None:
        return _subject(node, name, aliases)

    subject = subject_of(test)
    if subject is not None:
        return AssertShape(subject[0], "truthy", None, (), subject[1], post=subject[2])
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        subject = subject_of(test.operand)
        if subject is None:
            return None
        return AssertShape(subject[0], "falsy", None, (), subject[1], post=subject[2])
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.Eq):
            for side, other in ((left, right), (right, left)):
                subject = subject_of(side)
                if subject is not None:
                    return AssertShape(subject[0], "eq", other, (), subject[1], post=subject[2])
        if isinstance(op, ast.In | ast.NotIn):
            subject = subject_of(left)
            if subject is not None:
                compare = "in" if isinstance(op, ast.In) else "not_in"
                return AssertShape(subject[0], compare, right, (), subject[1], post=subject[2])
        if isinstance(op, ast.Is) and isinstance(right, ast.Constant):
            subject = subject_of(left)
            if subject is not None and right.value in (True, False, None):
                return AssertShape(
                    subject[0], "is", None, (), subject[1], right.value, post=subject[2]
                )
        if isinstance(op, ast.Lt | ast.LtE):
            inner = _abs_difference(left)
            if inner is not None:
                for side, other in (inner, inner[::-1]):
                    subject = subject_of(side)
                    if subject is not None and subject[1] is None:
                        compare = "abs_lt" if isinstance(op, ast.Lt) else "abs_le"
                        return AssertShape(
                            subject[0], compare, other, (right,), None, post=subject[2]
                        )
    if isinstance(test, ast.Call) and _is_isclose(test.func) and len(test.args) == 2:
        tol = {kw.arg: kw.value for kw in test.keywords}
        if set(tol) <= {"rel_tol", "abs_tol"}:
            rel = tol.get("rel_tol", ast.Constant(1e-09))
            absolute = tol.get("abs_tol", ast.Constant(0.0))
            for side, other in ((test.args[0], test.args[1]), (test.args[1], test.args[0])):
                subject = subject_of(side)
                if subject is not None and subject[1] is None:
                    return AssertShape(
                        subject[0], "isclose", other, (rel, absolute), None, post=subject[2]
                    )
    return None


def _subject(
    node: ast.expr, name: str, aliases: frozenset[str] = frozenset()
) -> tuple[ast.Call | ast.Name, str | None, ast.expr | None] | None:
    """``candidate(...)`` -> (call, None, None); ``list(candidate(...))`` -> (call, 'list',
    None); ``round(candidate(...), 2)`` -> (call, None, <2>); a variable of ``aliases`` stands
    for a call."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "round"
        and 1 <= len(node.args) <= 2
        and not node.keywords
    ):
        inner = _wrapped_subject(node.args[0], name, aliases)
        if inner is None:
            return None
        ndigits = node.args[1] if len(node.args) == 2 else ast.Constant(None)
        return inner[0], inner[1], ndigits
    inner = _wrapped_subject(node, name, aliases)
    return None if inner is None else (inner[0], inner[1], None)


def _wrapped_subject(
    node: ast.expr, name: str, aliases: frozenset[str]
) -> tuple[ast.Call | ast.Name, str | None] | None:
    if is_call_of(node, name) or (isinstance(node, ast.Name) and node.id in aliases):
        return node, None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in WRAPS
        and len(node.args) == 1
        and not node.keywords
    ):
        inner = node.args[0]
        if is_call_of(inner, name) or (isinstance(inner, ast.Name) and inner.id in aliases):
            return inner, node.func.id
    return None


def is_call_of(node: ast.AST, name: str) -> bool:
    """``node`` is a call of the plain name ``name``."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _abs_difference(node: ast.expr) -> tuple[ast.expr, ast.expr] | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "abs"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.BinOp)
        and isinstance(node.args[0].op, ast.Sub)
    ):
        return node.args[0].left, node.args[0].right
    return None


def _is_isclose(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "isclose"
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "isclose"
        and isinstance(func.value, ast.Name)
        and func.value.id == "math"
    )


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def foldable(node: ast.expr, env: dict[str, Any] | None = None) -> bool:
    """Whether ``fold`` gives ``node`` a value."""
    try:
        fold(node, env=env)
    except ValueError:
        return False
    return True


def fold(node: ast.expr, depth: int = 0, env: dict[str, Any] | None = None) -> Any:
    """The value of a literal expression (with arithmetic on numbers), or ``ValueError``.
    Nothing is executed: only constants, containers, capped arithmetic, the variables of
    ``env`` (values already folded) and subscripts of those by a folded index."""
    if depth > 64:
        raise ValueError("nested too deep")
    if isinstance(node, ast.Name):
        if env is not None and node.id in env:
            return env[node.id]
        raise ValueError(f"not a literal: the name {node.id!r}")
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
        container, index = fold(node.value, depth + 1, env), fold(node.slice, depth + 1, env)
        if type(container) not in (list, tuple, dict, str) or type(index) is float:
            raise ValueError("subscript of a non-container")
        try:
            return container[index]
        except (LookupError, TypeError) as exc:
            raise ValueError(f"subscript: {exc}") from None
    if isinstance(node, ast.Constant):
        if type(node.value) in (int, float, str, bytes, bool, type(None)):
            return node.value
        raise ValueError("unsupported constant")
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        items = [fold(item, depth + 1, env) for item in node.elts]
        return {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict):
        if None in node.keys:
            raise ValueError("dict unpacking")
        return {
            fold(k, depth + 1, env): fold(v, depth + 1, env)
            for k, v in zip(node.keys, node.values, strict=True)
        }
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = fold(node.operand, depth + 1, env)
        if not is_number(value):
            raise ValueError("sign of a non-number")
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _FOLD_OPS:
        left, right = fold(node.left, depth + 1, env), fold(node.right, depth + 1, env)
        if isinstance(node.op, ast.Add) and type(left) is type(right) in (str, list, tuple):
            if len(left) + len(right) > MAX_FOLDED:
                raise ValueError("sequence too long")
            return left + right
        if not (is_number(left) and is_number(right)):
            raise ValueError("arithmetic on non-numbers")
        if isinstance(node.op, ast.Pow) and (abs(right) > 64 or abs(left) > 2**64):
            raise ValueError("power too large")
        try:
            return _FOLD_OPS[type(node.op)](left, right)
        except (ArithmeticError, ValueError) as exc:
            raise ValueError(str(exc)) from None
    if (  # set(), and tuple(...)/list(...) of a literal sequence
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("set", "tuple", "list")
        and len(node.args) <= 1
        and not node.keywords
    ):
        kind = {"set": set, "tuple": tuple, "list": list}[node.func.id]
        if not node.args:
            return kind()
        inner = fold(node.args[0], depth + 1, env)
        if type(inner) not in (list, tuple, str):
            raise ValueError("conversion of a non-sequence")
        return kind(inner)
    raise ValueError(f"not a literal: {type(node).__name__}")


# ---------------------------------------------------------------- evalplus' I/O tables

# evalplus' export to the original test format (tools/humaneval|mbpp/to_original_fmt.py): the
# test holds ``inputs`` and ``results`` tables and calls this ``assertion`` on each pair.
_EVALPLUS_ASSERTION = """
def assertion(out, exp, atol):
    exact_match = out == exp

    if atol == 0 and is_floats(exp):
        atol = 1e-6
    if not exact_match and atol != 0:
        assert np.allclose(out, exp, rtol=1e-07, atol=atol)
    else:
        assert exact_match
"""
_EVALPLUS_IS_FLOATS = """
def is_floats(x) -> bool:
    # check if it is float; List[float]; Tuple[float]
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    if isinstance(x, np.ndarray):
        return x.dtype == np.float64 or x.dtype == np.float32
    return False
"""


def cases_from_io_table(test: str, entry_point: str) -> list[Case] | None:
    """The cases of an evalplus test in its exported form (Hugging Face ``humanevalplus``,
    ``mbppplus``): literal ``inputs``/``results`` tables checked by evalplus' standard
    ``assertion`` (compared here as ``allclose`` with its ``atol``); ``None`` for anything else,
    including tests whose ``assertion`` is a special oracle."""
    found = check_function(test)
    if found is None:
        return None
    tree, check, name = found
    helpers = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and n is not check}
    if set(helpers) != {"assertion", "is_floats"}:
        return None
    for helper, standard in (
        ("assertion", _EVALPLUS_ASSERTION),
        ("is_floats", _EVALPLUS_IS_FLOATS),
    ):
        if _shape_of(helpers[helper]) != _shape_of(ast.parse(standard).body[0]):
            return None
    tables: dict[str, Any] = {}
    loop = None
    for statement in check.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id in ("inputs", "results")
        ):
            try:
                tables[statement.targets[0].id] = fold(statement.value)
            except ValueError:
                return None
        elif isinstance(statement, ast.For) and loop is None:
            loop = statement
        elif not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)):
            return None
    atol = _table_loop_atol(loop, {name, entry_point})
    inputs, results = tables.get("inputs"), tables.get("results")
    if atol is None or type(inputs) is not list or type(results) is not list:
        return None
    if len(inputs) != len(results) or not 0 < len(inputs) <= MAX_CASES:
        return None
    if not all(type(args) in (list, tuple) for args in inputs):
        return None
    return [
        Case(tuple(args), {}, expected, "allclose", (atol,))
        for args, expected in zip(inputs, results, strict=True)
    ]


def _table_loop_atol(loop: ast.For | None, callees: set[str]) -> float | None:
    """``atol`` of ``for i, (inp, exp) in enumerate(zip(inputs, results)):
    assertion(<callee>(*inp), exp, <atol>)``, else ``None``."""
    expected = ast.parse("for i, (inp, exp) in enumerate(zip(inputs, results)):\n    pass\n").body[
        0
    ]
    if loop is None or ast.dump(loop.target) != ast.dump(expected.target):
        return None
    if ast.dump(loop.iter) != ast.dump(expected.iter) or loop.orelse or len(loop.body) != 1:
        return None
    call = loop.body[0].value if isinstance(loop.body[0], ast.Expr) else None
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "assertion"
        and len(call.args) == 3
        and not call.keywords
    ):
        return None
    subject, exp, atol = call.args
    if ast.dump(subject) not in {
        ast.dump(ast.parse(f"{callee}(*inp)", mode="eval").body) for callee in callees
    }:
        return None
    if not (isinstance(exp, ast.Name) and exp.id == "exp"):
        return None
    try:
        value = fold(atol)
    except ValueError:
        return None
    return float(value) if is_number(value) else None


def _shape_of(function: ast.FunctionDef) -> str:
    """The function's AST without assert messages, comments or annotations' positions."""
    copy = ast.parse(ast.unparse(function)).body[0]
    for node in ast.walk(copy):
        if isinstance(node, ast.Assert):
            node.msg = None
    return ast.dump(copy)
