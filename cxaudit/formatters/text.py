"""What the line-oriented formatters share: a finding's position and the summary line."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from cxaudit.i18n import word
from cxaudit.inert import one_line
from cxaudit.report import FileReport, Finding, Report, Severity


def position(finding: Finding, base: str) -> str:
    """``line:column``, after the file's name when it is not the report's own file: the findings
    of an imported project are in the project's files (``data/rules.yml:12:5``)."""
    at = f"{finding.line}:{finding.column}"
    if finding.path == base:
        return at
    return f"{one_line(finding.path.removeprefix(base.rstrip('/') + '/'))}:{at}"


def also_at(finding: Finding, base: str, language: str, shown: int = 5) -> str:
    """The other places a finding's cause affects, on one line: ``also at: 12:5 [ask_order],
    data/rules.yml:40:7 [pay] and 3 more`` (empty when there are none)."""
    if not finding.related:
        return ""
    places = []
    for place in finding.related[:shown]:
        at = f"{place.line}:{place.column}"
        if place.path != base:
            at = f"{one_line(place.path.removeprefix(base.rstrip('/') + '/'))}:{at}"
        places.append(at + (f" [{one_line(place.step)}]" if place.step else ""))
    more = len(finding.related) - shown
    text = f"{word(language, 'also_at')}: " + ", ".join(places)
    return text + (word(language, "and_more", count=more) if more > 0 else "")


def summary(report: Report) -> str:
    """The closing line of a run: files passed and failed, and what was waived or baselined."""
    lang = report.language
    text = word(
        lang,
        "summary",
        files=len(report.files) + report.invalid_files,
        passed=sum(1 for f in report.files if f.passed),
        failed=sum(1 for f in report.files if not f.passed),
        invalid=report.invalid_files,
    )
    waived = sum(f.suppressed("waiver") for f in report.files)
    baselined = sum(f.suppressed("baseline") for f in report.files)
    if waived or baselined:
        text += " " + word(lang, "suppressed_summary", waived=waived, baselined=baselined)
    return text


def why_failed(report: FileReport, language: str) -> str:
    """Why a file fails the gate, in one line (empty when it passes): its score below the
    threshold, and its errors that count, by rule and check (the first few)."""
    if report.passed:
        return ""
    reasons = []
    if report.score < report.fail_under:
        reasons.append(
            word(
                language,
                "below_threshold",
                score=f"{report.score:.1f}",
                fail_under=f"{report.fail_under:g}",
            )
        )
    errors = [f for f in report.findings if f.counts and f.severity is Severity.ERROR]
    if errors:
        kinds = list(dict.fromkeys(f"{f.rule} {f.check}" for f in errors))
        listed = ", ".join(kinds[:3]) + (", ..." if len(kinds) > 3 else "")
        reasons.append(word(language, "error_findings", count=len(errors), which=listed))
    return word(language, "fails_because", reasons="; ".join(reasons))


def relative_path(path: str) -> str:
    """A file path relative to the repository root (the nearest folder up from the working
    folder that holds ``.git``; else the working folder), with ``/``: what code scanning and
    GitLab need to place it, also when cxaudit runs in a subfolder. One on another Windows
    drive, which has no relative form, stays absolute."""
    posix = path.replace("\\", "/")
    here = str(Path.cwd())
    root = repository_root(here)
    if root != here or Path(path).is_absolute() or posix.startswith("/"):
        try:
            posix = os.path.relpath(path, root).replace("\\", "/")
        except ValueError:  # another drive
            return posix
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


@functools.lru_cache(maxsize=8)
def repository_root(folder: str) -> str:
    """The nearest folder from ``folder`` up that holds ``.git`` (a folder, or a file in a
    worktree), else ``folder`` itself."""
    for candidate in (Path(folder), *Path(folder).parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return folder
