"""One immutable report, handed as a whole to every formatter."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from cxaudit._version import __version__
from cxaudit.diagnostics import Diagnostic

#: Version of the JSON report's shape (see cxaudit/schemas/report.schema.json).
REPORT_FORMAT = 2


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
    UNKNOWN = "unknown"  # what the rule needs is not in the files (not a pass: scored as failing)
    SKIPPED = "skipped"  # the rule does not apply: the bot does nothing it is about
    DISABLED = "disabled"  # turned off by configuration


class SuppressionKind(str, enum.Enum):
    WAIVER = "waiver"
    BASELINE = "baseline"


@dataclass(frozen=True)
class Suppression:
    """Why a finding does not count: a waiver (with its reason) or the baseline."""

    kind: SuppressionKind
    reason: str
    source: str  # where it was granted: "flow.yaml:12" or the baseline file
    owner: str | None = None
    expires: str | None = None  # YYYY-MM-DD


@dataclass(frozen=True)
class Place:
    """Another place a finding stands for: a step with the same problem, and where it is."""

    path: str  # the file
    line: int
    column: int
    step: str | None
    data_path: str


@dataclass(frozen=True)
class Finding:
    """One cause: a rule's check that fails, where the fix goes, and every place it affects.

    A cause that touches many steps (one fallback that loops at 28 questions) is one finding:
    ``count`` is how many places it stands for, ``related`` lists them beyond the first.
    """

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
    fingerprint: str  # stable across edits elsewhere in the file (no line numbers in it)
    suppression: Suppression | None = None
    related: tuple[Place, ...] = ()  # the other places this cause affects
    count: int = 1  # how many places (steps, texts, intents) it affects, this one included
    # The fingerprint of each place's own issue: a baseline knows a finding only when it knows
    # every part (a new text with the same problem is new); empty for one part, the fingerprint.
    parts: tuple[str, ...] = ()
    # Where the offending value ends, when known (see Location): for SARIF's region.
    end_line: int | None = None
    end_column: int | None = None

    @property
    def identities(self) -> tuple[str, ...]:
        return self.parts or (self.fingerprint,)

    @property
    def counts(self) -> bool:
        """Does this finding count for the score and the gate (not waived, not baselined)?"""
        return self.suppression is None


@dataclass(frozen=True)
class RuleResult:
    id: str
    name: str
    area: str
    status: Status
    score: float | None  # None when skipped or disabled
    weight: float
    errors: int  # findings that count, by severity
    warnings: int
    infos: int
    suppressed: int  # waived or baselined findings


@dataclass(frozen=True)
class FixedEntry:
    """A baseline entry that no longer matches any finding: fixed (or moved beyond recognition)."""

    rule: str
    check: str
    step: str | None
    message: str


@dataclass(frozen=True)
class BaselineComparison:
    path: str  # the baseline file
    recorded_score: float  # the file's score when the baseline was taken
    score_without_baseline: float  # the score now if there were no baseline (waivers still apply)
    fixed: tuple[FixedEntry, ...]

    @property
    def change(self) -> float:
        return round(self.score_without_baseline - self.recorded_score, 1)


@dataclass(frozen=True)
class Weighing:
    """A failure that weighs the whole score down: its rule, its check and the factor."""

    rule: str
    check: str
    factor: float
    times: int = 1  # how many causes of this check: the score is multiplied by factor ** times


@dataclass(frozen=True)
class FileReport:
    path: str
    bot: str
    organisation: str | None
    sector: str
    languages: tuple[str, ...]
    profile: str
    config: tuple[str, ...]  # configuration files used, base first
    fail_under: float
    score: float  # what the gate uses: waived and baselined findings left out
    grade: str
    passed: bool
    rules: tuple[RuleResult, ...]
    findings: tuple[Finding, ...]
    baseline: BaselineComparison | None = None
    weighed: tuple[Weighing, ...] = ()  # the failures that multiplied the score down

    def count(self, severity: Severity) -> int:
        """Findings of this severity that count (not waived, not baselined)."""
        return sum(1 for f in self.findings if f.severity is severity and f.counts)

    def suppressed(self, kind: str) -> int:
        return sum(
            1 for f in self.findings if f.suppression is not None and f.suppression.kind == kind
        )


#: The repository cxaudit is developed in (also in pyproject.toml's [project.urls]).
REPOSITORY_URL = "https://github.com/cxaudit/cxaudit"
#: Each rule's page in docs/rules/ (generated from the catalogue), at this release's tag, so a
#: link says what the rules of the installed version check. Configurable: ``help_url``.
DEFAULT_HELP_URL = f"{REPOSITORY_URL}/blob/v{__version__}/docs/rules/{{rule}}.md"


@dataclass(frozen=True)
class Report:
    version: str
    language: str
    files: tuple[FileReport, ...]
    errors: tuple[Diagnostic, ...]  # input errors, in flow files or their configuration
    unchecked: tuple[str, ...] = ()  # the flow files those errors kept from being checked
    help_url: str = DEFAULT_HELP_URL  # rule documentation, {rule} -> CX03

    @property
    def passed(self) -> bool:
        return not self.errors and all(f.passed for f in self.files)

    @property
    def invalid_files(self) -> int:
        return len(self.unchecked)
