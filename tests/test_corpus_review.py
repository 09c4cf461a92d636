"""cxaudit against careful reviewers' reading of real projects (docs/corpus-review.md).

Four reviewers who had not seen cxaudit's output read the corpus projects cxaudit imports; a
senior reviewer made their verdicts consistent and ranked the bots (tests/corpus/review.yaml).
cxaudit must agree with every rule verdict they are sure of, never report a handoff that exists as
missing, find the problems they found, report each cause at most twice, and order the bots as they
do (Spearman's rho at least 0.8).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from cxaudit.engine import audit_files
from cxaudit.loading import Settings
from cxaudit.report import FileReport, Severity
from tests.conftest import SHARED, needs_shared

CORPUS = SHARED / "corpus"
REVIEW: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "corpus" / "review.yaml").read_text(encoding="utf-8")
)["projects"]
BY_STEM = {project["stem"]: project for project in REVIEW}
#: cxaudit's rule status for each reviewer verdict.
STATUS = {"pass": "pass", "warn": "warn", "fail": "fail", "unknown": "unknown", "n/a": "skipped"}
RULES = [f"CX{n:02d}" for n in range(1, 11)]

#: What each reviewer found that cxaudit must report too (rule, check), beyond the verdicts.
FOUND: dict[str, list[tuple[str, str]]] = {
    "es-mortgage-omnichannel": [("CX07", "no-upset-route"), ("CX09", "no-policy")],
    "rasa-retail-banking": [("CX07", "no-upset-route"), ("CX09", "no-policy")],
    "es-capital-markets": [("CX07", "no-upset-route"), ("CX09", "no-policy")],
    "cx-goodbye-graffiti": [("CX07", "no-upset-route"), ("CX09", "no-policy")],
    "es-insurance": [("CX02", "no-human-anywhere"), ("CX07", "no-upset-route")],
    "cx-divebooker": [("CX02", "no-human-anywhere"), ("CX07", "no-upset-route")],
    "rasa-financial-demo": [("CX02", "no-human-anywhere"), ("CX07", "no-upset-route")],
    "cx-blood-donation": [("CX02", "no-human-anywhere"), ("CX07", "no-upset-route")],
    "es-banking": [
        ("CX02", "no-human-anywhere"),
        ("CX07", "no-upset-route"),
        ("CX09", "no-policy"),
    ],
    "wiikay-ccai": [
        ("CX09", "secret-in-chat"),
        ("CX04", "no-context"),
        ("CX07", "no-upset-route"),
        ("CX09", "no-policy"),
    ],
}


@cache
def checked(stem: str) -> FileReport:
    path = BY_STEM[stem]["path"]
    report = audit_files([(CORPUS / path, path)], Settings(language="en", discover_config=False))
    assert report.errors == (), [e.render() for e in report.errors]
    (file_report,) = report.files
    return file_report


def sure_verdicts() -> list[Any]:
    return [
        pytest.param(project["stem"], rule, verdict["verdict"], id=f"{project['stem']}-{rule}")
        for project in REVIEW
        for rule, verdict in project["verdicts"].items()
        if verdict["sure"]
    ]


@needs_shared("corpus")
@pytest.mark.parametrize(("stem", "rule", "verdict"), sure_verdicts())
def test_every_verdict_the_reviewers_are_sure_of(stem: str, rule: str, verdict: str) -> None:
    report = checked(stem)
    status = next(r.status.value for r in report.rules if r.id == rule)
    findings = [f"{f.check}: {f.message}" for f in report.findings if f.rule == rule]
    assert status == STATUS[verdict], findings


@needs_shared("corpus")
@pytest.mark.parametrize("stem", [p["stem"] for p in REVIEW if p["person"]])
def test_no_way_to_a_person_that_exists_is_reported_missing(stem: str) -> None:
    checks = {f.check for f in checked(stem).findings if f.rule in ("CX02", "CX05")}
    assert not checks & {"no-human-anywhere", "no-humans", "humans-unreachable"}


@needs_shared("corpus")
@pytest.mark.parametrize(("stem", "expected"), sorted(FOUND.items()))
def test_the_problems_the_reviewers_found_are_found(
    stem: str, expected: list[tuple[str, str]]
) -> None:
    found = {(f.rule, f.check) for f in checked(stem).findings if f.counts}
    assert set(expected) <= found, sorted(found)


@needs_shared("corpus")
@pytest.mark.parametrize("stem", [p["stem"] for p in REVIEW])
def test_each_cause_is_reported_at_most_twice(stem: str) -> None:
    """Per rule, no more error and warning findings than twice the causes the reviewers list."""
    report = checked(stem)
    causes = BY_STEM[stem]["causes"]
    for rule in RULES:
        shown = [
            f
            for f in report.findings
            if f.rule == rule and f.severity in (Severity.ERROR, Severity.WARNING)
        ]
        assert len(shown) <= 2 * max(1, causes[rule]), (rule, [f.message for f in shown])


def ranks(values: list[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(a: list[float], b: list[float]) -> float:
    ra, rb = ranks(a), ranks(b)
    mean_a, mean_b = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(ra, rb, strict=True))
    var_a = sum((x - mean_a) ** 2 for x in ra)
    var_b = sum((y - mean_b) ** 2 for y in rb)
    return float(cov / (var_a * var_b) ** 0.5)


def test_spearman_agrees_with_a_hand_count() -> None:
    assert spearman([1, 2, 3], [10, 20, 30]) == 1.0
    assert spearman([1, 2, 3], [3, 2, 1]) == -1.0
    assert ranks([5.0, 1.0, 5.0]) == [2.5, 1.0, 2.5]


@needs_shared("corpus")
def test_cxaudit_orders_the_bots_as_the_reviewers_do() -> None:
    reviewer = [float(p["score"]) for p in REVIEW]
    ours = [checked(p["stem"]).score for p in REVIEW]
    rho = spearman(reviewer, ours)
    table = {p["stem"]: (p["score"], score) for p, score in zip(REVIEW, ours, strict=True)}
    assert rho >= 0.8, (round(rho, 3), table)
