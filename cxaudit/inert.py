"""Making bot texts inert before they reach any output: no control characters, no escapes.

Every output (the formatters, the command line's messages, the flow files ``cxaudit import``
writes) shows text from the user's files; none of them may let that text steer a terminal, a CI
log or a YAML parser.
"""

from __future__ import annotations

import json
import re

# C0 and C1 control characters (ESC starts ANSI sequences), except tab and newline, the line and
# paragraph separators (line breaks to YAML and to some terminals), and the bidirectional
# overrides and isolates that make text display in another order than it reads.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def inert(text: str) -> str:
    r"""Show control characters as visible escapes: ``"\x1b[31m"`` becomes ``\x1b[31m``."""
    return _CONTROL.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# What JSON leaves raw with ensure_ascii off (it escapes only what is below U+0020): C1 controls
# (U+009B is an 8-bit CSI, U+0085 a line break to some readers), line and paragraph separators,
# bidirectional overrides and lone surrogates.
_JSON_RAW = re.compile(
    r"[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def json_text(data: object) -> str:
    r"""``data`` as indented JSON (UTF-8 text kept readable), with every character that could
    steer a terminal or split a line written as a JSON escape (``\u009b``): the data is the
    same, the bytes are inert."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


def shown_name(name: str) -> str:
    r"""A file name as reports show it: bytes that are not UTF-8 (which Python keeps as lone
    surrogates, ``\udcff``) shown as ``\xff``, so that every output can encode the name.

    >>> shown_name("bot\udcff.yaml")
    'bot\\xff.yaml'
    """
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def one_line(text: str) -> str:
    r"""``inert`` text that also keeps to its line: a newline shows as ``\n``, a tab as ``\t``.

    For every line-oriented output (terminal, concise, stderr): a bot name holding a newline and
    ``::error::`` must not start a line of its own, where GitHub Actions would run it as a command.
    """
    return inert(text).replace("\n", "\\n").replace("\t", "\\t")
