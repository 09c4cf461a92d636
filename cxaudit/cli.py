"""The command line: options -> typed settings -> run -> exit code. Nothing else lives here."""

from __future__ import annotations

import contextlib
import enum
import math
import os
import re
import shutil
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cxaudit import __version__

if TYPE_CHECKING:
    from cxaudit.baseline import Baseline
    from cxaudit.budget import Limits
    from cxaudit.report import Report

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2
DEFAULT_BASELINE = Path(".cxaudit-baseline.json")

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


class Lang(str, enum.Enum):
    nl = "nl"
    en = "en"


class Format(str, enum.Enum):
    terminal = "terminal"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    markdown = "markdown"
    github = "github"


class Profile(str, enum.Enum):
    recommended = "recommended"
    strict = "strict"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


class SourceFormat(str, enum.Enum):
    rasa = "rasa"
    rasa_calm = "rasa-calm"
    dialogflow_cx = "dialogflow-cx"
    dialogflow_es = "dialogflow-es"


class SchemaName(str, enum.Enum):
    flow = "flow"
    report = "report"
    config = "config"


# Formats meant for machines: statistics and input errors go to stderr beside them.
_DATA_FORMATS = {Format.json, Format.sarif, Format.junit, Format.github, Format.markdown}


def wants_color(choice: Color, *, to_terminal: bool, environ: Mapping[str, str]) -> bool:
    """Colour only when asked to, or on a terminal that has not opted out (NO_COLOR, TERM=dumb)."""
    if choice is not Color.auto:
        return choice is Color.always
    return to_terminal and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cxaudit {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_options(
    version: Annotated[
        Optional[bool],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
) -> None:
    """Audit AI customer-contact bots against ten golden rules."""


def _write(text: str, stream: str = "stdout") -> None:
    """Write text; where the stream's encoding cannot carry it, write UTF-8 bytes instead.

    A Windows job log in cp1252 must not crash on a box-drawing line or a Dutch accent.
    """
    out = sys.stdout if stream == "stdout" else sys.stderr
    try:
        try:
            text.encode(out.encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            out.flush()
            # backslashreplace: a lone surrogate (a name that is not UTF-8) must not crash it
            out.buffer.write(text.encode("utf-8", "backslashreplace"))
            out.buffer.flush()
            return
        out.write(text)
        out.flush()
    except OSError as exc:  # a full disk, a closed pipe
        raise _StreamError(stream, exc) from None


class _StreamError(Exception):
    """Standard output or error could not be written (a full disk, a closed pipe)."""

    def __init__(self, stream: str, error: OSError) -> None:
        super().__init__(stream)
        self.stream = "standard output" if stream == "stdout" else "standard error"
        self.error = error


def _day(value: str | None) -> date | None:
    """``--today``: a calendar date, ``YYYY-MM-DD``."""
    if value is None:
        return None
    try:
        if len(value) != len("2027-06-30"):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date such as 2027-06-30") from None


def _finite(value: float | None) -> float | None:
    """A number option must be a number: ``nan`` passes every range check but orders nothing."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number")
    return value


def _fail(message: str) -> typer.Exit:
    from cxaudit.inert import one_line

    # A message may hold a file name from the command line or a project: shown inert.
    _write(f"cxaudit: error: {one_line(message)}\n", "stderr")
    return typer.Exit(EXIT_INPUT)


# Options shared by `check` and `baseline`.
FilesArg = Annotated[
    list[str],
    typer.Argument(
        help="Flow files, folders (searched for *.flow.yaml, *.cxaudit.yaml and YAML files "
        "with a top-level 'cxaudit:' key) or globs such as 'bots/**/*.yaml'; a Rasa project "
        "folder or a Dialogflow CX or ES export (folder, .zip or .blob) is imported and checked as "
        "one bot.",
        show_default=False,
    ),
]
ConfigOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--config", help="Use this configuration file for every flow file."),
]
ProfileOpt = Annotated[
    Optional[Profile],  # noqa: UP045
    typer.Option(
        "--profile",
        case_sensitive=False,
        help="recommended or strict (default: the configuration's, else by bot.sector).",
    ),
]
NoWaiversOpt = Annotated[
    bool, typer.Option("--no-waivers", help="Ignore every waiver (for audits).")
]
TodayOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--today",
        metavar="YYYY-MM-DD",
        callback=lambda value: _day(value) and value,
        help="The date waivers expire against (default: today in UTC, on every machine alike).",
    ),
]
FromOpt = Annotated[
    Optional[SourceFormat],  # noqa: UP045
    typer.Option(
        "--from",
        case_sensitive=False,
        help="Read every argument as a project of this kind instead of detecting it "
        "(rasa also reads a Rasa Pro CALM project as one).",
    ),
]
MaxSizeOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--max-file-size",
        min=1,
        show_default=False,
        help="Refuse files larger than this many bytes (the same as --limit file-bytes=N).",
    ),
]
LimitOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--limit",
        metavar="NAME=N",
        show_default=False,
        help="Change a limit of the resource budget (repeatable): file-bytes, project-bytes, "
        "files, nodes, text or depth; `cxaudit config limits` lists them with their defaults.",
    ),
]


@app.command()
def check(
    files: FilesArg,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
    ] = Format.terminal,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output", "-o", help="Write the report to this file instead of standard output."
        ),
    ] = None,
    reports: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--report",
            metavar="FORMAT=FILE",
            help="Also write the report in this format to this file (repeatable), e.g. sarif=cxaudit.sarif.",
        ),
    ] = None,
    lang: Annotated[
        Optional[Lang],  # noqa: UP045
        typer.Option(
            "--lang",
            case_sensitive=False,
            help="Report language. Default: the configuration, else the bot's first language, else LANG, else en.",
        ),
    ] = None,
    fail_under: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            "--fail-under",
            min=0,
            max=100,
            callback=_finite,
            help="Lowest passing score, 0-100 (default: the configuration's, else 80).",
        ),
    ] = None,
    profile: ProfileOpt = None,
    config: ConfigOpt = None,
    baseline: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--baseline", help="Known findings (from `cxaudit baseline`) do not fail the gate."
        ),
    ] = None,
    no_waivers: NoWaiversOpt = False,
    strict_waivers: Annotated[
        bool, typer.Option("--strict-waivers", help="A waiver that waives nothing is an error.")
    ] = False,
    today: TodayOpt = None,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Also count the findings per rule and check.")
    ] = False,
    color: Annotated[
        Color, typer.Option("--color", help="Colour in the terminal report.")
    ] = Color.auto,
    source_format: FromOpt = None,
    max_file_size: MaxSizeOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Check flow files against the ten golden rules; exit 0 if all pass, 1 if one fails, 2 on bad input."""
    from cxaudit.engine import Settings, audit_paths

    extra = [_report_target(spec) for spec in reports or []]
    limits = _limits(limit, max_file_size)
    known = _read_baseline(baseline, limits) if baseline is not None else None
    settings = Settings(
        language=lang.value if lang else None,
        fail_under=fail_under,
        profile=profile.value if profile else None,
        config=config,
        limits=limits,
        waivers=not no_waivers,
        strict_waivers=True if strict_waivers else None,
        baseline=known,
        today=_day(today),
        source_format=source_format.value if source_format else None,
    )
    report = audit_paths(files, settings)
    if known is not None and report.files and all(f.baseline is None for f in report.files):
        _write(
            f"cxaudit: warning: {baseline} has no entry for any checked file "
            "(taken for other files, or the files were moved or renamed)\n",
            "stderr",
        )
    to_terminal = output is None and sys.stdout.isatty()
    _emit(
        report,
        output_format,
        output,
        color=wants_color(color, to_terminal=to_terminal, environ=os.environ),
        to_terminal=to_terminal,
    )
    for target_format, target in extra:
        _emit(report, target_format, target, color=False, to_terminal=False)
    if statistics:
        from cxaudit.formatters.statistics import render as render_statistics

        _write(
            render_statistics(report),
            "stderr" if output is None and output_format in _DATA_FORMATS else "stdout",
        )
    _print_input_errors(report)
    if report.errors:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_OK if report.passed else EXIT_FAILED)


@app.command("baseline")
def take_baseline(
    files: FilesArg,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the baseline.")
    ] = DEFAULT_BASELINE,
    lang: Annotated[
        Optional[Lang],  # noqa: UP045
        typer.Option("--lang", case_sensitive=False, help="Language of the recorded messages."),
    ] = None,
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
    from cxaudit.engine import Settings, run

    settings = Settings(
        language=lang.value if lang else None,
        profile=profile.value if profile else None,
        config=config,
        limits=_limits(limit, max_file_size),
        waivers=not no_waivers,
        today=_day(today),
        source_format=source_format.value if source_format else None,
    )
    report, paths = run(files, settings)
    _print_input_errors(report)
    if report.errors:
        _write("cxaudit: no baseline written: fix the input errors first\n", "stderr")
        raise typer.Exit(EXIT_INPUT)
    text = render_baseline(((paths[f.path], f) for f in report.files), output.parent)
    _deliver(text, output)
    count = sum(len(accepted(f)) for f in report.files)
    _write(
        f"Recorded {count} finding(s) in {len(report.files)} file(s) to {output}; "
        f"`cxaudit check --baseline {output}` now fails only on new ones.\n"
    )


@app.command("import")
def import_project(
    source_format: Annotated[
        SourceFormat,
        typer.Argument(
            case_sensitive=False,
            help="rasa (Rasa 3, or Rasa Pro CALM when its data has flows), rasa-calm, dialogflow-cx "
            "or dialogflow-es.",
            show_default=False,
        ),
    ],
    path: Annotated[
        Path,
        typer.Argument(
            help="The project folder, or a Dialogflow CX or ES export (.zip, .blob).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write the flow file here instead of standard output."),
    ] = None,
    max_file_size: MaxSizeOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Write a Rasa or Dialogflow project as a flow file, to keep and enrich by hand."""
    from cxaudit.budget import using
    from cxaudit.diagnostics import InputError
    from cxaudit.importers.load import import_path
    from cxaudit.importers.write import render_flow

    try:
        with using(_limits(limit, max_file_size)):
            project = import_path(path, str(path), source_format.value)
    except InputError as exc:
        for diagnostic in exc.diagnostics:
            _write(diagnostic.render() + "\n", "stderr")
        raise typer.Exit(EXIT_INPUT) from None
    _deliver(render_flow(project), output)
    if output is None:
        return
    _write(
        f"Wrote {output} from {path} ({project.kind}); check it with `cxaudit check {output}`.\n",
        "stderr",
    )


@config_app.command("limits")
def config_limits(
    max_file_size: MaxSizeOpt = None,
    limit: LimitOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the limits as JSON.")] = False,
) -> None:
    """Print the resource budget of a run: each limit, its value and what it counts."""
    from cxaudit.budget import describe

    rows = describe(_limits(limit, max_file_size))
    if as_json:
        import json

        _write(json.dumps({name: value for name, value, _ in rows}, indent=2) + "\n")
        return
    width = max(len(name) for name, _, _ in rows)
    _write("".join(f"{name:<{width}}  {value:>12,}  {what}\n" for name, value, what in rows))


@config_app.command("show")
def config_show(
    file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(
            help="A flow file: show the settings it is checked with (its sector picks the profile).",
            show_default=False,
        ),
    ] = None,
    config: ConfigOpt = None,
    profile: ProfileOpt = None,
    fail_under: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option("--fail-under", min=0, max=100, callback=_finite, help="As for check."),
    ] = None,
    lang: Annotated[
        Optional[Lang],  # noqa: UP045
        typer.Option("--lang", case_sensitive=False, help="As for check."),
    ] = None,
    strict_waivers: Annotated[bool, typer.Option("--strict-waivers", help="As for check.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
) -> None:
    """Print the effective settings and where each one came from (flags included)."""
    from cxaudit.diagnostics import InputError
    from cxaudit.engine import Settings, effective_settings, load
    from cxaudit.formatters.settings import render_settings, settings_json

    settings = Settings(
        language=lang.value if lang else None,
        fail_under=fail_under,
        profile=profile.value if profile else None,
        config=config,
        strict_waivers=True if strict_waivers else None,
    )
    try:
        if file is not None:
            effective, subject = load(file, str(file), settings).effective, str(file)
        else:
            effective, subject = effective_settings(Path.cwd(), "other", settings), None
    except InputError as exc:
        for diagnostic in exc.diagnostics:
            _write(diagnostic.render() + "\n", "stderr")
        raise typer.Exit(EXIT_INPUT) from None
    _write(settings_json(effective) if as_json else render_settings(effective, subject))


@app.command()
def rules(
    lang: Annotated[Lang, typer.Option("--lang", case_sensitive=False, help="Language.")] = Lang.en,
    as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")] = False,
) -> None:
    """List the ten golden rules."""
    from cxaudit.explain import rules_json, rules_table

    _write(rules_json(lang.value) if as_json else rules_table(lang.value))


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="A rule id such as CX03.", show_default=False)],
    lang: Annotated[Lang, typer.Option("--lang", case_sensitive=False, help="Language.")] = Lang.en,
) -> None:
    """Explain a rule: what it checks, why, its options and defaults, and examples."""
    from cxaudit.catalogue import catalogue
    from cxaudit.explain import explain as render
    from cxaudit.suggest import did_you_mean

    rules_by_id = catalogue()
    key = rule.strip().upper()
    if re.fullmatch(r"[0-9]{1,2}", key):
        key = f"CX{int(key):02d}"
    if key not in rules_by_id:
        raise _fail(f"unknown rule '{rule}'{did_you_mean(key, rules_by_id)}; see `cxaudit rules`")
    _write(render(rules_by_id[key], lang.value))


@app.command()
def schema(
    which: Annotated[
        SchemaName,
        typer.Argument(help="Which schema: flow files, the JSON report, or configuration files."),
    ] = SchemaName.flow,
) -> None:
    """Print a JSON Schema (Draft 2020-12): flow files, the JSON report, or configuration."""
    from cxaudit.resources import schema_path

    _write(schema_path(f"{which.value}.schema.json").read_text(encoding="utf-8"))


# -- glue ---------------------------------------------------------------------------------------


def _report_target(spec: str) -> tuple[Format, Path]:
    """Parse ``--report FORMAT=FILE``."""
    from cxaudit.suggest import did_you_mean

    name, sep, target = spec.partition("=")
    name = name.strip().lower()
    names = [f.value for f in Format]
    if not sep or not target:
        raise _fail(f"--report takes FORMAT=FILE, such as sarif=cxaudit.sarif, not '{spec}'")
    if name not in names:
        raise _fail(
            f"--report: unknown format '{name}'{did_you_mean(name, names)} (formats: {', '.join(names)})"
        )
    return Format(name), Path(target)


def _limits(values: list[str] | None, max_file_size: int | None) -> Limits:
    """The run's resource budget: the defaults, ``--max-file-size``, then each ``--limit``."""
    from cxaudit.budget import Limits, parse

    base = Limits() if max_file_size is None else Limits(file_bytes=max_file_size)
    try:
        return parse(values or [], base)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--limit'") from None


def _read_baseline(path: Path, limits: Limits) -> Baseline:
    from cxaudit.baseline import read_baseline
    from cxaudit.budget import using
    from cxaudit.diagnostics import InputError

    try:
        with using(limits):
            return read_baseline(path, str(path))
    except InputError as exc:
        for diagnostic in exc.diagnostics:
            _write(diagnostic.render() + "\n", "stderr")
        raise typer.Exit(EXIT_INPUT) from None


def _emit(
    report: Report, output_format: Format, target: Path | None, *, color: bool, to_terminal: bool
) -> None:
    from cxaudit.formatters import RenderOptions, get

    width = shutil.get_terminal_size((100, 24)).columns if to_terminal else 100
    _deliver(get(output_format.value)(report, RenderOptions(color=color, width=width)), target)


def _deliver(text: str, target: Path | None) -> None:
    """Write ``text`` to the file ``target``, or to standard output when there is none."""
    if target is None:
        _write(text)
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
        _write(one_line(diagnostic.render()) + "\n", "stderr")


def _abandon_stdout() -> None:
    """Point standard output at the null device: what is left in its buffer cannot be written,
    and Python must not try again (and print a traceback) when it exits."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def main() -> None:
    """Console-script entry point."""
    from cxaudit.catalogue import CatalogueError
    from cxaudit.lexicon import LexiconError

    try:
        app()
    except _StreamError as exc:
        _abandon_stdout()
        if isinstance(exc.error, BrokenPipeError):
            raise SystemExit(EXIT_INPUT) from None  # `cxaudit check | head`: the reader left
        reason = exc.error.strerror or type(exc.error).__name__
        with contextlib.suppress(OSError):
            sys.stderr.write(f"cxaudit: error: cannot write the report to {exc.stream}: {reason}\n")
        raise SystemExit(EXIT_INPUT) from None
    except (CatalogueError, LexiconError) as exc:
        # cxaudit's own data is broken (a bad install or a bad edit of rules/): not the user's file.
        _write(f"cxaudit: internal error: {exc}; reinstall cxaudit or report this\n", "stderr")
        raise SystemExit(EXIT_INPUT) from None
