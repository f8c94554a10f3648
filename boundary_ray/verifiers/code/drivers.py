"""Harness code that runs inside the sandbox after the program (``untrusted_run(driver=...)``).

- ``calls_driver``: call the entry point on each input (plain data, given as ``__data__``),
  write ``[["v", <result>] | ["e", "<Type: message>"] | ["u", "<why unencodable>"], ...]`` on fd 3
  (stopping after the first exception, as a test would). It runs in the candidate's
  interpreter and is not trusted: the host decodes what arrives with ``plain.decode`` and
  compares with expected values the candidate never saw.
- ``record_driver``: the *reference* run (trusted benchmark code, still sandboxed): the test's
  recognized asserts were rewritten into ``__record__(...)`` calls (``record_test``), which
  record the inputs, the test's own expected value and the reference's result.
- ``in_process_driver``: the weaker mode, for tests that fit neither: ``check(candidate)`` in
  the candidate's process, then a per-run token on fd 3. A program aimed at this harness can
  forge that token (it shares the process); say so wherever this mode is used.
"""

from __future__ import annotations

import ast
from typing import Any

from boundary_ray.verifiers.code.cases import WRAPS, match_assert
from boundary_ray.verifiers.code.plain import CHILD_CODEC

_WRITE = r"""
def _write(data):
    import os as _os
    view = memoryview(data)
    while view:
        view = view[_os.write(3, view):]
"""

_TARGET = r"""
def _target():
    if ENTRY not in __program__:
        raise NameError("name %r is not defined" % ENTRY)
    found = __program__[ENTRY]
    return getattr(found(), METHOD) if METHOD else found
"""

_CALLS = r"""
_WRAP = {"list": list, "tuple": tuple, "sorted": sorted, "set": set}
_out = []
for _args, _kwargs, _wrap in __data__:
    try:
        _value = _target()(*_args, **_kwargs)
        if _wrap:
            _value = _WRAP[_wrap](_value)
        _out.append('["v",' + _enc(_value) + "]")
    except _Unencodable as _exc:
        _out.append('["u",' + _quote(str(_exc)[:100]) + "]")
    except Exception as _exc:
        _text = str(_exc)
        _text = (type(_exc).__name__ + (": " + _text if _text else ""))[:300]
        _out.append('["e",' + _quote(_text) + "]")
        break
_write(("[" + ",".join(_out) + "]").encode())
"""

_RECORD = r"""
_WRAP = {"list": list, "tuple": tuple, "sorted": sorted, "set": set}
_records = []
_reference = _target()


def __record__(args_fn, expected_fn, compare, tol_fn, wrap, constant):
    args, kwargs = args_fn()
    snapshot = [_enc(list(args)), _enc(kwargs)]  # before the call: it may mutate them
    got = _reference(*args, **kwargs)
    if wrap:
        got = _WRAP[wrap](got)
    expected = constant if expected_fn is None else expected_fn()
    meta = _enc([compare, wrap])
    row = snapshot + [_enc(expected), _enc(list(tol_fn())), meta, _enc(got)]
    _records.append("[" + ",".join(row) + "]")
    if len(_records) > MAX_RECORDS:
        raise RuntimeError("too many cases")


__program__["__record__"] = __record__
__program__["check"](_reference)
_write(("[" + ",".join(_records) + "]").encode())
"""


def calls_driver(entry: str, method: str | None) -> str:
    """Driver source calling ``entry`` (or ``entry().method``) on each ``(args, kwargs, wrap)``
    of ``__data__`` (``untrusted_run(data=...)``)."""
    return f"{CHILD_CODEC}{_WRITE}\nENTRY = {entry!r}\nMETHOD = {method!r}\n{_TARGET}{_CALLS}"


def record_driver(entry: str, method: str | None, max_records: int) -> str:
    """Driver source running ``check(reference)`` with ``__record__`` installed."""
    return (
        f"{CHILD_CODEC}{_WRITE}\nENTRY = {entry!r}\nMETHOD = {method!r}\n"
        f"MAX_RECORDS = {max_records}\n{_TARGET}{_RECORD}"
    )


def in_process_driver(entry: str, token: str) -> str:
    """Driver source for the weaker mode: ``check(<entry>)``, then ``token`` on fd 3."""
    return f"{_WRITE}\n__program__['check'](__program__[{entry!r}])\n_write({token.encode()!r})\n"


def record_test(test: str) -> str | None:
    """``test`` with each recognized assert in ``check`` replaced by a ``__record__`` call;
    ``None`` when the candidate is used anywhere else (a property check: its result feeds other
    code) or no assert was recognized."""
    from boundary_ray.verifiers.code.cases import check_function

    found = check_function(test)
    if found is None:
        return None
    tree, check, name = found

    class Rewrite(ast.NodeTransformer):
        def visit_Assert(self, node: ast.Assert) -> Any:
            shape = match_assert(node.test, name)
            if shape is None:
                return node
            args = ast.Tuple(elts=list(shape.call.args), ctx=ast.Load())
            kwargs = ast.Dict(
                keys=[ast.Constant(k.arg) for k in shape.call.keywords],
                values=[k.value for k in shape.call.keywords],
            )
            call = ast.Call(
                func=ast.Name("__record__", ast.Load()),
                args=[
                    _thunk(ast.Tuple(elts=[args, kwargs], ctx=ast.Load())),
                    ast.Constant(None) if shape.expected is None else _thunk(shape.expected),
                    ast.Constant(shape.compare),
                    _thunk(ast.Tuple(elts=list(shape.tol), ctx=ast.Load())),
                    ast.Constant(shape.wrap),
                    ast.Constant(shape.constant),
                ],
                keywords=[],
            )
            return ast.Expr(call)

    if any(isinstance(k, ast.keyword) and k.arg is None for k in ast.walk(check)):
        return None
    check.body = [Rewrite().visit(statement) for statement in check.body]
    if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(check) if n is not check):
        return None  # the candidate's result is used some other way
    if not any(isinstance(n, ast.Name) and n.id == "__record__" for n in ast.walk(check)):
        return None
    ast.fix_missing_locations(tree)
    return ast.unparse(tree)


def _thunk(body: ast.expr) -> ast.Lambda:
    arguments = ast.arguments(
        posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]
    )
    return ast.Lambda(args=arguments, body=body)


__all__ = ["WRAPS", "calls_driver", "in_process_driver", "record_driver", "record_test"]
