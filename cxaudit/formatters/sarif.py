"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, IDE viewers).

One run. The driver lists all ten rules with their catalogue texts in the report language, so a
viewer can explain a rule that has no result in this run. Each finding that counts is a result.
Waived and baselined findings are left out: GitHub code scanning ignores SARIF suppressions and
would show them as open alerts while the gate passes. Asked for (``--sarif-suppressed``), they
are results with a suppression (a waiver is ``inSource``: it is written in the flow file; the
baseline is ``external``), for the tools that read them. ``partialFingerprints`` carries cxaudit's own
fingerprint, which ignores line numbers, so alerts survive edits elsewhere in the file. Input
errors are tool execution notifications.

Bot texts are made inert: control characters visible, ``[`` and ``]`` escaped in plain-text
messages (SARIF reads ``[text](target)`` there as an embedded link), Markdown escaped in
``message.markdown``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cxaudit.catalogue import RuleInfo, catalogue
from cxaudit.diagnostics import Diagnostic
from cxaudit.formatters import RenderOptions
from cxaudit.formatters.markdown import escape as markdown
from cxaudit.formatters.text import relative_path
from cxaudit.i18n import word
from cxaudit.inert import inert, json_text
from cxaudit.report import FileReport, Finding, Report, Severity, Suppression

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "cxaudit/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_WHY = {"en": "Why", "nl": "Waarom"}
#: Related locations per result: viewers show them as a list; the JSON report has them all.
MAX_RELATED = 100
#: The most results GitHub code scanning takes from one run.
MAX_RESULTS = 25_000


def render(report: Report, options: RenderOptions) -> str:
    return json_text(as_dict(report, suppressed=options.suppressed))


def as_dict(report: Report, *, suppressed: bool = False) -> dict[str, Any]:
    rules = catalogue()
    index = {rule_id: i for i, rule_id in enumerate(rules)}
    driver: dict[str, Any] = {"name": "cxaudit", "version": report.version}
    information = information_uri(report.help_url)
    if information:
        driver["informationUri"] = information
    driver["rules"] = [_rule(info, report) for info in rules.values()]
    found = _found(report, suppressed=suppressed)
    run = {
        "tool": {"driver": driver},
        "invocations": [_invocation(report.errors, max(0, len(found) - MAX_RESULTS))],
        "language": report.language,
        "columnKind": "unicodeCodePoints",  # the loader counts columns in characters
        "results": [
            _result(f, file_report, index, report.language) for file_report, f in _kept(found)
        ],
        "properties": {"passed": report.passed, "files": [_file(f) for f in report.files]},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def information_uri(help_url: str) -> str | None:
    """The documentation's home: help_url up to the last ``/`` before ``{rule}``, if a web URL."""
    base = help_url.split("{rule}")[0]
    base = base[: base.rfind("/") + 1]
    parts = urlsplit(base)
    return base if parts.scheme in ("http", "https") and parts.netloc else None


def artifact_uri(path: str) -> str:
    """A file path as a relative URI reference, with ``/``, percent-encoded: an absolute path
    is made relative to the working folder (the repository root, where CI runs cxaudit), so
    code scanning can place it and no report names the runner's folders. Only a path on
    another Windows drive, which has no relative form, stays an absolute ``file:`` URI."""
    # Only on Windows is "C:/..." a drive: elsewhere a folder may be named "C:" (its colon is
    # then percent-encoded, so the reference stays relative, never a scheme).
    relative = relative_path(path)
    if Path(relative).is_absolute() or relative.startswith("/"):  # another drive
        return "file:///" + quote(relative.lstrip("/"), safe="/:")
    return quote(relative)


def plain(text: str) -> str:
    r"""A plain-text SARIF message: inert, with ``\ [ ]`` escaped so nothing reads as a link."""
    return re.sub(r"([\\\[\]])", r"\\\1", inert(text))


def _rule(info: RuleInfo, report: Report) -> dict[str, Any]:
    lang = report.language
    severity = min((Severity(c.severity) for c in info.checks.values()), key=lambda s: s.rank)
    description = info.description[lang] or info.summary[lang]
    evidence = [(e.text[lang], e.source) for e in info.evidence]
    # One line per paragraph: the catalogue's YAML is wrapped at 100 columns, viewers wrap anew.
    text = "\n\n".join(" ".join(p.split()) for p in description.split("\n\n") if p.strip())
    markdown_text = text
    if evidence:
        text += f"\n\n{_WHY[lang]}:\n" + "\n".join(f"- {t} ({s})" for t, s in evidence)
        markdown_text += f"\n\n**{_WHY[lang]}**\n\n" + "\n".join(
            f"- {t} (*{s}*)" for t, s in evidence
        )
    return {
        "id": info.id,
        "name": "".join(w[:1].upper() + w[1:] for w in re.findall(r"\w+", info.name["en"])),
        "shortDescription": {"text": info.name[lang]},
        "fullDescription": {"text": info.summary[lang]},
        "help": {"text": text, "markdown": markdown_text},
        "helpUri": report.help_url.replace("{rule}", info.id),
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {
            "area": info.area,
            "weight": info.weight,
            # What GitHub code scanning reads: how often a result is right (rules that read
            # language with lexicons miss and misread more than those that read the flow's
            # structure) and how grave it is.
            "precision": "medium" if _reads_language(info) else "high",
            "problem.severity": _PROBLEM[severity],
            "tags": ["cxaudit", "customer-contact", info.area],
        },
    }


#: GitHub's ``problem.severity`` for a rule's most severe check.
_PROBLEM = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}


def _reads_language(info: RuleInfo) -> bool:
    """Does the rule judge texts with lexicons (it can say a language is beyond it)?"""
    return any(check in info.checks for check in ("no-lexicon", "not-judged"))


def _result(
    finding: Finding, file_report: FileReport, index: dict[str, int], lang: str
) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    result["level"] = _LEVEL[finding.severity]
    hint = f"{word(lang, 'hint')}: {markdown(finding.hint)}"
    result["message"] = {
        "text": plain(finding.message),
        "markdown": f"{markdown(finding.message)}\n\n{hint}",
    }
    result["locations"] = [
        _location(
            finding.path, finding.line, finding.column, (finding.end_line, finding.end_column)
        )
    ]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": i,
                **_location(place.path, place.line, place.column),
                "message": {"text": plain(place.step or place.data_path or place.path)},
            }
            for i, place in enumerate(finding.related[:MAX_RELATED], start=1)
        ]
    result["partialFingerprints"] = {FINGERPRINT: finding.fingerprint}
    if finding.suppression is not None:
        result["suppressions"] = [_suppression(finding.suppression)]
    if file_report.baseline is not None:
        baselined = finding.suppression is not None and finding.suppression.kind == "baseline"
        result["baselineState"] = "unchanged" if baselined else "new"
    result["properties"] = _inert_values(
        {
            "check": finding.check,
            "count": str(finding.count),
            "step": finding.step,
            "dataPath": finding.data_path,
            "hint": finding.hint,
        }
    )
    return result


def _location(
    path: str,
    line: int | None,
    column: int | None,
    end: tuple[int | None, int | None] = (None, None),
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path)}}
    if line is not None:
        region = {"startLine": max(line, 1), "startColumn": max(column or 1, 1)}
        end_line, end_column = end
        if end_line is not None and end_line >= region["startLine"]:
            region["endLine"] = end_line
            # No endColumn: to the end of that line (SARIF's default).
            if end_column is not None and (end_line > line or end_column > region["startColumn"]):
                region["endColumn"] = end_column
        physical["region"] = region
    return {"physicalLocation": physical}


def _suppression(suppression: Suppression) -> dict[str, Any]:
    return {
        "kind": "inSource" if suppression.kind == "waiver" else "external",
        "status": "accepted",
        "justification": inert(suppression.reason),
        "properties": _inert_values(
            {
                "source": suppression.source,
                "owner": suppression.owner,
                "expires": suppression.expires,
            }
        ),
    }


def _found(report: Report, *, suppressed: bool) -> list[tuple[FileReport, Finding]]:
    """The findings that are results: those that count, and the suppressed ones if asked."""
    return [
        (file_report, f)
        for file_report in report.files
        for f in file_report.findings
        if suppressed or f.suppression is None
    ]


def _kept(found: list[tuple[FileReport, Finding]]) -> list[tuple[FileReport, Finding]]:
    """The results to upload, in report order: all of them, or over :data:`MAX_RESULTS` the
    most important (errors that count first, suppressed ones last)."""
    if len(found) <= MAX_RESULTS:
        return found
    rank = sorted(
        range(len(found)),
        key=lambda i: (not found[i][1].counts, found[i][1].severity.rank, i),
    )
    keep = set(rank[:MAX_RESULTS])
    return [item for i, item in enumerate(found) if i in keep]


def _invocation(errors: tuple[Diagnostic, ...], left_out: int = 0) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": not errors}
    notifications = [
        {
            "level": "error",
            "message": {"text": plain(d.message)},
            "locations": [_location(d.path, d.line, d.column)],
        }
        for d in errors
    ]
    if left_out:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{left_out} more results are left out: GitHub code scanning takes "
                    f"at most {MAX_RESULTS:,} per run; the JSON report has them all."
                },
            }
        )
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _file(report: FileReport) -> dict[str, Any]:
    """Per file what SARIF has no place for: the bot, its score and grade, the baseline."""
    data: dict[str, Any] = {
        "uri": artifact_uri(report.path),
        "bot": inert(report.bot),
        "score": report.score,
        "grade": report.grade,
        "passed": report.passed,
        "failUnder": report.fail_under,
        "profile": report.profile,
        # Waived and baselined findings: results only with --sarif-suppressed.
        "suppressed": sum(1 for f in report.findings if f.suppression is not None),
        "weighed": [
            {"rule": w.rule, "check": w.check, "factor": w.factor, "times": w.times}
            for w in report.weighed
        ],
    }
    if report.baseline is not None:
        b = report.baseline
        data["baseline"] = {
            "path": inert(b.path),
            "recordedScore": b.recorded_score,
            "currentScore": b.score_without_baseline,
            "change": b.change,
            "fixed": [
                _inert_values(
                    {"rule": e.rule, "check": e.check, "step": e.step, "message": e.message}
                )
                for e in b.fixed
            ],
        }
    return data


def _inert_values(values: dict[str, str | None]) -> dict[str, str]:
    """A property bag without the empty values, each made inert."""
    return {key: inert(value) for key, value in values.items() if value is not None}
