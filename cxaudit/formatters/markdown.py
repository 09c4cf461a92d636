"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY`` (GitHub-flavoured).

Per file: a heading with the bot, score, grade and verdict, the rule table, the findings per rule
in collapsed ``<details>``, the waived and baselined findings in a section of their own, and the
baseline comparison. GitHub drops a job summary over 1 MiB whole, so a report that would pass
512 KiB keeps each file's heading, verdict and rule table, without the findings' details, and
says so. Text from the flow file (bot names, step ids, quoted phrases, waiver
reasons, file names) goes through ``escape`` so it cannot add Markdown, HTML, links, mentions,
issue references or line breaks; only cxaudit's own words are written as they are.
"""

from __future__ import annotations

import html
import re

from cxaudit.formatters import RenderOptions
from cxaudit.formatters.text import also_at, position, summary, why_failed
from cxaudit.i18n import word
from cxaudit.inert import inert
from cxaudit.report import FileReport, Finding, Report

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")  # $: GitHub renders $...$ as math
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ZWSP = "\u200b"  # zero-width space: breaks up what GitHub would turn into a link or mention


def escape(text: str) -> str:
    r"""Bot text as literal Markdown on one line, also safe inside a table cell.

    Control characters show as ``\x1b`` (``inert``), a newline as ``\n``; Markdown specials get
    a backslash, ``& < >`` become entities; ``@name``, ``#123``, ``http://`` and ``www.`` get a
    zero-width space so GitHub links no one and nothing.
    """
    text = inert(text).replace("\n", "\\n").replace("\t", " ")
    text = re.sub(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)", _ZWSP, text)
    text = _SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"[&<>]", lambda m: _HTML[m.group(0)], text)
    return re.sub(r"(?<=[@#])(?=\w)", _ZWSP, text)


#: GitHub drops a job summary over 1 MiB whole; the summary stays well under it.
MAX_BYTES = 512 * 1024


def render(report: Report, options: RenderOptions) -> str:
    lang = report.language
    blocks = [_file(f, lang) for f in report.files]
    if sum(len(b.encode("utf-8")) for b in blocks) > MAX_BYTES:
        blocks = _within(report, lang)
    if len(report.files) + report.invalid_files > 1:
        blocks.append(f"**{summary(report)}**\n")
    if report.errors:
        blocks.append("".join(f"- {escape(d.render())}\n" for d in report.errors))
    return "\n".join(blocks)


def _within(report: Report, lang: str) -> list[str]:
    """The files without their findings' details, as many as fit, and a line saying what was
    left out and where it is."""
    blocks: list[str] = []
    size = 0
    for file_report in report.files:
        block = _file(file_report, lang, details=False)
        size += len(block.encode("utf-8"))
        if size > MAX_BYTES:
            break
        blocks.append(block)
    left = len(report.files) - len(blocks)
    note = word(lang, "summary_cut", kib=MAX_BYTES // 1024, files=left)
    return [*blocks, f"**{note}**\n"]


def _file(report: FileReport, lang: str, *, details: bool = True) -> str:
    verdict = word(lang, "passed" if report.passed else "failed")
    gate = word(lang, "fail_under", fail_under=f"{report.fail_under:g}")
    bot = escape(report.bot)
    if report.organisation:
        bot += f" ({escape(report.organisation)})"
    out = [
        f"## {bot}: {word(lang, 'score')} {report.score:.1f}/100, "
        f"{word(lang, 'grade')} {report.grade}, {verdict}",
        "",
        f"{escape(report.path)} · {escape(report.sector)} · {word(lang, 'profile')} "
        f"{escape(report.profile)} · {gate}",
        "",
    ]
    if not report.passed:
        out += [f"**{escape(why_failed(report, lang))}**", ""]
    if report.weighed:
        factors = ", ".join(
            f"{w.rule} {escape(w.check)} ×{w.factor:g}" + (f" ({w.times}×)" if w.times > 1 else "")
            for w in report.weighed
        )
        out += [f"{word(lang, 'weighed')}: {factors}", ""]
    waived, baselined = report.suppressed("waiver"), report.suppressed("baseline")
    if waived or baselined:
        out += [word(lang, "suppressed_file", waived=waived, baselined=baselined), ""]
    if report.baseline is not None:
        b = report.baseline
        out += [
            word(
                lang,
                "baseline_line",
                path=escape(b.path),
                recorded=b.recorded_score,
                current=b.score_without_baseline,
                change=b.change,
                known=report.suppressed("baseline"),
            ),
            "",
        ]
    out += _rule_table(report, lang)
    if not details:
        return "\n".join(out)
    counting = [f for f in report.findings if f.counts]
    if not report.findings:
        out += [word(lang, "no_findings"), ""]
    for rule in report.rules:
        findings = [f for f in counting if f.rule == rule.id]
        if findings:
            title = f"{rule.id} {html.escape(rule.name)} ({len(findings)})"
            out += _details(title, [_finding(f, lang, report.path) for f in findings])
    known = {rule.id for rule in report.rules}
    for rule_id in sorted({f.rule for f in counting if f.rule not in known}):  # import notes
        findings = [f for f in counting if f.rule == rule_id]
        title = f"{escape(rule_id)} ({len(findings)})"
        out += _details(title, [_finding(f, lang, report.path) for f in findings])
    suppressed = [f for f in report.findings if not f.counts]
    if suppressed:
        title = f"{word(lang, 'waived')} / {word(lang, 'baselined')} ({len(suppressed)})"
        out += _details(title, [_finding(f, lang, report.path, rule=True) for f in suppressed])
    if report.baseline is not None and report.baseline.fixed:
        step = word(lang, "step")
        fixed = [
            f"- {e.rule}{f' · {step} {escape(e.step)}' if e.step else ''} · {escape(e.message)}"
            for e in report.baseline.fixed
        ]
        out += _details(word(lang, "fixed", count=len(fixed)), fixed)
    return "\n".join(out)


def _rule_table(report: FileReport, lang: str) -> list[str]:
    rows = [
        f"| {word(lang, 'rule')} | {word(lang, 'name')} | {word(lang, 'status')} "
        f"| {word(lang, 'score')} |",
        "| --- | --- | --- | ---: |",
    ]
    for rule in report.rules:
        score = f"{rule.score:.2f}" if rule.score is not None else "–"
        status = word(lang, rule.status.value)
        rows.append(f"| {rule.id} | {escape(rule.name)} | {status} | {score} |")
    return [*rows, ""]


def _details(summary: str, items: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *items, "", "</details>", ""]


def _finding(finding: Finding, lang: str, path: str, *, rule: bool = False) -> str:
    head = f"- `{position(finding, path).replace('`', chr(0x2032))}`"
    if rule:
        head += f" {finding.rule}"
    head += f" **{word(lang, finding.severity.value)}**"
    if finding.step:
        head += f" · {word(lang, 'step')} {escape(finding.step)}"
    head += f" · {escape(finding.message)}"
    related = also_at(finding, path, lang)
    if related:
        head += f"<br>{escape(related)}"
    s = finding.suppression
    if s is None:
        return f"{head}<br>{word(lang, 'hint')}: {escape(finding.hint)}"
    kind = word(lang, "waived" if s.kind == "waiver" else "baselined")
    return f"{head}<br>{kind}: {escape(s.reason)} ({escape(s.source)})"
