"""Harness code that runs inside the sandbox after the program (``untrusted_run(driver=...)``).

- ``calls_driver``: call the entry point on each input (plain data, given as ``__data__``),
  write ``[["v", <result>] | ["n", <a numpy scalar's value>] | ["e", "<Type: message>"] |
  ["u", "<why unencodable>"], ...]`` on fd 3
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

# The module name functional programs run under: not ``__main__``, so an ``if __name__ ==
# "__main__":`` block (unittest.main(), a demo reading stdin) does not run, as in the harnesses
# the benchmarks were published with (human-eval and evalplus ``exec`` the program in a fresh
# dict, where ``__name__`` is ``builtins``; LiveCodeBench in a module named ``tmp_sol``).
FUNCTIONAL_MODULE = "__candidate__"

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
_WRAP["discard"] = lambda value: None  # a call whose result the test does not look at
_WRAP["str"] = lambda value: (str(value), None)[1]  # print(candidate(x)): str() must work
_out = []
_function = None
for _call in __data__:
    _args, _kwargs, _wrap = _call[:3]
    try:
        if _function is None:  # one target for every case: LiveCodeBench's one Solution()
            _function = _target()
        if len(_call) > 3 and _call[3] is not None:  # the random state the test had set
            __import__("random").setstate(_call[3])
        _value = _function(*_args, **_kwargs)
        if _wrap:
            _value = _WRAP[_wrap](_value)
        _numpy = getattr(type(_value), "__module__", "") == "numpy"
        _out.append(('["n",' if _numpy else '["v",') + _enc(_value) + "]")
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
_WRAP["discard"] = lambda value: None  # a call whose result the test does not look at
_WRAP["str"] = lambda value: (str(value), None)[1]  # print(candidate(x)): str() must work
_records = []
_reference = _target()


def __record__(args_fn, expected_fn, compare, tol_fn, wrap, constant, post_fn=None):
    args, kwargs = args_fn()
    snapshot = [_enc(list(args)), _enc(kwargs)]  # before the call: it may mutate them
    state = __import__("random").getstate() if REPLAY_RANDOM else None
    got = _reference(*args, **kwargs)
    if [_enc(list(args)), _enc(kwargs)] != snapshot:
        raise RuntimeError("the reference changes its arguments in place")
    if wrap:
        got = _WRAP[wrap](got)
    expected = constant if expected_fn is None else expected_fn()
    post = None if post_fn is None else ["round", post_fn()]
    meta = _enc([compare, wrap, post])
    row = snapshot + [_enc(expected), _enc(list(tol_fn())), meta, _enc(got)]
    if REPLAY_RANDOM:
        row.append(_enc(state))
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


def record_driver(
    entry: str, method: str | None, max_records: int, replay_random: bool = False
) -> str:
    """Driver source running ``check(reference)`` with ``__record__`` installed. It refuses
    (raises) when the reference changes its arguments in place: the test may read them
    afterwards, and the candidate's run would not. ``replay_random``: each row also holds
    ``random.getstate()`` from just before the call, for the candidate's run to restore (a
    test that seeds ``random``, then calls)."""
    return (
        f"{CHILD_CODEC}{_WRITE}\nENTRY = {entry!r}\nMETHOD = {method!r}\n"
        f"MAX_RECORDS = {max_records}\nREPLAY_RANDOM = {replay_random!r}\n{_TARGET}{_RECORD}"
    )


def in_process_driver(entry: str, token: str) -> str:
    """Driver source for the weaker mode: ``check(<entry>)``, then ``token`` on fd 3."""
    return f"{_WRITE}\n__program__['check'](__program__[{entry!r}])\n_write({token.encode()!r})\n"


def record_test(test: str, why: list[str] | None = None) -> str | None:
    """``test`` with each recognized assert in ``check`` replaced by a ``__record__`` call;
    ``None`` (and the reason appended to ``why``) when the candidate is used anywhere else (a
    property check: its result feeds other code), when an assert about something else is left
    (that the input was changed in place, that a file exists, a time budget: the candidate's
    run would never apply it), or no assert was recognized."""
    why = [] if why is None else why
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
                    ast.Constant(None) if shape.post is None else _thunk(shape.post),
                ],
                keywords=[],
            )
            return ast.Expr(call)

    if any(isinstance(k, ast.keyword) and k.arg is None for k in ast.walk(check)):
        why.append("the test unpacks keywords")
        return None
    check.body = [Rewrite().visit(statement) for statement in check.body]
    if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(check) if n is not check):
        why.append("the test uses the candidate's result in other ways")
        return None
    if any(isinstance(n, ast.Assert) for n in ast.walk(check)):
        why.append("the test checks more than the candidate's results")
        return None
    if not any(isinstance(n, ast.Name) and n.id == "__record__" for n in ast.walk(check)):
        why.append("no assert about the candidate's result")
        return None
    ast.fix_missing_locations(tree)
    return ast.unparse(tree)


def _thunk(body: ast.expr) -> ast.Lambda:
    arguments = ast.arguments(
        posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]
    )
    return ast.Lambda(args=arguments, body=body)


__all__ = [
    "FUNCTIONAL_MODULE",
    "WRAPS",
    "calls_driver",
    "in_process_driver",
    "record_driver",
    "record_test",
]
