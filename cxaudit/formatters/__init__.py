"""Formatters: pure functions from a Report to text. An explicit registry, no discovery."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cxaudit.report import Report


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False  # ANSI colours and styles (a terminal without NO_COLOR)
    width: int = 100  # the terminal's width; fixed when writing to a file or pipe


Formatter = Callable[[Report, RenderOptions], str]

#: Every format, in the order the CLI lists them.
NAMES = ("terminal", "concise", "json", "sarif", "junit", "markdown", "github")


def get(name: str) -> Formatter:
    """The formatter called ``name``; imported on use so start-up pays only for the one used."""
    if name == "terminal":
        from cxaudit.formatters import terminal

        return terminal.render
    if name == "concise":
        from cxaudit.formatters import concise

        return concise.render
    if name == "json":
        from cxaudit.formatters import json_report

        return json_report.render
    if name == "sarif":
        from cxaudit.formatters import sarif

        return sarif.render
    if name == "junit":
        from cxaudit.formatters import junit

        return junit.render
    if name == "markdown":
        from cxaudit.formatters import markdown

        return markdown.render
    if name == "github":
        from cxaudit.formatters import github

        return github.render
    raise KeyError(name)
