"""Making bot texts inert before they reach any output: no control characters, no escapes."""

from __future__ import annotations

import re

# C0 and C1 control characters (ESC starts ANSI sequences), except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    r"""Show control characters as visible escapes: ``"\x1b[31m"`` becomes ``\x1b[31m``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def one_line(text: str) -> str:
    r"""``inert`` text that also keeps to its line: a newline shows as ``\n``, a tab as ``\t``.

    For every line-oriented output (terminal, concise, stderr): a bot name holding a newline and
    ``::error::`` must not start a line of its own, where GitHub Actions would run it as a command.
    """
    return inert(text).replace("\n", "\\n").replace("\t", "\\t")
