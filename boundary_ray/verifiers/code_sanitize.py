"""Recover the program from a response cut off by the token limit, as evalplus' sanitizer does.

evalplus (``evalplus/sanitize.py``) takes the longest syntactically valid span of lines, keeps
the imports and the definitions the entry point reaches (functions, classes, assignments), and
drops the rest (usage examples, prints). ``sanitize`` does that on the *prefix* of a truncated
text (the cut is at its end), with one rule evalplus lacks: a definition counts only when it is
provably complete, i.e. a later top-level statement starts (a dedent to column 0, outside
strings and brackets, that the model wrote before the cut). A function cut off mid-body is not
an answer.

Host cost is bounded whatever the text: only its first ``MAX_CHARS`` characters are read; the
prefix is cut only where a top-level statement starts (``code_scan``, one linear pass), and
each failed parse moves the cut before the statement holding the reported error, at most
``MAX_PARSES`` parses; the kept source is sliced from line offsets (``ast.get_source_segment``
re-splits the whole text for every node).
"""

from __future__ import annotations

import ast
import bisect

from boundary_ray.verifiers.code_scan import statement_starts

MAX_CHARS = 64 * 1024  # of the truncated text; longer ones are read up to here
MAX_PARSES = 8


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
    last_start = starts[-1] if starts else 0
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
        queue.extend(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
    kept = sorted(set(imports) | set(keep), key=lambda n: n.lineno)
    return "\n\n".join(_segment(lines, node) for node in kept) + "\n"


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
