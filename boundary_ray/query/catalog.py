"""The queries of ``queries/``: where their files are, their names, and what each declares.

``queries/schema.yml`` lists per query its columns, unique key, never-null columns and
parameters (type, bounds, default, help). It is parsed once per version of the file; every
caller (the CLI, ``Lake``, ``boundary report``, the browser view) asks here which parameters a
query takes, so there is one rule for it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from boundary_ray.errors import BoundaryError
from boundary_ray.settings import queries_override

VIEWS_FILE = "views.sql"
SCHEMA_FILE = "schema.yml"
# a view or macro of views.sql, by name
DEFINITION = re.compile(r"^create\s+or\s+replace\s+(?:view|macro)\s+(\w+)", re.I | re.M)
# where SQL reads a relation: after from / join (a lateral table macro too)
READ_AT = re.compile(r"\b(?:from|join)\s+(?:lateral\s+)?(\w+)", re.I)
COMMENT = re.compile(r"--[^\n]*")


def queries_dir() -> Path:
    """The folder holding the ``.sql`` files: ``$BOUNDARY_RAY_QUERIES``, else the repo's ``queries/``.

    An installed wheel has no repo around it: there the copy inside the package
    (``boundary_ray/_queries``) is used.
    """
    override = queries_override()
    if override:
        folder = Path(override).expanduser()
        if not folder.is_dir():
            raise BoundaryError(f"BOUNDARY_RAY_QUERIES={override}: not a directory")
        return folder
    package = Path(__file__).resolve().parents[1]
    for folder in (package.parent / "queries", package / "_queries"):
        if (folder / VIEWS_FILE).is_file():
            return folder
    raise BoundaryError(f"no queries folder found next to {package} (set BOUNDARY_RAY_QUERIES)")


def list_queries() -> list[str]:
    """Names of the queries that ``run_query`` accepts, sorted (``views.sql`` is not one)."""
    return sorted(p.stem for p in queries_dir().glob("*.sql") if p.name != VIEWS_FILE)


def query_sql(name: str) -> str:
    """The text of ``queries/NAME.sql``; an unknown name is a ``BoundaryError`` listing the known."""
    known = list_queries()
    if name not in known:
        raise BoundaryError(f"unknown query {name!r} (known: {', '.join(known)})")
    return (queries_dir() / f"{name}.sql").read_text(encoding="utf-8")


def views_sql() -> str:
    """The text of ``queries/views.sql``."""
    return (queries_dir() / VIEWS_FILE).read_text(encoding="utf-8")


def query_schema() -> dict[str, dict[str, Any]]:
    """``queries/schema.yml``: per query its columns, unique key, never-null columns, params."""
    data = _schema_file()
    return {name: entry for name, entry in data.items() if not name.startswith("_")}


def view_params() -> dict[str, Any]:
    """Parameters the views read (``_views.params`` in ``queries/schema.yml``): every query that
    reads ``problem_outcomes`` accepts them (``--param correct=process``, ``exclude=guess``)."""
    return dict(((_schema_file().get("_views") or {}).get("params")) or {})


def query_params(name: str) -> dict[str, dict[str, Any]]:
    """The parameters query ``name`` accepts: its own (``queries/schema.yml``) and, for a query
    over ``problem_outcomes``, the views' parameters it does not declare itself."""
    declared = dict(query_schema().get(name, {}).get("params") or {})
    if "problem_outcomes" in reads(query_sql(name)):
        declared = {**declared, **{k: v for k, v in view_params().items() if k not in declared}}
    return declared


def reads(sql: str) -> frozenset[str]:
    """The views and macros of ``views.sql`` that ``sql`` reads (after ``from`` or ``join``),
    and those they read in turn: a query over ``problem_maj_at_k`` reads
    ``problem_answer_classes`` too. Comments do not count."""
    definitions = _definitions(views_sql())
    found: set[str] = set()
    todo = [name for name in _read_names(sql) if name in definitions]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += [n for n in definitions[name] if n in definitions and n != name]
    return frozenset(found)


def _read_names(sql: str) -> set[str]:
    return {name.lower() for name in READ_AT.findall(COMMENT.sub("", sql))}


@functools.lru_cache(maxsize=4)
def _definitions(text: str) -> dict[str, frozenset[str]]:
    """Each view and macro of views.sql ``text`` with the names its definition reads."""
    starts = list(DEFINITION.finditer(text))
    ends = [m.start() for m in starts[1:]] + [len(text)]
    return {
        m.group(1).lower(): frozenset(_read_names(text[m.end() : end]))
        for m, end in zip(starts, ends, strict=True)
    }


def _schema_file() -> dict[str, Any]:
    path = queries_dir() / SCHEMA_FILE
    if not path.is_file():
        return {}
    return _parse_schema(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _parse_schema(path: str, mtime_ns: int) -> dict[str, Any]:
    """The parsed schema file (cached per path and modification time)."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise BoundaryError(f"{path}: expected a mapping of query names")
    return data
