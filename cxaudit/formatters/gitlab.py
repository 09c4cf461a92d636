"""GitLab Code Quality: a JSON list of issues for the merge request widget and the pipeline.

Each finding that counts is one issue with GitLab's fields: ``description`` (the message and
its hint), ``check_name`` (``CX03/no-fallback``: the rule and check ids, which stay the same
in every report language), ``fingerprint`` (unique per issue: the finding's own with its file,
since GitLab shows only the first issue of a fingerprint), ``severity`` (``major`` for an
error, ``minor`` for a warning, ``info``) and ``location`` (the file relative to the working
folder and the line). Waived and baselined findings are left out: Code Quality has no way to
show them as accepted. A file cxaudit could not read is a ``blocker``.

In ``.gitlab-ci.yml``: ``cxaudit check bots/ --report gitlab=gl-code-quality-report.json`` and
``artifacts: {reports: {codequality: gl-code-quality-report.json}, when: always}``.
"""

from __future__ import annotations

from typing import Any

from cxaudit.findings import digest
from cxaudit.formatters import RenderOptions
from cxaudit.formatters.text import relative_path
from cxaudit.i18n import word
from cxaudit.inert import json_text
from cxaudit.report import Report, Severity

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(report: Report, options: RenderOptions) -> str:
    issues: list[dict[str, Any]] = []
    for error in report.errors:
        issues.append(
            _issue(
                error.message,
                "input-error",
                digest("input-error", error.path, error.message),
                "blocker",
                error.path,
                error.line or 1,
            )
        )
    for file_report in report.files:
        for finding in file_report.findings:
            if not finding.counts:
                continue
            description = (
                f"{finding.rule} {finding.message} {word(report.language, 'hint')}: {finding.hint}"
            )
            issues.append(
                _issue(
                    description,
                    f"{finding.rule}/{finding.check}",
                    digest(finding.path, finding.fingerprint),
                    _SEVERITY[finding.severity],
                    finding.path,
                    finding.line,
                )
            )
    return json_text(issues)


def _issue(
    description: str, check: str, fingerprint: str, severity: str, path: str, line: int
) -> dict[str, Any]:
    return {
        "description": description,
        "check_name": check,
        "fingerprint": fingerprint,
        "severity": severity,
        "location": {"path": relative_path(path), "lines": {"begin": line}},
    }
