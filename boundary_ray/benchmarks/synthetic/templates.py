"""Wording templates of the synthetic problems: one ``Domain`` per kind of story.

A domain fixes who the quantities belong to (people, shops, farms), the verb that links a
subject to a count (``has``, ``sold``), and the units it counts. The sentence shapes below are
shared by every domain, with a few variants per operation so the wording varies within a
problem as well as between domains. Nothing here computes a value: ``render.py`` only fills in
numbers that ``graph.py`` decided.
"""

from __future__ import annotations

from dataclasses import dataclass

PEOPLE = (
    "Anna", "Ben", "Carla", "David", "Elena", "Felix", "Grace", "Hugo", "Iris", "Jonas",
    "Kira", "Liam", "Maya", "Nico", "Olivia", "Paul", "Quinn", "Rosa", "Sam", "Tara",
    "Umar", "Vera", "Will", "Xenia", "Yusuf", "Zoe", "Aaron", "Bella", "Caleb", "Dana",
    "Emil", "Fiona", "Gabe", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Marco", "Nora",
    "Oscar", "Priya", "Ravi", "Sofia", "Tomas", "Uma", "Victor", "Wendy", "Yara", "Zane",
    "Alma", "Bruno", "Chloe", "Diego", "Erin", "Frank", "Gina", "Henry", "Ines", "Jack",
    "Karl", "Lucy", "Milo", "Nina", "Omar", "Petra", "Rita", "Simon", "Tess", "Ugo",
    "Vince", "Wanda", "Yosef", "Zara", "Adele", "Boris", "Cora", "Dmitri", "Elsa", "Farid",
)  # fmt: skip

_SHOP_ADJECTIVES = (
    "corner",
    "old",
    "new",
    "busy",
    "small",
    "village",
    "harbor",
    "station",
    "garden",
    "main",
)
_SHOP_NOUNS = ("bakery", "cafe", "market stall", "kiosk", "deli", "food truck", "tea room", "shop")
_FARM_FIRST = (
    "Green",
    "Oak",
    "Hill",
    "River",
    "Stone",
    "Maple",
    "Sunny",
    "Willow",
    "Pine",
    "Cedar",
)
_FARM_SECOND = ("Meadow", "Brook", "Ridge", "Valley", "Field", "Creek", "Grove", "Hollow")

SHOPS = tuple(f"the {adj} {noun}" for adj in _SHOP_ADJECTIVES for noun in _SHOP_NOUNS)
FARMS = tuple(f"{first} {second} Farm" for first in _FARM_FIRST for second in _FARM_SECOND)


@dataclass(frozen=True)
class Domain:
    """One story kind. ``verb`` links a subject to its count in statements ("has", "sold"),
    ``aux`` and ``base`` form the question ("How many apples *does* Anna *have*?")."""

    name: str
    subjects: tuple[str, ...]
    verb: str
    aux: str
    base: str
    units: tuple[tuple[str, str], ...]  # (singular, plural)


DOMAINS: tuple[Domain, ...] = (
    Domain("fruit", PEOPLE, "has", "does", "have",
           (("apple", "apples"), ("pear", "pears"), ("orange", "oranges"), ("plum", "plums"))),
    Domain("bakery", SHOPS, "sold", "did", "sell",
           (("cake", "cakes"), ("loaf", "loaves"), ("muffin", "muffins"), ("pie", "pies"))),
    Domain("reading", PEOPLE, "read", "did", "read",
           (("book", "books"), ("comic", "comics"), ("magazine", "magazines"))),
    Domain("garden", PEOPLE, "planted", "did", "plant",
           (("tree", "trees"), ("rose", "roses"), ("tulip", "tulips"), ("bush", "bushes"))),
    Domain("farm", FARMS, "keeps", "does", "keep",
           (("cow", "cows"), ("goat", "goats"), ("pig", "pigs"), ("hen", "hens"))),
    Domain("collection", PEOPLE, "collected", "did", "collect",
           (("stamp", "stamps"), ("coin", "coins"), ("shell", "shells"), ("sticker", "stickers"))),
)  # fmt: skip

# Sentence shapes per operation. Fields: {s} subject, {v} verb, {n} a count with its unit,
# {c} a constant and {cu} its unit, {u} the plural unit, {k} a multiplier word ("twice"),
# {x}/{y} the operands' subjects.
SENTENCES: dict[str, tuple[str, ...]] = {
    "given": (
        "{s} {v} {n}.",
        "We know that {s} {v} {n}.",
    ),
    "add": (
        "{s} {v} {c} more {cu} than {x}.",
        "Compared with {x}, {s} {v} {c} more {cu}.",
    ),
    "sub": (
        "{s} {v} {c} fewer {cu} than {x}.",
        "Compared with {x}, {s} {v} {c} fewer {cu}.",
    ),
    "mul": (
        "{s} {v} {k} as many {u} as {x}.",
        "The number of {u} {s} {v} is {k} the number {x} {v}.",
    ),
    "sum": (
        "{s} {v} as many {u} as {x} and {y} together.",
        "The number of {u} {s} {v} equals the number {x} {v} plus the number {y} {v}.",
    ),
    "diff": (
        "The number of {u} {s} {v} equals the number {x} {v} minus the number {y} {v}.",
        "{s} {v} as many {u} as {x} {v} more than {y}.",
    ),
}

MULTIPLIERS = {2: "twice", 3: "three times", 4: "four times"}

QUESTION = "How many {u} {aux} {s} {base}?"
MODULUS_NOTE = (
    "All counts in this story wrap around modulo {p}: after every step, keep only the "
    "remainder when dividing by {p}."
)


def domain_names() -> tuple[str, ...]:
    """The template names, in a fixed order."""
    return tuple(domain.name for domain in DOMAINS)
