"""Self-corrections against hedges: which words revise a stated answer, which offer another.

A response that states an answer and then revises it ("\\boxed{15} ... wait, checking again,
the answer is \\boxed{17}") settles on the revised answer: only the last one counts. A response
that offers several answers together ("5 or 7", "maybe 7") hedges. The words between two claims
decide which: a correction marker with no word of alternative is a correction; anything else
stays as ``answer_extraction`` judges it (claims side by side name one final answer).

Plain string work, bounded by the text given (one regex pass each).
"""

from __future__ import annotations

import re

# words that revise what was just stated; "no" only as an interjection ("no,", "no wait")
CORRECTION_RE = re.compile(
    r"\b(?:wait|actually|nope|oops|hold\s+on|scratch\s+that|on\s+second\s+thought"
    r"|correction|corrected|correcting|(?:i\s+)?made\s+an?\s+(?:\w+\s+)?(?:mistake|error)"
    r"|that\s*(?:'s|\s+is|\s+was)\s+(?:wrong|incorrect|not\s+right)"
    r"|re-?check(?:ing|ed)?|double[-\s]check(?:ing)?|check(?:ing)?\s+(?:it\s+|this\s+)?again"
    r"|let\s+me\s+(?:re-?)?(?:check|verify|compute|calculate|redo|recount|fix)"
    r"|re-?(?:comput|calculat|evaluat|examin|count)\w*|reconsider\w*|on\s+reflection)\b"
    r"|\bno\b\s*(?:[,:;!—–]|-\s|wait\b)",
    re.IGNORECASE,
)
# words that offer another value beside the first, or add one to it ("wait, also -2" for a gold
# with two values): these keep two claims one final answer
ALTERNATIVE_RE = re.compile(
    r"\b(?:or|either|maybe|perhaps|possibly|might|alternatively|also|another|additionally"
    r"|as\s+well)\b|\\(?:lor|vee)\b",
    re.IGNORECASE,
)


def is_correction(gap: str) -> bool:
    """Whether the text ``gap`` between two stated answers revises the first one: it holds a
    correction marker and no word that offers an alternative."""
    return CORRECTION_RE.search(gap) is not None and ALTERNATIVE_RE.search(gap) is None


def split_correction(phrase: str) -> tuple[str, str] | None:
    """``(before, after)`` around the last correction marker of one answer phrase ("15, no
    wait, 17" gives ``('15, ', ' 17')``), or None when it has none or offers alternatives."""
    if ALTERNATIVE_RE.search(phrase) is not None:
        return None
    last = None
    for last in CORRECTION_RE.finditer(phrase):  # noqa: B007 - the last match is wanted
        pass
    if last is None:
        return None
    first = CORRECTION_RE.search(phrase)
    return phrase[: first.start()], phrase[last.end() :]
