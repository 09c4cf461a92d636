"""From a rule's issue to a finding: wording in the report language, position, fingerprint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cxaudit.catalogue import CheckInfo, fill, import_checks
from cxaudit.checks.base import Issue, Param
from cxaudit.i18n import word
from cxaudit.loader import Data, Document
from cxaudit.locations import DataPath, format_path
from cxaudit.model import Bot
from cxaudit.report import Finding, Severity

if TYPE_CHECKING:
    from cxaudit.diagnostics import Note


def make_finding(
    rule: str,
    check: CheckInfo,
    issue: Issue,
    severity: Severity,
    document: Document,
    bot: Bot,
    language: str,
) -> Finding:
    params = localise(issue.params, language, step=issue.step)
    location = document.source_map.locate(issue.path, key=issue.key)
    return Finding(
        rule=rule,
        check=issue.check,
        severity=severity,
        message=fill(check.message[language], params),
        hint=fill(check.hint[language], params),
        path=location.file or document.path,
        data_path=location.pointer if location.pointer is not None else format_path(issue.path),
        step=issue.step,
        line=location.line,
        column=location.column,
        fingerprint=fingerprint(rule, issue.check, issue.step, issue.path, document.data, bot),
    )


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
        child = _child(node, elem)
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


def _child(node: Any, elem: str | int) -> Any:
    if isinstance(node, dict) and isinstance(elem, str):
        return node.get(elem)
    if isinstance(node, list) and isinstance(elem, int) and 0 <= elem < len(node):
        return node[elem]
    return None


def _content(path: DataPath, data: Data) -> str:
    node: Any = data
    for elem in path:
        node = _child(node, elem)
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
    identity = "\x1f".join((note.check, rule, *(f"{k}={v}" for k, v in sorted(params.items()))))
    return Finding(
        rule=rule,
        check=note.check,
        severity=Severity(info.severity),
        message=fill(info.message[language], params),
        hint=fill(info.hint[language], params),
        path=(location.file if location else None) or path,
        data_path="",
        step=None,
        line=location.line if location else 1,
        column=location.column if location else 1,
        fingerprint=hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20],
    )
