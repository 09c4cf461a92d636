"""Literal strings a regular expression requires: the speed trick behind the lexicons.

A lexicon entry's pattern is compiled and searched only for texts that contain one of its
*anchors*, literal strings of which every match contains at least one. They are read off the
pattern as Python's own parser sees it (``re._parser``, the only way to read a pattern as the
engine will; a change of that private API shows in this module's doctests and tests, and
``required_literals`` then finds fewer anchors or none, which costs speed, never a match).
"""

from __future__ import annotations

import re
from typing import Any


def required_literals(source: str) -> tuple[str, ...] | None:
    r"""Literal strings of which every match of the pattern ``source`` contains at least one.

    Read off the parsed pattern. A run of items that can only spell a few exact strings
    (literals, small alternations, optional parts, zero-width anchors) requires one of those
    strings; a group or a repeat of at least one requires what its content requires; an
    alternation requires what each branch requires. Of the sets found along a pattern the most
    selective is kept (the longest shortest string). None when nothing is required, or when the
    whole pattern ignores case (literals inside a case-insensitive group are never used).

    >>> required_literals(r"\bik (?:begrijp|snap) hoe\b")
    ('ik begrijp hoe', 'ik snap hoe')
    >>> required_literals(r"\b(?:ik|wij) voel(?:en)?\b.*")
    ('ik voel', 'wij voel')
    >>> required_literals(r"\b(?:sorry|excuses)\b")
    ('excuses', 'sorry')
    >>> required_literals(r"\w+") is None
    True
    """
    _parser, _ = sre_modules()
    parsed = _parser.parse(source)
    if parsed.state.flags & re.IGNORECASE:
        return None
    found = _required(parsed)
    return None if found is None else tuple(sorted(found))


_MAX_SPELLINGS = 64  # how many exact strings one run may stand for before it is cut short


def _required(items: Any) -> frozenset[str] | None:
    """What a sequence of parsed items requires (see :func:`required_literals`)."""
    best: frozenset[str] | None = None

    def keep(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _selectivity(candidate) > _selectivity(best)):
            best = candidate

    run: set[str] = {""}  # the exact strings the current run of items can spell
    for op, arg in items:
        spellings = _spellings(op, arg)
        if spellings is None:
            keep(_shortest_form(run))
            keep(_required_inside(op, arg))
            run = {""}
            continue
        joined = {a + b for a in run for b in spellings}
        if len(joined) > _MAX_SPELLINGS:
            keep(_shortest_form(run))
            joined = spellings
        run = joined
    keep(_shortest_form(run))
    return best


def _required_inside(op: Any, arg: Any) -> frozenset[str] | None:
    """What an item that spells too many strings still requires."""
    _, sre = sre_modules()
    if op is sre.SUBPATTERN and not arg[1] & re.IGNORECASE:
        return _required(arg[3])
    if op is getattr(sre, "ATOMIC_GROUP", None):  # Python 3.11+
        return _required(arg)
    if op is sre.BRANCH:
        branches = [_required(branch) for branch in arg[1]]
        if not all(branches):
            return None
        return _shortest_form(set().union(*branches))  # type: ignore[arg-type]
    if op in _repeats(sre) and arg[0] >= 1:
        return _required(arg[2])
    return None


def _spellings(op: Any, arg: Any) -> set[str] | None:
    """The exact strings one parsed item can match, if they are few; None otherwise."""
    _, sre = sre_modules()
    if op is sre.LITERAL:
        return {chr(arg)}
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # zero-width: \b, ^, $, look-arounds
        return {""}
    if op is sre.IN and len(arg) <= 8 and all(kind is sre.LITERAL for kind, _ in arg):
        return {chr(code) for _, code in arg}
    if op is sre.SUBPATTERN and not arg[1] & re.IGNORECASE:
        return _sequence_spellings(arg[3])
    if op is sre.BRANCH:
        found: set[str] = set()
        for branch in arg[1]:
            spelt = _sequence_spellings(branch)
            if spelt is None or len(found | spelt) > _MAX_SPELLINGS:
                return None
            found |= spelt
        return found
    if op in _repeats(sre) and arg[1] == 1:
        inner = _sequence_spellings(arg[2])
        if inner is None:
            return None
        return inner | {""} if arg[0] == 0 else inner
    return None


def _sequence_spellings(items: Any) -> set[str] | None:
    spelt = {""}
    for op, arg in items:
        spellings = _spellings(op, arg)
        if spellings is None:
            return None
        spelt = {a + b for a in spelt for b in spellings}
        if len(spelt) > _MAX_SPELLINGS:
            return None
    return spelt


def _shortest_form(spellings: set[str]) -> frozenset[str] | None:
    """The spellings without those that contain another one; None if one of them is empty."""
    if "" in spellings:
        return None
    ordered = sorted(spellings, key=len)
    kept: list[str] = []
    for spelling in ordered:
        if not any(shorter in spelling for shorter in kept):
            kept.append(spelling)
    return frozenset(kept)


# Words so frequent in bot texts (nl, en, de, fr) that an anchor made of nothing else lets
# almost every text through; an anchor with a rarer word in it is preferred.
_COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "be",
        "can",
        "do",
        "for",
        "have",
        "how",
        "i",
        "i'm",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "this",
        "to",
        "we",
        "what",
        "will",
        "with",
        "you",
        "your",
        "you're",
        "aan",
        "als",
        "ben",
        "bij",
        "dat",
        "de",
        "die",
        "dit",
        "een",
        "en",
        "er",
        "het",
        "hier",
        "hoe",
        "ik",
        "in",
        "is",
        "je",
        "jij",
        "kan",
        "me",
        "met",
        "mij",
        "niet",
        "ons",
        "te",
        "u",
        "uw",
        "van",
        "voor",
        "wat",
        "we",
        "wij",
        "wil",
        "zijn",
        "bei",
        "das",
        "der",
        "die",
        "du",
        "ein",
        "eine",
        "es",
        "ich",
        "ihr",
        "ist",
        "mit",
        "nicht",
        "sie",
        "und",
        "wie",
        "wir",
        "zu",
        "au",
        "c'est",
        "ce",
        "de",
        "des",
        "du",
        "en",
        "et",
        "il",
        "je",
        "la",
        "le",
        "les",
        "mon",
        "ne",
        "nous",
        "pas",
        "pour",
        "que",
        "qui",
        "un",
        "une",
        "vous",
    ]
)


def _selectivity(literals: frozenset[str]) -> tuple[float, int]:
    """How few texts a set of anchors lets through, as a sortable key (higher is better).

    The weakest anchor decides: a long one is rarer than a short one, and one made only of
    common words counts for a third of its length.
    """
    return min(map(_strength, literals)), -len(literals)


def _strength(literal: str) -> float:
    rare = any(word not in _COMMON_WORDS for word in literal.split())
    return len(literal) if rare else len(literal) / 3


def sre_modules() -> tuple[Any, Any]:
    """Python's own regular-expression parser and its constants: ``re._parser`` and
    ``re._constants`` from Python 3.11, ``sre_parse`` and ``sre_constants`` on 3.10."""
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as _constants
        import sre_parse as _parser
    return _parser, _constants


def _repeats(sre: Any) -> tuple[Any, ...]:
    """The repeat operators (possessive ones from Python 3.11)."""
    return tuple(
        op
        for op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None))
        if op is not None
    )
