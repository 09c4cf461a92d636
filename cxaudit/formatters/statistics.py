"""`--statistics`: how many findings of each rule and check, most first (as ruff does)."""

from __future__ import annotations

from collections import Counter

from cxaudit.i18n import word
from cxaudit.report import Report


def render(report: Report) -> str:
    counts: Counter[tuple[str, str, str]] = Counter()
    suppressed: Counter[tuple[str, str, str]] = Counter()
    for file_report in report.files:
        for finding in file_report.findings:
            key = (finding.rule, finding.check, finding.severity.value)
            (counts if finding.counts else suppressed)[key] += 1
    keys = sorted(set(counts) | set(suppressed), key=lambda k: (-counts[k], -suppressed[k], k))
    lines = [word(report.language, "statistics")]
    if not keys:
        lines.append(f"  {word(report.language, 'no_findings')}")
    width = max((len(check) for _, check, _ in keys), default=0)
    for rule, check, severity in keys:
        line = f"{counts[(rule, check, severity)]:>5}  {rule}  {check:<{width}}  {word(report.language, severity)}"
        if suppressed[(rule, check, severity)]:
            line += f"  (+{suppressed[(rule, check, severity)]} {word(report.language, 'waived')}/{word(report.language, 'baselined')})"
        lines.append(line)
    return "\n".join(lines) + "\n"
