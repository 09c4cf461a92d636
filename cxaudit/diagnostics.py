"""Input errors: what is wrong with a file, where, and what was probably meant."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One problem that stops a file from being checked (exit code 2)."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def render(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: error: {self.message}"


class InputError(Exception):
    """A file (or the command line) cannot be checked; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.render() for d in diagnostics))
        self.diagnostics = diagnostics
