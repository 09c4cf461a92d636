"""One immutable report, handed as a whole to every formatter."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from cxaudit.diagnostics import Diagnostic

#: Version of the JSON report's shape (see cxaudit/schemas/report.schema.json).
REPORT_FORMAT = 1


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Status(enum.Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Finding:
    rule: str
    check: str
    severity: Severity
    message: str
    hint: str
    path: str  # the file
    data_path: str  # where in the document, e.g. flows[0].steps[3].say.nl
    step: str | None
    line: int
    column: int


@dataclass(frozen=True)
class RuleResult:
    id: str
    name: str
    area: str
    status: Status
    score: float | None  # None when skipped
    weight: float
    errors: int
    warnings: int
    infos: int


@dataclass(frozen=True)
class FileReport:
    path: str
    bot: str
    organisation: str | None
    sector: str
    languages: tuple[str, ...]
    score: float
    grade: str
    passed: bool
    rules: tuple[RuleResult, ...]
    findings: tuple[Finding, ...]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


@dataclass(frozen=True)
class Report:
    version: str
    language: str
    fail_under: float
    files: tuple[FileReport, ...]
    errors: tuple[Diagnostic, ...]  # input errors: files that could not be checked

    @property
    def passed(self) -> bool:
        return not self.errors and all(f.passed for f in self.files)

    @property
    def invalid_files(self) -> int:
        return len({d.path for d in self.errors})
