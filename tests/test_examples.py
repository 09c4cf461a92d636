"""The bundled examples land where the README says: the web shop passes, the bank and the
energy supplier fail, each for the reasons written into the file.

Expected positions are not typed in by hand: :func:`at` finds the line in the example file and
the column of the part a finding points at, so the tests check the source map as well as the
rules, and survive edits that move lines around.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxaudit.cli import app
from cxaudit.engine import audit_files
from cxaudit.loading import Settings
from cxaudit.report import FileReport, Severity

EXAMPLES = Path(__file__).parent.parent / "examples"

Spot = tuple[str, str, int, int]  # (rule, check, line, column)


def example(name: str) -> Path:
    return EXAMPLES / f"{name}.flow.yaml"


@cache
def checked(name: str) -> FileReport:
    """Audit one example (report in English) and insist it loaded without input errors."""
    path = example(name)
    report = audit_files([(path, f"examples/{path.name}")], Settings(language="en"))
    assert not report.errors, [d.render() for d in report.errors]
    (file_report,) = report.files
    return file_report


def at(name: str, line_start: str, part: str, *, after: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of ``part`` on the first line that starts with ``line_start``
    (ignoring indentation), looking only below the first line that starts with ``after``."""
    lines = example(name).read_text(encoding="utf-8").splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if line.strip().startswith(after)) + 1
    for number, line in enumerate(lines[start:], start=start + 1):
        if line.strip().startswith(line_start):
            return number, line.index(part, line.index(line_start)) + 1
    raise AssertionError(f"{name}: no line starts with {line_start!r}")


def spots(report: FileReport, severity: Severity | None = None) -> set[Spot]:
    return {
        (f.rule, f.check, f.line, f.column)
        for f in report.findings
        if severity is None or f.severity is severity
    }


def statuses(report: FileReport) -> dict[str, str]:
    return {r.id: r.status.value for r in report.rules}


# -- the web shop: a careful design that passes ------------------------------------------------


def test_webshop_passes_with_an_a() -> None:
    report = checked("webshop")
    assert report.passed
    assert report.score == 100.0
    assert report.grade == "A"
    assert not spots(report, Severity.ERROR)
    assert all(status in ("pass", "warn") for status in statuses(report).values())


def test_webshop_has_no_warnings_either() -> None:
    assert not spots(checked("webshop"), Severity.WARNING)


# -- the bank: fails the way real bank bots do -------------------------------------------------


def test_bank_fails_well_below_the_gate() -> None:
    report = checked("bank")
    assert not report.passed
    # The exact score pins the scoring formula and every rule's unit counting on a real bot;
    # a change that moves it should be a change someone meant (then update it here).
    assert report.score == 32.6
    assert report.grade == "F"


def test_bank_fails_these_rules_and_passes_the_rest() -> None:
    got = statuses(checked("bank"))
    failing = {"CX01", "CX02", "CX03", "CX06", "CX07", "CX09", "CX10"}
    assert {rule for rule, status in got.items() if status == "fail"} == failing
    assert {rule: got[rule] for rule in ("CX04", "CX05", "CX08")} == dict.fromkeys(
        ("CX04", "CX05", "CX08"), "pass"
    )


def bank_gaps() -> list[Spot]:
    b = "bank"
    return [
        # CX01: "Goedendag, ik ben Sophie van Polderbank": no word about being a bot, in either
        # language (one finding, at the first) ...
        ("CX01", "first-message", *at(b, "nl: Goedendag, ik ben Sophie", "Goedendag")),
        # ... and a bare human first name.
        ("CX01", "human-name", *at(b, "name: Sophie", "Sophie")),
        # CX02: no global "talk to a person"; the person is two menus deep (the turns that are too
        # far are listed in the same finding: one global intent fixes them all).
        ("CX02", "no-global-human", *at(b, "intents:", "intents")),
        # CX03: "Sorry, dat begreep ik niet" and back to the menu, for ever: one default fallback,
        # reported where it is written, listing the questions it fails.
        ("CX03", "fallback-loops", *at(b, "fallback: not_understood", "not_understood")),
        # CX06: fraud and a blocked card go through bot steps instead of to a person at once.
        ("CX06", "sensitive-intent-direct", *at(b, "- id: block_card", "id")),
        ("CX06", "sensitive-intent-direct", *at(b, "- id: card_blocked", "id")),
        # CX07: no emotion routing.
        ("CX07", "no-upset-route", *at(b, "escalation:", "escalation")),
        # CX09: date of birth and BSN (consent-based) without a consent step, and consent is
        # no basis for a BSN at all.
        ("CX09", "government-id-basis", *at(b, "basis: consent", "consent", after="- field: bsn")),
        (
            "CX09",
            "no-consent-before",
            *at(b, "collect: bsn", "bsn", after="- id: arrangement_ask_bsn"),
        ),
        (
            "CX09",
            "no-consent-before",
            *at(b, "collect: date_of_birth", "date_of_birth", after="- id: balance_ask_dob"),
        ),
        # CX10: "Ik begrijp hoe frustrerend dit voor u moet zijn.", in both languages: one cause.
        ("CX10", "feigned-empathy", *at(b, "nl: >-", ">-", after="- id: fraud_phishing")),
    ]


@pytest.mark.parametrize("gap", bank_gaps(), ids=lambda gap: f"{gap[0]}/{gap[1]}@{gap[2]}")
def test_bank_reports_each_built_in_gap_where_it_is(gap: Spot) -> None:
    found = checked("bank").findings
    assert gap in spots(checked("bank")), sorted(
        (f.rule, f.check, f.line, f.column) for f in found if f.rule == gap[0]
    )
    (finding,) = [f for f in found if (f.rule, f.check, f.line, f.column) == gap]
    assert finding.severity is Severity.ERROR


def test_bank_reports_one_finding_per_cause() -> None:
    findings = checked("bank").findings
    # 61 findings before causes were grouped; a reviewer counts 18 problems in this file.
    assert len(findings) == 18
    loop = next(f for f in findings if f.check == "fallback-loops")
    assert loop.count == 20 and len(loop.related) == 20  # the fallback, and 20 questions
    assert {p.step for p in loop.related} >= {"main_menu", "other_menu", "anything_else"}
    fraud = next(
        f for f in findings if f.check == "sensitive-intent-direct" and f.step == "block_ask_card"
    )
    assert "'block_card', 'report_fraud'" in fraud.message
    # The arrears intent that declares no topic is judged as arrears, and says so (info).
    guessed = next(f for f in findings if f.check == "undeclared-topic" and "arrears" in f.message)
    assert guessed.severity is Severity.INFO


def test_bank_empathy_line_is_the_only_cx10_finding() -> None:
    cx10 = [f for f in checked("bank").findings if f.rule == "CX10"]
    assert [(f.step, f.count) for f in cx10] == [("fraud_phishing", 2)]  # nl and en of one line
    (other,) = cx10[0].related
    assert other.data_path.endswith(".en")


# -- the energy supplier: mostly decent, a few realistic gaps ----------------------------------


def test_energy_scores_in_between_and_fails_on_errors() -> None:
    report = checked("energy")
    assert report.score == 73.0
    assert report.grade == "C"
    assert not report.passed
    assert spots(report, Severity.ERROR)


def test_energy_new_instalment_is_not_confirmed_in_writing() -> None:
    where = at("energy", "agreement: payment", "payment", after="- id: meter_set_amount")
    cx08 = {s for s in spots(checked("energy")) if s[0] == "CX08"}
    # The move is summarised and confirmed by e-mail; only the instalment change is not.
    assert cx08 == {("CX08", "no-confirmation", *where)}


def test_energy_gaps_are_the_ones_built_in() -> None:
    report = checked("energy")
    e = "energy"
    expected = {
        # One cause: both meter questions fall back to the same chain (listed in one finding).
        ("CX03", "too-many-misses", *at(e, "fallback:", "{", after="- id: meter_ask_electricity")),
        ("CX05", "human-incomplete", *at(e, "- id: phone", "id")),
        ("CX05", "no-outside-hours", *at(e, "handoff:", "handoff")),
        ("CX06", "sensitive-intent", *at(e, "- id: bereavement", "id")),
        # The menu's "Overlijden doorgeven" button is the same way in, chosen instead of said.
        ("CX06", "sensitive-option", *at(e, "- {label: {nl: Overlijden", "Overlijden")),
        ("CX07", "upset-not-human", *at(e, "upset: contact_menu", "contact_menu")),
        ("CX08", "no-confirmation", *at(e, "agreement: payment", "payment")),
        ("CX09", "no-consent-before", *at(e, "collect: email", "email")),
    }
    assert spots(report, Severity.ERROR) == expected
    got = statuses(report)
    # "Gecondoleerd met uw verlies" acknowledges the loss, as "Sorry to hear that" does: no CX10.
    assert {r for r, s in got.items() if s == "pass"} == {"CX02", "CX04", "CX10"}


def test_energy_handoffs_without_a_waiting_time_are_warnings() -> None:
    (silent,) = [f for f in checked("energy").findings if f.check == "no-wait-time"]
    assert (silent.rule, silent.severity, silent.count) == ("CX05", Severity.WARNING, 4)
    assert {silent.step, *(p.step for p in silent.related)} == {
        "to_agent",
        "to_phone",
        "to_payment_team",
        "complaint_to_agent",
    }


# -- through the command line ------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(("name", "code"), [("webshop", 0), ("bank", 1), ("energy", 1)])
def test_cli_exit_code(runner: CliRunner, name: str, code: int) -> None:
    result = runner.invoke(app, ["check", str(example(name)), "--lang", "en"])
    assert result.exit_code == code, result.output


@pytest.mark.parametrize("name", ["webshop", "bank", "energy"])
def test_cli_json_report_has_the_documented_keys(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["check", str(example(name)), "--format", "json", "--lang", "en"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert "cxaudit" in data
    assert data["errors"] == []
    (file,) = data["files"]
    assert {"score", "grade", "passed", "rules", "findings"} <= file.keys()
    assert isinstance(file["score"], (int, float))
    assert file["passed"] is (name == "webshop")
    assert [rule["id"] for rule in file["rules"]] == [f"CX{n:02d}" for n in range(1, 11)]
    keys = {"rule", "severity", "message", "hint", "path", "step", "line", "column"}
    for finding in file["findings"]:
        assert keys <= finding.keys()
        assert finding["severity"] in ("error", "warning", "info")
    if name != "webshop":
        assert any(f["severity"] == "error" for f in file["findings"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "bank",
            # CX01: both first messages fail (0), no text claims to be a person (1), the bare
            # name fails (0): 1/3. CX10: one bad line, so the texts check is capped at 0.5.
            # CX02: 19 of 20 turns are too far, and there is a person (20 + 1 units, 2/21),
            # and no global intent (0): 0.048.
            {
                "CX01": 0.333,
                "CX02": 0.048,
                "CX03": 0.667,
                "CX04": 1.0,
                "CX05": 1.0,
                "CX06": 0.0,
                "CX07": 0.0,
                "CX08": 1.0,
                "CX09": 0.5,
                "CX10": 0.5,
            },
        ),
        (
            "energy",
            # CX05: humans declared (1), one of three incomplete (capped 0.5), nobody outside
            # hours (0), a phone line (1), all four handoffs without a wait (warnings: 0.5).
            {
                "CX01": 0.833,
                "CX02": 1.0,
                "CX03": 0.833,
                "CX04": 1.0,
                "CX05": 0.6,
                "CX06": 0.5,
                "CX07": 0.0,
                "CX08": 0.75,
                "CX09": 0.667,
                "CX10": 1.0,
            },
        ),
    ],
)
def test_rule_scores(name: str, expected: dict[str, float]) -> None:
    assert {r.id: r.score for r in checked(name).rules} == expected
