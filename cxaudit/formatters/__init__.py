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


def get(name: str) -> Formatter:
    """The formatter called ``name``; imported on use so start-up pays only for the one used."""
    if name == "terminal":
        from cxaudit.formatters import terminal

        return terminal.render
    if name == "json":
        from cxaudit.formatters import json_report

        return json_report.render
    raise KeyError(name)
