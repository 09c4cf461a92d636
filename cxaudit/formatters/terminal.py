"""The terminal report (rich): bot, score and grade, the rule table, then every finding."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cxaudit.formatters import RenderOptions
from cxaudit.formatters.text import inert
from cxaudit.i18n import word
from cxaudit.report import FileReport, Report, Severity, Status

_STATUS_STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.SKIPPED: "dim",
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(report: Report, options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    lang = report.language
    for i, file_report in enumerate(report.files):
        if i:
            console.print()
        _file(console, file_report, lang)
    if len(report.files) + report.invalid_files > 1:
        if report.files:
            console.print()
        console.print(
            Text(
                word(
                    lang,
                    "summary",
                    files=len(report.files) + report.invalid_files,
                    passed=sum(1 for f in report.files if f.passed),
                    failed=sum(1 for f in report.files if not f.passed),
                    invalid=report.invalid_files,
                ),
                style="bold",
            ),
            soft_wrap=True,
        )
    return buffer.getvalue()


def _file(console: Console, report: FileReport, lang: str) -> None:
    title = Text()
    title.append(inert(report.bot), style="bold")
    if report.organisation:
        title.append(f" ({inert(report.organisation)})")
    details = [report.sector, *([", ".join(report.languages)] if report.languages else [])]
    title.append(" · " + " · ".join(details), style="dim")
    console.print(Text(inert(report.path), style="dim"), soft_wrap=True)
    console.print(title, soft_wrap=True)

    verdict = Text()
    verdict.append(f"{word(lang, 'score')} {report.score:.1f}/100", style="bold")
    verdict.append(f"  {word(lang, 'grade')} {report.grade}", style="bold")
    verdict.append("  ")
    if report.passed:
        verdict.append(word(lang, "passed"), style="bold green")
    else:
        verdict.append(word(lang, "failed"), style="bold red")
    console.print(verdict)
    console.print()

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column(word(lang, "rule"))
    table.add_column(word(lang, "name"))
    table.add_column(word(lang, "status"))
    table.add_column(word(lang, "score"), justify="right")
    table.add_column(word(lang, "weight"), justify="right")
    for rule in report.rules:
        score = f"{rule.score:.2f}" if rule.score is not None else "-"
        table.add_row(
            rule.id,
            rule.name,
            Text(word(lang, rule.status.value), style=_STATUS_STYLE[rule.status]),
            score,
            f"{rule.weight:g}",
        )
    console.print(table)
    console.print()
    if not report.findings:
        console.print(Text(word(lang, "no_findings"), style="green"))
        return
    console.print(Text(f"{word(lang, 'findings')} ({len(report.findings)})", style="bold"))
    for finding in report.findings:
        line = Text()
        line.append(f"{inert(finding.path)}:{finding.line}:{finding.column}", style="bold")
        line.append(f" {finding.rule} ")
        line.append(word(lang, finding.severity.value), style=_SEVERITY_STYLE[finding.severity])
        if finding.step:
            line.append(f" [{inert(finding.step)}]", style="dim")
        line.append(f" {inert(finding.message)}")
        console.print(line, soft_wrap=True)
        hint = Text("    ")
        hint.append(f"{word(lang, 'hint')}: ", style="dim")
        hint.append(inert(finding.hint), style="dim")
        console.print(hint, soft_wrap=True)
