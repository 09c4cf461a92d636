"""Making bot texts inert before they reach any output: no control characters, no escapes."""

from __future__ import annotations

import re

from cxaudit.i18n import word
from cxaudit.report import Finding, Report

# C0 and C1 control characters (ESC starts ANSI sequences), except tab and newline, the line and
# paragraph separators (line breaks to YAML and to some terminals), and the bidirectional
# overrides and isolates that make text display in another order than it reads.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def inert(text: str) -> str:
    r"""Show control characters as visible escapes: ``"\x1b[31m"`` becomes ``\x1b[31m``."""
    return _CONTROL.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    r"""``inert`` text that also keeps to its line: a newline shows as ``\n``, a tab as ``\t``.

    For every line-oriented output (terminal, concise, stderr): a bot name holding a newline and
    ``::error::`` must not start a line of its own, where GitHub Actions would run it as a command.
    """
    return inert(text).replace("\n", "\\n").replace("\t", "\\t")


def position(finding: Finding, base: str) -> str:
    """``line:column``, after the file's name when it is not the report's own file: the findings
    of an imported project are in the project's files (``data/rules.yml:12:5``)."""
    at = f"{finding.line}:{finding.column}"
    if finding.path == base:
        return at
    return f"{one_line(finding.path.removeprefix(base.rstrip('/') + '/'))}:{at}"


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
