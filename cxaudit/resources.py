"""Where the shipped data lives: rules/ in a source checkout, cxaudit/_rules in a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def rules_dir() -> Path:
    """The folder holding the rule catalogue and the lexicons."""
    installed = _PACKAGE / "_rules"
    if installed.is_dir():
        return installed
    # An editable install or a plain checkout: the data sits next to the package.
    return _PACKAGE.parent / "rules"


def schema_path(name: str) -> Path:
    """A JSON Schema shipped inside the package (flow, report)."""
    return _PACKAGE / "schemas" / name
