"""The options and arguments of the command line, and the choices they offer.

The choices come from the registries: report formats from :mod:`cxaudit.formatters`, project
formats from :mod:`cxaudit.platforms`, report languages from :mod:`cxaudit.languages`. Typer reads
a choice from an ``Enum``; each is built from its registry at import, and mypy is shown a plain
``str`` enum (the members are the registry's names, which it cannot see).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from cxaudit._version import __version__
from cxaudit.formatters import FORMATS
from cxaudit.languages import LANGUAGES
from cxaudit.platforms import FORMATS as PROJECT_FORMATS


def _choices(name: str, values: Sequence[str]) -> type[enum.Enum]:
    return enum.Enum(name, [(value.replace("-", "_"), value) for value in values], type=str)  # type: ignore[return-value]


if TYPE_CHECKING:
    from cxaudit.budget import Limits
    from cxaudit.report import Report

    class Format(str, enum.Enum): ...

    class SourceFormat(str, enum.Enum): ...

    class Lang(str, enum.Enum): ...

else:
    Format = _choices("Format", tuple(FORMATS))
    SourceFormat = _choices("SourceFormat", tuple(PROJECT_FORMATS))
    Lang = _choices("Lang", LANGUAGES)

#: The defaults of --format and of the documentation commands' --lang.
TERMINAL = Format("terminal")
ENGLISH = Lang("en")

#: Formats meant for machines: statistics and input errors go to standard error beside them.
MACHINE_FORMATS = frozenset(Format(name) for name, entry in FORMATS.items() if entry.machine)


class Profile(str, enum.Enum):
    recommended = "recommended"
    strict = "strict"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


class SchemaName(str, enum.Enum):
    flow = "flow"
    report = "report"
    config = "config"


def wants_color(choice: Color, *, to_terminal: bool, environ: Mapping[str, str]) -> bool:
    """Colour when asked to (``--color``), else when FORCE_COLOR says so (CI logs that show
    colour, not being terminals), else on a terminal that has not opted out (NO_COLOR,
    TERM=dumb). NO_COLOR wins over FORCE_COLOR, as both conventions ask."""
    if choice is not Color.auto:
        return choice is Color.always
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    return to_terminal and environ.get("TERM") != "dumb"


def parse_day(value: str | None) -> date | None:
    """``--today``: a calendar date, ``YYYY-MM-DD``."""
    if value is None:
        return None
    try:
        if len(value) != len("2027-06-30"):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date such as 2027-06-30") from None


def finite(value: float | None) -> float | None:
    """A number option must be a number: ``nan`` passes every range check but orders nothing."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number")
    return value


def show_version(value: bool) -> None:
    """``--version``: print it and stop."""
    if value:
        typer.echo(f"cxaudit {__version__}")
        raise typer.Exit(0)


VersionOpt = Annotated[
    Optional[bool],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option(
        "--version", "-V", callback=show_version, is_eager=True, help="Show the version and exit."
    ),
]


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
        callback=lambda value: parse_day(value) and value,
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


# Options of `check` (and some of `baseline` and `config show`).
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
]
OutputOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--output", "-o", help="Write the report to this file instead of standard output."
    ),
]
ReportsOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--report",
        metavar="FORMAT=FILE",
        help="Also write the report in this format to this file (repeatable), e.g. sarif=cxaudit.sarif.",
    ),
]
LangOpt = Annotated[
    Optional[Lang],  # noqa: UP045
    typer.Option(
        "--lang",
        case_sensitive=False,
        help="Report language. Default: the configuration, else your locale (LC_ALL, LC_MESSAGES, LANG) if nl or en, else en.",
    ),
]
FailUnderOpt = Annotated[
    Optional[float],  # noqa: UP045
    typer.Option(
        "--fail-under",
        min=0,
        max=100,
        callback=finite,
        help="Lowest passing score, 0-100 (default: the configuration's, else 80).",
    ),
]
BaselineOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--baseline", help="Known findings (from `cxaudit baseline`) do not fail the gate."
    ),
]
StrictWaiversOpt = Annotated[
    bool, typer.Option("--strict-waivers", help="A waiver that waives nothing is an error.")
]
StatisticsOpt = Annotated[
    bool, typer.Option("--statistics", help="Also count the findings per rule and check.")
]
ExitZeroOpt = Annotated[
    bool,
    typer.Option(
        "--exit-zero",
        help="Exit 0 even when a file fails the gate (to adopt cxaudit gradually); input errors still exit 2.",
    ),
]


def parse_ids(values: list[str] | None, *, checks: bool) -> tuple[str, ...]:
    """``--select`` / ``--ignore``: rule ids (``CX03``, ``cx3``, ``3``) and, for ``--ignore``,
    rule/check ids (``CX05/no-wait-time``), comma-separated or repeated."""
    from cxaudit.catalogue import rule_key
    from cxaudit.loading import unknown_ids

    given = [part.strip() for value in values or [] for part in value.split(",") if part.strip()]
    if values and not given:
        raise typer.BadParameter("no rule ids given (such as CX05)")
    ids = []
    for item in given:
        rule, slash, check = item.partition("/")
        ids.append(rule_key(rule) + (slash + check.strip() if slash else ""))
    problems = unknown_ids(tuple(ids), checks=checks)
    if problems:
        raise typer.BadParameter("; ".join(problems))
    return tuple(dict.fromkeys(ids))


SelectOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--select",
        metavar="RULES",
        help="Run only these rules (CX01,CX06; repeatable); the others are off.",
    ),
]
IgnoreOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--ignore",
        metavar="RULES",
        help="Turn these rules off (CX07), or let these checks' findings not count, shown as "
        "ignored like waived ones (CX05/no-wait-time); comma-separated or repeatable.",
    ),
]
ExcludeOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--exclude",
        metavar="GLOB",
        help="Do not check files that match this glob, relative to the working folder: 'drafts' "
        "(a name at any depth), 'bots/legacy/**' (repeatable; adds to the configuration's "
        "exclude).",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print nothing when every file passes; on a failure, the report."
    ),
]
StdinFilenameOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--stdin-filename",
        metavar="PATH",
        help="With '-' (the flow read from standard input): the file it is, for the report and "
        "to find its configuration.",
    ),
]
SarifSuppressedOpt = Annotated[
    bool,
    typer.Option(
        "--sarif-suppressed",
        help="Keep waived and baselined findings in SARIF, as suppressions (GitHub code "
        "scanning ignores them, so they are left out by default).",
    ),
]
ColorOpt = Annotated[Color, typer.Option("--color", help="Colour in the terminal report.")]
DocLangOpt = Annotated[Lang, typer.Option("--lang", case_sensitive=False, help="Language.")]


def run_warnings(report: Report, baseline: Path | None) -> list[str]:
    """What a run should warn about on standard error: a baseline that matched no checked file,
    and a run that checked nothing because every file was excluded."""
    warnings = []
    if baseline is not None and report.files and all(f.baseline is None for f in report.files):
        warnings.append(
            f"{baseline} has no entry for any checked file (taken for other files, or the files "
            "were moved or renamed)"
        )
    if not report.files and not report.errors:
        warnings.append(
            "nothing was checked: every file given is excluded (--exclude, or exclude in the "
            "configuration)"
        )
    return warnings


def usage_problem(
    files: list[str], stdin_filename: str | None, select: tuple[str, ...], ignore: tuple[str, ...]
) -> str | None:
    """What is wrong with ``check``'s arguments taken together (each alone is fine), if anything."""
    from cxaudit.loading import rules_left

    if ("-" in files and files != ["-"]) or (stdin_filename is not None and files != ["-"]):
        return "'-' (the flow on standard input) is checked alone; --stdin-filename needs it"
    if (select or ignore) and not rules_left(select, ignore):
        return "--select and --ignore leave no rule to run: nothing would be checked"
    return None


def report_target(spec: str) -> tuple[Format, Path]:
    """Parse ``--report FORMAT=FILE``; a ValueError says what is wrong."""
    from cxaudit.suggest import did_you_mean

    name, sep, target = spec.partition("=")
    name = name.strip().lower()
    names = [f.value for f in Format]
    if not sep or not target:
        raise ValueError(f"--report takes FORMAT=FILE, such as sarif=cxaudit.sarif, not '{spec}'")
    if name not in names:
        raise ValueError(
            f"--report: unknown format '{name}'{did_you_mean(name, names)} (formats: {', '.join(names)})"
        )
    return Format(name), Path(target)


def parse_limits(values: list[str] | None, max_file_size: int | None) -> Limits:
    """The run's resource budget: the defaults, ``--max-file-size``, then each ``--limit``."""
    from cxaudit.budget import Limits, parse

    base = Limits() if max_file_size is None else Limits(file_bytes=max_file_size)
    try:
        return parse(values or [], base)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--limit'") from None


# Options and arguments of `baseline`, `import`, `config` and the documentation commands.
DEFAULT_BASELINE = Path(".cxaudit-baseline.json")
BaselineOutputOpt = Annotated[
    Path, typer.Option("--output", "-o", help="Where to write the baseline.")
]
RecordLangOpt = Annotated[
    Optional[Lang],  # noqa: UP045
    typer.Option("--lang", case_sensitive=False, help="Language of the recorded messages."),
]
ProjectFormatArg = Annotated[
    SourceFormat,
    typer.Argument(
        case_sensitive=False,
        help="rasa (Rasa 3, or Rasa Pro CALM when its data has flows), rasa-calm, dialogflow-cx "
        "or dialogflow-es.",
        show_default=False,
    ),
]
ProjectArg = Annotated[
    Path,
    typer.Argument(
        help="The project folder, or a Dialogflow CX or ES export (.zip, .blob).",
        show_default=False,
    ),
]
FlowOutputOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--output", "-o", help="Write the flow file here instead of standard output."),
]
SettingsFileArg = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Argument(
        help="A flow file: show the settings it is checked with (its sector picks the profile).",
        show_default=False,
    ),
]
LimitsJsonOpt = Annotated[bool, typer.Option("--json", help="Print the limits as JSON.")]
SettingsJsonOpt = Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")]
RulesJsonOpt = Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")]
