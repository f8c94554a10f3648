"""The plain-data wire format between the candidate's process and the host.

Values travel as JSON with tags for what JSON lacks: ``null``, ``true``/``false``, numbers
(``Infinity``/``NaN`` allowed), strings and arrays (Python lists) as themselves;
``{"t": [...]}`` a tuple, ``{"s": [...]}`` a set, ``{"f": [...]}`` a frozenset, ``{"d": [[k, v],
...]}`` a dict, ``{"b": "<hex>"}`` bytes, ``{"i": "-0x…"}`` an integer past 62 bits (in hex, so
no decimal digit limit applies). Only values whose type is *exactly* one of those
builtins are encoded (a subclass of ``int`` or ``str``, an object with its own ``__eq__``: refused
as unencodable), to ``MAX_DEPTH`` levels.

``CHILD_CODEC`` is the encoder that runs inside the sandbox (inputs reach it as Python objects,
in ``marshal`` form, through ``untrusted_run(data=...)``); the host never trusts it: whatever the candidate writes, ``decode`` parses it with a strict,
size-capped decoder that builds only those builtins and refuses anything else.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_BYTES = 8 << 20  # the results pipe's cap (sandbox.untrusted_exec.RESULTS_CAP)
MAX_DEPTH = 64
_TAGS = {"t", "s", "f", "d", "b", "i"}
_HEX_INT = re.compile(r"-?0x[0-9a-f]+")
_SMALL = 1 << 62


class PlainDataError(ValueError):
    """Bytes that are not a well-formed plain-data document."""


# Runs inside the sandbox (driver code, in the candidate's interpreter). Exact types only. It
# writes the JSON text itself (``_json``'s string quoting, no ``json``/``re`` import: a sandbox
# start stays cheap); ``_enc(value)`` returns the text or raises ``_Unencodable``.
CHILD_CODEC = r"""
from _json import encode_basestring_ascii as _quote


class _Unencodable(Exception):
    pass


def _enc(value):
    out = []
    _emit(value, out.append, 0)
    return "".join(out)


def _emit(value, put, depth):
    if depth > MAX_DEPTH:
        raise _Unencodable("nested too deep")
    kind = type(value)
    if value is None:
        put("null")
    elif kind is bool:
        put("true" if value else "false")
    elif kind is int:
        put(int.__repr__(value) if -SMALL < value < SMALL else '{"i":"%s"}' % hex(value))
    elif kind is float:
        if value != value:
            put("NaN")
        elif value in (INF, -INF):
            put("Infinity" if value > 0 else "-Infinity")
        else:
            put(float.__repr__(value))
    elif kind is str:
        put(_quote(value))
    elif kind is list or kind is tuple or kind is set or kind is frozenset:
        tag = {list: None, tuple: "t", set: "s", frozenset: "f"}[kind]
        put("[" if tag is None else '{"%s":[' % tag)
        for index, item in enumerate(value):
            if index:
                put(",")
            _emit(item, put, depth + 1)
        put("]" if tag is None else "]}")
    elif kind is dict:
        put('{"d":[')
        for index, (key, item) in enumerate(value.items()):
            put("," if index else "")
            put("[")
            _emit(key, put, depth + 1)
            put(",")
            _emit(item, put, depth + 1)
            put("]")
        put("]}")
    elif kind is bytes:
        put('{"b":"%s"}' % value.hex())
    elif getattr(kind, "__module__", "") == "numpy" and hasattr(value, "tolist"):
        converted = value.tolist()  # numpy scalars and arrays
        if type(converted) is kind:
            raise _Unencodable("type " + kind.__name__)
        _emit(converted, put, depth + 1)
    else:
        raise _Unencodable("type " + getattr(kind, "__name__", "?"))


INF = float("inf")
""".replace("MAX_DEPTH", str(MAX_DEPTH)).replace("SMALL", str(1 << 62))


def encode(value: Any) -> Any:
    """The tagged JSON form of a plain value (host side: inputs to send, expected values)."""
    return _encode(value, 0)


def _encode(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise PlainDataError("nested too deep")
    kind = type(value)
    if kind is int and not -_SMALL < value < _SMALL:
        return {"i": hex(value)}
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [_encode(v, depth + 1) for v in value]
    if kind is tuple:
        return {"t": [_encode(v, depth + 1) for v in value]}
    if kind in (set, frozenset):
        return {"s" if kind is set else "f": [_encode(v, depth + 1) for v in value]}
    if kind is dict:
        return {"d": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]}
    if kind is bytes:
        return {"b": value.hex()}
    raise PlainDataError(f"not plain data: {kind.__name__}")


def decode(data: bytes | str, max_bytes: int = MAX_BYTES) -> Any:
    """Parse untrusted bytes into plain builtins, or raise ``PlainDataError``: over
    ``max_bytes``, not JSON, a JSON object that is not exactly one known tag, an unhashable set
    member or dict key, or nesting past ``MAX_DEPTH``."""
    if len(data) > max_bytes:
        raise PlainDataError(f"over {max_bytes} bytes")
    try:
        raw = json.loads(data, object_pairs_hook=_pairs)
    except (ValueError, RecursionError) as exc:
        raise PlainDataError(f"not JSON ({type(exc).__name__})") from None
    return _decode(raw, 0)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) != 1 or pairs[0][0] not in _TAGS:
        raise ValueError("not a tagged value")
    return dict(pairs)


def _decode(raw: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise PlainDataError("nested too deep")
    kind = type(raw)
    if raw is None or kind in (bool, int, float, str):
        return raw
    if kind is list:
        return [_decode(v, depth + 1) for v in raw]
    ((tag, inner),) = raw.items()
    try:
        if tag == "b":
            if type(inner) is not str:
                raise PlainDataError("bytes: not a hex string")
            return bytes.fromhex(inner)
        if tag == "i":
            if type(inner) is not str or not _HEX_INT.fullmatch(inner):
                raise PlainDataError("int: not a hex string")
            return int(inner, 16)
        if type(inner) is not list:
            raise PlainDataError(f"tag {tag}: not a list")
        if tag == "d":
            out = {}
            for pair in inner:
                if type(pair) is not list or len(pair) != 2:
                    raise PlainDataError("dict: not a list of pairs")
                out[_decode(pair[0], depth + 1)] = _decode(pair[1], depth + 1)
            return out
        items = [_decode(v, depth + 1) for v in inner]
        return {"t": tuple, "s": set, "f": frozenset}[tag](items)
    except PlainDataError:
        raise
    except TypeError as exc:  # unhashable member or key
        raise PlainDataError(f"tag {tag}: {exc}") from None
    except ValueError as exc:
        raise PlainDataError(f"tag {tag}: {exc}") from None


def is_number(value: Any) -> bool:
    """An exact ``int`` or ``float`` (not ``bool``)."""
    return type(value) in (int, float)


def finite(value: Any) -> bool:
    """A number that is neither infinite nor NaN."""
    return is_number(value) and math.isfinite(value)
