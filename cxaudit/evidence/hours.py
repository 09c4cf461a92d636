"""Opening hours stated in a bot text, turned into the flow format's syntax where possible.

``Hours.text`` is the part of the text that states the hours; ``Hours.normalised`` is ``24/7``
or day ranges with times (``mo-fr 09:00-17:00, sa 10:00-14:00``), or None when the text says
hours without days ("from 9am to 5pm") or days without hours ("open on weekdays"). The
vocabulary (day names, ranges, "24/7" phrases) is ``rules/evidence/hours.yaml``.

A range of times counts when it is clearly one of hours (minutes, am/pm, "uur"/"Uhr"/"h", or
"from"/"van"/"von"/"de" before it) or stands beside days; "1 to 2 days" and "3-5 minutes" are
durations. Without days, a range counts only beside an availability word ("open",
"bereikbaar", "erreichbar", "ouvert").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from cxaudit.evidence.texts import blanked
from cxaudit.evidence.words import LANGUAGES, evidence_data, fold, languages_for

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")


@dataclass(frozen=True)
class Hours:
    """Opening hours found in a text: the words that state them, and the flow format's form."""

    text: str
    normalised: str | None


@dataclass(frozen=True)
class _Token:
    kind: str  # "always", "days" or "times"
    start: int
    end: int
    days: tuple[int, ...] = ()  # indexes into DAYS
    times: tuple[str, str] = ("", "")
    strong: bool = True  # a time range that is clearly one of hours


def _alternation(words: Iterable[str]) -> str:
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


def _words(node: Any, languages: Iterable[str]) -> list[str]:
    return [fold(str(w)) for lang in languages for w in (node or {}).get(lang) or []]


@dataclass(frozen=True)
class _Grammar:
    scanner: re.Pattern[str]
    day_of: dict[str, int]
    group_of: dict[str, tuple[int, ...]]
    available: re.Pattern[str]
    noon: frozenset[str]
    midnight: frozenset[str]


@cache
def _grammar(languages: tuple[str, ...]) -> _Grammar:
    data = evidence_data("hours")
    day_of: dict[str, int] = {}
    for index, day in enumerate(DAYS):
        for word in _words(data["days"][day], languages):
            day_of.setdefault(word, index)
    full = [w for w in day_of if len(w) > 3]
    short = [w for w in day_of if len(w) <= 3]
    group_of: dict[str, tuple[int, ...]] = {}
    for span, node in data["groups"].items():
        first, last = (DAYS.index(d) for d in str(span).split("-"))
        for word in _words(node, languages):
            group_of[word] = tuple(range(first, last + 1))
    ranges = _alternation(_words(data["ranges"], languages))
    froms = _alternation(_words(data["from"], languages))
    noon = frozenset(_words(data["noon"], languages))
    midnight = frozenset(_words(data["midnight"], languages))
    durations = _alternation(_words(data["durations"], languages))
    day = rf"(?:{_alternation(full)})|(?:{_alternation(short)})\.?"
    time = (
        r"(?:(?:[01]?\d|2[0-4])(?:[:.h][0-5]\d)?(?:\s?[ap]\.?\s?m\b\.?)?(?:\s?(?:uur|uhr|h|u)\b)?"
        rf"|{_alternation(noon | midnight)})"
    )
    scanner = re.compile(
        rf"(?P<always>(?<![\w/]){_alternation(_words(data['always'], languages))}(?![\w/]))"
        rf"|(?P<span>\b(?P<d1>{day})\s{{0,3}}(?:-|–|—|{ranges})\s{{0,3}}(?P<d2>{day})(?!\w))"
        rf"|(?P<group>\b(?:{_alternation(group_of)})\b)"
        rf"|(?P<times>(?P<from>\b(?:{froms})\s{{1,3}})?(?<![\d.,:/])(?P<t1>{time})\s{{0,3}}"
        rf"(?:-|–|—|{ranges})\s{{0,3}}(?P<t2>{time})(?![\d\w])(?!\s{{0,3}}(?:{durations})\b))"
        rf"|(?P<day>\b(?:{_alternation(full)})\b|\b(?:{_alternation(short)})\b\.?(?=\s{{0,3}}\d))"
    )
    available = re.compile(rf"\b(?:{_alternation(_words(data['available'], languages))})\b")
    return _Grammar(scanner, day_of, group_of, available, noon, midnight)


def hours_in(text: str, language: str) -> Hours | None:
    """The opening hours a text states, or None.

    >>> hours_in("We're available Monday to Friday from 9am to 5pm.", "en")
    Hours(text='Monday to Friday from 9am to 5pm', normalised='mo-fr 09:00-17:00')
    >>> hours_in("Wij zijn 24/7 bereikbaar.", "nl")
    Hours(text='24/7', normalised='24/7')
    >>> hours_in("Delivery takes 1 to 2 days.", "en") is None
    True
    """
    folded = fold(blanked(text))
    grammar = _grammar(languages_for(language) if language != "*" else LANGUAGES)
    tokens = list(_tokens(folded, grammar))
    if not tokens:
        return None
    always = [t for t in tokens if t.kind == "always"]
    if always:
        return Hours(text[always[0].start : always[0].end], "24/7")
    groups = _pair(tokens)
    has_days = any(t.kind == "days" for t in tokens)
    available = grammar.available.search(folded) is not None
    kept = [t for t in tokens if t.kind == "days" or t.strong or has_days]
    times = [t for t in kept if t.kind == "times"]
    if not times and not (has_days and available):
        return None
    if times and not has_days and not available:
        return None
    if not kept:
        return None
    start, end = min(t.start for t in kept), max(t.end for t in kept)
    if text[start:end].endswith(".") and not text[start:end].endswith((".m.", "h.")):
        end -= 1  # the full stop of the sentence, not of "p.m." or an abbreviated day
    normalised = ", ".join(groups) if groups else None
    return Hours(text[start:end], normalised)


def _tokens(folded: str, grammar: _Grammar) -> Iterable[_Token]:
    for match in grammar.scanner.finditer(folded):
        kind = match.lastgroup
        if match.group("always"):
            yield _Token("always", match.start(), match.end())
        elif match.group("span"):
            first = grammar.day_of[match.group("d1").rstrip(".")]
            last = grammar.day_of[match.group("d2").rstrip(".")]
            days = tuple(range(first, last + 1)) if first <= last else (first, last)
            yield _Token("days", match.start(), match.end(), days)
        elif match.group("group"):
            key = " ".join(match.group("group").split())
            yield _Token("days", match.start(), match.end(), grammar.group_of[key])
        elif match.group("times"):
            pair = _time_pair(match.group("t1"), match.group("t2"), grammar)
            if pair is None:
                continue
            t1, t2 = match.group("t1"), match.group("t2")
            strong = bool(match.group("from")) or any(
                re.search(r"[:.h]\d|[ap]\.?\s?m|uur|uhr|h\b|u\b", t) for t in (t1, t2)
            )
            yield _Token("times", match.start("t1"), match.end(), times=pair, strong=strong)
        elif kind == "day" or match.group("day"):
            yield _Token(
                "days", match.start(), match.end(), (grammar.day_of[match.group(0).rstrip(".")],)
            )


_CLOCK = re.compile(r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s?(?P<ap>[ap])?")


def _time_pair(first: str, second: str, grammar: _Grammar) -> tuple[str, str] | None:
    start = _clock(first, grammar)
    end = _clock(second, grammar, end=True)
    if start is None or end is None:
        return None
    (h1, m1, ap1), (h2, m2, ap2) = start, end
    h2 = _24(h2, ap2)
    # "1-5pm" is 13:00-17:00, "9-5pm" is 09:00-17:00: the first takes the second's pm if it fits.
    h1 = _24(h1, ap1) if ap1 or ap2 != "p" or h1 + 12 >= h2 else h1 + 12
    if ap2 is None and ap1 is None and h2 <= h1 and h2 < 12:
        h2 += 12  # "from 9 to 5"
    if (h2, m2) <= (h1, m1) or h2 > 24 or (h2 == 24 and m2):
        return None
    return f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"


def _clock(
    value: str, grammar: _Grammar, *, end: bool = False
) -> tuple[int, int, str | None] | None:
    word = " ".join(value.split())
    if word in grammar.noon:
        return 12, 0, None
    if word in grammar.midnight:
        return (24 if end else 0), 0, None
    match = _CLOCK.match(value)
    if match is None:
        return None
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    if hour > 24 or minute > 59:
        return None
    return hour, minute, match.group("ap")


def _24(hour: int, ap: str | None) -> int:
    if ap == "p" and hour < 12:
        return hour + 12
    if ap == "a" and hour == 12:
        return 0
    return hour


def _pair(tokens: list[_Token]) -> list[str]:
    """Days with the time ranges that follow them (or, failing that, precede them)."""
    result: list[str] = []
    pending: list[tuple[int, ...]] = []
    loose: list[tuple[str, str]] = []  # times seen before any days
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "days":
            days = token.days
            # Consecutive day tokens ("Monday, Wednesday and Friday") form one list.
            while i + 1 < len(tokens) and tokens[i + 1].kind == "days":
                i += 1
                days = days + tuple(d for d in tokens[i].days if d not in days)
            times: list[tuple[str, str]] = []
            while i + 1 < len(tokens) and tokens[i + 1].kind == "times":
                i += 1
                times.append(tokens[i].times)
            if not times and loose:
                times, loose = loose, []
            if times:
                result.append(f"{_days(days)} {' '.join(f'{a}-{b}' for a, b in times)}")
            else:
                pending.append(days)
        elif token.kind == "times":
            if pending:
                result.append(f"{_days(pending.pop())} {token.times[0]}-{token.times[1]}")
            else:
                loose.append(token.times)
        i += 1
    return result


def _days(days: tuple[int, ...]) -> str:
    """``mo-fr`` for a run of days, ``mo,we,fr`` for a list."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for day in ordered:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAYS[run[0]] if len(run) == 1 else f"{DAYS[run[0]]}-{DAYS[run[-1]]}" for run in runs
    )
