"""Formatters: pure functions from a Report to text. An explicit registry, no discovery."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxaudit.report import Report


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False  # ANSI colours and styles (a terminal without NO_COLOR)
    width: int = 100  # the terminal's width; fixed when writing to a file or pipe
    # SARIF: keep waived and baselined findings, marked as suppressions (GitHub code scanning
    # ignores suppressions, so by default they are left out, as the gate leaves them out).
    suppressed: bool = False


Formatter = Callable[["Report", RenderOptions], str]


@dataclass(frozen=True)
class FormatEntry:
    """A format: the module that renders it, and whether it is meant for machines (then
    statistics and input errors go to standard error beside it)."""

    module: str
    machine: bool = False


#: Every format, in the order the command line lists them (an explicit registry: no discovery).
FORMATS: dict[str, FormatEntry] = {
    "terminal": FormatEntry("terminal"),
    "concise": FormatEntry("concise"),
    "json": FormatEntry("json_report", machine=True),
    "sarif": FormatEntry("sarif", machine=True),
    "junit": FormatEntry("junit", machine=True),
    "markdown": FormatEntry("markdown", machine=True),
    "github": FormatEntry("github", machine=True),
    "gitlab": FormatEntry("gitlab", machine=True),
}
NAMES = tuple(FORMATS)


def get(name: str) -> Formatter:
    """The formatter called ``name``; imported on use so start-up pays only for the one used."""
    module = importlib.import_module(f"cxaudit.formatters.{FORMATS[name].module}")
    render: Formatter = module.render
    return render
