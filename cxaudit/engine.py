"""Runs the rules on each file and assembles the report.

Loading goes bytes -> document -> schema -> model; every failure on the way is an input error
for that file (exit code 2) and the other files are still checked. The engine, not the rules,
decides severities (from the catalogue), positions (from the source map) and wording (in the
report language).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cxaudit import __version__
from cxaudit.catalogue import LANGUAGES, RuleInfo, catalogue, fill
from cxaudit.checks import REGISTRY
from cxaudit.checks.base import Context, Issue, Param
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.graph import FlowGraph
from cxaudit.i18n import language_from_environment, word
from cxaudit.loader import DEFAULT_MAX_BYTES, Document, format_path, load_file
from cxaudit.model import Bot, build
from cxaudit.report import FileReport, Finding, Report, RuleResult, Severity
from cxaudit.schema import validate
from cxaudit.scoring import file_score, grade, round_score, rule_score

FLOW_SCHEMA = "flow.schema.json"
DEFAULT_FAIL_UNDER = 80.0


@dataclass(frozen=True)
class Settings:
    """Everything that changes what a check run does; built by the CLI or by Python callers."""

    language: str | None = None  # report language; None: the first bot's, then LANG, then en
    fail_under: float = DEFAULT_FAIL_UNDER
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class Loaded:
    """A file that loaded and validated: its document (for positions) and its model."""

    document: Document
    bot: Bot


def load(path: Path, display: str, settings: Settings) -> Loaded:
    """Read, validate and model one flow file; raises InputError with every problem found."""
    document = load_file(path, display, settings.max_bytes)
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        raise InputError(
            [
                Diagnostic(
                    display,
                    f"the top level is {kind}; a flow file is a map that starts with 'cxaudit: 1'",
                    1,
                    1,
                )
            ]
        )
    problems = validate(document, FLOW_SCHEMA)
    if problems:
        raise InputError(problems)
    return Loaded(document, build(document))


def audit(files: Sequence[tuple[Path, str]], settings: Settings) -> Report:
    """Check every file (path, name to show) and return one report."""
    loaded: list[Loaded] = []
    errors: list[Diagnostic] = []
    with _gc_paused():
        for path, display in files:
            try:
                loaded.append(load(path, display, settings))
            except InputError as exc:
                errors.extend(exc.diagnostics)
        language = settings.language or _default_language(loaded)
        reports = tuple(check(item, settings, language) for item in loaded)
    return Report(__version__, language, settings.fail_under, reports, tuple(errors))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Keep Python's cycle collector out of the way while a big document is built and checked.

    Building a 10,000-step document allocates millions of objects, none of them garbage yet; the
    collector would walk them all again and again (a third of the run time, measured). The
    previous state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _default_language(loaded: Sequence[Loaded]) -> str:
    for item in loaded[:1]:
        first = item.bot.languages[0]
        if first in LANGUAGES:
            return first
    return language_from_environment() or "en"


def check(item: Loaded, settings: Settings, language: str) -> FileReport:
    """Run every rule on one loaded file."""
    bot, document = item.bot, item.document
    context = Context(bot, FlowGraph(bot))
    rules = catalogue()
    results: list[RuleResult] = []
    findings: list[Finding] = []
    for rule_id, run in REGISTRY.items():
        info = rules[rule_id]
        outcome = run(context, info.defaults(strict=context.strict))
        stamped = [(issue, Severity(info.checks[issue.check].severity)) for issue in outcome.issues]
        status, score = rule_score(stamped, outcome.units)
        results.append(
            RuleResult(
                id=rule_id,
                name=info.name[language],
                area=info.area,
                status=status,
                score=round_score(score, "0.001") if score is not None else None,
                weight=info.weight,
                errors=sum(1 for _, s in stamped if s is Severity.ERROR),
                warnings=sum(1 for _, s in stamped if s is Severity.WARNING),
                infos=sum(1 for _, s in stamped if s is Severity.INFO),
            )
        )
        findings.extend(
            _finding(info, issue, severity, document, language) for issue, severity in stamped
        )
    findings.sort(key=lambda f: (f.line, f.column, f.rule, f.check, f.message))
    score = file_score(results)
    has_error = any(f.severity is Severity.ERROR for f in findings)
    return FileReport(
        path=document.path,
        bot=bot.name,
        organisation=bot.organisation,
        sector=bot.sector,
        languages=bot.languages if bot.declared_languages else (),
        score=score,
        grade=grade(score),
        passed=score >= settings.fail_under and not has_error,
        rules=tuple(results),
        findings=tuple(findings),
    )


def _finding(
    info: RuleInfo, issue: Issue, severity: Severity, document: Document, language: str
) -> Finding:
    check_info = info.checks[issue.check]
    params = _localise(issue, language)
    location = document.source_map.locate(issue.path, key=issue.key)
    return Finding(
        rule=info.id,
        check=issue.check,
        severity=severity,
        message=fill(check_info.message[language], params),
        hint=fill(check_info.hint[language], params),
        path=document.path,
        data_path=format_path(issue.path),
        step=issue.step,
        line=location.line,
        column=location.column,
    )


def _localise(issue: Issue, language: str) -> dict[str, str]:
    params: dict[str, str] = {"step": issue.step or ""}
    for name, value in issue.params.items():
        params[name] = _pick(value, language)
    if "did_you_mean" in params:
        guess = params["did_you_mean"]
        params["did_you_mean"] = word(language, "did_you_mean", value=guess) if guess else ""
    return params


def _pick(value: Param, language: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(language) or value.get("en") or next(iter(value.values()), "")
