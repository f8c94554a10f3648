"""Accuracy bands of a problem for one model, as SQL over its (n, c).

``hardest`` is ``queries/hardest_solved.sql``'s rule, the one ``boundary label`` offers: the
paper's 0 < c/n < max_rate where the problem's n allows it (1/n < max_rate: one correct sample
is below the bound), else the problems solved by exactly one sample (n <= 1/max_rate: at n = 16
one correct is already 6.25 %). ``tests/review/test_view_data.py`` checks the two agree.
"""

from __future__ import annotations

BANDS = ("unsolved", "hardest", "partial", "solved", "all_correct")
BAND_TITLES = {
    "unsolved": "unsolved (c = 0)",
    "hardest": "hardest solved (0 < c/n < 5 %, or c = 1 at small n)",
    "partial": "partly solved (0 < c < n)",
    "solved": "solved (c > 0)",
    "all_correct": "all correct (c = n)",
}


def band_condition(band: str, n: str, c: str, max_rate: float) -> str:
    """SQL that holds when the counts in columns ``n``, ``c`` lie in ``band`` (null when the
    model has no samples of the problem). ``integer / integer`` is a double in DuckDB."""
    bound = repr(float(max_rate))
    return {
        "unsolved": f"({n} > 0 and {c} = 0)",
        "hardest": f"({c} > 0 and ((1 / {n} < {bound} and {c} / {n} < {bound})"
        f" or (1 / {n} >= {bound} and {c} = 1)))",
        "partial": f"({c} > 0 and {c} < {n})",
        "solved": f"({c} > 0)",
        "all_correct": f"({n} > 0 and {c} = {n})",
    }[band]


def hardest_rule(n: str, max_rate: float) -> str:
    """SQL naming the rule ``hardest`` applies at this n: 'max_rate' or 'one_correct'."""
    return f"(case when 1 / {n} < {float(max_rate)!r} then 'max_rate' else 'one_correct' end)"
