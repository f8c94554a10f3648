"""Independent references for the estimator queries (helpers, not tests): every k-subset of
the samples enumerated, in exact rational arithmetic, and an exact rational dynamic program
for maj@k where enumerating is too slow. Nothing here shares code with the SQL."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from functools import cache

Labels = Sequence[str | None]  # one answer class per sample; None: no answer


def subsets(n: int, k: int) -> itertools.combinations:
    return itertools.combinations(range(n), k)


def brute_pass_hat_k(row: Sequence[bool], k: int) -> Fraction:
    """The share of k-subsets whose samples are all correct."""
    hits = total = 0
    for chosen in subsets(len(row), k):
        total += 1
        hits += all(row[i] for i in chosen)
    return Fraction(hits, total)


def brute_g_pass(row: Sequence[bool], k: int, m: int) -> Fraction:
    """The share of k-subsets holding at least m correct samples."""
    hits = total = 0
    for chosen in subsets(len(row), k):
        total += 1
        hits += sum(row[i] for i in chosen) >= m
    return Fraction(hits, total)


def threshold(tau: float, k: int) -> int:
    """m = max(ceil(tau k), 1), tau k read as the rational it stands for (0.7 x 10 is 7)."""
    return max(math.ceil(Fraction(str(tau)) * k), 1)


def brute_mg_pass(row: Sequence[bool], k: int) -> Fraction:
    """(2/k) sum_{i = ceil(k/2)+1}^{k} G-Pass@k_{i/k}, each G-Pass by enumeration."""
    low = math.ceil(k / 2)
    return Fraction(2, k) * sum(
        (brute_g_pass(row, k, i) for i in range(low + 1, k + 1)), Fraction(0)
    )


def brute_maj(labels: Labels, correct: str | None, k: int) -> Fraction:
    """Expected correctness of the plurality vote over every k-subset: None abstains, ties
    split evenly, a subset with no answer counts 0; `correct` names the right class."""
    total = Fraction(0)
    count = 0
    for chosen in subsets(len(labels), k):
        count += 1
        votes = Counter(labels[i] for i in chosen if labels[i] is not None)
        if not votes or correct is None:
            continue
        top = max(votes.values())
        tied = [name for name, v in votes.items() if v == top]
        if correct in tied:
            total += Fraction(1, len(tied))
    return total / count


def exact_maj(correct: int, others: Sequence[int], abstain: int, k: int) -> Fraction:
    """maj@k in exact rationals by a dynamic program over the classes (no windows, nothing
    left out): sum over t of C(c, t) times the weighted count of ways the other classes stay
    at or below t, a tie with m of them counting 1 / (1 + m). For n up to ~100."""
    n = correct + sum(others) + abstain
    if correct == 0:
        return Fraction(0)
    total = Fraction(0)
    for t in range(1, min(correct, k) + 1):
        ways = _ways(tuple(sorted(others)), abstain, k - t, t)
        total += math.comb(correct, t) * ways
    return total / math.comb(n, k)


@cache
def _ways(others: tuple[int, ...], abstain: int, draws: int, t: int) -> Fraction:
    """Sum over draws of `draws` from the other classes and abstentions, every class at most
    t, of 1 / (1 + number of classes exactly at t), each weighted by its number of subsets."""
    # state: (votes drawn from the classes so far, classes at t) -> number of subsets
    states: dict[tuple[int, int], int] = {(0, 0): 1}
    for a in others:
        nxt: dict[tuple[int, int], int] = {}
        for (s, m), ways in states.items():
            for x in range(0, min(a, t, draws - s) + 1):
                key = (s + x, m + (x == t))
                nxt[key] = nxt.get(key, 0) + ways * math.comb(a, x)
        states = nxt
    return sum(
        (Fraction(ways * math.comb(abstain, draws - s), 1 + m) for (s, m), ways in states.items()),
        Fraction(0),
    )


def labels_of(correct: int, others: Sequence[int], abstain: int) -> list[str | None]:
    """Sample labels for a problem: 'ok' x correct, 'w0' x others[0], ..., None x abstain."""
    labels: list[str | None] = ["ok"] * correct
    for j, a in enumerate(others):
        labels += [f"w{j}"] * a
    return labels + [None] * abstain
