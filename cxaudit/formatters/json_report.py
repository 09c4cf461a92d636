"""The JSON report: versioned, documented in cxaudit/schemas/report.schema.json."""

from __future__ import annotations

from typing import Any

from cxaudit.formatters import RenderOptions
from cxaudit.inert import json_text
from cxaudit.report import REPORT_FORMAT, FileReport, Finding, Report, Severity


def render(report: Report, options: RenderOptions) -> str:
    return json_text(as_dict(report))


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "cxaudit": report.version,
        "format": REPORT_FORMAT,
        "language": report.language,
        "passed": report.passed,
        "summary": {
            "files": len(report.files) + report.invalid_files,
            "passed": sum(1 for f in report.files if f.passed),
            "failed": sum(1 for f in report.files if not f.passed),
            "invalid": report.invalid_files,
            "errors": sum(f.count(Severity.ERROR) for f in report.files),
            "warnings": sum(f.count(Severity.WARNING) for f in report.files),
            "infos": sum(f.count(Severity.INFO) for f in report.files),
            "waived": sum(f.suppressed("waiver") for f in report.files),
            "baselined": sum(f.suppressed("baseline") for f in report.files),
        },
        "files": [_file(f) for f in report.files],
        "errors": [
            {"path": d.path, "line": d.line, "column": d.column, "message": d.message}
            for d in report.errors
        ],
    }


def _file(report: FileReport) -> dict[str, Any]:
    baseline = None
    if report.baseline is not None:
        baseline = {
            "path": report.baseline.path,
            "recorded_score": report.baseline.recorded_score,
            "score_without_baseline": report.baseline.score_without_baseline,
            "change": report.baseline.change,
            "fixed": [
                {"rule": e.rule, "check": e.check, "step": e.step, "message": e.message}
                for e in report.baseline.fixed
            ],
        }
    return {
        "path": report.path,
        "bot": report.bot,
        "organisation": report.organisation,
        "sector": report.sector,
        "languages": list(report.languages),
        "profile": report.profile,
        "config": list(report.config),
        "fail_under": report.fail_under,
        "score": report.score,
        "grade": report.grade,
        "passed": report.passed,
        "rules": [
            {
                "id": r.id,
                "name": r.name,
                "area": r.area,
                "status": r.status.value,
                "score": r.score,
                "weight": r.weight,
                "findings": {
                    "error": r.errors,
                    "warning": r.warnings,
                    "info": r.infos,
                    "suppressed": r.suppressed,
                },
            }
            for r in report.rules
        ],
        "weighed": [
            {"rule": w.rule, "check": w.check, "factor": w.factor, "times": w.times}
            for w in report.weighed
        ],
        "findings": [finding(f) for f in report.findings],
        "baseline": baseline,
    }


def finding(f: Finding) -> dict[str, Any]:
    suppression = None
    if f.suppression is not None:
        s = f.suppression
        suppression = {
            "kind": s.kind,
            "reason": s.reason,
            "source": s.source,
            "owner": s.owner,
            "expires": s.expires,
        }
    return {
        "rule": f.rule,
        "check": f.check,
        "severity": f.severity.value,
        "message": f.message,
        "hint": f.hint,
        "path": f.path,
        "step": f.step,
        "line": f.line,
        "column": f.column,
        "data_path": f.data_path,
        "fingerprint": f.fingerprint,
        "suppression": suppression,
        "count": f.count,
        "related": [
            {
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "step": p.step,
                "data_path": p.data_path,
            }
            for p in f.related
        ],
    }
