"""Read a functional test's ``check(candidate)`` into host-held cases, without running it.

The test is walked statement by statement, in order, as Python would run it, keeping the
variables whose values are literals (``cases.fold``). It reads, inside ``check``:

- ``assert`` of one of ``cases``' shapes about a call of the candidate: ``==``, ``in`` /
  ``not in``, ``is True/False/None``, truthiness, ``abs(... - x) < tol``, ``math.isclose``,
  with ``list/tuple/sorted/set(...)`` around the call (applied in the candidate's process) or
  ``round(..., n)`` (applied on the host to the decoded result, as ``round`` does);
- ``print(...)`` of literals and of calls of the candidate (each call must return, and its
  result must convert with ``str``, as ``print`` does); a bare call of the candidate;
- ``name = <literal>`` (a variable for later statements);
- ``result = candidate(...)``: the call happens there; ``result`` may then be printed, and
  checked by one assert, before any other call of the candidate (a second check, or any other
  use, is not read);
- ``for <names> in <literal table> | range(...) | zip(...) | enumerate(...):`` over the
  statements above (unrolled; no ``else``, ``break`` or ``continue``);
- ``pass``, docstrings, a bare ``print``.

At module level: imports, literal constants (``METADATA``, a table of cases) and ``check``.

Python passes the *same* object each time a variable is used, while each call in the sandbox
gets its own copy of its arguments. So a list, dict or set held by a variable may reach the
candidate once and nothing else: a test whose mutable value is passed to two calls, or passed
and also compared with (``lst = [3, 1]; assert candidate(lst) == lst``), is not read (the
candidate might mutate it), and falls back.
"""

from __future__ import annotations

import ast
from typing import Any

from boundary_ray.verifiers.code.cases import (
    MAX_CASES,
    WRAPS,
    AssertShape,
    Case,
    check_function,
    fold,
    foldable,
    is_call_of,
    literal_case,
    match_assert,
)

_MUTABLE = (list, dict, set)


class _Unreadable(Exception):
    pass


def read_check(tree: ast.Module, check: ast.FunctionDef, name: str) -> list[Case] | None:
    """The cases of ``check`` (parameter ``name``) in ``tree`` (module docstring); ``None``
    when any statement is not one of the forms read here, or there are no cases or too many."""
    env: dict[str, Any] = {}
    for node in tree.body:  # module level: imports, literal constants and check
        if node is check or isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Expr) and foldable(node.value):
            continue
        if isinstance(node, ast.Assign) and foldable(node.value, env):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                env[node.targets[0].id] = fold(node.value, env=env)
            continue
        return None
    reader = _Reader(name)
    try:
        reader.block(check.body, env)
    except (_Unreadable, ValueError, RecursionError):
        return None
    return reader.cases if 0 < len(reader.cases) <= MAX_CASES else None


class _Reader:
    """Walks ``check``'s statements, appending one ``Case`` per call of the candidate."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cases: list[Case] = []
        self.pending: dict[str, tuple[int, str | None]] = {}  # alias -> (case index, wrap)
        self.passed: set[int] = set()  # ids of mutable objects handed to the candidate
        self.compared: set[int] = set()  # ids of mutable objects used as expected values

    def block(self, statements: list[ast.stmt], env: dict[str, Any]) -> None:
        for statement in statements:
            self.statement(statement, env)

    def statement(self, statement: ast.stmt, env: dict[str, Any]) -> None:
        if isinstance(statement, ast.Pass):
            return
        if isinstance(statement, ast.Expr):
            self.expression(statement.value, env)
        elif isinstance(statement, ast.Assert):
            self.check(statement.test, env)
        elif isinstance(statement, ast.Assign):
            self.assign(statement, env)
        elif isinstance(statement, ast.For):
            self.loop(statement, env)
        else:
            raise _Unreadable(type(statement).__name__)

    def expression(self, value: ast.expr, env: dict[str, Any]) -> None:
        if isinstance(value, ast.Constant) or (isinstance(value, ast.Name) and value.id == "print"):
            return
        if is_call_of(value, self.name):
            self.add(AssertShape(value, "call", None, (), "discard"), env)
            return
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
            raise _Unreadable("an expression")
        if value.func.id != "print" or any(isinstance(a, ast.Starred) for a in value.args):
            raise _Unreadable("a call")
        for keyword in value.keywords:
            fold(keyword.value, env=env)
        for arg in value.args:
            if is_call_of(arg, self.name):
                self.add(AssertShape(arg, "call", None, (), "str"), env)
            elif isinstance(arg, ast.Name) and arg.id in self.pending:
                continue  # printing a result already returned
            elif not foldable(arg, env):
                raise _Unreadable("print of something else")

    def check(self, test: ast.expr, env: dict[str, Any]) -> None:
        if isinstance(test, ast.Constant) and test.value is True:
            return
        shape = match_assert(test, self.name, frozenset(self.pending))
        if shape is None:
            raise _Unreadable("an assert")
        if isinstance(shape.call, ast.Name):  # the check of a result variable
            index, wrap = self.pending.pop(shape.call.id)
            if wrap is not None and shape.wrap is not None:
                raise _Unreadable("two wraps")
            made = self.cases[index]
            case = literal_case(shape, env)
            self.note_compared(case.expected)
            self.cases[index] = Case(
                made.args,
                made.kwargs,
                case.expected,
                case.compare,
                case.tol,
                wrap if wrap is not None else shape.wrap,
                case.post,
            )
            self.pending.clear()  # any other pending result is no longer read
            return
        self.add(shape, env)

    def assign(self, statement: ast.Assign, env: dict[str, Any]) -> None:
        if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
            raise _Unreadable("an assignment")
        target, value = statement.targets[0].id, statement.value
        if target == self.name:
            raise _Unreadable("the candidate rebound")
        self.pending.pop(target, None)
        env.pop(target, None)
        wrap = None
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in WRAPS
            and len(value.args) == 1
            and not value.keywords
            and is_call_of(value.args[0], self.name)
        ):
            wrap, value = value.func.id, value.args[0]
        if is_call_of(value, self.name):
            self.add(AssertShape(value, "call", None, (), wrap or "discard"), env)
            self.pending = {target: (len(self.cases) - 1, wrap)}
            return
        env[target] = fold(value, env=env)

    def loop(self, statement: ast.For, env: dict[str, Any]) -> None:
        if statement.orelse or any(
            isinstance(n, ast.Break | ast.Continue) for n in ast.walk(statement)
        ):
            raise _Unreadable("break/continue/else")
        for value in self.iterate(statement.iter, env):
            _bind(statement.target, value, env)
            self.block(statement.body, env)

    def iterate(self, node: ast.expr, env: dict[str, Any]) -> list[Any]:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            function, args = node.func.id, node.args
            if function == "range" and 1 <= len(args) <= 3:
                bounds = [fold(a, env=env) for a in args]
                if not all(type(b) is int for b in bounds) or len(range(*bounds)) > MAX_CASES:
                    raise _Unreadable("range")
                return list(range(*bounds))
            if function == "zip" and args:
                return list(zip(*(self.iterate(a, env) for a in args), strict=False))
            if function == "enumerate" and len(args) == 1:
                return list(enumerate(self.iterate(args[0], env)))
        table = fold(node, env=env)
        if type(table) not in (list, tuple, str, dict) or len(table) > MAX_CASES:
            raise _Unreadable("not a table")  # a set's order is not the host's to know
        return list(table)

    def add(self, shape: AssertShape, env: dict[str, Any]) -> None:
        case = literal_case(shape, env)
        for item in _mutables((case.args, case.kwargs)):
            if id(item) in self.passed or id(item) in self.compared:
                raise _Unreadable("a mutable value reaches the candidate twice")
            self.passed.add(id(item))
        self.note_compared(case.expected)
        self.pending.clear()  # a result variable must be checked before the next call
        self.cases.append(case)
        if len(self.cases) > MAX_CASES:
            raise _Unreadable("too many cases")

    def note_compared(self, expected: Any) -> None:
        for item in _mutables(expected):
            if id(item) in self.passed:
                raise _Unreadable("an expected value that is an argument")
            self.compared.add(id(item))


def _bind(target: ast.expr, value: Any, env: dict[str, Any]) -> None:
    if isinstance(target, ast.Name):
        env[target.id] = value
        return
    if isinstance(target, ast.Tuple | ast.List):
        if type(value) not in (list, tuple, str) or len(value) != len(target.elts):
            raise _Unreadable("cannot unpack")
        for part, item in zip(target.elts, value, strict=True):
            _bind(part, item, env)
        return
    raise _Unreadable("a loop target")


def _mutables(value: Any, depth: int = 0) -> list[Any]:
    """The lists, dicts and sets inside ``value`` (itself included), to 64 levels."""
    if depth > 64:
        raise _Unreadable("nested too deep")
    kind = type(value)
    found = [value] if kind in _MUTABLE else []
    if kind in (list, tuple, set, frozenset):
        for item in value:
            found += _mutables(item, depth + 1)
    elif kind is dict:
        for key, item in value.items():
            found += _mutables(key, depth + 1) + _mutables(item, depth + 1)
    return found


def cases_from_asserts(test: str) -> list[Case] | None:
    """The cases of a test that this reader can read without running it (literal asserts,
    prints, result variables, loops over literal tables), else ``None``."""
    found = check_function(test)
    if found is None:
        return None
    return read_check(*found)
