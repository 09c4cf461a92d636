"""The terminal report (rich): bot, score and grade, the rule table, then every finding."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cxaudit.formatters import RenderOptions
from cxaudit.formatters.text import also_at, summary, why_failed
from cxaudit.i18n import word
from cxaudit.inert import one_line
from cxaudit.report import FileReport, Finding, Report, Severity, Status

_STATUS_STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.UNKNOWN: "magenta",
    Status.SKIPPED: "dim",
    Status.DISABLED: "dim",
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
        console.print(Text(summary(report), style="bold"), soft_wrap=True)
    return buffer.getvalue()


def _file(console: Console, report: FileReport, lang: str) -> None:
    title = Text()
    title.append(one_line(report.bot), style="bold")
    if report.organisation:
        title.append(f" ({one_line(report.organisation)})")
    details = [report.sector, *([", ".join(report.languages)] if report.languages else [])]
    details.append(f"{word(lang, 'profile')} {report.profile}")
    config = ", ".join(report.config) if report.config else word(lang, "no_config")
    details.append(f"{word(lang, 'config')}: {config}" if report.config else config)
    title.append(" · " + " · ".join(one_line(d) for d in details), style="dim")
    console.print(Text(one_line(report.path), style="dim"), soft_wrap=True)
    console.print(title, soft_wrap=True)

    verdict = Text()
    verdict.append(f"{word(lang, 'score')} {report.score:.1f}/100", style="bold")
    verdict.append(f"  {word(lang, 'grade')} {report.grade}", style="bold")
    verdict.append("  ")
    if report.passed:
        verdict.append(word(lang, "passed"), style="bold green")
    else:
        verdict.append(word(lang, "failed"), style="bold red")
    verdict.append(
        f"  ({word(lang, 'fail_under', fail_under=f'{report.fail_under:g}')})", style="dim"
    )
    console.print(verdict)
    if not report.passed:
        console.print(Text(why_failed(report, lang), style="red"), soft_wrap=True)
    if report.weighed:
        factors = ", ".join(
            f"{w.rule} {w.check} ×{w.factor:g}" + (f" ({w.times}×)" if w.times > 1 else "")
            for w in report.weighed
        )
        console.print(Text(f"{word(lang, 'weighed')}: {factors}", style="dim"), soft_wrap=True)
    waived, baselined = report.suppressed("waiver"), report.suppressed("baseline")
    if waived or baselined:
        console.print(
            Text(word(lang, "suppressed_file", waived=waived, baselined=baselined), style="dim")
        )
    if report.baseline is not None:
        b = report.baseline
        line = word(
            lang,
            "baseline_line",
            path=b.path,
            recorded=b.recorded_score,
            current=b.score_without_baseline,
            change=b.change,
            known=report.suppressed("baseline"),
        )
        console.print(Text(one_line(line)), soft_wrap=True)
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
    else:
        console.print(Text(f"{word(lang, 'findings')} ({len(report.findings)})", style="bold"))
        for finding in report.findings:
            _finding(console, finding, lang, report.path)
    if report.baseline is not None and report.baseline.fixed:
        console.print()
        console.print(
            Text(word(lang, "fixed", count=len(report.baseline.fixed)), style="bold green")
        )
        for entry in report.baseline.fixed:
            step = f" [{one_line(entry.step)}]" if entry.step else ""
            console.print(Text(f"  {entry.rule}{step} {one_line(entry.message)}"), soft_wrap=True)


def _finding(console: Console, finding: Finding, lang: str, base: str) -> None:
    dim = finding.suppression is not None
    line = Text(style="dim" if dim else "")
    line.append(
        f"{one_line(finding.path)}:{finding.line}:{finding.column}", style="" if dim else "bold"
    )
    line.append(f" {finding.rule} ")
    line.append(
        word(lang, finding.severity.value), style="" if dim else _SEVERITY_STYLE[finding.severity]
    )
    if finding.suppression is not None:
        line.append(
            f" ({word(lang, 'waived' if finding.suppression.kind == 'waiver' else 'baselined')})"
        )
    if finding.step:
        line.append(f" [{one_line(finding.step)}]", style="dim")
    line.append(f" {one_line(finding.message)}")
    console.print(line, soft_wrap=True)
    related = also_at(finding, base, lang)
    if related:
        console.print(Text(f"    {related}", style="dim"), soft_wrap=True)
    hint = Text("    ", style="dim")
    if finding.suppression is not None and finding.suppression.kind == "waiver":
        hint.append(
            f"{word(lang, 'waived')}: {one_line(finding.suppression.reason)} ({one_line(finding.suppression.source)})"
        )
    else:
        hint.append(f"{word(lang, 'hint')}: {one_line(finding.hint)}")
    console.print(hint, soft_wrap=True)
