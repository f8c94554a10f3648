"""The lenient reader: claims from natural-language reasoning about a synthetic problem.

A quantity is claimed when its value is

- the result of an equation (``5 + 3 = 8``) said of it: the subject the clause is about
  ("so Ben has 5 + 3 = 8"), or, when no subject is named, the quantity whose gold step has
  exactly those operands and that operator;
- a number stated right after its subject ("Ben has 8 apples", "Ben's apples: 8", "Anna,
  who has 5"), unless the number is a constant of the wording ("3 more", "twice", "3 times
  as many", "than 5"). Alternatives ("8 or 9", "8/9", "8, 9") are each a claim, so stating
  every candidate value contradicts itself.

The reader never computes what a quantity should be from the text: it only collects what the
response says, and ``verifier.py`` compares that with the gold graph.
"""

from __future__ import annotations

import re

from boundary_ray.verifiers.process.graph import GoldGraph
from boundary_ray.verifiers.process.text import Claim, find_subjects, numbers_and_operator, short

SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n+")
NUMBER = r"\d+(?:\.\d+)?"
EQUATION_RE = re.compile(
    rf"(?<![\w.])(?P<lhs>\(?{NUMBER}\)?(?:\s*[-+*/]\s*\(?{NUMBER}\)?)+)\s*=\s*(?P<rhs>-?{NUMBER})(?![\d.]\d)"
)
NUMBER_RE = re.compile(rf"(?<![\w.]){NUMBER}(?![\w]|\.\d)")
# a number followed by one of these is a constant of the wording, not a count
CONSTANT_AFTER = {
    "more", "fewer", "less", "times", "than", "percent", "%", "extra", "additional",
    "greater", "smaller", "as", "per", "each", "of",
}  # fmt: skip
CONSTANT_BEFORE = {
    "than",
    "by",
    "step",
    "plus",
    "minus",
    "and",
    "multiplying",
    "adding",
    "subtracting",
    "dividing",
}
# a subject right after one of these is an operand ("more than Ben"): what follows is not its
# count unless a relative clause says so ("than Ben, who has 4")
OPERAND_BEFORE_RE = re.compile(r"(?:than|as|with|from|of|plus|minus|to)\s*$", re.I)
RELATIVE_RE = re.compile(r"^[\s,]*(?:who|which|that)\s+(?:\w+\s+){0,2}?", re.I)
ALTERNATIVE_RE = re.compile(  # "8, 9", "8 or 9", "8 apples, or maybe 9", "8/9", "8 to 9"
    r"^\s*,\s*$|^\s*(?:[A-Za-z]+\s*)?,?\s*(?:or|/|to|either)\s*(?:maybe|perhaps|possibly)?\s*$",
    re.I,
)
WINDOW_CHARS = 80
# a count stated before its subject: "9 plums in Jonas's basket", "18 plums that Jonas has"
BEFORE_RE = re.compile(
    rf"(?<![\w.])(?P<n>{NUMBER})\s+(?P<words>(?:[A-Za-z]+\s+){{0,2}})(?:in|for|that|which)\s+$",
    re.I,
)


def lenient_claims(text: str, graph: GoldGraph) -> list[Claim]:
    """Every claim the natural-language reader finds in ``text`` (normalized)."""
    subjects = graph.by_subject()
    claims: list[Claim] = []
    for sentence in SENTENCE_RE.split(text):
        if sentence.strip():
            claims.extend(_sentence_claims(sentence, graph, subjects))
    return claims


def _sentence_claims(sentence: str, graph: GoldGraph, subjects: dict[str, str]) -> list[Claim]:
    mentions = find_subjects(sentence, subjects)
    claims = []
    masked = sentence
    for eq in EQUATION_RE.finditer(sentence):
        masked = masked[: eq.start()] + "#" * (eq.end() - eq.start()) + masked[eq.end() :]
        claim = _equation_claim(eq, sentence, mentions, graph)
        if claim is not None:
            claims.append(claim)
    for index, (start, end, qid) in enumerate(mentions):
        before = BEFORE_RE.search(masked[max(0, start - 40) : start])
        if before and not set(before.group("words").lower().split()) & CONSTANT_AFTER:
            claims.append(
                Claim(
                    qid=qid,
                    value=float(before.group("n")),
                    text=short(before.group(0) + sentence[start:end]),
                )
            )
        stop = mentions[index + 1][0] if index + 1 < len(mentions) else len(sentence)
        window = masked[end : min(stop, end + WINDOW_CHARS)]
        if "#" in window.split(".")[0][:40] and not NUMBER_RE.search(window.split("#")[0]):
            continue  # an equation follows the subject: it made the claim
        if OPERAND_BEFORE_RE.search(sentence[:start]):
            relative = RELATIVE_RE.match(window)
            if relative is None:
                continue
        for value, snippet in _stated_values(window):
            claims.append(Claim(qid=qid, value=value, text=short(sentence[start:end] + snippet)))
    return claims


def _equation_claim(
    eq: re.Match[str], sentence: str, mentions: list[tuple[int, int, str]], graph: GoldGraph
) -> Claim | None:
    numbers, op = numbers_and_operator(eq.group("lhs"))
    result = float(eq.group("rhs"))
    about = _clause_subject(eq.start(), sentence, mentions)
    matching = [q for q in graph.quantities.values() if q.computed_by(numbers, op, graph.mod)]
    right = [q for q in matching if graph.same_value(result, q.value)]
    if about is not None and about in {q.id for q in matching}:
        qid = about
    elif right and (about is None or about not in graph.quantities):
        qid = right[0].id
    elif right and not graph.quantities[about].computed_by(numbers, op, graph.mod):
        qid = right[0].id  # a right step of another quantity, its subject named loosely
    elif about is not None:
        qid = about
    elif matching:
        qid = sorted(matching, key=lambda q: not q.needed)[0].id
    else:
        return None
    return Claim(qid=qid, value=result, text=short(eq.group(0)), operands=numbers, op=op)


def _clause_subject(
    position: int, sentence: str, mentions: list[tuple[int, int, str]]
) -> str | None:
    """The subject an equation at ``position`` is said of: the nearest one before it that is not
    an operand ("than Ben"), else the first one in the sentence."""
    before = [m for m in mentions if m[1] <= position]
    for start, _end, qid in reversed(before):
        if not OPERAND_BEFORE_RE.search(sentence[:start]):
            return qid
    return mentions[0][2] if mentions else None


def _stated_values(window: str) -> list[tuple[float, str]]:
    """The numbers stated in ``window`` as a count: the first one that is not a constant of the
    wording, and any given as alternatives to it."""
    found: list[tuple[float, str]] = []
    previous_end = None
    for match in NUMBER_RE.finditer(window):
        if found:
            if previous_end is None or not ALTERNATIVE_RE.match(
                window[previous_end : match.start()]
            ):
                break
        elif _is_constant(window, match):
            continue
        found.append((float(match.group(0)), window[: match.end()]))
        previous_end = match.end()
    return found


def _is_constant(window: str, match: re.Match[str]) -> bool:
    after = re.findall(r"[A-Za-z%]+|[,.;:!?()]", window[match.end() :])[:2]
    words_after = [w.lower() for w in after if w not in ",.;:!?()"]
    if after and after[0] in ",.;:!?()":
        words_after = []
    if re.search(r"[-+*/=]\s*$", window[: match.start()]) or re.match(
        r"\s*[-+*/]\s*\(?\d", window[match.end() :]
    ):
        return True  # an operand of an expression ("L - 3", "17 - 12, which")
    before = re.findall(r"[A-Za-z]+", window[: match.start()])
    if before and before[-1].lower() in CONSTANT_BEFORE:
        return True
    return any(word in CONSTANT_AFTER for word in words_after)
