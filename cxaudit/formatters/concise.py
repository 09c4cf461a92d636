"""One line per finding, the way linters print them: ``file:line:col: CX10 [error] message``.

Editors and problem matchers parse these lines, so the severity and the waived/baselined marks
stay in English whatever the report language. Input errors are not here: the CLI prints them on
stderr in every format.
"""

from __future__ import annotations

from cxaudit.formatters import RenderOptions
from cxaudit.inert import one_line
from cxaudit.report import Finding, Report

_MARK = {"waiver": "waived", "baseline": "baselined"}


def render(report: Report, options: RenderOptions) -> str:
    return "".join(line(f) + "\n" for file_report in report.files for f in file_report.findings)


def line(finding: Finding) -> str:
    tags = finding.severity.value
    if finding.suppression is not None:
        tags += ", " + _MARK.get(finding.suppression.kind, finding.suppression.kind)
    where = f"{one_line(finding.path)}:{finding.line}:{finding.column}"
    return f"{where}: {finding.rule} [{tags}] {one_line(finding.message)}"
