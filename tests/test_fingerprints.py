"""Fingerprints: stable across edits elsewhere, distinct for distinct findings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cxaudit.engine import audit_files
from cxaudit.loading import Settings
from cxaudit.report import FileReport
from tests.conftest import ROOT

BANK = (ROOT / "examples" / "bank.flow.yaml").read_text(encoding="utf-8")


def checked(tmp_path: Path, text: str) -> FileReport:
    path = tmp_path / "bot.flow.yaml"
    path.write_text(text, encoding="utf-8")
    report = audit_files([(path, "bot.flow.yaml")], Settings(language="en", discover_config=False))
    assert not report.errors, [e.render() for e in report.errors]
    return report.files[0]


def prints(report: FileReport) -> Counter[str]:
    return Counter(f.fingerprint for f in report.findings)


def parts(report: FileReport) -> Counter[str]:
    """The prints of every place the findings stand for (what a baseline records)."""
    return Counter(part for f in report.findings for part in f.identities)


def test_every_finding_of_the_bank_has_its_own_fingerprint(tmp_path: Path) -> None:
    report = checked(tmp_path, BANK)
    assert len(prints(report)) == len(report.findings)


def test_lines_moving_changes_nothing(tmp_path: Path) -> None:
    before = prints(checked(tmp_path, BANK))
    after = prints(checked(tmp_path, "# a note\n\n\n" + BANK))
    assert before == after


def test_a_new_step_intent_and_example_elsewhere_change_nothing(tmp_path: Path) -> None:
    before = prints(checked(tmp_path, BANK))
    text = BANK.replace(
        "flows:\n  - id: main\n    steps:\n",
        "flows:\n  - id: main\n    steps:\n      - {id: extra_first, say: Hallo., next: welcome}\n",
        1,
    )
    assert "extra_first" in text
    text = text.replace(
        "intents:\n",
        "intents:\n  - {id: opening_hours, examples: [openingstijden], goto: welcome}\n",
        1,
    )
    assert text.count("nl: [pas kwijt, ") == 1
    text = text.replace("nl: [pas kwijt, ", "nl: [pas vergeten, pas kwijt, ", 1)
    after = prints(checked(tmp_path, text))
    # Nothing known is lost; the new step and intent may bring findings of their own.
    assert before - after == Counter()


def test_reordering_options_changes_nothing(tmp_path: Path) -> None:
    text = BANK
    original = "          - {label: {nl: Verloren, en: Lost}, goto: block_summary}\n          - {label: {nl: Gestolen, en: Stolen}, goto: block_summary}\n"
    assert original in text
    swapped = "          - {label: {nl: Gestolen, en: Stolen}, goto: block_summary}\n          - {label: {nl: Verloren, en: Lost}, goto: block_summary}\n"
    assert prints(checked(tmp_path, text)) == prints(
        checked(tmp_path, text.replace(original, swapped))
    )


def test_changing_the_offending_text_makes_a_new_part_of_the_same_finding(tmp_path: Path) -> None:
    """The Dutch text of the feigned-empathy line changes: that place is new (a baseline sees
    it), the finding (its cause, and a SARIF alert that tracks it) stays the same."""
    first = checked(tmp_path, BANK)
    second = checked(
        tmp_path,
        BANK.replace(
            "Ik begrijp hoe frustrerend dit voor u moet zijn.",
            "Ik begrijp hoe frustrerend dit moet zijn.",
        ),
    )
    assert prints(first) == prints(second)
    assert len(parts(first) - parts(second)) == 1
    assert len(parts(second) - parts(first)) == 1


def test_two_intents_of_one_topic_are_one_finding_with_two_parts(tmp_path: Path) -> None:
    flow = """\
cxaudit: 1
bot: {name: Bankbot, sector: finance, languages: [nl]}
intents:
  - {id: report_fraud, topic: fraud, examples: [fraude melden], goto: menu}
  - {id: report_scam, topic: fraud, examples: [oplichting melden], goto: menu}
flows:
  - id: main
    steps:
      - {id: menu, ask: Waarmee kan ik helpen?, next: bye}
      - {id: bye, say: Dag., end: true}
"""
    report = checked(tmp_path, flow)
    (direct,) = [f for f in report.findings if f.check == "sensitive-intent-direct"]
    assert "'report_fraud', 'report_scam'" in direct.message
    assert direct.count == 2 and len(set(direct.parts)) == 2
