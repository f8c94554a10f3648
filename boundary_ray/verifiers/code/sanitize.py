"""Recover the program from a response cut off by the token limit, as evalplus' sanitizer does.

evalplus (``evalplus/sanitize.py``) takes the longest syntactically valid span of lines, keeps
the imports and the definitions the entry point reaches (functions, classes, assignments), and
drops the rest (usage examples, prints). ``sanitize`` does that on the *prefix* of a truncated
text (the cut is at its end), with one rule evalplus lacks: a definition counts only when it is
provably complete, i.e. a later non-blank, non-comment line starts at column 0 (a dedent the
model wrote before the cut). A function cut off mid-body is not an answer.
"""

from __future__ import annotations

import ast

MAX_LINES = 2000


def sanitize(text: str, entry_point: str) -> str | None:
    """The entry point's definition with the imports and complete definitions it uses, from
    the longest parseable prefix of ``text``; ``None`` when the entry point is missing or may
    be cut mid-body (or a definition it needs is)."""
    lines = text.split("\n")[:MAX_LINES]
    tree, used = _longest_prefix(lines)
    if tree is None:
        return None
    dedents = [
        number
        for number, line in enumerate(lines, start=1)
        if line[:1] not in ("", " ", "\t", "#") and line.strip()
    ]
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
        if not any(number > node.end_lineno for number in dedents):
            return None  # nothing dedents after it: it may be cut mid-body
        keep.append(node)
        queue.extend(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
    kept = sorted(set(imports) | set(keep), key=lambda n: n.lineno)
    return "\n\n".join(ast.get_source_segment(used, node) or "" for node in kept) + "\n"


def _longest_prefix(lines: list[str]) -> tuple[ast.Module | None, str]:
    for end in range(len(lines), 0, -1):
        source = "\n".join(lines[:end])
        try:
            return ast.parse(source), source
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
    return None, ""


def _defined(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []
