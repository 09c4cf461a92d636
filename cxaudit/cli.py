"""The command line: options -> typed settings -> run -> exit code. Nothing else lives here."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cxaudit.cli_options import (
    DEFAULT_BASELINE,
    ENGLISH,
    MACHINE_FORMATS,
    TERMINAL,
    BaselineOpt,
    BaselineOutputOpt,
    Color,
    ColorOpt,
    ConfigOpt,
    DocLangOpt,
    ExcludeOpt,
    ExitZeroOpt,
    FailUnderOpt,
    FilesArg,
    FlowOutputOpt,
    FormatOpt,
    FromOpt,
    IgnoreOpt,
    LangOpt,
    LimitOpt,
    LimitsJsonOpt,
    MaxSizeOpt,
    NoWaiversOpt,
    OutputOpt,
    ProfileOpt,
    ProjectArg,
    ProjectFormatArg,
    QuietOpt,
    RecordLangOpt,
    ReportsOpt,
    RulesJsonOpt,
    SarifSuppressedOpt,
    SchemaName,
    SelectOpt,
    SettingsFileArg,
    SettingsJsonOpt,
    StatisticsOpt,
    StdinFilenameOpt,
    StrictWaiversOpt,
    TodayOpt,
    VersionOpt,
    parse_day,
    parse_ids,
    parse_limits,
    report_target,
    run_warnings,
    usage_problem,
    wants_color,
)
from cxaudit.formatters import RenderOptions, get
from cxaudit.writing import StreamError, abandon_stdout, write_stream

if TYPE_CHECKING:
    from cxaudit.baseline import Baseline
    from cxaudit.budget import Limits
    from cxaudit.report import Report

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2

app = typer.Typer(
    name="cxaudit",
    help="Audit AI customer-contact bots against ten golden rules: a scored report and a CI gate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
config_app = typer.Typer(
    help="Inspect the configuration.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(config_app, name="config")


@app.callback()
def main_options(version: VersionOpt = None) -> None:
    """Audit AI customer-contact bots against ten golden rules."""


@contextlib.contextmanager
def _input_errors_exit() -> Iterator[None]:
    """An input error (a file that cannot be read or imported) is printed and exits 2."""
    from cxaudit.diagnostics import InputError

    try:
        yield
    except InputError as exc:
        for diagnostic in exc.diagnostics:
            write_stream(diagnostic.render() + "\n", "stderr")
        raise typer.Exit(EXIT_INPUT) from None


def _fail(message: str) -> typer.Exit:
    from cxaudit.inert import one_line

    # A message may hold a file name from the command line or a project: shown inert.
    write_stream(f"cxaudit: error: {one_line(message)}\n", "stderr")
    return typer.Exit(EXIT_INPUT)


@app.command()
def check(
    files: FilesArg,
    output_format: FormatOpt = TERMINAL,
    output: OutputOpt = None,
    reports: ReportsOpt = None,
    lang: LangOpt = None,
    fail_under: FailUnderOpt = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    baseline: BaselineOpt = None,
    no_waivers: NoWaiversOpt = False,
    strict_waivers: StrictWaiversOpt = False,
    today: TodayOpt = None,
    statistics: StatisticsOpt = False,
    color: ColorOpt = Color.auto,
    exit_zero: ExitZeroOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    exclude: ExcludeOpt = None,
    quiet: QuietOpt = False,
    stdin_filename: StdinFilenameOpt = None,
    sarif_suppressed: SarifSuppressedOpt = False,
    source_format: FromOpt = None,
    max_file_size: MaxSizeOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Check flow files ('-': one on standard input) against the ten golden rules; exit 0 if all pass, 1 if one fails, 2 on bad input."""
    from cxaudit.engine import audit_paths, audit_stream
    from cxaudit.loading import Settings

    try:
        extra = [report_target(spec) for spec in reports or []]
    except ValueError as exc:
        raise _fail(str(exc)) from None
    limits = parse_limits(limit, max_file_size)
    known = _read_baseline(baseline, limits) if baseline is not None else None
    selected, ignored = parse_ids(select, checks=False), parse_ids(ignore, checks=True)
    if problem := usage_problem(files, stdin_filename, selected, ignored):
        raise _fail(problem)
    settings = Settings(
        language=lang.value if lang else None,
        fail_under=fail_under,
        profile=profile.value if profile else None,
        config=config,
        limits=limits,
        waivers=not no_waivers,
        strict_waivers=True if strict_waivers else None,
        baseline=known,
        today=parse_day(today),
        source_format=source_format.value if source_format else None,
        select=selected,
        ignore=ignored,
        exclude=tuple(exclude or ()),
    )
    report = (
        audit_stream(sys.stdin.buffer, stdin_filename, settings)
        if files == ["-"]
        else audit_paths(files, settings)
    )
    for warning in run_warnings(report, baseline if known is not None else None):
        write_stream(f"cxaudit: warning: {warning}\n", "stderr")
    to_terminal = output is None and sys.stdout.isatty()
    colored = wants_color(
        color, to_terminal=to_terminal, environ=os.environ if output is None else {}
    )
    width = shutil.get_terminal_size((100, 24)).columns if to_terminal else 100
    options = RenderOptions(color=colored, width=width, suppressed=sarif_suppressed)
    shown = not (quiet and report.passed and not report.errors)
    if shown:
        _deliver(get(output_format.value)(report, options), output)
    for target_format, target in extra:
        plain = replace(options, color=False, width=100)
        _deliver(get(target_format.value)(report, plain), target)
    if statistics and shown:  # beside a data format on stdout, on stderr
        from cxaudit.formatters.statistics import render as render_statistics

        stream = "stderr" if output is None and output_format in MACHINE_FORMATS else "stdout"
        write_stream(render_statistics(report), stream)
    _print_input_errors(report)
    if report.errors:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_OK if report.passed or exit_zero else EXIT_FAILED)


@app.command("baseline")
def take_baseline(
    files: FilesArg,
    output: BaselineOutputOpt = DEFAULT_BASELINE,
    lang: RecordLangOpt = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    no_waivers: NoWaiversOpt = False,
    today: TodayOpt = None,
    source_format: FromOpt = None,
    max_file_size: MaxSizeOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Record today's findings so that `check --baseline` fails only on new ones."""
    from cxaudit.baseline import accepted, render_baseline
    from cxaudit.engine import audit_paths_named
    from cxaudit.loading import Settings

    settings = Settings(
        language=lang.value if lang else None,
        profile=profile.value if profile else None,
        config=config,
        limits=parse_limits(limit, max_file_size),
        waivers=not no_waivers,
        today=parse_day(today),
        source_format=source_format.value if source_format else None,
    )
    report, paths = audit_paths_named(files, settings)
    _print_input_errors(report)
    if report.errors:
        write_stream("cxaudit: no baseline written: fix the input errors first\n", "stderr")
        raise typer.Exit(EXIT_INPUT)
    text = render_baseline(((paths[f.path], f) for f in report.files), output.parent)
    _deliver(text, output)
    count = sum(len(accepted(f)) for f in report.files)
    write_stream(
        f"Recorded {count} finding(s) in {len(report.files)} file(s) to {output}; "
        f"`cxaudit check --baseline {output}` now fails only on new ones.\n"
    )


@app.command("import")
def import_project(
    source_format: ProjectFormatArg,
    path: ProjectArg,
    output: FlowOutputOpt = None,
    max_file_size: MaxSizeOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Write a Rasa or Dialogflow project as a flow file, to keep and enrich by hand."""
    from cxaudit.budget import using
    from cxaudit.importers.load import import_path
    from cxaudit.importers.write import render_flow

    with _input_errors_exit(), using(parse_limits(limit, max_file_size)):
        project = import_path(path, str(path), source_format.value)
    _deliver(render_flow(project), output)
    if output is None:
        return
    write_stream(
        f"Wrote {output} from {path} ({project.kind}); check it with `cxaudit check {output}`.\n",
        "stderr",
    )


@config_app.command("limits")
def config_limits(
    max_file_size: MaxSizeOpt = None,
    limit: LimitOpt = None,
    as_json: LimitsJsonOpt = False,
) -> None:
    """Print the resource budget of a run: each limit, its value and what it counts."""
    from cxaudit.budget import render_limits

    write_stream(render_limits(parse_limits(limit, max_file_size), as_json=as_json))


@config_app.command("show")
def config_show(
    file: SettingsFileArg = None,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    fail_under: FailUnderOpt = None,
    lang: LangOpt = None,
    strict_waivers: StrictWaiversOpt = False,
    as_json: SettingsJsonOpt = False,
) -> None:
    """Print the effective settings and where each one came from (flags included)."""
    from cxaudit.formatters.settings import render_settings, settings_json
    from cxaudit.loading import Settings, effective_settings, load

    settings = Settings(
        language=lang.value if lang else None,
        fail_under=fail_under,
        profile=profile.value if profile else None,
        config=config,
        strict_waivers=True if strict_waivers else None,
    )
    with _input_errors_exit():
        if file is not None:
            effective, subject = load(file, str(file), settings).effective, str(file)
        else:
            effective, subject = effective_settings(Path.cwd(), "other", settings), None
    write_stream(settings_json(effective) if as_json else render_settings(effective, subject))


@app.command()
def rules(
    lang: DocLangOpt = ENGLISH,
    as_json: RulesJsonOpt = False,
) -> None:
    """List the ten golden rules."""
    from cxaudit.explain import rules_json, rules_table

    write_stream(rules_json(lang.value) if as_json else rules_table(lang.value))


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="A rule id such as CX03.", show_default=False)],
    lang: DocLangOpt = ENGLISH,
) -> None:
    """Explain a rule: what it checks, why, its options and defaults, and examples."""
    from cxaudit.catalogue import catalogue, lookup, rule_key
    from cxaudit.explain import explain as render
    from cxaudit.suggest import did_you_mean

    found = lookup(rule)
    if found is None:
        suggestion = did_you_mean(rule_key(rule), catalogue())
        raise _fail(f"unknown rule '{rule}'{suggestion}; see `cxaudit rules`")
    write_stream(render(found, lang.value))


@app.command()
def schema(
    which: Annotated[
        SchemaName,
        typer.Argument(help="Which schema: flow files, the JSON report, or configuration files."),
    ] = SchemaName.flow,
) -> None:
    """Print a JSON Schema (Draft 2020-12): flow files, the JSON report, or configuration."""
    from cxaudit.resources import schema_path

    write_stream(schema_path(f"{which.value}.schema.json").read_text(encoding="utf-8"))


def _read_baseline(path: Path, limits: Limits) -> Baseline:
    from cxaudit.baseline import read_baseline
    from cxaudit.budget import using

    with _input_errors_exit(), using(limits):
        return read_baseline(path, str(path))


def _deliver(text: str, target: Path | None) -> None:
    """Write ``text`` to the file ``target``, or to standard output when there is none (or -)."""
    if target is None or str(target) == "-":
        write_stream(text)
        return
    from cxaudit.writing import WriteError, write_file

    try:
        write_file(target, text)
    except WriteError as exc:
        raise _fail(str(exc)) from None


def _print_input_errors(report: Report) -> None:
    """Input errors go to stderr in every format (the JSON and SARIF reports also carry them)."""
    from cxaudit.inert import one_line

    for diagnostic in report.errors:
        write_stream(one_line(diagnostic.render()) + "\n", "stderr")


def main() -> None:
    """Console-script entry point."""
    from cxaudit.catalogue import CatalogueError
    from cxaudit.lexicon import LexiconError

    try:
        app()
    except StreamError as exc:
        abandon_stdout()
        if isinstance(exc.error, BrokenPipeError):
            raise SystemExit(EXIT_INPUT) from None  # `cxaudit check | head`: the reader left
        reason = exc.error.strerror or type(exc.error).__name__
        with contextlib.suppress(OSError):
            sys.stderr.write(f"cxaudit: error: cannot write the report to {exc.stream}: {reason}\n")
        raise SystemExit(EXIT_INPUT) from None
    except (CatalogueError, LexiconError) as exc:
        # cxaudit's own data is broken (a bad install or a bad edit of rules/): not the user's file.
        write_stream(
            f"cxaudit: internal error: {exc}; reinstall cxaudit or report this\n", "stderr"
        )
        raise SystemExit(EXIT_INPUT) from None
