"""Waivers: findings a team accepts on purpose, each with a reason and, best, an end date.

Two forms, both requiring a reason:

- in the flow file, a top-level list::

      waivers:
        - {rule: CX10, step: naar_medewerker, reason: "...", expires: 2027-06-30, owner: "..."}

  (without ``step`` the waiver covers the rule in the whole file);
- a comment on the finding's line or the line above::

      # cxaudit: ignore[CX10] reason="approved by legal" expires=2027-06-30

  (a finding about a text is on the line where the text starts: for a block text, ``nl: >-``,
  the header's line; a comment at the end of ``say:`` or ``nl: >-`` speaks for the text that
  starts below it, and one after a text of several lines for where that text starts);

A malformed waiver is an input error (exit code 2), so a typo never silently waives nothing.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from cxaudit.catalogue import catalogue, waiver_checks
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.findings import Judged, digest, finding, localise
from cxaudit.loader import Directive, Document
from cxaudit.locations import DataPath, format_path
from cxaudit.model import Bot
from cxaudit.report import Finding, Severity, Suppression, SuppressionKind
from cxaudit.suggest import did_you_mean, short

_COMMENT = re.compile(r"^(?P<verb>[\w-]+)\s*(?:\[(?P<rules>[^\]]*)\])?(?P<rest>.*)$")
# A key starts after no other key character and its blanks after no blank: searched in a long
# word or run of blanks, the pattern would try again from each letter or blank (quadratic).
_PAIR = re.compile(
    r"(?<!\s)\s*(?<![\w-])(?P<key>[\w-]+)\s*=\s*(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s\"']+)"
)
_NOT_BLANK = re.compile(r"\S")
_KEYS = ("reason", "expires", "owner")


class WaiverKind(enum.Enum):
    FILE = "file"  # an entry of the `waivers:` list
    COMMENT = "comment"  # a `# cxaudit: ignore[...]` comment


@dataclass(frozen=True)
class Waiver:
    rules: tuple[str, ...]
    step: str | None
    reason: str
    expires: date | None
    owner: str | None
    kind: WaiverKind
    line: int
    column: int
    path: DataPath  # where it is written, for positions in the data ((), for a comment)
    own_line: bool = False  # a comment alone on its line also covers the line below
    #: For a comment, the lines it speaks for, as the loader found them (see Directive.lines);
    #: empty: its own line, and the next when ``own_line``.
    lines: frozenset[int] = frozenset()

    def covers(self, rule: str, step: str | None, line: int) -> bool:
        """Does this waiver cover a finding of ``rule`` about ``step`` at ``line``?"""
        if rule not in self.rules:
            return False
        if self.kind is WaiverKind.COMMENT:
            # A comment at the end of a line speaks for that line; alone on a line, for the next;
            # and for where a text starts that its line opens (`say:`, `nl: >-`) or ends.
            if self.lines:
                return line in self.lines
            return line == self.line or (self.own_line and line == self.line + 1)
        return self.step is None or self.step == step

    def expired(self, today: date) -> bool:
        return self.expires is not None and self.expires < today


def read_waivers(document: Document, bot: Bot) -> tuple[Waiver, ...]:
    """Every waiver in a flow file; raises InputError listing every malformed one."""
    errors: list[Diagnostic] = []
    waivers: list[Waiver] = []
    data: Any = document.data
    for i, raw in enumerate(data.get("waivers", []) if isinstance(data, dict) else []):
        path: DataPath = ("waivers", i)
        waiver = _from_list(raw, path, document, bot, errors)
        if waiver is not None:
            waivers.append(waiver)
    for directive in document.directives:
        waiver = _from_comment(directive, document.path, errors)
        if waiver is not None:
            waivers.append(waiver)
    if errors:
        raise InputError(errors)
    return tuple(waivers)


def _from_list(
    raw: dict[str, Any], path: DataPath, document: Document, bot: Bot, errors: list[Diagnostic]
) -> Waiver | None:
    def error(key: str, message: str) -> None:
        loc = document.source_map.locate((*path, key))
        errors.append(
            Diagnostic(
                loc.file or document.path,
                f"waivers[{path[1]}].{key}: {message}",
                loc.line,
                loc.column,
            )
        )

    rule = str(raw["rule"])
    known = catalogue()
    ok = True
    if rule not in known:
        error("rule", f"'{rule}' is not a rule{did_you_mean(rule, known)}")
        ok = False
    step = raw.get("step")
    if step is not None and step not in bot.step_index:
        error("step", f"'{short(step)}' names no step{did_you_mean(step, bot.step_index)}")
        ok = False
    expires = None
    if "expires" in raw:
        expires = _date(str(raw["expires"]))
        if expires is None:
            error("expires", f"'{short(raw['expires'])}' is not a date (YYYY-MM-DD)")
            ok = False
    if not str(raw["reason"]).strip():
        error("reason", "a waiver needs a reason")
        ok = False
    if not ok:
        return None
    loc = document.source_map.locate(path)
    return Waiver(
        rules=(rule,),
        step=step,
        reason=str(raw["reason"]).strip(),
        expires=expires,
        owner=raw.get("owner"),
        kind=WaiverKind.FILE,
        line=loc.line,
        column=loc.column,
        path=path,
    )


def _from_comment(directive: Directive, display: str, errors: list[Diagnostic]) -> Waiver | None:
    def error(message: str) -> None:
        errors.append(Diagnostic(display, message, directive.line, directive.column))

    match = _COMMENT.match(directive.text)
    verb = (
        match.group("verb")
        if match
        else directive.text.split()[0]
        if directive.text.split()
        else ""
    )
    if match is None or verb != "ignore":
        error(
            f"unknown cxaudit comment '{short(verb)}'{did_you_mean(verb, ['ignore'])}; write `# cxaudit: ignore[CX10] reason=\"...\"`"
        )
        return None
    if match.group("rules") is None or not match.group("rules").strip():
        error(
            "`# cxaudit: ignore` needs the rules it waives, such as ignore[CX10] or ignore[CX05,CX10]"
        )
        return None
    known = catalogue()
    rules = []
    for name in (part.strip().upper() for part in match.group("rules").split(",")):
        if name not in known:
            error(f"'{short(name)}' is not a rule{did_you_mean(name, known)}")
            return None
        rules.append(name)
    values: dict[str, str] = {}
    rest = match.group("rest")
    position = 0
    while _NOT_BLANK.search(rest, position):  # (not rest[position:].strip(): a copy per pair)
        pair = _PAIR.match(rest, position)
        if pair is None:
            error(
                f"cannot read '{short(rest[position:].strip())}'; write key=value, with quotes around text: reason=\"...\""
            )
            return None
        key, value = pair.group("key"), pair.group("value")
        if key not in _KEYS:
            error(
                f"unknown waiver key '{short(key)}'{did_you_mean(key, _KEYS)} (known: {', '.join(_KEYS)})"
            )
            return None
        values[key] = _unquote(value)
        position = pair.end()
    if not values.get("reason", "").strip():
        error('a waiver needs a reason: `# cxaudit: ignore[...] reason="why this is acceptable"`')
        return None
    expires = None
    if "expires" in values:
        expires = _date(values["expires"])
        if expires is None:
            error(f"expires='{short(values['expires'])}' is not a date (YYYY-MM-DD)")
            return None
    return Waiver(
        rules=tuple(rules),
        step=None,
        reason=values["reason"].strip(),
        expires=expires,
        owner=values.get("owner"),
        kind=WaiverKind.COMMENT,
        line=directive.line,
        column=directive.column,
        path=(),
        own_line=directive.own_line,
        lines=frozenset(directive.lines),
    )


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return re.sub(r"\\(.)", r"\1", inner) if value[0] == '"' else inner
    return value


def _date(text: str) -> date | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def apply_waivers(
    judged: Sequence[Judged],
    waivers: tuple[Waiver, ...],
    *,
    today: date,
    strict: bool,
    path: str,
    language: str,
) -> tuple[list[Judged], list[Finding]]:
    """The issues with the live waivers that cover them marked, and findings about the waivers
    themselves.

    A waiver covers an issue of its rule about its step (or anywhere, without a step); a comment
    covers the issues whose finding points at its line. An expired waiver waives nothing and says
    so; a live one that covers nothing is noted (an error when ``strict``). Every waiver that
    covers an issue counts as used, also when another one covers it as well.
    """
    live = [w for w in waivers if not w.expired(today)]
    position = {id(w): n for n, w in enumerate(live)}
    # The live waivers that may cover each rule: thousands of waiver comments stay linear.
    by_rule: dict[str, list[tuple[int, Waiver]]] = {}
    for n, w in enumerate(live):
        for rule_id in w.rules:
            by_rule.setdefault(rule_id, []).append((n, w))
    used: set[tuple[int, str]] = set()  # (waiver, rule): a comment may name several rules
    marked: list[Judged] = []
    for item in judged:
        covering = sorted(
            {
                n
                for n, w in by_rule.get(item.rule, ())
                if w.covers(item.rule, item.issue.step, item.location.line)
            }
        )
        used.update((n, item.rule) for n in covering)
        if covering:
            waiver = live[covering[0]]
            suppression = Suppression(
                SuppressionKind.WAIVER,
                waiver.reason,
                f"{path}:{waiver.line}",
                waiver.owner,
                waiver.expires.isoformat() if waiver.expires else None,
            )
            item = replace(item, suppression=suppression)
        marked.append(item)
    notes = []
    for waiver in waivers:
        for rule_id in waiver.rules:
            if waiver.expired(today):
                check = "waiver-expired"
            elif (position[id(waiver)], rule_id) not in used:
                check = "waiver-unused"
            else:
                continue
            notes.append(_note(check, rule_id, waiver, path, language, strict=strict))
    return marked, notes


def _note(
    check: str, rule: str, waiver: Waiver, path: str, language: str, *, strict: bool
) -> Finding:
    info = waiver_checks()[check]
    severity = Severity.ERROR if check == "waiver-unused" and strict else Severity(info.severity)
    expires = waiver.expires.isoformat() if waiver.expires else ""
    params = localise(
        {"rule": rule, "reason": waiver.reason, "expires": expires}, language, step=waiver.step
    )
    # Its identity: what it waives and why, not where it is written (lines move).
    identity = digest(
        check, rule, waiver.kind.value, waiver.step or "", ",".join(waiver.rules), waiver.reason
    )
    return finding(
        rule,
        check,
        severity,
        (info.message[language], info.hint[language]),
        params,
        path=path,
        data_path=format_path(waiver.path),
        step=waiver.step,
        line=waiver.line,
        column=waiver.column,
        fingerprint=identity,
    )
