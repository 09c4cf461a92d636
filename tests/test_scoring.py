"""The scoring formula: pass rates per check, rule scores, the weighted file score, grades."""

from __future__ import annotations

import pytest

from cxaudit.checks.base import Issue
from cxaudit.report import RuleResult, Severity, Status
from cxaudit.scoring import file_score, grade, round_score, rule_score


def issue(subject: str, check: str = "c", covers: int = 1, unit: str | None = None) -> Issue:
    return Issue(check=check, path=(), subject=subject, unit=unit, covers=covers)


def result(score: float | None, weight: float) -> RuleResult:
    status = Status.SKIPPED if score is None else Status.PASS
    return RuleResult("CX00", "r", "tone", status, score, weight, 0, 0, 0, 0)


def test_nothing_checked_is_skipped() -> None:
    assert rule_score([], {}) == (Status.SKIPPED, None)
    assert rule_score([], {"c": 0}) == (Status.SKIPPED, None)


def test_all_clear_is_a_pass_of_one() -> None:
    assert rule_score([], {"c": 4}) == (Status.PASS, 1.0)


def test_errors_cost_a_unit_each_and_warnings_half() -> None:
    findings = [
        (issue("a"), Severity.ERROR),
        (issue("b"), Severity.WARNING),
        (issue("c"), Severity.WARNING),
    ]
    status, score = rule_score(findings, {"c": 10})
    assert status is Status.FAIL
    assert score == 0.5  # 1 - 2/10 = 0.8, but a check with an error scores at most half


def test_one_error_among_many_still_halves_the_check() -> None:
    assert rule_score([(issue("a"), Severity.ERROR)], {"c": 300}) == (Status.FAIL, 0.5)


def test_only_warnings_is_warn() -> None:
    assert rule_score([(issue("a"), Severity.WARNING)], {"c": 2}) == (Status.WARN, 0.75)


def test_info_costs_nothing() -> None:
    assert rule_score([(issue("a"), Severity.INFO)], {"c": 2}) == (Status.PASS, 1.0)


def test_one_subject_with_several_findings_counts_once() -> None:
    findings = [(issue("a"), Severity.WARNING), (issue("a"), Severity.WARNING)]
    assert rule_score(findings, {"c": 4}) == (Status.WARN, 0.875)
    # and an error on a subject makes its warnings irrelevant
    findings += [(issue("a"), Severity.ERROR)]
    assert rule_score(findings, {"c": 4}) == (Status.FAIL, 0.5)


def test_an_issue_may_cover_several_units() -> None:
    # A trap cycle of 4 steps among 6 checked steps.
    status, score = rule_score([(issue("loop", covers=4), Severity.ERROR)], {"c": 6})
    assert status is Status.FAIL
    assert score == pytest.approx(2 / 6)


def test_the_rule_score_is_the_mean_of_its_checks() -> None:
    # One check fails completely (1 unit), another has 1 of 4 failing.
    findings = [
        (issue("x", check="global"), Severity.ERROR),
        (issue("s1", check="steps"), Severity.ERROR),
    ]
    status, score = rule_score(findings, {"global": 1, "steps": 4})
    assert status is Status.FAIL
    assert score == pytest.approx((0.0 + 0.5) / 2)  # 3/4 of the steps pass, capped at half


def test_lost_units_never_exceed_the_units_checked() -> None:
    findings = [(issue(str(i)), Severity.ERROR) for i in range(5)]
    assert rule_score(findings, {"c": 2}) == (Status.FAIL, 0.0)


def test_file_score_is_the_weighted_mean_of_scored_rules() -> None:
    assert file_score([result(1.0, 10), result(0.5, 30), result(None, 50)]) == 62.5
    assert file_score([result(None, 10)]) == 100.0


@pytest.mark.parametrize(
    ("value", "rounded"), [(92.25, 92.3), (92.35, 92.4), (0.05, 0.1), (79.95, 80.0)]
)
def test_rounding_is_half_up(value: float, rounded: float) -> None:
    assert round_score(value) == rounded


@pytest.mark.parametrize(
    ("score", "letter"),
    [
        (100, "A"),
        (90, "A"),
        (89.9, "B"),
        (80, "B"),
        (70, "C"),
        (60, "D"),
        (50, "E"),
        (49.9, "F"),
        (0, "F"),
    ],
)
def test_grades(score: float, letter: str) -> None:
    assert grade(score) == letter
