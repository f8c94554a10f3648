"""Recover the program from a response cut off by the token limit, as evalplus' sanitizer does.

evalplus (``evalplus/sanitize.py``) takes the longest syntactically valid span of lines, keeps
the imports and the definitions the entry point reaches (functions, classes, assignments), and
drops the rest (usage examples, prints). ``sanitize`` does that on the *prefix* of a truncated
text (the cut is at its end), with one rule evalplus lacks: a definition counts only when it is
provably complete, i.e. a later top-level statement starts (a dedent to column 0, outside
strings and brackets, that the model wrote before the cut). A function cut off mid-body is not
an answer.

Host cost is bounded whatever the text: only its first ``MAX_CHARS`` characters are read; the
prefix is cut only where a top-level statement starts (``scan``, one linear pass), and
each failed parse moves the cut before the statement holding the reported error, at most
``MAX_PARSES`` parses; the kept source is sliced from line offsets (``ast.get_source_segment``
re-splits the whole text for every node).
"""

from __future__ import annotations

import ast
import bisect
import functools
import re

from boundary_ray.verifiers.code.scan import statement_starts

MAX_CHARS = 64 * 1024  # of the truncated text; longer ones are read up to here
MAX_PARSES = 8
MAX_BACK = 256  # statements before the entry point that sanitize_span looks at


def sanitize(text: str, entry_point: str) -> str | None:
    """The entry point's definition with the imports and complete definitions it uses, from
    the longest parseable prefix of ``text``; ``None`` when the entry point is missing or may
    be cut mid-body (or a definition it needs is)."""
    text = text[:MAX_CHARS]
    lines = text.split("\n")
    starts = statement_starts(text)
    tree = _longest_prefix(lines, starts)
    if tree is None:
        return None
    return _keep(tree, lines, entry_point, starts[-1] if starts else 0)


def sanitize_span(text: str, entry_point: str, truncated: bool = False) -> str | None:
    """For a response without a fence whose code has prose around it (evalplus' sanitizer
    takes the longest syntactically valid span of lines): the entry point's last top-level
    definition, the statements before it that parse on their own (imports, helpers; up to
    ``MAX_BACK`` of them, stopping at the first that does not, such as a line of prose), and
    what follows it up to the longest parseable prefix; then the imports and the definitions
    the entry point uses, as ``sanitize`` keeps them. ``truncated``: the response was cut off,
    so each kept definition must provably have ended. ``None`` when no such span holds the
    entry point."""
    lines = text.split("\n")
    starts = statement_starts(text)
    defining = definition_pattern(entry_point)
    at = [index for index, start in enumerate(starts) if defining.match(lines[start - 1])]
    if not at:
        return None
    first = at[-1]
    for _ in range(MAX_BACK):
        if first == 0:
            break
        chunk = "\n".join(lines[starts[first - 1] - 1 : starts[first] - 1])
        if not (
            chunk.lstrip().startswith(("@", "else", "elif", "except", "finally")) or _parses(chunk)
        ):
            break
        first -= 1
    offset = starts[first] - 1
    window = "\n".join(lines[offset:])[:MAX_CHARS]
    span = window.split("\n")
    span_starts = [start - offset for start in starts[first:] if start - offset <= len(span)]
    tree = _longest_prefix(span, span_starts)
    if tree is None:
        return None
    last = span_starts[-1] if truncated else len(span) + 1
    return _keep(tree, span, entry_point, last)


def definition_pattern(name: str) -> re.Pattern[str]:
    """Matches a line that defines ``name`` at column 0: ``def``/``async def``/``class``, or
    an assignment (``name = ...``, ``name: T = ...``)."""
    return _definition_pattern(name)


@functools.lru_cache(maxsize=1024)
def _definition_pattern(name: str) -> re.Pattern[str]:
    word = re.escape(name)
    return re.compile(
        rf"^(?:(?:async[ \t]+)?def|class)[ \t]+{word}\b|^{word}[ \t]*(?::[^\n=]*)?=(?!=)",
        re.MULTILINE,
    )


def _keep(tree: ast.Module, lines: list[str], entry_point: str, last_start: int) -> str | None:
    """The imports and the definitions reachable from ``entry_point`` in ``tree``, as source;
    ``None`` when it is not defined, or a kept definition does not end before ``last_start``
    (the last line where a top-level statement starts: nothing proves it ended)."""
    definitions: dict[str, ast.stmt] = {}
    imports: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
        for name in _defined(node):
            definitions[name] = node  # the last definition wins, as when the module runs
    if entry_point not in definitions:
        return None
    keep: list[ast.stmt] = []
    queue = [entry_point]
    seen = set()
    while queue:
        name = queue.pop()
        node = definitions.get(name)
        if node is None or name in seen:
            continue
        seen.add(name)
        if last_start <= node.end_lineno:
            return None  # no statement starts after it: it may be cut mid-body
        keep.append(node)
        queue.extend(_uses(node))
    kept = sorted(set(imports) | set(keep), key=lambda n: n.lineno)
    return "\n\n".join(_segment(lines, node) for node in kept) + "\n"


def _uses(node: ast.stmt) -> set[str]:
    """The names ``node`` mentions, less a function's own parameters (``x = int(input())``
    after ``def f(x)`` is a demo, not something ``f`` uses)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        arguments = node.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        names -= {a.arg for a in every}
    return names


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _longest_prefix(lines: list[str], starts: list[int]) -> ast.Module | None:
    """The parse of the longest prefix of ``lines`` that ends before a statement start (or is
    the whole text); ``None`` when none of ``MAX_PARSES`` tries parses."""
    end = len(lines)
    for _ in range(MAX_PARSES):
        if end <= 0:
            return None
        try:
            return ast.parse("\n".join(lines[:end]))
        except SyntaxError as exc:
            bad = min(exc.lineno or end, end)
        except (ValueError, MemoryError, RecursionError):
            bad = end
        # cut before the statement that holds the error (or, when the error sits on its
        # first line, before that line's statement): the last start at or before it
        index = bisect.bisect_right(starts, bad) - 1
        if index < 0:
            return None
        end = min(starts[index] - 1, end - 1)
    return None


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The node's source (its offsets count UTF-8 bytes), from the lines it spans."""
    first, last = node.lineno - 1, node.end_lineno - 1
    if first == last:
        return lines[first].encode()[node.col_offset : node.end_col_offset].decode()
    head = lines[first].encode()[node.col_offset :].decode()
    tail = lines[last].encode()[: node.end_col_offset].decode()
    return "\n".join([head, *lines[first + 1 : last], tail])


def _defined(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []
