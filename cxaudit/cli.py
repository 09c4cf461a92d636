"""The command line: options -> typed settings -> run -> exit code. Nothing else lives here."""

from __future__ import annotations

import enum
import os
import re
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Optional

import typer

from cxaudit import __version__

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


class Lang(str, enum.Enum):
    nl = "nl"
    en = "en"


class Format(str, enum.Enum):
    terminal = "terminal"
    json = "json"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


class SchemaName(str, enum.Enum):
    flow = "flow"
    report = "report"


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


def _write(text: str) -> None:
    """Write to standard output; where its encoding cannot carry the text, write UTF-8 bytes.

    A Windows job log in cp1252 must not crash on a box-drawing line or a Dutch accent.
    """
    encoding = sys.stdout.encoding or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    sys.stdout.write(text)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"cxaudit: error: {message}", err=True)
    return typer.Exit(EXIT_INPUT)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Flow files to check.", show_default=False)],
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
    ] = Format.terminal,
    lang: Annotated[
        Optional[Lang],  # noqa: UP045
        typer.Option(
            "--lang",
            help="Report language. Default: the bot's first language, else LANG, else en.",
            case_sensitive=False,
        ),
    ] = None,
    fail_under: Annotated[
        float, typer.Option("--fail-under", min=0, max=100, help="Lowest passing score (0-100).")
    ] = 80.0,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output", "-o", help="Write the report to this file instead of standard output."
        ),
    ] = None,
    color: Annotated[
        Color, typer.Option("--color", help="Colour in the terminal report.")
    ] = Color.auto,
    max_file_size: Annotated[
        int,
        typer.Option(
            "--max-file-size", min=1, help="Refuse flow files larger than this many bytes."
        ),
    ] = 64 * 1024 * 1024,
) -> None:
    """Check flow files against the ten golden rules; exit 0 if all pass, 1 if one fails, 2 on bad input."""
    from cxaudit.engine import Settings, audit
    from cxaudit.formatters import RenderOptions, get
    from cxaudit.formatters.text import inert

    settings = Settings(
        language=lang.value if lang else None, fail_under=fail_under, max_bytes=max_file_size
    )
    report = audit([(path, str(path)) for path in files], settings)
    to_terminal = output is None and sys.stdout.isatty()
    use_color = wants_color(color, to_terminal=to_terminal, environ=os.environ)
    width = shutil.get_terminal_size((100, 24)).columns if to_terminal else 100
    text = get(output_format.value)(report, RenderOptions(color=use_color, width=width))
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc.strerror}") from None
    else:
        _write(text)
    for diagnostic in report.errors:
        # Input errors go to stderr in every format (the JSON report also carries them as data).
        typer.echo(inert(diagnostic.render()), err=True)
    if report.errors:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_OK if report.passed else EXIT_FAILED)


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
        SchemaName, typer.Argument(help="Which schema: flow files or the JSON report.")
    ] = SchemaName.flow,
) -> None:
    """Print the JSON Schema (Draft 2020-12) of flow files or of the JSON report."""
    from cxaudit.resources import schema_path

    _write(schema_path(f"{which.value}.schema.json").read_text(encoding="utf-8"))


def main() -> None:
    """Console-script entry point."""
    from cxaudit.catalogue import CatalogueError
    from cxaudit.lexicon import LexiconError

    try:
        app()
    except (CatalogueError, LexiconError) as exc:
        # cxaudit's own data is broken (a bad install or a bad edit of rules/): not the user's file.
        typer.echo(f"cxaudit: internal error: {exc}; reinstall cxaudit or report this", err=True)
        raise SystemExit(EXIT_INPUT) from None
