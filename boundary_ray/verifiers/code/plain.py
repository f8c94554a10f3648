"""The plain-data wire format between the candidate's process and the host.

Values travel as JSON with tags for what JSON lacks: ``null``, ``true``/``false``, numbers
(``Infinity``/``NaN`` allowed), strings and arrays (Python lists) as themselves;
``{"t": [...]}`` a tuple, ``{"s": [...]}`` a set, ``{"f": [...]}`` a frozenset, ``{"d": [[k, v],
...]}`` a dict, ``{"b": "<hex>"}`` bytes, ``{"i": "-0x…"}`` an integer past 62 bits (in hex, so
no decimal digit limit applies). Only values whose type is *exactly* one of those
builtins are encoded, to ``MAX_DEPTH`` levels, with three conversions where the test's own
``==`` would treat the value as that builtin: a subclass that overrides nothing ``==``,
arithmetic or iteration depend on (a namedtuple, a plain ``list`` subclass, an ``IntEnum``
member) travels as the builtin's content, and so do ``collections.Counter``, ``OrderedDict``
and ``defaultdict`` (their ``==`` with a plain dict is dict's); a numpy scalar as its Python
value (``drivers`` marks it at the top level: ``np.True_ is True`` is false, and evalplus
checks the type when the values differ). Everything else is refused as unencodable: a subclass
with its own ``__eq__``, ``__sub__`` ..., and a numpy array (the test's ``==`` compares it
elementwise, and its truth value is an error: stricter than Python for a one-element array).

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
MAX_SAME_HASH = 16  # set members or dict keys sharing one hash value (see ``decode``)
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
        if getattr(value, "ndim", 0) != 0:  # the test's == compares an array elementwise
            raise _Unencodable("a numpy array")
        converted = value.tolist()  # a numpy scalar: its Python value
        if type(converted) is kind:
            raise _Unencodable("type " + kind.__name__)
        _emit(converted, put, depth + 1)
    else:
        base = _base_of(kind)
        if base is None:
            raise _Unencodable("type " + getattr(kind, "__name__", "?"))
        _emit(_CONTENT[base](value), put, depth + 1)


# A subclass of a builtin whose == is the builtin's (a namedtuple, a plain list subclass, an
# IntEnum member), and collections' Counter, OrderedDict and defaultdict (their == with a plain
# dict is dict's), travel as the builtin's content, read with the builtin's own methods.
_BASES = (dict, list, tuple, set, frozenset, str, bytes, int, float)
_CONTENT = {
    dict: lambda v: dict(dict.items(v)),
    list: lambda v: list(list.__iter__(v)),
    tuple: lambda v: tuple(tuple.__iter__(v)),
    set: lambda v: set(set.__iter__(v)),
    frozenset: lambda v: frozenset(frozenset.__iter__(v)),
    str: str.__str__,
    bytes: lambda v: bytes(memoryview(v)),
    int: int.__int__,
    float: float.__float__,
}
_OVERRIDES = frozenset(
    "__eq__ __ne__ __hash__ __lt__ __le__ __gt__ __ge__ __bool__ __len__ __iter__ __getitem__ "
    "__contains__ __add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ "
    "__floordiv__ __rfloordiv__ __mod__ __rmod__ __pow__ __rpow__ __abs__ __neg__ __pos__ "
    "__round__ __float__ __int__ __index__ __trunc__ __floor__ __ceil__ __and__ __or__ __xor__ "
    "__getattribute__ __getattr__ __class__ keys items values get".split()
)
_COLLECTIONS = ("Counter", "OrderedDict", "defaultdict")


def _base_of(kind):
    for base in _BASES:
        if issubclass(kind, base):
            if base is dict and kind.__module__ == "collections" and kind.__qualname__ in _COLLECTIONS:
                return base
            for klass in kind.__mro__[: kind.__mro__.index(base)]:
                if _OVERRIDES.intersection(vars(klass)):
                    return None
            return base
    return None


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
    member or dict key, more than ``MAX_SAME_HASH`` members or keys of one set or dict with the
    same hash, or nesting past the interpreter's recursion limit (the encoder never sends more
    than ``MAX_DEPTH`` levels).

    One pass: ``json.loads`` (C) builds each tagged value as it parses it. The hash cap keeps
    the host's work linear: integers hash modulo 2**61 - 1, so a candidate can send 40,000
    distinct integers that all hash alike, and building that set would take quadratic time
    (~13 s). The members of a real set or the keys of a real dict are distinct values, and
    distinct plain values share a hash only by such construction."""
    if len(data) > max_bytes:
        raise PlainDataError(f"over {max_bytes} bytes")
    try:
        return json.loads(data, object_pairs_hook=_tagged)
    except PlainDataError:
        raise
    except (ValueError, RecursionError) as exc:
        raise PlainDataError(f"not JSON ({type(exc).__name__})") from None


def _tagged(pairs: list[tuple[str, Any]]) -> Any:
    """The value of one JSON object: exactly one known tag and its payload (already decoded)."""
    if len(pairs) != 1 or pairs[0][0] not in _TAGS:
        raise PlainDataError("not JSON (a JSON object that is not a tagged value)")
    ((tag, inner),) = pairs
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
            if not all(type(pair) is list and len(pair) == 2 for pair in inner):
                raise PlainDataError("dict: not a list of pairs")
            _check_hashes([pair[0] for pair in inner])
            return dict(inner)
        if tag != "t":
            _check_hashes(inner)
        return {"t": tuple, "s": set, "f": frozenset}[tag](inner)
    except PlainDataError:
        raise
    except TypeError as exc:  # unhashable member or key
        raise PlainDataError(f"tag {tag}: {exc}") from None
    except ValueError as exc:
        raise PlainDataError(f"tag {tag}: {exc}") from None


def _check_hashes(items: list[Any]) -> None:
    """``PlainDataError`` when more than ``MAX_SAME_HASH`` of ``items`` share a hash (a
    ``TypeError`` for an unhashable one). Linear: the counts are keyed by the hash values,
    which are small ints that hash to themselves."""
    counts: dict[int, int] = {}
    for item in items:
        key = hash(item)
        count = counts.get(key, 0) + 1
        if count > MAX_SAME_HASH:
            raise PlainDataError(f"more than {MAX_SAME_HASH} members or keys with one hash")
        counts[key] = count


class _Full(Exception):
    pass


def brief_repr(value: Any, size: int = 200) -> str:
    """``repr(value)`` of a plain value, cut after about ``size`` characters (then ``...``):
    the work is bounded by ``size``, not by the value (an 8 MiB result, or an int past
    Python's decimal digit limit, shown as ``<int too large to show>``)."""
    out: list[str] = []
    left = [size]

    def put(text: str) -> None:
        out.append(text)
        left[0] -= len(text)
        if left[0] <= 0:
            raise _Full

    def items(values: Any, opening: str, closing: str, pairs: bool = False) -> None:
        put(opening)
        for index, item in enumerate(values):
            if index:
                put(", ")
            if pairs:
                walk(item[0])
                put(": ")
                walk(item[1])
            else:
                walk(item)
        put(closing)

    def walk(item: Any) -> None:
        kind = type(item)
        if kind is int and item.bit_length() > 14_000:  # past 4,300 decimal digits
            put("<int too large to show>")
        elif kind is list:
            items(item, "[", "]")
        elif kind is tuple:
            items(item, "(", ",)" if len(item) == 1 else ")")
        elif kind is dict:
            items(item.items(), "{", "}", pairs=True)
        elif kind in (set, frozenset):
            name = "set" if kind is set else "frozenset"
            if not item:
                put(f"{name}()")
            elif kind is set:
                items(item, "{", "}")
            else:
                items(item, "frozenset({", "})")
        else:
            try:
                put(repr(item))
            except ValueError:
                put(f"<{kind.__name__} too large to show>")

    try:
        walk(value)
    except _Full:
        return "".join(out)[:size] + "..."
    except RecursionError:
        return "".join(out)[:size] + "..."
    return "".join(out)


def is_number(value: Any) -> bool:
    """An exact ``int`` or ``float`` (not ``bool``)."""
    return type(value) in (int, float)


def finite(value: Any) -> bool:
    """A number that is neither infinite nor NaN."""
    return is_number(value) and math.isfinite(value)
