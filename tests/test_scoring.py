"""The scoring formula: pass rates per check, rule scores, the weighted file score, grades."""

from __future__ import annotations

import pytest

from cxaudit.checks.base import Issue
from cxaudit.report import RuleResult, Severity, Status
from cxaudit.scoring import file_score, grade, round_score, rule_score
from tests.conftest import AuditText


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


def test_what_cannot_be_seen_is_not_rewarded() -> None:
    """A unit whose input is not in the files (an unknown check) counts as failing, without the
    cap for errors; the rule's status is unknown when nothing worse is found."""
    unseen = frozenset({"u"})
    assert rule_score([(issue("a", "u"), Severity.INFO)], {"u": 2}, unknown=unseen) == (
        Status.UNKNOWN,
        0.5,
    )
    assert rule_score([(issue("a", "u"), Severity.INFO)], {"u": 1}, unknown=unseen) == (
        Status.UNKNOWN,
        0.0,
    )
    # Never better than seeing the same unit pass, and an error still decides the status.
    assert rule_score([], {"u": 1}, unknown=unseen)[1] == 1.0
    both = [(issue("a", "u", unit="x"), Severity.INFO), (issue("b", unit="x"), Severity.ERROR)]
    assert rule_score(both, {"x": 4}, unknown=unseen) == (Status.FAIL, 0.5)


def test_a_rule_the_bot_gives_nothing_to_judge_because_it_lacks_it_scores_zero(
    check_text: AuditText,
) -> None:
    """CX04 in a bot without any handoff: skipped (there is nothing to carry context) but
    counted as 0, so that having no person never scores better than handing over badly."""
    report = check_text(
        "cxaudit: 1\nbot: {name: X, languages: [en]}\nflows:\n  - id: main\n    steps:\n"
        "      - {id: hi, say: Hi!, end: true}\n"
    )
    (cx04,) = [r for r in report.files[0].rules if r.id == "CX04"]
    assert (cx04.status, cx04.score) == (Status.SKIPPED, 0.0)
    cx08 = next(r for r in report.files[0].rules if r.id == "CX08")
    assert (cx08.status, cx08.score) == (Status.SKIPPED, None)  # no agreement: not counted


def test_a_failure_that_makes_a_bot_unacceptable_weighs_the_whole_score_down(
    check_text: AuditText,
) -> None:
    """A first message that does not say it is a bot multiplies the file score by its factor,
    once however many languages it fails in; its rule still scores as any rule does."""
    flow = (
        "cxaudit: 1\nbot: {name: Hulpbot, languages: [nl, en]}\nflows:\n  - id: main\n"
        '    steps:\n      - {id: hi, say: {nl: "%s", en: "%s"}, end: true}\n'
    )
    disclosed = check_text(flow % ("Hoi, ik ben de digitale assistent.", "Hi, I'm the chatbot."))
    hidden = check_text(flow % ("Hoi!", "Hi!"))
    factors = {(w.rule, w.check): w.factor for w in hidden.files[0].weighed}
    assert factors == {("CX01", "first-message"): 0.7, ("CX02", "no-human-anywhere"): 0.6}
    assert {(w.rule, w.check) for w in disclosed.files[0].weighed} == {
        ("CX02", "no-human-anywhere")  # neither bot has a person
    }
    unweighed = file_score(hidden.files[0].rules)
    assert hidden.files[0].score == round_score(unweighed * 0.7 * 0.6)
    assert hidden.files[0].score < disclosed.files[0].score
