"""Waivers: in the file and in comments, with a reason; expired ones stop waiving; unused ones are noted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxaudit.engine import audit_files
from cxaudit.loading import Settings
from cxaudit.report import FileReport, Report

TODAY = date(2026, 11, 24)

# A good bot with one problem: feigned empathy in the handoff message (CX10, an error).
FLOW = """\
cxaudit: 1
bot: {name: PakketPal, languages: [nl]}
humans:
  - {id: chat, channel: live_chat, hours: 24/7, expected_wait: 3m}
  - {id: phone, channel: phone, hours: "mo-fr 08:00-17:00", expected_wait: 5m}
handoff: {context: [summary]}
escalation: {fallback: {retries: 1, then: to_agent}, upset: to_agent}
intents:
  - {id: ask_human, examples: [medewerker], goto: to_agent, global: true}
flows:
  - id: main
    steps:
      - id: welcome
        say: "Hoi! Ik ben PakketPal, de digitale assistent."
        ask: Waarmee kan ik je helpen?
        next: to_agent
      - id: to_agent
        say: Ik begrijp hoe je je voelt. Ik verbind je door, de wachttijd is 3 minuten.
        handoff: chat
"""


def run(tmp_path: Path, text: str, **settings: object) -> Report:
    path = tmp_path / "bot.flow.yaml"
    path.write_text(text, encoding="utf-8")
    options = {"language": "en", "discover_config": False, "today": TODAY, **settings}
    return audit_files([(path, "bot.flow.yaml")], Settings(**options))  # type: ignore[arg-type]


def only(report: Report) -> FileReport:
    assert not report.errors, [e.render() for e in report.errors]
    (file_report,) = report.files
    return file_report


def with_waivers(lines: str) -> str:
    return FLOW + "waivers:\n" + lines


def cx10(report: FileReport) -> list[tuple[str, str | None]]:
    return [
        (f.check, f.suppression.kind if f.suppression else None)
        for f in report.findings
        if f.rule == "CX10"
    ]


def test_the_unwaived_flow_fails(tmp_path: Path) -> None:
    report = only(run(tmp_path, FLOW))
    assert cx10(report) == [("feigned-empathy", None)]
    assert not report.passed


def test_a_waiver_in_the_file_waives_and_the_flow_passes(tmp_path: Path) -> None:
    text = with_waivers(
        '  - {rule: CX10, step: to_agent, reason: "Approved by legal", expires: 2027-06-30, owner: Team CX}\n'
    )
    report = only(run(tmp_path, text))
    assert cx10(report) == [("feigned-empathy", "waiver")]
    waived = next(f for f in report.findings if f.rule == "CX10")
    assert waived.suppression is not None
    assert (waived.suppression.reason, waived.suppression.owner, waived.suppression.expires) == (
        "Approved by legal",
        "Team CX",
        "2027-06-30",
    )
    assert waived.suppression.source == "bot.flow.yaml:21"
    assert report.passed
    assert report.score == 100.0  # waived findings do not lower the score
    assert next(r for r in report.rules if r.id == "CX10").suppressed == 1


def test_a_waiver_without_step_covers_the_whole_file(tmp_path: Path) -> None:
    report = only(run(tmp_path, with_waivers('  - {rule: CX10, reason: "Tone approved"}\n')))
    assert cx10(report) == [("feigned-empathy", "waiver")]


def test_a_waiver_for_another_step_does_not_waive(tmp_path: Path) -> None:
    report = only(run(tmp_path, with_waivers('  - {rule: CX10, step: welcome, reason: "x"}\n')))
    assert cx10(report) == [("feigned-empathy", None), ("waiver-unused", None)]
    assert not report.passed


def test_an_expired_waiver_no_longer_waives_and_says_so(tmp_path: Path) -> None:
    text = with_waivers(
        '  - {rule: CX10, step: to_agent, reason: "Approved by legal", expires: 2026-06-30}\n'
    )
    report = only(run(tmp_path, text))
    assert cx10(report) == [("feigned-empathy", None), ("waiver-expired", None)]
    note = next(f for f in report.findings if f.check == "waiver-expired")
    assert note.severity.value == "warning"
    assert note.line == 21
    assert "expired on 2026-06-30" in note.message
    assert not report.passed
    # The day itself still counts: a waiver "expires: 2026-11-24" still waives on that day.
    same_day = with_waivers('  - {rule: CX10, reason: "x", expires: 2026-11-24}\n')
    assert only(run(tmp_path, same_day)).passed


def test_a_comment_on_the_line_or_the_line_above(tmp_path: Path) -> None:
    above = FLOW.replace(
        "        say: Ik begrijp",
        '        # cxaudit: ignore[CX10] reason="Approved by legal" expires=2027-06-30\n        say: Ik begrijp',
    )
    report = only(run(tmp_path, above))
    assert cx10(report) == [("feigned-empathy", "waiver")]
    same_line = FLOW.replace(
        "de wachttijd is 3 minuten.\n",
        "de wachttijd is 3 minuten.  # cxaudit: ignore[CX05, CX10] reason='ok by legal'\n",
    )
    report = only(run(tmp_path, same_line))
    assert cx10(report) == [("feigned-empathy", "waiver")]
    # CX05 has nothing on that line: that part of the comment waives nothing.
    assert [f.check for f in report.findings if f.rule == "CX05"] == ["waiver-unused"]


def test_a_comment_two_lines_away_does_not_waive(tmp_path: Path) -> None:
    text = FLOW.replace(
        "      - id: to_agent\n",
        '      - id: to_agent\n        # cxaudit: ignore[CX10] reason="x"\n        x-note: spacer\n',
    )
    report = only(run(tmp_path, text))
    assert cx10(report) == [("waiver-unused", None), ("feigned-empathy", None)]


def test_a_lookalike_inside_a_text_is_not_a_waiver(tmp_path: Path) -> None:
    text = FLOW.replace(
        "say: Ik begrijp hoe je je voelt. Ik verbind je door, de wachttijd is 3 minuten.",
        'say: "Ik begrijp hoe je je voelt. # cxaudit: ignore[CX10] reason=x. De wachttijd is 3 minuten."',
    )
    report = only(run(tmp_path, text))
    assert cx10(report) == [("feigned-empathy", None)]


def test_unused_waiver_is_a_note_or_with_strict_waivers_an_error(tmp_path: Path) -> None:
    fixed = FLOW.replace("Ik begrijp hoe je je voelt. ", "")
    text = fixed + 'waivers:\n  - {rule: CX10, reason: "Approved by legal"}\n'
    report = only(run(tmp_path, text))
    assert [(f.check, f.severity.value) for f in report.findings] == [("waiver-unused", "info")]
    assert report.passed
    strict = only(run(tmp_path, text, strict_waivers=True))
    assert [(f.check, f.severity.value) for f in strict.findings] == [("waiver-unused", "error")]
    assert not strict.passed


def test_no_waivers_ignores_them_all(tmp_path: Path) -> None:
    text = with_waivers('  - {rule: CX10, reason: "Approved by legal"}\n')
    report = only(run(tmp_path, text, waivers=False))
    assert cx10(report) == [("feigned-empathy", None)]
    assert not report.passed


@pytest.mark.parametrize(
    ("waiver", "line", "fragment"),
    [
        ('  - {rule: CX10, reason: ""}\n', 21, "waivers[0].reason: must not be empty"),
        ("  - {rule: CX10}\n", 21, "missing required key 'reason'"),
        ('  - {rule: CX11, reason: "x"}\n', 21, "'CX11' is not a rule; did you mean 'CX10'?"),
        (
            '  - {rule: CX10, step: to_agnt, reason: "x"}\n',
            21,
            "'to_agnt' names no step; did you mean 'to_agent'?",
        ),
        ('  - {rule: CX10, reason: "x", expires: 2027-02-30}\n', 21, "'2027-02-30' is not a date"),
        (
            '  - {rule: CX10, reason: "x", expires: next year}\n',
            21,
            "is not a date written as YYYY-MM-DD",
        ),
        (
            '  - {rule: CX10, reason: "x", owner: me, until: 2027-01-01}\n',
            21,
            "unknown key 'until'",
        ),
    ],
)
def test_malformed_file_waivers_are_input_errors(
    tmp_path: Path, waiver: str, line: int, fragment: str
) -> None:
    report = run(tmp_path, with_waivers(waiver))
    assert report.unchecked == ("bot.flow.yaml",)
    (error,) = report.errors
    assert error.line == line
    assert fragment in error.message, error.message


@pytest.mark.parametrize(
    ("comment", "fragment"),
    [
        ("# cxaudit: ignore[CX10]", "a waiver needs a reason"),
        ('# cxaudit: ignore reason="x"', "needs the rules it waives"),
        (
            '# cxaudit: ignor[CX10] reason="x"',
            "unknown cxaudit comment 'ignor'; did you mean 'ignore'?",
        ),
        ('# cxaudit: ignore[CX1O] reason="x"', "'CX1O' is not a rule; did you mean 'CX10'?"),
        (
            '# cxaudit: ignore[CX10] raeson="x"',
            "unknown waiver key 'raeson'; did you mean 'reason'?",
        ),
        (
            '# cxaudit: ignore[CX10] reason="x" expires=2027-13-01',
            "expires='2027-13-01' is not a date",
        ),
        ('# cxaudit: ignore[CX10] reason="unclosed', "cannot read"),
    ],
)
def test_malformed_comment_waivers_are_input_errors(
    tmp_path: Path, comment: str, fragment: str
) -> None:
    text = FLOW.replace("        say: Ik begrijp", f"        {comment}\n        say: Ik begrijp")
    report = run(tmp_path, text)
    (error,) = report.errors
    assert (error.line, error.column) == (18, 9)
    assert fragment in error.message, error.message


def test_a_comment_at_the_end_of_a_line_waives_that_line_only(tmp_path: Path) -> None:
    text = FLOW.replace(
        "        say: Ik begrijp hoe je je voelt. Ik verbind je door, de wachttijd is 3 minuten.\n",
        "        say:  # a map, so that the next line is the English text\n"
        '          nl: Ik begrijp hoe je je voelt. De wachttijd is 3 minuten.  # cxaudit: ignore[CX10] reason="approved"\n'
        "          en: I understand how you feel. The wait is 3 minutes.\n",
    ).replace("languages: [nl]", "languages: [nl, en]")
    report = only(run(tmp_path, text))
    waived = {
        (f.line, f.suppression is not None) for f in report.findings if f.check == "feigned-empathy"
    }
    assert waived == {(19, True), (20, False)}


def test_two_waivers_for_one_finding_are_both_used(tmp_path: Path) -> None:
    text = with_waivers(
        '  - {rule: CX10, reason: "tone"}\n  - {rule: CX10, step: to_agent, reason: "legal"}\n'
    )
    report = only(run(tmp_path, text, strict_waivers=True))
    assert cx10(report) == [("feigned-empathy", "waiver")]
    assert report.passed


def test_today_is_utc_and_can_be_pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A waiver expiring today does so at the same moment everywhere: the date is UTC's, not the
    machine's time zone's; `--today` pins it."""
    import time
    from datetime import datetime, timezone

    from typer.testing import CliRunner

    from cxaudit.cli import app
    from cxaudit.engine import utc_today

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):  # UTC+14, UTC-11
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        assert utc_today() == datetime.now(timezone.utc).date()
    monkeypatch.delenv("TZ")
    time.tzset()
    path = tmp_path / "bot.flow.yaml"
    path.write_text(with_waivers('  - {rule: CX10, reason: "x", expires: 2026-11-24}\n'))
    runner = CliRunner()
    on_the_day = runner.invoke(app, ["check", str(path), "--today", "2026-11-24", "--lang", "en"])
    day_after = runner.invoke(app, ["check", str(path), "--today", "2026-11-25", "--lang", "en"])
    assert "waiver-expired" not in on_the_day.output and "expired on 2026-11-24" in day_after.output
    bad = runner.invoke(app, ["check", str(path), "--today", "24-11-2026"])
    assert bad.exit_code == 2 and "--today" in bad.output


def test_a_baseline_is_taken_with_the_pinned_date(tmp_path: Path) -> None:
    """`baseline --today`: a waiver expired on that date does not waive, so its finding is
    recorded (as `check --today` would count it)."""
    import json

    from typer.testing import CliRunner

    from cxaudit.cli import app

    path = tmp_path / "bot.flow.yaml"
    path.write_text(with_waivers('  - {rule: CX10, reason: "x", expires: 2026-11-24}\n'))
    recorded = {}
    for day in ("2026-11-24", "2026-11-25"):
        target = tmp_path / f"{day}.json"
        result = CliRunner().invoke(
            app, ["baseline", str(path), "--today", day, "-o", str(target), "--lang", "en"]
        )
        assert result.exit_code == 0, result.output
        (entry,) = json.loads(target.read_text(encoding="utf-8"))["files"].values()
        recorded[day] = {f["rule"] for f in entry["findings"]}
    assert "CX10" not in recorded["2026-11-24"] and "CX10" in recorded["2026-11-25"]


MESSAGE = "Ik begrijp hoe je je voelt. Ik verbind je door, de wachttijd is 3 minuten."
SAY = f"        say: {MESSAGE}\n"
WAIVE = '# cxaudit: ignore[CX10] reason="Tone approved" expires=2027-06-30'


def said(text: str) -> str:
    """FLOW with the handoff message written as ``text`` (lines indented under the step)."""
    return FLOW.replace(SAY, text)


@pytest.mark.parametrize("style", ["|", ">", ">-", "|-", "|+", ">2"])
@pytest.mark.parametrize(
    "placement",
    [
        # The documented places: the finding's line (a block text's finding is on its header)...
        "        say: {style}  {waive}\n          {message}\n",
        # ...or the line above: alone on it, or at the end of it.
        "        {waive}\n        say: {style}\n          {message}\n",
        "        say:  {waive}\n          nl: {style}\n            {message}\n",
        "        say:\n          nl: {style}  {waive}\n            {message}\n",
        "        say:\n          {waive}\n          nl: {style}\n            {message}\n",
    ],
    ids=["header", "above", "end of say:", "nl header", "above nl"],
)
def test_a_comment_waives_a_block_text_on_its_header_or_the_line_above(
    tmp_path: Path, style: str, placement: str
) -> None:
    text = said(placement.format(style=style, waive=WAIVE, message=MESSAGE))
    report = only(run(tmp_path, text, strict_waivers=True))
    assert cx10(report) == [("feigned-empathy", "waiver")]
    assert report.passed


@pytest.mark.parametrize(
    "placement",
    [
        "        say:  {waive}\n          {message}\n",
        "        say:  {waive}\n          '{message}'\n",
        '        say: "Ik begrijp hoe\n          je je voelt. {message}"  {waive}\n',
        "        say: Ik begrijp hoe\n          je je voelt. {message}  {waive}\n",
        '        say: {{nl: "{message}"}}  {waive}\n',
        '        {waive}\n        say: {{nl: "{message}"}}\n',
    ],
    ids=[
        "plain text below say:",
        "quoted text below say:",
        "after a quoted text of two lines",
        "after a plain text of two lines",
        "after a flow map",
        "above a flow map",
    ],
)
def test_a_comment_waives_a_flow_or_plain_text(tmp_path: Path, placement: str) -> None:
    report = only(
        run(tmp_path, said(placement.format(waive=WAIVE, message=MESSAGE)), strict_waivers=True)
    )
    assert cx10(report) == [("feigned-empathy", "waiver")]
    assert report.passed


def test_a_comment_on_say_speaks_for_its_first_text_only(tmp_path: Path) -> None:
    text = said(
        f"        say:  {WAIVE}\n"
        f"          nl: >-\n            {MESSAGE}\n"
        "          en: >-\n            I understand how you feel.\n"
    ).replace("languages: [nl]", "languages: [nl, en]")
    report = only(run(tmp_path, text))
    waived = {
        (f.line, f.suppression is not None) for f in report.findings if f.check == "feigned-empathy"
    }
    assert waived == {(19, True), (21, False)}


def test_a_lookalike_line_of_a_block_text_is_not_a_waiver(tmp_path: Path) -> None:
    for style in ("|", ">-"):
        text = said(
            f"        say: {style}  # a comment on the header, not a waiver\n"
            f"          {MESSAGE}\n          {WAIVE}\n"
            f"        # not a waiver either: the text has ended\n"
        )
        report = only(run(tmp_path, text, strict_waivers=True))
        assert cx10(report) == [("feigned-empathy", None)]  # not waived, and no waiver noted


def test_a_comment_on_a_block_text_header_speaks_for_its_first_line_of_text() -> None:
    """A finding may point at a block text's header or at its first line of text (after any
    blank lines); a comment on the header, or alone on the line above it, speaks for both."""
    from cxaudit.loader import load_text

    text = (
        "cxaudit: 1\n"
        f"a: >-  {WAIVE}\n\n  text\n"
        f"{WAIVE}\nb: |\n  text\n"
        f"c:  {WAIVE}\n  d: |-\n    text\n"
        f"e: plain  {WAIVE}\nf: next\n"
    )
    for pure in (False, True):
        lines = [(d.line, d.lines) for d in load_text(text, "x.yaml", pure=pure).directives]
        assert lines == [(2, (2, 4)), (5, (5, 6, 7)), (8, (8, 9, 10)), (11, (11,))]


def test_the_bank_example_waives_its_block_text_both_ways(tmp_path: Path) -> None:
    """examples/bank.flow.yaml reports feigned empathy on `nl: >-` (line 240): a waiver comment
    at the end of that line, or at the end of `say:` above it, waives it."""
    from typer.testing import CliRunner

    from cxaudit.cli import app

    source = (Path(__file__).parent.parent / "examples" / "bank.flow.yaml").read_text("utf-8")
    lines = source.splitlines(keepends=True)
    assert (lines[238].strip(), lines[239].strip()) == ("say:", "nl: >-")
    for number in (238, 239):
        edited = list(lines)
        edited[number] = edited[number].rstrip("\n") + f"  {WAIVE}\n"
        path = tmp_path / "bank.flow.yaml"
        path.write_text("".join(edited), encoding="utf-8")
        result = CliRunner().invoke(
            app,
            ["check", str(path), "--format", "concise", "--lang", "en", "--strict-waivers"],
        )
        cx10_lines = [line for line in result.output.splitlines() if " CX10 " in line]
        assert any(":240:15: CX10 [error, waived]" in line for line in cx10_lines), cx10_lines
        assert not any("waives nothing" in line for line in cx10_lines), cx10_lines
