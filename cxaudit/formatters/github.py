"""GitHub Actions workflow commands: one annotation per finding that counts.

``::error file=PATH,line=L,col=C,title=CX10 (feigned-empathy)::message``. Each command is one
line: bot texts are escaped as GitHub asks (``%``, CR and LF in the message; also ``:`` and ``,``
in property values), so a quoted ``\n::set-output`` cannot start a command of its own. Waived
and baselined findings must not annotate the pull request; one closing notice counts them.

GitHub shows at most ten error and ten warning annotations per step (and drops the rest
silently), so the most severe come first, each kind stops at ten, and a notice says how many
more there are and where to read them.
"""

from __future__ import annotations

from collections import Counter

from cxaudit.formatters import RenderOptions
from cxaudit.formatters.text import relative_path, why_failed
from cxaudit.i18n import word
from cxaudit.inert import inert
from cxaudit.report import Finding, Report, Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


#: How many annotations of each kind GitHub shows per step.
PER_KIND = 10


def render(report: Report, options: RenderOptions) -> str:
    lang = report.language
    commands = [
        (
            "error",
            _command("error", {"file": _path(d.path), "line": d.line, "col": d.column}, d.message),
        )
        for d in report.errors
    ]
    # Why the failing files fail comes first, in one annotation: a file may fail on its score
    # with no error of its own, and many failing files must not take every error's place.
    failing = [f for f in report.files if not f.passed]
    if failing:
        reasons = " ".join(f"{f.path}: {why_failed(f, lang)}" for f in failing)
        commands.append(("error", _command("error", {"title": "cxaudit gate"}, reasons)))
    counting = [f for file_report in report.files for f in file_report.findings if f.counts]
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):  # the most severe first
        commands += [
            (_COMMAND[f.severity], _finding(f, lang)) for f in counting if f.severity is severity
        ]
    waived = sum(f.suppressed("waiver") for f in report.files)
    baselined = sum(f.suppressed("baseline") for f in report.files)
    # The closing notices (what was left out, what was waived) are notices too: room is kept.
    limit = {
        "error": PER_KIND,
        "warning": PER_KIND,
        "notice": PER_KIND - 1 - bool(waived or baselined),
    }
    lines: list[str] = []
    shown: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for kind, line in commands:
        if shown[kind] < limit[kind]:
            shown[kind] += 1
            lines.append(line)
        else:
            left[kind] += 1
    if left:
        what = ", ".join(
            word(lang, f"left_{kind}", count=left[kind])
            for kind in ("error", "warning", "notice")
            if left[kind]
        )
        text = word(lang, "annotations_left", what=what, limit=PER_KIND)
        lines.append(_command("notice", {}, f"cxaudit: {text}"))
    if waived or baselined:
        text = word(lang, "suppressed_summary", waived=waived, baselined=baselined)
        lines.append(_command("notice", {}, f"cxaudit: {text}"))
    return "".join(line + "\n" for line in lines)


def _finding(finding: Finding, lang: str) -> str:
    properties: dict[str, object] = {
        "file": _path(finding.path),
        "line": finding.line,
        "col": finding.column,
        "title": f"{finding.rule} ({finding.check})",
    }
    message = f"{finding.message}\n{word(lang, 'hint')}: {finding.hint}"
    return _command(_COMMAND[finding.severity], properties, message)


def _path(path: str) -> str:
    """The runner places an annotation by a path from the repository root (the workspace),
    also when cxaudit runs in a subfolder (``working-directory:``)."""
    return relative_path(path)


def _command(name: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """The message part: control characters made visible, then ``%``, CR and LF encoded."""
    return inert(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as the message, and ``:`` and ``,`` encoded as well."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
