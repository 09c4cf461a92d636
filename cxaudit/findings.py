"""From a rule's issues to findings: one per cause, worded in the report language, placed in the
user's own file, with a fingerprint that survives edits elsewhere."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxaudit.catalogue import CheckInfo, fill, import_checks
from cxaudit.checks.base import Issue, Param
from cxaudit.i18n import word
from cxaudit.loader import Document
from cxaudit.locations import DataPath, Location, data_at, format_path
from cxaudit.locations import child as data_child
from cxaudit.model import Bot
from cxaudit.report import Finding, Place, Severity, Suppression
from cxaudit.yaml_data import Data

if TYPE_CHECKING:
    from cxaudit.diagnostics import Note


@dataclass(frozen=True)
class Judged:
    """An issue a rule reported, with its severity, its places and, once decided, whether a
    waiver accepts it. Findings are made from groups of these (one per cause)."""

    rule: str
    issue: Issue
    severity: Severity
    location: Location  # where the fix goes: where the finding points
    place: Location  # where the problem shows (the same place unless the issue says otherwise)
    fingerprint: str
    suppression: Suppression | None = None

    @property
    def counts(self) -> bool:
        return self.suppression is None


def judge(
    rule: str,
    issues: Iterable[Issue],
    severity_of: Mapping[str, Severity],
    document: Document,
    bot: Bot,
) -> list[Judged]:
    """Give a rule's issues their severity, their places and their fingerprints."""
    locate = document.source_map.locate
    judged = []
    for issue in issues:
        location = locate(issue.path, key=issue.key)
        place = location if issue.at is None else locate(issue.at)
        judged.append(
            Judged(
                rule,
                issue,
                severity_of[issue.check],
                location,
                place,
                fingerprint(rule, issue.check, issue.step, issue.path, document.data, bot),
            )
        )
    return judged


def digest(*parts: str) -> str:
    """A finding's identity from what it is about (never where it is written): 20 hex digits."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def finding(
    rule: str,
    check: str,
    severity: Severity,
    texts: tuple[str, str],
    params: Mapping[str, str],
    *,
    path: str,
    line: int,
    column: int,
    fingerprint: str,
    data_path: str = "",
    step: str | None = None,
    suppression: Suppression | None = None,
    related: tuple[Place, ...] = (),
    count: int = 1,
    parts: tuple[str, ...] = (),
    end: tuple[int | None, int | None] = (None, None),
) -> Finding:
    """The one way a finding is made: its message and hint (``texts``) filled with ``params``
    in the report language, at its place, with its identity. Rules' findings, import notes and
    notes about waivers all come from here."""
    message, hint = texts
    return Finding(
        rule=rule,
        check=check,
        severity=severity,
        message=fill(message, params),
        hint=fill(hint, params),
        path=path,
        data_path=data_path,
        step=step,
        line=line,
        column=column,
        fingerprint=fingerprint,
        suppression=suppression,
        related=related,
        count=count,
        parts=parts,
        end_line=end[0],
        end_column=end[1],
    )


def group(
    judged: Iterable[Judged],
    checks: Mapping[str, CheckInfo],
    document: Document,
    language: str,
    platform: str | None = None,
) -> list[tuple[Finding, tuple[Judged, ...]]]:
    """One finding per cause: issues of the same rule and check that name the same cause, or
    whose fix goes in the same place, with the same waiver (or none), are one finding that
    lists every place they affect. In the order the rules reported them. A project of a
    platform (``rasa``, ``dialogflow-cx``) gets the texts written for it, in its own terms."""
    groups: dict[tuple[object, ...], list[Judged]] = {}
    for item in judged:
        issue = item.issue
        where: tuple[object, ...] = (
            ("cause", issue.cause)
            if issue.cause is not None
            else ("at", item.location.file, item.location.line, item.location.column)
        )
        groups.setdefault((item.rule, issue.check, where, item.suppression), []).append(item)
    return [
        (
            _finding(members, checks[members[0].issue.check], document, language, platform),
            tuple(members),
        )
        for members in groups.values()
    ]


def _finding(
    members: list[Judged],
    info: CheckInfo,
    document: Document,
    language: str,
    platform: str | None,
) -> Finding:
    first = members[0]
    issue, location = first.issue, first.location
    places: list[Place] = []
    seen: set[tuple[object, ...]] = {(location.file, location.line, location.column, issue.step)}
    for item in members:
        at = item.place
        key = (at.file, at.line, at.column, item.issue.step)
        if key in seen:
            continue
        seen.add(key)
        places.append(
            Place(
                at.file or document.path,
                at.line,
                at.column,
                item.issue.step,
                at.pointer if at.pointer is not None else format_path(item.issue.place),
            )
        )
    count = sum(item.issue.covers for item in members)
    steps = list(dict.fromkeys(item.issue.step for item in members if item.issue.step))
    params = localise(issue.params, language, step=issue.step)
    params.setdefault("count", str(count))
    params.setdefault("steps", listing(steps, language))
    params.setdefault("more", _more(count, steps, language))
    identity = first.fingerprint
    if issue.cause is not None:
        identity = digest(first.rule, issue.check, "cause", issue.cause)
    return finding(
        first.rule,
        issue.check,
        first.severity,
        (info.text("message", language, platform), info.text("hint", language, platform)),
        params,
        path=location.file or document.path,
        data_path=location.pointer if location.pointer is not None else format_path(issue.path),
        step=issue.step,
        line=location.line,
        column=location.column,
        fingerprint=identity,
        suppression=first.suppression,
        related=tuple(places),
        count=count,
        parts=tuple(item.fingerprint for item in members) if len(members) > 1 else (),
        end=(location.end_line, location.end_column),
    )


#: How many names a message lists before "and N more".
LISTED = 5


def _more(count: int, steps: list[str], language: str) -> str:
    """What a message adds when its cause affects more than one place: `` (3 in all: 'a', 'b',
    'c')``; nothing for a single place."""
    if count <= 1:
        return ""
    if len(steps) > 1:
        return word(language, "in_all_steps", count=count, steps=listing(steps, language))
    return word(language, "in_all", count=count)


def listing(names: list[str], language: str) -> str:
    """``a, b, c`` or ``a, b, c, d, e and 3 more`` (``en nog 3`` in Dutch)."""
    quoted = [f"'{name}'" for name in names[:LISTED]]
    if len(names) <= LISTED:
        return ", ".join(quoted)
    return ", ".join(quoted) + word(language, "and_more", count=len(names) - LISTED)


def localise(
    params: Mapping[str, Param], language: str, *, step: str | None = None
) -> dict[str, str]:
    """Message parameters as text in the report language."""
    out: dict[str, str] = {"step": step or ""}
    for name, value in params.items():
        out[name] = _pick(value, language)
    if "did_you_mean" in out:
        guess = out["did_you_mean"]
        out["did_you_mean"] = word(language, "did_you_mean", value=guess) if guess else ""
    return out


def _pick(value: Param, language: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(language) or value.get("en") or next(iter(value.values()), "")


def fingerprint(
    rule: str, check: str, step: str | None, path: DataPath, data: Data, bot: Bot
) -> str:
    """A finding's identity across edits: rule, check, step, where within it, and the content.

    Never a line number, and never a list position: an item of a list is named by its id
    (``intents[report_fraud]``), an option by where it leads and what it says, an example by
    its text. So adding, removing or reordering steps, intents, options or examples elsewhere
    changes nothing. The content is the offending text, whitespace folded, where the finding
    points at a text.
    """
    start = 0
    if step is not None and step in bot.step_index:
        step_path = bot.steps[bot.step_index[step]].path
        if path[: len(step_path)] == step_path:
            start = len(step_path)  # within the step: the step id says where, not its position
    anchor = _stable_path(path, data, start)
    content = _content(path, data)
    raw = "\x1f".join((rule, check, step or "", anchor, content))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def _stable_path(path: DataPath, data: Data, start: int) -> str:
    parts: list[str] = []
    node: Any = data
    for i, elem in enumerate(path):
        child = data_child(node, elem)
        if i >= start:
            parts.append(f"[{_item_name(child, elem)}]" if isinstance(elem, int) else f".{elem}")
        node = child
    return "".join(parts)


def _item_name(item: Any, index: int) -> str:
    """What names a list item regardless of its position."""
    if isinstance(item, dict):
        for key in ("id", "field"):
            if isinstance(item.get(key), str):
                return str(item[key])
        if "goto" in item:  # an option: where it leads, and what it says
            return f"->{item['goto']}:{json.dumps(item.get('label'), sort_keys=True, ensure_ascii=False)}"
    if isinstance(item, str):  # an intent example, a trigger, a field name
        return json.dumps(" ".join(item.split()), ensure_ascii=False)
    return str(index)


def _content(path: DataPath, data: Data) -> str:
    node = data_at(data, path)
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        return " ".join(str(node).split())
    return ""


IMPORT_RULE = "import"  # the rule id of notes that concern no single golden rule


def import_note(note: Note, path: str, language: str) -> Finding:
    """A note about an imported project as a finding: shown in every format, never scored."""
    info = import_checks()[note.check]
    rule = note.rule or IMPORT_RULE
    params = {"rule": rule, **note.params}
    location = note.location
    return finding(
        rule,
        note.check,
        Severity(info.severity),
        (info.message[language], info.hint[language]),
        params,
        path=(location.file if location else None) or path,
        line=location.line if location else 1,
        column=location.column if location else 1,
        fingerprint=digest(note.check, rule, *(f"{k}={v}" for k, v in sorted(params.items()))),
    )
