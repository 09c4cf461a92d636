"""Formatters: pure functions from a Report to text. An explicit registry, no discovery."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from cxaudit.report import Report


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False  # ANSI colours and styles (a terminal without NO_COLOR)
    width: int = 100  # the terminal's width; fixed when writing to a file or pipe


Formatter = Callable[[Report, RenderOptions], str]

#: Every format, in the order the CLI lists them.
# Format name -> the module that renders it (an explicit registry: no discovery, no magic).
_MODULES = {
    "terminal": "terminal",
    "concise": "concise",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown",
    "github": "github",
}
NAMES = tuple(_MODULES)


def get(name: str) -> Formatter:
    """The formatter called ``name``; imported on use so start-up pays only for the one used."""
    module = importlib.import_module(f"cxaudit.formatters.{_MODULES[name]}")
    render: Formatter = module.render
    return render
