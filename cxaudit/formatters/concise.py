"""One line per finding, the way linters print them: ``file:line:col: CX10 [error] message``.

Editors and problem matchers parse these lines, so the severity and the waived/baselined/ignored marks
stay in English whatever the report language. A file that fails gets a closing line saying why
(its score below the threshold, its errors). Input errors are not here: the CLI prints them on
stderr in every format.
"""

from __future__ import annotations

from cxaudit.formatters import RenderOptions
from cxaudit.formatters.text import why_failed
from cxaudit.inert import one_line
from cxaudit.report import Finding, Report

_MARK = {"waiver": "waived", "baseline": "baselined"}


def render(report: Report, options: RenderOptions) -> str:
    lines = [line(f) for file_report in report.files for f in file_report.findings]
    # A file may fail on its score alone, with no error line above: say why, once per file.
    lines += [
        f"{one_line(f.path)}: {one_line(why_failed(f, report.language))}"
        for f in report.files
        if not f.passed
    ]
    return "".join(text + "\n" for text in lines)


def line(finding: Finding) -> str:
    tags = finding.severity.value
    if finding.suppression is not None:
        ignored = finding.suppression.source.startswith("--ignore")
        tags += ", " + ("ignored" if ignored else _MARK.get(finding.suppression.kind, "waived"))
    where = f"{one_line(finding.path)}:{finding.line}:{finding.column}"
    return f"{where}: {finding.rule} [{tags}] {one_line(finding.message)}"
