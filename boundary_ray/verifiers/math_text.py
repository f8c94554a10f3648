"""What a math answer's text says, read before any sympy: canonical text and plain numbers.

Every function here is plain string work (no math-verify): cheap, and the same in the parent
and in tests.
"""

from __future__ import annotations

import math
import re

THOUSANDS_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_NUMBER_RE = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$", re.IGNORECASE)
_NOISE = ("\\left", "\\right", "\\!", "\\,", "\\;", "\\:", "\\displaystyle", "\\$", "$")


def canonical(text: str) -> str:
    """Remove what never changes the meaning: spacing, \\left/\\right, $ signs, a final period."""
    for noise in _NOISE:
        text = text.replace(noise, "")
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    return "".join(text.split()).rstrip(".")


def plain_number(text: str) -> float | None:
    """The value of a plain number (``1,000``, ``-2.5``, ``3e8``), else None."""
    if THOUSANDS_RE.match(text):
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def fast_compare(gold: str, pred: str) -> bool | None:
    """Cheap verdict without math-verify: True when the texts or plain numbers are equal,
    False when both are plain numbers far apart, None when math-verify must decide."""
    g, p = canonical(gold), canonical(pred)
    if g == p:
        return True
    gn, pn = plain_number(g), plain_number(p)
    if gn is None or pn is None:
        return None
    if math.isclose(gn, pn, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if not math.isclose(gn, pn, rel_tol=1e-4, abs_tol=1e-6):
        return False
    return None  # close but not equal: math-verify's rounding rules decide
