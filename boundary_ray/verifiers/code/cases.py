"""Test cases held by the host: (inputs, expected output, comparison), and the comparison.

``cases_from_asserts(test, ...)`` reads a functional test's ``check(candidate)`` with ``ast`` on
the host (never executing it) and returns its cases when every statement is one of:

- ``assert candidate(<literal args>) == <literal>`` (either side; also ``list(...)``,
  ``tuple(...)``, ``sorted(...)``, ``set(...)`` around the call: applied in the candidate's
  process, e.g. to consume a generator);
- ``assert abs(candidate(...) - <literal>) < <tol>`` (or ``<=``, either order inside);
- ``assert math.isclose(candidate(...), <literal>[, rel_tol=..., abs_tol=...])``;
- ``assert candidate(...) is True/False/None``, ``assert candidate(...)``,
  ``assert not candidate(...)``;
- ``assert True``, a docstring or ``pass`` (no case).

Literals are Python literals and arithmetic on numbers (``2.0/3.0``), folded on the host with
caps. ``matching_asserts`` finds the same shapes with *any* expressions, for recording a
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
)
WRAPS = ("list", "tuple", "sorted", "set")
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
    ``allclose`` (evalplus) and ``poly_root``: ``(atol,)``. ``wrap``: one of ``WRAPS`` applied to the result in
    the candidate's process before encoding, or ``None``.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    expected: Any = None
    compare: str = "eq"
    tol: tuple = ()
    wrap: str | None = None

    def matches(self, got: Any) -> bool:
        """Whether ``got`` (a decoded plain value) passes; never raises."""
        try:
            return bool(_MATCHERS[self.compare](got, self.expected, self.tol))
        except (TypeError, ValueError, OverflowError, ZeroDivisionError, RecursionError):
            return False


def _eq(got: Any, expected: Any, tol: tuple) -> bool:
    return got == expected  # plain builtins on both sides: == means what it says


def _lcb(got: Any, expected: Any, tol: tuple) -> bool:
    # LiveCodeBench's grade_call_based: a tuple result counts as a list, then ==
    return (list(got) if type(got) is tuple else got) == expected


def _abs(strict: bool):
    def check(got: Any, expected: Any, tol: tuple) -> bool:
        if not is_number(got):
            return False
        gap = abs(got - expected)
        return gap < tol[0] if strict else gap <= tol[0]

    return check


def _isclose(got: Any, expected: Any, tol: tuple) -> bool:
    return is_number(got) and math.isclose(got, expected, rel_tol=tol[0], abs_tol=tol[1])


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
}


# ---------------------------------------------------------------- reading asserts


@dataclass(frozen=True)
class AssertShape:
    """An assert about one call of the candidate: the call, the comparison, the expression of
    the expected value (``None`` for is/truthy/falsy constants), tolerance expressions, wrap."""

    call: ast.Call
    compare: str
    expected: ast.expr | None
    tol: tuple[ast.expr, ...]
    wrap: str | None
    constant: Any = None  # for ``is``: True, False or None


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


def cases_from_asserts(test: str) -> list[Case] | None:
    """The cases of a test made only of literal asserts (module docstring), else ``None``."""
    found = check_function(test)
    if found is None:
        return None
    tree, check, name = found
    for node in tree.body:  # module level: imports, literal constants (METADATA) and check
        if node is check or isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Assign | ast.Expr) and _foldable(node.value):
            continue
        return None
    cases: list[Case] = []
    for statement in check.body:
        if isinstance(statement, ast.Pass) or (
            isinstance(statement, ast.Expr)
            and (
                isinstance(statement.value, ast.Constant)
                or (isinstance(statement.value, ast.Name) and statement.value.id == "print")
            )
        ):
            continue
        if not isinstance(statement, ast.Assert):
            return None
        if isinstance(statement.test, ast.Constant) and statement.test.value is True:
            continue
        shape = match_assert(statement.test, name)
        if shape is None:
            return None
        case = _literal_case(shape)
        if case is None:
            return None
        cases.append(case)
    return cases if 0 < len(cases) <= MAX_CASES else None


def _literal_case(shape: AssertShape) -> Case | None:
    try:
        args = tuple(fold(arg) for arg in shape.call.args)
        kwargs = {kw.arg: fold(kw.value) for kw in shape.call.keywords}
        expected = shape.constant if shape.expected is None else fold(shape.expected)
        tol = tuple(fold(node) for node in shape.tol)
    except ValueError:
        return None
    if None in kwargs:
        return None
    return Case(args, kwargs, expected, shape.compare, tol, shape.wrap)


def match_assert(test: ast.expr, name: str) -> AssertShape | None:
    """The shape of ``assert <test>`` when it is one of the recognized forms about a call of
    ``name`` whose other operands do not mention ``name``; else ``None``."""
    shape = _shape(test, name)
    if shape is None:
        return None
    others = [shape.expected, *shape.tol, *shape.call.args, *(k.value for k in shape.call.keywords)]
    if any(node is not None and _mentions(node, name) for node in others):
        return None
    if any(isinstance(arg, ast.Starred) for arg in shape.call.args):
        return None
    return shape


def _shape(test: ast.expr, name: str) -> AssertShape | None:
    subject = _subject(test, name)
    if subject is not None:
        return AssertShape(subject[0], "truthy", None, (), subject[1])
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        subject = _subject(test.operand, name)
        return None if subject is None else AssertShape(subject[0], "falsy", None, (), subject[1])
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.Eq):
            for side, other in ((left, right), (right, left)):
                subject = _subject(side, name)
                if subject is not None:
                    return AssertShape(subject[0], "eq", other, (), subject[1])
        if isinstance(op, ast.Is) and isinstance(right, ast.Constant):
            subject = _subject(left, name)
            if subject is not None and right.value in (True, False, None):
                return AssertShape(subject[0], "is", None, (), subject[1], right.value)
        if isinstance(op, ast.Lt | ast.LtE):
            inner = _abs_difference(left)
            if inner is not None:
                for side, other in (inner, inner[::-1]):
                    subject = _subject(side, name)
                    if subject is not None and subject[1] is None:
                        compare = "abs_lt" if isinstance(op, ast.Lt) else "abs_le"
                        return AssertShape(subject[0], compare, other, (right,), None)
    if isinstance(test, ast.Call) and _is_isclose(test.func) and len(test.args) == 2:
        tol = {kw.arg: kw.value for kw in test.keywords}
        if set(tol) <= {"rel_tol", "abs_tol"}:
            rel = tol.get("rel_tol", ast.Constant(1e-09))
            absolute = tol.get("abs_tol", ast.Constant(0.0))
            for side, other in ((test.args[0], test.args[1]), (test.args[1], test.args[0])):
                subject = _subject(side, name)
                if subject is not None and subject[1] is None:
                    return AssertShape(subject[0], "isclose", other, (rel, absolute), None)
    return None


def _subject(node: ast.expr, name: str) -> tuple[ast.Call, str | None] | None:
    """``candidate(...)`` -> (call, None); ``list(candidate(...))`` -> (call, 'list')."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == name:
            return node, None
        if node.func.id in WRAPS and len(node.args) == 1 and not node.keywords:
            inner = node.args[0]
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and inner.func.id == name
            ):
                return inner, node.func.id
    return None


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


def _foldable(node: ast.expr) -> bool:
    try:
        fold(node)
    except ValueError:
        return False
    return True


def fold(node: ast.expr, depth: int = 0) -> Any:
    """The value of a literal expression (with arithmetic on numbers), or ``ValueError``.
    Nothing is executed: only constants, containers and capped arithmetic."""
    if depth > 64:
        raise ValueError("nested too deep")
    if isinstance(node, ast.Constant):
        if type(node.value) in (int, float, str, bytes, bool, type(None)):
            return node.value
        raise ValueError("unsupported constant")
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        items = [fold(item, depth + 1) for item in node.elts]
        return {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict):
        if None in node.keys:
            raise ValueError("dict unpacking")
        return {
            fold(k, depth + 1): fold(v, depth + 1)
            for k, v in zip(node.keys, node.values, strict=True)
        }
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = fold(node.operand, depth + 1)
        if not is_number(value):
            raise ValueError("sign of a non-number")
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _FOLD_OPS:
        left, right = fold(node.left, depth + 1), fold(node.right, depth + 1)
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
        inner = fold(node.args[0], depth + 1)
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
