"""The query-string parameters of ``/problems`` and a problem's samples, checked and typed.

A bad value is a ``ParamError`` (a ``BoundaryError``) naming the parameter: the page answers
400 with that line, the JSON twin ``{"error": ...}``. Every number is bounded (pages, page
sizes, text lengths), so no parameter makes the server do unbounded work.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from boundary_ray.review.view.bands import BANDS
from boundary_ray.review.view.errors import ParamError

VERDICT_FILTERS = ("truncated", "no_answer", "timeout", "error")
SHOWS = ("all", "correct", "wrong", "truncated", "no_answer", "timeout", "error", "labelled")
PER_PAGE_MAX = 200
TEXT_MAX = 200
OPS_RE = re.compile(r"^(\d{1,3})(?:-(\d{1,3}))?$")


@dataclass(frozen=True)
class ProblemFilters:
    """What ``/problems`` lists: which benchmark and models, which problems, in what order."""

    benchmark: str | None = None
    models: tuple[str, ...] = ()
    band: str | None = None
    band_model: str | None = None  # None: any of the models shown
    solved_by: str | None = None
    unsolved_by: str | None = None
    ops: tuple[int, int] | None = None
    verdict: str | None = None
    fallback: bool = False
    q: str | None = None
    exclude_guess: bool = False
    max_rate: float = 0.05
    sort: str = "problem_id"  # problem_id | ops | a model's name (its c/n)
    desc: bool = False
    page: int = 1
    per_page: int = 50
    known_models: tuple[str, ...] = field(default=(), compare=False)

    def as_params(self, **changes: object) -> dict[str, str]:
        """The query string of these filters (with ``changes``), for links and forms."""
        values: dict[str, object] = {
            "benchmark": self.benchmark,
            "model": ",".join(self.models) if self.models else None,
            "band": self.band,
            "band_model": self.band_model,
            "solved_by": self.solved_by,
            "unsolved_by": self.unsolved_by,
            "ops": None if self.ops is None else _ops_text(self.ops),
            "verdict": self.verdict,
            "fallback": "1" if self.fallback else None,
            "q": self.q,
            "exclude": "guess" if self.exclude_guess else None,
            "sort": None if self.sort == "problem_id" else self.sort,
            "desc": "1" if self.desc else None,
            "page": None if self.page == 1 else str(self.page),
            "per_page": None if self.per_page == 50 else str(self.per_page),
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _ops_text(ops: tuple[int, int]) -> str:
    return str(ops[0]) if ops[0] == ops[1] else f"{ops[0]}-{ops[1]}"


def problem_filters(
    params: Mapping[str, str], models: list[str], benchmarks: list[str]
) -> ProblemFilters:
    """``ProblemFilters`` from a query string; ``models``/``benchmarks``: those with samples."""
    benchmark = _choice(params, "benchmark", benchmarks)
    shown = tuple(_models(params.get("model"), models)) or tuple(models)
    sort = params.get("sort") or "problem_id"
    if sort not in ("problem_id", "ops") and sort not in models:
        raise ParamError(
            f"sort={sort!r}: expected problem_id, ops or a model ({', '.join(models)})"
        )
    return ProblemFilters(
        benchmark=benchmark,
        models=shown,
        band=_choice(params, "band", BANDS),
        band_model=_choice(params, "band_model", models),
        solved_by=_choice(params, "solved_by", models),
        unsolved_by=_choice(params, "unsolved_by", models),
        ops=_ops(params.get("ops")),
        verdict=_choice(params, "verdict", VERDICT_FILTERS),
        fallback=_flag(params, "fallback"),
        q=_text(params, "q"),
        exclude_guess=exclude_guess(params),
        max_rate=_number(params, "max_rate", 0.05, 0.0, 1.0),
        sort=sort,
        desc=_flag(params, "desc"),
        page=int(_number(params, "page", 1, 1, 1_000_000, integer=True)),
        per_page=int(_number(params, "per_page", 50, 1, PER_PAGE_MAX, integer=True)),
        known_models=tuple(models),
    )


@dataclass(frozen=True)
class SampleFilters:
    """Which samples of a problem a page shows: two models side by side, one page of each."""

    models: tuple[str, ...]
    show: str = "all"
    page: int = 1
    per_page: int = 10


def sample_filters(params: Mapping[str, str], models: list[str]) -> SampleFilters:
    """``SampleFilters`` from ``a``, ``b`` (the two models; default: the first two of
    ``models``), ``show``, ``page`` and ``per_page``."""
    a = _choice(params, "a", models) or (models[0] if models else None)
    b = _choice(params, "b", models)
    if b is None:
        b = next((m for m in models if m != a), None)
    chosen = tuple(m for m in (a, b) if m is not None)
    return SampleFilters(
        models=tuple(dict.fromkeys(chosen)),
        show=_choice(params, "show", SHOWS) or "all",
        page=int(_number(params, "page", 1, 1, 1_000_000, integer=True)),
        per_page=int(_number(params, "per_page", 10, 1, PER_PAGE_MAX, integer=True)),
    )


def _choice(
    params: Mapping[str, str], key: str, allowed: list[str] | tuple[str, ...]
) -> str | None:
    value = params.get(key) or None
    if value is not None and value not in allowed:
        shown = ", ".join(list(allowed)[:20]) or "none in this lake"
        raise ParamError(f"{key}={value[:100]!r}: expected one of {shown}")
    return value


def _models(value: str | None, models: list[str]) -> list[str]:
    if not value:
        return []
    chosen = [m.strip() for m in value.split(",") if m.strip()]
    for model in chosen:
        if model not in models:
            raise ParamError(
                f"model={model[:100]!r}: no samples of it (models: {', '.join(models)})"
            )
    return list(dict.fromkeys(chosen))


def _ops(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    match = OPS_RE.match(value)
    if not match:
        raise ParamError(f"ops={value[:100]!r}: expected a number or a range such as 2-5")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if high < low:
        raise ParamError(f"ops={value}: the range ends below its start")
    return low, high


def _flag(params: Mapping[str, str], key: str) -> bool:
    value = params.get(key) or ""
    if value not in ("", "0", "1", "true", "false", "on"):
        raise ParamError(f"{key}={value[:100]!r}: expected 1 or 0")
    return value in ("1", "true", "on")


def exclude_guess(params: Mapping[str, str]) -> bool:
    """``exclude=guess``: samples labelled guess count as wrong."""
    value = params.get("exclude") or ""
    if value not in ("", "guess"):
        raise ParamError(f"exclude={value[:100]!r}: expected guess")
    return value == "guess"


def _text(params: Mapping[str, str], key: str) -> str | None:
    value = (params.get(key) or "").strip()
    if len(value) > TEXT_MAX:
        raise ParamError(f"{key}: at most {TEXT_MAX} characters")
    if "\x00" in value:
        raise ParamError(f"{key}: holds a NUL character")
    return value or None


def _number(
    params: Mapping[str, str],
    key: str,
    default: float,
    low: float,
    high: float,
    integer: bool = False,
) -> float:
    raw = params.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise ParamError(f"{key}={raw[:100]!r}: expected {kind}") from None
    if not low <= value <= high:
        raise ParamError(f"{key}={raw}: expected a value in [{low:g}, {high:g}]")
    return value
