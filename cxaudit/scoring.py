"""From findings to scores: per rule, per file, and the grade.

A rule's checks each count the units they looked at (steps, texts, humans...). A check's pass
rate is the share of its units with no finding, where a unit with only warnings counts half;
a check with any error scores at most half, so that one feigned-empathy line among 300 texts
still shows in the score. A unit cxaudit cannot judge because what it needs is not in the files
(an *unknown* check: the hours of a team an export does not name) counts as failing, without
the cap: what cxaudit cannot see is said, and never rewarded. A rule's score is the mean pass
rate of its checks that looked at anything; a rule that looked at nothing is skipped. The file's
score is the weighted mean of the rule scores, times 100. Info findings never cost points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from cxaudit.report import RuleResult, Severity, Status


class Scored(Protocol):
    """What scoring reads of an issue a rule reported (:class:`cxaudit.checks.base.Issue`)."""

    @property
    def check(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def covers(self) -> int: ...


GRADES = ((90.0, "A"), (80.0, "B"), (70.0, "C"), (60.0, "D"), (50.0, "E"))
#: The most a check with an error finding can score.
ERROR_CAP = 0.5


def rule_score(
    issues: Iterable[tuple[Scored, Severity]],
    units: Mapping[str, int],
    *,
    unknown: frozenset[str] = frozenset(),
) -> tuple[Status, float | None]:
    """The status and score (0..1) of one rule; ``unknown`` names its unknown checks."""
    failing: dict[str, dict[str, int]] = {}  # unit group -> subject -> covered units
    warned: dict[str, dict[str, int]] = {}
    unseen: dict[str, dict[str, int]] = {}
    errors = warnings = unknowns = False
    for issue, severity in issues:
        if issue.check in unknown and severity is Severity.INFO:
            bucket = unseen.setdefault(issue.group, {})
            unknowns = True
        elif severity is Severity.ERROR:
            bucket = failing.setdefault(issue.group, {})
            errors = True
        elif severity is Severity.WARNING:
            bucket = warned.setdefault(issue.group, {})
            warnings = True
        else:
            continue
        key = issue.subject
        bucket[key] = max(bucket.get(key, 0), issue.covers)
    rates = []
    for group, total in units.items():
        if total <= 0:
            continue
        bad = failing.get(group, {})
        lost_unseen = {s: c for s, c in unseen.get(group, {}).items() if s not in bad}
        half = {
            s: c for s, c in warned.get(group, {}).items() if s not in bad and s not in lost_unseen
        }
        lost = min(total, sum(bad.values()) + sum(lost_unseen.values()) + 0.5 * sum(half.values()))
        rate = 1 - lost / total
        rates.append(min(rate, ERROR_CAP) if bad else rate)
    if not rates:
        return Status.SKIPPED, None
    score = sum(rates) / len(rates)
    if errors:
        return Status.FAIL, score
    if warnings:
        return Status.WARN, score
    if unknowns:
        return Status.UNKNOWN, score
    return Status.PASS, score


def file_score(results: Iterable[RuleResult]) -> float:
    """The weighted mean of the scored rules, times 100, to one decimal."""
    total = weight = 0.0
    for result in results:
        if result.score is not None:
            total += result.weight * result.score
            weight += result.weight
    return round_score(100 * total / weight) if weight else 100.0


def weigh(score: float, factors: Iterable[float]) -> float:
    """The file score times each factor of a failure that weighs it down, to one decimal."""
    for factor in factors:
        score *= factor
    return round_score(score)


def round_score(value: float, places: str = "0.1") -> float:
    """Round half up, the same on every machine (float round() rounds half to even)."""
    return float(Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def grade(score: float) -> str:
    for floor, letter in GRADES:
        if score >= floor:
            return letter
    return "F"
