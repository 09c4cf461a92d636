"""What is said about the input: errors that stop a file from being checked (what is wrong,
where, and what was probably meant), and notes about what an imported project cannot say."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cxaudit.inert import one_line
from cxaudit.locations import Location


@dataclass(frozen=True)
class Diagnostic:
    """One problem that stops a file from being checked (exit code 2)."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def render(self) -> str:
        """``file:line:column: error: message``, on one line and inert (a file name or a text
        of the file with an escape sequence or a line break reaches no terminal or CI log)."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return one_line(f"{where}: error: {self.message}")


class InputError(Exception):
    """A file (or the command line) cannot be checked; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.render() for d in diagnostics))
        self.diagnostics = diagnostics


class AmbiguousInput(InputError):
    """A file whose data is ambiguous (a key given twice): never skipped, always an error, since
    any reading of it could be the wrong one."""


@dataclass(frozen=True)
class Note:
    """Something the project's files cannot tell cxaudit, or something it could not read.

    ``check`` names an entry of ``rules/catalogue/imports.yaml`` (the message and hint, in every
    report language); ``rule`` the golden rule it concerns, or None; ``params`` fill the message.
    """

    check: str
    rule: str | None
    params: Mapping[str, str]
    location: Location | None = None  # with its file; None: the project as a whole
