"""Runs the rules on each file and assembles the report.

Each file is loaded by :mod:`cxaudit.loading`; a file that fails to load is an input error for
that file (exit code 2) and the other files are still checked. The engine, not the rules,
decides severities (catalogue and configuration), positions (the source map), wording (the
report language), and what is waived or baselined.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import BinaryIO

from cxaudit._version import __version__
from cxaudit.baseline import apply_baseline
from cxaudit.budget import using
from cxaudit.catalogue import catalogue
from cxaudit.checks import REGISTRY
from cxaudit.checks.base import Context
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.discover import excluded, expand
from cxaudit.findings import Judged, group, import_note, judge
from cxaudit.graph import FlowGraph
from cxaudit.i18n import language_from_environment, word
from cxaudit.loading import Loaded, Settings, exclude_patterns, load, load_text_as
from cxaudit.reading import decode
from cxaudit.report import (
    DEFAULT_HELP_URL,
    BaselineComparison,
    FileReport,
    Finding,
    Report,
    RuleResult,
    Severity,
    Status,
    Suppression,
    SuppressionKind,
    Weighing,
)
from cxaudit.scoring import file_score, grade, round_score, rule_score, weigh
from cxaudit.waivers import apply_waivers


def audit_paths(
    arguments: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    settings: Settings | None = None,
) -> Report:
    """What ``cxaudit check ARGUMENTS`` reports, for a Python caller: the arguments are found the
    same way (files, folders searched for flow files, globs, Rasa and Dialogflow projects), every
    file is checked, and arguments that name nothing join the report's input errors. It is
    ``cxaudit.audit``; the command line calls it too.
    """
    if isinstance(arguments, (str, os.PathLike)):
        arguments = [arguments]  # one path, not the characters of its name
    return audit_paths_named(arguments, settings or Settings())[0]


def audit_paths_named(
    arguments: Sequence[str | os.PathLike[str]], settings: Settings
) -> tuple[Report, dict[str, Path]]:
    """:func:`audit_paths`, with each checked file's name as shown mapped to its path."""
    with using(settings.limits):
        files, problems = expand(
            [os.fspath(a) for a in arguments], projects=settings.source_format is not None
        )
        try:
            patterns = exclude_patterns(settings, Path.cwd())
        except InputError as exc:  # the configuration that holds the excludes is broken
            return Report(__version__, settings.language or "en", (), tuple(exc.diagnostics)), {}
    files = [(path, shown) for path, shown in files if not excluded(path, patterns)]
    report = audit_files(files, settings)
    if problems:
        report = replace(
            report,
            errors=(*problems, *report.errors),
            unchecked=(*(p.path for p in problems), *report.unchecked),
        )
    return report, {display: path for path, display in files}


def audit_text(text: str, name: str, settings: Settings, *, path: Path | None = None) -> Report:
    """Check one flow text (``cxaudit check -``, an editor's buffer): shown as ``name``, with
    the configuration of where ``path`` stands (default: the working folder)."""
    where = path if path is not None else Path.cwd() / "-"
    return audit_files(
        [(where, name)], settings, loader=lambda at, shown, s: load_text_as(text, at, shown, s)
    )


def audit_stream(stream: BinaryIO, name: str | None, settings: Settings) -> Report:
    """``cxaudit check -``: one flow read from ``stream`` (at most the file-size limit), named
    ``name`` (``--stdin-filename``: for the report, its configuration and the excludes)."""
    shown = name or "-"
    path = Path(name).absolute() if name else None
    try:
        with using(settings.limits):
            if path is not None and excluded(path, exclude_patterns(settings, Path.cwd())):
                return Report(__version__, settings.language or "en", (), ())
            text = decode(stream.read(settings.limits.file_bytes + 1), shown)
    except InputError as exc:
        return Report(__version__, settings.language or "en", (), tuple(exc.diagnostics), (shown,))
    return audit_text(text, shown, settings, path=path)


def audit_files(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    *,
    loader: Callable[[Path, str, Settings], Loaded] = load,
) -> Report:
    """Check every file (path, name to show) and return one report.

    Each file is checked as soon as it is loaded and its document dropped after, so a run over
    many big files holds one at a time. The report language is settled by the first file that
    loads (its configuration, else the reader's locale, else English), unless the settings give one.
    """
    reports: list[FileReport] = []
    errors: dict[tuple[str, int | None, int | None, str], Diagnostic] = {}
    unchecked: list[str] = []
    language = settings.language
    help_url = DEFAULT_HELP_URL
    with _gc_paused(), using(settings.limits):
        for path, display in files:
            try:
                item = loader(path, display, settings)
            except InputError as exc:
                unchecked.append(display)
                for d in exc.diagnostics:  # a broken shared configuration is reported once
                    errors.setdefault((d.path, d.line, d.column, d.message), d)
                continue
            if not reports:
                language = language or _language_of(item)
                help_url = item.effective.help_url.value
            reports.append(judge_file(item, settings, language or "en"))
    return Report(
        __version__,
        language or language_from_environment() or "en",
        tuple(reports),
        tuple(errors.values()),
        tuple(unchecked),
        help_url,
    )


def utc_today() -> date:
    """Today's date in UTC: a waiver that expires today does so at the same moment on a laptop
    in Amsterdam and a CI runner in California."""
    return datetime.now(timezone.utc).date()


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


def _language_of(item: Loaded) -> str:
    """The report language a file asks for: its configuration's, else the reader's locale
    (LC_ALL, LC_MESSAGES, LANG) when cxaudit speaks it, else English. The bot's languages decide what is checked,
    not what the reader reads."""
    if item.effective.lang.value is not None:
        return item.effective.lang.value
    return language_from_environment() or "en"


def _ignored(rule: str, check: str, language: str) -> Suppression:
    """What ``--ignore RULE/CHECK`` makes of that check's findings: accepted, like a waiver."""
    return Suppression(
        SuppressionKind.WAIVER, word(language, "ignored"), f"--ignore {rule}/{check}"
    )


def judge_file(item: Loaded, settings: Settings, language: str) -> FileReport:
    """Run the enabled rules on one loaded file, then apply waivers and the baseline.

    One way through: the rules' issues are judged (severity, places), waivers mark the issues
    they accept, issues become findings (one per cause), the baseline marks the findings it
    knows, and the score counts the issues of the findings that still count.
    """
    bot, document, effective = item.bot, item.document, item.effective
    context = Context(bot, FlowGraph(bot), strict=effective.strict)
    rules = catalogue()
    judged: list[Judged] = []
    units: dict[str, Mapping[str, int]] = {}
    blocked: set[str] = set()
    for rule_id, rule_check in REGISTRY.items():
        setting = effective.rules[rule_id]
        if not setting.enabled.value:
            continue
        outcome = rule_check(context, setting.option_values())
        units[rule_id] = outcome.units
        if outcome.blocked:
            blocked.add(rule_id)
        severity_of = {name: Severity(s.value) for name, s in setting.severities.items()}
        judged += judge(rule_id, outcome.issues, severity_of, document, bot)

    if settings.ignored_checks:  # as a waiver given on the command line: shown, not counted
        judged = [
            replace(j, suppression=_ignored(j.rule, j.issue.check, language))
            if (j.rule, j.issue.check) in settings.ignored_checks and j.suppression is None
            else j
            for j in judged
        ]
    notes: list[Finding] = []
    if settings.waivers and item.waivers:
        judged, notes = apply_waivers(
            judged,
            item.waivers,
            today=settings.today or utc_today(),
            strict=effective.strict_waivers.value,
            path=document.path,
            language=language,
        )
    groups = [
        group_item
        for rule_id in units
        for group_item in group(
            (j for j in judged if j.rule == rule_id),
            rules[rule_id].checks,
            document,
            language,
            item.platform,
        )
    ]

    comparison = None
    known = settings.baseline.for_file(item.path) if settings.baseline else None
    if settings.baseline is not None and known is not None:
        before = weigh(
            file_score(_results(groups, units, blocked, language)),
            (w.factor**w.times for w in _weighings(groups)),
        )
        marked, fixed = apply_baseline([f for f, _ in groups], known, settings.baseline.display)
        groups = [(f, members) for f, (_, members) in zip(marked, groups, strict=True)]
        comparison = BaselineComparison(settings.baseline.display, known.score, before, fixed)

    notes += [import_note(note, document.path, language) for note in item.notes]
    results = _results(groups, units, blocked, language)
    weighed = _weighings(groups)
    score = weigh(file_score(results), (w.factor**w.times for w in weighed))
    findings = sorted(
        [finding for finding, _ in groups] + notes,
        key=lambda f: (
            f.path != document.path,
            f.path,
            f.line,
            f.column,
            f.rule,
            f.check,
            f.message,
        ),
    )
    has_error = any(f.severity is Severity.ERROR and f.counts for f in findings)
    return FileReport(
        path=document.path,
        bot=bot.name,
        organisation=bot.organisation,
        sector=bot.sector,
        languages=bot.languages if bot.declared_languages else (),
        profile=effective.profile.value,
        config=effective.files,
        fail_under=effective.fail_under.value,
        score=score,
        grade=grade(score),
        passed=score >= effective.fail_under.value and not has_error,
        rules=tuple(results),
        findings=tuple(findings),
        baseline=comparison,
        weighed=weighed,
    )


Grouped = list[tuple[Finding, tuple[Judged, ...]]]


def _weighings(groups: Grouped) -> tuple[Weighing, ...]:
    """The failures that weigh the whole score down (catalogue ``weighs``): once per cause, that
    is per finding that counts (a bot that asks for a PIN and a CVV has two such causes), never
    per place a cause affects."""
    rules = catalogue()
    found: dict[tuple[str, str], tuple[float, int]] = {}
    for finding, _ in groups:
        factor = rules[finding.rule].checks[finding.check].weighs if finding.rule in rules else None
        if factor is not None and finding.counts and finding.severity is Severity.ERROR:
            times = found.get((finding.rule, finding.check), (factor, 0))[1]
            found[(finding.rule, finding.check)] = (factor, times + 1)
    return tuple(
        Weighing(rule, check, factor, times)
        for (rule, check), (factor, times) in sorted(found.items())
    )


def _results(
    groups: Grouped, units: Mapping[str, Mapping[str, int]], blocked: set[str], language: str
) -> list[RuleResult]:
    """Per-rule status and score from the issues of the findings that count (not waived, not
    baselined); a rule that did not run is disabled, one that found its subject missing is
    skipped with a score of 0."""
    results = []
    for rule_id, info in catalogue().items():
        if rule_id not in units:
            results.append(
                RuleResult(
                    rule_id,
                    info.name[language],
                    info.area,
                    Status.DISABLED,
                    None,
                    info.weight,
                    0,
                    0,
                    0,
                    0,
                )
            )
            continue
        mine = [(finding, members) for finding, members in groups if finding.rule == rule_id]
        counting = [
            (j.issue, finding.severity)
            for finding, members in mine
            if finding.counts
            for j in members
        ]
        unknown = frozenset(name for name, c in info.checks.items() if c.unknown)
        status, score = rule_score(counting, units[rule_id], unknown=unknown)
        if rule_id in blocked and not counting:
            status, score = Status.SKIPPED, 0.0
        findings = [finding for finding, _ in mine]
        results.append(
            RuleResult(
                id=rule_id,
                name=info.name[language],
                area=info.area,
                status=status,
                score=round_score(score, "0.001") if score is not None else None,
                weight=info.weight,
                errors=sum(1 for f in findings if f.counts and f.severity is Severity.ERROR),
                warnings=sum(1 for f in findings if f.counts and f.severity is Severity.WARNING),
                infos=sum(1 for f in findings if f.counts and f.severity is Severity.INFO),
                suppressed=sum(1 for f in findings if not f.counts),
            )
        )
    return results
