"""JUnit XML for CI test views (GitLab's unit test reports, Jenkins, Azure DevOps).

One testsuite per file, one testcase per rule (``classname`` = the file, ``name`` = the rule id,
``CX03``: GitLab keys test cases on that pair and shows classname as the suite, so a change of
report language renames no test; the rule's name is the first line of its text). A rule with
errors that count fails with one ``<failure>`` listing them in its text, which is what GitLab
displays; warnings, info findings and waived or baselined ones go to ``<system-out>``. Skipped
and disabled rules are ``<skipped/>``. One more testcase, ``gate``, fails when the file fails
the gate and says why (a file can fail on its score with every rule's test passing). A file with
input errors becomes a testsuite with one erroring testcase. Every time is 0, so the output is
deterministic.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from itertools import groupby

from cxaudit.diagnostics import Diagnostic
from cxaudit.formatters import RenderOptions
from cxaudit.formatters.text import also_at, position, why_failed
from cxaudit.i18n import word
from cxaudit.inert import inert, one_line
from cxaudit.report import FileReport, Finding, Report, RuleResult, Severity, Status

# What XML 1.0 forbids even as a character reference, once inert() has made C0/C1 visible.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_COUNTS = ("tests", "failures", "errors", "skipped")


def render(report: Report, options: RenderOptions) -> str:
    root = ET.Element("testsuites", name="cxaudit")
    suites = [_file(f, report.language) for f in report.files]
    by_path = groupby(sorted(report.errors, key=lambda d: d.path), key=lambda d: d.path)
    suites += [_input_errors(path, list(group)) for path, group in by_path]
    _count(root, *(sum(int(s.get(k, "0")) for s in suites) for k in _COUNTS))
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def xml_text(text: str) -> str:
    """Bot text safe in XML 1.0 and shown as written; ElementTree escapes ``& < > "`` itself.

    ``[[`` is broken up because GitLab reads ``[[ATTACHMENT|path]]`` in output as a file to show.
    """
    return _NOT_XML.sub("\ufffd", inert(text)).replace("[[", "[\u200b[")


def _file(report: FileReport, lang: str) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_text(report.path))
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("bot", report.bot),
        ("score", f"{report.score:.1f}"),
        ("grade", report.grade),
        ("passed", "true" if report.passed else "false"),
    ):
        ET.SubElement(properties, "property", name=name, value=xml_text(one_line(value)))
    cases = [
        _testcase(report.path, rule, [f for f in report.findings if f.rule == rule.id], lang)
        for rule in report.rules
    ]
    known = {rule.id for rule in report.rules}
    other = [f for f in report.findings if f.rule not in known]  # notes on an imported project
    for rule_id in sorted({f.rule for f in other}):
        case = ET.Element(
            "testcase",
            classname=xml_text(report.path),
            name=xml_text(rule_id),
            file=xml_text(report.path),
            time="0",
        )
        ET.SubElement(case, "system-out").text = _lines(
            [f for f in other if f.rule == rule_id], lang, report.path
        )
        cases.append(case)
    cases.append(_gate(report, lang))
    failures = sum(1 for case in cases if case.find("failure") is not None)
    skipped = sum(1 for case in cases if case.find("skipped") is not None)
    _count(suite, len(cases), failures, 0, skipped)
    suite.extend(cases)
    return suite


def _count(suite: ET.Element, tests: int, failures: int, errors: int, skipped: int) -> None:
    for key, value in zip(_COUNTS, (tests, failures, errors, skipped), strict=True):
        suite.set(key, str(value))
    suite.set("time", "0")


def _testcase(path: str, rule: RuleResult, findings: list[Finding], lang: str) -> ET.Element:
    case = ET.Element(
        "testcase", classname=xml_text(path), name=rule.id, file=xml_text(path), time="0"
    )
    title = xml_text(f"{rule.id} {rule.name}\n")
    failing = [f for f in findings if _fails(f)]
    if failing:
        message = f"{word(lang, 'error')}: {len(failing)}"
        failure = ET.SubElement(case, "failure", message=message, type="error")
        failure.text = title + _lines(failing, lang, path)
    elif rule.status in (Status.SKIPPED, Status.DISABLED):
        ET.SubElement(case, "skipped", message=word(lang, rule.status.value))
    rest = [f for f in findings if not _fails(f)]
    ET.SubElement(case, "system-out").text = title + (_lines(rest, lang, path) if rest else "")
    return case


def _gate(report: FileReport, lang: str) -> ET.Element:
    """The gate as a test of its own: it fails when the file fails, saying why."""
    case = ET.Element(
        "testcase",
        classname=xml_text(report.path),
        name="gate",
        file=xml_text(report.path),
        time="0",
    )
    if not report.passed:
        reason = xml_text(one_line(why_failed(report, lang)))
        ET.SubElement(case, "failure", message=reason, type="gate").text = reason + "\n"
    return case


def _fails(finding: Finding) -> bool:
    # Only what fails the gate fails a test: a warning on a passing bot is no red test.
    return finding.counts and finding.severity is Severity.ERROR


def _lines(findings: Iterable[Finding], lang: str, path: str) -> str:
    """One line per finding and one for its hint (or why it does not count)."""
    out = []
    for f in findings:
        tags = word(lang, f.severity.value)
        step = f" [{one_line(f.step)}]" if f.step else ""
        if f.suppression is None:
            note = f"{word(lang, 'hint')}: {one_line(f.hint)}"
        else:
            kind = word(lang, "waived" if f.suppression.kind == "waiver" else "baselined")
            tags += f", {kind}"
            note = f"{kind}: {one_line(f.suppression.reason)} ({one_line(f.suppression.source)})"
        out.append(f"{position(f, path)} [{tags}]{step} {one_line(f.message)}")
        related = also_at(f, path, lang)
        out += [f"    {related}"] if related else []
        out.append(f"    {note}")
    return xml_text("\n".join(out) + "\n")


def _input_errors(path: str, diagnostics: list[Diagnostic]) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_text(path))
    _count(suite, 1, 0, 1, 0)
    case = ET.SubElement(
        suite, "testcase", classname=xml_text(path), name="input", file=xml_text(path), time="0"
    )
    message = xml_text(one_line(diagnostics[0].message))
    error = ET.SubElement(case, "error", message=message, type="input-error")
    error.text = xml_text("\n".join(d.render() for d in diagnostics) + "\n")
    return suite
