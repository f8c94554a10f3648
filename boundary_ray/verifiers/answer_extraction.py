"""Find the final answer in a model's response, and say which rule found it.

Rules, tried in this order (the first that finds something wins):

- ``boxed``: the last complete ``\\boxed{...}`` or ``\\fbox{...}`` (balanced braces);
- ``answer_is``: the last "the answer is X" (also "final answer: X");
- ``hashes``: the last "#### X" (the GSM8K convention);
- ``last_number``: the last number in the text (GSM8K-style last resort).

A response cut off by the token limit (``finish_reason == 'length'``) only counts an explicit
answer (the first three rules): a number that happens to stand last in a truncated chain of
thought is a guess, not an answer (DESIGN.md, "the lake").

Besides the answer, ``Extraction.alternatives`` lists every value the *final* answer names
when it names more than one: "the answer is $5$ or $7$", ``\\boxed{5} or \\boxed{7}``, two
"the answer is" sentences in a row with different values. The final answer is the winning
claim (a box, an "answer is", a "####") together with the explicit claims that touch it: no
sentence boundary between them, or nothing but punctuation and a word like "or". A claim
further back, behind a sentence of reasoning, is a correction, and only the last one counts;
so is one followed by words that revise it ("\\boxed{15} ... wait, checking again, the answer
is \\boxed{17}", "the answer is 15, no wait, 17") unless those words offer an alternative
("or", "maybe": ``answer_corrections.py``). The verifier decides what several values mean (a
hedge, or the list a multi-valued gold asks for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from boundary_ray.common.latex import BOX_RE as _BOX_RE
from boundary_ray.common.latex import balanced as _balanced
from boundary_ray.common.latex import last_boxed
from boundary_ray.verifiers.math.corrections import is_correction, split_correction
from boundary_ray.verifiers.math.text import THOUSANDS_RE, canonical, split_alternatives

RULES = ("boxed", "answer_is", "hashes", "last_number")
EXPLICIT_RULES = ("boxed", "answer_is", "hashes")

_ANSWER_IS = r"(?:the\s+(?:final\s+)?answer\s+is|final\s+answer\s*:)\s*:?"
_ANSWER_IS_RE = re.compile(_ANSWER_IS, re.IGNORECASE)
_ANSWER_IS_LOWER_RE = re.compile(_ANSWER_IS)  # on lower-cased text: 3-4x faster than IGNORECASE
_HASHES_RE = re.compile(r"####\s*([^\n]*)")
_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)|\n")
_GAP_FILLER_RE = re.compile(r"[\s.,;:!?*$]|\\[\[\]()]")
# the last number of a response ending "... 5 or 7" / "5, or maybe 7."
_TRAILING_OR_RE = re.compile(
    r"(-?\d[\d,]*(?:\.\d+)?)\s*,?\s*(?:or|either)\s+(?:maybe\s+|perhaps\s+|possibly\s+)?"
    r"(-?\d[\d,]*(?:\.\d+)?)[^\d]{0,40}$",
    re.IGNORECASE,
)
_MAX_GAP = 200  # characters between two claims of one final answer, at most
# what may stand before a phrase's own value ("$", "**", ":"): no value yet
_VALUE_PREFIX_RE = re.compile(r"[\s$*:]|\\[(\[]")
# what may lead the revised value of "15, no wait, it's 17"
_REVISED_LEAD_RE = re.compile(
    r"^[\s,:;.\-\u2013\u2014]*(?:(?:so\s+)?(?:it|that)(?:'s|\s+is|\s+should\s+be)"
    r"|make\s+(?:it|that))?[\s,:]*",
    re.IGNORECASE,
)
# after the first value of "the answer is $5$ ...": a second value follows ("or $7$", ", $6$")
_MORE_VALUES_RE = re.compile(
    r"^\s*[,(]?\s*(?:or|either|maybe|perhaps|possibly)\b|^\s*[,(]?\s*\\text\s*\{\s*or"
    r"|^\s*,\s*[$\\\d]"
)


@dataclass(frozen=True)
class Extraction:
    """An extracted final answer and the rule (one of ``RULES``) that found it."""

    answer: str
    rule: str
    alternatives: tuple[str, ...] = field(default=(), compare=False)
    """Every distinct value the final answer names, when it names more than one."""


@dataclass(frozen=True)
class _Claim:
    """One explicit answer statement: where it stands, its value, the values it names."""

    start: int
    end: int
    rule: str
    answer: str
    values: tuple[str, ...]


def extract_answer(response: str | None, finish_reason: str | None = None) -> Extraction | None:
    """The final answer of ``response`` and its rule, or ``None`` when no rule finds one.

    When ``finish_reason == 'length'`` (truncated), ``last_number`` is not tried.
    """
    if not response:
        return None
    truncated = finish_reason == "length"
    claims = {rule: finder(response) for rule, finder in _CLAIM_FINDERS}
    for rule in EXPLICIT_RULES:
        if claims[rule]:
            winner = claims[rule][-1]
            everything = sorted((c for found in claims.values() for c in found), key=_order)
            return Extraction(winner.answer, rule, _final_values(response, everything, winner))
    if truncated:
        return None
    answer = _find_last_number(response)
    if not answer:
        return None
    return Extraction(answer, "last_number", _fallback_alternatives(response, answer))


def _fallback_alternatives(text: str, answer: str) -> tuple[str, ...]:
    """The numbers of a trailing "5 or 7" (the last number is one of alternatives)."""
    match = _TRAILING_OR_RE.search(text)
    if match is None:
        return ()
    values = [v.replace(",", "") for v in (match.group(1), match.group(2))]
    return tuple(dict.fromkeys(values)) if len(set(values)) > 1 and values[1] == answer else ()


def _order(claim: _Claim) -> tuple[int, int]:
    return claim.start, claim.end


def _final_values(text: str, claims: list[_Claim], winner: _Claim) -> tuple[str, ...]:
    """The distinct values of the claims that make one final answer with ``winner``
    (``claims``: every explicit claim of ``text``, in order)."""
    i = j = claims.index(winner)
    while i > 0 and _touch(text, claims[i - 1], claims[i]):
        i -= 1
    while j + 1 < len(claims) and _touch(text, claims[j], claims[j + 1]):
        j += 1
    values: dict[str, str] = {}
    for claim in claims[i : j + 1]:
        for value in claim.values:
            values.setdefault(canonical(value), value)
    return tuple(values.values()) if len(values) > 1 else ()


def _touch(text: str, first: _Claim, second: _Claim) -> bool:
    """Whether two neighbouring claims belong to one final answer (see the module docstring)."""
    if second.start <= first.end:
        return True  # nested or overlapping: "the answer is $\\boxed{5}$"
    gap = text[first.end : second.start]
    if is_correction(gap):
        return False  # "\\boxed{15}, wait, checking again: \\boxed{17}": the first is revised
    if len(_GAP_FILLER_RE.sub("", gap)) <= 3:
        return True  # only punctuation, space or a short word ("or", "and") between them
    return len(gap) <= _MAX_GAP and not _SENTENCE_END_RE.search(gap)


def _box_claims(text: str) -> list[_Claim]:
    claims = []
    for match in _BOX_RE.finditer(text):
        content = _balanced(text, match.end())
        if content is not None and content.strip():
            end = match.end() + len(content) + 1
            values = tuple(split_alternatives(content.strip()))
            claims.append(_Claim(match.start(), end, "boxed", content.strip(), values))
    return claims


def _answer_is_claims(text: str) -> list[_Claim]:
    claims = []
    lowered = text.lower()  # the same positions when no character changes its length
    same = len(lowered) == len(text)
    for match in _ANSWER_IS_LOWER_RE.finditer(lowered) if same else _ANSWER_IS_RE.finditer(text):
        claim = _phrase_claim(text, match.start(), match.end(), "answer_is")
        if claim is not None:
            claims.append(claim)
    return claims


def _hashes_claims(text: str) -> list[_Claim]:
    claims = []
    for match in _HASHES_RE.finditer(text):
        claim = _phrase_claim(text, match.start(), match.start(1), "hashes")
        if claim is not None:
            claims.append(claim)
    return claims


def _phrase_claim(text: str, start: int, value_start: int, rule: str) -> _Claim | None:
    """The claim of an "answer is" / "####" at ``start`` whose phrase begins at ``value_start``:
    the rest of its sentence (on that line), up to the next "answer is" or "####"; a sentence
    that revises its value ("15, no wait, 17") gives the revised one."""
    line_end = text.find("\n", value_start)
    line = text[value_start : line_end if line_end >= 0 else len(text)]
    line = line[: _next_phrase_at(line)]
    sentence = first = _sentence(line)
    revised = split_correction(first)
    if revised is not None:
        before, after = revised
        value = _REVISED_LEAD_RE.sub("", after, count=1)
        if re.search(r"[\d$\\]", value):  # "15, no wait, 17": the answer is 17
            value_start += len(first) - len(value)
            while value.endswith(")") and value.count(")") > value.count("("):
                value = value[:-1]  # "15 (no wait, it's 17)": the aside's closing bracket
            line = value + line[len(first) :]
        else:  # "15, actually no, the answer is 17": this claim is 15, revised by the next
            line = before.rstrip(" ,;:-\u2013\u2014")
        sentence = _sentence(line)
    answer, rest = _clean_phrase(line)
    if not answer:
        return None
    segments = _math_segments(sentence)
    more = rest is not None and _MORE_VALUES_RE.match(_sentence(rest)) is not None
    if more and len(segments) > 1:
        values = segments  # "$5$ or $7$", "$4$, $5$, or $6$", "$5$ (or maybe $7$)"
    elif more:
        values = split_alternatives(_strip_math(sentence))  # "$5$ or 7"
    else:
        values = split_alternatives(_unbox(answer))
    values = [_unbox(value) for value in values]
    return _Claim(start, value_start + len(sentence), rule, answer, tuple(v for v in values if v))


def _next_phrase_at(line: str) -> int:
    """Where the next "answer is" / "####" of ``line`` starts after its own value (the end of
    ``line`` if none): "15, the answer is 17" holds two claims, not one value."""
    end = len(line)
    for pattern in (_ANSWER_IS_RE, _HASHES_RE):
        for match in pattern.finditer(line, 0, end):
            if _VALUE_PREFIX_RE.sub("", line[: match.start()]):
                end = len(line[: match.start()].rstrip(" ,;:"))
                break
    return end


def _sentence(line: str) -> str:
    """``line`` up to the end of its first sentence: a period (or ! ?) followed by a space,
    outside ``$...$``, ``\\(...\\)`` and ``\\[...\\]``."""
    i, closing = 0, None
    while i < len(line):
        if closing is not None:
            if line.startswith(closing, i):
                i, closing = i + len(closing), None
                continue
        else:
            for open_, close in _MATH_DELIMITERS:
                if line.startswith(open_, i):
                    closing = close
                    i += len(open_)
                    break
            else:
                if line[i] in ".!?" and (i + 1 == len(line) or line[i + 1].isspace()):
                    return line[:i]
                i += 1
            continue
        i += 1
    return line


def _math_segments(text: str) -> list[str]:
    """The contents of the ``$...$`` (``\\(...\\)``, ...) segments of ``text``."""
    segments, i = [], 0
    while i < len(text):
        for open_, close in _MATH_DELIMITERS:
            if text.startswith(open_, i):
                end = text.find(close, i + len(open_))
                if end < 0:
                    return segments
                segments.append(text[i + len(open_) : end].strip())
                i = end + len(close)
                break
        else:
            i += 1
    return [segment for segment in segments if segment]


def _strip_math(text: str) -> str:
    for mark in ("**", "$$", "$", "\\(", "\\)", "\\[", "\\]"):
        text = text.replace(mark, " ")
    return " ".join(text.split())


def _unbox(value: str) -> str:
    """``\\boxed{5}`` as ``5``: the same value, said once in a box and once in words."""
    value = value.strip()
    if _BOX_RE.match(value) and value.endswith("}"):
        inner = last_boxed(value)
        if inner is not None and len(inner) >= len(value) - len("\\boxed{}") - 1:
            return inner
    return value


def _find_last_number(text: str) -> str | None:
    numbers = _last_numbers(text)
    if not numbers:
        return None
    number = numbers[-1].rstrip(",")
    if THOUSANDS_RE.match(number):
        number = number.replace(",", "")
    return number.rstrip(",") or None


def _last_numbers(text: str) -> list[str]:
    """The numbers of the end of ``text``, the last one last: read from a growing suffix, as
    the last number of a long response usually stands near its end. A suffix whose first
    number starts at its first character may have cut that number, so it grows; any later
    number is the one the whole text has there."""
    size = 512
    while size < len(text):
        numbers = list(_NUMBER_RE.finditer(text, len(text) - size))
        if numbers and numbers[-1].start() > len(text) - size:
            return [numbers[-1].group(0)]
        size *= 8
    return _NUMBER_RE.findall(text)


def _clean_phrase(text: str) -> tuple[str, str | None]:
    """Trim the rest of a line after "the answer is" / "####" to the answer itself.

    Returns the answer and, when it was a delimited math segment (``$5$``), the text after it.
    """
    text = text.strip().replace("**", "").strip()
    text = _AFFIRMING_WORD_RE.sub("", text, count=1)  # "the answer is indeed $220$, where ..."
    for open_, close in _MATH_DELIMITERS:
        if text.startswith(open_):
            end = text.find(close, len(open_))
            if end > 0:
                answer = text[len(open_) : end].strip().rstrip(".").strip()
                return answer, text[end + len(close) :]
    # plain text: stop at the end of the sentence (a period not inside a number)
    text = re.split(r"\.(?:\s|$)", text, maxsplit=1)[0]
    return text.strip().strip("$").strip(), None


_MATH_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))
# a word that only affirms the value after it, never a value itself (only before a math segment:
# "indeed $5$"; "the answer is simply 5 or 7" stays two values)
_AFFIRMING_WORD_RE = re.compile(
    r"^(?:indeed|thus|therefore|hence|so|then|simply|clearly|still|just|again|now)\b"
    r"[\s,:]*(?=\$|\\\(|\\\[)",
    re.IGNORECASE,
)
_CLAIM_FINDERS = (
    ("boxed", _box_claims),
    ("answer_is", _answer_is_claims),
    ("hashes", _hashes_claims),
)
